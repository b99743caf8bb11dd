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
    let baseline = thread_count();
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
    assert_eq!(
        thread_count(),
        baseline,
        "threads left behind after the connection closed"
    );
}
