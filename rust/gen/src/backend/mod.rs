//! Backends: each turns the [`model`](crate::model) into code in one language. The model
//! decides what every field means; a backend only spells it.
//!
//! * [`rust`]: Rust proxies over capnpc's readers and builders (from `build.rs`).
//! * [`cpp`]: `mpgen`'s five C++ files per schema, against `include/mp/`.

pub(crate) mod cpp;
pub(crate) mod rust;
