//! A server's worker calls the caller's callbacks without its loop (`core/request_caps.rs`):
//! a callback saved from one request and called while the worker serves a later one, here
//! served by the worker itself (`transport/served.rs`). One test in this binary, so that the
//! process-wide count of calls back is this test's alone.

#[path = "support/types_pair.rs"]
mod types_pair;

use std::sync::Arc;

use multiprocess_tests::types_impl::TypesInitImpl;
use types_pair::TypesPair;

#[test]
fn a_saved_callback_called_from_a_served_call_goes_direct() {
    let pair = TypesPair::start(Arc::new(TypesInitImpl));
    let cb = pair.init.callbacks().expect("callbacks").expect("non-null");

    let here = std::thread::current().id();
    cb.save(Some(Box::new(move |x: i32| {
        assert_eq!(
            std::thread::current().id(),
            here,
            "the callback runs on the caller"
        );
        Ok(x * 3)
    })))
    .expect("save");
    let served_before = mp::private::calls_served_directly();
    let before = mp::private::calls_back_direct();
    for x in 0..40 {
        assert_eq!(cb.call_saved(x).expect("callSaved"), Some(3 * x));
    }
    let served = mp::private::calls_served_directly() - served_before;
    let direct = mp::private::calls_back_direct() - before;
    // The first `callSaved` goes through capnp-rpc and teaches the rest to be served by the
    // worker; each of those calls the saved callback direct, with the numbers the `save`
    // request's capability table gave and the served call's own threads.
    assert!(served >= 35, "{served} of 40 calls served by the worker");
    assert!(direct >= 35, "{direct} of 40 calls back went direct");

    cb.save(None).expect("release");
    drop(cb);
    // Closing the bootstrap proxy closes the connection; both loops then finish.
    pair.finish();
}
