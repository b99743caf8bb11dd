//! Layer 3, connections: one capnp-rpc system per socket with its thread-mapping state, the
//! `ThreadMap` and `Thread` servers, worker threads and pools, and the per-thread context that
//! says which remote thread a thread's calls go to.

pub(crate) mod conn_state;
pub(crate) mod pool;
pub(crate) mod thread_context;
pub(crate) mod thread_map_server;
pub(crate) mod thread_server;

pub use thread_server::live_callback_threads;
