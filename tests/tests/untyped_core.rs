//! A server and a client written only against `mp::core`: hand-written descriptors and
//! dispatch objects, messages read and built with capnp's own types, no generated proxies.
//! Each meets the generated typed counterpart: a callback to the blocked caller and a
//! capability passed in params cross in both directions.

mod common;

use std::sync::{Arc, Mutex};

use capnp::capability::FromClientHook;
use capnp::traits::HasTypeId;
use mp::core::{CallCtx, Dispatch, IncomingCall, InterfaceDesc, MethodDesc, ProxyClient};
use mp::private::capnp;
use multiprocess_tests::service_capnp::{callback, service, test_init, Callback, TestInit};

const TEST_INIT: u64 = <test_init::Client as HasTypeId>::TYPE_ID;
const SERVICE: u64 = <service::Client as HasTypeId>::TYPE_ID;
const CALLBACK: u64 = <callback::Client as HasTypeId>::TYPE_ID;

// Pointer indexes follow the schema: `context` is the first pointer field of each params
// struct, `cb` the second of `callBack`'s; `threadMap` the first of `construct`'s.
static CONSTRUCT: MethodDesc = MethodDesc {
    thread_map_param: Some(0),
    thread_map_result: Some(0),
    ..MethodDesc::new(TEST_INIT, "TestInit", 0, "construct")
};
static MAKE_SERVICE: MethodDesc = MethodDesc {
    context: Some(0),
    ..MethodDesc::new(TEST_INIT, "TestInit", 1, "makeService")
};
static INIT_DESC: InterfaceDesc = InterfaceDesc {
    id: TEST_INIT,
    name: "TestInit",
    methods: &[&CONSTRUCT, &MAKE_SERVICE],
    destroy: None,
    construct: Some(&CONSTRUCT),
};

static SERVICE_DESTROY: MethodDesc = MethodDesc {
    context: Some(0),
    ..MethodDesc::new(SERVICE, "Service", 0, "destroy")
};
static ADD: MethodDesc = MethodDesc {
    context: Some(0),
    ..MethodDesc::new(SERVICE, "Service", 1, "add")
};
static CALL_BACK: MethodDesc = MethodDesc {
    context: Some(0),
    ..MethodDesc::new(SERVICE, "Service", 5, "callBack")
};
static SERVICE_DESC: InterfaceDesc = InterfaceDesc {
    id: SERVICE,
    name: "Service",
    methods: &[&SERVICE_DESTROY, &ADD, &CALL_BACK],
    destroy: Some(&SERVICE_DESTROY),
    construct: None,
};

// Said to carry no capabilities, so that calls of them may go without the loop.
static CALLBACK_DESTROY: MethodDesc = MethodDesc {
    context: Some(0),
    params_caps: false,
    results_caps: false,
    ..MethodDesc::new(CALLBACK, "Callback", 0, "destroy")
};
static CALLBACK_CALL: MethodDesc = MethodDesc {
    context: Some(0),
    params_caps: false,
    results_caps: false,
    ..MethodDesc::new(CALLBACK, "Callback", 1, "call")
};
static CALLBACK_DESC: InterfaceDesc = InterfaceDesc {
    id: CALLBACK,
    name: "Callback",
    methods: &[&CALLBACK_DESTROY, &CALLBACK_CALL],
    destroy: Some(&CALLBACK_DESTROY),
    construct: None,
};

fn is(call: &IncomingCall<'_>, method: &MethodDesc) -> bool {
    std::ptr::eq(call.method, method)
}

/// `TestInit`, served by hand: `makeService` returns a `RawService`.
struct RawInit;

impl Dispatch for RawInit {
    fn interface(&self) -> &'static InterfaceDesc {
        &INIT_DESC
    }
    fn call(&self, call: IncomingCall<'_>) -> mp::Result<()> {
        if is(&call, &MAKE_SERVICE) {
            let cap = mp::core::export(call.ctx, Arc::new(RawService))?;
            let mut results = call
                .results
                .init_as::<test_init::make_service_results::Builder<'_>>();
            results.set_result(service::Client::new(cap.hook));
        }
        // `construct` has nothing to do: the core exchanges the `ThreadMap`s.
        Ok(())
    }
}

/// The server connection's direct calls, as the last `callBack` left them.
static SERVER_DIRECT_CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// `Service.add` and `Service.callBack`, served by hand.
struct RawService;

impl Dispatch for RawService {
    fn interface(&self) -> &'static InterfaceDesc {
        &SERVICE_DESC
    }
    fn call(&self, call: IncomingCall<'_>) -> mp::Result<()> {
        if is(&call, &ADD) {
            let params = call.params.get_as::<service::add_params::Reader<'_>>()?;
            let sum = params.get_a() + params.get_b();
            let mut results = call.results.init_as::<service::add_results::Builder<'_>>();
            results.set_result(sum);
        } else if is(&call, &CALL_BACK) {
            let params = call
                .params
                .get_as::<service::call_back_params::Reader<'_>>()?;
            let depth = params.get_depth();
            // Imported without its interface first, as the C++ bridge does.
            let cb = ProxyClient::import_untyped(call.ctx, params.get_cb()?.client)?
                .with_interface(&CALLBACK_DESC)?;
            let mut tids = call_callback(&cb, depth)?;
            SERVER_DIRECT_CALLS.store(
                call.ctx.connection().direct_calls(),
                std::sync::atomic::Ordering::SeqCst,
            );
            tids.push(mp::current_tid());
            let results = call
                .results
                .init_as::<service::call_back_results::Builder<'_>>();
            let mut list = results.init_tids(tids.len() as u32);
            for (i, tid) in tids.into_iter().enumerate() {
                list.set(i as u32, tid);
            }
        }
        Ok(())
    }
}

/// Calls `Callback.call(depth)` through the core.
fn call_callback(cb: &ProxyClient, depth: i32) -> mp::Result<Vec<i64>> {
    cb.call(
        &CALLBACK_CALL,
        move |_, params| {
            let mut p = params.init_as::<callback::call_params::Builder<'_>>();
            p.set_depth(depth);
            Ok(())
        },
        |_, results| {
            let tids = results
                .get_as::<callback::call_results::Reader<'_>>()?
                .get_tids()?;
            Ok(tids.iter().collect())
        },
    )
}

/// `Callback.call`, served by hand: records the thread it runs on.
struct RawCallback {
    ran_on: Arc<Mutex<Vec<i64>>>,
}

impl Dispatch for RawCallback {
    fn interface(&self) -> &'static InterfaceDesc {
        &CALLBACK_DESC
    }
    fn call(&self, call: IncomingCall<'_>) -> mp::Result<()> {
        if is(&call, &CALLBACK_CALL) {
            let tid = mp::current_tid();
            self.ran_on.lock().expect("lock").push(tid);
            let results = call
                .results
                .init_as::<callback::call_results::Builder<'_>>();
            results.init_tids(1).set(0, tid);
        }
        Ok(())
    }
}

#[test]
fn a_generated_client_calls_a_server_written_against_the_core() {
    let (a, b) = mp::socket_pair().expect("socketpair");
    let server = mp::EventLoop::new("mptest", common::quiet());
    mp::core::serve(&server, b, Arc::new(RawInit)).expect("serve");
    let runner = server.clone();
    let server_thread = std::thread::spawn(move || runner.run());
    let lp = mp::EventLoop::start("mptest", common::quiet()).expect("loop");

    let init = mp::connect_stream::<dyn TestInit>(&lp, a).expect("connect");
    let service = init
        .make_service()
        .expect("makeService")
        .expect("a service");
    assert_eq!(service.add(2, 3).expect("add"), 5);
    // The callback travels in the params; the raw server calls it while this thread is
    // blocked in `call_back`, and it runs here.
    let ran_on = Arc::new(Mutex::new(Vec::new()));
    let seen = ran_on.clone();
    let cb: Box<dyn Callback> = Box::new(move |_depth: i32| {
        seen.lock().expect("lock").push(mp::current_tid());
        Ok(vec![mp::current_tid()])
    });
    let tids = service.call_back(Some(cb), 1).expect("callBack");
    let me = mp::current_tid();
    assert_eq!(*ran_on.lock().expect("lock"), [me]);
    assert_eq!(tids.len(), 2);
    assert_eq!(tids[0], me);
    assert_ne!(tids[1], me, "the server part ran on a server thread");
    // The server's worker calls each later callback back without its loop: the import
    // number it learned from the request survives `with_interface`.
    let before = SERVER_DIRECT_CALLS.load(std::sync::atomic::Ordering::SeqCst);
    for _ in 0..10 {
        let cb: Box<dyn Callback> = Box::new(|_depth: i32| Ok(vec![mp::current_tid()]));
        assert_eq!(service.call_back(Some(cb), 1).expect("callBack")[0], me);
    }
    let direct = SERVER_DIRECT_CALLS.load(std::sync::atomic::Ordering::SeqCst) - before;
    // Each `callBack` calls back twice: `call`, and `destroy` when the proxy goes.
    assert!(direct >= 20, "{direct} of 20 calls back went direct");
    drop(service);
    drop(init);
    drop(lp);
    server_thread.join().expect("server loop");
}

#[test]
fn a_client_written_against_the_core_calls_a_generated_server() {
    let pair = common::in_process_server_only();
    let lp = mp::EventLoop::start("mptest", common::quiet()).expect("loop");
    let init = mp::core::connect(&lp, pair.stream, &INIT_DESC).expect("connect with construct");
    let service = init
        .call(
            &MAKE_SERVICE,
            |_, params| {
                params.init_as::<test_init::make_service_params::Builder<'_>>();
                Ok(())
            },
            |ctx: &CallCtx, results| {
                let cap = results
                    .get_as::<test_init::make_service_results::Reader<'_>>()?
                    .get_result()?;
                ProxyClient::import(ctx, cap.client, &SERVICE_DESC)
            },
        )
        .expect("makeService");
    let sum = service
        .call(
            &ADD,
            |_, params| {
                let mut p = params.init_as::<service::add_params::Builder<'_>>();
                p.set_a(20);
                p.set_b(22);
                Ok(())
            },
            |_, results| {
                Ok(results
                    .get_as::<service::add_results::Reader<'_>>()?
                    .get_result())
            },
        )
        .expect("add");
    assert_eq!(sum, 42);
    // A capability in the params: the generated server calls it back, and it runs on this
    // thread, which is blocked in the call.
    let ran_on = Arc::new(Mutex::new(Vec::new()));
    let callback = RawCallback {
        ran_on: ran_on.clone(),
    };
    let tids = service
        .call(
            &CALL_BACK,
            move |ctx, params| {
                let cap = mp::core::export(ctx, Arc::new(callback))?;
                let mut p = params.init_as::<service::call_back_params::Builder<'_>>();
                p.set_cb(callback::Client::new(cap.hook));
                p.set_depth(1);
                Ok(())
            },
            |_, results| {
                let tids = results
                    .get_as::<service::call_back_results::Reader<'_>>()?
                    .get_tids()?;
                Ok(tids.iter().collect::<Vec<i64>>())
            },
        )
        .expect("callBack");
    let me = mp::current_tid();
    assert_eq!(*ran_on.lock().expect("lock"), [me]);
    assert_eq!(tids, [me]);
    // Dropping the proxy calls `destroy` (the descriptor has it) before the release.
    drop(service);
    drop(init);
    drop(lp);
    pair.server.wait_finished();
}
