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
//! Client proxies are `Send + Sync`. Each method blocks until the reply; generated clients
//! also have `*_async` forms whose futures are `Send`. Errors are values of [`Error`], with
//! an [`ErrorKind`] and, for `$Proxy.exception` methods, the typed value.
//!
//! # The event loop
//!
//! ```
//! // A loop on a thread of its own; any thread reaches it with `sync` or `post`.
//! let lp = mp::EventLoop::start("example", mp::LogOptions::silent())?;
//! assert_eq!(lp.sync(|| 6 * 7)?, 42);
//! // `sync_scoped` lends the caller's data to the loop thread while the caller waits.
//! let mut seen = Vec::new();
//! lp.sync_scoped(|| seen.push("on the loop"))?;
//! assert_eq!(seen, ["on the loop"]);
//! # Ok::<(), mp::Error>(())
//! ```
//!
//! # Spawning
//!
//! ```
//! // The child gets its end of a socketpair as a decimal fd number in argv.
//! let (pid, _socket) = mp::spawn_process(|fd| {
//!     vec!["sh".into(), "-c".into(), format!("test -e /proc/self/fd/{fd} && exit 3")]
//! })?;
//! assert_eq!(mp::wait_process(pid)?, 3 << 8);
//! # Ok::<(), mp::Error>(())
//! ```
//!
//! # Serving and calling
//!
//! With `schema/calculator.capnp` run through `mpgen::Generator` in `build.rs`:
//!
//! ```ignore
//! use calculator_capnp::{CalculatorInterface, InitInterface};
//!
//! struct Calculator;
//! impl CalculatorInterface for Calculator {
//!     fn solve_equation(&self, eqn: String) -> mp::Result<()> { println!("{eqn}"); Ok(()) }
//! }
//!
//! // Child: serve until the parent goes away.
//! mp::serve_spawned("mpcalculator", &argv[1], mp::LogOptions::default(), Arc::new(Init) as Arc<dyn InitInterface>)?;
//!
//! // Parent: spawn, connect (calls `construct`), call.
//! let lp = mp::EventLoop::start("mpexample", mp::LogOptions::default())?;
//! let (pid, stream) = mp::spawn_process(|fd| vec!["./mpcalculator".into(), fd])?;
//! let init = mp::connect_stream::<dyn InitInterface>(&lp, stream)?;
//! let calc = init.make_calculator(None)?.expect("a calculator");
//! calc.solve_equation("1+1".into())?;
//! ```
//!
//! See `doc/usage.md` in the repository for the whole API: thread mapping, async calls,
//! custom types ([`Wire`]) and logging (features `log` and `tracing`).
#![warn(missing_docs)]

/// Rust code generated from `include/mp/proxy.capnp`.
pub mod proxy_capnp {
    #![allow(missing_docs, clippy::all, clippy::pedantic)]
    include!(concat!(env!("OUT_DIR"), "/proxy_capnp.rs"));
}

mod alloc_tuning;
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
mod wire;

pub use alloc_tuning::tune_allocator_for_large_messages;
pub use call_ctx::CallCtx;
pub use client::{DestroyFn, MethodInfo, ProxyClient};
pub use connection::ConnShared;
pub use error::{Error, ErrorKind, Result};
pub use event_loop::{EventLoop, EventLoopRef};
pub use interface::Interface;
pub use log::{log_escape, LogFn, LogLevel, LogMessage, LogOptions};
pub use server::call_canceled;
pub use spawn::{socket_pair, spawn_process, start_spawned, wait_process};
pub use stream::{
    connect_stream, connect_stream_proxy, listen_connections, serve_spawned, serve_stream,
};
pub use thread_context::current_thread_name;
pub use thread_name::{current_tid, thread_name};
pub use wire::{Micros, Millis, Nanos, Seconds, Wire};

/// Re-exports for generated code, so user crates need no direct capnp dependency for it.
#[doc(hidden)]
pub mod __private {
    pub use capnp;
}
