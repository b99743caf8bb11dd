//! Calls that a blocked thread makes without the loop: the thread writes its own `Call`
//! frame (`gate.rs`) under a question number of its own (`replies.rs`), and the loop's
//! reader hands the `Return` straight back to it. A call then wakes no thread but the
//! caller and the peer.
//!
//! Only calls that capnp-rpc need not know about may go this way: no capability in the
//! params or the results, and a target that is a plain import of this connection. The
//! import's number is learned from a call capnp-rpc sent on it ([`capture_call_target`]).

use std::cell::RefCell;
use std::sync::Arc;

use capnp::message::{Builder, HeapAllocator};
use capnp_rpc::rpc_capnp::{message, message_target};

use crate::transport::gate::Gate;
use crate::transport::replies::{Deliver, Replies};

pub(crate) use crate::transport::replies::Received;

/// One connection's way for threads to call without the loop.
pub struct DirectPath {
    gate: Arc<Gate>,
    replies: Replies,
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
        }
    }

    pub(crate) fn replies(&self) -> &Replies {
        &self.replies
    }

    /// Reserves a question number whose `Return` goes to `deliver` (or the reason the
    /// connection ended, if it ends first).
    pub(crate) fn ask(&self, deliver: Deliver) -> capnp::Result<u32> {
        self.replies.ask(deliver)
    }

    /// Sends the `Call` of question `id`, built by the caller. If it cannot be sent, the
    /// question is forgotten and `deliver` will not run.
    pub(crate) fn send(&self, id: u32, call: Builder<HeapAllocator>) -> capnp::Result<()> {
        let sent = self.gate.send(call);
        if sent.is_err() {
            self.replies.forget(id);
        }
        sent
    }

    /// The connection is gone: no more direct calls, and waiting threads get `error`.
    pub(crate) fn close(&self, error: capnp::Error) {
        self.gate.close();
        self.replies.close(error);
    }
}

thread_local! {
    /// Set while the loop sends a call whose target the caller wants to learn.
    static CAPTURE: RefCell<Option<Option<(usize, u32)>>> = const { RefCell::new(None) };
}

/// Runs `send` (which sends one call through capnp-rpc) and returns what it returned, with
/// the connection (`DirectPath` address) and import number the call went to, if it went to
/// a plain import.
pub(crate) fn capture_call_target<R>(send: impl FnOnce() -> R) -> (R, Option<(usize, u32)>) {
    CAPTURE.with(|c| *c.borrow_mut() = Some(None));
    let r = send();
    let target = CAPTURE.with(|c| c.borrow_mut().take()).flatten();
    (r, target)
}

/// Called for each message capnp-rpc sends on `direct`'s connection: notes the target of the
/// first `Call` while a capture runs.
pub(crate) fn note_sent(direct: &Arc<DirectPath>, sent: &Builder<HeapAllocator>) {
    let active = CAPTURE.with(|c| matches!(*c.borrow(), Some(None)));
    if !active {
        return;
    }
    let Some(import) = call_import(sent) else {
        return;
    };
    let key = Arc::as_ptr(direct) as usize;
    CAPTURE.with(|c| *c.borrow_mut() = Some(Some((key, import))));
}

/// The import a `Call` message targets, if it targets one.
fn call_import(sent: &Builder<HeapAllocator>) -> Option<u32> {
    let root: message::Reader<'_> = sent.get_root_as_reader().ok()?;
    let message::Call(call) = root.which().ok()? else {
        return None;
    };
    match call.ok()?.get_target().ok()?.which().ok()? {
        message_target::ImportedCap(id) => Some(id),
        _ => None,
    }
}
