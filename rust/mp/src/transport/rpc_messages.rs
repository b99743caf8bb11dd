//! The few RPC messages the transport writes or reads by itself, as capnp-rpc would: the
//! `Finish` and `Release`s that answer a thread's reply, and the limits a received message
//! is read with.

use capnp::message::{Builder, HeapAllocator, ReaderOptions};
use capnp_rpc::rpc_capnp::message;

use crate::transport::frame::MAX_MESSAGE_WORDS;

/// The limits a received message is read with: the same as capnp's defaults, which the
/// runtime has always used (64 MiB traversal, nesting 64).
pub(crate) fn reader_options() -> ReaderOptions {
    let mut options = ReaderOptions::new();
    options.traversal_limit_in_words(Some(MAX_MESSAGE_WORDS));
    options
}

/// A `Release` of `count` references to export `id`.
pub(crate) fn release_message(id: u32, count: u32) -> Builder<HeapAllocator> {
    let mut m = Builder::new(HeapAllocator::new().first_segment_words(8));
    let mut r = m.init_root::<message::Builder<'_>>().init_release();
    r.set_id(id);
    r.set_reference_count(count);
    m
}

/// The `Finish` of an answered question whose results' capabilities are released.
pub(crate) fn finish_message(question: u32) -> Builder<HeapAllocator> {
    let mut m = Builder::new(HeapAllocator::new().first_segment_words(8));
    let mut f = m.init_root::<message::Builder<'_>>().init_finish();
    f.set_question_id(question);
    f.set_release_result_caps(true);
    m
}
