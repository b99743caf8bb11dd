//! Regression tests for faults found when the runtime met the original's own test client and
//! a newcomer's server: error mapping, connection lifecycle, thread names, bootstrapping.

mod common;

use std::sync::{Arc, Mutex};

use multiprocess_tests::service_capnp::{
    Callback, Service, ServiceClient, TestInit, TestInitClient,
};

/// A `Service` that keeps the callback of one call and calls it in a later one.
#[derive(Default)]
struct SavesCallback {
    saved: Mutex<Option<Box<dyn Callback>>>,
}

impl Service for SavesCallback {
    fn call_back(&self, cb: Option<Box<dyn Callback>>, depth: i32) -> mp::Result<Vec<i64>> {
        match cb {
            Some(cb) => {
                *self.saved.lock().expect("lock") = Some(cb);
                Ok(Vec::new())
            }
            None => {
                let saved = self.saved.lock().expect("lock");
                saved
                    .as_ref()
                    .ok_or_else(|| mp::Error::failed("no callback saved"))?
                    .call(depth)
            }
        }
    }
    fn add(&self, a: i32, b: i32) -> mp::Result<i32> {
        Ok(a + b)
    }
}

/// Serves one shared `SavesCallback` to every connection.
struct SharedService(Arc<SavesCallback>);

impl TestInit for SharedService {
    fn make_service(&self) -> mp::Result<Option<Box<dyn Service>>> {
        Ok(Some(Box::new(self.0.clone())))
    }
}

#[test]
fn a_server_error_from_a_dead_saved_callback_reaches_a_healthy_caller_as_failed() {
    let server = mp::EventLoop::new("mptest", common::quiet());
    let init: Arc<dyn TestInit> = Arc::new(SharedService(Arc::default()));
    let (a_client, a_server) = mp::socket_pair().expect("socketpair");
    let (b_client, b_server) = mp::socket_pair().expect("socketpair");
    mp::serve_stream(&server, a_server, init.clone()).expect("serve a");
    mp::serve_stream(&server, b_server, init).expect("serve b");
    let runner = server.clone();
    let server_thread = std::thread::spawn(move || runner.run());
    let lp = mp::EventLoop::start("mptest", common::quiet()).expect("loop");

    // Connection B hands the server a callback, then goes away.
    let b = mp::connect_stream::<dyn TestInit>(&lp, b_client).expect("connect b");
    let b_service = b.make_service().expect("makeService").expect("a service");
    let callback: Box<dyn Callback> = Box::new(|_depth: i32| Ok(vec![1]));
    b_service
        .call_back(Some(callback), 0)
        .expect("save the callback");
    drop(b_service);
    drop(b);

    // Connection A makes the server call B's callback: the server's call fails, A's does not
    // break, and A learns why in the original's words.
    let a = mp::connect_stream::<dyn TestInit>(&lp, a_client).expect("connect a");
    let a_service = a.make_service().expect("makeService").expect("a service");
    let err = loop {
        // B's disconnect reaches the server on its own time; until then the callback works.
        match a_service.call_back(None, 0) {
            Ok(_) => std::thread::yield_now(),
            Err(e) => break e,
        }
    };
    assert_eq!(err.kind, mp::ErrorKind::RemoteException, "{err:?}");
    assert_eq!(
        err.message,
        "std::exception: IPC client method called after disconnect."
    );
    assert_eq!(a_service.add(2, 3).expect("A's connection still works"), 5);
    drop(a_service);
    drop(a);
    drop(lp);
    server_thread.join().expect("server loop");
}

#[test]
fn a_once_server_exits_when_its_last_client_leaves() {
    let dir = std::env::temp_dir().join(format!("mp-once-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("socket");
    let listener = std::os::unix::net::UnixListener::bind(&path).expect("bind");

    let server = mp::EventLoop::new("mptest", common::quiet());
    // Like the original's `--once`: the loop runs while a client is connected, then ends.
    let keep_running = Mutex::new(Some(server.add_ref()));
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let options = mp::core::ListenOptions {
        on_event: Some(Arc::new(move |event| {
            seen.lock().expect("lock").push(event);
            if event == (mp::core::ConnectionEvent::Closed { open: 0 }) {
                keep_running.lock().expect("lock").take();
            }
        })),
        ..Default::default()
    };
    mp::listen_connections_with(&server, listener, multiprocess_tests::test_init(), options)
        .expect("listen");
    let runner = server.clone();
    let server_thread = std::thread::spawn(move || runner.run());

    let lp = mp::EventLoop::start("mptest", common::quiet()).expect("loop");
    let stream = std::os::unix::net::UnixStream::connect(&path).expect("connect socket");
    let init = mp::connect_stream::<dyn TestInit>(&lp, stream).expect("connect");
    let service = init
        .make_service()
        .expect("makeService")
        .expect("a service");
    assert_eq!(service.add(1, 2).expect("add"), 3);
    drop(service);
    drop(init);

    // Returns only because the hook let the loop go.
    server.wait_finished();
    server_thread.join().expect("server loop");
    assert_eq!(
        *events.lock().expect("lock"),
        [
            mp::core::ConnectionEvent::Opened { open: 1 },
            mp::core::ConnectionEvent::Closed { open: 0 }
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn closing_a_connection_makes_later_calls_fail_with_called_after_disconnect() {
    let pair = common::in_process();
    let service = pair.service();
    assert_eq!(service.add(1, 1).expect("add"), 2);
    let proxy = ServiceClient::from_dyn(&*service).expect("a proxy").proxy;
    proxy.connection().close();
    assert!(proxy.connection().is_disconnected());
    let err = service.add(1, 1).expect_err("closed");
    assert_eq!(err.kind, mp::ErrorKind::Disconnected);
    assert_eq!(err.message, "IPC client method called after disconnect.");
    let err = pair.init().where_am_i().expect_err("closed");
    assert_eq!(err.message, "IPC client method called after disconnect.");
    drop(proxy);
    drop(service);
    pair.close();
}

#[test]
fn make_pool_on_a_dead_connection_is_a_disconnect_error() {
    let pair = common::spawned();
    let init = TestInitClient::from_dyn(pair.init())
        .expect("a proxy")
        .proxy;
    // The server process dies.
    let pid = pair.child.expect("a child");
    // SAFETY: kill has no memory preconditions; `pid` is our own child.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    while !init.connection().is_disconnected() {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let err = init.make_pool(2).expect_err("dead connection");
    assert_eq!(err.kind, mp::ErrorKind::Disconnected, "{err}");
    assert_eq!(err.message, "IPC client method called after disconnect.");
    drop(init);
    let mut pair = pair;
    pair.init = None;
    pair.child = None;
    let _ = mp::wait_process(pid);
}

#[test]
fn a_thread_proxy_names_the_server_thread_that_serves_this_thread() {
    let pair = common::in_process();
    let init = TestInitClient::from_dyn(pair.init())
        .expect("a proxy")
        .proxy;
    let name = init.remote_thread_name().expect("getName");
    let (_, served_by) = pair.init().where_am_i().expect("whereAmI");
    assert_eq!(name, served_by);
    // Another thread of ours is served by another thread of theirs.
    let other = init.clone();
    let other_name = std::thread::spawn(move || other.remote_thread_name().expect("getName"))
        .join()
        .expect("thread");
    assert_ne!(other_name, name);
    drop(init);
    pair.close();
}

#[test]
fn bootstrapping_an_interface_without_construct_says_what_is_missing() {
    let (a, _b) = mp::socket_pair().expect("socketpair");
    let lp = mp::EventLoop::start("mptest", common::quiet()).expect("loop");
    let err = mp::connect_stream::<dyn Service>(&lp, a)
        .map(|_| ())
        .expect_err("Service has no construct");
    assert_eq!(err.kind, mp::ErrorKind::InvalidArgument);
    assert!(
        err.message.contains("cannot bootstrap Service")
            && err.message.contains("no `construct` method"),
        "{err}"
    );
}
