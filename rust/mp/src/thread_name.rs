//! Thread names in the original's format, `<exe>-<pid>/<pthread name>-<tid>`.

/// The OS thread id of the calling thread.
pub fn current_tid() -> i64 {
    // SAFETY: gettid has no preconditions and cannot fail.
    unsafe { libc::gettid() as i64 }
}

fn pthread_name() -> String {
    let mut buf = [0u8; 64];
    // SAFETY: the buffer is valid for its whole length, which is passed along; the call
    // writes a NUL-terminated name of at most 16 bytes into it.
    let rc = unsafe {
        libc::pthread_getname_np(libc::pthread_self(), buf.as_mut_ptr().cast(), buf.len())
    };
    if rc != 0 {
        return String::new();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// Names the calling thread like the original's `ThreadName(exe_name)`: the pthread name part
/// is left out when the thread has none.
pub fn thread_name(exe_name: &str) -> String {
    let pid = std::process::id();
    let tid = current_tid();
    let pname = pthread_name();
    if pname.is_empty() {
        format!("{exe_name}-{pid}/{tid}")
    } else {
        format!("{exe_name}-{pid}/{pname}-{tid}")
    }
}
