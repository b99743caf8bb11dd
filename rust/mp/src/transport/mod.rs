//! The message transport under capnp-rpc: Cap'n Proto's standard stream framing over a Unix
//! socket, as capnp-rpc's `VatNetwork`.
//!
//! Its own layer between `os` and `connection`, in small parts: `socket` (how the loop
//! watches the socket), `frame` (the segment table and its limits), `buffer` (where a
//! received message lives), `reader` (frames off the socket, memory committed as bytes
//! arrive), `writer` (a queue written with vectored `sendmsg`, no copy into a write buffer)
//! and `network` (the capnp-rpc traits); for calls that threads make without the loop,
//! `direct`, `gate` (the write lock and deferred frames), `replies` (their questions),
//! `read_share` and `thread_read` (a waiting thread reading its own reply),
//! `early_return` (a worker writing its call's `Return`), `served` (calls served without
//! capnp-rpc), `adopt` (references such calls carried, handed to capnp-rpc) and `rpc_messages` (the few messages the transport writes itself).
//!
//! **Back-pressure.** The serving side of a connection stops reading new messages while
//! more than [`max_unwritten_bytes`] bytes of its own wait to be written (the peer is not
//! reading its replies), and resumes once the queue is back under the bound. So a client that
//! sends calls and never reads the replies fills its socket and blocks, instead of making
//! the server queue every reply. The connecting side always reads: if both sides could
//! pause, two peers each writing more than the bound to the other would wait for each other
//! forever; with one side always reading, the other's queue always drains.

use std::sync::atomic::{AtomicUsize, Ordering};

mod adopt;
mod buffer;
mod direct;
mod early_return;
mod frame;
mod gate;
mod network;
mod read_share;
mod reader;
mod replies;
mod reusable;
mod rpc_messages;
mod served;
pub(crate) mod shared_buffers;
mod socket;
pub(crate) mod spliced;
mod thread_read;
mod writer;

pub(crate) use adopt::ADOPT_INTERFACE_ID;
pub(crate) use direct::DirectPath;
pub(crate) use direct::{capture_call_target, CapRef, ReadForCalls, Received, SentCall, ToPin};
pub use early_return::returns_written_early;
pub(crate) use early_return::{capture_new_message, made_return_answer, EarlyGuard, EarlyReturn};
pub(crate) use gate::FrameBody;
pub(crate) use network::{defer_releases, Network};
pub(crate) use reusable::Reusable;
pub use served::calls_served_directly;
pub(crate) use served::{Kept, RawCap, ServeCall, ServeHook, ServeThread};
pub(crate) use socket::Socket;

/// The default of [`max_unwritten_bytes`]: 4 MiB, a few thousand small replies or one big
/// one in flight.
pub const DEFAULT_MAX_UNWRITTEN_BYTES: usize = 4 * 1024 * 1024;

static MAX_UNWRITTEN: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_UNWRITTEN_BYTES);

/// How many bytes a serving connection may have queued for its peer before it stops
/// reading the peer's messages (back-pressure; see the module documentation). `None`: no
/// bound.
pub fn max_unwritten_bytes() -> Option<usize> {
    match MAX_UNWRITTEN.load(Ordering::Relaxed) {
        usize::MAX => None,
        n => Some(n),
    }
}

/// Sets [`max_unwritten_bytes`] for connections opened from now on, process-wide. `None`
/// removes the bound (a peer that never reads can then grow this process's memory without
/// limit).
pub fn set_max_unwritten_bytes(bytes: Option<usize>) {
    MAX_UNWRITTEN.store(bytes.unwrap_or(usize::MAX), Ordering::Relaxed);
}
