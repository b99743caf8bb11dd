//! Layer 1, the process and the OS: errors, logging, thread names, the `Waiter` a thread runs
//! its posted work from, spawning children and the cleanup thread. Nothing here knows about
//! event loops or capnp-rpc.

pub(crate) mod alloc_tuning;
pub(crate) mod bind_unix;
pub(crate) mod cleanup;
pub(crate) mod error;
pub(crate) mod log;
pub(crate) mod poll_choice;
pub(crate) mod reserved;
pub(crate) mod spawn;
pub(crate) mod thread_name;
pub(crate) mod waiter;
