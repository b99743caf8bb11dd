//! The one capnp `Server` behind every capability this process serves, and `export`, which
//! makes one.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::sync::Arc;

use capnp::any_pointer;
use capnp::capability::{DispatchCallResult, FromClientHook, FromServer, Params, Promise, Results};
use capnp::private::capability::ClientHook;

use crate::connection::conn_state::ConnState;
use crate::core::call_ctx::{no_caps_here, CallCtx, Mode};
use crate::core::cap_slot::{slot_client, SlotTable};
use crate::core::dispatch::Dispatch;
use crate::core::incoming::serve;
use crate::core::reusable_export::ReusableDispatch;
use crate::os::error::{Error, Result};
use crate::os::log::LogLevel;
use crate::transport::Reusable;

/// A served object: the dispatch object that serves its calls, bound to one connection.
pub(crate) struct ServerInner {
    conn: Weak<ConnState>,
    dispatch: Arc<dyn Dispatch>,
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
                    self.dispatch.interface().name
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
            Some(conn) => match self.dispatch.interface().method(interface_id, method_id) {
                Some(method) => Promise::from_future(serve(
                    conn,
                    self.dispatch.clone(),
                    method,
                    params,
                    results,
                )),
                None => Promise::err(capnp::Error::unimplemented(format!(
                    "method {method_id} of interface {interface_id:#x} not implemented"
                ))),
            },
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

/// A new capability served by `dispatch`, bound to `conn`; on the loop thread.
pub(crate) fn new_server_client(
    conn: &Rc<ConnState>,
    dispatch: Arc<dyn Dispatch>,
) -> capnp::capability::Client {
    let inner = Rc::new(ServerInner {
        conn: Rc::downgrade(conn),
        dispatch,
    });
    capnp_rpc::new_client_from_rc::<UntypedClient, ServerInner>(inner).0
}

/// Serves `dispatch` to the peer of the call `ctx` belongs to, as a new capability to put in
/// that call's message (a params field on the client, a results field on the server). Works
/// on any thread the core runs that code on.
pub fn export(ctx: &CallCtx, dispatch: Arc<dyn Dispatch>) -> Result<capnp::capability::Client> {
    match &ctx.mode {
        Mode::Loop {
            conn,
            lending: Some(lending),
            ..
        } => {
            // Served through an object that later calls may bind anew (`reusable_export.rs`).
            let reusable = ReusableDispatch::new(dispatch);
            let pin: Arc<dyn Reusable> = reusable.clone();
            lending.borrow_mut().push((reusable.interface().id, pin));
            Ok(new_server_client(conn, reusable))
        }
        Mode::Loop { conn, .. } => Ok(new_server_client(conn, dispatch)),
        Mode::Direct {
            exported: Some(exported),
            ..
        } => {
            // A stand-in: the call names a reusable export for it once the params are built.
            let mut exported = exported.lock().unwrap_or_else(|e| e.into_inner());
            exported.push(Box::new(dispatch));
            Ok(slot_client(SlotTable::Exported, exported.len() - 1))
        }
        Mode::Direct { .. } => Err(no_caps_here()),
        Mode::Worker(w) => {
            let exported = w.exported.clone().ok_or_else(|| {
                Error::failed("the results of this method carry no capabilities (its descriptor)")
            })?;
            let id = w.conn.id;
            let index = w.conn.lp.sync(move || {
                let conn = ConnState::get(id)?;
                let client = new_server_client(&conn, dispatch);
                let table = exported.get()?;
                let mut table: std::cell::RefMut<'_, Vec<_>> = RefCell::borrow_mut(&table);
                table.push(client);
                Some(table.len() - 1)
            })?;
            let index = index.ok_or_else(Error::called_after_disconnect)?;
            Ok(slot_client(SlotTable::Exported, index))
        }
    }
}
