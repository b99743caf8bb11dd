//! A server process to attack (`mptest-listener`) and what to measure in a process: its
//! threads, fds and memory, from /proc.

#![allow(dead_code)]

use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration, Instant};

use multiprocess_tests::service_capnp::TestInit;

/// A fresh directory under the system's temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "mp-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Polls `done` every 10 ms until it holds or `limit` has passed; whether it held.
pub fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + limit;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= end {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Threads of process `pid`.
pub fn threads_of(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, |d| d.count())
}

/// Open fds of process `pid`.
pub fn fds_of(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

/// Resident memory of process `pid`, in KiB.
pub fn rss_kib_of(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Threads, fds and memory of a process at one moment.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    pub threads: usize,
    pub fds: usize,
    pub rss_kib: u64,
}

impl Usage {
    pub fn of(pid: u32) -> Self {
        Usage {
            threads: threads_of(pid),
            fds: fds_of(pid),
            rss_kib: rss_kib_of(pid),
        }
    }
}

/// A running `mptest-listener`, killed when dropped.
pub struct Victim {
    pub child: Child,
    pub socket: PathBuf,
    pub log: PathBuf,
    dir: PathBuf,
}

impl Victim {
    /// Starts one that logs (`"trace"`) or not (`"off"`).
    pub fn start(mode: &str) -> Self {
        Self::start_with(mode, None)
    }

    /// Starts one that may open only `spare_fds` more fds once listening.
    pub fn start_with(mode: &str, spare_fds: Option<u32>) -> Self {
        let dir = temp_dir("victim");
        let socket = dir.join("sock");
        let log = dir.join("debug.log");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mptest-listener"));
        cmd.arg(&socket).arg(mode).arg(&log);
        if let Some(n) = spare_fds {
            cmd.arg(n.to_string());
        }
        let child = cmd.spawn().expect("spawn mptest-listener");
        let victim = Victim {
            child,
            socket,
            log,
            dir,
        };
        let up = wait_until(Duration::from_secs(20), || {
            victim.log_text().contains("listening") || (mode == "off" && victim.socket.exists())
        });
        assert!(up, "mptest-listener did not start");
        victim
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process still runs.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn usage(&self) -> Usage {
        Usage::of(self.pid())
    }

    /// Fails the test unless a fresh client is served within `limit` (run on a thread, so a
    /// hung server fails the test rather than hanging it).
    pub fn assert_serves(&self, limit: Duration) -> Duration {
        let socket = self.socket.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(serve_fresh_client(&socket));
        });
        match rx.recv_timeout(limit) {
            Ok(Ok(took)) => took,
            Ok(Err(e)) => panic!("a fresh client was not served: {e}"),
            Err(_) => panic!("a fresh client was not served within {limit:?}"),
        }
    }
}

/// A well-behaved client of the server at `socket`: connects, makes a service, calls it from
/// this thread (a `Context` call) and on the loop thread (a plain one), then disconnects. How
/// long that took, or why it failed.
pub fn serve_fresh_client(socket: &std::path::Path) -> Result<Duration, String> {
    let start = Instant::now();
    let lp = mp::EventLoop::start("mptest-client", mp::LogOptions::silent())
        .map_err(|e| e.to_string())?;
    let stream = UnixStream::connect(socket).map_err(|e| e.to_string())?;
    let init: Arc<dyn TestInit> = Arc::from(
        mp::connect_stream::<dyn TestInit>(lp.event_loop(), stream).map_err(|e| e.to_string())?,
    );
    let service = init
        .make_service()
        .map_err(|e| e.to_string())?
        .ok_or("no service")?;
    let sum = service.add(2, 3).map_err(|e| e.to_string())?;
    let sum2 = service.add_on_loop(4, 5).map_err(|e| e.to_string())?;
    if (sum, sum2) != (5, 9) {
        return Err(format!("wrong sums {sum} {sum2}"));
    }
    let took = start.elapsed();
    drop(service);
    drop(init);
    let handle = lp.event_loop().clone();
    drop(lp);
    handle.wait_finished();
    Ok(took)
}

impl Drop for Victim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !self.dir.as_os_str().is_empty() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
