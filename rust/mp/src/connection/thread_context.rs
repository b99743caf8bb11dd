//! Per-thread state: the thread's name, its `Waiter`, and which remote thread it uses for
//! calls on each connection while it serves a request from that connection.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::event_loop::loop_box::LoopBox;
use crate::event_loop::loop_thread::EventLoop;
use crate::os::thread_name::{current_thread_key, thread_name, ThreadKey};
use crate::os::waiter::Waiter;
use crate::proxy_capnp::thread;

/// A `Thread` capability held on behalf of a thread that is not the loop thread.
pub(crate) type ThreadCap = LoopBox<thread::Client>;

/// What a thread's direct calls with a `Context` name (`core/direct_call.rs`): the peer
/// thread that runs them and the thread's `callbackThread` (our export number).
#[derive(Debug, Clone)]
pub(crate) struct DirectThreads {
    pub(crate) thread: PeerThread,
    pub(crate) callback: u32,
    /// Cleared by the loop when these names stop being valid.
    pub(crate) valid: Arc<AtomicBool>,
}

impl DirectThreads {
    /// What calls back to a requester name while its request is served: they are valid for
    /// the request's whole run, so all share one flag that is never cleared.
    pub(crate) fn for_request(thread: PeerThread, callback: u32) -> DirectThreads {
        static ALWAYS: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
        DirectThreads {
            thread,
            callback,
            valid: ALWAYS
                .get_or_init(|| Arc::new(AtomicBool::new(true)))
                .clone(),
        }
    }

    pub(crate) fn is_valid(&self) -> bool {
        self.valid.load(Ordering::SeqCst)
    }
}

/// How the peer's thread is named on the wire, as capnp-rpc named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PeerThread {
    /// Our import number.
    Import(u32),
    /// The result of capnp-rpc's (pipelined) `makeThread` question, at these pointer fields.
    Answer(u32, Vec<u16>),
}

/// A request's `callbackThread`, and what direct calls back to it name, if known.
type RequestThread = (Arc<ThreadCap>, Option<DirectThreads>);

/// Removes a thread's entries from the tables of the loop it runs on.
pub(crate) type ForgetFn = fn(ThreadKey);

pub(crate) struct ThreadContext {
    pub(crate) key: ThreadKey,
    pub(crate) waiter: Arc<Waiter>,
    /// For each connection (by id), the peer thread to call while this thread serves a request
    /// that came from that connection: the request's `callbackThread`, and what direct calls
    /// back to it name, if known (`core/request_caps.rs`).
    request_threads: RefCell<HashMap<u64, RequestThread>>,
    /// Loops whose tables hold entries for this thread, with the function that removes them
    /// (run on that loop when the thread exits). The function is handed in by the code that
    /// makes the entries, so that this file needs no knowledge of where they live.
    loops: RefCell<Vec<(EventLoop, ForgetFn)>>,
    logged_first_request: RefCell<bool>,
    /// For each connection (by id), what its direct calls with a `Context` name, once known.
    direct_threads: RefCell<HashMap<u64, DirectThreads>>,
}

thread_local! {
    static CONTEXT: ThreadContext = ThreadContext::new();
}

impl ThreadContext {
    fn new() -> Self {
        ThreadContext {
            key: current_thread_key(),
            waiter: Arc::new(Waiter::default()),
            request_threads: RefCell::new(HashMap::new()),
            loops: RefCell::new(Vec::new()),
            logged_first_request: RefCell::new(false),
            direct_threads: RefCell::new(HashMap::new()),
        }
    }

    /// Runs `f` with the calling thread's context.
    pub(crate) fn with<R>(f: impl FnOnce(&ThreadContext) -> R) -> R {
        CONTEXT.with(f)
    }

    /// The thread's name (see [`thread_name`]).
    pub(crate) fn name(&self, exe_name: &str) -> String {
        thread_name(exe_name)
    }

    /// Records that `lp` holds per-thread entries for this thread; returns true the first time
    /// this thread uses any loop (the original logs "constructing waiter" then).
    pub(crate) fn note_loop(&self, lp: &EventLoop, forget: ForgetFn) -> bool {
        let mut loops = self.loops.borrow_mut();
        if !loops.iter().any(|(known, _)| known == lp) {
            loops.push((lp.clone(), forget));
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

    /// What this thread's direct calls with a `Context` on connection `conn_id` name.
    pub(crate) fn direct_threads(&self, conn_id: u64) -> Option<DirectThreads> {
        self.direct_threads.borrow().get(&conn_id).cloned()
    }

    /// Records what this thread's direct calls on `conn_id` name.
    pub(crate) fn set_direct_threads(&self, conn_id: u64, threads: DirectThreads) {
        self.direct_threads.borrow_mut().insert(conn_id, threads);
    }

    pub(crate) fn request_thread_override(&self, conn_id: u64) -> Option<Arc<ThreadCap>> {
        let map = self.request_threads.borrow();
        map.get(&conn_id).map(|(cap, _)| cap.clone())
    }

    /// Installs `cap` as the thread to call on `conn_id` unless one is installed already (a
    /// re-entrant request keeps the outer one), with what direct calls back to it name
    /// (`None`: they go through the loop). Gives `cap` back if it was not installed.
    pub(crate) fn push_request_thread(
        &self,
        conn_id: u64,
        cap: Arc<ThreadCap>,
        direct: Option<DirectThreads>,
    ) -> Option<Arc<ThreadCap>> {
        let mut map = self.request_threads.borrow_mut();
        if map.contains_key(&conn_id) {
            return Some(cap);
        }
        map.insert(conn_id, (cap, direct));
        None
    }

    /// Removes the thread installed for `conn_id`, handing it back (so that the caller can
    /// drop it on the loop thread rather than post its release from here).
    pub(crate) fn pop_request_thread(&self, conn_id: u64) -> Option<Arc<ThreadCap>> {
        self.request_threads
            .borrow_mut()
            .remove(&conn_id)
            .map(|(cap, _)| cap)
    }

    /// What a direct call back to the requester on `conn_id` names, if this thread serves
    /// a request from it and that is known.
    pub(crate) fn request_direct(&self, conn_id: u64) -> Option<DirectThreads> {
        let map = self.request_threads.borrow();
        map.get(&conn_id).and_then(|(_, direct)| direct.clone())
    }
}

impl Drop for ThreadContext {
    fn drop(&mut self) {
        // Release this thread's entries (its request threads on each peer, which stops them).
        let key = self.key;
        for (lp, forget) in self.loops.borrow_mut().drain(..) {
            let _ = lp.post(move || forget(key));
        }
        self.waiter.exit();
    }
}
