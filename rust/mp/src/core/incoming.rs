//! The server side of one call, from capnp-rpc's dispatch to the reply: numbering, log lines,
//! the `Context` and `ThreadMap` fields, size checks; calls with a `Context` go on to
//! `worker_call.rs`. The serving code is entered once, on the chosen thread, through
//! [`Dispatch::call`].

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use capnp::any_pointer;
use capnp::capability::{Params, Results};

use crate::connection::conn_state::ConnState;
use crate::connection::thread_map_server::new_thread_map;
use crate::core::call_ctx::CallCtx;
use crate::core::descriptor::MethodDesc;
use crate::core::dispatch::{Dispatch, IncomingCall};
use crate::core::lent_call::CallMessages;
use crate::core::raw_struct::{pointer_field, pointer_field_mut};
use crate::core::worker_call::{run_on_thread, ExecContext, ParamsCaps};
use crate::event_loop::loop_box::LoopBox;
use crate::event_loop::loop_thread::EventLoop;
use crate::os::error::{Error, Result};
use crate::os::log::LogLevel;
use crate::os::thread_name::thread_name;
use crate::proxy_capnp::thread_map;
use crate::transport::defer_releases;

static REQUEST_NUMBER: AtomicU64 = AtomicU64::new(1);

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
            .unwrap_or_else(|p| Err(Error::from_panic(p)))
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
            results: RefCell::new(Some(results)),
        },
    ));
    let held = keep.get().ok_or_else(|| {
        capnp::Error::failed("the messages of a call went missing on the loop".into())
    })?;
    let reader = held.params.get()?;
    receive_params(&conn, &ctx, method, reader)?;
    let context = pointer_field(reader, index)?;
    let caps_count = ParamsCaps::count(reader, context)?;
    let exec = ExecContext::read(context.get_as()?, caps_count)?;
    // `keep` stays here too, so that the messages are normally freed here, after the reply,
    // rather than through a post from the worker.
    let lent = keep.clone();
    let outcome = run_on_thread(&conn, number, exec, dispatch, method, lent, reader).await;
    log_outcome(&lp, number, method, &outcome);
    let outcome = outcome?;
    let mut slot = held.results.borrow_mut();
    let results = slot
        .as_mut()
        .ok_or_else(|| capnp::Error::failed("the results of a call were sent already".into()))?;
    let after = outcome.copy_into(results.get())?;
    let sent = send_results(&conn, &ctx, method, results.get());
    // capnp-rpc sends the `Return` when its results are dropped: now. The params (whose
    // capabilities include the caller's callbackThread) and the handles the worker gave back
    // go after it, so that their `Release` follows the `Return` on the wire, as with the
    // original, instead of delaying it.
    let results = slot.take();
    drop(slot);
    drop(results);
    // A task queued now runs after the one capnp-rpc woke to send the reply, in this same
    // loop turn. When the call's only capabilities were its `Context`'s, their `Release`
    // (the caller's `callbackThread`) goes with the next frame written, usually the next
    // `Return`, instead of costing a `sendmsg` and a wake-up of the peer's loop of its own.
    // Other capabilities (a callback, say) are released at once: the peer may have work
    // to do when they go, which should not wait for our next frame.
    tokio::task::spawn_local(async move {
        let drop_all = || drop((after, held, keep));
        match caps_count.only_context() {
            true => defer_releases(drop_all),
            false => drop_all(),
        }
    });
    sent
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
