//! A whole frame read off the socket by a thread that waits for its reply (`read_share.rs`):
//! the loop's limits and error texts, without the loop's buffering, since the thread must
//! leave the socket at a frame boundary.

use std::os::fd::RawFd;

use crate::transport::buffer::FrameSegments;
use crate::transport::frame;
use crate::transport::read_share::ReadShare;
use crate::transport::reader::{io_error, premature_eof};

/// Reads one whole frame off the non-blocking socket `fd` for a thread: `None` if nothing
/// of it has come yet; once its first byte is in, waits for the rest. `Err(Ok(()))` is the
/// end of the stream between frames, `Err(Err(_))` a broken one.
pub(crate) fn read_frame(
    fd: RawFd,
    share: &ReadShare,
) -> Result<Option<FrameSegments>, capnp::Result<()>> {
    let mut first = [0u8; 8];
    match read_some(fd, &mut first) {
        Ok(0) => return Err(Ok(())),
        Ok(n) => read_exact(fd, &mut first[n..], share).map_err(Err)?,
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return Ok(None),
        Err(e) => return Err(Err(io_error(e))),
    }
    let (count, _) = frame::parse_first_word(&first).map_err(Err)?;
    let mut table = vec![0u8; frame::table_len(count)];
    table[..8].copy_from_slice(&first);
    read_exact(fd, &mut table[8..], share).map_err(Err)?;
    let bounds = frame::parse_table(&table).map_err(Err)?;
    let mut segments = FrameSegments::new(bounds);
    while segments.missing() > 0 {
        match segments.read_fd(fd) {
            Ok(0) => return Err(Err(premature_eof())),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                wait_readable(fd, share).map_err(Err)?
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Err(io_error(e))),
        }
    }
    Ok(Some(segments))
}

/// One `read` into `buf` (retried if interrupted).
fn read_some(fd: RawFd, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        // SAFETY: writes at most `buf.len()` bytes into `buf`; the caller keeps `fd` open.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// Fills `buf` from `fd`, waiting as needed.
fn read_exact(fd: RawFd, mut buf: &mut [u8], share: &ReadShare) -> capnp::Result<()> {
    while !buf.is_empty() {
        match read_some(fd, buf) {
            Ok(0) => return Err(premature_eof()),
            Ok(n) => buf = &mut buf[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => wait_readable(fd, share)?,
            Err(e) => return Err(io_error(e)),
        }
    }
    Ok(())
}

/// Waits until `fd` has bytes, has ended or has failed (the rest of a frame), or the
/// connection was closed on this side meanwhile (then the frame is of no use).
fn wait_readable(fd: RawFd, share: &ReadShare) -> capnp::Result<()> {
    loop {
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd for the call.
        let n = unsafe { libc::poll(&mut pfd, 1, CLOSED_CHECK_MS) };
        if n != 0 {
            return Ok(());
        }
        if share.closed() {
            return Err(capnp::Error::disconnected(
                "the connection is closed".into(),
            ));
        }
    }
}

/// How often a thread waiting for the rest of a frame checks that the connection is open.
const CLOSED_CHECK_MS: libc::c_int = 100;
