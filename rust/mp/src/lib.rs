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
//!   [`bind_unix`] makes a private listening socket, and [`Limits`] caps the threads a peer
//!   may make this process start (see `doc/reliability.md`);
//! * [`spawn_process`], [`start_spawned`], [`wait_process`]: child processes with the
//!   original's socketpair and argv conventions;
//! * thread mapping: a call with a `Context` runs on a server thread dedicated to the calling
//!   thread, and calls back from the server run on the caller's own, blocked thread.
//! * [`core`]: the untyped core that all of this stands on, for callers and servers that
//!   have no generated Rust code (interfaces described by values, raw calls, a dispatch
//!   object per served interface).
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
pub mod proxy_capnp;

// The runtime's layers, each using only those above it in this list (see doc/design.md).
mod connection;
pub mod core;
mod event_loop;
mod os;
pub mod transport;
mod typed;

pub use crate::core::cancel::call_canceled;
pub use crate::core::{Connection, ProxyClient};
pub use crate::event_loop::limits::Limits;
pub use crate::event_loop::loop_thread::{EventLoop, EventLoopRef};
pub use crate::os::alloc_tuning::tune_allocator_for_large_messages;
pub use crate::os::bind_unix::{bind_unix, bind_unix_with_mode, SocketFile, DEFAULT_SOCKET_MODE};
pub use crate::os::error::{Error, ErrorKind, Result};
pub use crate::os::log::{LogFn, LogLevel, LogMessage, LogOptions};
pub use crate::os::spawn::{socket_pair, spawn_process, start_spawned, wait_process};
pub use crate::os::thread_name::{current_tid, thread_name};
pub use crate::typed::interface::Interface;
pub use crate::typed::stream::{
    connect_stream, connect_stream_proxy, listen_connections, listen_connections_with,
    serve_spawned, serve_stream,
};
pub use crate::typed::wire::{Micros, Millis, Nanos, Seconds, Wire};
/// The Rust type of a capnp `Data` field: a received one shares the message's memory when
/// it is big (see `doc/performance.md`, "The data path"); build one from a `Vec<u8>` with
/// `.into()`.
pub use bytes::Bytes;

/// What generated code uses and users should not: the list, and what each item must do, is in
/// doc/design.md, "What generated code calls".
#[doc(hidden)]
pub mod private {
    pub use crate::core::{CallCtx, Dispatch, IncomingCall, InterfaceDesc, MethodDesc};
    pub use crate::transport::shared_buffers::{data_to_bytes, registered_buffers};
    pub use crate::transport::spliced::{data_sent_in_place, set_data};
    pub use crate::typed::glue::{
        check_struct_list, export, import, list_len, text, text_of, unknown_method, ImplSlot,
    };
    /// Support for the fuzz harnesses the generator emits on request (doc/fuzzing.md).
    pub mod fuzz {
        pub use crate::typed::fuzz_support::*;
    }
    #[doc(hidden)]
    pub use crate::connection::live_callback_threads;
    #[doc(hidden)]
    pub use crate::core::calls_back_direct;
    #[doc(hidden)]
    pub use crate::core::calls_back_read_by_caller;
    #[doc(hidden)]
    pub use crate::core::objects_in_served_calls;
    #[doc(hidden)]
    pub use crate::core::objects_lent_direct;
    #[doc(hidden)]
    pub use crate::transport::calls_served_directly;
    #[doc(hidden)]
    pub use crate::transport::returns_written_early;
    /// The capnp crate the runtime is built with, so user crates need no direct dependency.
    pub use capnp;
}
