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
//!
//! **Watched through an epoll of its own.** Where threads may read, the loop does not
//! register the socket itself but a private epoll instance holding it ([`ReadWatch`]): a
//! thread waiting for the reply of its direct call, or a worker waiting for its next call
//! (`served.rs`), can then switch the loop's watch off while it reads the socket itself
//! (`read_share.rs`), so that the message wakes that thread alone. Registered with tokio
//! directly, the socket would wake the loop thread for every message whether or not the
//! loop wanted to read. A connecting side makes the epoll at once; a serving side registers
//! the socket directly, which spends no second fd, until a worker would read it
//! ([`Socket::enable_threads`]).

use std::cell::Cell;
use std::cell::RefCell;
use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use tokio::io::unix::AsyncFd;
use tokio::io::Interest;

/// A non-blocking Unix stream socket registered with the current tokio runtime.
pub(crate) struct Socket {
    /// The loop's watch for readability (the socket or the private epoll), registered with
    /// tokio; replaced once if threads are let in later ([`enable_threads`]).
    ///
    /// [`enable_threads`]: Socket::enable_threads
    read: RefCell<Rc<AsyncFd<Watched>>>,
    /// The socket, and the private epoll if any (shared with reading threads).
    watch: Arc<ReadWatch>,
    /// Whether the loop watches the private epoll, so that threads may read the socket.
    for_threads: Cell<bool>,
    /// Present while a write is held up: a duplicate fd registered for writability.
    write: RefCell<Option<Rc<AsyncFd<OwnedFd>>>>,
}

impl Socket {
    /// Registers `stream` (already non-blocking) for reading; must run inside the runtime.
    /// `for_threads`: through a private epoll, so that threads may read it (see above), if
    /// one can be made.
    pub(crate) fn new(stream: UnixStream, for_threads: bool) -> io::Result<Socket> {
        let watch = Arc::new(ReadWatch {
            socket: stream,
            epoll: OnceLock::new(),
        });
        // Out of fds (or kernel memory) for the epoll: the loop watches the socket itself,
        // and no thread reads it. The connection works as before, only without that
        // shortcut.
        let epoll = for_threads.then(|| watch.make_epoll().ok()).flatten();
        let fd = epoll.unwrap_or_else(|| watch.socket());
        let watched = Watched {
            _watch: watch.clone(),
            fd,
        };
        let read = register(watched, Interest::READABLE)?;
        Ok(Socket {
            read: RefCell::new(Rc::new(read)),
            watch,
            for_threads: Cell::new(epoll.is_some()),
            write: RefCell::new(None),
        })
    }

    /// Lets threads read the socket from now on, if they may not yet: the loop watches a
    /// private epoll holding the socket instead of the socket. On the loop thread, while
    /// nothing waits on the watch (between reads). `None` if no epoll can be made.
    pub(crate) fn enable_threads(&self) -> Option<Arc<ReadWatch>> {
        if !self.for_threads.get() {
            let epoll = self.watch.make_epoll().ok()?;
            let watched = Watched {
                _watch: self.watch.clone(),
                fd: epoll,
            };
            let read = register(watched, Interest::READABLE).ok()?;
            // The old registration, of the socket's fd, goes with the old `AsyncFd`.
            *self.read.borrow_mut() = Rc::new(read);
            self.for_threads.set(true);
        }
        self.watch()
    }

    fn read(&self) -> Rc<AsyncFd<Watched>> {
        self.read.borrow().clone()
    }

    /// The fd, for system calls made on it directly.
    pub(crate) fn fd(&self) -> RawFd {
        self.watch.socket()
    }

    /// The watch, for threads that read the socket themselves (if made for them).
    pub(crate) fn watch(&self) -> Option<Arc<ReadWatch>> {
        self.for_threads.get().then(|| self.watch.clone())
    }

    /// Runs a read `f`; a `WouldBlock` from it clears the readiness [`readable`] waits for.
    ///
    /// `f` runs even when tokio does not know the socket readable: a thread that read the
    /// socket (`read_share.rs`) may have left bytes that did not wake the loop's watch.
    ///
    /// [`readable`]: Socket::readable
    pub(crate) fn try_read_io<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match self.read().poll_read_ready(&mut cx) {
            std::task::Poll::Ready(Ok(mut guard)) => match guard.try_io(|_| f()) {
                Ok(result) => result,
                Err(_would_block) => Err(io::ErrorKind::WouldBlock.into()),
            },
            std::task::Poll::Ready(Err(e)) => Err(e),
            std::task::Poll::Pending => f(),
        }
    }

    /// One `read` into `buf`; `WouldBlock` if nothing is there.
    pub(crate) fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        use std::io::Read;
        self.try_read_io(|| (&self.watch.socket).read(buf))
    }

    /// Forgets that the socket was readable: [`readable`](Self::readable) waits for news.
    pub(crate) fn clear_read_ready(&self) {
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        if let std::task::Poll::Ready(Ok(mut guard)) = self.read().poll_read_ready(&mut cx) {
            guard.clear_ready();
        }
    }

    /// Waits until the socket may have something to read (or the peer closed).
    pub(crate) async fn readable(&self) -> io::Result<()> {
        self.read().readable().await.map(drop)
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
                let dup = self.watch.socket.as_fd().try_clone_to_owned()?;
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
        let _ = self.watch.socket.shutdown(std::net::Shutdown::Write);
    }
}

/// Registers an fd owner with the current runtime for `interest`.
fn register<T: AsRawFd>(owner: T, interest: Interest) -> io::Result<AsyncFd<T>> {
    // SAFETY: `owner` is a `UnixStream` or an `OwnedFd`: it owns its fd, keeps it open until
    // it is dropped (which the `AsyncFd` does only after deregistering) and always returns
    // that same fd.
    Ok(unsafe { AsyncFd::register_with_interest(owner, interest) }?)
}

/// The socket, and the private epoll that the loop watches, holding it, once threads may
/// read; shared with threads that read the socket themselves. The socket closes when the
/// last holder lets go, so a thread never reads or polls a closed (or reused) fd number.
pub(crate) struct ReadWatch {
    socket: UnixStream,
    epoll: OnceLock<OwnedFd>,
}

/// What the loop registers with tokio: the private epoll or the socket, held open by the
/// watch; the fd is fixed, so that the registration is undone for the fd it was made for.
struct Watched {
    /// Holds the fd open while registered.
    _watch: Arc<ReadWatch>,
    fd: RawFd,
}

impl AsRawFd for Watched {
    fn as_raw_fd(&self) -> RawFd {
        self.fd
    }
}

/// What the private epoll watches the socket for while the loop reads it.
const WATCHED: u32 = (libc::EPOLLIN | libc::EPOLLRDHUP) as u32;

impl ReadWatch {
    /// Makes the private epoll, holding the socket (once); returns its fd.
    fn make_epoll(&self) -> io::Result<RawFd> {
        if let Some(epoll) = self.epoll.get() {
            return Ok(epoll.as_raw_fd());
        }
        // SAFETY: no memory is passed; the new fd is owned from here on.
        let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a fresh fd that nothing else owns.
        let epoll = unsafe { OwnedFd::from_raw_fd(fd) };
        let mut event = libc::epoll_event {
            events: WATCHED,
            u64: 0,
        };
        // SAFETY: both fds are open; `event` lives across the call.
        let r = unsafe {
            libc::epoll_ctl(
                epoll.as_raw_fd(),
                libc::EPOLL_CTL_ADD,
                self.socket.as_raw_fd(),
                &mut event,
            )
        };
        if r < 0 {
            return Err(io::Error::last_os_error());
        }
        let _ = self.epoll.set(epoll);
        Ok(fd)
    }

    /// The socket's fd (open as long as this watch).
    pub(crate) fn socket(&self) -> RawFd {
        self.socket.as_raw_fd()
    }

    /// Stops the loop's watch: the socket's bytes no longer wake the loop.
    pub(crate) fn pause(&self) -> io::Result<()> {
        self.control(libc::EPOLL_CTL_MOD, 0)
    }

    /// Starts the loop's watch again. Bytes already waiting may not wake the loop: the
    /// caller checks for them ([`has_bytes`](Self::has_bytes)) and wakes it itself.
    pub(crate) fn resume(&self) -> io::Result<()> {
        self.control(libc::EPOLL_CTL_MOD, WATCHED)
    }

    /// Whether the socket has bytes to read (or has ended).
    pub(crate) fn has_bytes(&self) -> bool {
        let mut fds = libc::pollfd {
            fd: self.socket(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd for the call; no timeout.
        let n = unsafe { libc::poll(&mut fds, 1, 0) };
        n != 0
    }

    fn control(&self, op: libc::c_int, events: u32) -> io::Result<()> {
        let Some(epoll) = self.epoll.get() else {
            return Err(io::Error::other("the socket is watched without an epoll"));
        };
        let mut event = libc::epoll_event { events, u64: 0 };
        // SAFETY: both fds are open (owned by this watch); `event` lives across the call.
        let r =
            unsafe { libc::epoll_ctl(epoll.as_raw_fd(), op, self.socket.as_raw_fd(), &mut event) };
        if r < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(())
        }
    }
}
