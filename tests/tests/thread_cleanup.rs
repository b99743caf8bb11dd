//! No thread outlives its connection. Alone in its test binary, so that no other test's
//! threads come and go while it counts.

mod common;

use std::time::{Duration, Instant};

/// Awaits two futures concurrently.
async fn futures_lite_join<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    futures::future::join(a, b).await
}

fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|d| d.count())
        .unwrap_or(0)
}

#[test]
fn no_thread_outlives_its_connection() {
    // One connection first: the process-wide cleanup thread (which drops released server
    // objects, as the original's does) starts then and stays, so it is part of the baseline.
    let warm_up = common::in_process();
    drop(warm_up.service());
    warm_up.close();
    let settle = Instant::now() + Duration::from_secs(10);
    let mut baseline = thread_count();
    while Instant::now() < settle {
        std::thread::sleep(Duration::from_millis(50));
        let now = thread_count();
        if now == baseline {
            break;
        }
        baseline = now;
    }
    let pair = common::in_process();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let service = pair.service();
            std::thread::spawn(move || service.where_am_i().map(|_| ()))
        })
        .collect();
    for h in handles {
        h.join().expect("thread").expect("call");
    }
    // Async calls too: they borrow peer threads and use a runtime-owned callback thread.
    {
        let service = pair.service();
        let client =
            multiprocess_tests::service_capnp::ServiceClient::from_dyn(&*service).expect("a proxy");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let sums = rt.block_on(async {
            futures_lite_join(client.add_async(1, 2), client.add_async(3, 4)).await
        });
        assert_eq!((sums.0.expect("add"), sums.1.expect("add")), (3, 7));
    }
    assert!(thread_count() > baseline);
    pair.close();
    let deadline = Instant::now() + Duration::from_secs(10);
    while thread_count() > baseline && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let left = thread_count();
    assert!(
        left <= baseline,
        "{left} threads, {baseline} before: threads left behind after the connection closed"
    );
}
