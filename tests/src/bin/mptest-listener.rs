//! A long-running server for the hostile-peer tests: binds `<socket>` with `mp::bind_unix`,
//! serves `TestInit` on every connection and runs until killed.
//!
//! `mptest-listener <socket> <off|trace> <log file> [spare fds]`: `trace` logs everything to
//! the file (the file is opened with the first line, which is written at start); with
//! `spare fds`, the process may open only that many file descriptors beyond those it has
//! once listening, so that `accept` soon fails with EMFILE.

use std::sync::Arc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("Usage: mptest-listener <socket> <off|trace> <log file> [spare fds]");
        std::process::exit(1);
    }
    // A test that dies leaves no server behind.
    // SAFETY: prctl with PR_SET_PDEATHSIG only sets a signal for this process.
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) };
    // The tests read this process's VmRSS as the memory it holds: a fixed mmap threshold
    // (setting one turns glibc's sliding one off) gives every large buffer back to the
    // system when it is freed, instead of keeping the heap's top for the next one.
    #[cfg(target_env = "gnu")]
    // SAFETY: mallopt only changes an allocator parameter, to a value in range.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
    let log = match args[2].as_str() {
        "trace" => mp::LogOptions::to_file(mp::LogLevel::Trace, &args[3]),
        _ => mp::LogOptions::silent(),
    };
    let lp = mp::EventLoop::new("mptest-listener", log);
    let (listener, _socket_file) = match mp::bind_unix(&args[1]) {
        Ok(bound) => bound,
        Err(e) => {
            eprintln!("mptest-listener: {e}");
            std::process::exit(1);
        }
    };
    let init: Arc<dyn multiprocess_tests::service_capnp::TestInit> =
        multiprocess_tests::test_init();
    if let Err(e) = mp::listen_connections(&lp, listener, init, None) {
        eprintln!("mptest-listener: {e}");
        std::process::exit(1);
    }
    lp.log(mp::LogLevel::Error, "mptest-listener: listening");
    if let Some(spare) = args.get(4).and_then(|s| s.parse::<u64>().ok()) {
        limit_fds(spare);
    }
    // Served until killed: this reference never goes away.
    let _keep = lp.add_ref();
    lp.run();
}

/// Lets the process open only `spare` more file descriptors than it has now.
fn limit_fds(spare: u64) {
    let open = std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count()) as u64;
    let limit = libc::rlimit {
        rlim_cur: open + spare,
        rlim_max: open + spare,
    };
    // SAFETY: setrlimit reads the struct we pass and changes only this process's limit.
    let rc = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) };
    if rc != 0 {
        eprintln!("mptest-listener: setrlimit failed");
        std::process::exit(1);
    }
}
