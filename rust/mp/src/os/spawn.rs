//! Spawning a child process connected by a socketpair, with the original's conventions: the
//! child's end of the pair is passed as a decimal fd number in argv.

use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;

use crate::os::error::{Error, Result};

/// A socketpair whose ends are both close-on-exec.
pub fn socket_pair() -> Result<(UnixStream, UnixStream)> {
    // std creates the pair with SOCK_CLOEXEC: the same result as the original's fcntl calls.
    Ok(UnixStream::pair()?)
}

/// Starts a child connected to this process. `make_argv` receives the child's fd number as a
/// decimal string and returns the whole argv (`argv[0]` is the program, searched in PATH like
/// `execvp`). Returns the child's pid and this process's end of the socket.
pub fn spawn_process(make_argv: impl FnOnce(String) -> Vec<String>) -> Result<(i32, UnixStream)> {
    let (parent_end, child_end) = socket_pair()?;
    let child_fd: RawFd = child_end.as_raw_fd();
    let argv = make_argv(child_fd.to_string());
    if argv.is_empty() {
        return Err(Error::invalid_argument("spawn_process: empty argv"));
    }
    let c_args: Vec<CString> = argv
        .iter()
        .map(|a| CString::new(a.as_bytes()))
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| Error::invalid_argument("spawn_process: argv contains a NUL byte"))?;
    let mut c_ptrs: Vec<*const libc::c_char> = c_args.iter().map(|a| a.as_ptr()).collect();
    c_ptrs.push(std::ptr::null());
    let max_fd = max_open_fds();
    let parent_fd = parent_end.as_raw_fd();
    // SAFETY: fork has no preconditions. In the child only async-signal-safe calls follow
    // (close, fcntl, execvp, write, _exit) on memory prepared before the fork.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    if pid == 0 {
        // SAFETY: see above; this is the child and it either execs or exits.
        unsafe { exec_child(parent_fd, child_fd, max_fd, &c_ptrs) }
    }
    drop(child_end);
    Ok((pid, parent_end))
}

fn max_open_fds() -> RawFd {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid, writable rlimit.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    if rc != 0 || limit.rlim_cur == libc::RLIM_INFINITY {
        return 1024;
    }
    RawFd::try_from(limit.rlim_cur).unwrap_or(1024).min(65536)
}

/// The child side of `spawn_process`.
///
/// # Safety
/// Must only be called in a freshly forked child; never returns.
unsafe fn exec_child(
    parent_fd: RawFd,
    child_fd: RawFd,
    max_fd: RawFd,
    argv: &[*const libc::c_char],
) -> ! {
    fn fail(msg: &[u8], code: i32) -> ! {
        // SAFETY: write and _exit are async-signal-safe; `msg` is a valid buffer.
        unsafe {
            libc::write(2, msg.as_ptr().cast(), msg.len());
            libc::_exit(code)
        }
    }
    // SAFETY: plain syscalls on fd numbers; errors are handled by exiting.
    unsafe {
        libc::close(parent_fd);
        for fd in 3..max_fd {
            if fd != child_fd {
                libc::close(fd);
            }
        }
        let flags = libc::fcntl(child_fd, libc::F_GETFD);
        if flags < 0 || libc::fcntl(child_fd, libc::F_SETFD, flags & !libc::FD_CLOEXEC) < 0 {
            fail(b"spawn_process: cannot clear FD_CLOEXEC\n", 126);
        }
        libc::execvp(argv[0], argv.as_ptr());
        libc::perror(c"execvp failed".as_ptr());
        libc::_exit(127)
    }
}

/// In a spawned child: the socket whose fd number the parent passed (`argv[1]` in the example
/// programs). Parsed like `std::stoi`: leading whitespace is skipped, trailing text ignored.
pub fn start_spawned(connect_info: &str) -> Result<UnixStream> {
    let trimmed = connect_info.trim_start();
    let digits_end = trimmed
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && (c == '-' || c == '+'))))
        .map_or(trimmed.len(), |(i, _)| i);
    let fd: RawFd = trimmed[..digits_end].parse().map_err(|_| {
        Error::invalid_argument(format!(
            "StartSpawned: invalid connect_info '{connect_info}'"
        ))
    })?;
    if fd < 0 {
        return Err(Error::invalid_argument(format!(
            "StartSpawned: invalid connect_info '{connect_info}'"
        )));
    }
    // SAFETY: an all-zero `stat` is a valid value of this plain C struct.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fstat only writes into `st`; it checks that the fd is open.
    if unsafe { libc::fstat(fd, &mut st) } != 0 {
        return Err(Error::invalid_argument(format!(
            "StartSpawned: fd {fd} is not open"
        )));
    }
    // SAFETY: the fd is open (checked above) and ours by the spawn convention: the parent
    // passed it for this process to own, and nothing else here uses it.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    let stream = UnixStream::from(owned);
    // Mark it close-on-exec again, as kj does when it wraps an fd.
    let raw = stream.as_raw_fd();
    // SAFETY: fcntl on an fd we own.
    unsafe {
        let flags = libc::fcntl(raw, libc::F_GETFD);
        if flags >= 0 {
            libc::fcntl(raw, libc::F_SETFD, flags | libc::FD_CLOEXEC);
        }
    }
    Ok(stream)
}

/// Waits for a child to exit and returns its raw wait status, like the original's `WaitProcess`.
pub fn wait_process(pid: i32) -> Result<i32> {
    let mut status = 0;
    loop {
        // SAFETY: `status` is a valid out pointer.
        let rc = unsafe { libc::waitpid(pid, &mut status, 0) };
        if rc == pid {
            return Ok(status);
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(err.into());
        }
    }
}
