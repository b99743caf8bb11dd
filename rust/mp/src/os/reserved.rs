//! Address space reserved without memory behind it: regions of the largest message's size,
//! mapped but never touched except at their first word, kept in a small process-wide pool.
//!
//! The transport gives such a region to a message builder as the segment of a big `Data`
//! whose bytes are sent from the caller's own buffer (`transport/spliced.rs`): the builder
//! writes one word there (the landing pad of the far pointer to the data) and nothing else,
//! so the rest of the region never takes a page. A region reads as zeros, as capnp requires
//! of a new segment, and is zeroed again where it was written before it is reused.

use std::ptr::NonNull;
use std::sync::Mutex;

/// Bytes of one region: a whole message at the reader's limit (64 MiB) plus a word, so a
/// `Data` of any size a message may hold fits with its landing pad.
pub(crate) const REGION_BYTES: usize = 64 * 1024 * 1024 + 4096;

/// Regions kept for reuse; more are unmapped when given back.
const KEEP_AT_MOST: usize = 8;

/// Idle regions, as addresses (a `NonNull` is not `Send`).
static POOL: Mutex<Vec<usize>> = Mutex::new(Vec::new());

/// One reserved region, owned by one message at a time.
pub(crate) struct Reserved {
    start: NonNull<u8>,
}

// SAFETY: the region is plain memory owned by this value alone; nothing in it is tied to a
// thread.
unsafe impl Send for Reserved {}

impl Reserved {
    /// A region from the pool, or a new one; `None` if the system refuses the mapping (the
    /// caller then uses ordinary memory).
    pub(crate) fn take() -> Option<Reserved> {
        let pooled = POOL.lock().unwrap_or_else(|e| e.into_inner()).pop();
        if let Some(addr) = pooled {
            return NonNull::new(addr as *mut u8).map(|start| Reserved { start });
        }
        // SAFETY: an anonymous private mapping at an address the kernel picks touches no
        // existing memory; the result is checked before use.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                REGION_BYTES,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return None;
        }
        NonNull::new(p.cast()).map(|start| Reserved { start })
    }

    /// The region's first byte; the region is [`REGION_BYTES`] long and zero wherever it
    /// was not written.
    pub(crate) fn start(&self) -> NonNull<u8> {
        self.start
    }

    /// Gives the region back for reuse after its owner wrote only its first `words` words,
    /// which are zeroed here. A region written further must be [dropped](Drop) instead.
    pub(crate) fn give_back(self, words: usize) {
        let bytes = (words * 8).min(REGION_BYTES);
        // SAFETY: the region is ours, mapped writable and at least `bytes` long.
        unsafe { std::ptr::write_bytes(self.start.as_ptr(), 0, bytes) };
        let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
        if pool.len() < KEEP_AT_MOST {
            pool.push(self.start.as_ptr() as usize);
            std::mem::forget(self);
        }
    }
}

impl Drop for Reserved {
    fn drop(&mut self) {
        // SAFETY: the region was mapped by `take` with this length and is owned by this
        // value alone; nothing refers to it after the drop.
        unsafe { libc::munmap(self.start.as_ptr().cast(), REGION_BYTES) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_reads_as_zeros_again_after_it_is_given_back() {
        let r = Reserved::take().expect("a reservation");
        let p = r.start().as_ptr();
        // SAFETY: the region is ours and at least two words long.
        unsafe {
            p.write(7);
            p.add(8).write(9);
        }
        r.give_back(2);
        // Whichever region comes next (this one, or another from the pool or the system),
        // its first words are zero.
        let r = Reserved::take().expect("a reservation");
        // SAFETY: as above.
        let first = unsafe { std::slice::from_raw_parts(r.start().as_ptr(), 16) };
        assert_eq!(first, &[0u8; 16][..]);
        // Far into the region, untouched memory reads as zero too.
        // SAFETY: the offset is inside the region.
        let far = unsafe { r.start().as_ptr().add(REGION_BYTES - 8).read() };
        assert_eq!(far, 0);
        drop(r);
    }
}
