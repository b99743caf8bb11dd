//! Who reads the socket: the loop, or a thread waiting for the reply of its direct call.
//!
//! Handing the reply over costs a wake-up of the loop thread and then one of the waiting
//! thread. A thread that reads the socket itself is woken by the peer's write alone, as in
//! a plain socket round trip. Only one reads at a time, and only at a frame boundary: a
//! thread may start reading when the loop holds no part of a frame and has nothing left to
//! catch up on; it then switches the loop's watch off (`socket.rs`, [`ReadWatch`]), reads
//! whole frames until its own reply came, and gives the socket back.
//!
//! Frames a thread reads that are not for waiting threads go to the loop, in order
//! (`handed`); the loop takes those before it reads on, so capnp-rpc sees every message in
//! the order it arrived. While the loop pauses reading for back-pressure (the serving side,
//! `network.rs`), no thread may start reading either: it would get round the pause.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

use crate::transport::replies::Received;
use crate::transport::socket::ReadWatch;

/// A message a thread read for the loop.
pub(crate) enum Handed {
    /// As received.
    Message(Received),
    /// A `Release` capnp-rpc should see in place of the one received (export, count).
    Release(u32, u32),
}

struct State {
    /// The loop reads, or holds part of a frame: no thread may start reading.
    loop_reading: bool,
    /// A thread reads (the loop's watch is off).
    thread_reading: bool,
    /// Frames a thread read for the loop, in arrival order.
    handed: VecDeque<Handed>,
    /// How the stream ended, when a thread found it: for the loop to report.
    ended: Option<capnp::Result<()>>,
    /// The socket, while threads may read it (gone once the connection closes, so that the
    /// socket closes with the loop's fd).
    watch: Option<Arc<ReadWatch>>,
    /// The loop pauses reading for back-pressure.
    paused: bool,
    /// The connection closed: no watch is set any more.
    closed: bool,
}

/// The reading turn of one connection.
pub(crate) struct ReadShare {
    state: Mutex<State>,
    /// Wakes the loop when a thread gave the socket back with something for it.
    pub(crate) wake_loop: Notify,
    /// A worker would read the socket for its calls, or a thread for its reply, which needs
    /// a watch the loop has not made yet (see [`want_watch`](Self::want_watch)).
    watch_wanted: AtomicBool,
    /// [`want_watch`](Self::want_watch) was called: it asks once per connection, so that a
    /// thread waiting for a reply pays one atomic load for it, and a watch the loop could
    /// not make is not asked for again and again.
    watch_asked: AtomicBool,
}

/// What the loop finds when it wants to read.
pub(crate) enum LoopTurn {
    /// A message a thread read for it.
    Handed(Handed),
    /// A thread found the stream's end.
    Ended(capnp::Result<()>),
    /// The loop may read (it holds the turn until [`ReadShare::loop_done`]).
    Read,
    /// A thread reads: wait for [`ReadShare::wake_loop`] or the socket.
    Wait,
}

impl ReadShare {
    /// `watch`: the socket, if threads may read it.
    pub(crate) fn new(watch: Option<Arc<ReadWatch>>) -> ReadShare {
        ReadShare {
            state: Mutex::new(State {
                loop_reading: false,
                thread_reading: false,
                handed: VecDeque::new(),
                ended: None,
                watch,
                paused: false,
                closed: false,
            }),
            wake_loop: Notify::new(),
            watch_wanted: AtomicBool::new(false),
            watch_asked: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The loop, at a frame boundary, wants to read.
    pub(crate) fn loop_turn(&self) -> LoopTurn {
        let mut st = self.lock();
        if let Some(h) = st.handed.pop_front() {
            return LoopTurn::Handed(h);
        }
        if let Some(end) = st.ended.take() {
            return LoopTurn::Ended(end);
        }
        if st.thread_reading {
            return LoopTurn::Wait;
        }
        st.loop_reading = true;
        LoopTurn::Read
    }

    /// Whether a thread reads now.
    pub(crate) fn thread_reading(&self) -> bool {
        self.lock().thread_reading
    }

    /// The loop is back at a frame boundary with nothing buffered: threads may read.
    pub(crate) fn loop_done(&self) {
        self.lock().loop_reading = false;
    }

    /// A waiting thread asks for the socket: `Some` (the loop's watch now off) if nobody
    /// reads and the loop has nothing to catch up on.
    pub(crate) fn thread_start(&self) -> Option<Arc<ReadWatch>> {
        let mut st = self.lock();
        if st.loop_reading
            || st.thread_reading
            || st.paused
            || !st.handed.is_empty()
            || st.ended.is_some()
        {
            return None;
        }
        let watch = st.watch.clone()?;
        // Under the lock, so that the loop cannot start reading in between.
        watch.pause().ok()?;
        st.thread_reading = true;
        Some(watch)
    }

    /// Asks the loop to let threads read (a serving side lets them only once a worker would
    /// read for its calls or for the reply to its call back, so that an idle connection
    /// costs one fd): the loop makes the watch when it next reads, and sets it with
    /// [`set_watch`](Self::set_watch). Only the first call asks.
    pub(crate) fn want_watch(&self) {
        if self.watch_asked.load(Ordering::Relaxed)
            || self.watch_asked.swap(true, Ordering::Relaxed)
        {
            return;
        }
        if self.lock().watch.is_none() {
            self.watch_wanted.store(true, Ordering::Relaxed);
        }
    }

    /// Whether [`want_watch`](Self::want_watch) asked for a watch (once).
    pub(crate) fn take_watch_wanted(&self) -> bool {
        self.watch_wanted.swap(false, Ordering::Relaxed)
    }

    /// Threads may read the socket through `watch` from now on (unless the connection
    /// closed meanwhile).
    pub(crate) fn set_watch(&self, watch: Arc<ReadWatch>) {
        let mut st = self.lock();
        if !st.closed {
            st.watch = Some(watch);
        }
    }

    /// The loop pauses reading for back-pressure (true), or resumes: no thread may start
    /// reading meanwhile.
    pub(crate) fn set_paused(&self, paused: bool) {
        self.lock().paused = paused;
    }

    /// A thread read `message` for the loop.
    pub(crate) fn hand(&self, message: Handed) {
        self.lock().handed.push_back(message);
    }

    /// A thread found the stream's end.
    pub(crate) fn end(&self, end: capnp::Result<()>) {
        self.lock().ended = Some(end);
    }

    /// The thread gives the socket back; the loop is woken if it has something to do (what
    /// the thread handed it, the end, or bytes that came meanwhile).
    pub(crate) fn thread_done(&self, watch: &ReadWatch) {
        let mut st = self.lock();
        st.thread_reading = false;
        let resumed = watch.resume().is_ok();
        let wake = !st.handed.is_empty() || st.ended.is_some() || !resumed || watch.has_bytes();
        drop(st);
        if wake {
            self.wake_loop.notify_one();
        }
    }

    /// Whether the connection closed (or threads never read it).
    pub(crate) fn closed(&self) -> bool {
        self.lock().watch.is_none()
    }

    /// The connection closes: no thread reads from now on.
    pub(crate) fn close(&self) {
        let watch = {
            let mut st = self.lock();
            st.closed = true;
            st.watch.take()
        };
        drop(watch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::socket::Socket;

    fn turn_name(turn: LoopTurn) -> &'static str {
        match turn {
            LoopTurn::Handed(Handed::Release(..)) => "handed release",
            LoopTurn::Handed(Handed::Message(_)) => "handed message",
            LoopTurn::Ended(Ok(())) => "ended",
            LoopTurn::Ended(Err(_)) => "failed",
            LoopTurn::Read => "read",
            LoopTurn::Wait => "wait",
        }
    }

    /// Runs `test` in a tokio runtime with a share of a socket threads may read.
    fn with_share(test: impl AsyncFnOnce(ReadShare)) {
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let socket = Socket::new(a, true).unwrap();
            test(ReadShare::new(socket.watch())).await;
        });
    }

    #[test]
    fn one_reads_at_a_time_and_what_a_thread_read_goes_to_the_loop_first() {
        with_share(async |share| {
            // The loop reads: no thread may start.
            assert_eq!(turn_name(share.loop_turn()), "read");
            assert!(share.thread_start().is_none());
            share.loop_done();
            // A thread reads: the loop waits, and gets what the thread handed it first.
            let watch = share.thread_start().expect("the socket is free");
            assert!(share.thread_start().is_none(), "one thread at a time");
            assert_eq!(turn_name(share.loop_turn()), "wait");
            share.hand(Handed::Release(7, 1));
            share.thread_done(&watch);
            // The loop was woken (a permit waits) and takes the handed message, then reads.
            share.wake_loop.notified().await;
            assert!(
                share.thread_start().is_none(),
                "the loop has something to catch up on"
            );
            assert_eq!(turn_name(share.loop_turn()), "handed release");
            assert_eq!(turn_name(share.loop_turn()), "read");
            share.loop_done();
            // The end a thread found goes to the loop.
            let watch = share.thread_start().expect("the socket is free");
            share.end(Ok(()));
            share.thread_done(&watch);
            assert_eq!(turn_name(share.loop_turn()), "ended");
            share.loop_done();
            // Once closed, no thread reads.
            share.close();
            assert!(share.closed());
            assert!(share.thread_start().is_none());
        });
    }

    #[test]
    fn without_a_watch_threads_never_read() {
        let share = ReadShare::new(None);
        assert!(share.thread_start().is_none());
        assert_eq!(turn_name(share.loop_turn()), "read");
    }

    #[test]
    fn no_thread_starts_reading_while_the_loop_pauses() {
        with_share(async |share| {
            share.set_paused(true);
            assert!(share.thread_start().is_none(), "paused for back-pressure");
            share.set_paused(false);
            let watch = share.thread_start().expect("the socket is free again");
            share.thread_done(&watch);
        });
    }
}
