//! The params of an incoming call, read in place by the thread that runs the call: no copy,
//! for params that carry no capabilities (almost all of them, and all large ones).

use std::sync::Arc;

use capnp::any_pointer;
use capnp::capability::Params;
use capnp::private::layout::CapTable;
use capnp::traits::Imbue;

use crate::event_loop::loop_box::LoopBox;

/// A reader of a call's params that may go to another thread, and the loop-side handle that
/// keeps the message it reads alive.
pub(crate) struct BorrowedParams {
    /// Points into the message held by `keep`; its lifetime is erased (see `lend`).
    reader: any_pointer::Reader<'static>,
    keep: Arc<LoopBox<Params<any_pointer::Owned>>>,
}

// SAFETY: `reader` is the only part that is not `Send`, for three reasons, each handled:
// * it borrows the message owned by the `Params` in `keep`, which stays in the loop's table
//   until the last handle to it is dropped, and `keep` travels with the reader, so the
//   message outlives every use of the reader on whichever thread;
// * reading goes through the message's arena (its read limiter is a `Cell`): nothing else
//   reads or writes that message once it is lent (`lend` takes the only other way in, the
//   `Params`, into `keep`, which the core never reads again), and the handle that lets the
//   loop drop it is released by the borrower after its last read, through the loop's queue;
// * it points at capnp-rpc's table of `Rc`-based capabilities: `lend` only lends params
//   without capabilities, and `read` swaps that table for an empty one before any read.
unsafe impl Send for BorrowedParams {}

impl BorrowedParams {
    /// Lends the params held by `keep` (read there, on the loop thread, as `reader`), if they
    /// carry no capabilities.
    pub(crate) fn lend(
        keep: Arc<LoopBox<Params<any_pointer::Owned>>>,
        reader: any_pointer::Reader<'_>,
    ) -> capnp::Result<Option<Self>> {
        if reader.target_size()?.cap_count > 0 {
            return Ok(None);
        }
        // SAFETY: only the lifetime changes; the reader stays valid as long as `keep` holds
        // the message (see `unsafe impl Send` above).
        let reader = unsafe {
            std::mem::transmute::<any_pointer::Reader<'_>, any_pointer::Reader<'static>>(reader)
        };
        Ok(Some(BorrowedParams { reader, keep }))
    }

    /// The params, read through `empty` (an empty capability table).
    pub(crate) fn read<'a>(&'a self, empty: &'a CapTable) -> any_pointer::Reader<'a> {
        let mut reader: any_pointer::Reader<'a> = self.reader;
        reader.imbue(empty);
        reader
    }

    /// Releases the message (on the loop thread, through the handle).
    pub(crate) fn release(self) {
        drop(self.keep);
    }
}
