//! `ProxyClient`: a `Send + Sync` handle to a capability of the peer, as users and generated
//! code hold it; its calls are in `outgoing.rs`.

use std::rc::Rc;
use std::sync::Arc;

use capnp::any_pointer;

use crate::connection::conn_state::{ConnOwner, ConnState, Connection};
use crate::connection::thread_context::ThreadContext;
use crate::core::call_ctx::{no_caps_here, CallCtx, Mode};
use crate::core::caller::{Caller, ThreadCaller};
use crate::core::cap_slot::{slot_of, SlotTable};
use crate::core::descriptor::{InterfaceDesc, MethodDesc};
use crate::core::lazy_import::LazyImport;
use crate::core::outgoing::{call_async, call_blocking, CapHold, ClientInner, TakeBox};
use crate::event_loop::loop_box::LoopBox;
use crate::os::error::{Error, Result};
use crate::proxy_capnp::{thread, thread_map};

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
                direct: std::sync::OnceLock::new(),
                cap: TakeBox::boxed(LoopBox::new(&conn.lp, cap)),
                desc,
                owner,
            }),
        }
    }

    /// Wraps `cap`, already in a handle, of a connection whose loop may be elsewhere.
    fn from_box(
        conn: Arc<Connection>,
        cap: LoopBox<capnp::capability::Client>,
        desc: Option<&'static InterfaceDesc>,
    ) -> Self {
        ProxyClient {
            inner: Arc::new(ClientInner {
                conn,
                direct: std::sync::OnceLock::new(),
                cap: TakeBox::boxed(cap),
                desc,
                owner: None,
            }),
        }
    }

    /// Wraps the transport's reference to the peer's export `lazy` (`lazy_import.rs`),
    /// whose calls may go direct by its import number.
    fn from_lazy(
        conn: Arc<Connection>,
        lazy: Arc<LazyImport>,
        desc: Option<&'static InterfaceDesc>,
    ) -> Self {
        let direct = std::sync::OnceLock::new();
        let _ = direct.set(lazy.import());
        ProxyClient {
            inner: Arc::new(ClientInner {
                conn,
                direct,
                cap: TakeBox(Some(CapHold::Lazy(lazy))),
                desc,
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
        import_with(ctx, cap, Some(desc))
    }

    /// Like [`import`](Self::import), for code that learns the interface only later (the C++
    /// bridge imports every capability of a message before C++ code reads the fields and names
    /// their types): give it one with [`with_interface`](Self::with_interface). Until then it
    /// calls no `destroy` and logs nothing when dropped.
    pub fn import_untyped(ctx: &CallCtx, cap: capnp::capability::Client) -> Result<ProxyClient> {
        import_with(ctx, cap, None)
    }

    /// Gives a proxy made by [`import_untyped`](Self::import_untyped) its interface. Fails if it
    /// already has one or has been cloned.
    pub fn with_interface(self, desc: &'static InterfaceDesc) -> Result<ProxyClient> {
        let mut inner = Arc::try_unwrap(self.inner)
            .map_err(|_| Error::failed("with_interface: the proxy has been cloned"))?;
        if inner.desc.is_some() {
            return Err(Error::failed(
                "with_interface: the proxy already has an interface",
            ));
        }
        Ok(ProxyClient {
            inner: Arc::new(ClientInner {
                conn: inner.conn.clone(),
                // The same capability: the import number it learned still lets its calls
                // go direct.
                direct: std::mem::take(&mut inner.direct),
                cap: inner.cap.take(),
                desc: Some(desc),
                owner: inner.owner.take(),
            }),
        })
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
        call_async(self.inner.clone(), method, build, read)
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

/// Wraps a capability of the call `ctx` belongs to, with or without its interface.
fn import_with(
    ctx: &CallCtx,
    cap: capnp::capability::Client,
    desc: Option<&'static InterfaceDesc>,
) -> Result<ProxyClient> {
    match &ctx.mode {
        Mode::Loop { conn, .. } => Ok(ProxyClient::new(conn, cap, desc, None)),
        Mode::Direct { .. } => Err(no_caps_here()),
        Mode::Worker(w) => {
            let index = match slot_of(cap.hook.as_ref()) {
                Some((SlotTable::Params, index)) => index,
                _ => {
                    return Err(Error::failed(
                        "only a capability of this call's params can be imported here",
                    ))
                }
            };
            // An object of the peer's in a call served directly: the transport's reference.
            if let Some(Some(lazy)) = w.lazy.get(index) {
                return Ok(ProxyClient::from_lazy(w.conn.clone(), lazy.clone(), desc));
            }
            // Each capability of the params was put in a handle for this thread already.
            let boxed = w
                .boxed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_mut(index)
                .and_then(Option::take);
            if let Some(cap) = boxed {
                let proxy = ProxyClient::from_box(w.conn.clone(), cap, desc);
                // Its import number, if the request's capability table told it: calls on
                // it may then go direct.
                if let Some(&Some(import)) = w.imports.get(index) {
                    let _ = proxy.inner.direct.set(import);
                }
                return Ok(proxy);
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
                Some(ProxyClient::new(&conn, cap, desc, None))
            })?;
            imported.ok_or_else(Error::called_after_disconnect)
        }
    }
}
