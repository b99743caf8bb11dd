//! Received messages whose bytes decoded values may share: `Data` fields become
//! [`bytes::Bytes`] that point into the message's own buffer instead of copies of it.
//!
//! A filled receive buffer of at least [`REGISTER_BYTES`] is held in an `Arc` and its address
//! range is entered in a process-wide registry. Generated code decodes a `Data` field with
//! [`data_to_bytes`], which gets only a `&[u8]` from capnp: if the slice lies inside a
//! registered buffer that is still alive, the `Bytes` holds that buffer's `Arc` and the
//! slice's range, so it stays valid after capnp-rpc drops the message, and may move to any
//! thread. Everything else is copied.
//!
//! The lookup needs no unsafe code and cannot be fooled by a freed buffer whose address was
//! reused: a buffer's entry is removed in its `Drop`, before its memory is freed, and the
//! entry holds only a `Weak`, upgraded under the registry's lock. A successful upgrade means
//! the buffer is alive, and two live allocations never overlap, so a live slice inside its
//! range is inside that buffer.
//!
//! The trade-off: a shared slice keeps its whole message buffer alive, as slices of a
//! `bytes::Bytes` do. A small `Data` field kept for long would pin a big message, so slices
//! under [`SHARE_BYTES`] are copied (a copy of 4 KiB costs about what the registry lookup
//! and the shared owner do), and so are slices under 1/[`PIN_RATIO`] of their message: what
//! a kept `Data` pins is at most 8 times its own size (a peer cannot make a server that keeps
//! 4 KiB of `Data` hold a 64 MiB message). Buffers under [`REGISTER_BYTES`] never enter the
//! registry, which keeps the registry, and its lock, off the path of ordinary small calls.
//!
//! **Spares.** A freed big buffer is kept (at most [`MAX_SPARES`] of them, each at most
//! [`MAX_SPARE_BYTES`]) for the next big message of about its size. Without them, sharing made
//! big echoes slower: a caller that keeps a received `Bytes` while it builds its next request
//! (an echo of what it got) frees the receive buffer and the request's segment one after the
//! other, both at the top of the loop thread's heap; glibc then returns the 32 MiB to the
//! kernel (`madvise(MADV_DONTNEED)`, its trim threshold being twice its mmap threshold) and
//! faults the pages back in on the next call (5-7x the page faults of the `Vec` decode at
//! 16 MiB). A spare is never freed, so only the request's segment returns to the heap, and the
//! next message lands on pages already in memory. The cost: after big messages, up to
//! `MAX_SPARES` buffers stay allocated, idle, until the next ones.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

/// Receive buffers at least this big are shared and registered.
pub const REGISTER_BYTES: usize = 64 * 1024;

/// `Data` at least this big is shared with its buffer instead of copied.
pub const SHARE_BYTES: usize = 4 * 1024;

/// `Data` is shared only when its message is at most this many times its size.
pub const PIN_RATIO: usize = 8;

/// Freed big buffers kept for the next message.
pub const MAX_SPARES: usize = 2;

/// Buffers above this size are freed, not kept.
pub const MAX_SPARE_BYTES: usize = 32 * 1024 * 1024;

static SPARES: Mutex<Vec<Vec<u64>>> = Mutex::new(Vec::new());

fn spares() -> MutexGuard<'static, Vec<Vec<u64>>> {
    SPARES.lock().unwrap_or_else(|e| e.into_inner())
}

/// An empty vector with capacity for `words` (of a big message): a spare of at most twice that
/// capacity if there is one, else a new one.
pub(crate) fn vector_for(words: usize) -> Vec<u64> {
    let spare = {
        let mut spares = spares();
        let fitting = spares
            .iter()
            .enumerate()
            .filter(|(_, v)| v.capacity() >= words && v.capacity() / 2 <= words)
            .min_by_key(|(_, v)| v.capacity())
            .map(|(i, _)| i);
        fitting.map(|i| spares.swap_remove(i))
    };
    spare.unwrap_or_else(|| Vec::with_capacity(words))
}

/// Keeps `words` (emptied) as a spare, or frees it (outside the lock).
fn give_back(mut words: Vec<u64>) {
    if words.capacity() * 8 > MAX_SPARE_BYTES {
        return;
    }
    words.clear();
    let oldest = {
        let mut spares = spares();
        spares.push(words);
        (spares.len() > MAX_SPARES).then(|| spares.remove(0))
    };
    drop(oldest);
}

/// The words of one received message, shared by capnp-rpc's reader and any decoded `Bytes`.
pub(crate) struct SharedWords {
    words: Vec<u64>,
}

/// Live registered buffers: start address -> (end address, the buffer).
type Registry = BTreeMap<usize, (usize, Weak<SharedWords>)>;

static REGISTRY: Mutex<Registry> = Mutex::new(BTreeMap::new());

fn registry() -> MutexGuard<'static, Registry> {
    // The map stays consistent whatever panicked while it was locked (every change is a
    // single insert or remove).
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

impl SharedWords {
    /// Shares `words` and registers them when they are big enough.
    pub(crate) fn new(words: Vec<u64>) -> Arc<SharedWords> {
        let shared = Arc::new(SharedWords { words });
        let range = shared.range();
        if range.1 - range.0 >= REGISTER_BYTES {
            registry().insert(range.0, (range.1, Arc::downgrade(&shared)));
        }
        shared
    }

    /// The message's bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        words_as_bytes(&self.words)
    }

    fn range(&self) -> (usize, usize) {
        let bytes = self.bytes();
        let start = bytes.as_ptr() as usize;
        (start, start + bytes.len())
    }
}

impl Drop for SharedWords {
    fn drop(&mut self) {
        let (start, end) = self.range();
        if end - start >= REGISTER_BYTES {
            // While this buffer lives no other one starts at its address, so the entry under
            // `start` is its own; the memory is freed only after this returns.
            registry().remove(&start);
            give_back(std::mem::take(&mut self.words));
        }
    }
}

/// A `u64` slice as bytes.
fn words_as_bytes(words: &[u64]) -> &[u8] {
    // SAFETY: `u64` has no padding and every byte is a valid `u8`; the byte slice covers
    // exactly the same memory, with the same lifetime, and `u8` needs no alignment.
    unsafe { std::slice::from_raw_parts(words.as_ptr().cast::<u8>(), std::mem::size_of_val(words)) }
}

/// A range of a shared buffer: what a shared `Bytes` owns.
struct SharedSlice {
    buffer: Arc<SharedWords>,
    start: usize,
    end: usize,
}

impl AsRef<[u8]> for SharedSlice {
    fn as_ref(&self) -> &[u8] {
        &self.buffer.bytes()[self.start..self.end]
    }
}

/// The registered live buffer holding all of `data`, if any.
fn shared_owner(data: &[u8]) -> Option<SharedSlice> {
    let at = data.as_ptr() as usize;
    let registry = registry();
    let (&start, (end, weak)) = registry.range(..=at).next_back()?;
    if at + data.len() > *end || data.len() * PIN_RATIO < *end - start {
        return None;
    }
    let buffer = weak.upgrade()?;
    drop(registry);
    Some(SharedSlice {
        buffer,
        start: at - start,
        end: at - start + data.len(),
    })
}

/// `data` as `Bytes`: sharing the received message's buffer when `data` lies in one that is
/// registered, is at least `SHARE_BYTES` (4 KiB) long and at least 1/`PIN_RATIO` (1/8) of the
/// buffer (the `Bytes` then keeps the whole buffer alive), else a copy.
pub fn data_to_bytes(data: &[u8]) -> bytes::Bytes {
    if data.len() >= SHARE_BYTES {
        if let Some(owner) = shared_owner(data) {
            return bytes::Bytes::from_owner(owner);
        }
    }
    bytes::Bytes::copy_from_slice(data)
}

/// How many received buffers are registered (alive and big enough), for tests.
pub fn registered_buffers() -> usize {
    registry().len()
}

/// Serializes the unit tests that free big buffers, which all go through the one spare list.
#[cfg(test)]
pub(crate) fn serial_test() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A slice size that is shared when it lies in a `big_buffer`.
    const BIG_SLICE: usize = REGISTER_BYTES / 4;

    fn big_buffer() -> Arc<SharedWords> {
        let words: Vec<u64> = (0..(REGISTER_BYTES / 8) as u64).collect();
        SharedWords::new(words)
    }

    #[test]
    fn big_data_shares_the_buffer_and_keeps_it_alive() {
        let _serial = serial_test();
        let buffer = big_buffer();
        let range = buffer.range();
        let slice = &buffer.bytes()[100..100 + BIG_SLICE];
        let bytes = data_to_bytes(slice);
        assert_eq!(&bytes[..], slice);
        let at = bytes.as_ptr() as usize;
        assert_eq!(at, slice.as_ptr() as usize, "not a copy");
        assert!(at >= range.0 && at + bytes.len() <= range.1);
        let weak = Arc::downgrade(&buffer);
        drop(buffer);
        assert!(weak.upgrade().is_some(), "the Bytes keeps the buffer alive");
        assert!(is_registered(range.0));
        drop(bytes);
        assert!(weak.upgrade().is_none(), "freed with its last user");
        assert!(!is_registered(range.0), "and out of the registry");
    }

    fn is_registered(start: usize) -> bool {
        registry().contains_key(&start)
    }

    #[test]
    fn a_freed_big_buffer_is_kept_for_the_next_message_of_about_its_size() {
        let _serial = serial_test();
        let words = REGISTER_BYTES / 8 + 12_345;
        let buffer = SharedWords::new(vec![1; words]);
        let at = buffer.bytes().as_ptr();
        drop(buffer);
        let too_small = vector_for(words * 3);
        assert!(too_small.capacity() >= words * 3);
        assert_ne!(too_small.as_ptr().cast::<u8>(), at, "a spare has to fit");
        let reused = vector_for(words - 1);
        assert_eq!(reused.as_ptr().cast::<u8>(), at, "the spare is reused");
        assert!(reused.is_empty() && reused.capacity() >= words);
    }

    #[test]
    fn small_data_is_copied() {
        let _serial = serial_test();
        let buffer = big_buffer();
        let slice = &buffer.bytes()[8..8 + SHARE_BYTES - 1];
        let bytes = data_to_bytes(slice);
        assert_eq!(&bytes[..], slice);
        assert_ne!(bytes.as_ptr(), slice.as_ptr());
        assert_eq!(Arc::strong_count(&buffer), 1);
    }

    #[test]
    fn data_under_an_eighth_of_its_message_is_copied() {
        let _serial = serial_test();
        let buffer = big_buffer();
        let below = &buffer.bytes()[..REGISTER_BYTES / PIN_RATIO - 1];
        assert!(below.len() >= SHARE_BYTES);
        assert_ne!(data_to_bytes(below).as_ptr(), below.as_ptr());
        let eighth = &buffer.bytes()[..REGISTER_BYTES / PIN_RATIO];
        assert_eq!(data_to_bytes(eighth).as_ptr(), eighth.as_ptr());
    }

    #[test]
    fn small_buffers_are_not_registered_and_their_data_is_copied() {
        let buffer = SharedWords::new(vec![7u64; (REGISTER_BYTES / 8) - 1]);
        assert!(!is_registered(buffer.range().0));
        let bytes = data_to_bytes(&buffer.bytes()[..SHARE_BYTES]);
        assert_ne!(bytes.as_ptr(), buffer.bytes().as_ptr());
    }

    #[test]
    fn slices_outside_any_registered_buffer_are_copied() {
        let _serial = serial_test();
        let _buffer = big_buffer();
        let other = vec![1u8; 2 * BIG_SLICE];
        let bytes = data_to_bytes(&other);
        assert_ne!(bytes.as_ptr(), other.as_ptr());
        assert_eq!(&bytes[..], &other[..]);
    }

    #[test]
    fn memory_of_a_freed_buffer_reused_by_another_allocation_is_copied() {
        let _serial = serial_test();
        let buffer = big_buffer();
        let (start, _) = buffer.range();
        let stale = Arc::downgrade(&buffer);
        drop(buffer);
        assert!(!is_registered(start), "removed before its memory was freed");
        // Whether or not the allocator hands the same block back, the new vector is not a
        // received buffer and must be copied.
        let reused = vec![3u8; REGISTER_BYTES];
        let bytes = data_to_bytes(&reused[..BIG_SLICE]);
        assert_ne!(bytes.as_ptr(), reused.as_ptr());
        // The same with an entry of the freed buffer still over the reused memory (the window
        // between the last `Arc` going away and `Drop` removing the entry): the `Weak` does
        // not upgrade.
        let at = reused.as_ptr() as usize;
        registry().insert(at, (at + reused.len(), stale));
        let bytes = data_to_bytes(&reused[BIG_SLICE..2 * BIG_SLICE]);
        registry().remove(&at);
        assert_ne!(bytes.as_ptr(), reused[BIG_SLICE..].as_ptr());
        assert_eq!(&bytes[..], &reused[BIG_SLICE..2 * BIG_SLICE]);
    }
}
