//! The server side of one call, from capnp-rpc's dispatch to the reply: numbering, log lines,
//! the `Context` and `ThreadMap` fields, the choice of thread, cancellation, size checks. The
//! serving code is entered once, on the chosen thread, through [`Dispatch::call`].

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use capnp::any_pointer;
use capnp::capability::{Params, Results};
use capnp::private::layout::CapTable;

use crate::connection::conn_state::ConnState;
use crate::connection::pool::{pick, InFlight};
use crate::connection::thread_context::{ThreadCap, ThreadContext};
use crate::connection::thread_map_server::new_thread_map;
use crate::connection::thread_server::ThreadServer;
use crate::core::call_ctx::{CallCtx, Mode, WorkerCaps};
use crate::core::cancel::{with_cancel_flag, CancelGuard};
use crate::core::cap_slot::SlotTable;
use crate::core::descriptor::MethodDesc;
use crate::core::dispatch::{Dispatch, IncomingCall};
use crate::core::lent_call::{CallMessages, LentCall};
use crate::core::owned_message::{slots_of, OwnedMessage};
use crate::core::raw_struct::{pointer_field, pointer_field_mut};
use crate::event_loop::loop_box::LoopBox;
use crate::event_loop::loop_thread::EventLoop;
use crate::os::error::{Error, Result};
use crate::os::log::LogLevel;
use crate::os::thread_name::thread_name;
use crate::proxy_capnp::{context, thread, thread_map};

static REQUEST_NUMBER: AtomicU64 = AtomicU64::new(1);

/// Where the peer asked a call to run: the capabilities of its `Context` param.
struct ExecContext {
    thread: Option<thread::Client>,
    callback_thread: Option<thread::Client>,
}

impl ExecContext {
    /// Reads a `Context` (a null context means "no thread").
    fn read(reader: context::Reader<'_>) -> capnp::Result<Self> {
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
        })
    }
}

/// Loop-side handles a worker used, sent back to be dropped on the loop thread.
#[derive(Default)]
struct Leftovers {
    caps: Option<WorkerCaps>,
    callback: Option<Arc<ThreadCap>>,
}

/// Where the thread running a call reads its params from.
enum ParamsSource {
    /// capnp-rpc's message, in place.
    InPlace,
    /// A copy, whose capabilities are slots of a table on the loop thread.
    Copy(OwnedMessage),
}

/// What a call served off the loop thread leaves for the loop: the slots its results refer
/// to, and the tables behind them.
struct WorkerOutcome {
    /// The results, if the worker built them in a message of its own.
    own: Option<OwnedMessage>,
    slots: Vec<Option<(SlotTable, usize)>>,
    params: Option<Arc<LoopBox<CapTable>>>,
    exported: Option<Arc<LoopBox<RefCell<Vec<capnp::capability::Client>>>>>,
}

impl WorkerOutcome {
    /// Copies results the worker built in a message of its own into the reply, with the
    /// real capabilities for the slots (on the loop thread). Results built in place are left
    /// as they are.
    fn copy_into(self, mut results: any_pointer::Builder<'_>) -> Result<()> {
        let Some(own) = self.own else {
            return Ok(());
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
        Ok(())
    }
}

fn panic_error(payload: Box<dyn std::any::Any + Send>) -> Error {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    Error::failed(format!("IPC server method panicked: {text}"))
}

/// Serves one call of `method` on `conn` with `dispatch`; runs on the loop thread.
pub(crate) async fn serve(
    conn: Rc<ConnState>,
    dispatch: Arc<dyn Dispatch>,
    method: &'static MethodDesc,
    params: Params<any_pointer::Owned>,
    mut results: Results<any_pointer::Owned>,
) -> Result<(), capnp::Error> {
    let number = REQUEST_NUMBER.fetch_add(1, Ordering::Relaxed);
    let lp = conn.lp.clone();
    if lp.log_enabled(LogLevel::Debug) {
        lp.log(
            LogLevel::Debug,
            format!(
                "{{{}}} IPC server recv request  #{number} {}.{}$Params",
                thread_name(lp.exe_name()),
                method.interface_name,
                method.name
            ),
        );
    }
    let ctx = CallCtx::on_loop(conn.clone(), None);
    let Some(index) = method.context else {
        // No `Context`: the call runs here, on capnp-rpc's messages.
        let reader = params.get()?;
        receive_params(&conn, &ctx, method, reader)?;
        let call = IncomingCall {
            method,
            params: reader,
            results: results.get(),
            ctx: &ctx,
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| dispatch.call(call)))
            .unwrap_or_else(|p| Err(panic_error(p)))
            .map_err(Error::into_server_reply);
        log_outcome(&lp, number, method, &outcome);
        outcome?;
        return send_results(&conn, &ctx, method, results.get());
    };
    // The call runs on another thread, which uses the messages where they are: they go into
    // the loop's table, where they stay until that thread is done with them.
    let keep = Arc::new(LoopBox::new(
        &lp,
        CallMessages {
            params,
            results: RefCell::new(results),
        },
    ));
    let held = keep.get().ok_or_else(|| {
        capnp::Error::failed("the messages of a call went missing on the loop".into())
    })?;
    let reader = held.params.get()?;
    receive_params(&conn, &ctx, method, reader)?;
    let exec = ExecContext::read(pointer_field(reader, index)?.get_as()?)?;
    // `keep` stays here too, so that the messages are normally freed here, after the reply,
    // rather than through a post from the worker.
    let lent = keep.clone();
    let outcome = run_on_thread(&conn, number, exec, dispatch, method, lent, reader).await;
    log_outcome(&lp, number, method, &outcome);
    let outcome = outcome?;
    let mut results = held.results.borrow_mut();
    outcome.copy_into(results.get())?;
    send_results(&conn, &ctx, method, results.get())
}

/// On the loop thread, before the call runs: the `request data` line and a `ThreadMap` param.
fn receive_params(
    conn: &ConnState,
    ctx: &CallCtx,
    method: &MethodDesc,
    reader: any_pointer::Reader<'_>,
) -> Result<(), capnp::Error> {
    if let Some(text) = method.params_text {
        ctx.log_data("request data", || text(reader));
    }
    if let Some(index) = method.thread_map_param {
        let field = pointer_field(reader, index)?;
        if !field.is_null() {
            let map = field.get_as_capability::<thread_map::Client>()?;
            *conn.peer_thread_map.borrow_mut() = Some(map);
        }
    }
    Ok(())
}

/// The `send response` or `error request` line.
fn log_outcome<T>(
    lp: &EventLoop,
    number: u64,
    method: &MethodDesc,
    outcome: &Result<T, capnp::Error>,
) {
    if !lp.log_enabled(LogLevel::Debug) {
        return;
    }
    let name = thread_name(lp.exe_name());
    match outcome {
        Ok(_) => lp.log(
            LogLevel::Debug,
            format!(
                "{{{name}}} IPC server send response #{number} {}.{}$Results",
                method.interface_name, method.name
            ),
        ),
        Err(e) => lp.log(
            LogLevel::Error,
            format!(
                "{{{name}}} IPC server error request #{number} {}.{}$Results kj::Exception: {e}",
                method.interface_name, method.name
            ),
        ),
    }
}

/// On the loop thread, after the call ran: a `ThreadMap` result, the size check and the
/// `response data` line.
fn send_results(
    conn: &Rc<ConnState>,
    ctx: &CallCtx,
    method: &MethodDesc,
    mut results: any_pointer::Builder<'_>,
) -> Result<(), capnp::Error> {
    if let Some(index) = method.thread_map_result {
        let mut field = pointer_field_mut(results.reborrow(), index)?;
        field.set_as_capability(new_thread_map(conn).client.hook);
    }
    CallCtx::check_size(results.reborrow().into_reader().target_size()?)?;
    if let Some(text) = method.results_text {
        ctx.log_data("response data", || text(results.into_reader()));
    }
    Ok(())
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
async fn run_on_thread(
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
    let in_context = match method.context {
        Some(index) => pointer_field(params, index)?.target_size()?.cap_count,
        None => 0,
    };
    let (source, params_caps) = if params.target_size()?.cap_count == in_context {
        (ParamsSource::InPlace, None)
    } else {
        let (message, caps) = OwnedMessage::copy_from(params)?;
        (ParamsSource::Copy(message), Some(caps))
    };
    let mut lent = LentCall::lend(
        keep,
        matches!(source, ParamsSource::InPlace),
        !method.results_caps,
    )?;
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
            let installed = match callback {
                Some(cb) => {
                    leftovers.callback = tc.push_request_thread(conn_id, cb);
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
                ParamsSource::InPlace => CapTable::new(),
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
                        (ParamsSource::InPlace, Some(params)) => params,
                        (ParamsSource::InPlace, None) => {
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
                .unwrap_or_else(|p| Err(panic_error(p)))
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
            lent.release();
            if installed {
                leftovers.callback = tc.pop_request_thread(conn_id);
            }
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
    let outcome = rx.await;
    guard.finished = true;
    match outcome.map(|(result, _leftovers)| result) {
        Ok(Ok((own, slots))) => Ok(WorkerOutcome {
            own,
            slots,
            params: params_table,
            exported,
        }),
        Ok(Err(e)) => Err(e.into_server_reply()),
        Err(_) => Err(capnp::Error::failed(
            "request was dropped before it could be executed".into(),
        )),
    }
}
