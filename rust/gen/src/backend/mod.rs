//! Backends: each turns the [`model`](crate::model) into code in one language. The model
//! decides what every field means; a backend only spells it.
//!
//! * [`rust`]: Rust proxies over capnpc's readers and builders (from `build.rs`).
//! * C++ (`mpgen`'s output): not built yet; it will stand on the same model.

pub(crate) mod rust;
