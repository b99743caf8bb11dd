//! A server thread reads its next call off the socket and writes the `Return` itself,
//! without capnp-rpc (`transport/served.rs`). Checked on the wire with a raw peer (one
//! `Return` per question, also with a `Finish` before the `Return`; every reference to the
//! `callbackThread`, and to objects of the peer's a call carries, released exactly once)
//! and with the typed client (the same answers, threads and errors as through capnp-rpc).
//!
//! One test per file part, run one after the other: the count of calls served directly is
//! process-wide.

mod common;
#[path = "support/raw_peer.rs"]
mod raw_peer;

use std::collections::HashMap;
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use capnp_rpc::rpc_capnp;
use mp::private::capnp;

const LIMIT: Duration = Duration::from_secs(10);

/// The callbackThread id the raw peer names (an export of its own, as far as the server
/// knows).
const CALLBACK: u32 = 77;

/// One message off the stream, with what the test needs of it.
enum Seen {
    /// A `Return`: its answer number, and the `senderHosted` ids its results carry, or why
    /// it has no results.
    Return(u32, Result<Vec<u32>, String>),
    /// A `Release` of `count` references to the peer's export `id`.
    Release(u32, u32),
    Other,
}

fn read_message(stream: &mut UnixStream, timeout: Duration) -> Option<Seen> {
    stream.set_read_timeout(Some(timeout)).expect("timeout");
    let message = capnp::serialize::read_message(&mut *stream, Default::default()).ok()?;
    let root: rpc_capnp::message::Reader<'_> = message.get_root().expect("root");
    let seen = match root.which().expect("message kind") {
        rpc_capnp::message::Return(r) => {
            let r = r.expect("return");
            let outcome = raw_peer::return_outcome(r);
            Seen::Return(r.get_answer_id(), outcome)
        }
        rpc_capnp::message::Release(r) => {
            let r = r.expect("release");
            Seen::Release(r.get_id(), r.get_reference_count())
        }
        _ => Seen::Other,
    };
    Some(seen)
}

/// What the raw peer has seen of the server's messages.
#[derive(Default)]
struct Peer {
    /// References released, by the peer's export id.
    released: HashMap<u32, u32>,
}

impl Peer {
    /// Reads until the `Return` of `qid`, failing on any other `Return`.
    fn expect_return(&mut self, stream: &mut UnixStream, qid: u32) -> Result<Vec<u32>, String> {
        loop {
            let seen = read_message(stream, LIMIT);
            let seen = seen.unwrap_or_else(|| {
                panic!("no Return of question {qid}: the server is gone or silent")
            });
            match seen {
                Seen::Return(id, outcome) if id == qid => return outcome,
                Seen::Return(id, _) => panic!("a Return of question {id} while waiting for {qid}"),
                Seen::Release(id, count) => *self.released.entry(id).or_default() += count,
                Seen::Other => {}
            }
        }
    }

    /// Reads what comes until the stream is quiet for `quiet`.
    fn drain(&mut self, stream: &mut UnixStream, quiet: Duration) {
        while let Some(seen) = read_message(stream, quiet) {
            match seen {
                Seen::Release(id, count) => *self.released.entry(id).or_default() += count,
                Seen::Return(id, _) => panic!("an unexpected Return of question {id}"),
                Seen::Other => {}
            }
        }
    }
}

fn release(id: u32, count: u32) -> Vec<u8> {
    raw_peer::frame(|m| {
        let mut r = m.init_release();
        r.set_id(id);
        r.set_reference_count(count);
    })
}

/// `whereAmI` (question `qid`) on the bootstrap capability `bootstrap`, on the server
/// thread `thread`, with [`CALLBACK`] as the callbackThread: the shape of a call from a
/// client thread.
fn where_am_i(qid: u32, bootstrap: u32, thread: u32) -> Vec<u8> {
    raw_peer::call_on_import_with_threads(
        qid,
        bootstrap,
        raw_peer::WHERE_AM_I,
        raw_peer::pointer::capability(0),
        raw_peer::pointer::capability(1),
        &[(3, thread), (1, CALLBACK)],
    )
}

/// The raw peer's part: see the module documentation.
fn raw_peer_calls() {
    let (mut stream, server) = mp::socket_pair().expect("socketpair");
    let lp = mp::EventLoop::new("mptest", common::quiet());
    mp::serve_stream(&lp, server, multiprocess_tests::test_init()).expect("serve");
    let runner = lp.clone();
    let loop_thread = std::thread::spawn(move || runner.run());
    let mut peer = Peer::default();

    // The bootstrap capability by its export id, then a thread of the server's.
    stream
        .write_all(&[raw_peer::bootstrap(0), raw_peer::construct(1)].concat())
        .expect("send");
    let bootstrap = *peer
        .expect_return(&mut stream, 0)
        .expect("bootstrap")
        .first()
        .expect("the bootstrap capability");
    peer.expect_return(&mut stream, 1).expect("construct");
    stream
        .write_all(&raw_peer::make_thread(2, 1))
        .expect("send");
    let thread = *peer
        .expect_return(&mut stream, 2)
        .expect("makeThread")
        .first()
        .expect("a Thread");
    // The bootstrap capability and the thread are kept, as imports of the peer.
    stream.write_all(&raw_peer::finish(0, true)).expect("send");
    stream.write_all(&raw_peer::finish(1, false)).expect("send");
    stream.write_all(&raw_peer::finish(2, true)).expect("send");

    // Question 5 again and again: each `Finish` goes with the next call in one write, so
    // that the server reads them together, as from capnp's C++ client.
    let before = mp::private::calls_served_directly();
    const CALLS: u32 = 300;
    let call = where_am_i(5, bootstrap, thread);
    raw_peer::reuse_question(&mut stream, 5, &call, CALLS, |stream, i| {
        let outcome = peer.expect_return(stream, 5);
        assert_eq!(
            outcome,
            Ok(vec![]),
            "call #{i} has results and no capability"
        );
    });
    let mut calls = CALLS;
    let served = mp::private::calls_served_directly() - before;
    assert!(
        served >= u64::from(CALLS) - 10,
        "only {served} of {CALLS} calls were served by their thread"
    );

    // Calls of the served shape whose `Context` does not name the table's two threads as
    // sorted go to capnp-rpc, which refuses them; the connection keeps serving.
    let bad_contexts = [
        (
            "threads swapped",
            raw_peer::pointer::capability(1),
            raw_peer::pointer::capability(0),
        ),
        (
            "thread not a capability",
            raw_peer::pointer::structure(0, 0, 0),
            raw_peer::pointer::capability(1),
        ),
        ("thread null", 0, raw_peer::pointer::capability(1)),
    ];
    for (what, thread_word, callback_word) in bad_contexts {
        let call = raw_peer::call_on_import_with_threads(
            9,
            bootstrap,
            raw_peer::WHERE_AM_I,
            thread_word,
            callback_word,
            &[(3, thread), (1, CALLBACK)],
        );
        stream.write_all(&call).expect("send");
        calls += 1;
        let outcome = peer.expect_return(&mut stream, 9);
        assert!(
            outcome.is_err(),
            "{what}: the call is refused, got {outcome:?}"
        );
        stream.write_all(&raw_peer::finish(9, false)).expect("send");
    }
    stream
        .write_all(&where_am_i(5, bootstrap, thread))
        .expect("send");
    calls += 1;
    assert_eq!(
        peer.expect_return(&mut stream, 5),
        Ok(vec![]),
        "served again"
    );
    stream.write_all(&raw_peer::finish(5, false)).expect("send");

    // Calls that carry objects of the peer's besides the two threads (here ones its params
    // never point at) are served by the thread too; the server holds their references and
    // releases each once, without capnp-rpc.
    const OBJECTS: [u32; 3] = [501, 502, 503];
    const WITH_OBJECTS: u32 = 10;
    let before = mp::private::calls_served_directly();
    for _ in 0..WITH_OBJECTS {
        let mut caps = vec![(3, thread), (1, CALLBACK)];
        caps.extend(OBJECTS.iter().map(|&id| (1, id)));
        let call = raw_peer::call_on_import_with_threads(
            6,
            bootstrap,
            raw_peer::WHERE_AM_I,
            raw_peer::pointer::capability(0),
            raw_peer::pointer::capability(1),
            &caps,
        );
        stream.write_all(&call).expect("send");
        calls += 1;
        assert_eq!(peer.expect_return(&mut stream, 6), Ok(vec![]));
        stream.write_all(&raw_peer::finish(6, false)).expect("send");
    }
    let served = mp::private::calls_served_directly() - before;
    assert!(
        served >= u64::from(WITH_OBJECTS) - 2,
        "only {served} of {WITH_OBJECTS} calls with objects were served by their thread"
    );

    // A `Finish` right behind its call: one `Return` still comes (canceled or with results),
    // and the next question is answered as usual.
    let mut both = where_am_i(7, bootstrap, thread);
    both.extend_from_slice(&raw_peer::finish(7, false));
    stream.write_all(&both).expect("send");
    calls += 1;
    let outcome = peer.expect_return(&mut stream, 7);
    assert!(
        match &outcome {
            Ok(caps) => caps.is_empty(),
            Err(reason) => reason.contains("canceled"),
        },
        "a finished call is answered: {outcome:?}"
    );
    stream
        .write_all(&where_am_i(8, bootstrap, thread))
        .expect("send");
    calls += 1;
    assert_eq!(peer.expect_return(&mut stream, 8), Ok(vec![]));
    stream.write_all(&raw_peer::finish(8, false)).expect("send");

    // The peer drops the thread: the server lets go of the callbackThread it kept for it
    // too, so that every reference the calls carried is released, once.
    stream.write_all(&release(thread, 1)).expect("send");
    peer.drain(&mut stream, Duration::from_millis(500));
    assert_eq!(
        peer.released.get(&CALLBACK).copied().unwrap_or(0),
        calls,
        "each call's reference to the callbackThread is released once"
    );
    for id in OBJECTS {
        assert_eq!(
            peer.released.get(&id).copied().unwrap_or(0),
            WITH_OBJECTS,
            "each call's reference to object {id} is released once"
        );
    }
    drop(stream);
    loop_thread
        .join()
        .expect("the loop ends with its connection");
}

/// The typed client's part: see the module documentation.
fn typed_calls() {
    let pair = common::in_process();
    let service = pair.service();
    let before = mp::private::calls_served_directly();
    let (tid, name) = service.where_am_i().expect("whereAmI");
    for i in 0..300i32 {
        assert_eq!(service.add(i, 2 * i).expect("add"), 3 * i);
        assert_eq!(
            service.where_am_i().expect("whereAmI"),
            (tid, name.clone()),
            "one server thread per caller"
        );
    }
    // An error of a call served by its thread arrives as through capnp-rpc.
    let err = service.fail("on purpose".into()).expect_err("fail fails");
    assert!(err.to_string().contains("on purpose"), "{err}");
    assert_eq!(service.add(1, 2).expect("add after an error"), 3);
    let served = mp::private::calls_served_directly() - before;
    assert!(
        served >= 500,
        "only {served} of 602 calls were served by their thread"
    );
    drop(service);
    pair.close();
}

#[test]
fn a_thread_serves_its_calls_itself() {
    raw_peer_calls();
    typed_calls();
}
