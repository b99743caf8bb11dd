//! Async client methods: `Send` futures on a multi-threaded tokio runtime, callbacks during
//! async calls, and cancellation by dropping the future.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use multiprocess_tests::service_capnp::{Callback, Service, ServiceClient};

fn client(service: &dyn Service) -> ServiceClient {
    ServiceClient::from_dyn(service).expect("a proxy")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn sixty_four_concurrent_async_calls_on_a_multi_threaded_runtime() {
    for (kind, pair) in common::both() {
        let service = pair.service();
        let client = client(&*service);
        let results = runtime().block_on(async move {
            let tasks: Vec<_> = (0..64)
                .map(|i| {
                    let c = client.clone();
                    tokio::spawn(async move {
                        (i, c.add_async(i, 1000).await, c.where_am_i_async().await)
                    })
                })
                .collect();
            let mut out = Vec::new();
            for t in tasks {
                out.push(t.await.expect("task"));
            }
            out
        });
        assert_eq!(results.len(), 64);
        for (i, sum, place) in results {
            assert_eq!(sum.expect("add"), i + 1000, "{kind}");
            let (_, name) = place.expect("whereAmI");
            assert!(
                name.contains(" (from ") && name.contains("(async "),
                "{kind}: ran on {name:?}"
            );
        }
        drop(service);
        pair.close();
    }
}

struct Where;

impl Callback for Where {
    fn call(&self, _depth: i32) -> mp::Result<Vec<i64>> {
        Ok(vec![mp::current_tid()])
    }
}

#[test]
fn callbacks_during_async_calls_run_on_a_runtime_thread() {
    for (kind, pair) in common::both() {
        let service = pair.service();
        let client = client(&*service);
        let tids = runtime()
            .block_on(async move { client.call_back_async(Some(Box::new(Where)), 1).await })
            .expect("callBack");
        assert_eq!(tids.len(), 1, "{kind}");
        assert_ne!(tids[0], mp::current_tid(), "{kind}");
        drop(service);
        pair.close();
    }
}

#[test]
fn dropping_an_async_call_cancels_it_on_the_server() {
    for (kind, pair) in common::both() {
        let service: Arc<dyn Service> = Arc::from(pair.service());
        let client = client(&*service);
        let started = Instant::now();
        let outcome = runtime().block_on(async move {
            tokio::time::timeout(
                Duration::from_millis(200),
                client.slow_until_canceled_async(20_000),
            )
            .await
        });
        assert!(
            outcome.is_err(),
            "{kind}: the slow call should still be running when dropped"
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while !service.saw_cancel().expect("sawCancel") {
            assert!(
                Instant::now() < deadline,
                "{kind}: the server never saw the cancellation"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        eprintln!(
            "{kind}: server saw the cancel {:?} after the call started",
            started.elapsed()
        );
        // The connection is still usable afterwards.
        assert_eq!(service.add(1, 2).expect("add"), 3, "{kind}");
        drop(service);
        pair.close();
    }
}

#[test]
fn async_errors_are_values() {
    for (kind, pair) in common::both() {
        let service = pair.service();
        let client = client(&*service);
        let err = runtime()
            .block_on(client.fail_async("nope".into()))
            .expect_err("fails");
        assert_eq!(
            (err.kind, err.message.as_str()),
            (mp::ErrorKind::RemoteException, "nope"),
            "{kind}"
        );
        let (total,) = (runtime()
            .block_on(client.accumulate_async(2, 40))
            .expect("in/out by value"),);
        assert_eq!(total, 42, "{kind}");
        drop(service);
        pair.close();
    }
}
