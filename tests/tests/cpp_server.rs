//! A Rust client against a C++ server built on our library (`tests/cpp-runtime/calls_server.cpp`,
//! which dispatches by hand through `mp/transport.h`): calls with and without `Context`, a Rust
//! callback the C++ server calls back on the blocked Rust caller's thread, and an exception the
//! C++ server throws reaching the Rust caller as a remote error with its text. The server
//! binary comes from the CMake build; ctest runs this with `MP_CPP_CALLS_SERVER` set.

use std::sync::{Arc, Mutex};

use multiprocess_tests::calls_capnp::TestInit;

#[test]
fn a_rust_client_calls_a_cpp_server_and_gets_its_exception_text() {
    let Some(server) = std::env::var("MP_CPP_CALLS_SERVER")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        eprintln!("SKIPPED: MP_CPP_CALLS_SERVER is not set (ctest runs this test with it)");
        return;
    };
    let lp = mp::EventLoop::start("rustclient", mp::LogOptions::silent()).expect("loop");
    let (pid, stream) = mp::spawn_process(|fd| vec![server.clone(), fd]).expect("spawn");
    let init = mp::connect_stream::<dyn TestInit>(&lp, stream).expect("connect");
    let adder = init.make_adder().expect("makeAdder").expect("an adder");

    assert_eq!(adder.add(2, 3).expect("add"), 5);
    let (sum, server_thread) = adder.add_ctx(40, 2).expect("addCtx");
    assert_eq!(sum, 42);
    assert!(!server_thread.is_empty());

    // The C++ server calls the callback from its worker; it runs on this, the blocked thread.
    let seen = Arc::new(Mutex::new(None));
    let record = seen.clone();
    let callback = move |x: i32| {
        *record.lock().unwrap() = Some(std::thread::current().id());
        Ok(x * 10)
    };
    assert_eq!(
        adder
            .call_back(Some(Box::new(callback)), 4)
            .expect("callBack"),
        41
    );
    assert_eq!(*seen.lock().unwrap(), Some(std::thread::current().id()));

    let err = adder
        .fail("the C++ server says no".into())
        .expect_err("the server throws");
    assert_eq!(err.kind, mp::ErrorKind::RemoteException, "{err:?}");
    assert!(err.message.contains("the C++ server says no"), "{err:?}");
    // The connection survives the exception.
    assert_eq!(adder.add(1, 1).expect("add after the exception"), 2);

    drop(adder);
    drop(init);
    assert_eq!(mp::wait_process(pid).expect("wait"), 0);
}
