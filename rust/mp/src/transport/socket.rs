//! A connection's socket as the loop watches it: for reading always, for writing only while
//! a write is held up.
//!
//! Why not `tokio::net::UnixStream`: it registers the fd for both directions, edge-triggered,
//! and a Unix socket signals "writable" each time the peer reads what we sent. So every
//! message the peer took woke our loop thread for nothing, once per message in each process.
//! On a machine whose cores are busy each wake-up costs about as much as a process hop, which
//! made a plain call pay a third of a hop more (doc/performance.md). Here the fd is registered
//! for reading only; a second registration, on a duplicate of the fd (epoll keys each
//! registration by fd number, so both may exist), watches for writability from the first
//! write that would block until the writer's queue is empty again.

use std::cell::RefCell;
use std::io;
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::rc::Rc;

use tokio::io::unix::AsyncFd;
use tokio::io::Interest;

/// A non-blocking Unix stream socket registered with the current tokio runtime.
pub(crate) struct Socket {
    read: AsyncFd<UnixStream>,
    /// Present while a write is held up: a duplicate fd registered for writability.
    write: RefCell<Option<Rc<AsyncFd<OwnedFd>>>>,
}

impl Socket {
    /// Registers `stream` (already non-blocking) for reading; must run inside the runtime.
    pub(crate) fn new(stream: UnixStream) -> io::Result<Socket> {
        Ok(Socket {
            read: register(stream, Interest::READABLE)?,
            write: RefCell::new(None),
        })
    }

    /// The fd, for system calls made on it directly.
    pub(crate) fn fd(&self) -> RawFd {
        self.read.get_ref().as_raw_fd()
    }

    /// Runs a read `f`; a `WouldBlock` from it clears the readiness [`readable`] waits for.
    ///
    /// [`readable`]: Socket::readable
    pub(crate) fn try_read_io<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        self.read.try_io(Interest::READABLE, |_| f())
    }

    /// One `read` into `buf`; `WouldBlock` if nothing is there.
    pub(crate) fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        use std::io::Read;
        self.read.try_io(Interest::READABLE, |mut s| s.read(buf))
    }

    /// Waits until the socket may have something to read (or the peer closed).
    pub(crate) async fn readable(&self) -> io::Result<()> {
        self.read.readable().await.map(drop)
    }

    /// Runs a write `f`; a `WouldBlock` from it clears the readiness [`writable`] waits for.
    ///
    /// [`writable`]: Socket::writable
    pub(crate) fn try_write_io<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        match &*self.write.borrow() {
            Some(w) => w.try_io(Interest::WRITABLE, |_| f()),
            None => f(),
        }
    }

    /// Waits until a write may succeed, watching for writability from now on (until
    /// [`write_caught_up`]). Registering reports a socket that is writable already, so no
    /// change between the failed write and this call is missed.
    ///
    /// [`write_caught_up`]: Socket::write_caught_up
    pub(crate) async fn writable(&self) -> io::Result<()> {
        let registered = self.write.borrow().clone();
        let w = match registered {
            Some(w) => w,
            None => {
                let dup = self.read.get_ref().as_fd().try_clone_to_owned()?;
                let w = Rc::new(register(dup, Interest::WRITABLE)?);
                *self.write.borrow_mut() = Some(w.clone());
                w
            }
        };
        w.writable().await.map(drop)
    }

    /// Everything queued is written: stop watching for writability.
    pub(crate) fn write_caught_up(&self) {
        self.write.borrow_mut().take();
    }

    /// Shuts the socket down for writing (the peer reads end-of-stream), keeping it open.
    pub(crate) fn shutdown_write(&self) {
        let _ = self.read.get_ref().shutdown(std::net::Shutdown::Write);
    }
}

/// Registers an fd owner with the current runtime for `interest`.
fn register<T: AsRawFd>(owner: T, interest: Interest) -> io::Result<AsyncFd<T>> {
    // SAFETY: `owner` is a `UnixStream` or an `OwnedFd`: it owns its fd, keeps it open until
    // it is dropped (which the `AsyncFd` does only after deregistering) and always returns
    // that same fd.
    Ok(unsafe { AsyncFd::register_with_interest(owner, interest) }?)
}
