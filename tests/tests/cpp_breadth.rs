//! The breadth types (`tests/cpp-runtime/breadth.capnp`) between C++ and Rust peers on our
//! library: the C++ breadth client (`mp_cpp_breadth_test client ...`, every case of
//! `breadth_test.cpp`) against the Rust server `mpbreadth-server`, and a Rust client against the
//! C++ breadth server (`mp_cpp_breadth_test serve <fd>`), with the values the C++ cases check.
//! The C++ program comes from the CMake build; ctest runs this with `MP_CPP_BREADTH_TEST` set.

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;

use multiprocess_tests::breadth_capnp::{
    Blob, BreadthInterface, CallbackInterface, Empty, ExtendedInterface, IntFnInterface, IntText,
    Record, RecurserInterface, StringIntPair,
};

fn cpp_breadth_test() -> Option<String> {
    let path = std::env::var("MP_CPP_BREADTH_TEST")
        .ok()
        .filter(|s| !s.is_empty());
    if path.is_none() {
        eprintln!("SKIPPED: MP_CPP_BREADTH_TEST is not set (ctest runs this test with it)");
    }
    path
}

#[test]
fn the_cpp_breadth_client_runs_every_case_against_a_rust_server() {
    let Some(cpp) = cpp_breadth_test() else {
        return;
    };
    let out = Command::new(&cpp)
        .arg("client")
        .arg(env!("CARGO_BIN_EXE_mpbreadth-server"))
        .output()
        .expect("run the C++ breadth client");
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "the C++ client failed: {}",
        out.status
    );
    assert!(stdout.contains("all checks passed"), "no summary line");
    for case in [
        "numbers",
        "interfaces",
        "functions",
        "more types",
        "threads",
        "disconnect",
    ] {
        assert!(
            stdout.contains(&format!("ok     {case}\n")),
            "case {case} did not pass"
        );
    }
}

/// Records the thread it ran on and multiplies by its factor.
struct Callback {
    factor: i32,
    ran_on: Arc<Mutex<Option<ThreadId>>>,
}

impl Callback {
    fn new(factor: i32) -> (Self, Arc<Mutex<Option<ThreadId>>>) {
        let ran_on = Arc::new(Mutex::new(None));
        let callback = Callback {
            factor,
            ran_on: ran_on.clone(),
        };
        (callback, ran_on)
    }
}

impl CallbackInterface for Callback {
    fn call(&self, arg: i32) -> mp::Result<i32> {
        *self.ran_on.lock().unwrap() = Some(std::thread::current().id());
        Ok(arg * self.factor)
    }
}

impl IntFnInterface for Callback {
    fn call(&self, arg: i32) -> mp::Result<i32> {
        *self.ran_on.lock().unwrap() = Some(std::thread::current().id());
        Ok(arg * self.factor)
    }
}

struct Extended;

impl CallbackInterface for Extended {
    fn call(&self, arg: i32) -> mp::Result<i32> {
        Ok(arg + 1)
    }
}

impl ExtendedInterface for Extended {
    fn call_extended(&self, arg: i32) -> mp::Result<i32> {
        Ok(arg + 2)
    }
}

/// Calls back into the server with depth - 1, recording the threads it ran on.
struct Recurser {
    server: Arc<dyn BreadthInterface>,
    threads: Arc<Mutex<BTreeSet<String>>>,
}

impl RecurserInterface for Recurser {
    fn recurse(&self, depth: i32) -> mp::Result<String> {
        self.threads
            .lock()
            .unwrap()
            .insert(format!("{:?}", std::thread::current().id()));
        let here = format!("c{depth}");
        if depth == 0 {
            return Ok(here);
        }
        let next = Box::new(Recurser {
            server: self.server.clone(),
            threads: self.threads.clone(),
        });
        Ok(here + &self.server.recurse(Some(next), depth - 1)?)
    }
}

fn record(name: &str, values: &[i32], number: Option<i32>) -> Record {
    Record {
        name: name.into(),
        values: values.to_vec(),
        the_number: number,
    }
}

fn numbers_and_containers(c: &dyn BreadthInterface) {
    assert_eq!(c.pass_i8(-128).unwrap(), -128);
    assert_eq!(c.pass_i16(-32768).unwrap(), -32768);
    assert_eq!(c.pass_u16(65535).unwrap(), 65535);
    assert_eq!(c.pass_u32(4_000_000_000).unwrap(), 4_000_000_000);
    assert_eq!(c.pass_i64(i64::MIN).unwrap(), i64::MIN);
    assert_eq!(c.pass_u64(u64::MAX).unwrap(), u64::MAX);
    assert!(!c.pass_bool(true).unwrap());
    assert_eq!(c.pass_double(-1.25).unwrap(), -2.5);
    assert_eq!(c.pass_string("text".into()).unwrap(), "text!");
    assert_eq!(
        c.pass_data(vec![0, 1, 2].into()).unwrap()[..],
        [0, 1, 2, 0xff]
    );
    // A big `Data` each way (this proxy is the bootstrap one, whose calls go through the
    // loop, so it is copied here; `conformance.rs` sends one from its own memory).
    for seed in 0..3u8 {
        let big: Vec<u8> = (0..(1u32 << 20) + 3)
            .map(|i| (i % 251) as u8 ^ seed)
            .collect();
        let mut want = big.clone();
        want.push(0xff);
        assert_eq!(
            c.pass_data(big.into()).unwrap()[..],
            want[..],
            "round {seed}"
        );
    }
    assert_eq!(c.pass_vector(vec![1, -2, 3]).unwrap(), [3, -2, 1]);
    let set: BTreeSet<String> = c
        .pass_set(vec!["b".into(), "a".into()])
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(
        set,
        BTreeSet::from(["a".into(), "b".into(), "server".into()])
    );
    let pair = |key: &str, value| StringIntPair {
        key: key.into(),
        value,
    };
    assert_eq!(
        c.pass_map(vec![pair("x", 1), pair("y", -2)]).unwrap(),
        [pair("xx", 10), pair("yy", -20)]
    );
}

fn optional_outputs_structs_exceptions(c: &dyn BreadthInterface) {
    assert_eq!(c.pass_optional(Some(41)).unwrap(), Some(42));
    assert_eq!(c.pass_optional(None).unwrap(), None);
    let mut out = 7;
    assert!(c.out_pointer(5, Some(&mut out)).unwrap());
    assert_eq!(out, 15);
    assert!(!c.out_pointer(5, None).unwrap());
    let mut sum = 10;
    c.in_out(5, &mut sum).unwrap();
    assert_eq!(sum, 15);

    let rec = record("rec", &[4, 5], Some(1));
    assert_eq!(
        c.pass_record(rec.clone()).unwrap(),
        record("rec?", &[4, 5, 2], Some(101))
    );
    assert_eq!(
        c.pass_record(record("", &[], None)).unwrap(),
        record("?", &[0], None)
    );
    let err = c.raise(rec.clone()).expect_err("raise throws");
    assert_eq!(err.payload::<Record>(), Some(rec), "{err:?}");
    let err = c.raise_std("broken".into()).expect_err("raiseStd throws");
    assert_eq!(
        err.payload::<String>().as_deref(),
        Some("broken"),
        "{err:?}"
    );
}

fn interfaces_and_functions(c: &dyn BreadthInterface) {
    let me = std::thread::current().id();
    let made = c.make_callback(3).unwrap().expect("a callback");
    assert_eq!(made.call(5).unwrap(), 15);
    drop(made);
    assert!(c.make_callback(0).unwrap().is_none());
    assert_eq!(
        c.make_shared(4).unwrap().expect("shared").call(5).unwrap(),
        20
    );

    let (cb, ran_on) = Callback::new(2);
    assert_eq!(c.call_unique(Some(Box::new(cb)), 21).unwrap(), 42);
    assert_eq!(*ran_on.lock().unwrap(), Some(me));
    assert_eq!(c.call_unique(None, 1).unwrap(), -1);
    let (cb, _) = Callback::new(5);
    assert_eq!(c.call_shared(Some(Box::new(cb)), 3).unwrap(), 15);
    let (cb, ran_on) = Callback::new(7);
    assert_eq!(c.call_ref(Some(Box::new(cb)), 6).unwrap(), 42);
    assert_eq!(*ran_on.lock().unwrap(), Some(me));
    let (cb, ran_on) = Callback::new(11);
    c.save_callback(Some(Box::new(cb))).unwrap();
    assert_eq!(c.call_saved(2).unwrap(), 22);
    assert_eq!(c.call_saved(3).unwrap(), 33);
    assert_eq!(*ran_on.lock().unwrap(), Some(me));
    c.save_callback(None).unwrap();
    assert_eq!(c.call_saved(3).unwrap(), -1);

    let (f, ran_on) = Callback::new(1);
    let f: Box<dyn IntFnInterface> = Box::new(f);
    assert_eq!(c.call_fn(Some(f), 41).unwrap(), 41);
    assert_eq!(*ran_on.lock().unwrap(), Some(me));
    assert_eq!(c.call_fn(None, 1).unwrap(), -1);
    assert_eq!(
        c.make_fn(6).unwrap().expect("a function").call(7).unwrap(),
        42
    );
    assert!(c.make_fn(0).unwrap().is_none());
    let (f, _) = Callback::new(9);
    c.save_fn(Some(Box::new(f) as Box<dyn IntFnInterface>))
        .unwrap();
    assert_eq!(c.call_saved_fn(9).unwrap(), 81);
    c.save_fn(None).unwrap();
    assert_eq!(c.call_saved_fn(3).unwrap(), -1);
    assert_eq!(
        c.call_extended(Some(Box::new(Extended)), 10).unwrap(),
        11012
    );
}

fn more_types(c: &dyn BreadthInterface) {
    assert_eq!(c.pass_enum(1).unwrap(), -3, "Red comes back as Blue");
    assert_eq!(c.pass_enum(2).unwrap(), 2);
    assert_eq!(c.pass_duration(-21).unwrap(), -42);
    let mut unordered = c.pass_unordered(vec![5, 6]).unwrap();
    unordered.sort();
    assert_eq!(unordered, [0, 5, 6]);
    let bools = vec![true, false, false, true, true, false, true, true, true];
    let flipped: Vec<bool> = bools.iter().map(|b| !b).collect();
    assert_eq!(c.pass_bools(bools).unwrap(), flipped);
    assert_eq!(
        c.pass_nested(vec![vec![1, 2], vec![], vec![3]]).unwrap(),
        [vec![1, 2], vec![], vec![3], vec![]]
    );
    assert_eq!(c.pass_empty(Empty {}).unwrap(), Empty {});
    let records = vec![record("a", &[1], None), record("b", &[], Some(2))];
    assert_eq!(
        c.pass_records(records.clone()).unwrap(),
        [records[1].clone(), records[0].clone()]
    );
    let blob = Blob {
        key: vec![250, 251, 252, 253].into(),
        point: "-4,9".into(),
        entry: StringIntPair {
            key: "k".into(),
            value: 21,
        },
    };
    let back = c.pass_blob(blob).unwrap();
    assert_eq!(back.key[..], [251, 252, 253, 254]);
    assert_eq!(back.point, "-3,9");
    assert_eq!(back.entry.value, 42);
    assert_eq!(c.pass_point("1,-2".into()).unwrap(), "-2,1");
    let tuple = IntText {
        number: 41,
        text: "t".into(),
    };
    assert_eq!(
        c.pass_tuple(tuple).unwrap(),
        IntText {
            number: 42,
            text: "t+".into()
        }
    );
}

fn threads(c: &Arc<dyn BreadthInterface>) {
    let server_thread = c.thread_name().unwrap();
    assert_eq!(c.thread_name().unwrap(), server_thread);
    let recursed = Arc::new(Mutex::new(BTreeSet::new()));
    let recurser = Box::new(Recurser {
        server: c.clone(),
        threads: recursed.clone(),
    });
    assert_eq!(c.recurse(Some(recurser), 3).unwrap(), "s3c2s1c0");
    assert_eq!(
        *recursed.lock().unwrap(),
        BTreeSet::from([format!("{:?}", std::thread::current().id())]),
        "every callback ran on the calling thread"
    );
    let workers: Vec<_> = (0..8)
        .map(|t| {
            let c = c.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    let value = i64::from(t) * 1_000_000 + i;
                    assert_eq!(c.pass_i64(value).unwrap(), value);
                }
                let (cb, ran_on) = Callback::new(t + 1);
                assert_eq!(c.call_ref(Some(Box::new(cb)), 10).unwrap(), 10 * (t + 1));
                assert_eq!(*ran_on.lock().unwrap(), Some(std::thread::current().id()));
                let name = c.thread_name().unwrap();
                assert_eq!(c.thread_name().unwrap(), name);
                name
            })
        })
        .collect();
    let names: BTreeSet<String> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    assert_eq!(
        names.len(),
        8,
        "each client thread has its own server thread"
    );
    assert!(!names.contains(&server_thread));
}

#[test]
fn a_rust_client_runs_the_breadth_cases_against_the_cpp_server() {
    let Some(cpp) = cpp_breadth_test() else {
        return;
    };
    let lp = mp::EventLoop::start("rust-breadth-client", mp::LogOptions::silent()).expect("loop");
    let (pid, stream) =
        mp::spawn_process(|fd| vec![cpp.clone(), "serve".into(), fd]).expect("spawn");
    let client: Arc<dyn BreadthInterface> =
        Arc::from(mp::connect_stream::<dyn BreadthInterface>(&lp, stream).expect("connect"));
    numbers_and_containers(&*client);
    optional_outputs_structs_exceptions(&*client);
    interfaces_and_functions(&*client);
    more_types(&*client);
    threads(&client);

    // The server ends its process in the middle of a call: that call and later ones fail as
    // disconnected, with the original's texts.
    let err = client.exit_process().expect_err("the server died");
    assert_eq!(err.kind, mp::ErrorKind::Disconnected, "{err:?}");
    let err = client.pass_i8(1).expect_err("after the disconnect");
    assert_eq!(err.message, "IPC client method called after disconnect.");
    drop(client);
    assert_eq!(mp::wait_process(pid).expect("wait"), 0);
}
