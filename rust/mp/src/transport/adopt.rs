//! References to the peer's objects that the transport took instead of capnp-rpc, handed to
//! capnp-rpc when a call on one must go through it after all.
//!
//! A call served directly (`served.rs`) may carry objects of the peer's besides the
//! `Context`'s two threads: a callback, say. capnp-rpc never sees that `Call`, so the core
//! holds the one reference the peer counted for each such object, calls it direct, and lets
//! it go with a `Release` of its own. Some calls on it need capnp-rpc: an async call, a call
//! from a thread the peer has not seen yet. Then the reference is handed over: the core
//! sends a call of [`ADOPT_INTERFACE_ID`] on another capability of the connection, whose
//! params are a one-element `List(UInt32)` holding the import number. That `Call` is taken
//! off the outgoing stream here and never written; it is answered with a `Return` made here,
//! whose results are the peer's export as `senderHosted`. capnp-rpc imports it as if the
//! peer had sent it, counting the one reference, and releases it when done, as any import.
//! The `Finish` capnp-rpc then sends for the made-up question is not written either.

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use capnp::message::{Builder, HeapAllocator};
use capnp::primitive_list;
use capnp::private::layout::CapTable;
use capnp::traits::ImbueMut;
use capnp_rpc::rpc_capnp::message;

/// The interface id of the hand-over call. Never written to a socket: a call with it is
/// taken off the stream by the connection that would send it.
pub(crate) const ADOPT_INTERFACE_ID: u64 = 0xd3a1_6c0e_5b9f_47e2;

#[derive(Default)]
struct State {
    /// `Return`s made for hand-over calls, for capnp-rpc to read next.
    made: VecDeque<Builder<HeapAllocator>>,
    /// Hand-over questions whose `Finish` is not written.
    questions: HashSet<u32>,
}

/// One connection's hand-overs.
#[derive(Default)]
pub(crate) struct Adoptions {
    state: Mutex<State>,
    /// Whether `state` holds anything, readable without the lock.
    busy: AtomicBool,
}

/// What [`Adoptions::intercept`] found in a message capnp-rpc sends.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Intercepted {
    /// Not ours: write it.
    Pass,
    /// A hand-over call: answered here, not written. The loop must read the answer.
    Answered,
    /// The `Finish` of a hand-over question: not written.
    Dropped,
}

impl Adoptions {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set_busy(&self, st: &State) {
        self.busy.store(
            !st.made.is_empty() || !st.questions.is_empty(),
            Ordering::Relaxed,
        );
    }

    /// On the loop, for each message capnp-rpc sends.
    pub(crate) fn intercept(&self, sent: &Builder<HeapAllocator>) -> Intercepted {
        let Ok(root) = sent.get_root_as_reader::<message::Reader<'_>>() else {
            return Intercepted::Pass;
        };
        match root.which() {
            Ok(message::Call(Ok(call))) => {
                let question = call.get_question_id();
                if call.get_interface_id() == ADOPT_INTERFACE_ID {
                    let import = call
                        .get_params()
                        .and_then(|p| p.get_content().get_as::<primitive_list::Reader<'_, u32>>())
                        .ok()
                        .filter(|l| l.len() == 1)
                        .map(|l| l.get(0));
                    let mut st = self.lock();
                    st.questions.insert(question);
                    st.made.push_back(match import {
                        Some(import) => made_return(question, import),
                        None => made_error(question),
                    });
                    self.set_busy(&st);
                    return Intercepted::Answered;
                }
                // capnp-rpc numbers a new question so only once the old one is gone (its
                // `Finish` may never have come: a `Return` can say none is needed).
                if self.busy.load(Ordering::Relaxed) {
                    let mut st = self.lock();
                    st.questions.remove(&question);
                    self.set_busy(&st);
                }
                Intercepted::Pass
            }
            Ok(message::Finish(Ok(finish))) if self.busy.load(Ordering::Relaxed) => {
                let mut st = self.lock();
                let ours = st.questions.remove(&finish.get_question_id());
                self.set_busy(&st);
                if ours {
                    Intercepted::Dropped
                } else {
                    Intercepted::Pass
                }
            }
            _ => Intercepted::Pass,
        }
    }

    /// The next `Return` made for a hand-over call, for capnp-rpc to read.
    pub(crate) fn take_made(&self) -> Option<Builder<HeapAllocator>> {
        if !self.busy.load(Ordering::Relaxed) {
            return None;
        }
        let mut st = self.lock();
        let made = st.made.pop_front();
        self.set_busy(&st);
        made
    }
}

/// The `Return` of hand-over question `question`: the peer's export `import` as results.
fn made_return(question: u32, import: u32) -> Builder<HeapAllocator> {
    let mut m = Builder::new(HeapAllocator::new().first_segment_words(16));
    let mut r = m.init_root::<message::Builder<'_>>().init_return();
    r.set_answer_id(question);
    r.set_release_param_caps(false);
    let mut payload = r.init_results();
    payload
        .reborrow()
        .init_cap_table(1)
        .get(0)
        .set_sender_hosted(import);
    // The results are a capability pointer to entry 0 of the table above. The hook put in
    // this local table only makes capnp write that pointer; it goes nowhere.
    let mut table = CapTable::new();
    let mut content = payload.init_content();
    content.imbue_mut(&mut table);
    content.set_as_capability(
        capnp_rpc::new_broken_cap(capnp::Error::failed("never called".into())).hook,
    );
    m
}

/// The `Return` of a hand-over call whose params were not one import number: a failure.
fn made_error(question: u32) -> Builder<HeapAllocator> {
    let mut m = Builder::new(HeapAllocator::new().first_segment_words(16));
    let mut r = m.init_root::<message::Builder<'_>>().init_return();
    r.set_answer_id(question);
    r.set_release_param_caps(false);
    r.init_exception()
        .set_reason("a hand-over call must name one import");
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use capnp_rpc::rpc_capnp::{cap_descriptor, return_};

    fn call(question: u32, interface: u64, import: u32) -> Builder<HeapAllocator> {
        let mut m = Builder::new_default();
        let mut c = m.init_root::<message::Builder<'_>>().init_call();
        c.set_question_id(question);
        c.set_interface_id(interface);
        c.init_params()
            .init_content()
            .initn_as::<primitive_list::Builder<'_, u32>>(1)
            .set(0, import);
        m
    }

    fn finish(question: u32) -> Builder<HeapAllocator> {
        let mut m = Builder::new_default();
        m.init_root::<message::Builder<'_>>()
            .init_finish()
            .set_question_id(question);
        m
    }

    #[test]
    fn a_hand_over_call_is_answered_with_the_import_and_its_finish_is_dropped() {
        let a = Adoptions::default();
        assert_eq!(a.intercept(&call(3, 0x1234, 9)), Intercepted::Pass);
        assert_eq!(a.intercept(&finish(3)), Intercepted::Pass);
        assert!(a.take_made().is_none());

        assert_eq!(
            a.intercept(&call(5, ADOPT_INTERFACE_ID, 42)),
            Intercepted::Answered
        );
        let made = a.take_made().expect("a Return for capnp-rpc");
        let root = made.get_root_as_reader::<message::Reader<'_>>().unwrap();
        let message::Return(Ok(ret)) = root.which().unwrap() else {
            panic!("not a Return");
        };
        assert_eq!(ret.get_answer_id(), 5);
        let return_::Results(Ok(results)) = ret.which().unwrap() else {
            panic!("no results");
        };
        let table = results.get_cap_table().unwrap();
        assert_eq!(table.len(), 1);
        assert!(matches!(
            table.get(0).which().unwrap(),
            cap_descriptor::SenderHosted(42)
        ));
        assert!(a.take_made().is_none());
        // Another question's Finish is written; the hand-over's is not, once.
        assert_eq!(a.intercept(&finish(4)), Intercepted::Pass);
        assert_eq!(a.intercept(&finish(5)), Intercepted::Dropped);
        assert_eq!(a.intercept(&finish(5)), Intercepted::Pass);
    }

    #[test]
    fn a_reused_question_number_is_no_longer_taken_for_a_hand_over() {
        let a = Adoptions::default();
        a.intercept(&call(7, ADOPT_INTERFACE_ID, 1));
        assert!(a.take_made().is_some());
        // capnp-rpc asked question 7 anew: its Finish is the peer's to get.
        assert_eq!(a.intercept(&call(7, 0x1234, 2)), Intercepted::Pass);
        assert_eq!(a.intercept(&finish(7)), Intercepted::Pass);
    }
}
