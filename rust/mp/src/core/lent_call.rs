//! The messages of an incoming call, lent to the thread that runs the call: it reads the
//! params and builds the results in capnp-rpc's own messages, with no copy, while the loop
//! leaves both alone.

use std::cell::RefCell;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use capnp::any_pointer;
use capnp::capability::{Params, Results};
use capnp::private::layout::CapTable;
use capnp::traits::{Imbue, ImbueMut};

use crate::event_loop::loop_box::LoopBox;
use crate::transport::{
    capture_new_message, made_return_answer, DirectPath, EarlyGuard, EarlyReturn,
};

/// An incoming call's messages, kept in the loop's table while a worker uses them.
pub(crate) struct CallMessages {
    pub(crate) params: Params<any_pointer::Owned>,
    /// Taken (dropped) by the loop once the reply is built: capnp-rpc sends the `Return` when
    /// its `Results` is dropped, and the params' capabilities may go later (see `serve`).
    pub(crate) results: RefCell<Option<Results<any_pointer::Owned>>>,
}

/// A worker's access to the messages kept by `keep`.
pub(crate) struct LentCall {
    /// Points into the params message; `None` when the params carry capabilities and are
    /// copied instead. Lifetime erased (see `lend`).
    params: Option<any_pointer::Reader<'static>>,
    /// Points into the results message; `None` when the results may carry capabilities and
    /// are built in a message of the worker's own instead. Lifetime erased (see `lend`).
    results: Option<any_pointer::Builder<'static>>,
    /// capnp-rpc's `Return` message that `results` points into, for the worker to write
    /// early (`transport/early_return.rs`).
    early: Option<EarlyReturn>,
    /// The call's question, if capnp-rpc's `Return` message showed it.
    question: Option<u32>,
    keep: Arc<LoopBox<CallMessages>>,
}

// SAFETY: the reader and the builder are the parts that are not `Send`, for three reasons,
// each handled:
// * they borrow the messages owned by the `CallMessages` in `keep`, which stays in the loop's
//   table until the last handle to it is dropped (also when capnp-rpc cancels the call and
//   drops the serving future), and `keep` travels with them, so the messages outlive every
//   use on whichever thread;
// * reading and building go through the messages' arenas (which keep `Cell`/`RefCell`
//   state): while a `LentCall` exists the loop neither reads nor writes those messages (the
//   core touches them again only after the worker has sent its outcome, which happens after
//   its last use, and capnp-rpc has handed both to us), so only one thread uses them at a
//   time, and the hand-overs go through channels, which order the accesses;
// * they point at capnp-rpc's tables of `Rc`-based capabilities: params are lent only when
//   they carry none outside their `Context` (which the core has read on the loop), results
//   only when they cannot carry any, and `messages` swaps those tables for the worker's own
//   (empty) before any read or write, so no `Rc` is touched off the loop thread: reading a
//   capability through the empty table fails instead.
unsafe impl Send for LentCall {}

impl LentCall {
    /// Lends the messages held by `keep` (on the loop thread); the params only if
    /// `lend_params`, the results only if `lend_results`. Lent results come with their
    /// `Return` message, which the worker may write early over `direct`; the guard is for
    /// the loop's part of the call (see `EarlyGuard`).
    pub(crate) fn lend(
        keep: Arc<LoopBox<CallMessages>>,
        lend_params: bool,
        lend_results: bool,
        direct: &DirectPath,
    ) -> capnp::Result<(Self, Option<EarlyGuard>)> {
        let held = keep.get().ok_or_else(|| {
            capnp::Error::failed("the messages of a call went missing on the loop".into())
        })?;
        let params = match lend_params {
            // SAFETY: only the lifetime changes; the reader stays valid while `keep` holds
            // the message (see `unsafe impl Send` above).
            true => Some(unsafe {
                std::mem::transmute::<any_pointer::Reader<'_>, any_pointer::Reader<'static>>(
                    held.params.get()?,
                )
            }),
            false => None,
        };
        let mut early = None;
        let mut question = None;
        let results = match lend_results {
            true => {
                let mut results = held.results.borrow_mut();
                let results = results.as_mut().ok_or_else(|| {
                    capnp::Error::failed("the results of a call were sent already".into())
                })?;
                // capnp-rpc makes the `Return` message when the results are first asked for.
                let (builder, made) = capture_new_message(|| results.get());
                question = made.and_then(made_return_answer);
                early = made.and_then(|m| direct.early_return(m));
                // SAFETY: as above, for the results message; the `RefCell` borrow ends here,
                // and the loop takes it again only after the worker is done (see
                // `unsafe impl Send`).
                Some(unsafe {
                    std::mem::transmute::<any_pointer::Builder<'_>, any_pointer::Builder<'static>>(
                        builder,
                    )
                })
            }
            false => {
                // Only to learn the question: the results are built elsewhere and set later.
                let mut results = held.results.borrow_mut();
                if let Some(results) = results.as_mut() {
                    let (_, made) = capture_new_message(|| {
                        results.get();
                    });
                    question = made.and_then(made_return_answer);
                }
                None
            }
        };
        let (early, guard) = early.unzip();
        Ok((
            LentCall {
                params,
                results,
                early,
                question,
                keep,
            },
            guard,
        ))
    }

    /// The call's question (capnp-rpc's answer number), if known.
    pub(crate) fn question(&self) -> Option<u32> {
        self.question
    }

    /// The params read in place through `empty` (an empty capability table), and the
    /// results to build in place, whose capabilities would go into `table`; each if lent.
    pub(crate) fn messages<'a>(
        &'a mut self,
        empty: &'a CapTable,
        table: &'a mut CapTable,
    ) -> (
        Option<any_pointer::Reader<'a>>,
        Option<any_pointer::Builder<'a>>,
    ) {
        let params = self.params.map(|reader| {
            let mut reader: any_pointer::Reader<'a> = reader;
            reader.imbue(empty);
            reader
        });
        let results = self.results.as_mut().map(|results| {
            let mut results = results.reborrow();
            results.imbue_mut(table);
            results
        });
        (params, results)
    }

    /// The results are built: writes the `Return` at once (`transport/early_return.rs`),
    /// unless `canceled` or the results were not lent.
    pub(crate) fn write_return(&mut self, canceled: &AtomicBool) {
        // No builder into the message may be left while it is read for the copy.
        self.results = None;
        if let Some(early) = self.early.take() {
            early.write(canceled);
        }
    }

    /// Done: lets the loop free the messages once it is done with them too.
    pub(crate) fn release(self) {
        drop(self.early);
        drop(self.keep);
    }
}
