//! Caps on what a peer may make this process create.

/// Caps on the threads one peer may make this process start, applied to each connection of
/// an event loop (set with [`EventLoop::set_limits`](crate::EventLoop::set_limits)). A peer
/// that asks for more gets a clear error; the connection stays up.
///
/// The defaults are far above what a well-behaved peer uses (one thread per calling thread
/// of the peer, a pool of a few threads) and far below what would exhaust a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most threads one `makePool` may ask for. Default 64.
    pub max_pool_threads: u32,
    /// The most threads made by `makeThread` (and `makePool`) alive at once for one
    /// connection. Default 512.
    pub max_threads_per_connection: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pool_threads: 64,
            max_threads_per_connection: 512,
        }
    }
}
