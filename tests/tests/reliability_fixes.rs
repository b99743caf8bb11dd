//! One regression test per hostile-peer fault fixed (issue 13), named after the behaviour.

mod common;
#[path = "support/raw_peer.rs"]
mod raw_peer;
#[path = "support/victim.rs"]
mod victim;

use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use multiprocess_tests::service_capnp::TestInit;

/// A log that keeps every line.
fn recorded(level: mp::LogLevel) -> (mp::LogOptions, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    let log = mp::LogOptions::new(level, move |m| sink.lock().unwrap().push(m.message));
    (log, lines)
}

/// Waits until `lp` has finished, failing the test if it has not after `limit`.
fn assert_finishes(lp: &mp::EventLoop, limit: Duration, what: &str) {
    let (tx, rx) = std::sync::mpsc::channel();
    let lp = lp.clone();
    std::thread::spawn(move || {
        lp.wait_finished();
        let _ = tx.send(());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("{what}: the server's loop never finished"));
}

/// A served `TestInit` on a loop of its own that ends with its only connection.
fn server_on_loop(log: mp::LogOptions) -> (UnixStream, mp::EventLoop) {
    server_with_limits(log, mp::Limits::default())
}

/// As `server_on_loop`, the server's loop set to `limits`.
fn server_with_limits(log: mp::LogOptions, limits: mp::Limits) -> (UnixStream, mp::EventLoop) {
    let (a, b) = mp::socket_pair().expect("socketpair");
    let server = mp::EventLoop::new("mptest", log);
    server.set_limits(limits);
    mp::serve_stream(&server, b, multiprocess_tests::test_init()).expect("serve");
    let runner = server.clone();
    std::thread::spawn(move || runner.run());
    (a, server)
}

#[test]
fn malformed_message_at_trace_level_is_logged_as_such_and_the_connection_still_finishes() {
    use raw_peer::pointer;
    let bad_pointers = [
        (
            "far pointer to a missing segment",
            pointer::far(99, 0, false),
        ),
        (
            "struct beyond the segment",
            pointer::structure(1 << 20, 1, 1),
        ),
        ("list beyond the segment", pointer::list(4, 5, 1 << 20)),
    ];
    for (what, bad) in bad_pointers {
        let (log, lines) = recorded(mp::LogLevel::Trace);
        let (mut stream, server) = server_on_loop(log);
        let frames = [
            raw_peer::bootstrap(0),
            raw_peer::call_with_context_pointer(1, raw_peer::WHERE_AM_I, bad),
        ]
        .concat();
        std::io::Write::write_all(&mut stream, &frames).expect("send");
        let failed = raw_peer::read_return(&mut stream, 1, Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(failed, "{what}: the call did not fail");
        // The connection still serves: a second, well-formed call is answered.
        std::io::Write::write_all(&mut stream, &raw_peer::call(2, 0, 0)).expect("send");
        raw_peer::read_return(&mut stream, 2, Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("{what}: after the malformed call: {e}"));
        drop(stream);
        assert_finishes(&server, Duration::from_secs(10), what);
        let lines = lines.lock().unwrap();
        assert!(
            lines
                .iter()
                .any(|l| l.contains("request data: <malformed message")),
            "{what}: no `request data: <malformed message` line in {lines:#?}"
        );
    }
}

#[test]
fn a_panic_in_a_connection_task_still_finishes_the_connection() {
    // A log callback that panics while the RPC system runs (the panic unwinds out of the
    // connection's task) and again while the connection is cleaned up.
    let log = mp::LogOptions::new(mp::LogLevel::Debug, |m| {
        if m.message.contains("recv request") || m.message.contains("socket disconnected") {
            panic!("log callback failed");
        }
    });
    let (stream, server) = server_on_loop(log);
    let client_loop = mp::EventLoop::start("mptest", common::quiet()).expect("client loop");
    let init = mp::connect_stream::<dyn TestInit>(client_loop.event_loop(), stream);
    let err = init.err().expect("the construct call cannot succeed");
    assert_eq!(err.kind, mp::ErrorKind::Disconnected, "{err}");
    // The server dropped the connection, and with it the loop's last reference.
    assert_finishes(&server, Duration::from_secs(10), "panicking task");
}

#[test]
fn listener_keeps_accepting_after_running_out_of_fds_and_logs_why() {
    let v = victim::Victim::start_with("trace", Some(8));
    // Fill the server's fd table: connections the server accepts until EMFILE, then more
    // that wait in the backlog.
    let mut held = Vec::new();
    for _ in 0..12 {
        held.push(UnixStream::connect(&v.socket).expect("connect (backlog)"));
    }
    let saw_failure = victim::wait_until(Duration::from_secs(10), || {
        v.log_text().contains("accept failed")
    });
    assert!(saw_failure, "the server never logged a failed accept");
    drop(held);
    // Once the fds are free again, the server serves a new client.
    v.assert_serves(Duration::from_secs(10));
}

#[test]
fn make_pool_beyond_the_limit_is_refused_with_a_clear_error() {
    let (stream, server) = server_on_loop(common::quiet());
    let client_loop = mp::EventLoop::start("mptest", common::quiet()).expect("client loop");
    let init = mp::connect_stream_proxy::<dyn TestInit>(&client_loop, stream).expect("connect");
    let err = init
        .make_pool(u32::MAX)
        .expect_err("a pool of 4 billion threads");
    assert!(err.to_string().contains("max_pool_threads"), "{err}");
    // A pool within the limit still works.
    init.make_pool(2).expect("makePool(2)");
    drop(init);
    drop(client_loop);
    assert_finishes(&server, Duration::from_secs(10), "pool server");
}

#[test]
fn make_thread_beyond_the_limit_is_refused_with_a_clear_error() {
    let (a, server) = server_with_limits(
        common::quiet(),
        mp::Limits {
            max_threads_per_connection: 2,
            ..mp::Limits::default()
        },
    );
    let client_loop = mp::EventLoop::start("mptest", common::quiet()).expect("client loop");
    let init: Arc<dyn TestInit> = Arc::from(
        mp::connect_stream::<dyn TestInit>(client_loop.event_loop(), a).expect("connect"),
    );
    // Each client thread gets a server thread of its own (`makeThread`): three callers alive
    // at once need three, and the third is refused.
    let barrier = Arc::new(std::sync::Barrier::new(3));
    let (tx, rx) = std::sync::mpsc::channel();
    let callers: Vec<_> = (0..3)
        .map(|_| {
            let (init, barrier, tx) = (init.clone(), barrier.clone(), tx.clone());
            std::thread::spawn(move || {
                let r = init.where_am_i();
                tx.send(r).expect("send");
                // Stay alive (keeping the server thread) until all three have called.
                barrier.wait();
            })
        })
        .collect();
    let results: Vec<_> = (0..3).map(|_| rx.recv().expect("result")).collect();
    for c in callers {
        c.join().expect("caller");
    }
    // The caller sees its call fail (its server thread never existed); the reason is in
    // the reply to `makeThread` (see `make_thread_beyond_the_limit_says_which_limit`).
    let refused = results.iter().filter(|r| r.is_err()).count();
    assert_eq!(refused, 1, "{results:?}");
    // Threads given back (their callers exited) no longer count.
    let served_again = victim::wait_until(Duration::from_secs(10), || {
        let init = init.clone();
        std::thread::spawn(move || init.where_am_i().is_ok())
            .join()
            .expect("caller")
    });
    assert!(
        served_again,
        "released server threads still count against the limit"
    );
    drop(init);
    drop(client_loop);
    assert_finishes(&server, Duration::from_secs(10), "limited server");
}

#[test]
fn log_file_is_opened_once_and_kept_open() {
    let dir = victim::temp_dir("logfile");
    let path = dir.join("debug.log");
    let log = mp::LogOptions::to_file(mp::LogLevel::Info, &path);
    (log.log_fn)(mp::LogMessage {
        level: mp::LogLevel::Info,
        message: "first".into(),
    });
    // The file stays open: removing it and logging more writes to the open (now unlinked)
    // file rather than creating a new one.
    std::fs::remove_file(&path).expect("remove");
    (log.log_fn)(mp::LogMessage {
        level: mp::LogLevel::Info,
        message: "second".into(),
    });
    assert!(!path.exists(), "the log file was opened again for a line");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn make_thread_beyond_the_limit_says_which_limit() {
    let (a, server) = server_with_limits(
        common::quiet(),
        mp::Limits {
            max_threads_per_connection: 2,
            ..mp::Limits::default()
        },
    );
    let mut stream = a;
    // `construct` with a null ThreadMap, then three `makeThread`s on the one it returns.
    let frames = [
        raw_peer::bootstrap(0),
        raw_peer::construct(1),
        raw_peer::make_thread(2, 1),
        raw_peer::make_thread(3, 1),
        raw_peer::make_thread(4, 1),
    ]
    .concat();
    std::io::Write::write_all(&mut stream, &frames).expect("send");
    let limit = Duration::from_secs(10);
    for qid in [2, 3] {
        let reply = raw_peer::read_exception(&mut stream, qid, limit).expect("makeThread reply");
        assert_eq!(reply, None, "makeThread #{qid} within the limit");
    }
    let reason = raw_peer::read_exception(&mut stream, 4, limit)
        .expect("makeThread reply")
        .expect("the third makeThread is refused");
    assert!(reason.contains("max_threads_per_connection"), "{reason}");
    drop(stream);
    assert_finishes(&server, limit, "raw makeThread");
}

#[test]
fn a_thread_refused_by_the_limit_is_asked_for_again_on_its_next_call() {
    let (a, server) = server_with_limits(
        common::quiet(),
        mp::Limits {
            max_threads_per_connection: 1,
            ..mp::Limits::default()
        },
    );
    let client_loop = mp::EventLoop::start("mptest", common::quiet()).expect("client loop");
    let init: Arc<dyn TestInit> = Arc::from(
        mp::connect_stream::<dyn TestInit>(client_loop.event_loop(), a).expect("connect"),
    );
    // A first caller takes the one server thread and keeps it until told to go.
    let (go, wait) = std::sync::mpsc::channel::<()>();
    let (called, has_called) = std::sync::mpsc::channel();
    let holder = {
        let init = init.clone();
        std::thread::spawn(move || {
            called.send(init.where_am_i().is_ok()).expect("send");
            let _ = wait.recv();
        })
    };
    assert!(
        has_called.recv().expect("holder"),
        "the first caller failed"
    );
    // This thread is refused while the holder lives...
    assert!(init.where_am_i().is_err(), "a second thread was allowed");
    drop(go);
    holder.join().expect("holder");
    // ...and served once the holder's server thread is gone: its next call asks again.
    let served = victim::wait_until(Duration::from_secs(10), || init.where_am_i().is_ok());
    assert!(
        served,
        "the refused thread kept failing after the limit freed up"
    );
    drop(init);
    drop(client_loop);
    assert_finishes(&server, Duration::from_secs(10), "limit of one");
}
