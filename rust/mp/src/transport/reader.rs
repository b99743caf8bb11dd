//! Reads frames off the socket, one message at a time.
//!
//! A small read-ahead buffer takes what one `read` returns, so a burst of small messages
//! costs one system call; the rest of a message is read straight into its own vector.
//! Memory for a message is taken only once its segment table has arrived and passed the
//! limits, and the kernel commits fresh pages of it only as the bytes land (`buffer.rs`).

use std::rc::Rc;

use crate::transport::buffer::FrameSegments;
use crate::transport::frame;
use crate::transport::socket::Socket;

/// Size of the read-ahead buffer: holds the largest segment table (511 segments).
const READ_AHEAD: usize = 2048;

/// The reading half of a connection.
pub(crate) struct FrameReader {
    socket: Rc<Socket>,
    ahead: Box<[u8]>,
    start: usize,
    end: usize,
}

/// The stream ended inside a message.
pub(crate) fn premature_eof() -> capnp::Error {
    capnp::Error::disconnected("the peer closed the connection inside a message".into())
}

impl FrameReader {
    pub(crate) fn new(socket: Rc<Socket>) -> FrameReader {
        FrameReader {
            socket,
            ahead: vec![0u8; READ_AHEAD].into_boxed_slice(),
            start: 0,
            end: 0,
        }
    }

    /// The socket it reads.
    pub(crate) fn socket(&self) -> &Rc<Socket> {
        &self.socket
    }

    /// Whether nothing of the next message is buffered (a thread may read the socket).
    pub(crate) fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// One read into the empty read-ahead, without waiting: the byte count (0 at the end of
    /// the stream) or `WouldBlock`.
    pub(crate) fn try_fill(&mut self) -> std::io::Result<usize> {
        debug_assert!(self.is_empty());
        self.start = 0;
        self.end = 0;
        let n = self.socket.try_read(&mut self.ahead)?;
        self.end = n;
        Ok(n)
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
async fn read_into(socket: &Socket, buf: &mut [u8]) -> capnp::Result<usize> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use capnp::message::{Builder, HeapAllocator, ReaderOptions};

    fn standard_frame(len: usize, fill: u8) -> Vec<u8> {
        // A small first segment, so that big data lands in a second one.
        let mut m = Builder::new(HeapAllocator::new().first_segment_words(4));
        let root: capnp::any_pointer::Builder<'_> = m.init_root();
        root.initn_as::<capnp::data::Builder<'_>>(len as u32)
            .fill(fill);
        let mut out = Vec::new();
        capnp::serialize::write_message(&mut out, &m).unwrap();
        out
    }

    /// A message's data length and first byte.
    type Seen = (usize, Option<u8>);

    fn read_all(bytes: Vec<u8>) -> Vec<capnp::Result<Option<Seen>>> {
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        b.set_nonblocking(true).unwrap();
        let writer = std::thread::spawn(move || {
            std::io::Write::write_all(&mut &a, &bytes).unwrap();
        });
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let results = rt.block_on(async {
            let mut reader = FrameReader::new(Rc::new(Socket::new(b, true).unwrap()));
            let mut out = Vec::new();
            loop {
                let r = reader.read_frame().await.map(|f| {
                    f.map(|segments| {
                        let m = capnp::message::Reader::new(segments, ReaderOptions::new());
                        let data: capnp::data::Reader<'_> = m.get_root().unwrap();
                        (data.len(), data.first().copied())
                    })
                });
                let stop = !matches!(r, Ok(Some(_)));
                out.push(r);
                if stop {
                    return out;
                }
            }
        });
        writer.join().unwrap();
        results
    }

    #[test]
    fn frames_of_the_standard_writer_are_read_back_then_end_of_stream() {
        let sizes = [0usize, 7, 3000, 500_000, 1];
        let mut bytes = Vec::new();
        for &n in &sizes {
            bytes.extend(standard_frame(n, n as u8));
        }
        let got = read_all(bytes);
        assert_eq!(got.len(), sizes.len() + 1);
        for (r, &n) in got.iter().zip(&sizes) {
            assert_eq!(r.as_ref().unwrap(), &Some((n, (n > 0).then_some(n as u8))));
        }
        assert!(
            matches!(got[sizes.len()], Ok(None)),
            "clean end between messages"
        );
    }

    #[test]
    fn a_stream_ending_inside_a_message_is_an_error() {
        let mut bytes = standard_frame(3000, 1);
        bytes.truncate(bytes.len() - 1);
        let got = read_all(bytes);
        assert_eq!(got.len(), 1);
        let err = got[0].as_ref().unwrap_err();
        assert_eq!(err.kind, capnp::ErrorKind::Disconnected, "{err}");
    }
}
