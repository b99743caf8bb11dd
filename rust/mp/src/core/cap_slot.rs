//! Stand-ins for capabilities inside a message that a thread other than the loop thread reads
//! or builds. Real capabilities are `Rc`-based and stay on the loop thread, in a table; the
//! message carries a `CapSlot` per entry instead, and the core swaps slots for the real
//! capabilities (or back) on the loop thread.

use capnp::any_pointer;
use capnp::capability::{Promise, Request};
use capnp::private::capability::{ClientHook, ParamsHook, ResultsHook};

/// Which loop-side table a slot's index refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SlotTable {
    /// The capabilities of an incoming call's params.
    Params,
    /// Capabilities exported while the call ran (new local servers, for the results).
    Exported,
}

// Their addresses tell slots apart from every other hook (capnp-rpc brands its own hooks
// with the address of its connection state).
static PARAMS_BRAND: u8 = 0;
static EXPORTED_BRAND: u8 = 1;

fn brand(table: SlotTable) -> usize {
    match table {
        SlotTable::Params => std::ptr::addr_of!(PARAMS_BRAND) as usize,
        SlotTable::Exported => std::ptr::addr_of!(EXPORTED_BRAND) as usize,
    }
}

/// Entry `index` of a loop-side table. Plain data: it may be made, copied and dropped on any
/// thread; calling it fails.
pub(crate) struct CapSlot {
    table: SlotTable,
    index: usize,
}

/// A client for entry `index` of `table`.
pub(crate) fn slot_client(table: SlotTable, index: usize) -> capnp::capability::Client {
    capnp::capability::Client::new(Box::new(CapSlot { table, index }))
}

/// The table entry a hook stands for, if it is a slot.
pub(crate) fn slot_of(hook: &dyn ClientHook) -> Option<(SlotTable, usize)> {
    let b = hook.get_brand();
    [SlotTable::Params, SlotTable::Exported]
        .into_iter()
        .find(|&t| brand(t) == b)
        .map(|t| (t, hook.get_ptr()))
}

/// A table of `n` slots of `table`, to imbue a message read off the loop thread with.
pub(crate) fn slot_table(table: SlotTable, n: usize) -> capnp::private::layout::CapTable {
    (0..n)
        .map(|index| Some(Box::new(CapSlot { table, index }) as Box<dyn ClientHook>))
        .collect()
}

fn not_callable() -> capnp::Error {
    capnp::Error::failed(
        "a capability in a message off the event loop thread cannot be called; import it first"
            .into(),
    )
}

impl ClientHook for CapSlot {
    fn add_ref(&self) -> Box<dyn ClientHook> {
        Box::new(CapSlot {
            table: self.table,
            index: self.index,
        })
    }

    fn new_call(
        &self,
        interface_id: u64,
        method_id: u16,
        size_hint: Option<capnp::MessageSize>,
    ) -> Request<any_pointer::Owned, any_pointer::Owned> {
        capnp_rpc::new_broken_cap(not_callable())
            .hook
            .new_call(interface_id, method_id, size_hint)
    }

    fn call(
        &self,
        _interface_id: u64,
        _method_id: u16,
        _params: Box<dyn ParamsHook>,
        _results: Box<dyn ResultsHook>,
    ) -> Promise<(), capnp::Error> {
        Promise::err(not_callable())
    }

    fn get_brand(&self) -> usize {
        brand(self.table)
    }

    fn get_ptr(&self) -> usize {
        self.index
    }

    fn get_resolved(&self) -> Option<Box<dyn ClientHook>> {
        None
    }

    fn when_more_resolved(&self) -> Option<Promise<Box<dyn ClientHook>, capnp::Error>> {
        None
    }

    fn when_resolved(&self) -> Promise<(), capnp::Error> {
        Promise::ok(())
    }
}
