//! Calls that a blocked thread makes without the loop: the thread writes its own `Call`
//! frame (`gate.rs`) under a question number of its own (`replies.rs`), and the loop's
//! reader hands the `Return` straight back to it. A call then wakes no thread but the
//! caller and the peer.
//!
//! Only calls that capnp-rpc need not know about may go this way: no capability in the
//! params (but the thread's own `Context`) or the results, and a target that is a plain
//! import of this connection. The import's number, and those of the `Context`'s two
//! threads, are learned from a call capnp-rpc sent ([`capture_call_target`]).

use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::Instant;

use capnp::message::{Builder, HeapAllocator};
use capnp_rpc::rpc_capnp::{cap_descriptor, message, message_target, promised_answer};

use crate::os::waiter::{Idle, SpinSlot, Waiter};
use crate::transport::adopt::{Adoptions, Intercepted};
use crate::transport::early_return::{EarlyGuard, EarlyReturn, EarlyReturns};
use crate::transport::gate::{FrameBody, Gate};
use crate::transport::read_share::{Handed, ReadShare};
use crate::transport::replies::{passed_back, Deliver, Replies, Route};
use crate::transport::reusable::Reusable;
use crate::transport::rpc_messages::{finish_message, reader_options, release_message};
use crate::transport::served::{Kept, ServeCall, ServeHook, ServedCalls, Sorted};
use crate::transport::thread_read::read_frame;

pub(crate) use crate::transport::replies::Received;

/// One connection's way for threads to call without the loop.
pub(crate) struct DirectPath {
    gate: Arc<Gate>,
    /// Whether the loop or a waiting thread reads the socket.
    share: ReadShare,
    replies: Replies,
    /// Answers whose `Return` a worker wrote itself (`early_return.rs`).
    early: Arc<EarlyReturns>,
    /// Calls served without capnp-rpc (`served.rs`).
    served: ServedCalls,
    /// References such calls carried, handed to capnp-rpc (`adopt.rs`).
    adoptions: Adoptions,
    /// The core's side of those, once it noted a call to serve so.
    hook: OnceLock<Box<dyn ServeHook>>,
    /// Calls sent direct so far.
    sent: AtomicU64,
    /// Replies their calling thread read off the socket itself.
    read_by_caller: AtomicU64,
}

impl std::fmt::Debug for DirectPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectPath").finish_non_exhaustive()
    }
}

impl DirectPath {
    pub(crate) fn new(gate: Arc<Gate>, share: ReadShare) -> DirectPath {
        DirectPath {
            gate,
            share,
            replies: Replies::new(),
            early: Arc::default(),
            served: ServedCalls::default(),
            adoptions: Adoptions::default(),
            hook: OnceLock::new(),
            sent: AtomicU64::new(0),
            read_by_caller: AtomicU64::new(0),
        }
    }

    pub(crate) fn replies(&self) -> &Replies {
        &self.replies
    }

    pub(crate) fn share(&self) -> &ReadShare {
        &self.share
    }

    pub(crate) fn early(&self) -> &EarlyReturns {
        &self.early
    }

    pub(crate) fn served(&self) -> &ServedCalls {
        &self.served
    }

    /// On the loop, for each message capnp-rpc sends: false if it must not be written (a
    /// hand-over call, answered here, or its `Finish`; `adopt.rs`).
    pub(crate) fn may_write(&self, sent: &Builder<HeapAllocator>) -> bool {
        match self.adoptions.intercept(sent) {
            Intercepted::Pass => true,
            Intercepted::Dropped => false,
            Intercepted::Answered => {
                // The loop reads the made `Return` at its next turn.
                self.share.wake_loop.notify_one();
                false
            }
        }
    }

    /// The next `Return` made for a hand-over call, for capnp-rpc to read (`adopt.rs`).
    pub(crate) fn take_made_return(&self) -> Option<Builder<HeapAllocator>> {
        self.adoptions.take_made()
    }

    /// Lets go of the reference to the peer's export `import` that a call served directly
    /// carried and nobody handed to capnp-rpc: a `Release` deferred to go in front of the
    /// next frame. With `wake`, the loop's writer is woken to send it soon even if no
    /// frame follows; without, the caller writes a frame soon (a worker, its `Return`).
    pub(crate) fn release_import(&self, import: u32, wake: bool) {
        // On a closed connection the frame is dropped with the gate's queue.
        if wake {
            self.gate.defer(release_message(import, 1));
        } else {
            self.gate.defer_quietly(release_message(import, 1));
        }
    }

    /// Installs the core's side of calls served directly (the first one installed stays).
    pub(crate) fn set_serve_hook(&self, make: impl FnOnce() -> Box<dyn ServeHook>) {
        self.hook.get_or_init(make);
    }

    /// Where a received message goes: a thread's reply, a call served directly, or
    /// capnp-rpc (what `replies.rs` and `served.rs` say of it).
    pub(crate) fn route(&self, message: Received) -> capnp::Result<Routed> {
        let may_serve = self.hook.get().is_some() && !self.gate.has_thread_backlog();
        if self.replies.has_reusable() {
            let back = passed_back(&message);
            if !back.is_empty() {
                self.replies.retire(&back);
            }
        }
        // A `Release` taken whole off the stream leaves capnp-rpc's export as it was.
        let absorbed = |export, count| self.replies.absorbs(export, count);
        match self.served.sort(message, may_serve, absorbed) {
            Sorted::Serve(call) => Ok(Routed::Serve(call)),
            Sorted::Absorbed => Ok(Routed::Other(Route::Absorbed)),
            Sorted::Pass(message) => self.replies.route(message).map(Routed::Other),
        }
    }

    /// Hands `call` to the core; gives its message back if it must go to capnp-rpc.
    pub(crate) fn offer(&self, mut call: ServeCall) -> Option<Received> {
        let question = call.question;
        let caps = call.caps.take();
        let hook = self.hook.get()?;
        match hook.offer(call) {
            Ok(()) => None,
            Err(message) => {
                self.served.refused(question, caps);
                Some(message)
            }
        }
    }

    /// Writes the `Return` of `question`, served directly, then (deferred, to go with the
    /// next frame) the `Release` of the reference to the caller's `callbackThread` that the
    /// `Call` carried, as capnp-rpc would after its `Return`.
    /// `on_worker`: the worker that served it writes it, and writes all of it itself.
    pub(crate) fn send_served_return(
        &self,
        question: u32,
        ret: FrameBody,
        callback_import: u32,
        on_worker: bool,
    ) {
        let sent = if on_worker {
            self.gate.send_whole(ret)
        } else {
            self.gate.send(ret)
        };
        // A failure shows again on the next write; the connection's end cancels the rest.
        if sent.is_ok() {
            self.gate.defer_quietly(release_message(callback_import, 1));
        }
        self.served.returned(question);
    }

    /// The `Return` message capnp-rpc just made (`early_return::capture_new_message`), for
    /// a worker to write early; `None` if it is not a `Return`.
    pub(crate) fn early_return(
        &self,
        message: std::ptr::NonNull<Builder<HeapAllocator>>,
    ) -> Option<(EarlyReturn, EarlyGuard)> {
        EarlyReturn::new(message, self.early.clone(), self.gate.clone())
    }

    /// Reserves a question number whose `Return` goes to `deliver` (or the reason the
    /// connection ended, if it ends first), for a call whose params name the exports `lent`.
    pub(crate) fn ask(&self, deliver: Deliver, lent: Vec<u32>) -> capnp::Result<u32> {
        self.replies.ask(deliver, lent)
    }

    /// Keeps one reference capnp-rpc counted to `export` until [`give_back`](Self::give_back)
    /// (see "Lent exports" in `replies.rs`). On the loop thread, right after capnp-rpc sent
    /// the reference.
    pub(crate) fn keep(&self, export: u32) {
        self.replies.keep(export);
    }

    /// Gives the reference kept by [`keep`](Self::keep) back to capnp-rpc.
    pub(crate) fn give_back(&self, export: u32) {
        self.replies.give_back(export);
    }

    /// Whether some reusable export (`reusable.rs`) is free to lend.
    pub(crate) fn any_reusable_free(&self) -> bool {
        self.replies.any_reusable_free()
    }

    /// Takes a free reusable export of `interface` for a call a thread writes; it goes back
    /// with [`put_back`](Self::put_back) if the call does not go, or is lent with
    /// [`lend`](Self::lend).
    pub(crate) fn take_reusable(&self, interface: u64) -> Option<(u32, Arc<dyn Reusable>)> {
        self.replies.take_reusable(interface)
    }

    /// A reusable export taken and not lent is free again.
    pub(crate) fn put_back(&self, export: u32) {
        self.replies.put_back(export);
    }

    /// Question `question` names the reusable `exports` too: lent until the peer releases
    /// them.
    pub(crate) fn lend(&self, question: u32, exports: &[u32]) {
        self.replies.lend(question, exports);
    }

    /// Sends the `Call` of question `id`, built by the caller. If it cannot be sent, the
    /// question is forgotten and `deliver` will not run.
    pub(crate) fn send(&self, id: u32, call: impl Into<FrameBody>) -> capnp::Result<()> {
        // The caller waits for its reply next: it writes all of its `Call` itself.
        let sent = self.gate.send_whole(call);
        match sent {
            Ok(()) => {
                self.sent.fetch_add(1, Ordering::Relaxed);
            }
            Err(_) => self.replies.forget(id),
        }
        sent
    }

    /// How many calls went direct on this connection.
    pub(crate) fn calls(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// How many replies their calling thread read itself.
    pub(crate) fn read_by_caller(&self) -> u64 {
        self.read_by_caller.load(Ordering::Relaxed)
    }

    /// The connection is gone: no more direct calls, and waiting threads get `error`. Gives
    /// back what was kept for calls served directly, to be dropped on the loop.
    pub(crate) fn close(&self, error: capnp::Error) -> Vec<Kept> {
        self.gate.close();
        self.share.close();
        self.replies.close(error);
        self.served.close()
    }

    /// Reads the socket for a thread waiting for the `Return` of `question`, if the loop
    /// lets it (`read_share.rs`): until that `Return` came (true), or something was posted
    /// to `waiter`, or the stream ended, or it read a message for the loop (false). Other
    /// threads' replies go to them, and calls served directly to their threads; a message
    /// for the loop is handed to it at once, with the turn (it may be a callback that the
    /// reply waits for). False at once when the loop has the turn: it will hand the reply
    /// over.
    /// With `poll`, it polls the socket a while before it sleeps (`os/poll_choice.rs`).
    pub(crate) fn read_for_reply(&self, question: u32, waiter: &Waiter, poll: bool) -> bool {
        // A serving side has no watch until a thread would read (`read_share.rs`): a worker
        // calling back reads its reply itself from the next call back on.
        self.share.want_watch();
        let answered = self
            .read_turn(Some(question), waiter, None, poll)
            .is_some_and(|end| end.answered);
        if answered {
            self.read_by_caller.fetch_add(1, Ordering::Relaxed);
        }
        answered
    }

    /// Reads the socket for a worker with nothing to do, if the loop lets it: the calls it
    /// finds for this worker are posted to it (`served.rs`), and it reads on until a job is
    /// posted to it, the stream ends or it read a message for the loop. Calls for other
    /// workers are posted to them; after [`HAND_OFF_AFTER`] of those in a row it gives the
    /// socket up to the last one, so that a worker whose caller went quiet does not stand
    /// between the others and their calls. A reply it reads for a waiting caller goes to
    /// that caller, and the worker gives the socket up too, so that the caller reads its
    /// next reply itself. False if it could not take the socket, or gave it up so: it
    /// sleeps until it gets a call.
    pub(crate) fn read_for_calls(&self, waiter: &Waiter, worker: WorkerRead<'_>) -> bool {
        self.read_turn(None, waiter, Some(worker), false)
            .is_some_and(|end| !end.handed_off)
    }

    /// One turn at reading the socket, for the reply to `question` or, without one, for
    /// calls (by `worker`); `None` if the socket was not free.
    fn read_turn(
        &self,
        question: Option<u32>,
        waiter: &Waiter,
        worker: Option<WorkerRead<'_>>,
        poll: bool,
    ) -> Option<TurnEnd> {
        let watch = self.share.thread_start()?;
        let fd = watch.socket();
        let mut answered = false;
        let mut handed_off = false;
        let mut waited = false;
        // Poll a while before sleeping in `poll`, as `Waiter` does (one thread at a time).
        let mut spin = poll.then(SpinSlot::take).flatten().map(|s| {
            let until = Instant::now() + s.duration();
            (s, until)
        });
        loop {
            match read_frame(fd, &self.share) {
                Ok(Some(segments)) => {
                    waited = false;
                    let message = capnp::message::Reader::new(segments, reader_options());
                    let route = match self.route(message) {
                        Ok(Routed::Serve(call)) => {
                            let own = std::ptr::eq(Arc::as_ptr(&call.thread.waiter), waiter);
                            match self.offer(call) {
                                Some(message) => Ok(Route::Rpc(message)),
                                // Posted to this thread: it runs it now, without the socket.
                                None if own => {
                                    if let Some(w) = worker {
                                        w.foreign.store(0, Ordering::Relaxed);
                                    }
                                    break;
                                }
                                None => match worker {
                                    Some(w)
                                        if w.foreign.fetch_add(1, Ordering::Relaxed) + 1
                                            >= HAND_OFF_AFTER =>
                                    {
                                        w.foreign.store(0, Ordering::Relaxed);
                                        handed_off = true;
                                        break;
                                    }
                                    _ => continue,
                                },
                            }
                        }
                        Ok(Routed::Other(route)) => Ok(route),
                        Err(e) => Err(e),
                    };
                    match route {
                        // For the loop, at once: it may be a callback the reply waits for.
                        Ok(Route::Rpc(m)) => {
                            self.share.hand(Handed::Message(m));
                            break;
                        }
                        Ok(Route::Reduced(export, count)) => {
                            self.share.hand(Handed::Release(export, count));
                            break;
                        }
                        Ok(Route::Absorbed) => {}
                        Ok(Route::Answered {
                            finish,
                            release,
                            deliver,
                        }) => {
                            self.answer_return(finish, &release);
                            deliver.run();
                            answered |= Some(finish) == question;
                            // A worker lets the caller it woke read its next reply itself.
                            if question.is_none() {
                                handed_off = true;
                                break;
                            }
                        }
                        Err(e) => {
                            self.share.end(Err(e));
                            break;
                        }
                    }
                }
                // Nothing more for now: done if answered (what came with the reply, such
                // as the peer's `Release` after a `Return`, is taken), else a caller waits
                // once, a worker until it has work.
                Ok(None) if answered || (waited && question.is_some()) => break,
                Ok(None) if waiter.has_jobs() || waiter.is_stopped() => break,
                Ok(None) => match &spin {
                    Some((_, until)) if Instant::now() < *until => std::thread::yield_now(),
                    _ => {
                        spin = None;
                        waiter.wait_post_or_readable(fd);
                        waited = true;
                    }
                },
                Err(end) => {
                    self.share.end(end);
                    break;
                }
            }
        }
        self.share.thread_done(&watch);
        Some(TurnEnd {
            answered,
            handed_off,
        })
    }

    /// What capnp-rpc sends after a `Return` it took (`network.rs` does the same on the
    /// loop): the `Finish` deferred to go with the next frame, without waking the loop.
    fn answer_return(&self, question: u32, release: &[u32]) {
        if release.is_empty() {
            self.gate.defer_quietly(finish_message(question));
            return;
        }
        // A failure shows again on the next write.
        for &id in release {
            let _ = self.gate.send(release_message(id, 1));
        }
        let _ = self.gate.send(finish_message(question));
    }
}

/// How many calls for other workers in a row a worker reads before it gives the socket up.
/// Workers whose callers all call read each other's calls as they come, one reading while
/// the others run (threads-4); a worker whose caller went quiet hands over soon.
const HAND_OFF_AFTER: u32 = 8;

/// A worker reading for its calls: how many calls for other workers it read in a row.
#[derive(Clone, Copy)]
pub(crate) struct WorkerRead<'a> {
    foreign: &'a AtomicU32,
}

/// How a thread's turn at reading the socket ended.
struct TurnEnd {
    /// The reply it waited for came.
    answered: bool,
    /// It posted a call to another worker and gave the socket up for it.
    handed_off: bool,
}

/// Where [`DirectPath::route`] sends a received message.
pub(crate) enum Routed {
    /// Serve it directly (`served.rs`).
    Serve(ServeCall),
    /// As `replies.rs` says.
    Other(Route),
}

/// A worker's way to wait for work: reading the socket of the connection whose calls it
/// serves, for its next call (see [`DirectPath::read_for_calls`]).
pub(crate) struct ReadForCalls {
    direct: Weak<DirectPath>,
    /// Calls for other workers it read in a row.
    foreign: AtomicU32,
}

impl ReadForCalls {
    /// For a worker serving calls of `direct`'s connection.
    pub(crate) fn new(direct: Weak<DirectPath>) -> ReadForCalls {
        ReadForCalls {
            direct,
            foreign: AtomicU32::new(0),
        }
    }
}

impl Idle for ReadForCalls {
    fn run(&self, waiter: &Waiter) -> bool {
        let Some(direct) = self.direct.upgrade() else {
            return false;
        };
        let read = WorkerRead {
            foreign: &self.foreign,
        };
        direct.read_for_calls(waiter, read)
    }
}

/// One entry of a sent call's capability table, as far as direct calls care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CapRef {
    /// A capability of the peer's, by its export number there (our import number).
    Peer(u32),
    /// A capability the peer will return for one of capnp-rpc's questions (a pipelined
    /// `makeThread`): the question and the pointer fields leading to it in the results.
    PeerAnswer(u32, Vec<u16>),
    /// A capability of ours, by our export number.
    Ours(u32),
    /// Anything else.
    Other,
}

/// What a captured call showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SentCall {
    /// The connection it went on (the address of its `DirectPath`).
    pub(crate) conn: usize,
    /// The import it targeted.
    pub(crate) import: u32,
    /// Its params' capability table.
    pub(crate) caps: Vec<CapRef>,
}

/// A reusable object a captured call carries, by interface: to pin if the call shows it as
/// an export of ours.
pub(crate) type ToPin = (u64, Arc<dyn Reusable>);

/// A capture in progress: what the call showed, once it is sent.
struct Capture {
    shown: Option<SentCall>,
    pin: Vec<ToPin>,
}

thread_local! {
    /// Set while the loop sends a call whose target the caller wants to learn.
    static CAPTURE: RefCell<Option<Capture>> = const { RefCell::new(None) };
}

/// Runs `send` (which sends one call through capnp-rpc) and returns what it returned, with
/// what the call showed, if it went to a plain import. The reusable objects `pin`, which
/// the call's capability table holds first, in this order, are pinned (`reusable.rs`) as
/// the call is sent, before the peer can release them.
pub(crate) fn capture_call_target<R>(
    pin: Vec<ToPin>,
    send: impl FnOnce() -> R,
) -> (R, Option<SentCall>) {
    CAPTURE.with(|c| *c.borrow_mut() = Some(Capture { shown: None, pin }));
    let r = send();
    let target = CAPTURE
        .with(|c| c.borrow_mut().take())
        .and_then(|c| c.shown);
    (r, target)
}

/// Called for each message capnp-rpc sends on `direct`'s connection: notes the first `Call`
/// while a capture runs.
pub(crate) fn note_sent(direct: &Arc<DirectPath>, sent: &Builder<HeapAllocator>) {
    let active = CAPTURE.with(|c| c.borrow().as_ref().is_some_and(|c| c.shown.is_none()));
    if !active {
        return;
    }
    let Some((import, caps)) = read_call(sent) else {
        return;
    };
    let pin = CAPTURE.with(|c| {
        c.borrow_mut()
            .as_mut()
            .map(|c| std::mem::take(&mut c.pin))
            .unwrap_or_default()
    });
    direct.pin_sent(pin, &caps);
    let conn = Arc::as_ptr(direct) as usize;
    let shown = SentCall { conn, import, caps };
    CAPTURE.with(|c| {
        if let Some(c) = c.borrow_mut().as_mut() {
            c.shown = Some(shown);
        }
    });
}

impl DirectPath {
    /// Pins the reusable objects `pin`, which a call capnp-rpc is sending holds first in its
    /// capability table `caps`, if the table shows each as an export of ours.
    fn pin_sent(&self, pin: Vec<ToPin>, caps: &[CapRef]) {
        if pin.is_empty() || caps.len() < pin.len() {
            return;
        }
        let exports: Vec<u32> = caps[..pin.len()]
            .iter()
            .filter_map(|c| match c {
                CapRef::Ours(e) => Some(*e),
                _ => None,
            })
            .collect();
        if exports.len() != pin.len() {
            return;
        }
        for ((interface, object), export) in pin.into_iter().zip(exports) {
            self.replies.pin(export, interface, object);
        }
    }
}

/// The import a `Call` message targets, if it targets one, and its capability table.
fn read_call(sent: &Builder<HeapAllocator>) -> Option<(u32, Vec<CapRef>)> {
    let root: message::Reader<'_> = sent.get_root_as_reader().ok()?;
    let message::Call(call) = root.which().ok()? else {
        return None;
    };
    let call = call.ok()?;
    let message_target::ImportedCap(import) = call.get_target().ok()?.which().ok()? else {
        return None;
    };
    let caps = call
        .get_params()
        .ok()?
        .get_cap_table()
        .ok()?
        .iter()
        .map(|cap| match cap.which() {
            Ok(cap_descriptor::ReceiverHosted(id)) => CapRef::Peer(id),
            Ok(cap_descriptor::SenderHosted(id)) => CapRef::Ours(id),
            Ok(cap_descriptor::ReceiverAnswer(Ok(answer))) => {
                pipelined(answer).unwrap_or(CapRef::Other)
            }
            _ => CapRef::Other,
        })
        .collect();
    Some((import, caps))
}

/// A promised answer whose transform only follows pointer fields.
fn pipelined(answer: promised_answer::Reader<'_>) -> Option<CapRef> {
    let mut fields = Vec::new();
    for op in answer.get_transform().ok()?.iter() {
        match op.which().ok()? {
            promised_answer::op::Noop(()) => {}
            promised_answer::op::GetPointerField(i) => fields.push(i),
        }
    }
    Some(CapRef::PeerAnswer(answer.get_question_id(), fields))
}
