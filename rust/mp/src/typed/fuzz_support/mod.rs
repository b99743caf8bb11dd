//! Runtime support for the fuzz harnesses the generator emits on request (`fuzz(true)`):
//! arbitrary bytes become the body of a method's params struct in a raw RPC `Call` that goes,
//! unchecked, over a socketpair to an in-process server of the interface.
//!
//! The harness speaks the RPC protocol itself (it is not a capnp-rpc peer), so nothing on the
//! sending side validates the params: the server's decoding sees exactly the fuzz bytes. Per
//! connection it sends `Bootstrap`, calls a `construct` that the harness adds to the served
//! interface (to get the connection's `ThreadMap`, also for interfaces that have no
//! `construct`), and `makeThread`, so that methods with a `Context` run on a worker thread and
//! reach their decoders. Method index `i` of a target with `n` methods fuzzes method `i % n`;
//! for `i / n` even the call's `Context` pointer is kept well formed (so the call gets past
//! thread selection), for `i / n` odd it is fuzz like the rest of the params struct. See
//! doc/fuzzing.md.
//!
//! Files: `harness.rs` (the server and the outcome of one input), `peer.rs` (the RPC messages),
//! `seeds.rs` (seeds and mutations), `driver.rs` (the bounded run `cargo test` does).
//!
//! Layout of a fuzzed params struct: the content pointer of the `Call`'s payload is a far
//! pointer to segment 1, which holds a landing pad, then the struct's data and pointer
//! sections (the first bytes of the input), then the `Context` struct when the method has one,
//! then the rest of the input as extra words that the struct's pointers may point to.

mod driver;
mod harness;
mod peer;
mod seeds;

use std::sync::Arc;

use crate::core::{Dispatch, MethodDesc};

pub use self::driver::{drive, resources, Budget, Report};
pub use self::harness::{run_one, Harness};
pub use self::seeds::{mutate, seeds, Rng};

/// How a seed fills one pointer field of a params struct (made from the field's type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// `Text` or `Data`: a few bytes (text with its NUL).
    Bytes {
        /// Whether it is `Text`.
        text: bool,
    },
    /// A list of two elements of this size.
    List(Elem),
    /// A struct (any size reads: capnp fills missing fields with defaults).
    Struct,
    /// Left null (capabilities, `AnyPointer`).
    Null,
}

/// Element size of a seed list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elem {
    /// `Bool`.
    Bit,
    /// 1, 2, 4 or 8 bytes.
    Bytes(u8),
    /// Pointers (texts, lists, interfaces).
    Pointer,
    /// Structs (inline composite).
    Struct,
}

/// One method as the harness calls it.
#[derive(Debug)]
pub struct FuzzMethod {
    /// Its description (IDs, `Context` pointer index).
    pub desc: &'static MethodDesc,
    /// Section sizes of its params struct.
    pub params: capnp::private::layout::StructSize,
    /// Pointer fields and how seeds fill them.
    pub slots: &'static [(u16, Slot)],
}

/// One interface as the harness serves it.
pub struct FuzzTarget {
    /// The interface's schema name.
    pub name: &'static str,
    /// Its methods, inherited ones included.
    pub methods: &'static [FuzzMethod],
    /// A server of it (generated: an implementation whose methods all fail `Unimplemented`).
    pub make_server: fn() -> Arc<dyn Dispatch>,
}

/// What the server did with one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Results came back.
    Returned,
    /// An exception came back, with its text.
    Exception(String),
    /// The server closed the connection (or aborted it).
    Closed,
}

/// Something the fuzzer must report: the server panicked, hung or died.
#[derive(Debug, Clone)]
pub struct Crash {
    /// `panic`, `hang` or `dead` (or `slowest`, for the slowest case the driver records).
    pub kind: &'static str,
    /// `Interface.method`.
    pub method: String,
    /// The input (params body and extra words).
    pub input: Vec<u8>,
    /// Panic messages with backtraces, or what went wrong.
    pub detail: String,
}

impl std::fmt::Display for Crash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} in {} on {} input bytes: {}",
            self.kind,
            self.method,
            self.input.len(),
            self.detail
        )
    }
}

impl FuzzTarget {
    /// The method and whether its `Context` stays well formed, for method index `index`.
    pub fn method(&self, index: usize) -> (&FuzzMethod, bool) {
        let n = self.methods.len();
        (&self.methods[index % n], (index / n) % 2 == 0)
    }

    /// The method indexes worth fuzzing: every method, and again with a fuzzed `Context` for
    /// those that have one.
    pub fn indexes(&self) -> impl Iterator<Item = usize> + '_ {
        let n = self.methods.len();
        let raw = self
            .methods
            .iter()
            .enumerate()
            .filter(|(_, m)| m.desc.context.is_some())
            .map(move |(i, _)| n + i);
        (0..n).chain(raw)
    }
}
