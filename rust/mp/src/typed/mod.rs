//! Layer 5, the typed Rust API: generated interface traits plug in through [`Interface`], and
//! `connect_stream::<dyn I>` and friends are thin wrappers of the core's functions. What only
//! generated code uses is in [`glue`], shown to it as `mp::private`.

pub(crate) mod fuzz_support;
pub(crate) mod glue;
pub(crate) mod interface;
pub(crate) mod stream;
pub(crate) mod wire;
