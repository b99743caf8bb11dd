//! Shared pieces of the conformance programs (`mpconf-server`, `mpconf-client`): check
//! reporting in the suite's line format, and what a spawned process inherited.

use std::os::fd::RawFd;

/// Counts checks and prints one line per check: `PASS [who] what`, `FAIL [who] what: detail`,
/// or `GAP [who] what: detail` for a known, documented deviation (counted separately).
pub struct Checks {
    who: &'static str,
    /// Checks that held.
    pub passed: u32,
    /// Checks that did not hold.
    pub failed: u32,
    /// Known gaps that were observed as documented.
    pub gaps: u32,
}

impl Checks {
    /// A new counter whose lines are tagged with `who`.
    pub fn new(who: &'static str) -> Self {
        Checks {
            who,
            passed: 0,
            failed: 0,
            gaps: 0,
        }
    }

    /// Records one check.
    pub fn check(&mut self, ok: bool, what: &str, detail: impl std::fmt::Display) {
        if ok {
            self.passed += 1;
            println!("PASS [{}] {what}", self.who);
        } else {
            self.failed += 1;
            println!("FAIL [{}] {what}: {detail}", self.who);
        }
    }

    /// Records that `result` is `Ok`, with the error as the detail otherwise.
    pub fn ok<T, E: std::fmt::Display>(&mut self, what: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(v) => {
                self.check(true, what, "");
                Some(v)
            }
            Err(e) => {
                self.check(false, what, e);
                None
            }
        }
    }

    /// Records a known gap: `still_there` says the deviation was seen as documented; if it is
    /// gone, that is reported as a failure so the documentation gets updated.
    pub fn gap(&mut self, still_there: bool, what: &str, detail: impl std::fmt::Display) {
        if still_there {
            self.gaps += 1;
            println!("GAP  [{}] {what}: {detail}", self.who);
        } else {
            self.check(false, &format!("{what} (known gap no longer seen)"), detail);
        }
    }

    /// Prints the closing line of this program's checks.
    pub fn summary(&self) {
        println!(
            "[{}] {} passed, {} failed, {} known gaps",
            self.who, self.passed, self.failed, self.gaps
        );
    }
}

/// What a spawned process inherited, observed before anything else opens descriptors.
#[derive(Debug, Clone, Default)]
pub struct Inherited {
    /// The fd number from argv, or -1 if argv did not hold a plain decimal number.
    pub fd: i32,
    /// Whether FD_CLOEXEC was set on it.
    pub cloexec: bool,
    /// Other open descriptors above 2.
    pub other_fds: Vec<i32>,
}

impl Inherited {
    /// Looks at the descriptor named by `arg` and at every other open descriptor.
    pub fn observe(arg: &str) -> Self {
        let fd: i32 = if !arg.is_empty() && arg.bytes().all(|b| b.is_ascii_digit()) {
            arg.parse().unwrap_or(-1)
        } else {
            -1
        };
        // SAFETY: F_GETFD only reads the flags of a descriptor number; a closed one gives -1.
        let flags = if fd >= 0 {
            unsafe { libc::fcntl(fd as RawFd, libc::F_GETFD) }
        } else {
            -1
        };
        let mut other_fds = Vec::new();
        if let Ok(dir) = std::fs::read_dir("/proc/self/fd") {
            for entry in dir.flatten() {
                let Some(n) = entry
                    .file_name()
                    .to_str()
                    .and_then(|s| s.parse::<i32>().ok())
                else {
                    continue;
                };
                // The directory listing itself shows up as an open directory under /proc.
                let target = std::fs::read_link(entry.path()).unwrap_or_default();
                if n > 2 && n != fd && !target.starts_with("/proc/") {
                    other_fds.push(n);
                }
            }
        }
        other_fds.sort_unstable();
        Inherited {
            fd,
            cloexec: flags >= 0 && flags & libc::FD_CLOEXEC != 0,
            other_fds,
        }
    }
}
