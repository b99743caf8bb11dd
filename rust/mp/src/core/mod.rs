//! The untyped core: calling and serving any interface, described by values.
//!
//! Layer 4 of the runtime. Everything here works from an [`InterfaceDesc`] and its
//! [`MethodDesc`]s: no Rust type of the interface is needed, so generated Rust code and the C++
//! bridge stand on the same ground. The core owns the whole sequence of a call on both sides:
//! request numbering, the original's log lines, thread choice, filling and reading `Context`
//! and `ThreadMap` fields (located by pointer index in the descriptor), size checks,
//! cancellation, and `destroy` before the release of a proxy. The code above it only encodes,
//! invokes and decodes.
//!
//! * Client: [`connect`] a stream with a descriptor; [`ProxyClient::call`] (blocking, callbacks
//!   run on the blocked thread) and [`ProxyClient::call_async`].
//! * Server: implement [`Dispatch`] (one call per incoming call, on the thread the core chose)
//!   and hand it to [`serve`] or [`listen`].
//! * Capabilities in messages: [`export`] a local [`Dispatch`], [`ProxyClient::import`] a
//!   received capability. Both work on whichever thread the message is handled on.
//!
//! An incoming call whose method takes a `Context` runs off the loop thread. That thread reads
//! the params and builds the results in capnp-rpc's own messages, which the loop leaves alone
//! meanwhile. Capabilities (`Rc`-based) are only touched on the loop thread: params that carry
//! some are copied for the worker, with stand-ins for them that [`ProxyClient::import`]
//! resolves, and capabilities the worker puts in the results are stand-ins that the loop
//! swaps for the real ones.
//!
//! ```
//! use mp::core::{InterfaceDesc, MethodDesc};
//!
//! // `ping @0 (context :Proxy.Context) -> ()` of an interface with ID 0x1234.
//! static PING: MethodDesc = MethodDesc { context: Some(0), ..MethodDesc::new(0x1234, "Pinger", 0, "ping") };
//! static PINGER: InterfaceDesc = InterfaceDesc {
//!     id: 0x1234, name: "Pinger", methods: &[&PING], destroy: None, construct: None,
//! };
//! assert!(PINGER.method(0x1234, 0).is_some_and(|m| m.context == Some(0)));
//! assert!(!PINGER.has_destroy());
//! ```

mod call_ctx;
mod call_log;
mod caller;
pub(crate) mod cancel;
mod cap_slot;
mod client;
mod connect;
mod descriptor;
mod direct_call;
mod direct_serve;
mod dispatch;
mod incoming;
mod lazy_import;
mod lent_call;
mod outgoing;
mod owned_message;
mod raw_struct;
mod request_caps;
mod reusable_export;
mod server;
mod worker_call;

pub use self::call_ctx::CallCtx;
pub use self::client::ProxyClient;
pub use self::connect::{
    connect, listen, serve, ConnectionEvent, ConnectionHook, DispatchFactory, ListenOptions,
};
pub use self::descriptor::{InterfaceDesc, MethodDesc, TextFn};
pub use self::direct_call::{calls_back_direct, calls_back_read_by_caller, objects_lent_direct};
pub use self::dispatch::{Dispatch, IncomingCall};
pub use self::lazy_import::objects_in_served_calls;
pub use self::server::export;
pub use crate::connection::conn_state::Connection;
