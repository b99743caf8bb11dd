//! Messages as segments: C++'s `MallocMessageBuilder` output read in place by Rust, and
//! Rust-owned messages whose segments C++ reads with `SegmentArrayMessageReader`.

use capnp::any_pointer;
use capnp::message::{Builder, HeapAllocator, Reader, ReaderOptions, SegmentArray};

use crate::ffi::Segment;

/// Messages between C++ and Rust in one process are built by our own code, so the reader
/// limits only guard against mistakes: the peer-facing limits are the core's size checks.
pub(crate) fn reader_options() -> ReaderOptions {
    *ReaderOptions::new()
        .traversal_limit_in_words(Some(1 << 30))
        .nesting_limit(256)
}

/// Borrows C++ segments as byte slices.
///
/// # Safety
/// Each segment must point to `size` readable bytes (a whole number of 8-byte words, 8-byte
/// aligned) that stay alive and unchanged while the returned slices are used.
pub(crate) unsafe fn borrow(segments: &[Segment]) -> Vec<&[u8]> {
    segments
        .iter()
        .map(|s| {
            if s.size == 0 {
                &[][..]
            } else {
                // SAFETY: the caller guarantees the pointer and length (see above).
                unsafe { std::slice::from_raw_parts(s.data, s.size) }
            }
        })
        .collect()
}

/// The addresses of C++ segments, to carry into a `Send + 'static` closure that runs while the
/// C++ owner is blocked waiting for it (a client call's `build` step).
pub(crate) struct SegmentAddresses(Vec<(usize, usize)>);

impl SegmentAddresses {
    pub(crate) fn of(segments: &[Segment]) -> Self {
        SegmentAddresses(segments.iter().map(|s| (s.data as usize, s.size)).collect())
    }

    /// The segments as slices.
    ///
    /// # Safety
    /// As for [`borrow`]: the memory must still be alive and unchanged, which holds while the
    /// C++ caller that owns it is blocked in the call these addresses were taken for.
    pub(crate) unsafe fn slices<'a>(&self) -> Vec<&'a [u8]> {
        self.0
            .iter()
            .map(|&(data, size)| {
                if size == 0 {
                    &[][..]
                } else {
                    // SAFETY: guaranteed by the caller (see above).
                    unsafe { std::slice::from_raw_parts(data as *const u8, size) }
                }
            })
            .collect()
    }
}

/// A reader over borrowed segments.
pub(crate) fn read<'a>(slices: &'a [&'a [u8]]) -> Reader<SegmentArray<'a>> {
    Reader::new(SegmentArray::new(slices), reader_options())
}

/// The segments of a Rust-built message, as C++ reads them.
pub(crate) fn of_builder(message: &Builder<HeapAllocator>) -> Vec<Segment> {
    message
        .get_segments_for_output()
        .iter()
        .map(|s| Segment {
            data: s.as_ptr(),
            size: s.len(),
        })
        .collect()
}

/// A fresh message sized for `source`, with `source` copied in and its capabilities
/// collected in `caps`.
pub(crate) fn copy(
    source: any_pointer::Reader<'_>,
    caps: &mut capnp::private::layout::CapTable,
) -> capnp::Result<Builder<HeapAllocator>> {
    use capnp::traits::ImbueMut;
    let words = source.target_size()?.word_count + 1;
    let first = u32::try_from(words).unwrap_or(u32::MAX);
    let mut message = Builder::new(HeapAllocator::new().first_segment_words(first));
    {
        let mut root: any_pointer::Builder<'_> = message.init_root();
        root.imbue_mut(caps);
        root.set_as(source)?;
    }
    Ok(message)
}
