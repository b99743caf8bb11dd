//! The core's side of calls served without capnp-rpc (`transport/served.rs`): what it notes
//! after a call through capnp-rpc, the checks a later `Call` must pass, and running it on
//! its thread, which writes the `Return` itself.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

use capnp::any_pointer;
use capnp::message::{Allocator, Builder, HeapAllocator};
use capnp::private::layout::CapTable;
use capnp::traits::{Imbue, ImbueMut};
use capnp_rpc::rpc_capnp::{exception, message};

use crate::connection::conn_state::{ConnState, Connection};
use crate::connection::thread_context::{DirectThreads, PeerThread, ThreadCap, ThreadContext};
use crate::connection::thread_server::ThreadServer;
use crate::core::call_ctx::{CallCtx, Mode, WorkerCaps};
use crate::core::cancel::with_cancel_flag;
use crate::core::cap_slot::{slot_of, slot_table, SlotTable};
use crate::core::descriptor::MethodDesc;
use crate::core::dispatch::{Dispatch, IncomingCall};
use crate::core::lazy_import::LazyImport;
use crate::core::raw_struct::pointer_field;
use crate::event_loop::loop_box::HoldReleases;
use crate::os::error::{Error, Result};
use crate::os::log::LogLevel;
use crate::proxy_capnp::context;
use crate::transport::spliced::SplicedMessage;
use crate::transport::{
    FrameBody, Kept, ReadForCalls, Received, ServeCall, ServeHook, ServeThread,
};

/// What is noted for an object served directly.
struct Target {
    dispatch: Arc<dyn Dispatch>,
}

/// Whether calls of `method` may be served directly: a `Context`, results without
/// capabilities, and nothing else the core does on the loop around the call.
fn eligible(method: &MethodDesc) -> bool {
    method.context.is_some()
        && !method.results_caps
        && method.thread_map_param.is_none()
        && method.thread_map_result.is_none()
}

/// On the loop, as capnp-rpc's call `question` of `method` goes to `server` (named by the
/// call's `Context`, whose `callbackThread` is `callback`): notes what later calls of that
/// thread to that object need to be served directly, and lets a worker wait for them by
/// reading the socket.
pub(crate) fn note_call(
    conn: &Rc<ConnState>,
    question: u32,
    dispatch: &Arc<dyn Dispatch>,
    method: &MethodDesc,
    server: &ThreadServer,
    callback: Option<&Arc<ThreadCap>>,
    threads: Option<&DirectThreads>,
) {
    let Some(callback) = callback else {
        return;
    };
    // Which of the peer's exports in the call is its `callbackThread`, when it passed
    // objects too (`request_caps.rs` read the `Context` against the capability table).
    let callback_hint = threads.and_then(|t| match t.thread {
        PeerThread::Import(import) => Some(import),
        PeerThread::Answer(..) => None,
    });
    if !eligible(method) {
        return;
    }
    let direct = &conn.shared.direct;
    let shared = Arc::downgrade(&conn.shared);
    direct.set_serve_hook(|| Box::new(Hook { conn: shared }));
    let learned = direct
        .served()
        .learn(question, callback_hint, |callback_import| {
            let target: Kept = Arc::new(Target {
                dispatch: dispatch.clone(),
            });
            let callback: Kept = callback.clone();
            let thread = Arc::new(ServeThread {
                waiter: server.waiter.clone(),
                callback_import,
                callback,
            });
            Some((target, thread))
        });
    if learned && server.owns_thread() {
        direct.share().want_watch();
        server
            .waiter
            .set_idle(Arc::new(ReadForCalls::new(Arc::downgrade(direct))));
    }
}

/// The core's checks of a `Call` sorted for serving, and its hand-over.
struct Hook {
    conn: Weak<Connection>,
}

/// What the checks found in a `Call`.
struct Checked {
    method: &'static MethodDesc,
    /// Entries of the call's capability table.
    table_len: usize,
    dispatch: Arc<dyn Dispatch>,
    callback: Arc<ThreadCap>,
}

impl Hook {
    fn check(&self, conn: &Connection, call: &ServeCall) -> Option<Checked> {
        // The log lines of a served call are written on the loop (`incoming.rs`).
        if conn.lp.log_enabled(LogLevel::Debug) {
            return None;
        }
        let target = call.target.downcast_ref::<Target>()?;
        let callback = call.thread.callback.clone().downcast::<ThreadCap>().ok()?;
        let root: message::Reader<'_> = call.message.get_root().ok()?;
        let message::Call(c) = root.which().ok()? else {
            return None;
        };
        let c = c.ok()?;
        let method = target
            .dispatch
            .interface()
            .method(c.get_interface_id(), c.get_method_id())?;
        if !eligible(method) {
            return None;
        }
        // The `Context` must name the two threads the capability table was sorted by.
        let slots = slot_table(SlotTable::Params, call.table_len as usize);
        let mut params = c.get_params().ok()?.get_content();
        params.imbue(&slots);
        let ctx: context::Reader<'_> =
            pointer_field(params, method.context?).ok()?.get_as().ok()?;
        let index = |cap: capnp::Result<crate::proxy_capnp::thread::Client>| {
            slot_of(cap.ok()?.client.hook.as_ref()).map(|(_, i)| i as u32)
        };
        if index(ctx.get_thread()) != Some(call.thread_index)
            || index(ctx.get_callback_thread()) != Some(call.callback_index)
        {
            return None;
        }
        Some(Checked {
            method,
            table_len: call.table_len as usize,
            dispatch: target.dispatch.clone(),
            callback,
        })
    }
}

impl ServeHook for Hook {
    fn offer(&self, call: ServeCall) -> std::result::Result<(), Received> {
        let Some(conn) = self.conn.upgrade() else {
            return Err(call.message);
        };
        let Some(checked) = self.check(&conn, &call) else {
            return Err(call.message);
        };
        let ServeCall {
            message,
            question,
            thread,
            thread_export,
            canceled,
            table_len,
            extra,
            ..
        } = call;
        // The peer's objects the call carries: the transport holds their references now.
        // A call that carries none (a plain `Context` call) allocates nothing for them.
        let serving = (!extra.is_empty()).then(|| Arc::new(AtomicBool::new(true)));
        let mut lazy = Vec::new();
        if let Some(serving) = &serving {
            lazy.resize(table_len as usize, None);
            for (index, import) in extra {
                if let Some(slot) = lazy.get_mut(index as usize) {
                    *slot = Some(LazyImport::new(
                        conn.clone(),
                        import,
                        checked.callback.clone(),
                        serving.clone(),
                    ));
                }
            }
        }
        let callback_import = thread.callback_import;
        // What the worker's calls back to the caller name while it serves this call.
        let calls_back =
            DirectThreads::for_request(PeerThread::Import(callback_import), thread_export);
        let job_conn = conn.clone();
        let job = Box::new(move || {
            run(
                &job_conn,
                checked,
                Served {
                    message,
                    question,
                    canceled,
                    lazy,
                    serving,
                },
                callback_import,
                calls_back,
            )
        });
        if thread.waiter.post(job).is_err() {
            let e = capnp::Error::failed(
                "std::exception: thread exited before it could run the request".into(),
            );
            conn.direct.send_served_return(
                question,
                exception_return(question, &e).into(),
                callback_import,
                false,
            );
        }
        Ok(())
    }
}

/// A call served directly, as posted to its thread.
struct Served {
    message: Received,
    question: u32,
    canceled: Arc<AtomicBool>,
    /// The peer's objects it carries, by capability-table index.
    lazy: Vec<Option<Arc<LazyImport>>>,
    /// Cleared once the `Return` is about to be written (see `LazyImport`); `None` when it
    /// carries no such objects.
    serving: Option<Arc<AtomicBool>>,
}

/// Runs a call served directly on this thread, and writes its `Return`.
fn run(
    conn: &Arc<Connection>,
    checked: Checked,
    served: Served,
    callback_import: u32,
    calls_back: DirectThreads,
) {
    let Served {
        message,
        question,
        canceled,
        lazy,
        serving,
    } = served;
    let canceled = &canceled;
    let lp = conn.lp.clone();
    let (ret, held) = if canceled.load(Ordering::SeqCst) {
        // The caller finished the question before it started: it is not run.
        (canceled_return(question).into(), None)
    } else {
        ThreadContext::with(|tc| {
            let installed = tc
                .push_request_thread(conn.id, checked.callback, Some(calls_back))
                .is_none();
            // Loop-side values the call lets go of go back after the `Return`.
            let hold = HoldReleases::start(&lp);
            let ctx = CallCtx {
                mode: Mode::Worker(WorkerCaps {
                    conn: conn.clone(),
                    boxed: Mutex::new(Vec::new()),
                    params: None,
                    imports: Vec::new(),
                    lazy,
                    exported: None,
                }),
            };
            // Big `Data` in the results goes out from its own memory (`transport/spliced.rs`);
            // calls are served here only while Debug logging is off, so nothing logs them.
            let mut ret = SplicedMessage::new(64);
            let outcome = with_cancel_flag(canceled, || {
                ret.build(true, |ret| {
                    catch_unwind(AssertUnwindSafe(|| {
                        let dispatch = &*checked.dispatch;
                        let call = (&message, checked.table_len);
                        build_results(ret, question, call, checked.method, dispatch, &ctx)
                    }))
                    .unwrap_or_else(|p| Err(Error::from_panic(p)))
                })
            });
            if installed {
                drop(tc.pop_request_thread(conn.id));
            }
            drop(ctx);
            let ret: FrameBody = match outcome {
                Ok(()) => ret.into(),
                Err(e) => exception_return(question, &e.into_server_reply()).into(),
            };
            (ret, hold.finish())
        })
    };
    // The received frame goes now: if the results share its memory (an echoed `Data`),
    // that memory goes with the `Return`'s last byte, before the peer's next call comes
    // and needs a buffer.
    drop(message);
    // The peer's objects let go of from now on are released without waiting for a frame.
    if let Some(serving) = &serving {
        serving.store(false, Ordering::SeqCst);
    }
    // The `Return` must not overtake a job this thread posted to the loop: then the loop
    // writes it, after those.
    if lp.no_jobs_queued() {
        conn.direct
            .send_served_return(question, ret, callback_import, true);
        drop(held);
        return;
    }
    let direct = conn.direct.clone();
    let posted = lp.post(move || {
        direct.send_served_return(question, ret, callback_import, false);
        drop(held);
    });
    if posted.is_err() {
        conn.direct.served().returned(question);
    }
}

/// Fills `ret` with the `Return` of `question`: the params of `message` (whose capability
/// table has `table_len` entries) read in place, the results built by `dispatch`.
fn build_results<A: Allocator>(
    ret: &mut Builder<A>,
    question: u32,
    (message, table_len): (&Received, usize),
    method: &'static MethodDesc,
    dispatch: &dyn Dispatch,
    ctx: &CallCtx,
) -> Result<()> {
    let root: message::Reader<'_> = message.get_root()?;
    let message::Call(c) = root.which()? else {
        return Err(Error::failed("a call served directly is not a Call"));
    };
    // The capabilities are slots, as for params read in place (`worker_call.rs`); the
    // peer's objects among them are imported as the transport's (`lazy_import.rs`).
    let slots = slot_table(SlotTable::Params, table_len);
    let mut params = c?.get_params()?.get_content();
    params.imbue(&slots);
    let mut r = ret.init_root::<message::Builder<'_>>().init_return();
    r.set_answer_id(question);
    r.set_release_param_caps(false);
    let mut results: any_pointer::Builder<'_> = r.init_results().init_content();
    let mut caps = CapTable::new();
    results.imbue_mut(&mut caps);
    dispatch.call(IncomingCall {
        method,
        params,
        results: results.reborrow(),
        ctx,
    })?;
    let size = results.into_reader().target_size()?;
    if !caps.is_empty() {
        return Err(Error::failed(format!(
            "the results of {}.{} carry a capability, which its descriptor rules out",
            method.interface_name, method.name
        )));
    }
    CallCtx::check_size(size)
}

/// A `Return` of `question` with `error`, written as capnp-rpc writes one.
fn exception_return(question: u32, error: &capnp::Error) -> Builder<HeapAllocator> {
    let mut m = Builder::new(HeapAllocator::new().first_segment_words(32));
    let mut r = m.init_root::<message::Builder<'_>>().init_return();
    r.set_answer_id(question);
    r.set_release_param_caps(false);
    let mut e = r.init_exception();
    let kind = match error.kind {
        capnp::ErrorKind::Overloaded => exception::Type::Overloaded,
        capnp::ErrorKind::Disconnected => exception::Type::Disconnected,
        capnp::ErrorKind::Unimplemented => exception::Type::Unimplemented,
        _ => exception::Type::Failed,
    };
    e.set_type(kind);
    match error.kind {
        capnp::ErrorKind::Failed
        | capnp::ErrorKind::Overloaded
        | capnp::ErrorKind::Disconnected
        | capnp::ErrorKind::Unimplemented => e.set_reason(&error.extra),
        _ => e.set_reason(error.to_string()),
    }
    m
}

/// The `Return` of a question the caller finished before its call started: an exception,
/// not `canceled`, which capnp-rpc (Rust) refuses as unimplemented while its question is
/// still referenced.
fn canceled_return(question: u32) -> Builder<HeapAllocator> {
    let error = capnp::Error::failed("the call was canceled before it started".into());
    exception_return(question, &error)
}
