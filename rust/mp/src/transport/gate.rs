//! The socket's write side as threads other than the loop see it: one lock that every frame
//! passes, so that a calling thread can write its own frame without waking the loop.
//!
//! Frames come from two places: the loop's queue (capnp-rpc's messages, `writer.rs`) and
//! calling threads (`direct.rs`). Each frame takes a sequence number under the lock when it
//! is queued, and the writer sends the two queues merged in that order, so a frame never
//! overtakes one queued before it. A thread that finds nothing unwritten sends its frame
//! itself, at once; what the socket does not take then waits here for the loop's writer,
//! or, for a thread that would only wait for its reply next ([`Gate::send_whole`]), is
//! written by that thread as the socket takes it, as a blocking `write` would: the loop's
//! writer woke once per part of a big frame, which cost a thread hand-over each time on a
//! busy machine.
//!
//! **Deferred frames.** The `Finish` that answers a thread's `Return` is not sent at once:
//! it waits here and goes out in front of the next frame anyone writes, usually the same
//! thread's next `Call`, in the same `sendmsg`. Sent at once, it cost a wake-up of the
//! peer's loop per call, and the loop writing it met the woken thread at this lock. If
//! nothing else is written for [`DEFER_AT_MOST`], the loop's writer sends it alone.

use std::collections::VecDeque;
use std::io::IoSlice;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use capnp::message::{Builder, HeapAllocator};
use tokio::sync::Notify;

use crate::transport::frame;
use crate::transport::reader::io_error;
use crate::transport::spliced::SplicedMessage;

/// How long a deferred frame waits for another frame to go out with.
pub(crate) const DEFER_AT_MOST: std::time::Duration = std::time::Duration::from_millis(1);

/// What a frame of a thread carries: a message like capnp-rpc's, or one a thread built with
/// `Data` sent in place (`spliced.rs`).
pub(crate) enum FrameBody {
    Heap(Builder<HeapAllocator>),
    Spliced(SplicedMessage),
}

impl From<Builder<HeapAllocator>> for FrameBody {
    fn from(message: Builder<HeapAllocator>) -> FrameBody {
        FrameBody::Heap(message)
    }
}

impl From<SplicedMessage> for FrameBody {
    fn from(message: SplicedMessage) -> FrameBody {
        FrameBody::Spliced(message)
    }
}

/// A frame queued by a thread other than the loop.
pub(crate) struct ThreadFrame {
    pub(crate) seq: u64,
    pub(crate) table: Vec<u8>,
    pub(crate) body: FrameBody,
    /// Bytes of table and segments.
    pub(crate) len: usize,
}

impl ThreadFrame {
    /// `body` as a frame; its sequence number is set when it is queued.
    fn new(body: impl Into<FrameBody>) -> ThreadFrame {
        let body = body.into();
        let table = match &body {
            FrameBody::Heap(m) => frame::encode_table(&m.get_segments_for_output()),
            FrameBody::Spliced(m) => frame::encode_table(&m.segments()),
        };
        let mut frame = ThreadFrame {
            seq: 0,
            len: 0,
            table,
            body,
        };
        frame.len = frame.parts().map(<[u8]>::len).sum();
        frame
    }

    /// The frame's parts in order: the segment table, then each segment.
    pub(crate) fn parts(&self) -> impl Iterator<Item = &[u8]> {
        let segments: Vec<&[u8]> = match &self.body {
            FrameBody::Heap(m) => m.get_segments_for_output().iter().copied().collect(),
            FrameBody::Spliced(m) => m.parts(),
        };
        std::iter::once(&self.table[..]).chain(segments)
    }
}

/// What the lock guards.
pub(crate) struct GateState {
    /// The socket, while writing is open; `None` once the connection is closing or closed
    /// (the loop may close the fd after that, and nobody else writes to it).
    pub(crate) fd: Option<RawFd>,
    /// The next frame's sequence number.
    pub(crate) next_seq: u64,
    /// Messages in the loop's queue (not yet written whole).
    pub(crate) loop_items: usize,
    /// Bytes already written of the first frame in merged order.
    pub(crate) front_written: usize,
    /// Frames of other threads that the socket did not take at once.
    pub(crate) threads: VecDeque<ThreadFrame>,
    /// A thread is writing the front frames itself ([`Gate::send_whole`]): the loop's
    /// writer leaves the socket to it until it is done and wakes the writer.
    pub(crate) thread_writing: bool,
}

impl GateState {
    /// Marks `n` more bytes of the thread frames written, when no loop frame is queued.
    fn advance_threads(&mut self, mut n: usize) {
        while n > 0 {
            let rest = self.threads[0].len - self.front_written;
            if n < rest {
                self.front_written += n;
                return;
            }
            n -= rest;
            self.front_written = 0;
            self.threads.pop_front();
        }
    }

    /// Takes the next sequence number.
    pub(crate) fn take_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Whether no frame waits to be written.
    fn idle(&self) -> bool {
        self.loop_items == 0 && self.threads.is_empty()
    }
}

/// The lock, and the loop writer's wake-up.
pub(crate) struct Gate {
    state: Mutex<GateState>,
    /// Frames that go out in front of the next frame queued (see "Deferred frames"). A lock
    /// of their own: the loop defers a `Finish` just as the thread it answers may still hold
    /// the gate's lock, in the `sendmsg` of its `Call` (the reply can arrive before that
    /// system call returns).
    deferred: Mutex<Vec<ThreadFrame>>,
    /// Whether `deferred` holds frames, readable without its lock.
    deferring: AtomicBool,
    /// Wakes the loop's writer: a new message, a thread's leftover frame, or the end.
    pub(crate) work: Notify,
}

impl Gate {
    pub(crate) fn new(fd: RawFd) -> Gate {
        Gate {
            state: Mutex::new(GateState {
                fd: Some(fd),
                next_seq: 0,
                loop_items: 0,
                front_written: 0,
                threads: VecDeque::new(),
                thread_writing: false,
            }),
            deferred: Mutex::new(Vec::new()),
            deferring: AtomicBool::new(false),
            work: Notify::new(),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// No more writes to the socket from any thread; drops frames still queued by threads.
    pub(crate) fn close(&self) {
        let mut state = self.lock();
        state.fd = None;
        state.thread_writing = false;
        let dropped = std::mem::take(&mut state.threads);
        drop(state);
        let deferred = std::mem::take(&mut *self.lock_deferred());
        drop(dropped);
        drop(deferred);
    }

    /// Sends `message` from the calling thread: at once if nothing is waiting to be written
    /// (as much as the socket takes, the rest left to the loop's writer), else queued behind
    /// what is waiting. Fails only if the connection is closed or the socket failed.
    pub(crate) fn send(&self, message: impl Into<FrameBody>) -> capnp::Result<()> {
        self.send_frame(message, false)
    }

    /// Like [`send`](Self::send), but if the socket does not take the frame at once, the
    /// calling thread waits for room and writes the rest itself (never on the loop thread,
    /// which must not block). For a thread whose next step is to wait anyway (a caller for
    /// its reply, a worker for its next call).
    pub(crate) fn send_whole(&self, message: impl Into<FrameBody>) -> capnp::Result<()> {
        self.send_frame(message, true)
    }

    fn send_frame(&self, message: impl Into<FrameBody>, whole: bool) -> capnp::Result<()> {
        let mut frame = ThreadFrame::new(message);
        let mut state = self.lock();
        let Some(fd) = state.fd else {
            return Err(capnp::Error::disconnected(
                "the connection is closed".into(),
            ));
        };
        let idle = state.idle();
        self.queue_deferred_in(&mut state);
        frame.seq = state.take_seq();
        let own = frame.seq;
        state.threads.push_back(frame);
        if idle {
            // Nobody else writes: send the deferred frames and this one, in one `sendmsg`.
            loop {
                let mut slices: Vec<IoSlice<'_>> = Vec::new();
                let mut skip = state.front_written;
                // Only frames queued up to this one: anything queued later (by the loop
                // too, while this thread waited for room) goes after, in the writer's order.
                for frame in state.threads.iter().take_while(|f| f.seq <= own) {
                    append_parts(&mut slices, frame.parts(), &mut skip, usize::MAX);
                }
                match send_vectored(fd, &slices) {
                    Ok(n) => {
                        drop(slices);
                        state.advance_threads(n);
                        if state.threads.front().is_none_or(|f| f.seq > own) {
                            // The writer is woken for what was queued behind, or, if it
                            // waited for this thread, to go on.
                            let wake = state.thread_writing || !state.idle();
                            state.thread_writing = false;
                            drop(state);
                            if wake {
                                self.work.notify_one();
                            }
                            return Ok(());
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock && whole => {
                        drop(slices);
                        state.thread_writing = true;
                        drop(state);
                        wait_writable(fd);
                        state = self.lock();
                        if state.fd.is_none() {
                            // Closed meanwhile: the frames are dropped; the caller learns of
                            // the end from its reply.
                            drop(state);
                            self.work.notify_one();
                            return Ok(());
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        state.thread_writing = false;
                        drop(state);
                        // The writer meets the error itself and ends the connection.
                        self.work.notify_one();
                        return Err(io_error(e));
                    }
                }
            }
        }
        drop(state);
        self.work.notify_one();
        Ok(())
    }

    /// Whether frames of threads wait for the loop's writer (the socket did not take them):
    /// a thread then serves no call itself, whose `Return` would only queue behind them.
    pub(crate) fn has_thread_backlog(&self) -> bool {
        !self.lock().threads.is_empty()
    }

    /// Defers `message` until the next frame is queued, or [`DEFER_AT_MOST`] (see
    /// "Deferred frames"). From any thread; the loop's writer is woken to time it.
    pub(crate) fn defer(&self, message: Builder<HeapAllocator>) {
        self.defer_quietly(message);
        self.work.notify_one();
    }

    /// Defers `message` as [`defer`](Self::defer) does, from a thread other than the loop:
    /// without waking the loop's writer. It goes out with the next frame anyone queues
    /// (usually that thread's next `Call`), or the next time the loop's writer runs and
    /// then finds nothing else to write within [`DEFER_AT_MOST`].
    pub(crate) fn defer_quietly(&self, message: Builder<HeapAllocator>) {
        let frame = ThreadFrame::new(message);
        let mut deferred = self.lock_deferred();
        deferred.push(frame);
        self.deferring.store(true, Ordering::Relaxed);
    }

    /// Whether frames are deferred.
    pub(crate) fn deferring(&self) -> bool {
        self.deferring.load(Ordering::Relaxed)
    }

    /// Queues the deferred frames, if any, for the loop's writer.
    pub(crate) fn queue_deferred(&self) {
        drop(self.lock_to_queue());
    }

    /// Takes the lock to queue a frame: the deferred frames are queued first.
    pub(crate) fn lock_to_queue(&self) -> MutexGuard<'_, GateState> {
        let mut state = self.lock();
        self.queue_deferred_in(&mut state);
        state
    }

    /// Queues the deferred frames, in front of anything queued after this.
    fn queue_deferred_in(&self, state: &mut GateState) {
        if !self.deferring() {
            return;
        }
        let frames = {
            let mut deferred = self.lock_deferred();
            self.deferring.store(false, Ordering::Relaxed);
            std::mem::take(&mut *deferred)
        };
        for mut frame in frames {
            frame.seq = state.take_seq();
            state.threads.push_back(frame);
        }
    }

    fn lock_deferred(&self) -> MutexGuard<'_, Vec<ThreadFrame>> {
        self.deferred.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Appends the parts of one frame to `slices`, leaving out the first `*skip` bytes (what is
/// written already; `*skip` goes down by what was left out). False once `slices` holds
/// `max` slices.
pub(crate) fn append_parts<'a>(
    slices: &mut Vec<IoSlice<'a>>,
    parts: impl IntoIterator<Item = &'a [u8]>,
    skip: &mut usize,
    max: usize,
) -> bool {
    for part in parts {
        if *skip >= part.len() {
            *skip -= part.len();
            continue;
        }
        slices.push(IoSlice::new(&part[*skip..]));
        *skip = 0;
        if slices.len() == max {
            return false;
        }
    }
    true
}

/// Waits until `fd` may take more bytes, or 100 ms (the caller then checks that the
/// connection is still open: its fd may be closed meanwhile, which `poll` does not notice).
fn wait_writable(fd: RawFd) {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLOUT,
        revents: 0,
    };
    // SAFETY: one valid `pollfd` for the duration of the call. A stale fd number at worst
    // makes `poll` return early (POLLNVAL, or another file's readiness).
    unsafe {
        libc::poll(&mut pfd, 1, 100);
    }
}

/// `sendmsg` with `MSG_NOSIGNAL`: a peer that has gone makes it fail with `EPIPE` instead of
/// raising `SIGPIPE`, which would end a host process that does not ignore it (a C++
/// program using the runtime; Rust programs ignore it from the start). `writev` has no
/// such flag. The socket is non-blocking: a full socket is `WouldBlock`.
pub(crate) fn send_vectored(fd: RawFd, slices: &[IoSlice<'_>]) -> std::io::Result<usize> {
    // SAFETY: `IoSlice` has the layout of `iovec` on Unix; the slices and the header live
    // across the call, which only reads them; the caller keeps `fd` open (the gate's lock
    // is held, and the loop closes the socket only after `Gate::close`).
    let n = unsafe {
        let mut header: libc::msghdr = std::mem::zeroed();
        header.msg_iov = slices.as_ptr() as *mut libc::iovec;
        header.msg_iovlen = slices.len() as _;
        libc::sendmsg(fd, &header, libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT)
    };
    if n < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}
