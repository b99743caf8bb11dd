//! Layer 2, the event loop: the one thread that owns every capnp object of its connections,
//! `post`/`sync` to reach it from other threads, and values that live on it behind `Send`
//! handles. Knows nothing of connections: what higher layers keep on the loop thread they
//! keep in [`loop_state::LoopState`]'s typed slots.

pub(crate) mod held;
pub(crate) mod limits;
pub(crate) mod loop_box;
pub(crate) mod loop_state;
pub(crate) mod loop_thread;
