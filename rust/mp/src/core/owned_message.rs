//! A message of the core's own that another thread reads or builds: its segments travel
//! (they are `Send`), its capabilities stay on the loop thread and appear in it as
//! [`CapSlot`](super::cap_slot)s. Used for params and results that carry capabilities.

use capnp::any_pointer;
use capnp::message::{Builder, HeapAllocator};
use capnp::private::layout::CapTable;
use capnp::traits::{Imbue, ImbueMut};

use crate::core::cap_slot::{slot_of, slot_table, SlotTable};

/// Segments of one message, owned, plus how many capability slots it refers to.
pub(crate) struct OwnedMessage {
    message: Builder<HeapAllocator>,
    caps: usize,
}

impl OwnedMessage {
    /// An empty message for a worker to build results in. Its first segment is allocated
    /// here (on the loop thread, whose allocator arena is warm) rather than on the worker,
    /// where it would cost each worker thread its own touched pages.
    pub(crate) fn new() -> Self {
        let mut message = Builder::new_default();
        let _: any_pointer::Builder<'_> = message.init_root();
        OwnedMessage { message, caps: 0 }
    }

    /// The message's root to build, with `table` collecting the capabilities set in it (which
    /// must be slots, see [`slots_of`]).
    pub(crate) fn builder<'a>(&'a mut self, table: &'a mut CapTable) -> any_pointer::Builder<'a> {
        let mut root: any_pointer::Builder<'a> = self.message.init_root();
        root.imbue_mut(table);
        root
    }

    /// Copies `source` (on the loop thread); its capabilities go into the returned table,
    /// which stays on the loop thread.
    pub(crate) fn copy_from(source: any_pointer::Reader<'_>) -> capnp::Result<(Self, CapTable)> {
        let words = source.target_size()?.word_count + 1;
        let first = u32::try_from(words).unwrap_or(u32::MAX);
        let mut message = Builder::new(HeapAllocator::new().first_segment_words(first));
        let mut caps = CapTable::new();
        {
            let mut root: any_pointer::Builder<'_> = message.init_root();
            root.imbue_mut(&mut caps);
            root.set_as(source)?;
        }
        let n = caps.len();
        Ok((OwnedMessage { message, caps: n }, caps))
    }

    /// A table of slots for the message's capabilities, to read it off the loop thread.
    pub(crate) fn slots(&self) -> CapTable {
        slot_table(SlotTable::Params, self.caps)
    }

    /// The message's root, read with `table` for its capabilities.
    pub(crate) fn reader<'a>(
        &'a self,
        table: &'a CapTable,
    ) -> capnp::Result<any_pointer::Reader<'a>> {
        let mut root: any_pointer::Reader<'a> = self.message.get_root_as_reader()?;
        root.imbue(table);
        Ok(root)
    }

    /// Runs `f` (on the loop thread) with the root read through `caps`, the real capabilities
    /// for the message's cap-table indexes.
    pub(crate) fn read_with<R>(
        &self,
        caps: &CapTable,
        f: impl FnOnce(any_pointer::Reader<'_>) -> R,
    ) -> capnp::Result<R> {
        let mut root: any_pointer::Reader<'_> = self.message.get_root_as_reader()?;
        root.imbue(caps);
        Ok(f(root))
    }
}

/// The loop-side entries the capabilities of a built message stand for, by cap-table index.
pub(crate) fn slots_of(table: &CapTable) -> Vec<Option<(SlotTable, usize)>> {
    table
        .iter()
        .map(|hook| hook.as_ref().and_then(|h| slot_of(h.as_ref())))
        .collect()
}
