//! An in-process connection over a socket pair: two event loops, a real capnp wire between.

use std::sync::Arc;

use multiprocess_gen_tests::store_capnp::Store;
use multiprocess_gen_tests::store_impl::StoreImpl;

/// A client of type `T` connected to a `StoreImpl` server; closes everything on drop.
pub struct Conn<T: ?Sized + mp::Interface> {
    pub client: Option<Box<T>>,
    lp: Option<mp::EventLoopRef>,
    server: Option<mp::EventLoop>,
}

impl<T: ?Sized + mp::Interface> Conn<T> {
    pub fn get(&self) -> &T {
        self.client.as_deref().expect("connected")
    }
}

impl<T: ?Sized + mp::Interface> Drop for Conn<T> {
    fn drop(&mut self) {
        self.client = None;
        if let Some(lp) = self.lp.take() {
            let handle = lp.event_loop().clone();
            drop(lp);
            handle.wait_finished();
        }
        if let Some(server) = self.server.take() {
            server.wait_finished();
        }
    }
}

/// Serves a `StoreImpl` and connects a client that sees it as `T` (`Store`, or the older
/// `StoreV1`, which shares its interface ID).
pub fn connect<T: ?Sized + mp::Interface>() -> Conn<T> {
    let (a, b) = mp::socket_pair().expect("socketpair");
    let server = mp::EventLoop::new("mpgen-test", mp::LogOptions::silent());
    let store: Arc<dyn Store> = Arc::new(StoreImpl);
    mp::serve_stream(&server, b, store).expect("serve");
    let runner = server.clone();
    std::thread::spawn(move || runner.run());
    let lp = mp::EventLoop::start("mpgen-test", mp::LogOptions::silent()).expect("loop");
    let client = mp::connect_stream::<T>(&lp, a).expect("connect");
    Conn {
        client: Some(client),
        lp: Some(lp),
        server: Some(server),
    }
}
