//! The server of the `Thread` interface of `proxy.capnp`: a thread a peer can name in `Context`.

use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::connection::thread_context::ThreadContext;
use crate::os::thread_name::{os_thread_name, set_thread_name};
use crate::os::waiter::Waiter;
use crate::proxy_capnp::thread;

/// A thread of this process that a peer can name in `Context`: either a worker started by
/// `makeThread`/`makePool`, or an application thread blocked in a call (a callback thread).
pub(crate) struct ThreadServer {
    pub(crate) name: String,
    pub(crate) waiter: Arc<Waiter>,
    /// Workers stop when the last capability to them is released.
    owns_thread: bool,
}

/// `ThreadServer`s standing for callers, alive in this process.
static LIVE_CALLERS: AtomicUsize = AtomicUsize::new(0);

/// How many threads of this process a peer can call back into (one per thread and connection
/// that made a call with a `Context`), for tests that check they go when their thread does.
pub fn live_callback_threads() -> usize {
    LIVE_CALLERS.load(Ordering::SeqCst)
}

impl ThreadServer {
    /// Stands for an existing thread (the caller of an outgoing call).
    pub(crate) fn for_caller(name: String, waiter: Arc<Waiter>) -> Self {
        LIVE_CALLERS.fetch_add(1, Ordering::SeqCst);
        ThreadServer {
            name,
            waiter,
            owns_thread: false,
        }
    }

    /// Starts a worker thread whose name is `<ThreadName(exe)> <suffix>`, as the original
    /// names them, and waits until it is ready.
    pub(crate) fn start_worker(exe_name: &str, suffix: String) -> std::io::Result<Self> {
        let exe_name = exe_name.to_string();
        let (tx, rx) = std::sync::mpsc::channel();
        // No thread name is set, like the original: the pthread name stays the process's.
        std::thread::Builder::new().spawn(move || {
            ThreadContext::with(|tc| {
                let name = format!("{} {}", os_thread_name(&exe_name), suffix);
                set_thread_name(name.clone());
                // A server thread has its waiter from the start: no "constructing waiter" line.
                tc.note_waiter_exists();
                let _ = tx.send((name, tc.waiter.clone()));
                tc.waiter.run_until_stopped();
            })
        })?;
        let (name, waiter) = rx
            .recv()
            .map_err(|_| std::io::Error::other("worker thread failed to start"))?;
        Ok(ThreadServer {
            name,
            waiter,
            owns_thread: true,
        })
    }
}

impl ThreadServer {
    /// Whether this is a worker (it runs only what is posted to it), not a caller's thread.
    pub(crate) fn owns_thread(&self) -> bool {
        self.owns_thread
    }
}

impl Drop for ThreadServer {
    fn drop(&mut self) {
        if self.owns_thread {
            // The worker finishes the work it has queued, then exits.
            self.waiter.stop();
        } else {
            LIVE_CALLERS.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl thread::Server for ThreadServer {
    fn get_name(
        self: Rc<Self>,
        _: thread::GetNameParams,
        mut results: thread::GetNameResults,
    ) -> impl std::future::Future<Output = Result<(), capnp::Error>> + 'static {
        results.get().set_result(self.name.as_str());
        std::future::ready(Ok(()))
    }
}
