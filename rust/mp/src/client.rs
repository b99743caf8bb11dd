//! The client core: a `Send + Sync` handle to a capability that lives on the loop thread,
//! and blocking calls that let the peer call back into the blocked thread.

use std::rc::Rc;
use std::sync::{Arc, Mutex};

use capnp::any_pointer;

use crate::call_ctx::{CallCtx, Caller, ThreadCaller};
use crate::connection::{ConnOwner, ConnShared, ConnState};
use crate::error::{Error, Result};
use crate::log::LogLevel;
use crate::loop_box::LoopBox;
use crate::thread_context::ThreadContext;

/// A method as the wire and the logs know it.
#[derive(Debug)]
pub struct MethodInfo {
    /// ID of the interface that declares the method.
    pub interface_id: u64,
    /// Ordinal of the method.
    pub method_id: u16,
    /// Name of the declaring interface, for logs (`CalculatorInterface`).
    pub interface_name: &'static str,
    /// Name of the method as in the schema, for logs (`solveEquation`).
    pub method_name: &'static str,
}

/// Calls an interface's `destroy` method; generated per interface.
pub type DestroyFn = fn(&ProxyClient) -> Result<()>;

struct ClientInner {
    conn: Arc<ConnShared>,
    cap: TakeBox,
    /// The interface's schema name, for log lines; `None` for the runtime's own clients
    /// (and the temporary one that makes the `destroy` call), which log nothing on drop.
    name: Option<&'static str>,
    destroy: Option<DestroyFn>,
    /// Set on the bootstrap proxy of `connect_stream`, which owns its connection.
    owner: Option<ConnOwner>,
}

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
        name: Option<&'static str>,
        destroy: Option<DestroyFn>,
        owner: Option<ConnOwner>,
    ) -> Self {
        ProxyClient {
            inner: Arc::new(ClientInner {
                conn: conn.shared.clone(),
                cap: TakeBox(Some(LoopBox::new(&conn.lp, cap))),
                name,
                destroy,
                owner,
            }),
        }
    }

    /// The connection this capability belongs to.
    pub fn connection(&self) -> &ConnShared {
        &self.inner.conn
    }

    /// Asks the peer to start a pool of `count` threads for this connection (`makePool`);
    /// calls whose `Context` names no thread then run on it.
    pub fn make_pool(&self, count: u32) -> Result<()> {
        static MAKE_POOL: MethodInfo = MethodInfo {
            interface_id: 0xee5e_3717_9ad9_dc9d,
            method_id: 1,
            interface_name: "ThreadMap",
            method_name: "makePool",
        };
        let conn_id = self.inner.conn.id;
        let lp = self.inner.conn.lp.clone();
        let map = lp.sync(move || {
            let conn = ConnState::get(conn_id)?;
            let map = conn.peer_thread_map.borrow().clone()?;
            Some(ProxyClient::new(&conn, map.client, None, None, None))
        })?;
        let map = map.ok_or_else(|| {
            Error::failed("the peer sent no ThreadMap (construct was not called)")
        })?;
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
        method: &'static MethodInfo,
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
    /// the results; both run on the loop thread. While it waits, the calling thread runs the
    /// calls the peer makes back to it.
    pub fn call<R, B, D>(&self, method: &'static MethodInfo, build: B, read: D) -> Result<R>
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
    method: &'static MethodInfo,
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
            method.interface_name, method.method_name
        )));
    }
    ThreadContext::with(|tc| {
        let name = tc.name(lp.exe_name());
        if tc.note_loop(&lp) {
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
    method: &'static MethodInfo,
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
    let name = format!(
        "{} (async)",
        crate::thread_name::thread_name(conn.lp.exe_name())
    );
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
                ctx.conn.lp.log(LogLevel::Debug, format!("{{{name}}} IPC client cancel {}.{}$Params", method.interface_name, method.method_name));
            }
        }
        ctx.conn.return_async_thread(thread);
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
    method: &'static MethodInfo,
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
    let ctx = CallCtx::new(conn, Some(caller));
    let mut request = cap.new_call::<any_pointer::Owned, any_pointer::Owned>(
        method.interface_id,
        method.method_id,
        None,
    );
    let lp = &ctx.conn.lp;
    if lp.log_enabled(LogLevel::Debug) {
        lp.log(
            LogLevel::Debug,
            format!(
                "{{{name}}} IPC client send {}.{}$Params",
                method.interface_name, method.method_name
            ),
        );
    }
    build(&ctx, request.get())?;
    let promise = request.send().promise;
    Ok((ctx, promise, name))
}

/// Decodes a reply (or error) on the loop thread.
fn finish_call<R, D>(
    ctx: &CallCtx,
    method: &MethodInfo,
    name: &str,
    reply: Result<Response, capnp::Error>,
    read: D,
) -> Result<R>
where
    D: FnOnce(&CallCtx, any_pointer::Reader<'_>) -> Result<R>,
{
    let lp = &ctx.conn.lp;
    match reply {
        Ok(response) => {
            if lp.log_enabled(LogLevel::Debug) {
                lp.log(
                    LogLevel::Debug,
                    format!(
                        "{{{name}}} IPC client recv {}.{}$Results",
                        method.interface_name, method.method_name
                    ),
                );
            }
            read(ctx, response.get()?)
        }
        Err(e) => {
            let error = Error::from_call(e.clone());
            if error.kind != crate::error::ErrorKind::Disconnected {
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
        let Some(name) = self.name else { return };
        let lp = self.conn.lp.clone();
        if lp.on_loop_thread() {
            // The loop must not block on `destroy`; the cleanup thread makes the call, then
            // releases the capability (and closes an owned connection).
            let deferred = ClientInner {
                conn: self.conn.clone(),
                cap: self.cap.take(),
                name: self.name.take(),
                destroy: self.destroy.take(),
                owner: self.owner.take(),
            };
            crate::cleanup::drop_later(Box::new(deferred));
            return;
        }
        lp.log_here(
            LogLevel::Debug,
            format!("IPC client destroy mp::ProxyClient<{name}>"),
        );
        let Some(destroy) = self.destroy else { return };
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
                name: None,
                destroy: None,
                owner: None,
            }),
        };
        if let Err(e) = destroy(&temp) {
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
