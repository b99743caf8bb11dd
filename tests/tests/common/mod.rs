//! Ways to get a connected `TestInit` client: in one process over a socketpair with two event
//! loops, or to a spawned `mptest-server` child.

#![allow(dead_code)]

use std::os::unix::net::UnixStream;

use multiprocess_tests::service_capnp::{Service, TestInit};

/// A client connection and what keeps it running.
pub struct Pair {
    pub init: Option<Box<dyn TestInit>>,
    pub client_loop: mp::EventLoopRef,
    pub server_loop: Option<mp::EventLoop>,
    pub child: Option<i32>,
}

impl Pair {
    pub fn init(&self) -> &dyn TestInit {
        self.init.as_deref().expect("connected")
    }

    pub fn service(&self) -> Box<dyn Service> {
        self.init()
            .make_service()
            .expect("makeService")
            .expect("a service")
    }

    /// Drops the connection and waits until both sides are gone.
    pub fn close(mut self) {
        self.init = None;
        if let Some(pid) = self.child.take() {
            let status = mp::wait_process(pid).expect("waitpid");
            assert!(libc_exited_ok(status), "child exit status {status:#x}");
        }
        let client = self.client_loop.event_loop().clone();
        drop(self.client_loop);
        client.wait_finished();
        if let Some(server) = self.server_loop.take() {
            server.wait_finished();
        }
    }
}

fn libc_exited_ok(status: i32) -> bool {
    // WIFEXITED && WEXITSTATUS == 0
    status & 0x7f == 0 && (status >> 8) & 0xff == 0
}

pub fn quiet() -> mp::LogOptions {
    mp::LogOptions::silent()
}

/// Client and server in this process, each with its own loop.
pub fn in_process() -> Pair {
    in_process_with(quiet())
}

pub fn in_process_with(log: mp::LogOptions) -> Pair {
    let (a, b) = mp::socket_pair().expect("socketpair");
    let server = mp::EventLoop::new("mptest", log.clone());
    mp::serve_stream(&server, b, multiprocess_tests::test_init()).expect("serve");
    let runner = server.clone();
    std::thread::spawn(move || runner.run());
    let client_loop = mp::EventLoop::start("mptest", log).expect("client loop");
    let init = mp::connect_stream::<dyn TestInit>(&client_loop, a).expect("connect");
    Pair {
        init: Some(init),
        client_loop,
        server_loop: Some(server),
        child: None,
    }
}

/// The server is a spawned `mptest-server` process.
pub fn spawned() -> Pair {
    let (pid, stream) = spawn_server();
    let client_loop = mp::EventLoop::start("mptest", quiet()).expect("client loop");
    let init = mp::connect_stream::<dyn TestInit>(&client_loop, stream).expect("connect");
    Pair {
        init: Some(init),
        client_loop,
        server_loop: None,
        child: Some(pid),
    }
}

pub fn spawn_server() -> (i32, UnixStream) {
    let exe = env!("CARGO_BIN_EXE_mptest-server").to_string();
    mp::spawn_process(|fd| vec![exe, fd]).expect("spawn mptest-server")
}

/// Both kinds of pair, for tests that must hold for each.
pub fn both() -> Vec<(&'static str, Pair)> {
    vec![("in-process", in_process()), ("spawned", spawned())]
}

/// A served `TestInit` on a loop of its own, and the client's end of the socket.
pub struct ServerOnly {
    pub stream: UnixStream,
    pub server: mp::EventLoop,
}

pub fn in_process_server_only() -> ServerOnly {
    let (a, b) = mp::socket_pair().expect("socketpair");
    let server = mp::EventLoop::new("mptest", quiet());
    mp::serve_stream(&server, b, multiprocess_tests::test_init()).expect("serve");
    let runner = server.clone();
    std::thread::spawn(move || runner.run());
    ServerOnly { stream: a, server }
}
