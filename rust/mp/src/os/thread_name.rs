//! Thread names in the original's format, `<exe>-<pid>/<pthread name>-<tid>`, and the name the
//! runtime uses for the calling thread in its log lines and `Thread.getName` replies.

use std::cell::RefCell;

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

/// The original's `ThreadName(exe_name)`, computed afresh: the pthread name part is left out
/// when the thread has none.
pub(crate) fn os_thread_name(exe_name: &str) -> String {
    let pid = std::process::id();
    let tid = current_tid();
    let pname = pthread_name();
    if pname.is_empty() {
        format!("{exe_name}-{pid}/{tid}")
    } else {
        format!("{exe_name}-{pid}/{pname}-{tid}")
    }
}

#[derive(Default)]
struct NameCache {
    /// Set for threads the runtime starts (workers), which are named after their purpose.
    given: Option<String>,
    /// `ThreadName(exe)` for the last `exe` asked about: (exe, name).
    computed: Option<(String, String)>,
}

thread_local! {
    static NAME: RefCell<NameCache> = RefCell::default();
}

/// Names the calling thread for the rest of its life (worker threads the runtime starts).
pub(crate) fn set_thread_name(name: String) {
    NAME.with(|n| n.borrow_mut().given = Some(name));
}

/// The name the runtime uses for the calling thread: the name it gave a worker thread, else
/// `ThreadName(exe_name)` in the original's format, computed on first use and kept (as the
/// original does), so calls make no syscalls for it.
pub fn thread_name(exe_name: &str) -> String {
    NAME.with(|n| {
        let mut cache = n.borrow_mut();
        if let Some(given) = &cache.given {
            return given.clone();
        }
        match &cache.computed {
            Some((exe, name)) if exe == exe_name => name.clone(),
            _ => {
                let name = os_thread_name(exe_name);
                cache.computed = Some((exe_name.to_string(), name.clone()));
                name
            }
        }
    })
}

/// Identifies an OS thread for the loop-side tables; never reused within a process (thread
/// ids are).
pub(crate) type ThreadKey = u64;

static NEXT_KEY: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

thread_local! {
    static KEY: ThreadKey = NEXT_KEY.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// The calling thread's key.
pub(crate) fn current_thread_key() -> ThreadKey {
    KEY.with(|k| *k)
}
