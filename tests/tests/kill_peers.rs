//! Peers killed at random points: the server while this process calls it (plain calls,
//! `Context` calls, calls it answers by calling back), and a client while this process serves
//! it (and calls back into it). Every caller must get a Disconnected error, nothing may hang
//! and this process's threads and fds must return to their baseline.
//!
//! `MP_KILL_ROUNDS` (default 150 per direction) sets the number of rounds, `MP_KILL_SEED` the
//! random seed (printed).

mod common;
#[path = "support/victim.rs"]
mod victim;

use std::io::BufRead;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use multiprocess_tests::service_capnp::{Callback, Service, TestInit};
use victim::Usage;

/// Both directions measure this process: they take turns.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// How long a caller may take to see the disconnect before it counts as hung.
const HANG_LIMIT: Duration = Duration::from_secs(10);

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seed() -> u64 {
    match env_u64("MP_KILL_SEED", 0) {
        0 => {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(7, |d| d.as_nanos() as u64)
                | 1
        }
        s => s,
    }
}

/// xorshift64*.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

fn kill(pid: i32) {
    // SAFETY: kill only sends a signal, to a child this test spawned and has not reaped.
    unsafe { libc::kill(pid, libc::SIGKILL) };
}

/// Waits until this process's threads and fds are back at `base` (counted by
/// [`without_cleanup`]).
///
/// The process-wide cleanup thread (`mp-cleanup`) is left out of the count: it starts the
/// first time a callback object is dropped off the loop, which the warm-up does not always
/// do (whichever thread lets go of a callback object last drops it), and it stays, one per
/// process.
fn assert_back_to(base: Usage, what: &str) -> Usage {
    let me = std::process::id();
    let mut now = without_cleanup(Usage::of(me));
    let back = victim::wait_until(Duration::from_secs(20), || {
        now = without_cleanup(Usage::of(me));
        now.threads <= base.threads && now.fds <= base.fds
    });
    assert!(back, "{what}: before {base:?}, after {now:?}");
    now
}

/// `usage` of this process, without the cleanup thread if it runs.
fn without_cleanup(mut usage: Usage) -> Usage {
    let cleanup = std::fs::read_dir("/proc/self/task")
        .map(|tasks| {
            tasks
                .filter_map(|t| t.ok())
                .filter(|t| {
                    std::fs::read_to_string(t.path().join("comm"))
                        .is_ok_and(|name| name.trim_end() == "mp-cleanup")
                })
                .count()
        })
        .unwrap_or(0);
    usage.threads -= cleanup.min(usage.threads);
    usage
}

struct Here;

impl Callback for Here {
    fn call(&self, _depth: i32) -> mp::Result<Vec<i64>> {
        Ok(vec![mp::current_tid()])
    }
}

/// What a caller thread saw: its calls that succeeded, then the error that ended it.
type CallerEnd = (u64, mp::Error);

/// One kind of call a caller thread repeats.
type CallFn = fn(&dyn Service) -> mp::Result<()>;

/// Calls `call` until it fails; returns the failure.
fn call_until_error(service: Arc<dyn Service>, call: CallFn) -> std::thread::JoinHandle<CallerEnd> {
    std::thread::spawn(move || {
        let mut ok = 0;
        loop {
            match call(&*service) {
                Ok(()) => ok += 1,
                Err(e) => return (ok, e),
            }
        }
    })
}

const CALLS: [(&str, CallFn); 4] = [
    ("plain call", |s| s.add_on_loop(1, 2).map(drop)),
    ("Context call", |s| s.add(1, 2).map(drop)),
    ("long Context call", |s| s.sleep_ms(3).map(drop)),
    ("call answered with a callback", |s| {
        s.call_back(Some(Box::new(Here)), 1).map(drop)
    }),
];

/// Joins `handle` unless it takes longer than `HANG_LIMIT`.
fn join_within<T: Send + 'static>(handle: std::thread::JoinHandle<T>, what: &str) -> T {
    let end = Instant::now() + HANG_LIMIT;
    while !handle.is_finished() {
        assert!(
            Instant::now() < end,
            "{what}: hung after the peer was killed"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    handle.join().expect("caller thread")
}

#[test]
fn callers_of_a_killed_server_get_disconnected_and_nothing_leaks() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rounds = env_u64("MP_KILL_ROUNDS", 150);
    let seed = seed();
    let mut rng = Rng(seed);
    let lp = mp::EventLoop::start("mptest-killer", common::quiet()).expect("client loop");
    // Warm up: one full round makes what stays (the loop's runtime, allocator arenas).
    let base_round = |rng: &mut Rng, round: u64| -> u64 {
        let (pid, stream) = common::spawn_server();
        let what = format!("seed {seed} round {round}");
        let connected = mp::connect_stream::<dyn TestInit>(lp.event_loop(), stream)
            .and_then(|init| Ok((init.make_service()?, init)));
        let (service, init) = match connected {
            Ok((Some(service), init)) => (Arc::<dyn Service>::from(service), init),
            other => panic!("{what}: setting up failed: {:?}", other.err()),
        };
        if round == 0 {
            // The warm-up makes everything that stays once made (the cleanup thread that
            // drops callback objects, for one), whatever the kill interrupts.
            for (name, call) in CALLS {
                call(&*service).unwrap_or_else(|e| panic!("{what}: {name}: {e}"));
            }
        }
        let callers: Vec<_> = CALLS
            .iter()
            .map(|&(_, call)| call_until_error(service.clone(), call))
            .collect();
        std::thread::sleep(Duration::from_micros(rng.below(20_000)));
        kill(pid);
        let mut calls = 0;
        for (handle, (name, _)) in callers.into_iter().zip(CALLS) {
            let (ok, err) = join_within(handle, &format!("{what}: {name}"));
            assert_eq!(
                err.kind,
                mp::ErrorKind::Disconnected,
                "{what}: {name} failed with {err}"
            );
            calls += ok;
        }
        drop(service);
        drop(init);
        mp::wait_process(pid).expect("waitpid");
        calls
    };
    base_round(&mut rng, 0);
    let base = assert_back_to(without_cleanup(Usage::of(std::process::id())), "warm-up");
    let started = Instant::now();
    let mut calls = 0;
    for round in 1..=rounds {
        calls += base_round(&mut rng, round);
    }
    let after = assert_back_to(base, &format!("seed {seed}: this process leaked"));
    println!(
        "killed servers: {rounds} rounds, seed {seed}, {:.1} s, {calls} calls before the kills; \
         baseline {base:?}, after {after:?}",
        started.elapsed().as_secs_f64()
    );
    let handle = lp.event_loop().clone();
    drop(lp);
    handle.wait_finished();
}

#[test]
fn a_killed_client_leaves_its_server_clean() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rounds = env_u64("MP_KILL_ROUNDS", 150);
    let seed = seed();
    let mut rng = Rng(seed);
    let dir = victim::temp_dir("kill-server");
    let socket = dir.join("sock");
    let lp = mp::EventLoop::start("mptest-killed", common::quiet()).expect("server loop");
    let (listener, _socket_file) = mp::bind_unix(&socket).expect("bind");
    let opened = Arc::new(AtomicUsize::new(0));
    let open_now = Arc::new(AtomicUsize::new(0));
    let (o, n) = (opened.clone(), open_now.clone());
    let options = mp::core::ListenOptions {
        on_event: Some(Arc::new(move |event| match event {
            mp::core::ConnectionEvent::Opened { open } => {
                o.fetch_add(1, Ordering::SeqCst);
                n.store(open, Ordering::SeqCst);
            }
            mp::core::ConnectionEvent::Closed { open } => n.store(open, Ordering::SeqCst),
        })),
        ..Default::default()
    };
    mp::listen_connections_with(
        lp.event_loop(),
        listener,
        multiprocess_tests::test_init(),
        options,
    )
    .expect("listen");
    let round = |rng: &mut Rng, round: u64| {
        let what = format!("seed {seed} round {round}");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mptest-caller"))
            .arg(&socket)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("spawn mptest-caller");
        // Half the rounds kill the client while it sets up, half while all its calls run.
        if round == 0 || rng.below(2) == 0 {
            let mut line = String::new();
            let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
            out.read_line(&mut line).expect("read");
            assert_eq!(line.trim(), "calling", "{what}: mptest-caller failed");
        }
        std::thread::sleep(Duration::from_micros(rng.below(20_000)));
        kill(child.id() as i32);
        let status = child.wait().expect("wait");
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(libc::SIGKILL),
            "{what}: mptest-caller ended before the kill: {status}"
        );
        let closed = victim::wait_until(HANG_LIMIT, || open_now.load(Ordering::SeqCst) == 0);
        assert!(
            closed,
            "{what}: the server kept the killed client's connection"
        );
    };
    round(&mut rng, 0);
    let base = assert_back_to(without_cleanup(Usage::of(std::process::id())), "warm-up");
    let started = Instant::now();
    for r in 1..=rounds {
        round(&mut rng, r);
    }
    let after = assert_back_to(base, &format!("seed {seed}: the server leaked"));
    // Some clients were killed before connecting; most connected.
    let connections = opened.load(Ordering::SeqCst);
    assert!(connections > 0, "no client ever connected");
    println!(
        "killed clients: {rounds} rounds, seed {seed}, {:.1} s, {connections} connections; \
         baseline {base:?}, after {after:?}",
        started.elapsed().as_secs_f64()
    );
    // A fresh client is still served.
    victim::serve_fresh_client(&socket).expect("a fresh client after the kills");
    drop(lp);
    let _ = std::fs::remove_dir_all(dir);
}
