//! Version skew (wire-protocol.md 5.8, gotcha 12), against a peer written on raw capnp-rpc
//! (not our runtime) that behaves like an old original:
//! * like v10, its `ThreadMap` implements only `makeThread`, so `makePool` is `unimplemented`;
//! * like v7, a call that reaches one of its threads while another call is running there
//!   fails with `thread busy`; our client must never cause that.

use std::rc::Rc;

use capnp_rpc::rpc_twoparty_capnp::Side;
use capnp_rpc::{twoparty, RpcSystem};
use mp::private::capnp;
use mp::proxy_capnp::{thread, thread_map};
use multiprocess_tests::service_capnp::__mp_test_init::TEST_INIT_WHERE_AM_I;
use multiprocess_tests::service_capnp::{test_init, TestInit};
use tokio_util::compat::{TokioAsyncReadCompatExt, TokioAsyncWriteCompatExt};

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

/// Calls running on each of the peer's threads, and how often one arrived on a busy thread.
#[derive(Default)]
struct Busy {
    running: RefCell<HashMap<usize, u32>>,
    refused: Cell<u32>,
    served: Cell<u32>,
}

struct OldThread;

impl thread::Server for OldThread {}

/// A v10 `ThreadMap`: `makeThread` only (the generated default answers `makePool` with
/// `unimplemented`).
struct OldThreadMap {
    threads: Rc<RefCell<capnp_rpc::CapabilityServerSet<OldThread, thread::Client>>>,
}

impl thread_map::Server for OldThreadMap {
    fn make_thread(
        self: Rc<Self>,
        _: thread_map::MakeThreadParams,
        mut results: thread_map::MakeThreadResults,
    ) -> impl std::future::Future<Output = Result<(), capnp::Error>> + 'static {
        results
            .get()
            .set_result(self.threads.borrow_mut().new_client(OldThread));
        std::future::ready(Ok(()))
    }
}

struct OldInit {
    threads: Rc<RefCell<capnp_rpc::CapabilityServerSet<OldThread, thread::Client>>>,
    busy: Rc<Busy>,
}

impl test_init::Server for OldInit {
    fn construct(
        self: Rc<Self>,
        _: test_init::ConstructParams,
        mut results: test_init::ConstructResults,
    ) -> impl std::future::Future<Output = Result<(), capnp::Error>> + 'static {
        results
            .get()
            .set_thread_map(capnp_rpc::new_client(OldThreadMap {
                threads: self.threads.clone(),
            }));
        std::future::ready(Ok(()))
    }

    /// Runs "on" the thread `context.thread` names for a few milliseconds, refusing the call
    /// with v7's `thread busy` if another call is running there.
    #[allow(clippy::manual_async_fn)] // the generated trait's signature
    fn where_am_i(
        self: Rc<Self>,
        params: test_init::WhereAmIParams,
        mut results: test_init::WhereAmIResults,
    ) -> impl std::future::Future<Output = Result<(), capnp::Error>> + 'static {
        async move {
            let thread = params.get()?.get_context()?.get_thread()?;
            let thread = capnp::capability::get_resolved_cap(thread).await;
            let server = self.threads.borrow().get_local_server_of_resolved(&thread);
            let key = server
                .map(|s| Rc::as_ptr(&s) as usize)
                .ok_or_else(|| capnp::Error::failed("invalid thread handle".into()))?;
            let already = *self.busy.running.borrow().get(&key).unwrap_or(&0);
            if already > 0 {
                self.busy.refused.set(self.busy.refused.get() + 1);
                return Err(capnp::Error::failed("thread busy".into()));
            }
            *self.busy.running.borrow_mut().entry(key).or_default() += 1;
            tokio::time::sleep(std::time::Duration::from_millis(3)).await;
            *self.busy.running.borrow_mut().entry(key).or_default() -= 1;
            self.busy.served.set(self.busy.served.get() + 1);
            results.get().set_name("old");
            Ok(())
        }
    }
}

/// Serves `OldInit` on `stream` until the client disconnects; returns (served, refused).
fn serve_old_peer(stream: std::os::unix::net::UnixStream) -> (u32, u32) {
    let busy = Rc::new(Busy::default());
    let init = OldInit {
        threads: Rc::default(),
        busy: busy.clone(),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    tokio::task::LocalSet::new().block_on(&rt, async move {
        stream.set_nonblocking(true).expect("nonblocking");
        let stream = tokio::net::UnixStream::from_std(stream).expect("stream");
        let (read, write) = stream.into_split();
        let network = twoparty::VatNetwork::new(
            read.compat(),
            write.compat_write(),
            Side::Server,
            Default::default(),
        );
        let init: test_init::Client = capnp_rpc::new_client(init);
        let _ = RpcSystem::new(Box::new(network), Some(init.client)).await;
    });
    (busy.served.get(), busy.refused.get())
}

#[test]
fn make_pool_on_a_peer_before_v11_is_unimplemented() {
    let (a, b) = mp::socket_pair().expect("socketpair");
    let peer = std::thread::spawn(move || serve_old_peer(b));
    let lp = mp::EventLoop::start("mptest", mp::LogOptions::silent()).expect("loop");
    let init =
        mp::connect_stream_proxy::<dyn TestInit>(&lp, a).expect("connect (construct works on v10)");
    let err = init.make_pool(2).expect_err("no makePool before v11");
    assert_eq!(err.kind, mp::ErrorKind::Unimplemented, "{err}");
    drop(init);
    peer.join().expect("peer thread");
}

/// Params of `TestInit.whereAmI`, built through the raw client core (the old peer serves
/// only that method); the core fills the `Context` the method's descriptor locates.
fn where_am_i_params(
    _: &mp::core::CallCtx,
    params: capnp::any_pointer::Builder<'_>,
) -> mp::Result<()> {
    params.init_as::<test_init::where_am_i_params::Builder<'_>>();
    Ok(())
}

fn where_am_i_name(
    _: &mp::core::CallCtx,
    results: capnp::any_pointer::Reader<'_>,
) -> mp::Result<String> {
    Ok(mp::private::text(
        results
            .get_as::<test_init::where_am_i_results::Reader<'_>>()?
            .get_name()?,
    ))
}

fn where_am_i(init: &mp::ProxyClient) -> mp::Result<String> {
    init.call(&TEST_INIT_WHERE_AM_I, where_am_i_params, where_am_i_name)
}

#[test]
fn our_client_never_overlaps_calls_on_one_peer_thread() {
    let (a, b) = mp::socket_pair().expect("socketpair");
    let peer = std::thread::spawn(move || serve_old_peer(b));
    let lp = mp::EventLoop::start("mptest", mp::LogOptions::silent()).expect("loop");
    let init = mp::connect_stream_proxy::<dyn TestInit>(&lp, a).expect("connect");
    // Four threads calling at once, each call blocking; each thread has its own peer thread.
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let init = init.clone();
            std::thread::spawn(move || (0..10).map(|_| where_am_i(&init)).collect::<Vec<_>>())
        })
        .collect();
    for t in threads {
        for r in t.join().expect("caller") {
            assert_eq!(r.expect("served, never `thread busy`"), "old");
        }
    }
    // Sixteen async calls at once: each borrows a peer thread of its own.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let results = rt.block_on(futures::future::join_all((0..16).map(|_| {
        init.call_async(&TEST_INIT_WHERE_AM_I, where_am_i_params, where_am_i_name)
    })));
    for r in results {
        assert_eq!(r.expect("served, never `thread busy`"), "old");
    }
    drop(init);
    let (served, refused) = peer.join().expect("peer thread");
    assert_eq!((served, refused), (56, 0));
}
