//! A client and a server of `TypesInit` in this process, each on its own event loop, over a
//! socketpair; for tests that count process-wide figures (each in a binary of its own).

// Each test binary uses what it needs of this file.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use multiprocess_tests::types_capnp::TypesInit;

/// Both loops and the client's bootstrap proxy.
pub struct TypesPair {
    pub init: Box<dyn TypesInit>,
    client: mp::EventLoopRef,
    server: mp::EventLoop,
    server_thread: std::thread::JoinHandle<()>,
}

impl TypesPair {
    /// Serves `init` and connects to it.
    pub fn start(init: Arc<dyn TypesInit>) -> TypesPair {
        let (a, b) = mp::socket_pair().expect("socketpair");
        let server = mp::EventLoop::new("mptest", mp::LogOptions::silent());
        mp::serve_stream(&server, b, init).expect("serve");
        let runner = server.clone();
        let server_thread = std::thread::spawn(move || runner.run());
        let client = mp::EventLoop::start("mptest", mp::LogOptions::silent()).expect("loop");
        let init = mp::connect_stream::<dyn TypesInit>(&client, a).expect("connect");
        TypesPair {
            init,
            client,
            server,
            server_thread,
        }
    }

    /// Closes the connection (dropping the bootstrap proxy) and waits for both loops.
    pub fn finish(self) {
        drop(self.init);
        let handle = self.client.event_loop().clone();
        drop(self.client);
        handle.wait_finished();
        self.server.wait_finished();
        self.server_thread.join().expect("server loop");
    }
}

/// Waits (at most 10 s, which is no timing check: only a bound on a hang) until `done`.
pub fn eventually(what: &str, done: impl Fn() -> bool) {
    let until = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < until, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}
