//! No thread outlives its connection. Alone in its test binary, so that no other test's
//! threads come and go while it counts.

mod common;

use std::time::{Duration, Instant};

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
