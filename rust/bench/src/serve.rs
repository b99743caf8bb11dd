//! The server process of the Rust cases (`mpbench --serve <fd> <socket>`): serves
//! `BenchInit` on the spawned socketpair and on a listening Unix socket, for the cases that
//! open more connections.

use std::os::unix::net::UnixListener;
use std::sync::Arc;

use crate::bench_capnp::{Bench, BenchCallback, BenchInit};

struct BenchImpl;

impl Bench for BenchImpl {
    fn add(&self, a: i32, b: i32) -> mp::Result<i32> {
        Ok(a.wrapping_add(b))
    }

    fn add_ctx(&self, a: i32, b: i32) -> mp::Result<i32> {
        Ok(a.wrapping_add(b))
    }

    fn call_back(&self, cb: Option<Box<dyn BenchCallback>>, x: i32) -> mp::Result<i32> {
        cb.ok_or_else(|| mp::Error::invalid_argument("null callback"))?
            .call(x)
    }

    fn echo(&self, data: mp::Bytes) -> mp::Result<mp::Bytes> {
        Ok(data)
    }
}

struct InitImpl;

impl BenchInit for InitImpl {
    fn make_bench(&self) -> mp::Result<Option<Box<dyn Bench>>> {
        Ok(Some(Box::new(BenchImpl)))
    }
}

/// Serves until the spawning process closes its connection (other connections do not keep
/// the server alive).
pub fn serve(fd: &str, socket: &str) -> mp::Result<()> {
    let stream = mp::start_spawned(fd)?;
    let listener = UnixListener::bind(socket)?;
    let lp = mp::EventLoop::new("mpbench-server", mp::LogOptions::default());
    let init: Arc<dyn BenchInit> = Arc::new(InitImpl);
    mp::listen_connections(&lp, listener, init.clone(), None)?;
    mp::serve_stream(&lp, stream, init)?;
    lp.run();
    Ok(())
}
