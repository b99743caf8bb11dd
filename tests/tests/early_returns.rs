//! A worker writes its call's `Return` itself, before the loop hears the call ran
//! (`transport/early_return.rs`). capnp-rpc still thinks the call runs until the loop is
//! done with it, so a `Finish` that comes first must wait: checked with a raw peer that
//! reuses each question number right after its `Finish`, as capnp's C++ client does.

mod common;
#[path = "support/raw_peer.rs"]
mod raw_peer;

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use capnp_rpc::rpc_capnp;
use mp::private::capnp;

const LIMIT: Duration = Duration::from_secs(10);

/// One message off the stream, with what the test needs of it.
enum Seen {
    /// A `Return`: its answer number, and the capabilities its results carry (`senderHosted`
    /// ids), or the exception's reason.
    Return(u32, Result<Vec<u32>, String>),
    Other,
}

fn read_message(stream: &mut UnixStream) -> Seen {
    stream.set_read_timeout(Some(LIMIT)).expect("timeout");
    let message = capnp::serialize::read_message(&mut *stream, Default::default())
        .expect("the server answers and stays connected");
    let root: rpc_capnp::message::Reader<'_> = message.get_root().expect("root");
    let Ok(rpc_capnp::message::Return(r)) = root.which() else {
        return Seen::Other;
    };
    let r = r.expect("return");
    let outcome = raw_peer::return_outcome(r);
    Seen::Return(r.get_answer_id(), outcome)
}

/// Reads until the `Return` of `qid`, failing on any other `Return`.
fn expect_return(stream: &mut UnixStream, qid: u32) -> Result<Vec<u32>, String> {
    loop {
        match read_message(stream) {
            Seen::Return(id, outcome) if id == qid => return outcome,
            Seen::Return(id, _) => panic!("a Return of question {id} while waiting for {qid}"),
            Seen::Other => {}
        }
    }
}

#[test]
fn a_peer_that_reuses_a_question_number_right_after_its_finish_gets_one_return_per_call() {
    let (mut stream, server) = mp::socket_pair().expect("socketpair");
    let lp = mp::EventLoop::new("mptest", common::quiet());
    mp::serve_stream(&lp, server, multiprocess_tests::test_init()).expect("serve");
    let runner = lp.clone();
    let loop_thread = std::thread::spawn(move || runner.run());

    // `construct` with a null ThreadMap, then `makeThread` on the one it returns.
    let frames = [
        raw_peer::bootstrap(0),
        raw_peer::construct(1),
        raw_peer::make_thread(2, 1),
    ]
    .concat();
    stream.write_all(&frames).expect("send");
    let thread = loop {
        match read_message(&mut stream) {
            Seen::Return(2, outcome) => {
                let caps = outcome.expect("makeThread succeeds");
                break *caps.first().expect("makeThread returns a Thread");
            }
            Seen::Return(1 | 0, outcome) => {
                outcome.expect("bootstrap and construct succeed");
            }
            Seen::Return(id, _) => panic!("unexpected Return of question {id}"),
            Seen::Other => {}
        }
    };

    // `whereAmI` on that thread, question 5 each time: the `Finish` of one call and the next
    // call go in one write, so the server reads them together.
    let before = mp::private::returns_written_early();
    let call = raw_peer::call_with_threads(
        5,
        raw_peer::WHERE_AM_I,
        raw_peer::pointer::capability(0),
        0,
        &[(3, thread)],
    );
    const CALLS: u32 = 300;
    raw_peer::reuse_question(&mut stream, 5, &call, CALLS, |stream, i| {
        let outcome = expect_return(stream, 5);
        assert_eq!(
            outcome,
            Ok(vec![]),
            "call #{i} has results and no capability"
        );
    });
    // A last call on a fresh number: a second `Return` of question 5 would show up first.
    stream
        .write_all(&raw_peer::call_with_threads(
            6,
            raw_peer::WHERE_AM_I,
            raw_peer::pointer::capability(0),
            0,
            &[(3, thread)],
        ))
        .expect("send");
    assert_eq!(expect_return(&mut stream, 6), Ok(vec![]));
    let early = mp::private::returns_written_early() - before;
    assert!(early > 0, "the worker wrote none of {CALLS} Returns itself");
    drop(stream);
    loop_thread
        .join()
        .expect("the loop ends with its connection");
}

#[test]
fn calls_whose_returns_workers_write_give_the_same_answers() {
    let pair = common::in_process();
    let before = mp::private::returns_written_early();
    let (tid, name) = pair.init().where_am_i().expect("whereAmI");
    let service = pair.service();
    for i in 0..200i32 {
        assert_eq!(service.add(i, 2 * i).expect("add"), 3 * i);
        let (again, again_name) = pair.init().where_am_i().expect("whereAmI");
        assert_eq!(
            (again, &again_name),
            (tid, &name),
            "one server thread per caller"
        );
    }
    // A failing call's exception is still the loop's to send.
    let err = service.fail("on purpose".into()).expect_err("fail fails");
    assert!(err.to_string().contains("on purpose"), "{err}");
    assert!(
        mp::private::returns_written_early() - before > 0,
        "no Return was written by a worker"
    );
    drop(service);
    pair.close();
}
