//! The writing half of a connection: a queue of outgoing messages written with vectored
//! `sendmsg` (the `writev` of sockets).
//!
//! Each message is sent as its segment table followed by its segments, straight from the
//! builder's memory: nothing is copied into a write buffer, and several queued messages go
//! out in one system call. The queue counts its unwritten bytes so that the reading half
//! can stop taking new messages while the peer is not reading ours (back-pressure). Frames
//! that calling threads could not write themselves (`gate.rs`) go out from here too, merged
//! with the loop's in the order they were queued.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::IoSlice;
use std::rc::Rc;
use std::sync::Arc;

use capnp::message::{Builder, HeapAllocator};
use futures::channel::oneshot;
use tokio::sync::Notify;

use crate::transport::frame;
use crate::transport::gate::{append_parts, send_vectored, Gate, GateState, DEFER_AT_MOST};
use crate::transport::reader::io_error;
use crate::transport::socket::Socket;

/// Most slices handed to one `sendmsg` (the system allows 1024).
const MAX_SLICES: usize = 128;

type Message = Rc<Builder<HeapAllocator>>;

/// What a queued message costs besides its buffers: the builder, its `Rc`, the completion
/// channel, the segment table and the queue slot, rounded up.
const PER_MESSAGE_OVERHEAD: usize = 256;

struct Queued {
    /// Order among all frames of the connection (`gate.rs`).
    seq: u64,
    message: Message,
    table: Vec<u8>,
    /// Bytes of table and segments.
    len: usize,
    /// What the message counts against the bound (see `push`).
    charge: usize,
    sent: Option<oneshot::Sender<capnp::Result<()>>>,
}

enum State {
    Open,
    /// No new messages; finish the queue, then end with this result.
    Ending(capnp::Result<()>),
    /// Writing failed; every later send fails with this.
    Failed(capnp::Error),
}

struct Queue {
    items: VecDeque<Queued>,
    /// Memory held by queued messages, as charged by `push`.
    charged: usize,
    state: State,
    ended: Vec<oneshot::Sender<()>>,
}

/// The shared handle: senders push, the write loop pops, the reader watches the size.
pub(crate) struct Outbox {
    queue: RefCell<Queue>,
    /// Shared with threads that write their own frames; holds the write loop's wake-up.
    gate: Arc<Gate>,
    /// Wakes a reader waiting for the queue to shrink.
    shrunk: Notify,
}

impl Outbox {
    pub(crate) fn new(gate: Arc<Gate>) -> Rc<Outbox> {
        Rc::new(Outbox {
            queue: RefCell::new(Queue {
                items: VecDeque::new(),
                charged: 0,
                state: State::Open,
                ended: Vec::new(),
            }),
            gate,
            shrunk: Notify::new(),
        })
    }

    /// Queues `message`; the receiver resolves once it is written (or writing failed).
    /// `allocated` is what its builder reserved at first (its first segment), which can be
    /// far more than a small message's bytes; the message counts against the bound as the
    /// larger of the two plus a fixed overhead for its bookkeeping.
    pub(crate) fn push(
        &self,
        message: Message,
        allocated: usize,
    ) -> oneshot::Receiver<capnp::Result<()>> {
        let (tx, rx) = oneshot::channel();
        let mut q = self.queue.borrow_mut();
        match &q.state {
            State::Open => {}
            State::Ending(_) => {
                let _ = tx.send(Err(capnp::Error::disconnected(
                    "the connection is shutting down".into(),
                )));
                return rx;
            }
            State::Failed(e) => {
                let _ = tx.send(Err(e.clone()));
                return rx;
            }
        }
        let segments = message.get_segments_for_output();
        let table = frame::encode_table(&segments);
        let len = table.len() + segments.iter().map(|s| s.len()).sum::<usize>();
        drop(segments);
        let charge = len.max(allocated) + PER_MESSAGE_OVERHEAD;
        q.charged += charge;
        let seq = {
            let mut gate = self.gate.lock_to_queue();
            gate.loop_items += 1;
            gate.take_seq()
        };
        q.items.push_back(Queued {
            seq,
            message,
            table,
            len,
            charge,
            sent: Some(tx),
        });
        drop(q);
        self.gate.work.notify_one();
        rx
    }

    /// Sends `message` in front of the next frame anyone writes, or alone after a while
    /// (`gate.rs`, "Deferred frames"). For a message whose sending nothing waits on.
    pub(crate) fn defer(&self, message: Builder<HeapAllocator>) {
        if let State::Open = self.queue.borrow().state {
            self.gate.defer(message);
        }
    }

    /// Memory held by the queue, as charged by `push`.
    pub(crate) fn charged(&self) -> usize {
        self.queue.borrow().charged
    }

    /// Waits until the queue holds at most `limit` (or writing has failed, which empties
    /// the queue).
    pub(crate) async fn wait_below(&self, limit: usize) {
        loop {
            let shrunk = self.shrunk.notified();
            if self.charged() <= limit {
                return;
            }
            shrunk.await;
        }
    }

    /// Stops taking messages; the returned receiver resolves once the queue is written.
    pub(crate) fn end(&self, result: capnp::Result<()>) -> oneshot::Receiver<()> {
        let (tx, rx) = oneshot::channel();
        let mut q = self.queue.borrow_mut();
        match q.state {
            State::Open => {
                q.state = State::Ending(result);
                q.ended.push(tx);
            }
            State::Ending(_) => q.ended.push(tx),
            State::Failed(_) => drop(tx),
        }
        drop(q);
        self.gate.work.notify_one();
        rx
    }

    /// Writes queued messages (and frames other threads left, `gate.rs`) until `end` and an
    /// empty queue, or a write error.
    pub(crate) async fn run(&self, socket: &Socket) -> capnp::Result<()> {
        let fd = socket.fd();
        loop {
            let written = {
                let q = self.queue.borrow();
                let gate = match q.state {
                    // Deferred frames go before the end.
                    State::Ending(_) => self.gate.lock_to_queue(),
                    _ => self.gate.lock(),
                };
                if gate.thread_writing {
                    // A thread writes its frame itself, and wakes the writer when done.
                    None
                } else if q.items.is_empty() && gate.threads.is_empty() {
                    if let State::Ending(_) = q.state {
                        drop(gate);
                        drop(q);
                        return self.finish();
                    }
                    None
                } else {
                    // Under the gate's lock: no other thread writes while this does.
                    Some(socket.try_write_io(|| write_some(fd, &q, &gate)))
                }
            };
            match written {
                None => {
                    socket.write_caught_up();
                    if self.gate.deferring() {
                        let timeout = tokio::time::sleep(DEFER_AT_MOST);
                        tokio::select! {
                            () = self.gate.work.notified() => {}
                            () = timeout => self.gate.queue_deferred(),
                        }
                    } else {
                        self.gate.work.notified().await
                    }
                }
                Some(Ok(n)) => self.advance(n),
                Some(Err(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if let Err(e) = socket.writable().await {
                        return Err(self.fail(io_error(e)));
                    }
                }
                Some(Err(e)) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Some(Err(e)) => return Err(self.fail(io_error(e))),
            }
        }
    }

    /// Marks `n` more bytes written: completes the frames written whole, in merged order.
    fn advance(&self, mut n: usize) {
        let mut done = Vec::new();
        let mut sent_frames = Vec::new();
        {
            let mut q = self.queue.borrow_mut();
            let mut gate = self.gate.lock();
            while n > 0 {
                let Some(loop_first) = loop_frame_first(&q, &gate) else {
                    break;
                };
                let len = if loop_first {
                    q.items[0].len
                } else {
                    gate.threads[0].len
                };
                let rest = len - gate.front_written;
                if n < rest {
                    gate.front_written += n;
                    break;
                }
                n -= rest;
                gate.front_written = 0;
                if loop_first {
                    let item = q.items.pop_front().expect("a front message");
                    q.charged -= item.charge;
                    gate.loop_items -= 1;
                    done.push(item);
                } else {
                    sent_frames.push(gate.threads.pop_front());
                }
            }
        }
        drop(sent_frames);
        // Outside the borrow: completing a send may run code that queues more.
        for mut item in done {
            if let Some(tx) = item.sent.take() {
                let _ = tx.send(Ok(()));
            }
        }
        self.shrunk.notify_waiters();
    }

    fn finish(&self) -> capnp::Result<()> {
        self.gate.close();
        let mut q = self.queue.borrow_mut();
        let result = match std::mem::replace(&mut q.state, State::Open) {
            State::Ending(r) => r,
            _ => Ok(()),
        };
        q.state = State::Failed(capnp::Error::disconnected(
            "the connection is shut down".into(),
        ));
        let ended = std::mem::take(&mut q.ended);
        drop(q);
        for tx in ended {
            let _ = tx.send(());
        }
        result
    }

    /// Writing failed: fail every queued send and later ones, and free the queue.
    fn fail(&self, e: capnp::Error) -> capnp::Error {
        self.gate.close();
        let (items, ended) = {
            let mut q = self.queue.borrow_mut();
            q.state = State::Failed(e.clone());
            q.charged = 0;
            let mut gate = self.gate.lock();
            gate.front_written = 0;
            gate.loop_items = 0;
            (std::mem::take(&mut q.items), std::mem::take(&mut q.ended))
        };
        for mut item in items {
            if let Some(tx) = item.sent.take() {
                let _ = tx.send(Err(e.clone()));
            }
        }
        drop(ended);
        self.shrunk.notify_waiters();
        e
    }
}

/// Whether the first unwritten frame is the loop's (else a thread's); `None` if none is left.
fn loop_frame_first(q: &Queue, gate: &GateState) -> Option<bool> {
    match (q.items.front(), gate.threads.front()) {
        (Some(a), Some(b)) => Some(a.seq < b.seq),
        (Some(_), None) => Some(true),
        (None, Some(_)) => Some(false),
        (None, None) => None,
    }
}

/// One vectored send of as much of the two queues, merged in order, as fits in
/// `MAX_SLICES` slices.
fn write_some(fd: std::os::fd::RawFd, q: &Queue, gate: &GateState) -> std::io::Result<usize> {
    let mut slices: Vec<IoSlice<'_>> = Vec::with_capacity(MAX_SLICES.min(4 * q.items.len() + 4));
    let mut skip = gate.front_written;
    let mut items = q.items.iter().peekable();
    let mut threads = gate.threads.iter().peekable();
    loop {
        let parts: Vec<&[u8]> = match (items.peek(), threads.peek()) {
            (Some(a), Some(b)) if a.seq < b.seq => loop_parts(items.next().expect("peeked")),
            (Some(_), None) => loop_parts(items.next().expect("peeked")),
            (_, Some(_)) => threads.next().expect("peeked").parts().collect(),
            (None, None) => break,
        };
        if !append_parts(&mut slices, parts, &mut skip, MAX_SLICES) {
            break;
        }
    }
    send_vectored(fd, &slices)
}

/// A loop message's parts: its segment table, then its segments.
fn loop_parts(item: &Queued) -> Vec<&[u8]> {
    let segments = item.message.get_segments_for_output();
    std::iter::once(&item.table[..])
        .chain(segments.iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data_message(len: usize, fill: u8) -> Message {
        // A small first segment, so that big data lands in a second one.
        let mut m = Builder::new(HeapAllocator::new().first_segment_words(4));
        let root: capnp::any_pointer::Builder<'_> = m.init_root();
        let data = root.initn_as::<capnp::data::Builder<'_>>(len as u32);
        data.fill(fill);
        Rc::new(m)
    }

    fn on_loop<T>(f: impl std::future::Future<Output = T>) -> T {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        tokio::task::LocalSet::new().block_on(&rt, f)
    }

    #[test]
    fn queued_messages_reach_the_peer_in_standard_framing() {
        let (a, mut b) = std::os::unix::net::UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        let sizes = [0usize, 100, 300_000, 5];
        let reader = std::thread::spawn(move || {
            sizes
                .iter()
                .map(|_| {
                    let m = capnp::serialize::read_message(
                        &mut b,
                        capnp::message::ReaderOptions::new(),
                    )
                    .unwrap();
                    let data: capnp::data::Reader<'_> = m.get_root().unwrap();
                    (data.len(), data.first().copied())
                })
                .collect::<Vec<_>>()
        });
        on_loop(async move {
            let a = Socket::new(a, true).unwrap();
            let outbox = Outbox::new(Arc::new(Gate::new(a.fd())));
            let sent: Vec<_> = sizes
                .iter()
                .map(|&n| outbox.push(data_message(n, n as u8), 0))
                .collect();
            let ended = outbox.end(Ok(()));
            outbox.run(&a).await.unwrap();
            for s in sent {
                s.await.unwrap().unwrap();
            }
            ended.await.unwrap();
            assert_eq!(outbox.charged(), 0);
        });
        let got = reader.join().unwrap();
        let want: Vec<_> = sizes
            .iter()
            .map(|&n| (n, (n > 0).then_some(n as u8)))
            .collect();
        assert_eq!(got, want);
    }

    /// Reads `n` messages of `data_message` shape from `b` on a thread of its own, after
    /// 100 ms, so that the socket fills up first and big frames go in parts.
    fn read_later(
        mut b: std::os::unix::net::UnixStream,
        n: usize,
    ) -> std::thread::JoinHandle<Vec<(usize, Option<u8>)>> {
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(100));
            (0..n)
                .map(|_| {
                    let m = capnp::serialize::read_message(
                        &mut b,
                        *capnp::message::ReaderOptions::new().traversal_limit_in_words(None),
                    )
                    .unwrap();
                    let data: capnp::data::Reader<'_> = m.get_root().unwrap();
                    (data.len(), data.first().copied())
                })
                .collect()
        })
    }

    #[test]
    fn frames_of_threads_and_of_the_loop_reach_the_peer_in_the_order_they_were_queued() {
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        // Bigger than the socket's buffer: the thread writes part of it, the loop the rest.
        let sizes = [3_000_000usize, 100, 10, 200_000, 7];
        let reader = read_later(b, sizes.len());
        let owned = |len: usize, fill: u8| Rc::try_unwrap(data_message(len, fill)).ok().unwrap();
        on_loop(async move {
            let a = Socket::new(a, true).unwrap();
            let gate = Arc::new(Gate::new(a.fd()));
            let outbox = Outbox::new(gate.clone());
            // From other threads and from the loop, interleaved.
            let gate2 = gate.clone();
            std::thread::spawn(move || gate2.send(owned(3_000_000, 1)).unwrap())
                .join()
                .unwrap();
            assert_eq!(gate.lock().threads.len(), 1, "the rest waits for the loop");
            let sent = outbox.push(data_message(100, 2), 0);
            let gate3 = gate.clone();
            std::thread::spawn(move || gate3.send(owned(10, 3)).unwrap())
                .join()
                .unwrap();
            let sent2 = outbox.push(data_message(200_000, 4), 0);
            let gate4 = gate.clone();
            std::thread::spawn(move || gate4.send(owned(7, 5)).unwrap())
                .join()
                .unwrap();
            let ended = outbox.end(Ok(()));
            outbox.run(&a).await.unwrap();
            sent.await.unwrap().unwrap();
            sent2.await.unwrap().unwrap();
            ended.await.unwrap();
            // Writing ended: threads may no longer write.
            assert!(gate.send(owned(1, 6)).is_err());
        });
        let got = reader.join().unwrap();
        let want: Vec<_> = sizes
            .iter()
            .zip(1u8..)
            .map(|(&n, fill)| (n, Some(fill)))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_thread_writes_all_of_its_big_frame_itself_and_later_frames_follow_it() {
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        let reader = read_later(b, 3);
        on_loop(async move {
            let a = Socket::new(a, true).unwrap();
            let gate = Arc::new(Gate::new(a.fd()));
            let outbox = Outbox::new(gate.clone());
            // No loop writer runs while the thread writes: it needs none.
            let gate2 = gate.clone();
            let big = std::thread::spawn(move || gate2.send_whole(owned(3_000_000, 1)));
            // Another thread's frame, queued while the first is being written, waits.
            while !gate.lock().thread_writing {
                std::thread::yield_now();
            }
            let gate3 = gate.clone();
            std::thread::spawn(move || gate3.send(owned(10, 2)).unwrap())
                .join()
                .unwrap();
            big.join().unwrap().unwrap();
            {
                let state = gate.lock();
                assert!(!state.thread_writing);
                assert_eq!(state.threads.len(), 1, "the later frame waits for the loop");
                assert_eq!(state.front_written, 0, "none of it written yet");
            }
            let sent = outbox.push(data_message(100, 3), 0);
            let ended = outbox.end(Ok(()));
            outbox.run(&a).await.unwrap();
            sent.await.unwrap().unwrap();
            ended.await.unwrap();
        });
        let got = reader.join().unwrap();
        assert_eq!(
            got,
            vec![(3_000_000, Some(1)), (10, Some(2)), (100, Some(3))]
        );
    }

    #[test]
    fn a_peer_that_has_gone_fails_the_queue_and_every_send() {
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        drop(b);
        on_loop(async move {
            let a = Socket::new(a, true).unwrap();
            let outbox = Outbox::new(Arc::new(Gate::new(a.fd())));
            let sent = outbox.push(data_message(1000, 1), 0);
            let err = outbox.run(&a).await.unwrap_err();
            assert_eq!(err.kind, capnp::ErrorKind::Disconnected, "{err}");
            assert!(sent.await.unwrap().is_err());
            assert!(outbox.push(data_message(1, 1), 0).await.unwrap().is_err());
            assert_eq!(outbox.charged(), 0);
        });
    }

    /// Reads `n` messages of `data_message` shape from `b`: (length, first byte).
    fn read_data(b: &mut std::os::unix::net::UnixStream, n: usize) -> Vec<(usize, Option<u8>)> {
        (0..n)
            .map(|_| {
                let m =
                    capnp::serialize::read_message(&mut *b, capnp::message::ReaderOptions::new())
                        .unwrap();
                let data: capnp::data::Reader<'_> = m.get_root().unwrap();
                (data.len(), data.first().copied())
            })
            .collect()
    }

    fn owned(len: usize, fill: u8) -> Builder<HeapAllocator> {
        Rc::try_unwrap(data_message(len, fill)).ok().unwrap()
    }

    #[test]
    fn a_deferred_frame_goes_out_in_front_of_the_next_frame_queued() {
        let (a, mut b) = std::os::unix::net::UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        b.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        on_loop(async move {
            let a = Socket::new(a, true).unwrap();
            let gate = Arc::new(Gate::new(a.fd()));
            let outbox = Outbox::new(gate.clone());
            let writer = {
                let (outbox, a) = (outbox.clone(), Rc::new(a));
                tokio::task::spawn_local(async move { outbox.run(&a).await })
            };
            // Before a thread's frame, sent by that thread, in one write.
            outbox.defer(owned(8, 1));
            tokio::task::yield_now().await;
            assert!(peek_empty(&b), "held back");
            let gate2 = gate.clone();
            std::thread::spawn(move || gate2.send(owned(9, 2)).unwrap())
                .join()
                .unwrap();
            assert_eq!(read_data(&mut b, 2), vec![(8, Some(1)), (9, Some(2))]);
            // Before a message of the loop's.
            outbox.defer(owned(10, 3));
            let sent = outbox.push(data_message(11, 4), 0);
            sent.await.unwrap().unwrap();
            assert_eq!(read_data(&mut b, 2), vec![(10, Some(3)), (11, Some(4))]);
            // Alone, once nothing else went out for a while.
            outbox.defer(owned(12, 5));
            // The loop keeps running while this waits (a blocking read here would stop the
            // writer's timer on a slow machine).
            let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while peek_empty(&b) {
                assert!(std::time::Instant::now() < until, "never sent alone");
                tokio::time::sleep(DEFER_AT_MOST).await;
            }
            assert_eq!(read_data(&mut b, 1), vec![(12, Some(5))]);
            // Deferred by another thread that wakes the writer (a `Release` of an object a
            // served call carried, let go of after its `Return`): alone too.
            let gate2 = gate.clone();
            std::thread::spawn(move || gate2.defer(owned(14, 7)))
                .join()
                .unwrap();
            let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while peek_empty(&b) {
                assert!(std::time::Instant::now() < until, "never sent alone");
                tokio::time::sleep(DEFER_AT_MOST).await;
            }
            assert_eq!(read_data(&mut b, 1), vec![(14, Some(7))]);
            // And before the end.
            outbox.defer(owned(13, 6));
            let ended = outbox.end(Ok(()));
            ended.await.unwrap();
            writer.await.unwrap().unwrap();
            assert_eq!(read_data(&mut b, 1), vec![(13, Some(6))]);
        });
    }

    /// Whether nothing is readable on `b` right now.
    fn peek_empty(b: &std::os::unix::net::UnixStream) -> bool {
        use std::os::fd::AsRawFd;
        let mut byte = 0u8;
        // SAFETY: a one-byte peek into `byte`, which outlives the call, on an open socket.
        let n = unsafe {
            libc::recv(
                b.as_raw_fd(),
                (&mut byte as *mut u8).cast(),
                1,
                libc::MSG_PEEK | libc::MSG_DONTWAIT,
            )
        };
        n < 0
    }
}
