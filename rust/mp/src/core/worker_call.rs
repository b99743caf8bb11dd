//! A call that runs off the loop thread: the choice of thread, lending it the call's messages
//! (capabilities stay on the loop), cancellation, and what comes back.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use capnp::any_pointer;
use capnp::private::layout::CapTable;

use crate::connection::conn_state::ConnState;
use crate::connection::pool::{pick, InFlight};
use crate::connection::thread_context::{ThreadCap, ThreadContext};
use crate::connection::thread_server::ThreadServer;
use crate::core::call_ctx::{CallCtx, Mode, WorkerCaps};
use crate::core::cancel::{with_cancel_flag, CancelGuard};
use crate::core::cap_slot::{slot_table, SlotTable};
use crate::core::descriptor::MethodDesc;
use crate::core::direct_serve::note_call;
use crate::core::dispatch::{Dispatch, IncomingCall};
use crate::core::lent_call::{CallMessages, LentCall};
use crate::core::owned_message::{slots_of, OwnedMessage};
use crate::core::request_caps::RequestCaps;
use crate::event_loop::loop_box::{HeldReleases, HoldReleases, LoopBox};
use crate::os::error::{Error, Result};
use crate::os::log::LogLevel;
use crate::os::thread_name::thread_name;
use crate::proxy_capnp::{context, thread};

/// Where the peer asked a call to run: the capabilities of its `Context` param.
pub(crate) struct ExecContext {
    thread: Option<thread::Client>,
    callback_thread: Option<thread::Client>,
    /// The capabilities of the call's params.
    pub(crate) caps: ParamsCaps,
}

impl ExecContext {
    /// Reads a `Context` (a null context means "no thread") of params that carry `caps`.
    pub(crate) fn read(reader: context::Reader<'_>, caps: ParamsCaps) -> capnp::Result<Self> {
        let thread = if reader.has_thread() {
            Some(reader.get_thread()?)
        } else {
            None
        };
        let callback_thread = if reader.has_callback_thread() {
            Some(reader.get_callback_thread()?)
        } else {
            None
        };
        Ok(ExecContext {
            thread,
            callback_thread,
            caps,
        })
    }
}

/// How many capabilities a call's params carry: in all, and in its `Context`.
#[derive(Clone, Copy)]
pub(crate) struct ParamsCaps {
    pub(crate) total: u32,
    pub(crate) in_context: u32,
}

impl ParamsCaps {
    /// Counts the capabilities of `params`, whose `Context` is `context`.
    pub(crate) fn count(
        params: any_pointer::Reader<'_>,
        context: any_pointer::Reader<'_>,
    ) -> capnp::Result<Self> {
        Ok(ParamsCaps {
            total: params.target_size()?.cap_count,
            in_context: context.target_size()?.cap_count,
        })
    }

    /// Whether the `Context`'s are the only ones.
    pub(crate) fn only_context(self) -> bool {
        self.total == self.in_context
    }
}

/// Loop-side handles a worker used, sent back to be dropped on the loop thread.
#[derive(Default)]
struct Leftovers {
    caps: Option<WorkerCaps>,
    callback: Option<Arc<ThreadCap>>,
    /// Loop-side values the call let go of (see `HoldReleases`).
    released: Option<HeldReleases>,
}

/// Where the thread running a call reads its params from.
enum ParamsSource {
    /// capnp-rpc's message, in place; its only capabilities are the `Context`'s, this many.
    InPlace(u32),
    /// A copy, whose capabilities are slots of a table on the loop thread.
    Copy(OwnedMessage),
}

/// What a call served off the loop thread leaves for the loop: the slots its results refer
/// to, and the tables behind them.
pub(crate) struct WorkerOutcome {
    /// The results, if the worker built them in a message of its own.
    own: Option<OwnedMessage>,
    slots: Vec<Option<(SlotTable, usize)>>,
    params: Option<Arc<LoopBox<CapTable>>>,
    exported: Option<Arc<LoopBox<RefCell<Vec<capnp::capability::Client>>>>>,
    /// The handles the worker gave back (the caller's callbackThread among them).
    leftovers: Leftovers,
}

/// What a call served off the loop thread leaves to drop once its reply is queued.
pub(crate) struct AfterReply {
    _leftovers: Leftovers,
}

impl WorkerOutcome {
    /// Copies results the worker built in a message of its own into the reply, with the
    /// real capabilities for the slots (on the loop thread). Results built in place are left
    /// as they are.
    pub(crate) fn copy_into(self, mut results: any_pointer::Builder<'_>) -> Result<AfterReply> {
        let after = AfterReply {
            _leftovers: self.leftovers,
        };
        let Some(own) = self.own else {
            return Ok(after);
        };
        let params = self.params.as_ref().and_then(|p| p.get());
        let exported = self.exported.as_ref().and_then(|e| e.get());
        let table: CapTable = self
            .slots
            .iter()
            .map(|slot| match slot {
                Some((SlotTable::Params, i)) => params
                    .as_ref()
                    .and_then(|t| t.get(*i)?.as_ref().map(|h| h.add_ref())),
                Some((SlotTable::Exported, i)) => exported
                    .as_ref()
                    .and_then(|t| t.borrow().get(*i).map(|c| c.hook.add_ref())),
                None => None,
            })
            .collect();
        own.read_with(&table, |reader| results.set_as(reader))??;
        Ok(after)
    }
}

/// The thread that runs a call with `exec`: the one `exec.thread` names, or a pool thread.
async fn choose_thread(
    conn: &ConnState,
    number: u64,
    thread: Option<thread::Client>,
) -> Result<(Rc<ThreadServer>, Option<InFlight>), capnp::Error> {
    let lp = &conn.lp;
    let loop_name = || thread_name(lp.exe_name());
    match thread {
        Some(thread) => {
            thread.client.when_resolved().await?;
            let resolved = capnp::capability::get_resolved_cap(thread).await;
            let found = conn
                .threads
                .borrow()
                .get_local_server_of_resolved(&resolved);
            match found {
                Some(server) => Ok((server, None)),
                None => {
                    lp.log(LogLevel::Error, format!("{{{}}} IPC server error request #{number}, missing thread to execute request", loop_name()));
                    Err(capnp::Error::failed(
                        "std::exception: invalid thread handle".into(),
                    ))
                }
            }
        }
        None => match pick(&conn.pool.borrow()) {
            Some((server, in_flight)) => Ok((server, Some(in_flight))),
            None => {
                lp.log(LogLevel::Error, format!("{{{}}} IPC server error request #{number}, no thread specified and no pool configured", loop_name()));
                Err(capnp::Error::failed(
                    "std::exception: no thread specified and no pool configured".into(),
                ))
            }
        },
    }
}

/// Runs the call on the thread `exec` names, lending it the call's messages (see
/// `LentCall`); params with capabilities are copied instead, their capabilities staying here.
/// While the call runs there, calls that thread makes back over this connection go to the
/// caller's `callbackThread`.
pub(crate) async fn run_on_thread(
    conn: &Rc<ConnState>,
    number: u64,
    exec: ExecContext,
    dispatch: Arc<dyn Dispatch>,
    method: &'static MethodDesc,
    keep: Arc<LoopBox<CallMessages>>,
    params: any_pointer::Reader<'_>,
) -> Result<WorkerOutcome, capnp::Error> {
    let lp = conn.lp.clone();
    let (server, _in_flight) = choose_thread(conn, number, exec.thread).await?;
    let callback = exec
        .callback_thread
        .map(|cap| Arc::new(LoopBox::new(&lp, cap)));
    if lp.log_enabled(LogLevel::Debug) {
        lp.log(
            LogLevel::Debug,
            format!(
                "{{{}}} IPC server post request  #{number} {{{}}}",
                thread_name(lp.exe_name()),
                server.name
            ),
        );
    }
    // The `Context` holds capabilities too, but the core has read it already: only the
    // other fields' count.
    let (source, params_caps) = if exec.caps.only_context() {
        (ParamsSource::InPlace(exec.caps.in_context), None)
    } else {
        let (message, caps) = OwnedMessage::copy_from(params)?;
        (ParamsSource::Copy(message), Some(caps))
    };
    let (mut lent, early_guard) = LentCall::lend(
        keep,
        matches!(source, ParamsSource::InPlace(_)),
        !method.results_caps,
        &conn.shared.direct,
    )?;
    let question = lent.question();
    // For calls back on capabilities of these params, when they carry some.
    let RequestCaps {
        imports: request_imports,
        threads: request_threads,
    } = match (&source, question) {
        (ParamsSource::Copy(_), Some(q)) => conn
            .shared
            .direct
            .served()
            .take_call_caps(q)
            .map(|table| RequestCaps::find(params, &table, method.context))
            .unwrap_or_default(),
        _ => RequestCaps::default(),
    };
    if let Some(question) = question {
        note_call(
            conn,
            question,
            &dispatch,
            method,
            &server,
            callback.as_ref(),
            request_threads.as_ref(),
        );
    }
    let mut own = method.results_caps.then(OwnedMessage::new);
    let caps = WorkerCaps {
        conn: conn.shared.clone(),
        boxed: Mutex::new(
            params_caps
                .iter()
                .flatten()
                .map(|hook| {
                    hook.as_ref()
                        .map(|h| LoopBox::new(&lp, capnp::capability::Client::new(h.add_ref())))
                })
                .collect(),
        ),
        params: params_caps.map(|caps| Arc::new(LoopBox::new(&lp, caps))),
        imports: request_imports,
        lazy: Vec::new(),
        exported: method
            .results_caps
            .then(|| Arc::new(LoopBox::new(&lp, RefCell::new(Vec::new())))),
    };
    let (params_table, exported) = (caps.params.clone(), caps.exported.clone());
    let (tx, rx) = tokio::sync::oneshot::channel();
    let conn_id = conn.id;
    let job_lp = lp.clone();
    let canceled = Arc::new(AtomicBool::new(false));
    let started = Arc::new(AtomicBool::new(false));
    let mut guard = CancelGuard {
        canceled: canceled.clone(),
        started: started.clone(),
        finished: false,
        lp: lp.clone(),
        number,
    };
    let job = Box::new(move || {
        ThreadContext::with(|tc| {
            started.store(true, Ordering::SeqCst);
            if canceled.load(Ordering::SeqCst) {
                // The caller gave up before this request started: do not run it.
                return;
            }
            // What holds loop-side handles goes back to the loop with the outcome, so that
            // they are dropped there, not released through posts from here.
            let mut leftovers = Leftovers::default();
            let hold = HoldReleases::start(&job_lp);
            let installed = match callback {
                Some(cb) => {
                    leftovers.callback = tc.push_request_thread(conn_id, cb, request_threads);
                    leftovers.callback.is_none()
                }
                None => false,
            };
            if job_lp.log_enabled(LogLevel::Debug) {
                job_lp.log(
                    LogLevel::Debug,
                    format!(
                        "{{{}}} IPC server executing request #{number}",
                        tc.name(job_lp.exe_name())
                    ),
                );
            }
            let ctx = CallCtx {
                mode: Mode::Worker(caps),
            };
            let params_slots = match &source {
                ParamsSource::Copy(message) => message.slots(),
                // The Context's capabilities are slots too, so that code copying the whole
                // params (the C++ bridge) can; importing one fails (the core has used them).
                ParamsSource::InPlace(n) => slot_table(SlotTable::Params, *n as usize),
            };
            // Capabilities set in results of the worker's own message, as slots.
            let mut own_caps = CapTable::new();
            // Capabilities set in results built in place land here; there must be none.
            let mut in_place_caps = CapTable::new();
            let result = with_cancel_flag(&canceled, || {
                catch_unwind(AssertUnwindSafe(|| {
                    let (lent_params, lent_results) =
                        lent.messages(&params_slots, &mut in_place_caps);
                    let params = match (&source, lent_params) {
                        (ParamsSource::Copy(message), _) => message.reader(&params_slots)?,
                        (ParamsSource::InPlace(_), Some(params)) => params,
                        (ParamsSource::InPlace(_), None) => {
                            return Err(Error::failed("the params of a call were not lent"))
                        }
                    };
                    let results = match (own.as_mut(), lent_results) {
                        (Some(own), _) => own.builder(&mut own_caps),
                        (None, Some(results)) => results,
                        (None, None) => {
                            return Err(Error::failed("the results of a call were not lent"))
                        }
                    };
                    dispatch.call(IncomingCall {
                        method,
                        params,
                        results,
                        ctx: &ctx,
                    })
                }))
                .unwrap_or_else(|p| Err(Error::from_panic(p)))
            });
            let result = result.and_then(|()| {
                if in_place_caps.is_empty() {
                    Ok((own, slots_of(&own_caps)))
                } else {
                    Err(Error::failed(format!(
                        "the results of {}.{} carry a capability, which its descriptor rules out",
                        method.interface_name, method.name
                    )))
                }
            });
            if let Mode::Worker(caps) = ctx.mode {
                leftovers.caps = Some(caps);
            }
            drop(source);
            // Results built in place go out now, without waiting for the loop, if nothing
            // this thread asked of the loop could be overtaken by them.
            if matches!(result, Ok((None, _))) && job_lp.no_jobs_queued() {
                lent.write_return(&canceled);
            }
            lent.release();
            if installed {
                leftovers.callback = tc.pop_request_thread(conn_id);
            }
            leftovers.released = hold.finish();
            if canceled.load(Ordering::SeqCst) && job_lp.log_enabled(LogLevel::Debug) {
                job_lp.log(
                    LogLevel::Debug,
                    format!(
                        "{{{}}} IPC server request #{number} interrupted (canceled)",
                        tc.name(job_lp.exe_name())
                    ),
                );
            }
            let _ = tx.send((result, leftovers));
        })
    });
    if server.waiter.post(job).is_err() {
        guard.finished = true;
        return Err(capnp::Error::failed(
            "std::exception: thread exited before it could run the request".into(),
        ));
    }
    // Only now may calls read after this one be served directly (`transport/served.rs`).
    if let Some(question) = question {
        conn.shared.direct.served().dispatched(question);
    }
    let outcome = rx.await;
    guard.finished = true;
    if let Some(early) = early_guard {
        early.disarm();
    }
    match outcome {
        Ok((Ok((own, slots)), leftovers)) => Ok(WorkerOutcome {
            own,
            slots,
            params: params_table,
            exported,
            leftovers,
        }),
        Ok((Err(e), _leftovers)) => Err(e.into_server_reply()),
        Err(_) => Err(capnp::Error::failed(
            "request was dropped before it could be executed".into(),
        )),
    }
}
