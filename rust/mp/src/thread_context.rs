//! Per-thread state: the thread's name, its `Waiter`, and which remote thread it uses for
//! calls on each connection while it serves a request from that connection.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::event_loop::EventLoop;
use crate::loop_box::LoopBox;
use crate::proxy_capnp::thread;
use crate::thread_name::thread_name;
use crate::waiter::Waiter;

/// Identifies an OS thread for the loop-side tables; never reused within a process.
pub(crate) type ThreadKey = u64;

/// A `Thread` capability held on behalf of a thread that is not the loop thread.
pub(crate) type ThreadCap = LoopBox<thread::Client>;

pub(crate) struct ThreadContext {
    pub(crate) key: ThreadKey,
    pub(crate) waiter: Arc<Waiter>,
    name: RefCell<Option<String>>,
    /// `ThreadName(exe)` of this thread for the last `exe` asked about: (exe, name).
    default_name: RefCell<Option<(String, String)>>,
    /// For each connection (by id), the peer thread to call while this thread serves a request
    /// that came from that connection: the request's `callbackThread`.
    request_threads: RefCell<HashMap<u64, Arc<ThreadCap>>>,
    /// Loops whose tables hold entries for this thread; cleaned when the thread exits.
    loops: RefCell<Vec<EventLoop>>,
    logged_first_request: RefCell<bool>,
}

thread_local! {
    static CONTEXT: ThreadContext = ThreadContext::new();
}

static NEXT_KEY: AtomicU64 = AtomicU64::new(1);

impl ThreadContext {
    fn new() -> Self {
        ThreadContext {
            key: NEXT_KEY.fetch_add(1, Ordering::Relaxed),
            waiter: Arc::new(Waiter::default()),
            name: RefCell::new(None),
            default_name: RefCell::new(None),
            request_threads: RefCell::new(HashMap::new()),
            loops: RefCell::new(Vec::new()),
            logged_first_request: RefCell::new(false),
        }
    }

    /// Runs `f` with the calling thread's context.
    pub(crate) fn with<R>(f: impl FnOnce(&ThreadContext) -> R) -> R {
        CONTEXT.with(f)
    }

    /// The thread's name: set for worker threads, else `ThreadName(exe_name)`, computed on
    /// first use and kept (as the original does), so calls make no syscalls for it.
    pub(crate) fn name(&self, exe_name: &str) -> String {
        if let Some(name) = self.name.borrow().as_ref() {
            return name.clone();
        }
        let mut cached = self.default_name.borrow_mut();
        match cached.as_ref() {
            Some((exe, name)) if exe == exe_name => name.clone(),
            _ => {
                let name = thread_name(exe_name);
                *cached = Some((exe_name.to_string(), name.clone()));
                name
            }
        }
    }

    pub(crate) fn set_name(&self, name: String) {
        *self.name.borrow_mut() = Some(name);
    }

    /// Records that `lp` holds per-thread entries for this thread; returns true the first time
    /// this thread uses any loop (the original logs "constructing waiter" then).
    pub(crate) fn note_loop(&self, lp: &EventLoop) -> bool {
        let mut loops = self.loops.borrow_mut();
        if !loops.contains(lp) {
            loops.push(lp.clone());
        }
        let first = !*self.logged_first_request.borrow();
        *self.logged_first_request.borrow_mut() = true;
        first
    }

    /// Marks this thread as having its waiter already (server threads), so that its first
    /// outgoing call does not log the "constructing waiter" line.
    pub(crate) fn note_waiter_exists(&self) {
        *self.logged_first_request.borrow_mut() = true;
    }

    pub(crate) fn request_thread_override(&self, conn_id: u64) -> Option<Arc<ThreadCap>> {
        self.request_threads.borrow().get(&conn_id).cloned()
    }

    /// Installs `cap` as the thread to call on `conn_id` unless one is installed already (a
    /// re-entrant request keeps the outer one). Returns whether it was installed.
    pub(crate) fn push_request_thread(&self, conn_id: u64, cap: Arc<ThreadCap>) -> bool {
        let mut map = self.request_threads.borrow_mut();
        if map.contains_key(&conn_id) {
            return false;
        }
        map.insert(conn_id, cap);
        true
    }

    pub(crate) fn pop_request_thread(&self, conn_id: u64) {
        let removed = self.request_threads.borrow_mut().remove(&conn_id);
        drop(removed);
    }
}

impl Drop for ThreadContext {
    fn drop(&mut self) {
        // Release this thread's entries (its request threads on each peer, which stops them).
        let key = self.key;
        for lp in self.loops.borrow_mut().drain(..) {
            let _ = lp.post(move || crate::connection::forget_thread(key));
        }
        self.waiter.exit();
    }
}

/// The name the runtime uses for the calling thread: the name it gave a worker thread, else
/// `ThreadName(exe_name)` in the original's format.
pub fn current_thread_name(exe_name: &str) -> String {
    ThreadContext::with(|tc| tc.name(exe_name))
}
