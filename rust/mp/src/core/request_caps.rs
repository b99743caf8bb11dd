//! What a worker needs to call back to its caller without the loop (`direct_call.rs`): the
//! import number of each capability in the params of the request it serves, and the two
//! threads a call back names in its `Context`.
//!
//! capnp-rpc hands the core a request's capabilities as hooks that do not say which entry of
//! the `Call`'s capability table they came from. The transport keeps that table
//! (`transport/served.rs`, `RawCap`); this file finds, for each capability the core copies
//! for the worker, its entry: the params are copied once more with stand-ins whose number is
//! their table index, in the same order as the copy with the real capabilities.

use capnp::any_pointer;
use capnp::traits::Imbue;

use crate::connection::thread_context::{DirectThreads, PeerThread};
use crate::core::cap_slot::{slot_of, slot_table, SlotTable};
use crate::core::owned_message::OwnedMessage;
use crate::core::raw_struct::pointer_field;
use crate::proxy_capnp::context;
use crate::transport::RawCap;

/// Params bigger than this (in words) are not copied a second time: their capabilities are
/// called through the loop.
const PROBE_AT_MOST_WORDS: u64 = 1024;

/// How a worker may call back while it serves one request.
#[derive(Default)]
pub(crate) struct RequestCaps {
    /// By the index of the params' capability in the core's copy: its import number, if it
    /// is a plain import of the peer's export.
    pub(crate) imports: Vec<Option<u32>>,
    /// The threads a call back names: the request's `callbackThread` (our import) and the
    /// worker's own `Thread` (our export, which the request named as its `thread`).
    pub(crate) threads: Option<DirectThreads>,
}

impl RequestCaps {
    /// Reads `params` (capnp-rpc's, on the loop) against `table`, the `Call`'s capability
    /// table; `context` is the pointer index of the method's `Context`.
    pub(crate) fn find(
        params: any_pointer::Reader<'_>,
        table: &[RawCap],
        context: Option<u16>,
    ) -> RequestCaps {
        let small = params
            .target_size()
            .is_ok_and(|s| s.word_count <= PROBE_AT_MOST_WORDS);
        if !small {
            return RequestCaps::default();
        }
        let stand_ins = slot_table(SlotTable::Params, table.len());
        let mut probe = params;
        probe.imbue(&stand_ins);
        let entry = |hook: &dyn capnp::private::capability::ClientHook| {
            slot_of(hook).and_then(|(_, i)| table.get(i).copied())
        };
        let imports = match OwnedMessage::copy_from(probe) {
            Ok((_, caps)) => caps
                .iter()
                .map(|hook| match hook.as_ref().and_then(|h| entry(h.as_ref())) {
                    Some(RawCap::Import(id)) => Some(id),
                    _ => None,
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        let threads = context.and_then(|index| {
            let c: context::Reader<'_> = pointer_field(probe, index).ok()?.get_as().ok()?;
            let thread = entry(c.get_thread().ok()?.client.hook.as_ref())?;
            let callback = entry(c.get_callback_thread().ok()?.client.hook.as_ref())?;
            match (thread, callback) {
                (RawCap::Ours(worker), RawCap::Import(caller)) => Some(DirectThreads::for_request(
                    PeerThread::Import(caller),
                    worker,
                )),
                _ => None,
            }
        });
        RequestCaps { imports, threads }
    }
}
