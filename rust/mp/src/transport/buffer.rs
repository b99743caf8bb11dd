//! Where a received message lives: a word vector for small messages, an anonymous memory
//! mapping for big ones.
//!
//! A mapping is reserved at the size the frame announces, but the kernel gives it memory
//! page by page as the socket's bytes are written into it, so what a peer makes us commit
//! grows with what it actually sends (an announced 64 MiB segment that never arrives costs
//! nothing). The mapping also needs no zeroing pass of ours and goes back to the system
//! whole when the message is dropped. A connection keeps its last big buffer for the next
//! big message (see `SpareBuffer`), which saves the page faults of a fresh one.

use std::cell::Cell;
use std::ptr::NonNull;
use std::rc::{Rc, Weak};

/// Messages of at least this many bytes are read into a mapping; smaller ones into a vector.
pub(crate) const MAPPED_FROM: usize = 64 * 1024;

/// An anonymous private mapping, readable and writable, zero-filled by the kernel.
pub(crate) struct Mapping {
    ptr: NonNull<u8>,
    len: usize,
}

impl Mapping {
    fn new(len: usize) -> std::io::Result<Mapping> {
        // SAFETY: a fresh anonymous mapping with no address hint touches no existing memory;
        // the result is checked before use.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        let ptr = NonNull::new(ptr.cast::<u8>()).ok_or_else(std::io::Error::last_os_error)?;
        Ok(Mapping { ptr, len })
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: the mapping is `len` readable bytes (zero-filled at first) that live as
        // long as `self`.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`, and `&mut self` makes this the only reference.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`len` are exactly what `mmap` returned, and nothing borrows them now.
        unsafe {
            libc::munmap(self.ptr.as_ptr().cast(), self.len);
        }
    }
}

/// A connection's spare big buffer, reused by its next big message.
pub(crate) type SpareBuffer = Rc<Cell<Option<Mapping>>>;

enum Storage {
    Words(Vec<u64>),
    Mapped(Mapping),
}

/// The segments of one received message, in one buffer: `ReaderSegments` for capnp.
pub(crate) struct FrameSegments {
    storage: Storage,
    /// Each segment's (start, end) in words.
    bounds: Vec<(usize, usize)>,
    /// Where a big buffer goes back to when the message is dropped.
    spare: Weak<Cell<Option<Mapping>>>,
}

impl FrameSegments {
    /// A buffer for a message with these segment bounds, taking the connection's spare
    /// buffer when it is big enough.
    pub(crate) fn new(
        bounds: Vec<(usize, usize)>,
        spare: &SpareBuffer,
    ) -> std::io::Result<FrameSegments> {
        let words = bounds.last().map_or(0, |b| b.1);
        let bytes = words * 8;
        let storage = if bytes < MAPPED_FROM {
            Storage::Words(vec![0u64; words])
        } else {
            match spare.take() {
                Some(m) if m.len >= bytes && m.len <= 2 * bytes => Storage::Mapped(m),
                _ => Storage::Mapped(Mapping::new(bytes)?),
            }
        };
        Ok(FrameSegments {
            storage,
            bounds,
            spare: Rc::downgrade(spare),
        })
    }

    /// The bytes of all segments, to be filled from the socket.
    pub(crate) fn bytes_mut(&mut self) -> &mut [u8] {
        let len = self.bounds.last().map_or(0, |b| b.1) * 8;
        match &mut self.storage {
            Storage::Words(v) => {
                let bytes: &mut [u8] = bytemuck_words(v);
                &mut bytes[..len]
            }
            Storage::Mapped(m) => &mut m.bytes_mut()[..len],
        }
    }

    fn bytes(&self) -> &[u8] {
        match &self.storage {
            Storage::Words(v) => {
                // SAFETY: a `u64` slice is valid as bytes, with the same lifetime.
                unsafe { std::slice::from_raw_parts(v.as_ptr().cast::<u8>(), v.len() * 8) }
            }
            Storage::Mapped(m) => m.bytes(),
        }
    }
}

fn bytemuck_words(v: &mut [u64]) -> &mut [u8] {
    // SAFETY: any byte pattern is a valid `u64` and vice versa; same memory and lifetime.
    unsafe { std::slice::from_raw_parts_mut(v.as_mut_ptr().cast::<u8>(), v.len() * 8) }
}

impl capnp::message::ReaderSegments for FrameSegments {
    fn get_segment(&self, idx: u32) -> Option<&[u8]> {
        let (start, end) = *self.bounds.get(idx as usize)?;
        Some(&self.bytes()[start * 8..end * 8])
    }

    fn len(&self) -> usize {
        self.bounds.len()
    }
}

impl Drop for FrameSegments {
    fn drop(&mut self) {
        let storage = std::mem::replace(&mut self.storage, Storage::Words(Vec::new()));
        if let (Storage::Mapped(m), Some(spare)) = (storage, self.spare.upgrade()) {
            // Keep the bigger of the two, so the next message of this size finds one.
            let keep = match spare.take() {
                Some(old) if old.len > m.len => old,
                _ => m,
            };
            spare.set(Some(keep));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use capnp::message::ReaderSegments;

    #[test]
    fn segments_are_views_of_one_buffer_and_big_buffers_are_reused() {
        let spare = SpareBuffer::default();
        let mut small = FrameSegments::new(vec![(0, 1), (1, 3)], &spare).unwrap();
        small.bytes_mut()[8] = 7;
        assert_eq!(small.len(), 2);
        assert_eq!(small.get_segment(1).unwrap().len(), 16);
        assert_eq!(small.get_segment(1).unwrap()[0], 7);
        assert!(small.get_segment(2).is_none());

        let words = MAPPED_FROM; // MAPPED_FROM * 8 bytes
        let mut big = FrameSegments::new(vec![(0, words)], &spare).unwrap();
        let len = big.bytes_mut().len();
        big.bytes_mut()[len - 1] = 9;
        let first = big.get_segment(0).unwrap().as_ptr();
        drop(big);
        let again = FrameSegments::new(vec![(0, words)], &spare).unwrap();
        assert_eq!(again.get_segment(0).unwrap().as_ptr(), first, "reused");
        drop(small);
    }
}
