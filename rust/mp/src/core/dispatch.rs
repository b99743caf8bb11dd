//! The one object through which the core hands an incoming call to the code that serves it.

use capnp::any_pointer;

use crate::core::call_ctx::CallCtx;
use crate::core::descriptor::{InterfaceDesc, MethodDesc};
use crate::os::error::Result;

/// One incoming call, as the serving code sees it: on the thread the core chose for it.
pub struct IncomingCall<'a> {
    /// The method called (one of the interface's).
    pub method: &'static MethodDesc,
    /// The params. Capabilities in them are reached with
    /// [`ProxyClient::import`](crate::core::ProxyClient::import).
    pub params: any_pointer::Reader<'a>,
    /// Where the results go: the serving code initialises the results struct and fills its
    /// fields (the core fills a `ThreadMap` field itself). Capabilities go in through
    /// [`export`](crate::core::export).
    pub results: any_pointer::Builder<'a>,
    /// The call's context.
    pub ctx: &'a CallCtx,
}

/// Serves calls of one interface: generated per interface, or written by hand against the
/// core. The core does everything around the call (numbering, logs, thread choice, `Context`,
/// `ThreadMap` fields, size checks, cancellation); `call` only decodes the params, invokes the
/// implementation and encodes the results.
pub trait Dispatch: Send + Sync + 'static {
    /// The interface served; the core routes only its methods here.
    fn interface(&self) -> &'static InterfaceDesc;

    /// Serves one call. Runs on the thread the call's `Context` names, or on the loop thread
    /// for methods without one. An error is sent to the caller as the call's exception.
    fn call(&self, call: IncomingCall<'_>) -> Result<()>;
}
