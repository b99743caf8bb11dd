//! Messages whose big `Data` fields are sent from the caller's own buffer, not copied into
//! the message: the frames that threads build themselves (direct calls and the `Return`s of
//! calls served by their thread).
//!
//! capnp's builder cannot take outside memory as a segment, but it asks its allocator for a
//! new segment when a `Data` does not fit in the segments it has, and then writes only a
//! landing pad (one word) at the new segment's start and hands out the rest for the bytes.
//! [`set_data`] (which generated code calls for a `Data` field) arms this: the next segment
//! of exactly the `Data`'s size comes from a reserved region (`os/reserved.rs`) that has no
//! memory behind it, the bytes are not copied, and the `Data` (an `mp::Bytes`, shared, not
//! copied) is kept with the message. When the frame is written, that segment goes out as its
//! landing pad, the `Data`'s own bytes and the zero padding to a whole word: the bytes on the
//! wire are those of a message built by copying.
//!
//! Only frames written from memory go this way: nothing in the process reads such a message
//! back (in memory its `Data` reads as zeros), so it is not used while data is logged
//! (the log line reads the params), and never for capnp-rpc's own messages.

use std::cell::RefCell;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use capnp::message::{Allocator, Builder, HeapAllocator};

use crate::os::reserved::{Reserved, REGION_BYTES};

/// `Data` at least this big is sent in place; smaller ones are copied (an extra segment and
/// three slices cost more than a copy of a few KiB).
pub const SPLICE_BYTES: usize = 64 * 1024;

/// Most `Data` sent in place in one message (each is a segment; a reader takes at most 511);
/// further ones are copied.
const IN_PLACE_PER_MESSAGE: usize = 64;

/// `Data` fields sent in place in this process so far.
static SPLICED: AtomicU64 = AtomicU64::new(0);

/// How many `Data` fields this process has sent from the caller's buffer instead of copying
/// them into the message (for tests and benchmarks).
pub fn data_sent_in_place() -> u64 {
    SPLICED.load(Ordering::Relaxed)
}

/// Zeros for the padding after a `Data` whose length is not a whole number of words.
static ZEROS: [u8; 8] = [0; 8];

/// A `Data` sent in place: the segment (a reserved region) it stands in, and its bytes.
struct Blob {
    region: usize,
    bytes: bytes::Bytes,
}

/// The state of a message being built with [`SplicedMessage::build`], on its thread.
struct Scope {
    /// Words of the segment that [`set_data`] waits for.
    expect: Option<u32>,
    /// The region handed out for it, and the flag that says its bytes went out in place.
    taken: Option<(usize, Arc<AtomicBool>)>,
    blobs: Vec<Blob>,
}

thread_local! {
    static SCOPE: RefCell<Option<Scope>> = const { RefCell::new(None) };
}

/// Sets a `Data` field to `value`: `init` is the field's `init_*` of the generated builder.
/// In a frame built by `SplicedMessage::build`, a big `value` is sent from its own memory;
/// anywhere else it is copied, as `set_*` would.
pub fn set_data<'a>(value: &bytes::Bytes, init: impl FnOnce(u32) -> &'a mut [u8]) {
    let len = value.len();
    let words = len.div_ceil(8) + 1;
    let armed = len >= SPLICE_BYTES
        && words * 8 <= REGION_BYTES
        && SCOPE.with(|s| match s.borrow_mut().as_mut() {
            Some(scope) if scope.blobs.len() < IN_PLACE_PER_MESSAGE => {
                scope.expect = Some(words as u32);
                scope.taken = None;
                true
            }
            _ => false,
        });
    let slot = init(len as u32);
    if armed {
        let placed = SCOPE.with(|s| {
            let mut s = s.borrow_mut();
            let scope = s.as_mut()?;
            scope.expect = None;
            let (region, in_place) = scope.taken.take()?;
            // The builder put the landing pad at the region's first word and the bytes
            // right behind it; anything else and the bytes are copied after all.
            if slot.as_ptr() as usize != region + 8 || slot.len() != len {
                return None;
            }
            in_place.store(true, Ordering::Relaxed);
            scope.blobs.push(Blob {
                region,
                bytes: value.clone(),
            });
            Some(())
        });
        if placed.is_some() {
            SPLICED.fetch_add(1, Ordering::Relaxed);
            return;
        }
    }
    slot.copy_from_slice(value);
}

/// This thread's [`Scope`] while a message is built; the one it replaced comes back when it
/// ends, even by a panic (whose blobs are then dropped, their regions unmapped).
struct ScopeGuard {
    outer: Option<Option<Scope>>,
}

impl ScopeGuard {
    fn enter() -> ScopeGuard {
        let fresh = Scope {
            expect: None,
            taken: None,
            blobs: Vec::new(),
        };
        let outer = SCOPE.with(|s| s.borrow_mut().replace(fresh));
        ScopeGuard { outer: Some(outer) }
    }

    /// Ends the scope; the `Data` sent in place in it.
    fn exit(mut self) -> Vec<Blob> {
        self.restore().map(|s| s.blobs).unwrap_or_default()
    }

    fn restore(&mut self) -> Option<Scope> {
        let outer = self.outer.take()?;
        SCOPE.with(|s| std::mem::replace(&mut *s.borrow_mut(), outer))
    }
}

impl Drop for ScopeGuard {
    fn drop(&mut self) {
        self.restore();
    }
}

/// capnp's heap allocator, and reserved regions for the segments [`set_data`] asks for.
pub(crate) struct FrameAllocator {
    heap: HeapAllocator,
    /// Each with a flag [`set_data`] raises when the `Data`'s bytes went out in place, so
    /// that only the landing pad was written: such a region goes back to the pool; any other
    /// (the bytes copied into it after all) is unmapped.
    regions: Vec<(Reserved, Arc<AtomicBool>)>,
}

// SAFETY: segments come from capnp's own allocator or from reserved regions, which are
// zero wherever they were not written (`os/reserved.rs`) and at least as long as
// announced; each is released once, the way it was allocated.
unsafe impl Allocator for FrameAllocator {
    fn allocate_segment(&mut self, minimum_size: u32) -> (NonNull<u8>, u32) {
        let wanted = SCOPE.with(|s| {
            s.borrow()
                .as_ref()
                .is_some_and(|scope| scope.expect == Some(minimum_size))
        });
        if wanted {
            if let Some(region) = Reserved::take() {
                let start = region.start();
                let in_place = Arc::new(AtomicBool::new(false));
                SCOPE.with(|s| {
                    if let Some(scope) = s.borrow_mut().as_mut() {
                        scope.expect = None;
                        scope.taken = Some((start.as_ptr() as usize, in_place.clone()));
                    }
                });
                self.regions.push((region, in_place));
                return (start, minimum_size);
            }
        }
        self.heap.allocate_segment(minimum_size)
    }

    unsafe fn deallocate_segment(&mut self, ptr: NonNull<u8>, word_size: u32, words_used: u32) {
        if let Some(i) = self.regions.iter().position(|(r, _)| r.start() == ptr) {
            let (region, in_place) = self.regions.swap_remove(i);
            if in_place.load(Ordering::Relaxed) {
                region.give_back(1);
            }
            return;
        }
        // SAFETY: every other segment came from `self.heap`, with these sizes (the
        // caller's promise).
        unsafe { self.heap.deallocate_segment(ptr, word_size, words_used) }
    }
}

/// A message a thread builds to write itself, with the `Data` it sends in place.
pub(crate) struct SplicedMessage {
    // Dropped before `blobs`: the builder's segments go back while nothing reads them.
    message: Builder<FrameAllocator>,
    blobs: Vec<Blob>,
}

impl SplicedMessage {
    /// An empty message whose first segment has `first_segment_words` words.
    pub(crate) fn new(first_segment_words: u32) -> SplicedMessage {
        let allocator = FrameAllocator {
            heap: HeapAllocator::new().first_segment_words(first_segment_words),
            regions: Vec::new(),
        };
        SplicedMessage {
            message: Builder::new(allocator),
            blobs: Vec::new(),
        }
    }

    /// Runs `build` on the message; with `in_place`, big `Data` it sets with [`set_data`]
    /// is sent from its own memory.
    pub(crate) fn build<R>(
        &mut self,
        in_place: bool,
        build: impl FnOnce(&mut Builder<FrameAllocator>) -> R,
    ) -> R {
        if !in_place {
            return build(&mut self.message);
        }
        let scope = ScopeGuard::enter();
        let result = build(&mut self.message);
        let blobs = scope.exit();
        self.blobs.extend(blobs);
        result
    }

    /// The message's root, to read (a `Data` sent in place reads as zeros).
    pub(crate) fn get_root_as_reader<'a, T: capnp::traits::FromPointerReader<'a>>(
        &'a self,
    ) -> capnp::Result<T> {
        self.message.get_root_as_reader()
    }

    /// The segments as they sit in memory (a `Data` sent in place reads as zeros).
    pub(crate) fn segments(&self) -> Vec<&[u8]> {
        self.message.get_segments_for_output().to_vec()
    }

    /// The bytes to write after the segment table, in order: each segment, a `Data` sent in
    /// place as its landing pad, its bytes and its padding.
    pub(crate) fn parts(&self) -> Vec<&[u8]> {
        let mut parts = Vec::new();
        let segments = self.message.get_segments_for_output();
        for &segment in segments.iter() {
            let blob = self
                .blobs
                .iter()
                .find(|b| b.region == segment.as_ptr() as usize);
            match blob {
                Some(blob) => {
                    let pad = blob.bytes.len().div_ceil(8) * 8 - blob.bytes.len();
                    parts.push(&segment[..8]);
                    parts.push(&blob.bytes[..]);
                    parts.push(&ZEROS[..pad]);
                }
                None => parts.push(segment),
            }
        }
        parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use capnp::message::ReaderOptions;

    /// `len` bytes with a pattern a shifted or partial copy would not match.
    fn pattern(len: usize, seed: u8) -> bytes::Bytes {
        (0..len)
            .map(|i| (i % 251) as u8 ^ seed)
            .collect::<Vec<u8>>()
            .into()
    }

    /// The frame as the gate writes it: the segment table, then the parts.
    fn wire_bytes(m: &SplicedMessage) -> Vec<u8> {
        let mut out = crate::transport::frame::encode_table(&m.segments());
        for part in m.parts() {
            out.extend_from_slice(part);
        }
        out
    }

    /// A list of `Data` holding `blobs`, built with [`set_data`] in a frame's scope.
    fn build(blobs: &[bytes::Bytes], in_place: bool) -> SplicedMessage {
        let mut m = SplicedMessage::new(64);
        m.build(in_place, |b| {
            let root: capnp::any_pointer::Builder<'_> = b.init_root();
            // A list of pointers, as `List(Data)` is.
            let mut list = root
                .initn_as::<capnp::list_list::Builder<'_, capnp::data::Owned>>(blobs.len() as u32);
            for (i, blob) in blobs.iter().enumerate() {
                set_data(blob, |n| list.reborrow().init(i as u32, n));
            }
        });
        m
    }

    fn read_back(wire: &[u8]) -> Vec<Vec<u8>> {
        let message = capnp::serialize::read_message(wire, ReaderOptions::new()).expect("a frame");
        let root: capnp::any_pointer::Reader<'_> = message.get_root().expect("root");
        let list: capnp::data_list::Reader<'_> = root.get_as().expect("a list of Data");
        list.iter().map(|d| d.expect("data").to_vec()).collect()
    }

    #[test]
    fn big_data_goes_out_in_place_and_reads_back_whole() {
        // Big ones of odd lengths (padding), a small one between them.
        let blobs = [
            pattern(SPLICE_BYTES + 3, 1),
            pattern(100, 2),
            pattern(3 * SPLICE_BYTES + 5, 3),
        ];
        let before = data_sent_in_place();
        let m = build(&blobs, true);
        assert_eq!(m.blobs.len(), 2, "the two big ones went in place");
        assert!(data_sent_in_place() >= before + 2);
        let wire = wire_bytes(&m);
        let back = read_back(&wire);
        assert_eq!(back.len(), 3);
        for (got, want) in back.iter().zip(&blobs) {
            assert_eq!(got[..], want[..]);
        }
        // The same bytes as a message built by copying, read by capnp's own reader; and the
        // message in memory holds none of them (its big `Data` reads as zeros).
        let copied = build(&blobs, false);
        assert!(copied.blobs.is_empty());
        assert_eq!(read_back(&wire_bytes(&copied)), back);
        let in_memory = read_back(&capnp::serialize::write_message_segments_to_words(
            &m.message,
        ));
        assert!(in_memory[0].iter().all(|&b| b == 0));
        assert_eq!(in_memory[1][..], blobs[1][..]);
    }

    #[test]
    fn at_most_so_many_go_in_place_in_one_message() {
        let blobs: Vec<bytes::Bytes> = (0..IN_PLACE_PER_MESSAGE + 6)
            .map(|i| pattern(SPLICE_BYTES, i as u8))
            .collect();
        let m = build(&blobs, true);
        assert_eq!(m.blobs.len(), IN_PLACE_PER_MESSAGE);
        assert!(m.segments().len() <= crate::transport::frame::MAX_SEGMENTS);
        let back = read_back(&wire_bytes(&m));
        assert_eq!(back.len(), blobs.len());
        for (got, want) in back.iter().zip(&blobs) {
            assert_eq!(got[..], want[..]);
        }
    }

    #[test]
    fn outside_a_frame_or_under_the_threshold_data_is_copied() {
        let small = pattern(SPLICE_BYTES - 1, 4);
        let m = build(std::slice::from_ref(&small), true);
        assert!(m.blobs.is_empty());
        assert_eq!(read_back(&wire_bytes(&m))[0][..], small[..]);

        // A builder that is no frame's: `set_data` is `set_*`.
        let big = pattern(2 * SPLICE_BYTES, 5);
        let mut plain = capnp::message::Builder::new_default();
        let root: capnp::any_pointer::Builder<'_> = plain.init_root();
        set_data(&big, |n| root.initn_as::<capnp::data::Builder<'_>>(n));
        let words = capnp::serialize::write_message_to_words(&plain);
        let message = capnp::serialize::read_message(&words[..], ReaderOptions::new()).unwrap();
        let d: capnp::data::Reader<'_> = message.get_root().unwrap();
        assert_eq!(d, &big[..]);
    }

    #[test]
    fn a_build_that_panics_leaves_no_scope_behind() {
        let big = pattern(2 * SPLICE_BYTES, 6);
        let caught = std::panic::catch_unwind(|| {
            let mut m = SplicedMessage::new(64);
            m.build(true, |b| {
                let root: capnp::any_pointer::Builder<'_> = b.init_root();
                set_data(&big, |n| root.initn_as::<capnp::data::Builder<'_>>(n));
                panic!("the build fails");
            })
        });
        assert!(caught.is_err());
        assert!(SCOPE.with(|s| s.borrow().is_none()));
        // The next frame on this thread works as before.
        let m = build(std::slice::from_ref(&big), true);
        assert_eq!(read_back(&wire_bytes(&m))[0][..], big[..]);
    }
}
