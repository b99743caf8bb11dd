//! Where a received message lives: one word vector per message, filled from the socket.
//!
//! The vector is allocated at the size the segment table announces but not initialized:
//! the socket's bytes are read straight into its spare capacity, so the kernel commits
//! fresh pages only as bytes land, and no zeroing pass runs over them (an announced 64 MiB
//! segment that never arrives costs address space, not memory).
//!
//! Big vectors were at first not kept for the next message: with the decoded `Vec` of
//! each `Data` (one spare per connection), glibc trimmed and re-faulted the other big buffers
//! of a call on every call, and 16 MiB echoes got slower. Now that `Data` shares the receive
//! buffer instead, keeping freed big vectors as spares is what avoids the trimming
//! (`shared_buffers.rs`).
//!
//! Once filled, a vector of [`REGISTER_BYTES`] or more moves into an `Arc` (`shared_buffers.rs`)
//! so that decoded `Data` can share it instead of copying out of it; freed, it is kept as a
//! spare for the next big message (`shared_buffers.rs` says why that now helps).

use std::sync::Arc;

use crate::transport::shared_buffers::{vector_for, SharedWords, REGISTER_BYTES};
use crate::transport::socket::Socket;

/// The segments of one received message, in one vector: `ReaderSegments` for capnp.
pub(crate) struct FrameSegments {
    /// Empty while filling (the bytes are in its spare capacity); whole once filled, unless
    /// the message is big: then empty again, and the words are in `shared`.
    words: Vec<u64>,
    /// A big message's words once filled.
    shared: Option<Arc<SharedWords>>,
    /// Words in the message.
    total: usize,
    /// Bytes received so far.
    filled: usize,
    /// Each segment's (start, end) in words.
    bounds: Vec<(usize, usize)>,
}

impl FrameSegments {
    /// An unfilled message with these segment bounds.
    pub(crate) fn new(bounds: Vec<(usize, usize)>) -> FrameSegments {
        let total = bounds.last().map_or(0, |b| b.1);
        FrameSegments {
            words: if total * 8 >= REGISTER_BYTES {
                vector_for(total)
            } else {
                Vec::with_capacity(total)
            },
            shared: None,
            total,
            filled: 0,
            bounds,
        }
    }

    /// Bytes still to receive.
    pub(crate) fn missing(&self) -> usize {
        self.total * 8 - self.filled
    }

    /// Takes what it still needs from the front of `bytes`; returns how many it took.
    pub(crate) fn fill_from(&mut self, bytes: &[u8]) -> usize {
        let n = bytes.len().min(self.missing());
        // SAFETY: the vector's capacity holds `total` words, so `filled + n <= total * 8`
        // bytes from its start are inside the allocation; `bytes` is another object.
        unsafe {
            let dst = self.words.as_mut_ptr().cast::<u8>().add(self.filled);
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), dst, n);
        }
        self.advance(n);
        n
    }

    /// One `read` from `socket` into the missing part; `WouldBlock` if nothing is there.
    pub(crate) fn read_from(&mut self, socket: &Socket) -> std::io::Result<usize> {
        let fd = socket.fd();
        // `fd` stays open while `socket` is borrowed.
        let n = socket.try_read_io(|| self.read_fd(fd))?;
        Ok(n)
    }

    /// One `read` from the open socket `fd` into the missing part.
    pub(crate) fn read_fd(&mut self, fd: std::os::fd::RawFd) -> std::io::Result<usize> {
        let missing = self.missing();
        // SAFETY: `read` writes at most `missing` bytes at offset `filled` of the vector's
        // capacity, which holds `total * 8` bytes (see `fill_from`); uninitialized memory
        // may be written to, and the bytes count as initialized only once all are read. The
        // caller keeps `fd` open.
        let n = unsafe {
            let dst = self.words.as_mut_ptr().cast::<u8>().add(self.filled);
            libc::read(fd, dst.cast(), missing)
        };
        if n < 0 {
            return Err(std::io::Error::last_os_error());
        }
        self.advance(n as usize);
        Ok(n as usize)
    }

    fn advance(&mut self, n: usize) {
        self.filled += n;
        if self.filled == self.total * 8 {
            // SAFETY: all `total` words have been written (by `fill_from` and `read_from`).
            unsafe { self.words.set_len(self.total) };
            if self.total * 8 >= REGISTER_BYTES {
                self.shared = Some(SharedWords::new(std::mem::take(&mut self.words)));
            }
        }
    }

    fn bytes(&self) -> &[u8] {
        if let Some(shared) = &self.shared {
            return shared.bytes();
        }
        // SAFETY: a `u64` slice is valid as bytes, with the same lifetime; before the message
        // is filled `words` is empty.
        unsafe {
            std::slice::from_raw_parts(self.words.as_ptr().cast::<u8>(), self.words.len() * 8)
        }
    }
}

impl capnp::message::ReaderSegments for FrameSegments {
    fn get_segment(&self, idx: u32) -> Option<&[u8]> {
        let (start, end) = *self.bounds.get(idx as usize)?;
        self.bytes().get(start * 8..end * 8)
    }

    fn len(&self) -> usize {
        self.bounds.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use capnp::message::ReaderSegments;

    #[test]
    fn segments_are_views_of_one_vector_filled_in_pieces() {
        let mut m = FrameSegments::new(vec![(0, 1), (1, 3)]);
        assert!(
            m.get_segment(0).is_none(),
            "nothing readable before it is filled"
        );
        let mut bytes = [0u8; 24];
        bytes[8] = 7;
        assert_eq!(m.fill_from(&bytes[..10]), 10);
        assert_eq!(m.missing(), 14);
        assert_eq!(m.fill_from(&bytes[10..]), 14);
        assert_eq!(m.fill_from(&bytes), 0);
        assert_eq!(m.len(), 2);
        assert_eq!(m.get_segment(0).unwrap().len(), 8);
        assert_eq!(m.get_segment(1).unwrap().len(), 16);
        assert_eq!(m.get_segment(1).unwrap()[0], 7);
        assert!(m.get_segment(2).is_none());
    }

    #[test]
    fn a_message_is_read_from_a_socket_into_its_vector() {
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        b.set_nonblocking(true).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .unwrap();
        rt.block_on(async {
            let b = Socket::new(b, false).unwrap();
            let mut m = FrameSegments::new(vec![(0, 2)]);
            assert_eq!(
                m.read_from(&b).unwrap_err().kind(),
                std::io::ErrorKind::WouldBlock
            );
            std::io::Write::write_all(&mut &a, &[5u8; 16]).unwrap();
            b.readable().await.unwrap();
            assert_eq!(m.read_from(&b).unwrap(), 16);
            assert_eq!(m.get_segment(0).unwrap(), &[5u8; 16]);
        });
    }

    #[test]
    fn a_big_message_is_shared_once_filled_and_its_data_decodes_without_a_copy() {
        use crate::transport::shared_buffers::{data_to_bytes, serial_test, SHARE_BYTES};
        let _serial = serial_test();
        let words = REGISTER_BYTES / 8;
        let mut m = FrameSegments::new(vec![(0, words)]);
        let bytes: Vec<u8> = (0..REGISTER_BYTES).map(|i| i as u8).collect();
        assert_eq!(m.fill_from(&bytes[..100]), 100);
        assert!(m.shared.is_none(), "not shared while filling");
        m.fill_from(&bytes[100..]);
        let segment = m.get_segment(0).unwrap();
        assert_eq!(segment, &bytes[..]);
        let data = data_to_bytes(&segment[8..8 + SHARE_BYTES * 4]);
        assert_eq!(data.as_ptr(), segment[8..].as_ptr(), "shared, not copied");
        let weak = Arc::downgrade(m.shared.as_ref().unwrap());
        drop(m);
        assert_eq!(
            &data[..],
            &bytes[8..8 + SHARE_BYTES * 4],
            "alive after the message"
        );
        drop(data);
        assert!(weak.upgrade().is_none(), "freed with the last Bytes");
    }

    #[test]
    fn a_small_message_stays_in_its_vector() {
        let mut m = FrameSegments::new(vec![(0, REGISTER_BYTES / 8 - 1)]);
        m.fill_from(&vec![1u8; REGISTER_BYTES]);
        assert!(m.shared.is_none());
        assert_eq!(m.get_segment(0).unwrap().len(), REGISTER_BYTES - 8);
    }
}
