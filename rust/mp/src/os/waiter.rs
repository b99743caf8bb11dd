//! A queue of closures that one thread runs while it waits for something.
//!
//! Worker threads run their calls from it; a thread blocked in an outgoing call runs the
//! callbacks that the peer sends to it, which is how callbacks reach the caller's own thread.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
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

#[derive(Default)]
struct State {
    jobs: VecDeque<Job>,
    stopped: bool,
    /// The owning thread is gone: nothing will run jobs any more.
    exited: bool,
    /// The owning thread sleeps on `cond` (so a post must notify it).
    sleeping: bool,
}

/// Mutex + condition variable + queue of closures, owned by one thread.
#[derive(Default)]
pub(crate) struct Waiter {
    state: Mutex<State>,
    cond: Condvar,
    /// Bumped on every post and stop, so the owner can poll for news without the lock.
    events: AtomicUsize,
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
        let sleeping = st.sleeping;
        drop(st);
        if sleeping {
            self.cond.notify_all();
        }
        Ok(())
    }

    /// Makes the owning thread's `run_until_stopped` return once the queue is empty.
    pub(crate) fn stop(&self) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.stopped = true;
        self.events.fetch_add(1, Ordering::Release);
        drop(st);
        self.cond.notify_all();
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
        self.run_jobs(true, |_| done());
    }

    /// Runs posted jobs until `stop` is called and the queue is drained.
    pub(crate) fn run_until_stopped(&self) {
        // Workers sleep at once: their next job is a whole round trip away, and a
        // polling worker would take the CPU from the loop threads that bring it.
        self.run_jobs(false, |st| st.stopped);
    }

    /// Runs queued jobs, one at a time with the lock released, until the queue is empty and
    /// `done` holds; sleeps (after polling, with `spin`) while there is nothing to do.
    fn run_jobs(&self, spin: bool, mut done: impl FnMut(&State) -> bool) {
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
            st = self.sleep(st, spin);
        }
    }

    /// Waits for the next post or stop with the lock released: if `spin` and no other
    /// thread of this process is polling, first by polling for up to `SPIN` (yielding the
    /// CPU between polls), then asleep on the condition variable.
    fn sleep<'a>(&'a self, st: MutexGuard<'a, State>, spin: bool) -> MutexGuard<'a, State> {
        let seen = self.events.load(Ordering::Acquire);
        if spin && SPINNING.fetch_add(1, Ordering::AcqRel) == 0 {
            drop(st);
            let deadline = Instant::now() + SPIN;
            while self.events.load(Ordering::Acquire) == seen && Instant::now() < deadline {
                std::thread::yield_now();
            }
            SPINNING.fetch_sub(1, Ordering::AcqRel);
            let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if self.events.load(Ordering::Acquire) != seen {
                return st;
            }
            return self.sleep(st, false);
        }
        if spin {
            SPINNING.fetch_sub(1, Ordering::AcqRel);
        }
        let mut st = st;
        st.sleeping = true;
        st = self.cond.wait(st).unwrap_or_else(|e| e.into_inner());
        st.sleeping = false;
        st
    }
}
