//! The cases against our own server, driven by our client.

use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::Barrier;

use crate::bench_capnp::{Bench, BenchCallback, BenchInit};
use crate::measurement::{Impl, Measurement};
use crate::memory::{peak_kib, per_item, reset_peak, settled_rss_kib};
use crate::stats::{time_calls, Budget, Samples};

/// Client threads in `threads-4`.
pub const THREADS: usize = 4;
/// Connections opened and closed before `after-disconnect`.
pub const CHURN_CONNECTIONS: usize = 10;
/// Idle connections (and, separately, mapped threads) opened for `memory`.
pub const MEMORY_ITEMS: usize = 32;

struct Callback;

impl BenchCallback for Callback {
    fn call(&self, x: i32) -> mp::Result<i32> {
        Ok(x + 1)
    }
}

/// A running server process and our connection to it.
struct Session {
    lp: mp::EventLoopRef,
    pid: i32,
    socket: PathBuf,
    init: Option<Box<dyn BenchInit>>,
    bench: Option<Box<dyn Bench>>,
}

impl Session {
    /// Spawns our server; `tuned` makes it call `mp::tune_allocator_for_large_messages()`.
    fn start(exe: &str, tuned: bool) -> mp::Result<Self> {
        let dir = std::env::temp_dir().join(format!("mpbench-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let socket = dir.join("ours.sock");
        let _ = std::fs::remove_file(&socket);
        let lp = mp::EventLoop::start("mpbench", mp::LogOptions::default())?;
        let sock = socket.display().to_string();
        let (pid, stream) = mp::spawn_process(|fd| {
            let mut argv = vec![exe.to_string(), "--serve".to_string(), fd, sock];
            if tuned {
                argv.push("--tuned".to_string());
            }
            argv
        })?;
        let init = mp::connect_stream::<dyn BenchInit>(&lp, stream)?;
        let bench = make_bench(&*init)?;
        Ok(Session {
            lp,
            pid,
            socket,
            init: Some(init),
            bench: Some(bench),
        })
    }

    fn bench(&self) -> &dyn Bench {
        self.bench.as_deref().expect("session is open")
    }

    /// Opens another connection through the server's listening socket.
    fn connect(&self) -> mp::Result<Box<dyn BenchInit>> {
        // The server binds the socket before it starts serving; wait for it on first use.
        let mut tries = 0;
        let stream = loop {
            match UnixStream::connect(&self.socket) {
                Ok(s) => break s,
                Err(e) if tries < 100 => {
                    tries += 1;
                    let _ = e;
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(e) => return Err(e.into()),
            }
        };
        mp::connect_stream::<dyn BenchInit>(&self.lp, stream)
    }

    fn finish(mut self) -> mp::Result<()> {
        self.bench = None;
        self.init = None;
        mp::wait_process(self.pid)?;
        if let Some(dir) = self.socket.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
        Ok(())
    }
}

fn make_bench(init: &dyn BenchInit) -> mp::Result<Box<dyn Bench>> {
    init.make_bench()?
        .ok_or_else(|| mp::Error::failed("the server made no Bench"))
}

/// Runs every case (or only those named in `only`, when it is not empty) against our server;
/// `tuned` runs the server with the allocator tuning (the client's own process decides for
/// itself); `progress` is told which case starts.
pub fn run_all(
    exe: &str,
    budget: Budget,
    only: &[String],
    tuned: bool,
    progress: &dyn Fn(&str),
) -> mp::Result<Vec<Measurement>> {
    let want = |case: &str| {
        let on = only.is_empty() || only.iter().any(|o| o == case);
        if on {
            progress(case);
        }
        on
    };
    let session = Session::start(exe, tuned)?;
    let bench = session.bench();
    let mut out = Vec::new();

    // Memory first, on a fresh server, so that memory freed by earlier cases is not reused.
    if want("memory") {
        out.extend(memory(&session)?);
    }
    if want("call") {
        let s = time_calls(budget, || bench.add(1, 2).map(drop))?;
        out.push(Measurement::latency("call", Impl::Ours, &s));
    }
    if want("ctx-call") {
        let s = time_calls(budget, || bench.add_ctx(1, 2).map(drop))?;
        out.push(Measurement::latency("ctx-call", Impl::Ours, &s));
    }
    if want("callback") {
        let s = time_calls(budget, || {
            bench.call_back(Some(Box::new(Callback)), 1).map(drop)
        })?;
        out.push(Measurement::latency("callback", Impl::Ours, &s));
    }
    for (case, size) in [("data-1m", 1usize << 20), ("data-16m", 16 << 20)] {
        if !want(case) {
            continue;
        }
        let mut data = Some(mp::Bytes::from(vec![0x5a_u8; size]));
        // The server's peak RSS while it echoes 16 MiB shows how many copies it holds at once.
        let peak_known = case == "data-16m" && reset_peak(session.pid);
        let s = time_calls(budget, || {
            let back = bench.echo(data.take().unwrap_or_default())?;
            if back.len() != size {
                return Err(mp::Error::failed("echo returned the wrong size"));
            }
            data = Some(back);
            Ok(())
        })?;
        out.push(Measurement::bandwidth(case, Impl::Ours, &s, size));
        if peak_known {
            if let Some(kib) = peak_kib(session.pid) {
                out.push(Measurement::memory("peak-rss-16m", Impl::Ours, kib as f64));
            }
        }
    }
    if want("threads-4") {
        let s = threads(bench, budget)?;
        out.push(Measurement::rate("threads-4", Impl::Ours, &s));
    }
    if want("after-disconnect") {
        for _ in 0..CHURN_CONNECTIONS {
            let init = session.connect()?;
            let other = make_bench(&*init)?;
            other.add_ctx(1, 2)?;
        }
        let s = time_calls(budget, || bench.add_ctx(1, 2).map(drop))?;
        out.push(Measurement::latency("after-disconnect", Impl::Ours, &s));
    }
    session.finish()?;
    Ok(out)
}

/// `THREADS` threads calling `add_ctx` at once.
fn threads(bench: &dyn Bench, budget: Budget) -> mp::Result<Samples> {
    let barrier = Barrier::new(THREADS);
    let all = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                scope.spawn(|| {
                    // The first call makes this thread's server thread; keep it out of the timing.
                    bench.add_ctx(1, 2)?;
                    barrier.wait();
                    time_calls(budget, || bench.add_ctx(1, 2).map(drop))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(mp::Error::failed("thread panicked")))
            })
            .collect::<mp::Result<Vec<_>>>()
    })?;
    Ok(Samples::merge(all))
}

/// RSS growth of the server per idle connection and per mapped thread.
fn memory(session: &Session) -> mp::Result<Vec<Measurement>> {
    let pid = session.pid;
    let rss = || settled_rss_kib(pid).ok_or_else(|| mp::Error::failed("no /proc RSS"));
    let mut out = Vec::new();

    let before = rss()?;
    let conns = (0..MEMORY_ITEMS)
        .map(|_| session.connect())
        .collect::<mp::Result<Vec<_>>>()?;
    let after = rss()?;
    drop(conns);
    out.push(Measurement::memory(
        "memory-conn",
        Impl::Ours,
        per_item(before, after, MEMORY_ITEMS),
    ));

    let bench = session.bench();
    let before = rss()?;
    let ready = Barrier::new(MEMORY_ITEMS + 1);
    let done = Barrier::new(MEMORY_ITEMS + 1);
    let after = std::thread::scope(|scope| {
        for _ in 0..MEMORY_ITEMS {
            scope.spawn(|| {
                // One call maps a server thread to this thread; it lives while this thread does.
                let r = bench.add_ctx(1, 2);
                ready.wait();
                done.wait();
                r
            });
        }
        ready.wait();
        let after = rss();
        done.wait();
        after
    })?;
    out.push(Measurement::memory(
        "memory-thread",
        Impl::Ours,
        per_item(before, after, MEMORY_ITEMS),
    ));
    Ok(out)
}
