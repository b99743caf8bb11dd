//! Reads frames off the socket, one message at a time.
//!
//! A small read-ahead buffer takes what one `read` returns, so a burst of small messages
//! costs one system call; the rest of a message is read straight into its own vector.
//! Memory for a message is taken only once its segment table has arrived and passed the
//! limits, and the kernel commits fresh pages of it only as the bytes land (`buffer.rs`).

use std::rc::Rc;

use crate::transport::buffer::FrameSegments;
use crate::transport::frame;

/// Size of the read-ahead buffer: holds the largest segment table (511 segments).
const READ_AHEAD: usize = 2048;

/// The reading half of a connection.
pub(crate) struct FrameReader {
    socket: Rc<tokio::net::UnixStream>,
    ahead: Box<[u8]>,
    start: usize,
    end: usize,
}

fn premature_eof() -> capnp::Error {
    capnp::Error::disconnected("the peer closed the connection inside a message".into())
}

impl FrameReader {
    pub(crate) fn new(socket: Rc<tokio::net::UnixStream>) -> FrameReader {
        FrameReader {
            socket,
            ahead: vec![0u8; READ_AHEAD].into_boxed_slice(),
            start: 0,
            end: 0,
        }
    }

    /// Reads the next message; `None` when the peer closed the connection between messages.
    pub(crate) async fn read_frame(&mut self) -> capnp::Result<Option<FrameSegments>> {
        if !self.buffer_at_least(8).await? {
            return if self.start == self.end {
                Ok(None)
            } else {
                Err(premature_eof())
            };
        }
        let first: [u8; 8] = self.ahead[self.start..self.start + 8]
            .try_into()
            .expect("8 bytes");
        let (count, _) = frame::parse_first_word(&first)?;
        let table_len = frame::table_len(count);
        if !self.buffer_at_least(table_len).await? {
            return Err(premature_eof());
        }
        let bounds = frame::parse_table(&self.ahead[self.start..self.start + table_len])?;
        self.start += table_len;
        let mut segments = FrameSegments::new(bounds);
        // What the read-ahead already holds, then the rest straight from the socket.
        self.start += segments.fill_from(&self.ahead[self.start..self.end]);
        while segments.missing() > 0 {
            match segments.read_from(&self.socket) {
                Ok(0) => return Err(premature_eof()),
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    self.socket.readable().await.map_err(io_error)?;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io_error(e)),
            }
        }
        Ok(Some(segments))
    }

    /// Reads until the read-ahead holds `n` bytes; false at end of stream.
    async fn buffer_at_least(&mut self, n: usize) -> capnp::Result<bool> {
        debug_assert!(n <= READ_AHEAD);
        if self.end - self.start >= n {
            return Ok(true);
        }
        if self.start > 0 {
            self.ahead.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        while self.end < n {
            let got = read_into(&self.socket, &mut self.ahead[self.end..]).await?;
            if got == 0 {
                return Ok(false);
            }
            self.end += got;
        }
        Ok(true)
    }
}

/// One `read` into `buf`, waiting until the socket has something.
async fn read_into(socket: &tokio::net::UnixStream, buf: &mut [u8]) -> capnp::Result<usize> {
    loop {
        match socket.try_read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(e)),
        }
        socket.readable().await.map_err(io_error)?;
    }
}

/// A socket error as capnp sees it: a reset or broken pipe is a disconnect.
pub(crate) fn io_error(e: std::io::Error) -> capnp::Error {
    use std::io::ErrorKind::*;
    match e.kind() {
        ConnectionReset | BrokenPipe | ConnectionAborted | UnexpectedEof => {
            capnp::Error::disconnected(e.to_string())
        }
        _ => capnp::Error::failed(e.to_string()),
    }
}
