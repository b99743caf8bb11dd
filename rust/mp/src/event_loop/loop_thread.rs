//! The event loop: one thread that owns every capnp object of its connections.
//!
//! capnp-rpc objects are `!Send`, so each `EventLoop` runs a current-thread tokio runtime with
//! a `LocalSet` on a thread of its own; other threads reach it with [`EventLoop::post`] and
//! [`EventLoop::sync`].

use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread::ThreadId;

use tokio::sync::mpsc;

use crate::event_loop::held;
use crate::event_loop::limits::Limits;
use crate::event_loop::loop_state::{set_loop_state, take_loop_state, LoopState};
use crate::os::error::{Error, Result};
use crate::os::log::{LogLevel, LogMessage, LogOptions};

type LoopJob = Box<dyn FnOnce() + Send>;

pub(crate) struct LoopShared {
    exe_name: String,
    pub(crate) log: LogOptions,
    limits: Mutex<Limits>,
    tx: mpsc::UnboundedSender<LoopJob>,
    rx: Mutex<Option<mpsc::UnboundedReceiver<LoopJob>>>,
    users: AtomicUsize,
    /// Jobs posted and not yet run to their end.
    queued: AtomicUsize,
    thread: OnceLock<ThreadId>,
    finished: Mutex<bool>,
    finished_cond: Condvar,
}

/// Handle to an event loop; cheap to clone, usable from any thread.
#[derive(Clone)]
pub struct EventLoop {
    pub(crate) shared: Arc<LoopShared>,
}

impl std::fmt::Debug for EventLoop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventLoop")
            .field("exe_name", &self.shared.exe_name)
            .finish()
    }
}

impl PartialEq for EventLoop {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

/// Keeps an event loop running: the loop thread exits once the last reference and the last
/// connection are gone, as in the original.
#[derive(Debug)]
pub struct EventLoopRef {
    lp: EventLoop,
}

impl EventLoop {
    /// Creates a loop that [`run`](Self::run) will drive. `exe_name` starts every thread name
    /// this loop's process reports, as in the original.
    pub fn new(exe_name: impl Into<String>, log: LogOptions) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        EventLoop {
            shared: Arc::new(LoopShared {
                exe_name: exe_name.into(),
                log,
                limits: Mutex::new(Limits::default()),
                tx,
                rx: Mutex::new(Some(rx)),
                users: AtomicUsize::new(0),
                queued: AtomicUsize::new(0),
                thread: OnceLock::new(),
                finished: Mutex::new(false),
                finished_cond: Condvar::new(),
            }),
        }
    }

    /// Starts a loop on a new thread and returns a reference that keeps it running.
    pub fn start(exe_name: impl Into<String>, log: LogOptions) -> Result<EventLoopRef> {
        let lp = EventLoop::new(exe_name, log);
        let lp_ref = lp.add_ref();
        let runner = lp.clone();
        std::thread::Builder::new()
            .spawn(move || runner.run())
            .map_err(|e| Error::failed(format!("cannot start event loop thread: {e}")))?;
        Ok(lp_ref)
    }

    /// The executable name given at creation.
    pub fn exe_name(&self) -> &str {
        &self.shared.exe_name
    }

    /// Adds a user: the loop keeps running while the returned reference lives.
    pub fn add_ref(&self) -> EventLoopRef {
        self.shared.users.fetch_add(1, Ordering::SeqCst);
        EventLoopRef { lp: self.clone() }
    }

    /// Runs the loop on the calling thread until no reference or connection is left.
    ///
    /// Returns at once if the loop already ran.
    pub fn run(&self) {
        let Some(mut rx) = self
            .shared
            .rx
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        else {
            return;
        };
        let _ = self.shared.thread.set(std::thread::current().id());
        let rt = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                self.log(
                    LogLevel::Error,
                    format!("cannot create event loop runtime: {e}"),
                );
                self.mark_finished();
                return;
            }
        };
        set_loop_state(Rc::new(LoopState::default()));
        let local = tokio::task::LocalSet::new();
        let shared = self.shared.clone();
        local.block_on(&rt, async move {
            while shared.users.load(Ordering::SeqCst) > 0 {
                match rx.recv().await {
                    Some(job) => run_job(&shared, job),
                    None => break,
                }
            }
            rx.close();
            while let Ok(job) = rx.try_recv() {
                run_job(&shared, job);
            }
        });
        drop(local);
        self.log_here(
            LogLevel::Info,
            "EventLoop::loop done, cancelling event listeners.",
        );
        // Dropping the state drops every capability and connection on this thread.
        let state = take_loop_state();
        drop(state);
        drop(rt);
        self.log_here(LogLevel::Info, "EventLoop::loop bye.");
        self.mark_finished();
    }

    fn mark_finished(&self) {
        *self
            .shared
            .finished
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = true;
        self.shared.finished_cond.notify_all();
    }

    /// Blocks until the loop thread has finished (no references or connections left).
    pub fn wait_finished(&self) {
        let mut done = self
            .shared
            .finished
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        while !*done {
            done = self
                .shared
                .finished_cond
                .wait(done)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    /// A number that names this loop while any handle to it lives.
    pub(crate) fn key(&self) -> usize {
        Arc::as_ptr(&self.shared) as *const () as usize
    }

    /// Whether the calling thread is this loop's thread.
    pub fn on_loop_thread(&self) -> bool {
        self.shared.thread.get() == Some(&std::thread::current().id())
    }

    /// Whether everything this thread asked of the loop has been done: no job is waiting or
    /// running, and the thread holds no releases for it. A thread that calls without the
    /// loop checks this first, so that its call cannot overtake what it posted before.
    pub(crate) fn caught_up(&self) -> bool {
        self.no_jobs_queued() && !held::holds_any(self.key())
    }

    /// Whether no job posted to the loop waits or runs. A thread serving a call checks this
    /// before it writes the call's `Return` itself: the releases it holds go back with the
    /// outcome and come after the `Return` either way, but a job it posted must not be
    /// overtaken.
    pub(crate) fn no_jobs_queued(&self) -> bool {
        self.shared.queued.load(Ordering::Acquire) == 0
    }

    /// Runs `f` on the loop thread later. Fails if the loop has stopped.
    pub fn post(&self, f: impl FnOnce() + Send + 'static) -> Result<()> {
        let job: LoopJob = match held::take(self.key()) {
            // Releases this thread held go first, as if each had been posted when made.
            Some(ids) => Box::new(move || {
                held::free(&ids);
                f()
            }),
            None => Box::new(f),
        };
        self.send_job(job)
    }

    /// Queues a job, counted until it has run (see `caught_up`).
    fn send_job(&self, job: LoopJob) -> Result<()> {
        self.shared.queued.fetch_add(1, Ordering::AcqRel);
        self.shared.tx.send(job).map_err(|_| {
            self.shared.queued.fetch_sub(1, Ordering::AcqRel);
            Error::disconnected("event loop stopped")
        })
    }

    /// Runs `f` on the loop thread and returns its result; runs it inline on the loop thread.
    pub fn sync<R: Send + 'static>(&self, f: impl FnOnce() -> R + Send + 'static) -> Result<R> {
        self.sync_scoped(f)
    }

    /// Like [`sync`](Self::sync), but `f` may borrow from the caller's stack, which stays
    /// blocked until `f` has run or has been dropped unrun.
    pub fn sync_scoped<'a, R: Send + 'a>(&self, f: impl FnOnce() -> R + Send + 'a) -> Result<R> {
        if self.on_loop_thread() {
            return Ok(f());
        }
        let slot: Arc<(Mutex<Option<JobOutcome<R>>>, Condvar)> = Arc::default();
        let job = ScopedJob {
            f: Some(f),
            slot: slot.clone(),
        };
        let held = held::take(self.key());
        let boxed: Box<dyn FnOnce() + Send + 'a> = Box::new(move || {
            // Releases this thread held go first (see `post`).
            if let Some(ids) = held {
                held::free(&ids);
            }
            job.run()
        });
        // SAFETY: the job only borrows data that outlives this call, and this call does not
        // return before the job has run or been dropped: `ScopedJob` fills `slot` in both
        // cases (in `run`, and in its `Drop` after dropping `f`), and we wait for that below.
        // If `post` fails the box is dropped before `post` returns.
        let boxed: LoopJob =
            unsafe { std::mem::transmute::<Box<dyn FnOnce() + Send + 'a>, LoopJob>(boxed) };
        let posted = self.send_job(boxed).is_ok();
        let (lock, cond) = &*slot;
        let mut guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        while guard.is_none() {
            guard = cond.wait(guard).unwrap_or_else(|e| e.into_inner());
        }
        let _ = posted;
        match guard.take() {
            Some(JobOutcome::Done(r)) => Ok(r),
            Some(JobOutcome::Panicked) => Err(Error::failed(
                "the closure passed to sync panicked on the event loop thread",
            )),
            Some(JobOutcome::Dropped) | None => Err(Error::disconnected("event loop stopped")),
        }
    }

    /// Sends a line to the log callback if `level` passes the configured threshold.
    pub fn log(&self, level: LogLevel, message: impl Into<String>) {
        if level >= self.shared.log.level {
            (self.shared.log.log_fn)(LogMessage {
                level,
                message: message.into(),
            });
        }
    }

    /// Logs `message` prefixed with the calling thread's name, `{name} message`, like the
    /// original's `MP_LOG`.
    pub fn log_here(&self, level: LogLevel, message: impl std::fmt::Display) {
        if self.log_enabled(level) {
            let name = crate::os::thread_name::thread_name(self.exe_name());
            self.log(level, format!("{{{name}}} {message}"));
        }
    }

    /// Whether lines at `level` would be logged; lets callers skip formatting.
    pub fn log_enabled(&self, level: LogLevel) -> bool {
        level >= self.shared.log.level
    }

    /// Sets the caps on what a peer may make this process create, for each connection of
    /// this loop (see [`Limits`]); requests made after this call are checked against them.
    pub fn set_limits(&self, limits: Limits) {
        *self.shared.limits.lock().unwrap_or_else(|e| e.into_inner()) = limits;
    }

    /// The caps set with [`set_limits`](Self::set_limits), or the defaults.
    pub fn limits(&self) -> Limits {
        *self.shared.limits.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Maximum length of logged data dumps.
    pub fn log_max_chars(&self) -> usize {
        self.shared.log.max_chars
    }
}

/// Runs a posted closure; a panic is logged and contained, so the loop keeps serving.
fn run_job(shared: &LoopShared, job: LoopJob) {
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).is_err();
    shared.queued.fetch_sub(1, Ordering::AcqRel);
    if panicked && LogLevel::Error >= shared.log.level {
        (shared.log.log_fn)(LogMessage {
            level: LogLevel::Error,
            message: "a closure posted to the event loop panicked".into(),
        });
    }
}

/// What became of a `sync` closure.
enum JobOutcome<R> {
    Done(R),
    Panicked,
    /// Dropped unrun: the loop stopped.
    Dropped,
}

struct ScopedJob<F, R> {
    f: Option<F>,
    slot: Arc<(Mutex<Option<JobOutcome<R>>>, Condvar)>,
}

impl<F: FnOnce() -> R, R> ScopedJob<F, R> {
    fn run(mut self) {
        if let Some(f) = self.f.take() {
            let outcome = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
                Ok(r) => JobOutcome::Done(r),
                Err(_) => JobOutcome::Panicked,
            };
            let (lock, cond) = &*self.slot;
            *lock.lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
            cond.notify_all();
        }
    }
}

impl<F, R> Drop for ScopedJob<F, R> {
    fn drop(&mut self) {
        if self.f.is_some() {
            self.f = None;
            let (lock, cond) = &*self.slot;
            let mut guard = lock.lock().unwrap_or_else(|e| e.into_inner());
            if guard.is_none() {
                *guard = Some(JobOutcome::Dropped);
            }
            cond.notify_all();
        }
    }
}

impl EventLoopRef {
    /// The loop this reference keeps alive.
    pub fn event_loop(&self) -> &EventLoop {
        &self.lp
    }
}

impl std::ops::Deref for EventLoopRef {
    type Target = EventLoop;
    fn deref(&self) -> &EventLoop {
        &self.lp
    }
}

impl Clone for EventLoopRef {
    fn clone(&self) -> Self {
        self.lp.add_ref()
    }
}

impl Drop for EventLoopRef {
    fn drop(&mut self) {
        if self.lp.shared.users.fetch_sub(1, Ordering::SeqCst) == 1 {
            // Wake the loop so it notices that it has no users left.
            let _ = self.lp.post(|| {});
        }
    }
}
