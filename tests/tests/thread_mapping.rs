//! Which thread runs what: Context calls on a dedicated server thread per client thread,
//! calls without Context on the loop thread, callbacks on the caller's own blocked thread.

mod common;

use std::sync::Arc;

use multiprocess_tests::service_capnp::{Callback, Service};

/// A callback that records where it runs and recurses through the service.
struct Recorder {
    service: Arc<dyn Service>,
}

impl Callback for Recorder {
    fn call(&self, depth: i32) -> mp::Result<Vec<i64>> {
        let mut tids = vec![mp::current_tid()];
        if depth > 1 {
            let next = Box::new(Recorder {
                service: self.service.clone(),
            });
            tids.extend(self.service.call_back(Some(next), depth - 1)?);
        }
        Ok(tids)
    }
}

#[test]
fn callback_runs_on_the_calling_thread() {
    for (kind, pair) in common::both() {
        let service: Arc<dyn Service> = Arc::from(pair.service());
        let cb = Box::new(Recorder {
            service: service.clone(),
        });
        let tids = service.call_back(Some(cb), 1).expect("callBack");
        assert_eq!(
            tids,
            vec![mp::current_tid()],
            "{kind}: callback ran on another thread"
        );
        drop(service);
        pair.close();
    }
}

#[test]
fn callbacks_nest_three_deep_on_the_calling_thread() {
    for (kind, pair) in common::both() {
        let service: Arc<dyn Service> = Arc::from(pair.service());
        let cb = Box::new(Recorder {
            service: service.clone(),
        });
        let tids = service.call_back(Some(cb), 3).expect("callBack");
        let me = mp::current_tid();
        assert_eq!(
            tids,
            vec![me, me, me],
            "{kind}: nested callbacks left the calling thread"
        );
        drop(service);
        pair.close();
    }
}

#[test]
fn context_calls_run_on_a_dedicated_thread_per_client_thread() {
    for (kind, pair) in common::both() {
        let service: Arc<dyn Service> = Arc::from(pair.service());
        let (loop_tid, _) = (service.loop_tid().expect("loopTid"), ());
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let service = service.clone();
                std::thread::spawn(move || {
                    let mut seen = Vec::new();
                    for j in 0..20 {
                        assert_eq!(service.add(i, j).expect("add"), i + j);
                        seen.push(service.where_am_i().expect("whereAmI"));
                    }
                    seen
                })
            })
            .collect();
        let mut per_thread = Vec::new();
        for h in handles {
            let seen = h.join().expect("client thread");
            let (tid, name) = seen[0].clone();
            assert!(
                seen.iter().all(|s| s.0 == tid),
                "{kind}: one client thread used several server threads"
            );
            assert!(
                name.contains(" (from mptest-"),
                "{kind}: worker name {name:?} not in the original's format"
            );
            assert_ne!(tid, loop_tid, "{kind}: Context call ran on the loop thread");
            per_thread.push(tid);
        }
        let mut distinct = per_thread.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            8,
            "{kind}: server threads shared between client threads: {per_thread:?}"
        );
        drop(service);
        pair.close();
    }
}

#[test]
fn calls_without_context_run_on_the_loop_thread() {
    for (kind, pair) in common::both() {
        let service = pair.service();
        assert_eq!(service.add_on_loop(40, 2).expect("addOnLoop"), 42);
        let (worker, _) = service.where_am_i().expect("whereAmI");
        let on_loop = service.loop_tid().expect("loopTid");
        assert_ne!(worker, on_loop, "{kind}");
        assert_eq!(
            on_loop,
            service.loop_tid().expect("loopTid"),
            "{kind}: loop thread changed"
        );
        drop(service);
        pair.close();
    }
}

/// `TestInit.whereAmI` with `context.thread` left null, sent through the raw client core.
fn where_am_i_without_thread(init: &mp::ProxyClient) -> mp::Result<String> {
    use multiprocess_tests::service_capnp::{__mp_test_init::TEST_INIT_WHERE_AM_I, test_init};
    // The method as the core knows it, minus its `Context`: the core leaves the field null.
    static WHERE_AM_I_NO_CONTEXT: mp::core::MethodDesc = mp::core::MethodDesc {
        context: None,
        ..mp::core::MethodDesc::new(
            TEST_INIT_WHERE_AM_I.interface_id,
            TEST_INIT_WHERE_AM_I.interface_name,
            TEST_INIT_WHERE_AM_I.id,
            TEST_INIT_WHERE_AM_I.name,
        )
    };
    init.call(
        &WHERE_AM_I_NO_CONTEXT,
        |_, params| {
            params.init_as::<test_init::where_am_i_params::Builder<'_>>();
            Ok(())
        },
        |_, results| {
            let r = results.get_as::<test_init::where_am_i_results::Reader<'_>>()?;
            Ok(mp::private::text(r.get_name()?))
        },
    )
}

#[test]
fn null_context_thread_uses_the_pool_or_fails_like_the_original() {
    let (a, b) = mp::socket_pair().expect("socketpair");
    let server = mp::EventLoop::new("mptest", common::quiet());
    mp::serve_stream(&server, b, multiprocess_tests::test_init()).expect("serve");
    let runner = server.clone();
    std::thread::spawn(move || runner.run());
    let client_loop = mp::EventLoop::start("mptest", common::quiet()).expect("loop");
    let init = mp::connect_stream_proxy::<dyn multiprocess_tests::service_capnp::TestInit>(
        &client_loop,
        a,
    )
    .expect("connect");

    let err = where_am_i_without_thread(&init).expect_err("no pool yet");
    assert_eq!(err.kind, mp::ErrorKind::RemoteException);
    assert_eq!(
        err.message,
        "std::exception: no thread specified and no pool configured"
    );

    init.make_pool(2).expect("makePool");
    let name = where_am_i_without_thread(&init).expect("runs on the pool");
    assert!(name.ends_with(" (pool/0)"), "ran on {name:?}");

    let err = init.make_pool(1).expect_err("second pool");
    assert_eq!(
        err.message,
        "std::exception: makePool called on connection with existing pool"
    );

    drop(init);
    drop(client_loop);
    server.wait_finished();
}
