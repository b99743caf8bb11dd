//! Outgoing calls on the loop thread and the calling thread: the client side of the per-call
//! sequence (log lines, `Context` and `ThreadMap` fields, size check, blocking with callbacks
//! run on the caller, async calls and their cancellation), and `destroy` before the release
//! of the last handle.

use std::rc::Rc;
use std::sync::{Arc, Mutex};

use capnp::any_pointer;

use crate::connection::conn_state::{forget_thread, ConnOwner, ConnState, Connection};
use crate::connection::thread_context::{DirectThreads, PeerThread, ThreadContext};
use crate::connection::thread_map_server::new_thread_map;
use crate::core::call_ctx::{CallCtx, Mode};
use crate::core::call_log::{call_failed, log_recv, log_send};
use crate::core::caller::{Caller, ThreadCaller};
use crate::core::descriptor::{InterfaceDesc, MethodDesc};
use crate::core::direct_call;
use crate::core::lazy_import::LazyImport;
use crate::core::raw_struct::{init_pointers, is_struct, pointer_field, pointer_field_mut};
use crate::event_loop::loop_box::LoopBox;
use crate::os::error::{Error, Result};
use crate::os::log::LogLevel;
use crate::os::thread_name::{os_thread_name, ThreadKey};
use crate::proxy_capnp::{context, thread_map};
use crate::transport::{capture_call_target, CapRef, SentCall};

/// The shared part of a `ProxyClient`.
pub(crate) struct ClientInner {
    pub(crate) conn: Arc<Connection>,
    /// The import number of `cap` on `conn`, once a call capnp-rpc sent showed it: calls
    /// that need nothing of the loop then go without it (`direct_call.rs`).
    pub(crate) direct: std::sync::OnceLock<u32>,
    pub(crate) cap: TakeBox,
    /// The interface, for log lines and `destroy`; `None` for the runtime's own clients (and
    /// the temporary one that makes the `destroy` call), which log nothing on drop.
    pub(crate) desc: Option<&'static InterfaceDesc>,
    /// Set on the bootstrap proxy of `connect_stream`, which owns its connection.
    pub(crate) owner: Option<ConnOwner>,
}

type Response = capnp::capability::Response<any_pointer::Owned>;

/// Calls `method` on `inner` without blocking (see `ProxyClient::call_async`).
pub(crate) async fn call_async<R, B, D>(
    inner: Arc<ClientInner>,
    method: &'static MethodDesc,
    build: B,
    read: D,
) -> Result<R>
where
    R: Send + 'static,
    B: FnOnce(&CallCtx, any_pointer::Builder<'_>) -> Result<()> + Send + 'static,
    D: FnOnce(&CallCtx, any_pointer::Reader<'_>) -> Result<R> + Send + 'static,
{
    let conn = &inner.conn;
    if conn.is_disconnected() {
        return Err(Error::called_after_disconnect());
    }
    let (tx, rx) = tokio::sync::oneshot::channel::<Result<R>>();
    let (cancel_tx, cancel_rx) = tokio::sync::oneshot::channel::<()>();
    let conn_id = conn.id;
    let cap_inner = inner.clone();
    let posted = conn
        .lp
        .post(move || start_async(conn_id, cap_inner, method, build, read, tx, cancel_rx));
    if posted.is_err() {
        return Err(Error::called_after_disconnect());
    }
    // Dropping this future drops `cancel_tx`, which stops the loop-side task and so
    // drops the capnp promise: capnp-rpc then sends `Finish`, cancelling the call.
    let _cancel_on_drop = cancel_tx;
    rx.await
        .unwrap_or_else(|_| Err(Error::interrupted_by_disconnect()))
}

/// Calls `method` on `inner` and blocks until the reply (see `ProxyClient::call`).
pub(crate) fn call_blocking<R, B, D>(
    inner: &Arc<ClientInner>,
    method: &'static MethodDesc,
    build: B,
    read: D,
) -> Result<R>
where
    R: Send + 'static,
    B: FnOnce(&CallCtx, any_pointer::Builder<'_>) -> Result<()> + Send + 'static,
    D: FnOnce(&CallCtx, any_pointer::Reader<'_>) -> Result<R> + Send + 'static,
{
    let conn = &inner.conn;
    let lp = conn.lp.clone();
    if conn.is_disconnected() {
        return Err(Error::called_after_disconnect());
    }
    if lp.on_loop_thread() {
        return Err(Error::failed(format!(
            "IPC client method {}.{} called on the event loop thread, where it would block the loop",
            method.interface_name, method.name
        )));
    }
    ThreadContext::with(|tc| {
        let name = tc.name(lp.exe_name());
        if tc.note_loop(&lp, forget_thread) {
            lp.log(
                LogLevel::Info,
                format!(
                    "{{{name}}} IPC client first request from current thread, constructing waiter"
                ),
            );
        }
        let import = inner.direct.get().copied();
        if let Some(call) = direct_call::DirectCall::prepare(conn, import, method, tc, &name) {
            return match call.run(build, read) {
                Ok(result) => result,
                // Its objects found no free reusable export: the params go through the loop.
                Err((build, read)) => call_through_loop(inner, method, tc, name, build, read),
            };
        }
        call_through_loop(inner, method, tc, name, build, read)
    })
}

/// The part of [`call_blocking`] that goes through the loop.
fn call_through_loop<R, B, D>(
    inner: &Arc<ClientInner>,
    method: &'static MethodDesc,
    tc: &ThreadContext,
    name: String,
    build: B,
    read: D,
) -> Result<R>
where
    R: Send + 'static,
    B: FnOnce(&CallCtx, any_pointer::Builder<'_>) -> Result<()> + Send + 'static,
    D: FnOnce(&CallCtx, any_pointer::Reader<'_>) -> Result<R> + Send + 'static,
{
    let conn = &inner.conn;
    let lp = conn.lp.clone();
    let key = tc.key;
    let caller = ThreadCaller {
        key: tc.key,
        name,
        waiter: tc.waiter.clone(),
        request_override: tc.request_thread_override(conn.id),
    };
    // Objects the params carry become reusable exports, so that later calls may lend them
    // without the loop (`reusable_export.rs`): for a thread's own calls, while Debug logging
    // is off (as direct calls that lend them require).
    let lend = caller.request_override.is_none()
        && method.may_lend_objects()
        && !lp.log_enabled(LogLevel::Debug);
    // What the call may teach this thread's direct calls with a `Context` (not while it
    // serves a request of this connection: it then calls the requester's thread).
    let learned: Option<Arc<Mutex<Option<DirectThreads>>>> = (caller.request_override.is_none()
        && method.context.is_some()
        && (method.callable_without_loop() || lend)
        && tc
            .direct_threads(conn.id)
            .filter(DirectThreads::is_valid)
            .is_none())
    .then(Arc::default);
    let learned_on_loop = learned.clone();
    let slot: Arc<Mutex<Option<Result<R>>>> = Arc::default();
    let deliver_slot = slot.clone();
    let waiter = tc.waiter.clone();
    let deliver = move |result: Result<R>| {
        let job = Box::new(move || {
            *deliver_slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(result)
        });
        // The caller is blocked below until this job runs, so its thread cannot have exited.
        let _ = waiter.post(job);
    };
    let conn_id = conn.id;
    let cap_inner = inner.clone();
    let posted = lp.post(move || {
        let caller = Caller::Thread(caller);
        let started = start_call(conn_id, &cap_inner, method, caller, lend, build);
        match started {
            Err(e) => deliver(Err(e)),
            Ok((ctx, promise, name, sent)) => {
                if let (Some(slot), Some(sent)) = (&learned_on_loop, sent) {
                    let threads = learn_threads(&ctx, key, method, &sent);
                    *slot.lock().unwrap_or_else(|e| e.into_inner()) = threads;
                }
                tokio::task::spawn_local(async move {
                    let result = finish_call(&ctx, method, &name, promise.await, read);
                    deliver(result);
                });
            }
        }
    });
    if posted.is_err() {
        return Err(Error::called_after_disconnect());
    }
    tc.waiter
        .wait_until(|| slot.lock().unwrap_or_else(|e| e.into_inner()).is_some());
    if let Some(threads) = learned.and_then(|l| l.lock().unwrap_or_else(|e| e.into_inner()).take())
    {
        tc.set_direct_threads(conn.id, threads);
    }
    let result = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
    result.unwrap_or_else(|| Err(Error::failed("IPC call finished without a result")))
}

/// Starts an async call on the loop thread and spawns the task that finishes it.
fn start_async<R, B, D>(
    conn_id: u64,
    inner: Arc<ClientInner>,
    method: &'static MethodDesc,
    build: B,
    read: D,
    tx: tokio::sync::oneshot::Sender<Result<R>>,
    cancel: tokio::sync::oneshot::Receiver<()>,
) where
    R: Send + 'static,
    B: FnOnce(&CallCtx, any_pointer::Builder<'_>) -> Result<()> + 'static,
    D: FnOnce(&CallCtx, any_pointer::Reader<'_>) -> Result<R> + 'static,
{
    let Some(conn) = ConnState::get(conn_id) else {
        let _ = tx.send(Err(Error::called_after_disconnect()));
        return;
    };
    let (thread, callback) = match conn.take_async_threads() {
        Ok(pair) => pair,
        Err(e) => {
            let _ = tx.send(Err(e));
            return;
        }
    };
    let name = format!("{} (async)", os_thread_name(conn.lp.exe_name()));
    let caller = Caller::Async {
        name,
        thread: thread.clone(),
        callback,
    };
    let (ctx, promise, name, _) = match start_call(conn_id, &inner, method, caller, false, build) {
        Ok(started) => started,
        Err(e) => {
            conn.return_async_thread(thread);
            let _ = tx.send(Err(e));
            return;
        }
    };
    tokio::task::spawn_local(async move {
        tokio::select! {
            reply = promise => {
                let _ = tx.send(finish_call(&ctx, method, &name, reply, read));
            }
            _ = cancel => {
                conn.lp.log(LogLevel::Debug, format!("{{{name}}} IPC client cancel {}.{}$Params", method.interface_name, method.name));
            }
        }
        conn.return_async_thread(thread);
        drop(inner);
    });
}

type Started = (
    CallCtx,
    capnp::capability::Promise<Response, capnp::Error>,
    String,
    // What the sent call showed, when it could teach later calls to go direct.
    Option<SentCall>,
);

/// Builds and sends a request on the loop thread; with `lend`, the objects `build` exports
/// become reusable exports (`reusable_export.rs`).
fn start_call<B>(
    conn_id: u64,
    inner: &ClientInner,
    method: &'static MethodDesc,
    caller: Caller,
    lend: bool,
    build: B,
) -> Result<Started>
where
    B: FnOnce(&CallCtx, any_pointer::Builder<'_>) -> Result<()>,
{
    let disconnected = || Error::called_after_disconnect();
    let conn = ConnState::get(conn_id).ok_or_else(disconnected)?;
    let cap = inner.cap.get().ok_or_else(disconnected)?;
    let name = caller.name().to_string();
    let mut request = cap.new_call::<any_pointer::Owned, any_pointer::Owned>(
        method.interface_id,
        method.id,
        None,
    );
    let lp = conn.lp.clone();
    log_send(&lp, &name, method);
    let ctx = if lend {
        CallCtx::on_loop_lending(conn.clone(), caller)
    } else {
        CallCtx::on_loop(conn.clone(), Some(caller))
    };
    build(&ctx, request.get())?;
    // Params that are no struct have no fields to fill: they go as built, for the peer to
    // refuse.
    let fill = is_struct(request.get().into_reader());
    if let (
        true,
        Mode::Loop {
            caller: Some(caller),
            ..
        },
    ) = (fill, &ctx.mode)
    {
        if let Some(index) = method.context {
            let field = pointer_field_mut(request.get(), index)?;
            caller.fill_context(&conn, field.init_as::<context::Builder<'_>>())?;
        }
    }
    if let (true, Some(index)) = (fill, method.thread_map_param) {
        let mut field = pointer_field_mut(request.get(), index)?;
        field.set_as_capability(new_thread_map(&conn).client.hook);
    }
    CallCtx::check_size(request.get().into_reader().target_size()?)?;
    if let Some(text) = method.params_text {
        ctx.log_data("send data", || text(request.get().into_reader()));
    }
    if !method.callable_without_loop() && !lend {
        return Ok((ctx, request.send().promise, name, None));
    }
    // Learn the import this capability is (and the numbers of the `Context`'s threads), so
    // that later calls can go direct; the objects the params carry are pinned as they go.
    let (sent, shown) = capture_call_target(ctx.take_lending(), || request.send());
    let here = Arc::as_ptr(&conn.shared.direct) as usize;
    let shown = shown.filter(|s| s.conn == here);
    if let Some(s) = &shown {
        let _ = inner.direct.set(s.import);
    }
    Ok((ctx, sent.promise, name, shown))
}

/// What a thread's direct calls with a `Context` can name, from a call capnp-rpc sent for it:
/// its `Context` is the end of the capability table, the peer's thread then our callback
/// thread (`Caller::fill_context`'s order, after what `build` set). On the loop thread.
fn learn_threads(
    ctx: &CallCtx,
    key: ThreadKey,
    method: &MethodDesc,
    sent: &SentCall,
) -> Option<DirectThreads> {
    let Mode::Loop { conn, .. } = &ctx.mode else {
        return None;
    };
    method.context?;
    let (thread, callback) = match &sent.caps[sent.caps.len().saturating_sub(2)..] {
        [CapRef::Peer(id), CapRef::Ours(callback)] => (PeerThread::Import(*id), *callback),
        [CapRef::PeerAnswer(q, fields), CapRef::Ours(callback)] => {
            (PeerThread::Answer(*q, fields.clone()), *callback)
        }
        _ => return None,
    };
    let valid = conn.keep_callback_export(key, callback)?;
    Some(DirectThreads {
        thread,
        callback,
        valid,
    })
}

/// Decodes a reply (or error) on the loop thread.
fn finish_call<R, D>(
    ctx: &CallCtx,
    method: &MethodDesc,
    name: &str,
    reply: Result<Response, capnp::Error>,
    read: D,
) -> Result<R>
where
    D: FnOnce(&CallCtx, any_pointer::Reader<'_>) -> Result<R>,
{
    let lp = &ctx.connection().lp;
    match reply {
        Ok(response) => {
            log_recv(lp, name, method);
            let results = response.get()?;
            if let Some(text) = method.results_text {
                ctx.log_data("recv data", || text(results));
            }
            if let (Some(index), Mode::Loop { conn, .. }) = (method.thread_map_result, &ctx.mode) {
                let field = pointer_field(results, index)?;
                if !field.is_null() {
                    let map = field.get_as_capability::<thread_map::Client>()?;
                    *conn.peer_thread_map.borrow_mut() = Some(map);
                }
            }
            read(ctx, results)
        }
        Err(e) => Err(call_failed(lp, name, e)),
    }
}

impl Drop for ClientInner {
    fn drop(&mut self) {
        let Some(desc) = self.desc else { return };
        let name = desc.name;
        let lp = self.conn.lp.clone();
        if lp.on_loop_thread() {
            // The loop must not block on `destroy`; the cleanup thread makes the call, then
            // releases the capability (and closes an owned connection).
            let deferred = ClientInner {
                conn: self.conn.clone(),
                direct: self.direct.clone(),
                cap: self.cap.take(),
                desc: self.desc.take(),
                owner: self.owner.take(),
            };
            crate::os::cleanup::drop_later(Box::new(deferred));
            return;
        }
        lp.log_here(
            LogLevel::Debug,
            format!("IPC client destroy mp::ProxyClient<{name}>"),
        );
        let Some(destroy) = desc.destroy else { return };
        if self.conn.is_disconnected() {
            lp.log_here(
                LogLevel::Warning,
                "Remote destroy call failed during cleanup. Continuing.",
            );
            return;
        }
        let owner = self.owner.take();
        // The same capability: its `destroy` may go direct as its other calls do.
        let temp = Arc::new(ClientInner {
            conn: self.conn.clone(),
            direct: self.direct.clone(),
            cap: self.cap.take(),
            desc: None,
            owner: None,
        });
        // `destroy` has no fields but those the core fills (its `Context`).
        let pointers = destroy.runtime_param_pointers();
        let called = call_blocking(
            &temp,
            destroy,
            move |_, params| {
                init_pointers(params, pointers);
                Ok(())
            },
            |_, _| Ok(()),
        );
        if let Err(e) = called {
            lp.log_here(
                LogLevel::Warning,
                format!("Remote destroy call failed during cleanup. Continuing. ({e})"),
            );
        }
        // Release strictly after the reply, then close an owned connection.
        drop(temp);
        drop(owner);
    }
}

/// The capability slot of a client; emptied when `Drop` hands the capability on.
pub(crate) struct TakeBox(pub(crate) Option<CapHold>);

/// How a client holds its capability.
pub(crate) enum CapHold {
    /// capnp-rpc's, on the loop.
    Boxed(LoopBox<capnp::capability::Client>),
    /// The transport's, handed to capnp-rpc on first use there (`lazy_import.rs`).
    Lazy(Arc<LazyImport>),
}

impl TakeBox {
    /// Holds capnp-rpc's capability `cap`.
    pub(crate) fn boxed(cap: LoopBox<capnp::capability::Client>) -> TakeBox {
        TakeBox(Some(CapHold::Boxed(cap)))
    }

    /// On the loop thread: the capability, if the loop still holds it.
    pub(crate) fn get(&self) -> Option<Rc<capnp::capability::Client>> {
        match self.0.as_ref()? {
            CapHold::Boxed(cap) => cap.get(),
            CapHold::Lazy(lazy) => lazy.client(),
        }
    }

    pub(crate) fn take(&mut self) -> TakeBox {
        TakeBox(self.0.take())
    }
}
