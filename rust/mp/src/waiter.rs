//! A queue of closures that one thread runs while it waits for something.
//!
//! Worker threads run their calls from it; a thread blocked in an outgoing call runs the
//! callbacks that the peer sends to it, which is how callbacks reach the caller's own thread.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};

/// A closure posted to a waiting thread.
pub(crate) type Job = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct State {
    jobs: VecDeque<Job>,
    stopped: bool,
    /// The owning thread is gone: nothing will run jobs any more.
    exited: bool,
}

/// Mutex + condition variable + queue of closures, owned by one thread.
#[derive(Default)]
pub(crate) struct Waiter {
    state: Mutex<State>,
    cond: Condvar,
}

impl Waiter {
    /// Queues `job` for the owning thread; gives it back if that thread has exited.
    pub(crate) fn post(&self, job: Job) -> Result<(), Job> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if st.exited {
            return Err(job);
        }
        st.jobs.push_back(job);
        drop(st);
        self.cond.notify_all();
        Ok(())
    }

    /// Makes the owning thread's `run_until_stopped` return once the queue is empty.
    pub(crate) fn stop(&self) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.stopped = true;
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
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(job) = st.jobs.pop_front() {
                drop(st);
                job();
                st = self.state.lock().unwrap_or_else(|e| e.into_inner());
                continue;
            }
            if done() {
                return;
            }
            st = self.cond.wait(st).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Runs posted jobs until `stop` is called and the queue is drained.
    pub(crate) fn run_until_stopped(&self) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(job) = st.jobs.pop_front() {
                drop(st);
                job();
                st = self.state.lock().unwrap_or_else(|e| e.into_inner());
                continue;
            }
            if st.stopped {
                return;
            }
            st = self.cond.wait(st).unwrap_or_else(|e| e.into_inner());
        }
    }
}
