//! The server core: one capnp `Server` for every generated interface, and the rules for which
//! thread runs an incoming call.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use capnp::any_pointer;
use capnp::capability::{DispatchCallResult, FromClientHook, FromServer, Params, Promise, Results};
use capnp::private::capability::ClientHook;

use crate::call_ctx::CallCtx;
use crate::client::MethodInfo;
use crate::connection::ConnState;
use crate::error::{Error, Result};
use crate::log::LogLevel;
use crate::loop_box::LoopBox;
use crate::proxy_capnp::{context, thread};
use crate::thread_context::ThreadContext;
use crate::thread_server::ThreadServer;

/// An incoming call, handed to generated dispatch code on the loop thread.
pub struct IncomingCall {
    /// Interface that declares the method.
    pub interface_id: u64,
    /// Method ordinal.
    pub method_id: u16,
    /// The call's params.
    pub params: Params<any_pointer::Owned>,
    /// Where the results go.
    pub results: Results<any_pointer::Owned>,
    /// The connection the call came on.
    pub ctx: CallCtx,
}

/// Generated per interface: routes incoming calls to an implementation.
pub trait Dispatch: 'static {
    /// Handles one call; unknown methods fail with `unimplemented`.
    fn dispatch(&self, call: IncomingCall) -> Promise<(), capnp::Error>;

    /// The interface's schema name, for log lines.
    fn interface_name(&self) -> &'static str;
}

/// Error for a method the dispatch code does not know.
pub fn unimplemented(interface_id: u64, method_id: u16) -> Promise<(), capnp::Error> {
    Promise::err(capnp::Error::unimplemented(format!(
        "method {method_id} of interface {interface_id:#x} not implemented"
    )))
}

pub(crate) struct ServerInner {
    conn: Weak<ConnState>,
    dispatch: Box<dyn Dispatch>,
}

impl Drop for ServerInner {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.upgrade() {
            let lp = &conn.lp;
            if lp.log_enabled(LogLevel::Debug) {
                // Posted, so that a disconnect's "socket disconnected" line, logged once the
                // RPC system has dropped its objects, comes first, as in the original.
                let line = format!(
                    "IPC server destroy mp::ProxyServer<{}>",
                    self.dispatch.interface_name()
                );
                let logger = lp.clone();
                let _ = lp.post(move || logger.log_here(LogLevel::Debug, line));
            }
        }
    }
}

#[derive(Clone)]
pub(crate) struct ServerRc(Rc<ServerInner>);

impl std::ops::Deref for ServerRc {
    type Target = ServerInner;
    fn deref(&self) -> &ServerInner {
        &self.0
    }
}

impl capnp::capability::Server for ServerRc {
    fn dispatch_call(
        self,
        interface_id: u64,
        method_id: u16,
        params: Params<any_pointer::Owned>,
        results: Results<any_pointer::Owned>,
    ) -> DispatchCallResult {
        let promise = match self.conn.upgrade() {
            Some(conn) => {
                let ctx = CallCtx::new(conn, None);
                self.dispatch.dispatch(IncomingCall {
                    interface_id,
                    method_id,
                    params,
                    results,
                    ctx,
                })
            }
            None => Promise::err(capnp::Error::disconnected(
                "Interrupted by disconnect".into(),
            )),
        };
        DispatchCallResult::new(promise, false)
    }

    fn as_ptr(&self) -> usize {
        Rc::as_ptr(&self.0) as usize
    }
}

/// Untyped client type, so the generic server can use capnp-rpc's local-server plumbing.
struct UntypedClient(capnp::capability::Client);

impl FromClientHook for UntypedClient {
    fn new(hook: Box<dyn ClientHook>) -> Self {
        UntypedClient(capnp::capability::Client::new(hook))
    }
    fn into_client_hook(self) -> Box<dyn ClientHook> {
        self.0.hook
    }
    fn as_client_hook(&self) -> &dyn ClientHook {
        self.0.hook.as_ref()
    }
}

impl FromServer<ServerInner> for UntypedClient {
    type Dispatch = ServerRc;
    fn from_server(s: Rc<ServerInner>) -> ServerRc {
        ServerRc(s)
    }
}

/// A new capability served by `dispatch`, bound to `conn`.
pub(crate) fn new_server_client(
    conn: &Rc<ConnState>,
    dispatch: Box<dyn Dispatch>,
) -> capnp::capability::Client {
    let inner = Rc::new(ServerInner {
        conn: Rc::downgrade(conn),
        dispatch,
    });
    capnp_rpc::new_client_from_rc::<UntypedClient, ServerInner>(inner).0
}

/// Holds a server's implementation until `destroy` or release. Never dropped on the loop
/// thread: the last reference is handed to a cleanup thread, as the original does.
pub struct ImplSlot<T: ?Sized + Send + Sync + 'static> {
    imp: RefCell<Option<Arc<T>>>,
}

impl<T: ?Sized + Send + Sync + 'static> ImplSlot<T> {
    /// Holds `imp`.
    pub fn new(imp: Arc<T>) -> Self {
        ImplSlot {
            imp: RefCell::new(Some(imp)),
        }
    }

    /// The implementation, or an error after `destroy`.
    pub fn get(&self) -> Result<Arc<T>, capnp::Error> {
        self.imp
            .borrow()
            .clone()
            .ok_or_else(|| capnp::Error::failed("IPC server method called after destroy".into()))
    }

    /// Takes the implementation out (for `destroy`).
    pub fn take(&self) -> Option<Arc<T>> {
        self.imp.borrow_mut().take()
    }
}

impl<T: ?Sized + Send + Sync + 'static> Drop for ImplSlot<T> {
    fn drop(&mut self) {
        if let Some(imp) = self.imp.borrow_mut().take() {
            if Arc::strong_count(&imp) == 1 {
                // User destructors may block or call out; keep them off the loop thread.
                crate::cleanup::drop_later(Box::new(imp));
            }
        }
    }
}

/// Where the peer asked a call to run: the `Context` param of a method that has one.
pub struct ExecContext {
    thread: Option<thread::Client>,
    callback_thread: Option<thread::Client>,
}

impl ExecContext {
    /// Reads the capabilities of a `Context` param (a null context means "no thread").
    pub fn read(reader: context::Reader<'_>) -> Result<Self> {
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

static REQUEST_NUMBER: AtomicU64 = AtomicU64::new(1);

/// Numbers an incoming request (process-wide, from 1, as the original) and logs its arrival;
/// generated code calls it before it logs the request's data, then passes the number to [`run`].
pub fn begin(ctx: &CallCtx, method: &'static MethodInfo) -> u64 {
    let number = REQUEST_NUMBER.fetch_add(1, Ordering::Relaxed);
    let lp = &ctx.conn.lp;
    if lp.log_enabled(LogLevel::Debug) {
        let name = ThreadContext::with(|tc| tc.name(lp.exe_name()));
        lp.log(
            LogLevel::Debug,
            format!(
                "{{{name}}} IPC server recv request  #{number} {}.{}$Params",
                method.interface_name, method.method_name
            ),
        );
    }
    number
}

/// Runs `work`, the implementation of one call, where the original would: inline on the loop
/// thread when the method has no `Context`, else on the thread `context.thread` names (or a
/// pool thread). While `work` runs there, calls that thread makes back over this connection go
/// to the caller's `callbackThread`.
pub async fn run<T: Send + 'static>(
    ctx: &CallCtx,
    method: &'static MethodInfo,
    number: u64,
    exec: Option<ExecContext>,
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T, capnp::Error> {
    let lp = ctx.conn.lp.clone();
    let loop_name = || ThreadContext::with(|tc| tc.name(lp.exe_name()));
    let result = match exec {
        None => catch_unwind(AssertUnwindSafe(work))
            .unwrap_or_else(|p| Err(panic_error(p)))
            .map_err(capnp::Error::from),
        Some(exec) => run_on_thread(ctx, number, exec, work).await,
    };
    if lp.log_enabled(LogLevel::Debug) {
        match &result {
            Ok(_) => lp.log(
                LogLevel::Debug,
                format!(
                    "{{{}}} IPC server send response #{number} {}.{}$Results",
                    loop_name(),
                    method.interface_name,
                    method.method_name
                ),
            ),
            Err(e) => lp.log(
                LogLevel::Error,
                format!(
                    "{{{}}} IPC server error request #{number} {}.{}$Results kj::Exception: {e}",
                    loop_name(),
                    method.interface_name,
                    method.method_name
                ),
            ),
        }
    }
    result
}

fn panic_error(payload: Box<dyn std::any::Any + Send>) -> Error {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    Error::failed(format!("IPC server method panicked: {text}"))
}

thread_local! {
    /// Cancellation flags of the requests this thread is executing (innermost last).
    static CURRENT_CANCEL: std::cell::RefCell<Vec<Arc<AtomicBool>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Whether the caller has cancelled the request that the current thread is executing (it
/// dropped its async call, or disconnected). Long-running implementations may poll it and
/// return early; the result of a cancelled request is discarded.
pub fn call_canceled() -> bool {
    CURRENT_CANCEL.with(|c| {
        c.borrow()
            .last()
            .is_some_and(|flag| flag.load(Ordering::SeqCst))
    })
}

/// Marks a request cancelled when its dispatch future is dropped before the result arrives
/// (capnp-rpc drops it on `Finish` or disconnect).
struct CancelGuard {
    canceled: Arc<AtomicBool>,
    started: Arc<AtomicBool>,
    finished: bool,
    lp: crate::event_loop::EventLoop,
    number: u64,
}

impl Drop for CancelGuard {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        self.canceled.store(true, Ordering::SeqCst);
        let number = self.number;
        let name = ThreadContext::with(|tc| tc.name(self.lp.exe_name()));
        if self.started.load(Ordering::SeqCst) {
            self.lp.log(
                LogLevel::Debug,
                format!("{{{name}}} IPC server request #{number} canceled while executing."),
            );
        } else {
            self.lp.log(
                LogLevel::Debug,
                format!(
                    "{{{name}}} IPC server request #{number} canceled before it could be executed"
                ),
            );
        }
    }
}

/// Decrements a pool slot's queue length when the request finishes or is cancelled.
struct InFlight(Rc<std::cell::Cell<usize>>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

async fn run_on_thread<T: Send + 'static>(
    ctx: &CallCtx,
    number: u64,
    exec: ExecContext,
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T, capnp::Error> {
    let conn = &ctx.conn;
    let lp = conn.lp.clone();
    let loop_name = || ThreadContext::with(|tc| tc.name(lp.exe_name()));
    let (server, _in_flight): (Rc<ThreadServer>, Option<InFlight>) = match exec.thread {
        Some(thread) => {
            thread.client.when_resolved().await?;
            let resolved = capnp::capability::get_resolved_cap(thread).await;
            let found = conn
                .threads
                .borrow()
                .get_local_server_of_resolved(&resolved);
            match found {
                Some(server) => (server, None),
                None => {
                    lp.log(LogLevel::Error, format!("{{{}}} IPC server error request #{number}, missing thread to execute request", loop_name()));
                    return Err(capnp::Error::failed(
                        "std::exception: invalid thread handle".into(),
                    ));
                }
            }
        }
        None => {
            let pool = conn.pool.borrow();
            let slot = pool.iter().min_by_key(|slot| slot.in_flight.get());
            match slot {
                Some(slot) => {
                    slot.in_flight.set(slot.in_flight.get() + 1);
                    (slot.server.clone(), Some(InFlight(slot.in_flight.clone())))
                }
                None => {
                    drop(pool);
                    lp.log(LogLevel::Error, format!("{{{}}} IPC server error request #{number}, no thread specified and no pool configured", loop_name()));
                    return Err(capnp::Error::failed(
                        "std::exception: no thread specified and no pool configured".into(),
                    ));
                }
            }
        }
    };
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
            CURRENT_CANCEL.with(|c| c.borrow_mut().push(canceled.clone()));
            let result =
                catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|p| Err(panic_error(p)));
            CURRENT_CANCEL.with(|c| c.borrow_mut().pop());
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
            let _ = tx.send(result);
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
        Ok(result) => result.map_err(capnp::Error::from),
        Err(_) => Err(capnp::Error::failed(
            "request was dropped before it could be executed".into(),
        )),
    }
}

/// A list length as capnp stores it; lists longer than `u32::MAX` cannot be sent.
pub fn list_len(len: usize) -> Result<u32> {
    u32::try_from(len)
        .map_err(|_| Error::invalid_argument(format!("list of {len} elements is too long to send")))
}

/// Decodes `Text` into a `String`. The original sends arbitrary bytes in `Text`; bytes that
/// are not UTF-8 become U+FFFD here.
pub fn text(reader: capnp::text::Reader<'_>) -> String {
    String::from_utf8_lossy(reader.as_bytes()).into_owned()
}
