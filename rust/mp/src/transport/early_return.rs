//! A `Return` written by the thread that ran the call, before the loop hears that it ran.
//!
//! A call with a `Context` runs on a worker thread, and capnp-rpc, on the loop, writes its
//! `Return`. Handing the outcome to the loop just to write it costs a thread wake-up on the
//! reply's path. So when the worker built small results in place in capnp-rpc's own
//! `Return` message (no capabilities), it writes a copy of that message at once, through the
//! socket's write lock (`gate.rs`).
//!
//! capnp-rpc is not told: the loop finishes the call as before, and its own `Return` of that
//! answer is then dropped instead of written ([`EarlyReturns::suppress`]). Until then a
//! `Finish` of the answer from the peer waits in front of the stream
//! ([`EarlyReturns::hold_finish`]): capnp-rpc would take it for the cancellation of a call
//! it thinks still runs, and the peer may reuse the question number right after it.

use std::cell::Cell;
use std::collections::HashSet;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use capnp::message::{Builder, HeapAllocator, ReaderSegments};
use capnp_rpc::rpc_capnp::{message, return_};
use tokio::sync::Notify;

use crate::transport::gate::Gate;

/// The largest message a worker writes early, in words: bigger results are limited by
/// copying and the socket, not by a wake-up, and would only hold the write lock longer.
const EARLY_AT_MOST_WORDS: u64 = 8 * 1024;

/// `Return`s written by workers in this process so far.
static WRITTEN: AtomicU64 = AtomicU64::new(0);

/// How many `Return`s the threads that ran the calls wrote themselves, in this process so
/// far (see `early_return.rs`); for tests and diagnostics.
pub fn returns_written_early() -> u64 {
    WRITTEN.load(Ordering::Relaxed)
}

/// The answers of one connection whose `Return` a worker wrote and capnp-rpc has not sent.
#[derive(Default)]
pub(crate) struct EarlyReturns {
    answers: Mutex<HashSet<u32>>,
    /// How many `answers` holds, readable without its lock.
    count: AtomicUsize,
    /// Wakes a held `Finish` when an answer leaves `answers`.
    left: Notify,
}

impl EarlyReturns {
    fn lock(&self) -> MutexGuard<'_, HashSet<u32>> {
        self.answers.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn claim(&self, answer: u32) -> bool {
        let mut answers = self.lock();
        let new = answers.insert(answer);
        self.count.store(answers.len(), Ordering::SeqCst);
        new
    }

    /// Forgets `answer`, and wakes a `Finish` held for it.
    fn forget(&self, answer: u32) -> bool {
        let mut answers = self.lock();
        let had = answers.remove(&answer);
        self.count.store(answers.len(), Ordering::SeqCst);
        drop(answers);
        if had {
            self.left.notify_waiters();
        }
        had
    }

    fn holds(&self, answer: u32) -> bool {
        self.count.load(Ordering::SeqCst) > 0 && self.lock().contains(&answer)
    }

    /// On the loop, for each message capnp-rpc sends: true if it is the `Return` of an
    /// answer a worker wrote already, which is then forgotten (and must not be written).
    pub(crate) fn suppress(&self, sent: &Builder<HeapAllocator>) -> bool {
        if self.count.load(Ordering::SeqCst) == 0 {
            return false;
        }
        match return_answer(sent) {
            Some(answer) => self.forget(answer),
            None => false,
        }
    }

    /// On the loop, before capnp-rpc gets `received`: if it is the `Finish` of an answer
    /// a worker wrote early, waits until capnp-rpc has sent (and [`suppress`](Self::suppress)
    /// dropped) its own `Return` of it.
    pub(crate) async fn hold_finish<S: ReaderSegments>(
        &self,
        received: &capnp::message::Reader<S>,
    ) {
        if self.count.load(Ordering::SeqCst) == 0 {
            return;
        }
        let Some(answer) = finish_question(received) else {
            return;
        };
        loop {
            let left = self.left.notified();
            tokio::pin!(left);
            left.as_mut().enable();
            if !self.holds(answer) {
                return;
            }
            left.await;
        }
    }
}

/// The answer number of a `Return` message.
fn return_answer(sent: &Builder<HeapAllocator>) -> Option<u32> {
    let root: message::Reader<'_> = sent.get_root_as_reader().ok()?;
    match root.which().ok()? {
        message::Return(r) => Some(r.ok()?.get_answer_id()),
        _ => None,
    }
}

/// The question number of a `Finish` message.
fn finish_question<S: ReaderSegments>(received: &capnp::message::Reader<S>) -> Option<u32> {
    let root: message::Reader<'_> = received.get_root().ok()?;
    match root.which().ok()? {
        message::Finish(f) => Some(f.ok()?.get_question_id()),
        _ => None,
    }
}

thread_local! {
    /// While [`capture_new_message`] runs: `Some(None)` until a message is made, then the
    /// message.
    static CAPTURE: Cell<Option<Option<NonNull<Builder<HeapAllocator>>>>> =
        const { Cell::new(None) };
}

/// Runs `f` (on the loop thread) and returns what it returned, with the first message the
/// connection made for capnp-rpc meanwhile, if any: capnp-rpc makes the `Return` message
/// of a call the first time its results are asked for.
pub(crate) fn capture_new_message<R>(
    f: impl FnOnce() -> R,
) -> (R, Option<NonNull<Builder<HeapAllocator>>>) {
    CAPTURE.with(|c| c.set(Some(None)));
    let r = f();
    let made = CAPTURE.with(|c| c.take()).flatten();
    (r, made)
}

/// Called for each message the connection makes for capnp-rpc; `message` lives in a box
/// that capnp-rpc keeps until it sends or drops the message.
pub(crate) fn note_new_message(message: &Builder<HeapAllocator>) {
    CAPTURE.with(|c| {
        if let Some(None) = c.get() {
            c.set(Some(Some(NonNull::from(message))));
        }
    });
}

/// The question of the `Return` message capnp-rpc just made (see [`capture_new_message`]),
/// if it is one.
pub(crate) fn made_return_answer(message: NonNull<Builder<HeapAllocator>>) -> Option<u32> {
    // SAFETY: capnp-rpc just made the message, on this (the loop) thread, and keeps it in a
    // box that outlives this call; nothing else uses it meanwhile.
    return_answer(unsafe { message.as_ref() })
}

/// capnp-rpc's `Return` message of one incoming call, which a worker may write early.
pub(crate) struct EarlyReturn {
    /// The message, in capnp-rpc's box.
    message: NonNull<Builder<HeapAllocator>>,
    answer: u32,
    returns: Arc<EarlyReturns>,
    gate: Arc<Gate>,
}

// SAFETY: the pointer is the only part that is not `Send`. It points at the builder of a
// `Return` message that capnp-rpc keeps in a box until the call's `Results` is dropped,
// which the loop does only after the worker holding this is done with it (the holder keeps
// the call's messages alive, as `LentCall` does, and gives this up with them); until then
// neither capnp-rpc nor the loop touches the message, so only one thread uses it at a time.
// The hand-overs go through channels, which order the accesses.
unsafe impl Send for EarlyReturn {}

impl EarlyReturn {
    /// On the loop, right after capnp-rpc made `message` (see [`capture_new_message`]):
    /// `None` if it is not the `Return` of a call.
    pub(crate) fn new(
        message: NonNull<Builder<HeapAllocator>>,
        returns: Arc<EarlyReturns>,
        gate: Arc<Gate>,
    ) -> Option<(EarlyReturn, EarlyGuard)> {
        // SAFETY: capnp-rpc just made the message, and nothing else uses it now (on the loop).
        let answer = return_answer(unsafe { message.as_ref() })?;
        let guard = EarlyGuard {
            returns: returns.clone(),
            answer,
            armed: true,
        };
        Some((
            EarlyReturn {
                message,
                answer,
                returns,
                gate,
            },
            guard,
        ))
    }

    /// On the worker, once it has built the results and holds no builder into the message:
    /// writes a copy of the `Return` unless the call was canceled (`canceled`), the message
    /// is big, or the write fails (the loop's `Return` then goes as usual).
    pub(crate) fn write(self, canceled: &AtomicBool) {
        // SAFETY: see `unsafe impl Send`: the message is alive and ours alone until we are
        // dropped.
        let message = unsafe { self.message.as_ref() };
        let Ok(root) = message.get_root_as_reader::<capnp::any_pointer::Reader<'_>>() else {
            return;
        };
        let Ok(size) = root.target_size() else {
            return;
        };
        if size.word_count > EARLY_AT_MOST_WORDS || size.cap_count > 0 || !results_set(message) {
            return;
        }
        let mut copy =
            Builder::new(HeapAllocator::new().first_segment_words(size.word_count as u32 + 1));
        if copy.set_root(root).is_err() {
            return;
        }
        if !self.returns.claim(self.answer) {
            return;
        }
        // After the claim: a loop that cancels the call raises the flag before it forgets
        // the answer (`EarlyGuard`), so one of the two sees the other.
        if canceled.load(Ordering::SeqCst) || self.gate.send(copy).is_err() {
            self.returns.forget(self.answer);
        } else {
            WRITTEN.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Whether a `Return` holds results (not an exception or anything else).
fn results_set(message: &Builder<HeapAllocator>) -> bool {
    let Ok(root) = message.get_root_as_reader::<message::Reader<'_>>() else {
        return false;
    };
    match root.which() {
        Ok(message::Return(Ok(r))) => matches!(r.which(), Ok(return_::Results(_))),
        _ => false,
    }
}

/// Held by the loop's part of the call: if that is dropped before the worker's outcome
/// came (capnp-rpc canceled the call), an early `Return` of it is forgotten, so that no
/// later `Finish` with its number is held.
pub(crate) struct EarlyGuard {
    returns: Arc<EarlyReturns>,
    answer: u32,
    armed: bool,
}

impl EarlyGuard {
    /// The outcome came: capnp-rpc will send its own `Return`, which forgets the answer.
    pub(crate) fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for EarlyGuard {
    fn drop(&mut self) {
        if self.armed {
            self.returns.forget(self.answer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn return_of(answer: u32) -> Builder<HeapAllocator> {
        let mut m = Builder::new_default();
        let mut r = m.init_root::<message::Builder<'_>>().init_return();
        r.set_answer_id(answer);
        r.init_results();
        m
    }

    fn finish_of(question: u32) -> capnp::message::Reader<Builder<HeapAllocator>> {
        let mut m = Builder::new_default();
        m.init_root::<message::Builder<'_>>()
            .init_finish()
            .set_question_id(question);
        m.into_reader()
    }

    #[test]
    fn only_the_return_of_a_claimed_answer_is_suppressed_and_only_once() {
        let returns = EarlyReturns::default();
        assert!(!returns.suppress(&return_of(7)), "nothing claimed");
        assert!(returns.claim(7));
        assert!(!returns.suppress(&return_of(8)), "another answer");
        assert!(!returns.suppress(&finish_message_of(7)), "not a Return");
        assert!(returns.suppress(&return_of(7)));
        assert!(
            !returns.suppress(&return_of(7)),
            "forgotten once suppressed"
        );
    }

    fn finish_message_of(question: u32) -> Builder<HeapAllocator> {
        let mut m = Builder::new_default();
        m.init_root::<message::Builder<'_>>()
            .init_finish()
            .set_question_id(question);
        m
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_finish_waits_until_the_loop_has_sent_its_own_return() {
        let returns = Arc::new(EarlyReturns::default());
        // Nothing claimed, or another answer claimed: no wait.
        returns.hold_finish(&finish_of(3)).await;
        assert!(returns.claim(4));
        returns.hold_finish(&finish_of(3)).await;
        // The claimed answer's `Finish` waits for the suppressed `Return`.
        let local = tokio::task::LocalSet::new();
        local
            .run_until(async {
                let held = tokio::task::spawn_local({
                    let returns = returns.clone();
                    async move { returns.hold_finish(&finish_of(4)).await }
                });
                tokio::task::yield_now().await;
                assert!(!held.is_finished(), "the Finish went before the Return");
                assert!(returns.suppress(&return_of(4)));
                held.await.expect("the Finish goes once the Return is sent");
            })
            .await;
    }

    #[test]
    fn a_guard_dropped_before_the_outcome_forgets_the_answer() {
        let returns = Arc::new(EarlyReturns::default());
        let guard = |answer| EarlyGuard {
            returns: returns.clone(),
            answer,
            armed: true,
        };
        assert!(returns.claim(1));
        drop(guard(1));
        assert!(!returns.holds(1), "canceled: no later Finish of 1 may wait");
        assert!(returns.claim(2));
        guard(2).disarm();
        assert!(returns.holds(2), "the loop's Return will forget it");
    }
}
