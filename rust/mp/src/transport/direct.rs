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
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use capnp::message::{Builder, HeapAllocator};
use capnp_rpc::rpc_capnp::{cap_descriptor, message, message_target, promised_answer};

use crate::transport::gate::Gate;
use crate::transport::replies::{Deliver, Replies};

pub(crate) use crate::transport::replies::Received;

/// One connection's way for threads to call without the loop.
pub(crate) struct DirectPath {
    gate: Arc<Gate>,
    replies: Replies,
    /// Calls sent direct so far.
    sent: AtomicU64,
}

impl std::fmt::Debug for DirectPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectPath").finish_non_exhaustive()
    }
}

impl DirectPath {
    pub(crate) fn new(gate: Arc<Gate>) -> DirectPath {
        DirectPath {
            gate,
            replies: Replies::new(),
            sent: AtomicU64::new(0),
        }
    }

    pub(crate) fn replies(&self) -> &Replies {
        &self.replies
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

    /// Sends the `Call` of question `id`, built by the caller. If it cannot be sent, the
    /// question is forgotten and `deliver` will not run.
    pub(crate) fn send(&self, id: u32, call: Builder<HeapAllocator>) -> capnp::Result<()> {
        let sent = self.gate.send(call);
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

    /// The connection is gone: no more direct calls, and waiting threads get `error`.
    pub(crate) fn close(&self, error: capnp::Error) {
        self.gate.close();
        self.replies.close(error);
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

thread_local! {
    /// Set while the loop sends a call whose target the caller wants to learn.
    static CAPTURE: RefCell<Option<Option<SentCall>>> = const { RefCell::new(None) };
}

/// Runs `send` (which sends one call through capnp-rpc) and returns what it returned, with
/// what the call showed, if it went to a plain import.
pub(crate) fn capture_call_target<R>(send: impl FnOnce() -> R) -> (R, Option<SentCall>) {
    CAPTURE.with(|c| *c.borrow_mut() = Some(None));
    let r = send();
    let target = CAPTURE.with(|c| c.borrow_mut().take()).flatten();
    (r, target)
}

/// Called for each message capnp-rpc sends on `direct`'s connection: notes the first `Call`
/// while a capture runs.
pub(crate) fn note_sent(direct: &Arc<DirectPath>, sent: &Builder<HeapAllocator>) {
    let active = CAPTURE.with(|c| matches!(*c.borrow(), Some(None)));
    if !active {
        return;
    }
    let Some((import, caps)) = read_call(sent) else {
        return;
    };
    let conn = Arc::as_ptr(direct) as usize;
    CAPTURE.with(|c| *c.borrow_mut() = Some(Some(SentCall { conn, import, caps })));
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
