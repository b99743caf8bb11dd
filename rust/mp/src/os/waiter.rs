//! A queue of closures that one thread runs while it waits for something.
//!
//! Worker threads run their calls from it; a thread blocked in an outgoing call runs the
//! callbacks that the peer sends to it, which is how callbacks reach the caller's own thread.

use std::collections::VecDeque;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// How long a waiting thread polls its queue before it sleeps on the condition variable.
/// Replies and callbacks usually arrive within a few tens of microseconds; catching them
/// awake saves the futex wake-up (a syscall on each side and a trip through the scheduler).
/// Only one thread per process polls at a time, so that polling never crowds out the
/// threads doing the work (several blocked callers on a small machine).
const SPIN: Duration = Duration::from_micros(50);

/// Number of threads of this process polling right now.
static SPINNING: AtomicUsize = AtomicUsize::new(0);

/// A closure posted to a waiting thread.
pub(crate) type Job = Box<dyn FnOnce() + Send>;

/// What a worker does while it has no job, instead of sleeping: a worker serving one
/// connection waits for its next call by reading that connection's socket
/// (`transport/direct.rs`).
pub(crate) trait Idle: Send + Sync {
    /// Waits for work in its own way, until a job is posted to `waiter` or it stops; false
    /// if it cannot now (the thread then sleeps until a post).
    fn run(&self, waiter: &Waiter) -> bool;
}

#[derive(Default)]
struct State {
    jobs: VecDeque<Job>,
    stopped: bool,
    /// The owning thread is gone: nothing will run jobs any more.
    exited: bool,
    /// The owning thread sleeps on `cond` (so a post must notify it).
    sleeping: bool,
    /// The owning thread waits in `poll` on `wake_fd` and a socket (so a post must write
    /// `wake_fd`).
    polling: bool,
}

/// Mutex + condition variable + queue of closures, owned by one thread.
#[derive(Default)]
pub(crate) struct Waiter {
    state: Mutex<State>,
    cond: Condvar,
    /// Bumped on every post and stop, so the owner can poll for news without the lock.
    events: AtomicUsize,
    /// An eventfd, made the first time the owner waits on a socket too.
    wake_fd: OnceLock<Option<OwnedFd>>,
    /// What the owner does instead of sleeping when it has no job (workers only).
    idle: Mutex<Option<std::sync::Arc<dyn Idle>>>,
}

/// The right to poll instead of sleeping, held by at most one thread of the process (see
/// [`SPIN`]); released on drop.
pub(crate) struct SpinSlot(());

impl SpinSlot {
    /// The slot, if no other thread of the process polls now.
    pub(crate) fn take() -> Option<SpinSlot> {
        if SPINNING.fetch_add(1, Ordering::AcqRel) == 0 {
            Some(SpinSlot(()))
        } else {
            SPINNING.fetch_sub(1, Ordering::AcqRel);
            None
        }
    }

    /// How long a holder polls before it sleeps.
    pub(crate) fn duration(&self) -> Duration {
        SPIN
    }
}

impl Drop for SpinSlot {
    fn drop(&mut self) {
        SPINNING.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Waiter {
    /// Queues `job` for the owning thread; gives it back if that thread has exited.
    pub(crate) fn post(&self, job: Job) -> Result<(), Job> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if st.exited {
            return Err(job);
        }
        st.jobs.push_back(job);
        self.events.fetch_add(1, Ordering::Release);
        let (sleeping, polling) = (st.sleeping, st.polling);
        drop(st);
        if sleeping {
            self.cond.notify_all();
        }
        if polling {
            self.write_wake_fd();
        }
        Ok(())
    }

    fn write_wake_fd(&self) {
        if let Some(Some(fd)) = self.wake_fd.get() {
            let one: u64 = 1;
            // SAFETY: writes 8 bytes from a live u64 to an eventfd this waiter owns.
            unsafe { libc::write(fd.as_raw_fd(), (&one as *const u64).cast(), 8) };
        }
    }

    fn wake_fd(&self) -> Option<RawFd> {
        let fd = self.wake_fd.get_or_init(|| {
            // SAFETY: eventfd has no memory preconditions; the fd is owned from here on.
            let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
            // SAFETY: a new fd nobody else owns.
            (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd) })
        });
        fd.as_ref().map(AsRawFd::as_raw_fd)
    }

    /// Sets what the owner does instead of sleeping while it has no job.
    pub(crate) fn set_idle(&self, idle: std::sync::Arc<dyn Idle>) {
        *self.idle.lock().unwrap_or_else(|e| e.into_inner()) = Some(idle);
    }

    fn idle(&self) -> Option<std::sync::Arc<dyn Idle>> {
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Whether [`stop`](Self::stop) was called.
    pub(crate) fn is_stopped(&self) -> bool {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).stopped
    }

    /// Whether jobs wait to be run.
    pub(crate) fn has_jobs(&self) -> bool {
        !self
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .jobs
            .is_empty()
    }

    /// Runs the jobs posted so far, without waiting for more.
    pub(crate) fn run_pending(&self) {
        loop {
            let job = self
                .state
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .jobs
                .pop_front();
            match job {
                Some(job) => job(),
                None => return,
            }
        }
    }

    /// Waits, with nothing run, until a job is posted or `fd` is readable (a thread that
    /// reads its own reply off a socket). Returns at once if a job is queued. Without an
    /// eventfd (none could be made), it waits for `fd` alone, at most 10 ms, so that a job
    /// waits no longer than that.
    pub(crate) fn wait_post_or_readable(&self, fd: RawFd) {
        let wake = self.wake_fd();
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if !st.jobs.is_empty() || st.stopped {
            return;
        }
        let Some(wake) = wake else {
            drop(st);
            let mut socket = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd for the call; the caller keeps `fd` open.
            unsafe { libc::poll(&mut socket, 1, 10) };
            return;
        };
        st.polling = true;
        drop(st);
        let mut fds = [
            libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: wake,
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        // SAFETY: two valid pollfds for the call. A socket closed meanwhile shows as
        // POLLNVAL or stays quiet; the connection's end posts to every waiting thread.
        unsafe { libc::poll(fds.as_mut_ptr(), 2, -1) };
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.polling = false;
        drop(st);
        if fds[1].revents == 0 {
            // Not signalled (the socket woke us): nothing to reset. A post that signals it
            // from now on shows in the next `poll` at once.
            return;
        }
        let mut count: u64 = 0;
        // SAFETY: reads at most 8 bytes into a live u64 from the waiter's own non-blocking
        // eventfd (nothing to read is fine).
        unsafe { libc::read(wake, (&mut count as *mut u64).cast(), 8) };
    }

    /// Makes the owning thread's `run_until_stopped` return once the queue is empty.
    pub(crate) fn stop(&self) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.stopped = true;
        self.events.fetch_add(1, Ordering::Release);
        let polling = st.polling;
        drop(st);
        self.cond.notify_all();
        if polling {
            self.write_wake_fd();
        }
    }

    /// Called as the owning thread exits: later posts fail, and queued jobs are dropped unrun
    /// (which tells whoever waits on them).
    pub(crate) fn exit(&self) {
        let jobs = {
            let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
            st.stopped = true;
            st.exited = true;
            std::mem::take(&mut st.jobs)
        };
        drop(jobs);
    }

    /// Runs posted jobs until `done()` holds. `done` is checked after each job and on each
    /// wake-up, so whatever makes it true must be (or be followed by) a posted job.
    pub(crate) fn wait_until(&self, mut done: impl FnMut() -> bool) {
        self.run_jobs(true, false, |_| done());
    }

    /// Runs posted jobs until `stop` is called and the queue is drained; between jobs, runs
    /// what [`set_idle`](Self::set_idle) set, if it can.
    pub(crate) fn run_until_stopped(&self) {
        // Workers sleep at once: their next job is a whole round trip away, and a
        // polling worker would take the CPU from the loop threads that bring it.
        self.run_jobs(false, true, |st| st.stopped);
    }

    /// Runs queued jobs, one at a time with the lock released, until the queue is empty and
    /// `done` holds; while there is nothing to do, waits in the idle way if `idle` and one is
    /// set (and it can), else sleeps (after polling, with `spin`).
    fn run_jobs(&self, spin: bool, idle: bool, mut done: impl FnMut(&State) -> bool) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(job) = st.jobs.pop_front() {
                drop(st);
                job();
                st = self.state.lock().unwrap_or_else(|e| e.into_inner());
                continue;
            }
            if done(&st) {
                return;
            }
            if let Some(idle) = idle.then(|| self.idle()).flatten() {
                drop(st);
                let waited = idle.run(self);
                st = self.state.lock().unwrap_or_else(|e| e.into_inner());
                if waited || !st.jobs.is_empty() || done(&st) {
                    continue;
                }
            }
            st = self.sleep(st, spin);
        }
    }

    /// Waits for the next post or stop with the lock released: if `spin` and no other
    /// thread of this process is polling, first by polling for up to `SPIN` (yielding the
    /// CPU between polls), then asleep on the condition variable.
    fn sleep<'a>(&'a self, st: MutexGuard<'a, State>, spin: bool) -> MutexGuard<'a, State> {
        let seen = self.events.load(Ordering::Acquire);
        if let Some(slot) = spin.then(SpinSlot::take).flatten() {
            drop(st);
            let deadline = Instant::now() + slot.duration();
            while self.events.load(Ordering::Acquire) == seen && Instant::now() < deadline {
                std::thread::yield_now();
            }
            drop(slot);
            let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if self.events.load(Ordering::Acquire) != seen {
                return st;
            }
            return self.sleep(st, false);
        }
        let mut st = st;
        st.sleeping = true;
        st = self.cond.wait(st).unwrap_or_else(|e| e.into_inner());
        st.sleeping = false;
        st
    }
}
