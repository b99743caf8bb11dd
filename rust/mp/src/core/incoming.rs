//! The server side of one call, from capnp-rpc's dispatch to the reply: numbering, log lines,
//! the `Context` and `ThreadMap` fields, the choice of thread, cancellation, size checks. The
//! serving code is entered once, on the chosen thread, through [`Dispatch::call`].

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use capnp::any_pointer;
use capnp::capability::{Params, Results};
use capnp::private::layout::CapTable;

use crate::connection::conn_state::ConnState;
use crate::connection::pool::{pick, InFlight};
use crate::connection::thread_context::ThreadContext;
use crate::connection::thread_map_server::new_thread_map;
use crate::connection::thread_server::ThreadServer;
use crate::core::call_ctx::{CallCtx, Mode, WorkerCaps};
use crate::core::cancel::{with_cancel_flag, CancelGuard};
use crate::core::cap_slot::SlotTable;
use crate::core::descriptor::MethodDesc;
use crate::core::dispatch::{Dispatch, IncomingCall};
use crate::core::owned_message::{slots_of, OwnedMessage};
use crate::core::raw_struct::{pointer_field, pointer_field_mut};
use crate::event_loop::loop_box::LoopBox;
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

/// Results a call served off the loop thread built, and the tables its slots refer to.
struct Reply {
    message: OwnedMessage,
    slots: Vec<Option<(SlotTable, usize)>>,
    params: Arc<LoopBox<CapTable>>,
    exported: Arc<LoopBox<RefCell<Vec<capnp::capability::Client>>>>,
}

impl Reply {
    /// Copies the results into capnp-rpc's response, with the real capabilities for the
    /// slots; on the loop thread.
    fn copy_into(self, mut results: any_pointer::Builder<'_>) -> Result<()> {
        let params = self.params.get();
        let exported = self.exported.get();
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
        self.message
            .read_with(&table, |reader| results.set_as(reader))??;
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
    let loop_name = || thread_name(lp.exe_name());
    if lp.log_enabled(LogLevel::Debug) {
        lp.log(
            LogLevel::Debug,
            format!(
                "{{{}}} IPC server recv request  #{number} {}.{}$Params",
                loop_name(),
                method.interface_name,
                method.name
            ),
        );
    }
    let reader = params.get()?;
    let ctx = CallCtx::on_loop(conn.clone(), None);
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
    let outcome = match method.context {
        None => {
            let call = IncomingCall {
                method,
                params: reader,
                results: results.get(),
                ctx: &ctx,
            };
            catch_unwind(AssertUnwindSafe(|| dispatch.call(call)))
                .unwrap_or_else(|p| Err(panic_error(p)))
                .map(|()| None)
                .map_err(Error::into_server_reply)
        }
        Some(index) => {
            let exec = ExecContext::read(pointer_field(reader, index)?.get_as()?)?;
            run_on_thread(&conn, number, exec, dispatch, method, reader)
                .await
                .map(Some)
        }
    };
    if lp.log_enabled(LogLevel::Debug) {
        match &outcome {
            Ok(_) => lp.log(
                LogLevel::Debug,
                format!(
                    "{{{}}} IPC server send response #{number} {}.{}$Results",
                    loop_name(),
                    method.interface_name,
                    method.name
                ),
            ),
            Err(e) => lp.log(
                LogLevel::Error,
                format!(
                    "{{{}}} IPC server error request #{number} {}.{}$Results kj::Exception: {e}",
                    loop_name(),
                    method.interface_name,
                    method.name
                ),
            ),
        }
    }
    if let Some(reply) = outcome? {
        reply.copy_into(results.get())?;
    }
    if let Some(index) = method.thread_map_result {
        let mut field = pointer_field_mut(results.get(), index)?;
        field.set_as_capability(new_thread_map(&conn).client.hook);
    }
    CallCtx::check_size(results.get().into_reader().target_size()?)?;
    if let Some(text) = method.results_text {
        ctx.log_data("response data", || text(results.get().into_reader()));
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

/// Runs the call on the thread `exec` names. The params are copied for that thread (their
/// capabilities stay here, in a table); the results it builds are copied back here. While the
/// call runs there, calls that thread makes back over this connection go to the caller's
/// `callbackThread`.
async fn run_on_thread(
    conn: &Rc<ConnState>,
    number: u64,
    exec: ExecContext,
    dispatch: Arc<dyn Dispatch>,
    method: &'static MethodDesc,
    params: any_pointer::Reader<'_>,
) -> Result<Reply, capnp::Error> {
    let lp = conn.lp.clone();
    let loop_name = || thread_name(lp.exe_name());
    let (server, _in_flight) = choose_thread(conn, number, exec.thread).await?;
    let callback = exec
        .callback_thread
        .map(|cap| Arc::new(LoopBox::new(&lp, cap)));
    if lp.log_enabled(LogLevel::Debug) {
        lp.log(
            LogLevel::Debug,
            format!(
                "{{{}}} IPC server post request  #{number} {{{}}}",
                loop_name(),
                server.name
            ),
        );
    }
    let (message, caps) = OwnedMessage::copy_from(params)?;
    let caps = WorkerCaps {
        conn: conn.shared.clone(),
        params: Arc::new(LoopBox::new(&lp, caps)),
        exported: Arc::new(LoopBox::new(&lp, RefCell::new(Vec::new()))),
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
            let installed = callback
                .map(|cb| tc.push_request_thread(conn_id, cb))
                .unwrap_or(false);
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
            let params_slots = message.slots();
            let mut out = OwnedMessage::new();
            let mut out_table = CapTable::new();
            let result = with_cancel_flag(&canceled, || {
                catch_unwind(AssertUnwindSafe(|| {
                    let params = message.reader(&params_slots)?;
                    dispatch.call(IncomingCall {
                        method,
                        params,
                        results: out.builder(&mut out_table),
                        ctx: &ctx,
                    })
                }))
                .unwrap_or_else(|p| Err(panic_error(p)))
            });
            let result = result.map(|()| slots_of(&out_table));
            drop(ctx);
            drop(message);
            if installed {
                tc.pop_request_thread(conn_id);
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
            let _ = tx.send(result.map(|slots| (out, slots)));
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
    match outcome {
        Ok(Ok((message, slots))) => Ok(Reply {
            message,
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
