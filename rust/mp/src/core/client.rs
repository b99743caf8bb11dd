//! The client core: a `Send + Sync` handle to a capability that lives on the loop thread,
//! and blocking calls that let the peer call back into the blocked thread.

use std::rc::Rc;
use std::sync::{Arc, Mutex};

use capnp::any_pointer;

use crate::connection::conn_state::{forget_thread, ConnOwner, ConnState, Connection};
use crate::connection::thread_context::ThreadContext;
use crate::connection::thread_map_server::new_thread_map;
use crate::core::call_ctx::{CallCtx, Mode};
use crate::core::caller::{Caller, ThreadCaller};
use crate::core::cap_slot::{slot_of, SlotTable};
use crate::core::descriptor::{InterfaceDesc, MethodDesc};
use crate::core::raw_struct::{init_pointers, is_struct, pointer_field, pointer_field_mut};
use crate::event_loop::loop_box::LoopBox;
use crate::os::error::{Error, ErrorKind, Result};
use crate::os::log::LogLevel;
use crate::os::thread_name::os_thread_name;
use crate::proxy_capnp::{context, thread, thread_map};

struct ClientInner {
    conn: Arc<Connection>,
    cap: TakeBox,
    /// The interface, for log lines and `destroy`; `None` for the runtime's own clients (and
    /// the temporary one that makes the `destroy` call), which log nothing on drop.
    desc: Option<&'static InterfaceDesc>,
    /// Set on the bootstrap proxy of `connect_stream`, which owns its connection.
    owner: Option<ConnOwner>,
}

static MAKE_POOL: MethodDesc = MethodDesc::new(
    <thread_map::Client as capnp::traits::HasTypeId>::TYPE_ID,
    "ThreadMap",
    1,
    "makePool",
);

static GET_NAME: MethodDesc = MethodDesc::new(
    <thread::Client as capnp::traits::HasTypeId>::TYPE_ID,
    "Thread",
    0,
    "getName",
);

/// A capability of the peer: cheap to clone, usable from any thread. Generated client types
/// wrap it. When the last clone is dropped, `destroy` is called (if the interface has it) and
/// then the capability is released.
#[derive(Clone)]
pub struct ProxyClient {
    inner: Arc<ClientInner>,
}

impl std::fmt::Debug for ProxyClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyClient")
            .field("connection", &self.inner.conn.id)
            .finish()
    }
}

type Response = capnp::capability::Response<any_pointer::Owned>;

impl ProxyClient {
    /// Wraps `cap`, which arrived on `conn`; runs on the loop thread.
    pub(crate) fn new(
        conn: &Rc<ConnState>,
        cap: capnp::capability::Client,
        desc: Option<&'static InterfaceDesc>,
        owner: Option<ConnOwner>,
    ) -> Self {
        ProxyClient {
            inner: Arc::new(ClientInner {
                conn: conn.shared.clone(),
                cap: TakeBox(Some(LoopBox::new(&conn.lp, cap))),
                desc,
                owner,
            }),
        }
    }

    /// Wraps `cap`, already in a handle, of a connection whose loop may be elsewhere.
    fn from_box(
        conn: Arc<Connection>,
        cap: LoopBox<capnp::capability::Client>,
        desc: &'static InterfaceDesc,
    ) -> Self {
        ProxyClient {
            inner: Arc::new(ClientInner {
                conn,
                cap: TakeBox(Some(cap)),
                desc: Some(desc),
                owner: None,
            }),
        }
    }

    /// Wraps a capability that arrived in a message of the call `ctx` belongs to (a params
    /// field on the server, a results field on the client) as a proxy of interface `desc`.
    /// Works on any thread the core runs that code on.
    pub fn import(
        ctx: &CallCtx,
        cap: capnp::capability::Client,
        desc: &'static InterfaceDesc,
    ) -> Result<ProxyClient> {
        match &ctx.mode {
            Mode::Loop { conn, .. } => Ok(ProxyClient::new(conn, cap, Some(desc), None)),
            Mode::Worker(w) => {
                let index = match slot_of(cap.hook.as_ref()) {
                    Some((SlotTable::Params, index)) => index,
                    _ => {
                        return Err(Error::failed(
                            "only a capability of this call's params can be imported here",
                        ))
                    }
                };
                // Each capability of the params was put in a handle for this thread already.
                let boxed = w
                    .boxed
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get_mut(index)
                    .and_then(Option::take);
                if let Some(cap) = boxed {
                    return Ok(ProxyClient::from_box(w.conn.clone(), cap, desc));
                }
                // Imported twice: make another handle on the loop.
                let params = w.params.clone().ok_or_else(|| {
                    Error::failed("only a capability of this call's params can be imported here")
                })?;
                let id = w.conn.id;
                let imported = w.conn.lp.sync(move || {
                    let conn = ConnState::get(id)?;
                    let hook = params.get()?.get(index)?.as_ref()?.add_ref();
                    let cap = capnp::capability::Client::new(hook);
                    Some(ProxyClient::new(&conn, cap, Some(desc), None))
                })?;
                imported.ok_or_else(Error::called_after_disconnect)
            }
        }
    }

    /// The connection this capability belongs to.
    pub fn connection(&self) -> &Connection {
        &self.inner.conn
    }

    /// The interface this proxy calls, if it was made for one.
    pub fn interface(&self) -> Option<&'static InterfaceDesc> {
        self.inner.desc
    }

    /// The name of the peer's thread that runs the calling thread's calls on this connection
    /// (made with `makeThread` on first use): the peer's `Thread.getName`. Tells which server
    /// thread serves which client thread.
    pub fn remote_thread_name(&self) -> Result<String> {
        let conn = &self.inner.conn;
        if conn.is_disconnected() {
            return Err(Error::called_after_disconnect());
        }
        let lp = conn.lp.clone();
        let caller = ThreadContext::with(|tc| ThreadCaller {
            key: tc.key,
            name: tc.name(lp.exe_name()),
            waiter: tc.waiter.clone(),
            request_override: tc.request_thread_override(conn.id),
        });
        let conn_id = conn.id;
        let thread = lp.sync(move || -> Result<ProxyClient> {
            let conn = ConnState::get(conn_id).ok_or_else(Error::called_after_disconnect)?;
            let thread = Caller::Thread(caller).request_thread(&conn)?;
            Ok(ProxyClient::new(&conn, thread.client, None, None))
        })??;
        thread.call(
            &GET_NAME,
            |_, params| {
                params.init_as::<thread::get_name_params::Builder<'_>>();
                Ok(())
            },
            |_, results| {
                let name = results
                    .get_as::<thread::get_name_results::Reader<'_>>()?
                    .get_result()?;
                Ok(String::from_utf8_lossy(name.as_bytes()).into_owned())
            },
        )
    }

    /// Asks the peer to start a pool of `count` threads for this connection (`makePool`);
    /// calls whose `Context` names no thread then run on it.
    pub fn make_pool(&self, count: u32) -> Result<()> {
        if self.inner.conn.is_disconnected() {
            return Err(Error::called_after_disconnect());
        }
        let conn_id = self.inner.conn.id;
        let lp = self.inner.conn.lp.clone();
        let map = lp.sync(move || {
            let conn = ConnState::get(conn_id)?;
            let map = conn.peer_thread_map.borrow().clone()?;
            Some(ProxyClient::new(&conn, map.client, None, None))
        });
        // A connection that went away while we asked has no ThreadMap either: say so.
        let map = match map {
            Ok(Some(map)) => map,
            _ if self.inner.conn.is_disconnected() => return Err(Error::called_after_disconnect()),
            Ok(None) => {
                return Err(Error::failed(
                    "the peer sent no ThreadMap (construct was not called)",
                ))
            }
            Err(e) => return Err(e),
        };
        map.call(
            &MAKE_POOL,
            move |_, params| {
                params
                    .init_as::<crate::proxy_capnp::thread_map::make_pool_params::Builder<'_>>()
                    .set_count(count);
                Ok(())
            },
            |_, _| Ok(()),
        )
    }

    /// Calls `method` without blocking: the returned future is `Send` and completes from the
    /// loop thread, so it can be awaited on any runtime. The call runs on a peer thread lent to
    /// this call, and the peer's callbacks run on a thread the runtime owns. Dropping the
    /// future before it completes cancels the call on the wire.
    pub fn call_async<R, B, D>(
        &self,
        method: &'static MethodDesc,
        build: B,
        read: D,
    ) -> impl std::future::Future<Output = Result<R>> + Send + 'static
    where
        R: Send + 'static,
        B: FnOnce(&CallCtx, any_pointer::Builder<'_>) -> Result<()> + Send + 'static,
        D: FnOnce(&CallCtx, any_pointer::Reader<'_>) -> Result<R> + Send + 'static,
    {
        let inner = self.inner.clone();
        async move {
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
    }

    /// Calls `method` and blocks until the reply. `build` fills the params and `read` decodes
    /// the results; both run on the loop thread. The core fills the fields the method's
    /// descriptor locates (`Context`, `ThreadMap`) after `build`. While it waits, the calling
    /// thread runs the calls the peer makes back to it.
    pub fn call<R, B, D>(&self, method: &'static MethodDesc, build: B, read: D) -> Result<R>
    where
        R: Send + 'static,
        B: FnOnce(&CallCtx, any_pointer::Builder<'_>) -> Result<()> + Send + 'static,
        D: FnOnce(&CallCtx, any_pointer::Reader<'_>) -> Result<R> + Send + 'static,
    {
        call_blocking(&self.inner, method, build, read)
    }
}

fn call_blocking<R, B, D>(
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
        let caller = ThreadCaller {
            key: tc.key,
            name,
            waiter: tc.waiter.clone(),
            request_override: tc.request_thread_override(conn.id),
        };
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
            let started = start_call(conn_id, &cap_inner, method, Caller::Thread(caller), build);
            match started {
                Err(e) => deliver(Err(e)),
                Ok((ctx, promise, name)) => {
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
        let result = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
        result.unwrap_or_else(|| Err(Error::failed("IPC call finished without a result")))
    })
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
    let (ctx, promise, name) = match start_call(conn_id, &inner, method, caller, build) {
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
);

/// Builds and sends a request on the loop thread.
fn start_call<B>(
    conn_id: u64,
    inner: &ClientInner,
    method: &'static MethodDesc,
    caller: Caller,
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
    if lp.log_enabled(LogLevel::Debug) {
        lp.log(
            LogLevel::Debug,
            format!(
                "{{{name}}} IPC client send {}.{}$Params",
                method.interface_name, method.name
            ),
        );
    }
    let ctx = CallCtx::on_loop(conn.clone(), Some(caller));
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
    let promise = request.send().promise;
    Ok((ctx, promise, name))
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
            if lp.log_enabled(LogLevel::Debug) {
                lp.log(
                    LogLevel::Debug,
                    format!(
                        "{{{name}}} IPC client recv {}.{}$Results",
                        method.interface_name, method.name
                    ),
                );
            }
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
        Err(e) => {
            let error = Error::from_call(e.clone());
            if error.kind != ErrorKind::Disconnected {
                lp.log(
                    LogLevel::Info,
                    format!("{{{name}}} IPC client exception kj::Exception: {e}"),
                );
            }
            Err(error)
        }
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
        let temp = ProxyClient {
            inner: Arc::new(ClientInner {
                conn: self.conn.clone(),
                cap: self.cap.take(),
                desc: None,
                owner: None,
            }),
        };
        // `destroy` has no fields but those the core fills (its `Context`).
        let pointers = destroy.runtime_param_pointers();
        let called = temp.call(
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
struct TakeBox(Option<LoopBox<capnp::capability::Client>>);

impl TakeBox {
    fn get(&self) -> Option<Rc<capnp::capability::Client>> {
        self.0.as_ref()?.get()
    }

    fn take(&mut self) -> TakeBox {
        TakeBox(self.0.take())
    }
}
