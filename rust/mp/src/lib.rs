//! # multiprocess
//!
//! Call interfaces of another process over Cap'n Proto RPC, on the same wire as the C++
//! libmultiprocess. A `.capnp` schema with `$Proxy` annotations describes the interfaces; the
//! `multiprocess-gen` build-script generator turns each `$Proxy.wrap` interface into a Rust
//! trait, a client proxy implementing it, and server glue. This crate is the runtime:
//!
//! * [`EventLoop`]: one thread owning every capnp object of its connections;
//! * [`connect_stream`], [`serve_stream`], [`listen_connections`]: connections with the
//!   original's roles, including the automatic `construct` and its `ThreadMap` exchange;
//! * [`spawn_process`], [`start_spawned`], [`wait_process`]: child processes with the
//!   original's socketpair and argv conventions;
//! * thread mapping: a call with a `Context` runs on a server thread dedicated to the calling
//!   thread, and calls back from the server run on the caller's own, blocked thread.
//!
//! Client proxies are `Send + Sync`; calls block until the reply.
#![warn(missing_docs)]

/// Rust code generated from `include/mp/proxy.capnp`.
pub mod proxy_capnp {
    #![allow(missing_docs, clippy::all, clippy::pedantic)]
    include!(concat!(env!("OUT_DIR"), "/proxy_capnp.rs"));
}

mod call_ctx;
mod cleanup;
mod client;
mod connection;
mod error;
mod event_loop;
mod interface;
mod log;
mod loop_box;
pub mod server;
mod spawn;
mod stream;
mod thread_context;
mod thread_name;
mod thread_server;
mod waiter;

pub use call_ctx::CallCtx;
pub use client::{DestroyFn, MethodInfo, ProxyClient};
pub use connection::ConnShared;
pub use error::{Error, ErrorKind, Result};
pub use event_loop::{EventLoop, EventLoopRef};
pub use interface::Interface;
pub use log::{log_escape, LogFn, LogLevel, LogMessage, LogOptions};
pub use spawn::{socket_pair, spawn_process, start_spawned, wait_process};
pub use stream::{
    connect_stream, connect_stream_proxy, listen_connections, serve_spawned, serve_stream,
};
pub use thread_context::current_thread_name;
pub use thread_name::{current_tid, thread_name};

/// Re-exports for generated code, so user crates need no direct capnp dependency for it.
#[doc(hidden)]
pub mod __private {
    pub use capnp;
}
