//! Calls a blocked thread sends itself, without the loop (doc/performance.md, "Direct
//! calls"): they must give what a call through the loop gives, in every mix.

mod common;

use std::io::{Read, Write};
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use multiprocess_tests::service_capnp::{Callback, Service, ServiceClient};

/// The tests of this file run one at a time: one of them counts the callback threads of the
/// whole process.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn direct_calls(service: &dyn Service) -> u64 {
    ServiceClient::from_dyn(service)
        .expect("a proxy")
        .proxy
        .connection()
        .direct_calls()
}

fn read_by_caller(service: &dyn Service) -> u64 {
    ServiceClient::from_dyn(service)
        .expect("a proxy")
        .proxy
        .connection()
        .replies_read_by_caller()
}

#[test]
fn calls_after_the_first_go_direct_with_the_same_results() {
    let _serial = one_at_a_time();
    for (kind, pair) in common::both() {
        let service = pair.service();
        let before = direct_calls(&*service);
        let read_before = read_by_caller(&*service);
        for i in 0..200 {
            assert_eq!(
                service.add_on_loop(i, 7).expect("addOnLoop"),
                i + 7,
                "{kind}"
            );
            assert_eq!(service.add(i, -3).expect("add"), i - 3, "{kind}");
            let (sum, product) = service.add_out(i.into(), 3).expect("addOut");
            assert_eq!(
                (sum, product),
                (i64::from(i) + 3, i64::from(i) * 3),
                "{kind}"
            );
        }
        // The first call of each method (the first with a `Context` from this thread) went
        // through the loop, where the numbers to name were learned.
        let direct = direct_calls(&*service) - before;
        assert!(
            direct >= 3 * 200 - 3,
            "{kind}: only {direct} of 600 calls went direct"
        );
        // With nothing else going on, the calling thread reads its replies itself (the
        // loop reads one only when it happens to be reading then, such as the peer's
        // `Release` that follows a `Context` call's `Return`).
        let read = read_by_caller(&*service) - read_before;
        eprintln!("{kind}: {read} of {direct} direct replies read by their caller");
        assert!(read > 0, "{kind}: no reply was read by its caller");
        drop(service);
        pair.close();
    }
}

#[test]
fn an_error_reads_the_same_direct_as_through_the_loop() {
    let _serial = one_at_a_time();
    for (kind, pair) in common::both() {
        let service = pair.service();
        let through_loop = service.fail("no such block".into()).expect_err("fails");
        let before = direct_calls(&*service);
        let direct = service.fail("no such block".into()).expect_err("fails");
        assert_eq!(direct_calls(&*service), before + 1, "{kind}: not direct");
        assert_eq!(direct.kind, through_loop.kind, "{kind}");
        assert_eq!(direct.message, through_loop.message, "{kind}");
        assert_eq!(direct.to_string(), through_loop.to_string(), "{kind}");
        // The connection goes on.
        assert_eq!(service.add(2, 2).expect("add"), 4, "{kind}");
        drop(service);
        pair.close();
    }
}

/// Calls back into the service from inside the callback (a call made while serving one
/// of the peer's: it goes through the loop, on the requester's thread).
struct Nested {
    service: Arc<dyn Service>,
}

impl Callback for Nested {
    fn call(&self, depth: i32) -> mp::Result<Vec<i64>> {
        let sum = self.service.add(depth, 1000)?;
        Ok(vec![mp::current_tid(), sum.into()])
    }
}

#[test]
fn threads_mixing_direct_calls_callbacks_and_big_messages_each_get_their_answers() {
    let _serial = one_at_a_time();
    for (kind, pair) in common::both() {
        let service: Arc<dyn Service> = Arc::from(pair.service());
        let before = direct_calls(&*service);
        let threads: Vec<_> = (0..6)
            .map(|t: i32| {
                let service = service.clone();
                std::thread::spawn(move || {
                    for i in 0..60 {
                        assert_eq!(service.add(i, t).expect("add"), i + t);
                        assert_eq!(service.add_on_loop(t, i).expect("addOnLoop"), i + t);
                        if i % 10 == t {
                            // Bigger than a socket's buffer: written in parts, some by the
                            // calling thread and the rest by the loop, between other frames.
                            let data: Vec<u8> = (0..300_000).map(|k| (k + t) as u8).collect();
                            let text = format!("{t}/{i}");
                            let out = service
                                .echo(
                                    text.clone(),
                                    data.clone().into(),
                                    vec![text.clone()],
                                    vec![true],
                                )
                                .expect("echo");
                            assert_eq!(out.0, text);
                            assert!(out.1[..] == data[..], "echoed data differs");
                            assert_eq!(out.2, vec![text]);
                        }
                        if i % 15 == 0 {
                            let cb = Box::new(Nested {
                                service: service.clone(),
                            });
                            let got = service.call_back(Some(cb), t).expect("callBack");
                            assert_eq!(got, vec![mp::current_tid(), (t + 1000).into()]);
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("a calling thread panicked");
        }
        assert!(
            direct_calls(&*service) - before > 6 * 60,
            "{kind}: the calls did not go direct"
        );
        drop(service);
        pair.close();
    }
}

#[test]
fn a_direct_call_interrupted_by_the_peer_dying_fails_with_disconnect() {
    let _serial = one_at_a_time();
    let pair = common::spawned();
    let service = pair.service();
    service.sleep_ms(1).expect("sleep");
    let before = direct_calls(&*service);
    let pid = pair.child.expect("child");
    let (tx, rx) = mpsc::channel();
    let caller = std::thread::spawn(move || {
        // Warm this thread up, so that its long call goes direct.
        service.sleep_ms(1).expect("sleep");
        let result = service.sleep_ms(30_000);
        let _ = tx.send(result);
        service
    });
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: kill has no memory preconditions; `pid` is our own child.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    let result = rx
        .recv_timeout(Duration::from_secs(2))
        .expect("the call returned");
    let service = caller.join().expect("caller");
    let err = result.expect_err("the server died");
    assert_eq!(err.kind, mp::ErrorKind::Disconnected, "{err}");
    assert_eq!(
        err.message,
        "IPC client method call interrupted by disconnect."
    );
    assert!(
        direct_calls(&*service) > before,
        "the long call did not go direct"
    );
    // Later calls fail at once, direct or not.
    let err = service.add(1, 1).expect_err("disconnected");
    assert_eq!(err.kind, mp::ErrorKind::Disconnected);
    drop(service);
    let mut pair = pair;
    pair.init = None;
    let _ = mp::wait_process(pid);
}

#[test]
fn a_threads_callback_thread_goes_when_the_thread_ends() {
    let _serial = one_at_a_time();
    let pair = common::in_process();
    let service: Arc<dyn Service> = Arc::from(pair.service());
    service.add(0, 0).expect("add");
    let baseline = mp::private::live_callback_threads();
    for round in 0..3 {
        let s = service.clone();
        std::thread::spawn(move || {
            for i in 0..20 {
                assert_eq!(s.add(i, round).expect("add"), i + round);
            }
        })
        .join()
        .expect("thread");
    }
    // The reference the direct calls kept is given back with the next message read.
    let deadline = Instant::now() + Duration::from_secs(5);
    while mp::private::live_callback_threads() > baseline && Instant::now() < deadline {
        service.add(1, 1).expect("add");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        mp::private::live_callback_threads(),
        baseline,
        "callback threads of ended threads are still alive"
    );
    drop(service);
    pair.close();
}

#[test]
fn a_return_for_a_question_nobody_asked_ends_the_connection_with_an_error() {
    let _serial = one_at_a_time();
    use capnp_rpc::rpc_capnp::message;
    let (ours, mut raw) = mp::socket_pair().expect("socketpair");
    let fake_server = std::thread::spawn(move || {
        // Whatever the client sends first, answer a question number of the direct range
        // that was never asked.
        let mut buf = [0u8; 4096];
        let _ = raw.read(&mut buf);
        let mut m = mp::private::capnp::message::Builder::new_default();
        let mut ret = m.init_root::<message::Builder<'_>>().init_return();
        ret.set_answer_id(0x8000_0005);
        ret.init_results();
        let mut bytes = Vec::new();
        mp::private::capnp::serialize::write_message(&mut bytes, &m).expect("frame");
        raw.write_all(&bytes).expect("write");
        // Hold the socket until the client gives up on it.
        let _ = raw.read(&mut buf);
        raw
    });
    let client_loop = mp::EventLoop::start("mptest", common::quiet()).expect("loop");
    let connected =
        mp::connect_stream::<dyn multiprocess_tests::service_capnp::TestInit>(&client_loop, ours);
    // The connection ends: the call waiting on it fails, naming the fault, and later calls
    // fail as disconnected.
    let err = match connected {
        Err(e) => e,
        Ok(init) => init.where_am_i().expect_err("the connection is gone"),
    };
    assert!(
        err.message
            .contains("Return for question 2147483653, which was not asked")
            || err.kind == mp::ErrorKind::Disconnected,
        "{err}"
    );
    drop(fake_server.join().expect("fake server"));
    let lp = client_loop.event_loop().clone();
    drop(client_loop);
    lp.wait_finished();
}

/// Counts its drops.
struct Counted(Arc<std::sync::atomic::AtomicUsize>);

impl Callback for Counted {
    fn call(&self, _depth: i32) -> mp::Result<Vec<i64>> {
        Ok(vec![mp::current_tid()])
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn callbacks_are_released_while_direct_calls_go_on() {
    let _serial = one_at_a_time();
    for (kind, pair) in common::both() {
        let service = pair.service();
        let drops = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        service.add(1, 2).expect("add");
        for _ in 0..10 {
            service
                .call_back(Some(Box::new(Counted(drops.clone()))), 1)
                .expect("callBack");
            service.add(1, 2).expect("add");
        }
        // The peer releases each callback after its call; a thread reading its own reply
        // hands those `Release`s to the loop, which drops the callbacks.
        let deadline = Instant::now() + Duration::from_secs(10);
        while drops.load(std::sync::atomic::Ordering::SeqCst) < 10 && Instant::now() < deadline {
            service.add(1, 2).expect("add");
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(
            drops.load(std::sync::atomic::Ordering::SeqCst),
            10,
            "{kind}: callbacks still held by the connection"
        );
        drop(service);
        pair.close();
    }
}

/// Copies `from` to `to` until either closes; once `spoil` is set, sends a frame header
/// announcing 2^31 segments instead of what comes next, and stops.
fn relay(
    mut from: std::os::unix::net::UnixStream,
    mut to: std::os::unix::net::UnixStream,
    spoil: Option<Arc<std::sync::atomic::AtomicBool>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 65536];
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if spoil
                .as_ref()
                .is_some_and(|s| s.load(std::sync::atomic::Ordering::SeqCst))
            {
                let _ = to.write_all(&[0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0]);
                break;
            }
            if to.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(std::net::Shutdown::Both);
        let _ = from.shutdown(std::net::Shutdown::Both);
    })
}

#[test]
fn a_broken_frame_read_by_a_waiting_caller_ends_the_connection_with_an_error() {
    let _serial = one_at_a_time();
    let server = common::in_process_server_only();
    let (ours, relay_end) = mp::socket_pair().expect("socketpair");
    let spoil = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let to_client = relay(
        server.stream.try_clone().expect("clone"),
        relay_end.try_clone().expect("clone"),
        Some(spoil.clone()),
    );
    let to_server = relay(relay_end, server.stream, None);
    let client_loop = mp::EventLoop::start("mptest", common::quiet()).expect("loop");
    let init =
        mp::connect_stream::<dyn multiprocess_tests::service_capnp::TestInit>(&client_loop, ours)
            .expect("connect");
    let service = init
        .make_service()
        .expect("makeService")
        .expect("a service");
    let read_before = read_by_caller(&*service);
    for i in 0..50 {
        assert_eq!(service.add(i, 1).expect("add"), i + 1);
    }
    assert!(
        read_by_caller(&*service) > read_before,
        "no reply was read by its caller"
    );
    // The next reply arrives broken: the caller (or the loop) reads a header announcing
    // 2^31 segments. The call fails, naming it or the disconnect, and so do later calls.
    spoil.store(true, std::sync::atomic::Ordering::SeqCst);
    let err = service.add(1, 1).expect_err("a broken reply");
    assert!(
        err.kind == mp::ErrorKind::Disconnected || err.message.contains("segment"),
        "{err}"
    );
    let later = service.add(1, 1).expect_err("the connection is gone");
    assert_eq!(later.kind, mp::ErrorKind::Disconnected, "{later}");
    drop(service);
    drop(init);
    to_client.join().expect("relay");
    to_server.join().expect("relay");
    let lp = client_loop.event_loop().clone();
    drop(client_loop);
    lp.wait_finished();
    server.server.wait_finished();
}

/// A callback that tells the thread it ran on.
struct Here;

impl Callback for Here {
    fn call(&self, _depth: i32) -> mp::Result<Vec<i64>> {
        Ok(vec![mp::current_tid()])
    }
}

#[test]
fn dropping_a_proxy_calls_its_destroy_without_the_loop() {
    let _serial = one_at_a_time();
    let pair = common::in_process();
    let service = pair.service();
    // Its first call teaches the proxy its import number.
    assert_eq!(service.add(1, 2).expect("add"), 3);
    let destroyed = service.destroyed().expect("destroyed");
    let other = pair.service();
    assert_eq!(other.add(2, 2).expect("add"), 4);
    let before = direct_calls(&*service);
    drop(other);
    assert_eq!(
        direct_calls(&*service) - before,
        1,
        "the destroy of the dropped proxy went direct"
    );
    // One more service object was made and destroyed.
    assert!(service.destroyed().expect("destroyed") > destroyed);
    drop(service);
    pair.close();
}

#[test]
fn a_worker_calls_a_callback_of_its_params_without_the_loop() {
    let _serial = one_at_a_time();
    let pair = common::in_process();
    let service = pair.service();
    let before = mp::private::calls_back_direct();
    for round in 0..50 {
        let got = service
            .call_back(Some(Box::new(Here)), 1)
            .expect("callBack");
        assert_eq!(
            got,
            vec![mp::current_tid()],
            "round {round}: the callback runs on the blocked caller's thread"
        );
    }
    // The server's worker learned the callback's import and the two threads from the
    // request's capability table, so its `call` (and the `destroy` when it drops the
    // callback) went to the socket without the server's loop.
    let direct = mp::private::calls_back_direct() - before;
    assert!(direct >= 50, "{direct} calls back went direct in 50 rounds");
    drop(service);
    pair.close();
}

#[test]
fn with_data_logged_big_data_is_copied_and_its_log_line_shows_it() {
    let _serial = one_at_a_time();
    let lines = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    let log = mp::LogOptions::new(mp::LogLevel::Trace, move |m| {
        sink.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(m.message);
    });
    let pair = common::in_process_with(log);
    let service = pair.service();
    let before = mp::private::data_sent_in_place();
    // 'A' then 'B's: the log line's start shows which bytes the message held (hex).
    let mut data = vec![b'B'; 100 * 1024];
    data[0] = b'A';
    for round in 0..4 {
        let out = service
            .echo(String::new(), data.clone().into(), vec![], vec![])
            .expect("echo");
        assert!(out.1[..] == data[..], "round {round}: echoed data differs");
    }
    // The log line of a params dump reads the message in memory, where a `Data` sent in
    // place would be zeros: with data logged, nothing is sent that way.
    assert_eq!(mp::private::data_sent_in_place(), before);
    // A copy: the log function takes the same lock, and closing the pair logs.
    let lines = lines.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let dumps: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("send data") && l.contains("data = 0x"))
        .collect();
    assert_eq!(dumps.len(), 4, "one params dump per echo");
    assert!(
        dumps.iter().all(|l| l.contains("data = 0x\"4142")),
        "a dump without the data's bytes: {:?}",
        dumps.first()
    );
    drop(service);
    pair.close();
}
