//! What a peer sending bad or hostile frames can make a server do: a frame header claiming a
//! huge segment commits no memory before the bytes arrive, malformed frames close only their
//! own connection, and a client that never reads its replies cannot grow the server's memory
//! without bound. The server is a spawned `mptest-listener`, so its memory is its own.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use multiprocess_tests::service_capnp::TestInit;

#[path = "support/raw_peer.rs"]
mod raw_peer;
#[path = "support/victim.rs"]
mod victim;

use raw_peer::{frame, segment_table};
use victim::{fds_of, rss_kib_of, Victim};

/// A spawned `mptest-listener` (logging off); killed when dropped.
struct Listener(Victim);

impl Listener {
    fn start() -> Listener {
        Listener(Victim::start("off"))
    }

    fn pid(&self) -> u32 {
        self.0.pid()
    }

    fn raw(&self) -> UnixStream {
        let s = UnixStream::connect(&self.0.socket).expect("connect");
        // Guards against a hang; no test asserts on time.
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s
    }

    /// Connects a normal client and makes one call through it.
    fn serves_a_fresh_client(&self) {
        let lp = mp::EventLoop::start("mptest", mp::LogOptions::silent()).expect("loop");
        let stream = UnixStream::connect(&self.0.socket).expect("connect");
        let init = mp::connect_stream::<dyn TestInit>(&lp, stream).expect("construct");
        let service = init.make_service().expect("makeService").expect("service");
        assert_eq!(service.add(2, 3).expect("add"), 5);
        drop(service);
        drop(init);
        let l = lp.event_loop().clone();
        drop(lp);
        l.wait_finished();
    }

    fn still_running(&mut self) -> bool {
        self.0.alive()
    }

    /// The server's resident memory in KiB once it has stopped changing (or after ~10 s).
    fn settled_rss_kib(&self) -> u64 {
        let pid = self.pid();
        settled(Duration::from_millis(200), || rss_kib_of(pid))
    }
}

/// How many fds the server has open once that number has stopped changing.
fn settled_fd_count(pid: u32) -> usize {
    settled(Duration::from_millis(100), || fds_of(pid) as u64) as usize
}

/// `read()` once it gave the same value three times in a row, `pause` apart (at most 50 pauses).
fn settled(pause: Duration, read: impl Fn() -> u64) -> u64 {
    let mut last = read();
    let mut same = 0;
    for _ in 0..50 {
        std::thread::sleep(pause);
        let now = read();
        same = if now == last { same + 1 } else { 0 };
        last = now;
        if same >= 3 {
            break;
        }
    }
    last
}

/// Reads until the server closes the connection; false if it did not within the guard time.
fn reads_until_closed(s: &mut UnixStream) -> bool {
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

#[test]
fn a_header_claiming_a_huge_segment_commits_no_memory_before_the_bytes_arrive() {
    let server = Listener::start();
    server.serves_a_fresh_client();
    let before = server.settled_rss_kib();
    // Eight connections, each announcing one segment just under the 64 MiB limit, then silent.
    let stalled: Vec<UnixStream> = (0..8)
        .map(|_| {
            let mut s = server.raw();
            s.write_all(&segment_table(1, 8 * 1024 * 1024 - 1))
                .expect("header");
            s
        })
        .collect();
    let after = server.settled_rss_kib();
    let growth = after.saturating_sub(before);
    println!("server RSS {before} KiB -> {after} KiB with 8 stalled huge headers (+{growth} KiB)");
    server.serves_a_fresh_client();
    assert!(
        growth < 16 * 1024,
        "8 stalled headers grew the server by {growth} KiB"
    );
    drop(stalled);
}

#[test]
fn segment_counts_outside_the_limits_close_only_that_connection() {
    let mut server = Listener::start();
    // 600 segments (over the 511 allowed), and a count that wraps to zero.
    for count in [600u32, 0] {
        let mut s = server.raw();
        let bystander = server.raw();
        s.write_all(&segment_table(count, 1)).expect("header");
        assert!(
            reads_until_closed(&mut s),
            "segment count {count}: no disconnect"
        );
        server.serves_a_fresh_client();
        assert!(server.still_running());
        drop(bystander);
    }
}

#[test]
fn a_truncated_frame_closes_only_that_connection() {
    let mut server = Listener::start();
    // Truncated inside the segment table, and inside a segment.
    let mut in_table = segment_table(3, 4);
    in_table.extend_from_slice(&[1, 0, 0, 0]);
    let mut in_segment = segment_table(1, 100);
    in_segment.extend_from_slice(&[0u8; 40]);
    for bytes in [in_table, in_segment] {
        let mut s = server.raw();
        s.write_all(&bytes).expect("partial frame");
        s.shutdown(std::net::Shutdown::Write).expect("shutdown");
        assert!(reads_until_closed(&mut s), "no disconnect");
        server.serves_a_fresh_client();
        assert!(server.still_running());
    }
}

#[test]
fn a_client_that_never_reads_replies_cannot_grow_the_server_without_bound() {
    const CALLS: u32 = 100_000;
    let server = Listener::start();
    server.serves_a_fresh_client();
    let before = server.settled_rss_kib();

    let mut flood = server.raw();
    flood
        .set_write_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    flood
        .write_all(&frame(|m| m.init_bootstrap().set_question_id(0)))
        .expect("bootstrap");
    // Calls to an interface the bootstrap does not have: each gets an exception `Return`.
    let mut sent = 0;
    'send: for batch in 0..CALLS / 1000 {
        let mut bytes = Vec::new();
        for i in 0..1000 {
            let question = 1 + batch * 1000 + i;
            bytes.extend(frame(|m| {
                let mut call = m.init_call();
                call.set_question_id(question);
                call.set_interface_id(0x1234_5678_9abc_def0);
                call.set_method_id(0);
                call.reborrow()
                    .init_target()
                    .init_promised_answer()
                    .set_question_id(0);
                call.init_params();
            }));
            bytes.extend(frame(|m| m.init_finish().set_question_id(question)));
        }
        match flood.write_all(&bytes) {
            Ok(()) => sent += 1000,
            // The server stopped reading: back-pressure reached this client.
            Err(_) => break 'send,
        }
    }
    let after = server.settled_rss_kib();
    let growth = after.saturating_sub(before);
    println!(
        "server RSS {before} KiB -> {after} KiB after {sent} of {CALLS} unread calls (+{growth} KiB)"
    );
    server.serves_a_fresh_client();
    assert!(
        growth < 32 * 1024,
        "unread replies grew the server by {growth} KiB"
    );
    drop(flood);
    server.serves_a_fresh_client();
}

#[test]
fn each_connection_costs_the_server_one_fd() {
    let server = Listener::start();
    server.serves_a_fresh_client();
    let before = settled_fd_count(server.pid());
    let open: Vec<UnixStream> = (0..8).map(|_| server.raw()).collect();
    let after = settled_fd_count(server.pid());
    println!("server fds {before} -> {after} with 8 connections");
    assert_eq!(after - before, 8, "fds per connection");
    drop(open);
    server.serves_a_fresh_client();
}
