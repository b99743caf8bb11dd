//! An incoming message handed to C++: the results of a call C++ made, or the params of a call
//! C++ serves. Its segments are owned here; its capabilities are already imported as proxies,
//! which C++ takes out and types as it reads the fields.

use capnp::message::{Builder, HeapAllocator};
use mp::core::{CallCtx, ProxyClient};

use crate::ffi::Segment;

/// Segments plus the capabilities they refer to by cap-table index.
pub struct Message {
    message: Builder<HeapAllocator>,
    pub(crate) caps: Vec<Option<Result<ProxyClient, String>>>,
}

impl Message {
    pub(crate) fn new(
        message: Builder<HeapAllocator>,
        caps: Vec<Option<Result<ProxyClient, String>>>,
    ) -> Self {
        Message { message, caps }
    }

    /// The segments, valid while this message lives.
    pub fn segments(&self) -> Vec<Segment> {
        crate::segments::of_builder(&self.message)
    }

    /// How many capabilities the message's cap table holds.
    pub fn cap_count(&self) -> usize {
        self.caps.len()
    }
}

/// Imports every capability of a copied message, untyped, in table order. One that cannot be
/// imported (the stand-ins for the `Context` of an incoming call, which the core has used
/// already) keeps its error, which C++ sees only if it reads that field.
pub(crate) fn import_all(
    ctx: &CallCtx,
    caps: capnp::private::layout::CapTable,
) -> Vec<Option<Result<ProxyClient, String>>> {
    caps.into_iter()
        .map(|hook| {
            hook.map(|hook| {
                ProxyClient::import_untyped(ctx, capnp::capability::Client::new(hook))
                    .map_err(|e| e.to_string())
            })
        })
        .collect()
}
