//! capnp-rpc's view of a connection: `VatNetwork`, `Connection` and the message types, over
//! this module's reader and writer.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::sync::Arc;

use capnp::capability::Promise;
use capnp::message::{Builder, HeapAllocator, Reader};
use capnp_rpc::rpc_twoparty_capnp::Side;
use futures::channel::oneshot;
use futures::FutureExt;

use crate::transport::buffer::FrameSegments;
use crate::transport::direct::{note_sent, DirectPath, Routed};
use crate::transport::early_return::note_new_message;
use crate::transport::gate::Gate;
use crate::transport::read_share::{Handed, LoopTurn, ReadShare};
use crate::transport::reader::{io_error, FrameReader};
use crate::transport::replies::Route;
use crate::transport::rpc_messages::{finish_message, reader_options, release_message};
use crate::transport::socket::Socket;
use crate::transport::writer::Outbox;

/// A message handed to capnp-rpc.
enum Incoming {
    /// As read from the socket.
    Frame(Reader<FrameSegments>),
    /// Made here: a `Release` in place of one read, or of a reference kept for direct
    /// calls (`replies.rs`), or the answer to a hand-over call (`adopt.rs`).
    Made(Reader<Builder<HeapAllocator>>),
}

impl capnp_rpc::IncomingMessage for Incoming {
    fn get_body(&self) -> capnp::Result<capnp::any_pointer::Reader<'_>> {
        match self {
            Incoming::Frame(m) => m.get_root(),
            Incoming::Made(m) => m.get_root(),
        }
    }
}

/// A `Release` of `count` references to our export `id`, as if the peer had sent it.
fn made_release(id: u32, count: u32) -> Option<Box<dyn capnp_rpc::IncomingMessage>> {
    Some(Box::new(Incoming::Made(
        release_message(id, count).into_reader(),
    )))
}

struct Outgoing {
    message: Builder<HeapAllocator>,
    /// Bytes the builder's first segment takes, whatever the message uses of it.
    first_segment_bytes: usize,
    outbox: Rc<Outbox>,
    /// The connection's direct calls, which learn import numbers from sent calls.
    direct: Option<Arc<DirectPath>>,
}

impl Outgoing {
    fn new(
        first_segment_words: u32,
        outbox: Rc<Outbox>,
        direct: Option<Arc<DirectPath>>,
    ) -> Box<Outgoing> {
        Box::new(Outgoing {
            message: Builder::new(HeapAllocator::new().first_segment_words(first_segment_words)),
            first_segment_bytes: first_segment_words as usize * 8,
            outbox,
            direct,
        })
    }
}

impl capnp_rpc::OutgoingMessage for Outgoing {
    fn get_body(&mut self) -> capnp::Result<capnp::any_pointer::Builder<'_>> {
        self.message.get_root()
    }

    fn get_body_as_reader(&self) -> capnp::Result<capnp::any_pointer::Reader<'_>> {
        self.message.get_root_as_reader()
    }

    fn send(self: Box<Self>) -> (Promise<(), capnp::Error>, Rc<Builder<HeapAllocator>>) {
        let Outgoing {
            message,
            first_segment_bytes,
            outbox,
            direct,
        } = *self;
        if let Some(direct) = &direct {
            if !direct.may_write(&message) {
                return (Promise::ok(()), Rc::new(message));
            }
            direct.served().note_sent(&message);
            if direct.early().suppress(&message) {
                // A worker wrote this `Return` already (`early_return.rs`).
                return (Promise::ok(()), Rc::new(message));
            }
            note_sent(direct, &message);
        }
        if DEFERRING_RELEASES.with(Cell::get) && is_release(&message) {
            // See `defer_releases`: it goes with the next frame anyone writes.
            outbox.defer(message);
            return (Promise::ok(()), Rc::new(Builder::new_default()));
        }
        let message = Rc::new(message);
        let sent = outbox.push(message.clone(), first_segment_bytes);
        let promise = Promise::from_future(sent.map(|r| match r {
            Ok(r) => r,
            Err(_) => Err(capnp::Error::disconnected("the connection is gone".into())),
        }));
        (promise, message)
    }

    fn take(self: Box<Self>) -> Builder<HeapAllocator> {
        self.message
    }

    fn size_in_words(&self) -> usize {
        self.message.size_in_words()
    }
}

thread_local! {
    /// Set while [`defer_releases`] runs.
    static DEFERRING_RELEASES: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` (on the loop thread) with the `Release`s capnp-rpc sends meanwhile deferred to go
/// out in front of the next frame anyone writes (`gate.rs`, "Deferred frames"), or alone
/// soon after. For what a served call lets go of once its `Return` is out (the caller's
/// `callbackThread`): written at once, it cost a `sendmsg` of its own on this side and a
/// wake-up of the peer's loop, which had already let its waiting thread have the `Return`.
pub(crate) fn defer_releases<R>(f: impl FnOnce() -> R) -> R {
    /// Clears the flag however `f` ends (a drop that panics included).
    struct Deferring;
    impl Drop for Deferring {
        fn drop(&mut self) {
            DEFERRING_RELEASES.with(|d| d.set(false));
        }
    }
    DEFERRING_RELEASES.with(|d| d.set(true));
    let _deferring = Deferring;
    f()
}

/// Whether `message` is a `Release`.
fn is_release(message: &Builder<HeapAllocator>) -> bool {
    use capnp_rpc::rpc_capnp::message;
    let root = message.get_root_as_reader::<message::Reader<'_>>();
    matches!(root.map(|r| r.which()), Ok(Ok(message::Release(_))))
}

/// What the network and its connection share.
struct Link {
    side: Side,
    outbox: Rc<Outbox>,
    direct: Arc<DirectPath>,
    /// Taken by a receive in progress and put back after.
    reader: Rc<RefCell<Option<FrameReader>>>,
    /// Pause reading while more than this many bytes wait to be written.
    max_unwritten: Option<usize>,
    /// Fired when the connection is dropped, so the network's driver can end.
    dropped: Option<oneshot::Sender<()>>,
}

impl Drop for Link {
    fn drop(&mut self) {
        // What was kept for calls served directly goes here, on the loop thread.
        let kept = self.direct.close(capnp::Error::disconnected(
            "the connection is closed".into(),
        ));
        drop(kept);
        if let Some(tx) = self.dropped.take() {
            let _ = tx.send(());
        }
    }
}

struct Conn {
    link: Rc<RefCell<Link>>,
}

impl capnp_rpc::Connection<Side> for Conn {
    fn get_peer_vat_id(&self) -> Side {
        self.link.borrow().side
    }

    fn new_outgoing_message(
        &mut self,
        first_segment_words: u32,
    ) -> Box<dyn capnp_rpc::OutgoingMessage> {
        let link = self.link.borrow();
        let outgoing = Outgoing::new(
            first_segment_words,
            link.outbox.clone(),
            Some(link.direct.clone()),
        );
        note_new_message(&outgoing.message);
        outgoing
    }

    fn receive_incoming_message(
        &mut self,
    ) -> Promise<Option<Box<dyn capnp_rpc::IncomingMessage>>, capnp::Error> {
        let link = self.link.borrow();
        let slot = link.reader.clone();
        let Some(mut reader) = slot.borrow_mut().take() else {
            return Promise::err(capnp::Error::failed(
                "a second receive while one is in progress".into(),
            ));
        };
        let outbox = link.outbox.clone();
        let direct = link.direct.clone();
        let limit = link.max_unwritten;
        Promise::from_future(async move {
            loop {
                if direct.share().take_watch_wanted() {
                    // Between reads, nothing waits on the socket's watch: it may change.
                    if let Some(watch) = reader.socket().enable_threads() {
                        direct.share().set_watch(watch);
                    }
                }
                if let Some(made) = direct.take_made_return() {
                    *slot.borrow_mut() = Some(reader);
                    let made: Box<dyn capnp_rpc::IncomingMessage> =
                        Box::new(Incoming::Made(made.into_reader()));
                    return Ok(Some(made));
                }
                if let Some(export) = direct.replies().take_give_back() {
                    // capnp-rpc may free the number now: nothing noted may stay with it.
                    direct.served().forget_export(export);
                    *slot.borrow_mut() = Some(reader);
                    return Ok(made_release(export, 1));
                }
                if let Some(limit) = limit {
                    // Back-pressure: while the peer is not reading our replies, do not take
                    // more of its calls, nor let a thread take them.
                    if outbox.charged() > limit {
                        direct.share().set_paused(true);
                        outbox.wait_below(limit).await;
                        direct.share().set_paused(false);
                    }
                }
                if reader.is_empty() {
                    // At a frame boundary with nothing buffered: a waiting thread may be
                    // reading the socket, or have read something for the loop.
                    let share = direct.share();
                    match share.loop_turn() {
                        LoopTurn::Handed(Handed::Message(message)) => {
                            *slot.borrow_mut() = Some(reader);
                            direct.early().hold_finish(&message).await;
                            return Ok(Some(Box::new(Incoming::Frame(message))));
                        }
                        LoopTurn::Handed(Handed::Release(export, count)) => {
                            *slot.borrow_mut() = Some(reader);
                            return Ok(made_release(export, count));
                        }
                        LoopTurn::Ended(end) => {
                            *slot.borrow_mut() = Some(reader);
                            return end.map(|()| None);
                        }
                        LoopTurn::Wait => {
                            // The thread switched the socket's watch off; what woke the
                            // loop before that is stale.
                            reader.socket().clear_read_ready();
                            if share.thread_reading() {
                                wait_for_turn(share, reader.socket()).await?;
                            }
                            continue;
                        }
                        LoopTurn::Read => match reader.try_fill() {
                            Ok(_) => {}
                            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                                share.loop_done();
                                wait_for_turn(share, reader.socket()).await?;
                                continue;
                            }
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                                share.loop_done();
                                continue;
                            }
                            Err(e) => return Err(io_error(e)),
                        },
                    }
                }
                let frame = reader.read_frame().await?;
                if reader.is_empty() {
                    direct.share().loop_done();
                }
                let Some(segments) = frame else {
                    *slot.borrow_mut() = Some(reader);
                    return Ok(None);
                };
                let message = Reader::new(segments, reader_options());
                let route = match direct.route(message)? {
                    Routed::Serve(call) => match direct.offer(call) {
                        Some(message) => Route::Rpc(message),
                        None => continue,
                    },
                    Routed::Other(route) => route,
                };
                match route {
                    Route::Rpc(message) => {
                        *slot.borrow_mut() = Some(reader);
                        direct.early().hold_finish(&message).await;
                        return Ok(Some(Box::new(Incoming::Frame(message))));
                    }
                    Route::Reduced(export, count) => {
                        *slot.borrow_mut() = Some(reader);
                        return Ok(made_release(export, count));
                    }
                    Route::Absorbed => {}
                    // A thread's reply, handed over: answer it as capnp-rpc would, and
                    // read on.
                    Route::Answered {
                        finish,
                        release,
                        deliver,
                    } => {
                        answer_thread_return(&outbox, finish, &release);
                        deliver.run();
                    }
                }
            }
        })
    }

    fn shutdown(&mut self, result: capnp::Result<()>) -> Promise<(), capnp::Error> {
        let ended = self.link.borrow().outbox.end(result);
        Promise::from_future(ended.map(|_| Ok(())))
    }
}

/// Waits until the socket may have bytes for the loop or a thread gave it back.
async fn wait_for_turn(share: &ReadShare, socket: &Socket) -> capnp::Result<()> {
    tokio::select! {
        () = share.wake_loop.notified() => Ok(()),
        r = socket.readable() => r.map_err(io_error),
    }
}

/// What capnp-rpc sends after a `Return` it took: `Release` of each capability in the
/// results, then `Finish` of the question. The `Finish` alone is deferred, to go out with
/// the next frame (`gate.rs`, "Deferred frames").
fn answer_thread_return(outbox: &Outbox, question: u32, release: &[u32]) {
    for &id in release {
        drop(outbox.push(Rc::new(release_message(id, 1)), 64));
    }
    let m = finish_message(question);
    if release.is_empty() {
        outbox.defer(m);
    } else {
        drop(outbox.push(Rc::new(m), 64));
    }
}

/// The socket as the write loop holds it: once the loop lets go (it ended, or its future
/// was dropped), no thread writes to the fd any more, before the fd can be closed.
struct GatedSocket {
    gate: Arc<Gate>,
    socket: Rc<Socket>,
}

impl Drop for GatedSocket {
    fn drop(&mut self) {
        self.gate.close();
    }
}

/// The two-party network of one connection over a Unix socket.
pub(crate) struct Network {
    side: Side,
    /// Handed out once by `accept`.
    conn: Option<Conn>,
    /// For `connect`, without keeping the connection alive.
    link: Weak<RefCell<Link>>,
    driver: futures::future::Shared<Promise<(), capnp::Error>>,
    direct: Arc<DirectPath>,
}

impl Network {
    /// A network over `socket` (one fd, shared by reading and writing). `max_unwritten`
    /// bounds the bytes queued for the peer before reading pauses; `None` never pauses.
    pub(crate) fn new(socket: Rc<Socket>, side: Side, max_unwritten: Option<usize>) -> Network {
        let gate = Arc::new(Gate::new(socket.fd()));
        let outbox = Outbox::new(gate.clone());
        // Threads may read the socket themselves (not while reading pauses for back-pressure).
        let share = ReadShare::new(socket.watch());
        let direct = Arc::new(DirectPath::new(gate.clone(), share));
        let (dropped_tx, dropped_rx) = oneshot::channel();
        let link = Rc::new(RefCell::new(Link {
            side,
            outbox: outbox.clone(),
            direct: direct.clone(),
            reader: Rc::new(RefCell::new(Some(FrameReader::new(socket.clone())))),
            max_unwritten,
            dropped: Some(dropped_tx),
        }));
        // The driver ends once writing has ended and the connection is dropped, with the
        // writer's result.
        let held = GatedSocket { gate, socket };
        let driver = Promise::from_future(async move {
            let written = outbox.run(&held.socket).await;
            drop(held);
            let _ = dropped_rx.await;
            written
        })
        .shared();
        Network {
            side,
            link: Rc::downgrade(&link),
            conn: Some(Conn { link }),
            driver,
            direct,
        }
    }

    /// The connection's way for threads to call without the loop.
    pub(crate) fn direct(&self) -> Arc<DirectPath> {
        self.direct.clone()
    }
}

impl capnp_rpc::VatNetwork<Side> for Network {
    fn connect(&mut self, host: Side) -> Option<Box<dyn capnp_rpc::Connection<Side>>> {
        if host == self.side {
            return None;
        }
        match self.link.upgrade() {
            Some(link) => Some(Box::new(Conn { link })),
            None => Some(Box::new(Closed)),
        }
    }

    fn accept(&mut self) -> Promise<Box<dyn capnp_rpc::Connection<Side>>, capnp::Error> {
        match self.conn.take() {
            Some(c) => Promise::ok(Box::new(c)),
            None => Promise::from_future(futures::future::pending()),
        }
    }

    fn drive_until_shutdown(&mut self) -> Promise<(), capnp::Error> {
        Promise::from_future(self.driver.clone())
    }
}

/// The connection after it was dropped: every operation fails as disconnected.
struct Closed;

fn gone() -> capnp::Error {
    capnp::Error::disconnected("the connection is closed".into())
}

impl capnp_rpc::Connection<Side> for Closed {
    fn get_peer_vat_id(&self) -> Side {
        Side::Server
    }

    fn new_outgoing_message(
        &mut self,
        first_segment_words: u32,
    ) -> Box<dyn capnp_rpc::OutgoingMessage> {
        let gate = Arc::new(Gate::new(-1));
        gate.close();
        let outbox = Outbox::new(gate);
        drop(outbox.end(Err(gone())));
        Outgoing::new(first_segment_words, outbox, None)
    }

    fn receive_incoming_message(
        &mut self,
    ) -> Promise<Option<Box<dyn capnp_rpc::IncomingMessage>>, capnp::Error> {
        Promise::err(gone())
    }

    fn shutdown(&mut self, _result: capnp::Result<()>) -> Promise<(), capnp::Error> {
        Promise::ok(())
    }
}
