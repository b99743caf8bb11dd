//! Lifetimes: destroy on drop, disconnects, listeners, loop references, thread cleanup.

mod common;

use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use multiprocess_tests::service_capnp::{Service, TestInit};

#[test]
fn dropping_a_proxy_sends_destroy_before_release() {
    for (kind, pair) in common::both() {
        let probe = pair.service();
        let before = probe.destroyed().expect("destroyed");
        let service = pair.service();
        assert_eq!(service.add(1, 2).expect("add"), 3);
        drop(service);
        // `destroy` is synchronous: the server object is gone by the time drop returns.
        assert_eq!(probe.destroyed().expect("destroyed"), before + 1, "{kind}");
        drop(probe);
        pair.close();
    }
}

#[test]
fn null_interface_results_read_as_none() {
    for (kind, pair) in common::both() {
        assert!(
            pair.init().make_nothing().expect("makeNothing").is_none(),
            "{kind}"
        );
        pair.close();
    }
}

#[test]
fn killing_the_server_during_a_call_gives_disconnected_quickly() {
    let pair = common::spawned();
    let service = pair.service();
    let pid = pair.child.expect("child");
    let (tx, rx) = mpsc::channel();
    let caller = std::thread::spawn(move || {
        let result = service.sleep_ms(30_000);
        let _ = tx.send((result, Instant::now()));
        service
    });
    std::thread::sleep(Duration::from_millis(200));
    // SAFETY-free: kill is a plain syscall wrapper here.
    let killed_at = Instant::now();
    assert_eq!(
        std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .expect("kill")
            .code(),
        Some(0)
    );
    let (result, returned_at) = rx
        .recv_timeout(Duration::from_secs(1))
        .expect("call returned within 1 s of the kill");
    let err = result.expect_err("call must fail");
    assert_eq!(err.kind, mp::ErrorKind::Disconnected);
    assert_eq!(
        err.message,
        "IPC client method call interrupted by disconnect."
    );
    eprintln!(
        "disconnect noticed {:?} after the kill",
        returned_at.duration_since(killed_at)
    );
    let service = caller.join().expect("caller thread");
    let err = service.add(1, 1).expect_err("later call");
    assert_eq!(err.kind, mp::ErrorKind::Disconnected);
    assert_eq!(err.message, "IPC client method called after disconnect.");
    drop(service);
    let status = mp::wait_process(pid).expect("waitpid");
    assert_eq!(status & 0x7f, 9, "child killed by SIGKILL");
    let mut pair = pair;
    pair.child = None;
    pair.close();
}

#[test]
fn closing_the_client_ends_the_spawned_child() {
    let pair = common::spawned();
    assert_eq!(pair.service().add(2, 2).expect("add"), 4);
    // `close` drops the Init proxy (closing the socket) and checks the child exits with 0.
    pair.close();
}

/// A `TestInit` listener on a socket in a fresh directory, and a client loop.
struct Listening {
    dir: std::path::PathBuf,
    path: std::path::PathBuf,
    server: mp::EventLoopRef,
    client_loop: mp::EventLoopRef,
}

fn listening(name: &str, max_connections: Option<usize>) -> Listening {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("node.sock");
    let listener = UnixListener::bind(&path).expect("bind");
    let server = mp::EventLoop::start("mptest", common::quiet()).expect("server loop");
    mp::listen_connections(
        &server,
        listener,
        multiprocess_tests::test_init(),
        max_connections,
    )
    .expect("listen");
    let client_loop = mp::EventLoop::start("mptest", common::quiet()).expect("client loop");
    Listening {
        dir,
        path,
        server,
        client_loop,
    }
}

#[test]
fn listener_with_max_one_accepts_the_next_client_after_the_first_leaves() {
    let Listening {
        dir,
        path,
        server,
        client_loop,
    } = listening("mp-listen", Some(1));

    let first = mp::connect_stream::<dyn TestInit>(
        &client_loop,
        UnixStream::connect(&path).expect("connect 1"),
    )
    .expect("first");
    assert_eq!(
        first
            .make_service()
            .expect("call")
            .expect("service")
            .add(1, 1)
            .expect("add"),
        2
    );

    let (tx, rx) = mpsc::channel();
    let second_loop = client_loop.clone();
    let second_path = path.clone();
    let second = std::thread::spawn(move || {
        let init = mp::connect_stream::<dyn TestInit>(
            &second_loop,
            UnixStream::connect(&second_path).expect("connect 2"),
        );
        let _ = tx.send(());
        init
    });
    // While the first client is connected, the second waits in the backlog.
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "second client served while the first was open"
    );
    drop(first);
    rx.recv_timeout(Duration::from_secs(10))
        .expect("second client served after the first left");
    let second = second.join().expect("thread").expect("second connected");
    assert_eq!(
        second
            .make_service()
            .expect("call")
            .expect("service")
            .add(2, 3)
            .expect("add"),
        5
    );
    drop(second);
    drop(client_loop);
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn event_loop_stops_when_the_last_reference_goes() {
    let lp = mp::EventLoop::start("mptest", common::quiet()).expect("loop");
    let handle = lp.event_loop().clone();
    let other = lp.clone();
    assert_eq!(handle.sync(|| 7).expect("sync"), 7);
    drop(lp);
    assert_eq!(handle.sync(|| 8).expect("still running with one ref"), 8);
    drop(other);
    handle.wait_finished();
    assert_eq!(
        handle.post(|| {}).expect_err("stopped").kind,
        mp::ErrorKind::Disconnected
    );
}

#[test]
fn a_panic_in_a_sync_closure_is_an_error_and_the_loop_survives() {
    let lp = mp::EventLoop::start("mptest", common::quiet()).expect("loop");
    let err = lp.sync(|| -> i32 { panic!("boom") }).expect_err("panicked");
    assert_eq!(err.kind, mp::ErrorKind::Failed);
    lp.post(|| panic!("posted boom")).expect("post");
    assert_eq!(lp.sync(|| 5).expect("the loop still runs"), 5);
}

#[test]
fn sync_scoped_lends_the_callers_data() {
    let lp = mp::EventLoop::start("mptest", common::quiet()).expect("loop");
    let mut data = vec![1, 2, 3];
    let sum = lp.sync_scoped(|| {
        data.push(4);
        data.iter().sum::<i32>()
    });
    assert_eq!(sum.expect("sync"), 10);
    assert_eq!(data.len(), 4);
}

#[test]
fn blocking_call_on_the_loop_thread_is_refused() {
    let pair = common::in_process();
    let service: std::sync::Arc<dyn Service> = std::sync::Arc::from(pair.service());
    let s2 = service.clone();
    let result = pair.client_loop.sync(move || s2.add(1, 2)).expect("sync");
    let err = result.expect_err("must not block the loop");
    assert!(err.message.contains("event loop thread"), "{err}");
    drop(service);
    pair.close();
}

#[test]
fn a_peer_sending_garbage_loses_only_its_own_connection() {
    use std::io::{Read, Write};
    let Listening {
        dir,
        path,
        server,
        client_loop,
    } = listening("mp-garbage", None);
    let good = mp::connect_stream::<dyn TestInit>(
        &client_loop,
        UnixStream::connect(&path).expect("connect"),
    )
    .expect("good");
    let service = good.make_service().expect("call").expect("service");

    for garbage in [&b"\xff\xff\xff\xff\xff\xff\xff\xff"[..], &b"\x00\x00\x00\x00\x02\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10"[..]] {
        let mut bad = UnixStream::connect(&path).expect("connect bad");
        bad.write_all(garbage).expect("write garbage");
        bad.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        // The server drops the bad connection: reading reaches EOF (after any Abort it sends).
        let mut sink = Vec::new();
        let _ = bad.read_to_end(&mut sink);
        assert_eq!(service.add(20, 22).expect("good connection still served"), 42);
    }
    drop(service);
    drop(good);
    drop(client_loop);
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}
