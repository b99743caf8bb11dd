//! Every type and annotation, client and server both in Rust, in one process and across
//! processes.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use multiprocess_tests::custom::{Labeled, Shade};
use multiprocess_tests::types_capnp::{
    Adder, Callbacks, Color, Empty, Failure, Greeter, Named, Record, Types, TypesInit,
};
use multiprocess_tests::types_impl::TypesInitImpl;

struct Conn {
    init: Option<Box<dyn TypesInit>>,
    lp: Option<mp::EventLoopRef>,
    child: Option<i32>,
    server: Option<mp::EventLoop>,
}

impl Conn {
    fn init(&self) -> &dyn TypesInit {
        self.init.as_deref().expect("connected")
    }
    fn types(&self) -> Box<dyn Types> {
        self.init().types().expect("types").expect("non-null")
    }
    fn callbacks(&self) -> Box<dyn Callbacks> {
        self.init()
            .callbacks()
            .expect("callbacks")
            .expect("non-null")
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.init = None;
        if let Some(pid) = self.child.take() {
            let status = mp::wait_process(pid).expect("waitpid");
            assert_eq!(status, 0, "server exit status");
        }
        if let Some(lp) = self.lp.take() {
            let handle = lp.event_loop().clone();
            drop(lp);
            handle.wait_finished();
        }
        if let Some(server) = self.server.take() {
            server.wait_finished();
        }
    }
}

fn in_process() -> Conn {
    let (a, b) = mp::socket_pair().expect("socketpair");
    let server = mp::EventLoop::new("mptest", mp::LogOptions::silent());
    let init: Arc<dyn TypesInit> = Arc::new(TypesInitImpl);
    mp::serve_stream(&server, b, init).expect("serve");
    let runner = server.clone();
    std::thread::spawn(move || runner.run());
    let lp = mp::EventLoop::start("mptest", mp::LogOptions::silent()).expect("loop");
    let init = mp::connect_stream::<dyn TypesInit>(&lp, a).expect("connect");
    Conn {
        init: Some(init),
        lp: Some(lp),
        child: None,
        server: Some(server),
    }
}

fn spawned() -> Conn {
    let exe = env!("CARGO_BIN_EXE_mptest-server").to_string();
    let (pid, stream) = mp::spawn_process(|fd| vec![exe, fd, "types".into()]).expect("spawn");
    let lp = mp::EventLoop::start("mptest", mp::LogOptions::silent()).expect("loop");
    let init = mp::connect_stream::<dyn TypesInit>(&lp, stream).expect("connect");
    Conn {
        init: Some(init),
        lp: Some(lp),
        child: Some(pid),
        server: None,
    }
}

fn both() -> Vec<(&'static str, Conn)> {
    vec![("in-process", in_process()), ("spawned", spawned())]
}

#[test]
fn numbers_of_every_width_bool_and_floats() {
    for (kind, c) in both() {
        let t = c.types();
        let (mut a, mut b, mut d, mut e) = (-8i8, i16::MIN + 1, -32i32, i64::MAX);
        let (mut f, mut g, mut h, mut i) = (255u8, 7u16, u32::MAX, 41u64);
        let (mut x, mut y, mut z) = (0.25f32, -1e300f64, false);
        t.widths(
            &mut a, &mut b, &mut d, &mut e, &mut f, &mut g, &mut h, &mut i, &mut x, &mut y, &mut z,
        )
        .expect("widths");
        assert_eq!((a, b, d, e), (8, i16::MAX, 32, -i64::MAX), "{kind}");
        assert_eq!((f, g, h, i), (0, 8, 0, 42), "{kind}");
        assert_eq!((x, y, z), (0.5, -2e300, true), "{kind}");
    }
}

/// Calls `Types.narrow` with a raw `Int64`, as a peer whose native type is wider would.
fn narrow_raw(types: &dyn Types, value: i64) -> mp::Result<i64> {
    use multiprocess_tests::types_capnp::{__mp_types, types, TypesClient};
    let client = TypesClient::from_dyn(types).expect("a client proxy");
    client.proxy.call(
        &__mp_types::TYPES_NARROW,
        move |_, params| {
            // The core fills the `Context` that `TYPES_NARROW` locates.
            let mut p = params.init_as::<types::narrow_params::Builder<'_>>();
            p.set_value(value);
            Ok(())
        },
        |_, results| {
            Ok(results
                .get_as::<types::narrow_results::Reader<'_>>()?
                .get_result())
        },
    )
}

#[test]
fn narrower_integers_are_range_checked_on_read() {
    for (kind, c) in both() {
        let t = c.types();
        assert_eq!(t.narrow(1 << 30).expect("fits"), 1 << 31, "{kind}");
        assert_eq!(narrow_raw(&*t, -5).expect("fits"), -10, "{kind}");
        let err = narrow_raw(&*t, 1 << 40).expect_err("does not fit an i32");
        assert_eq!(err.kind, mp::ErrorKind::RemoteException, "{kind}");
        assert!(
            err.message.contains("out of bound int received"),
            "{kind}: {err}"
        );
    }
}

#[test]
fn enums_durations_and_custom_types() {
    for (kind, c) in both() {
        let t = c.types();
        let (mut color, mut shade) = (Color::Blue, Shade::Light);
        t.colors(&mut color, &mut shade).expect("colors");
        assert_eq!((color, shade), (Color::Red, Shade::Dark), "{kind}");
        let waited = t
            .wait(mp::Millis(Duration::from_millis(1500)))
            .expect("wait");
        assert_eq!(waited.0, Duration::from_millis(4500), "{kind}");
        let p = t
            .mirror(multiprocess_tests::custom::Point { x: 1, y: -2 })
            .expect("mirror");
        assert_eq!((p.x, p.y), (-2, 1), "{kind}");
        let labeled = Labeled {
            label: "abc".into(),
            bytes: vec![1, 2, 3, 4],
        };
        assert_eq!(t.counted(labeled).expect("counted"), "abc:4", "{kind}");
    }
}

#[test]
fn text_data_lists_sets_and_nested_lists() {
    for (kind, c) in both() {
        let t = c.types();
        let (mut text, mut raw, mut data) = (
            "héllo\0".to_string(),
            vec![0xff, 0x00, b'a'],
            vec![1u8, 2, 3],
        );
        t.texts(&mut text, &mut raw, &mut data).expect("texts");
        assert_eq!(
            (text.as_str(), raw, data),
            ("héllo\0!", vec![b'a', 0x00, 0xff], vec![3, 2, 1]),
            "{kind}"
        );
        let mut ints = vec![1, -2, 3];
        let mut set: BTreeSet<String> = ["b", "a"].iter().map(|s| s.to_string()).collect();
        let mut bools = vec![true, false, true];
        let mut blobs = vec![vec![0u8; 3], vec![]];
        let mut nested = vec![vec!["a".to_string(), "b".into()], vec![]];
        t.lists(&mut ints, &mut set, &mut bools, &mut blobs, &mut nested)
            .expect("lists");
        assert_eq!(ints, vec![3, -2, 1], "{kind}");
        assert_eq!(
            set.into_iter().collect::<Vec<_>>(),
            vec!["a", "added", "b"],
            "{kind}"
        );
        assert_eq!(bools, vec![false, true, false], "{kind}");
        assert_eq!(blobs, vec![vec![0u8; 3], vec![], vec![]], "{kind}");
        assert_eq!(
            nested,
            vec![vec!["a".to_string(), "b".into()], vec![], vec!["x".into()]],
            "{kind}"
        );
    }
}

#[test]
fn maps_as_lists_of_pairs() {
    for (kind, c) in both() {
        let t = c.types();
        let mut generic: BTreeMap<String, String> = [("k".to_string(), "v".to_string())].into();
        let mut concrete: HashMap<String, i32> =
            [("one".to_string(), 1), ("two".to_string(), 2)].into();
        t.maps(&mut generic, &mut concrete).expect("maps");
        assert_eq!(
            generic,
            [
                ("k".to_string(), "v".to_string()),
                ("server".into(), "yes".into())
            ]
            .into(),
            "{kind}"
        );
        assert_eq!(
            concrete,
            [("one".to_string(), 2), ("two".to_string(), 3)].into(),
            "{kind}"
        );
    }
}

#[test]
fn optionals_and_wanted_outputs() {
    for (kind, c) in both() {
        let t = c.types();
        assert_eq!(
            t.optional(Some(0)).expect("some"),
            Some(1),
            "{kind}: zero is a value, not none"
        );
        assert_eq!(t.optional(None).expect("none"), None, "{kind}");
        let (mut doubled, mut text) = (0, String::new());
        t.wanted(21, Some(&mut doubled), Some(&mut text))
            .expect("wanted");
        assert_eq!((doubled, text.as_str()), (42, "x=21"), "{kind}");
        let mut doubled = -1;
        t.wanted(5, Some(&mut doubled), None).expect("wanted");
        assert_eq!(doubled, 10, "{kind}");
        t.wanted(5, None, None).expect("nothing wanted");
    }
}

fn record(name: &str, optional_int: Option<i32>) -> Record {
    Record {
        name: name.into(),
        labels: vec!["l1".into(), "l2".into()],
        flags: vec![true, false],
        optional_int,
        counts: [("a".to_string(), 1), ("b".to_string(), 2)].into(),
        color: Color::Green,
        nested: vec![vec![1, -1], vec![]],
        blobs: vec![mp::Bytes::from_static(&[9])],
        ratio: 0.5,
    }
}

#[test]
fn structs_empty_structs_and_structs_in_lists() {
    for (kind, c) in both() {
        let t = c.types();
        let mut r = record("r", Some(3));
        let mut empty = Empty {};
        let mut list = vec![record("first", None)];
        t.records(&mut r, &mut empty, &mut list).expect("records");
        let mut expected = record("r (seen)", Some(30));
        assert_eq!(r, expected, "{kind}");
        assert_eq!(list.len(), 2, "{kind}");
        assert_eq!(list[0], record("first", None), "{kind}");
        expected.name = "r (seen)".into();
        assert_eq!(list[1], expected, "{kind}");
    }
}

#[test]
fn exceptions_carry_their_typed_value() {
    for (kind, c) in both() {
        let t = c.types();
        assert_eq!(t.raise_struct(0).expect("no error"), 7, "{kind}");
        let err = t.raise_struct(5).expect_err("raised");
        assert_eq!(err.kind, mp::ErrorKind::RemoteException, "{kind}");
        assert_eq!(
            err.payload::<Failure>(),
            Some(Failure {
                code: 5,
                reason: "code 5".into()
            }),
            "{kind}"
        );
        let err = t.raise_struct(-1).expect_err("plain error");
        assert_eq!(err.payload::<Failure>(), None, "{kind}");
        assert_eq!(err.message, "plain failure", "{kind}");
        t.raise_text(false).expect("no error");
        let err = t.raise_text(true).expect_err("raised");
        assert_eq!(
            (err.message.as_str(), err.payload::<String>()),
            ("it failed", Some("it failed".to_string())),
            "{kind}"
        );
    }
}

#[test]
fn outputs_in_out_skip_count_and_no_result() {
    for (kind, c) in both() {
        let t = c.types();
        let mut acc = 10;
        assert_eq!(
            t.outputs(5, &mut acc).expect("outputs"),
            (6, 5000),
            "{kind}"
        );
        assert_eq!(acc, 15, "{kind}");
        t.no_result().expect("no result");
        assert_eq!(t.on_loop(1).expect("on loop"), 2, "{kind}");
    }
}

#[test]
fn closures_serve_callback_interfaces() {
    for (kind, c) in both() {
        let cb = c.callbacks();
        let me = mp::current_tid();
        let adder = move |x: i32| -> mp::Result<i32> {
            assert_eq!(
                mp::current_tid(),
                me,
                "the callback runs on the calling thread"
            );
            Ok(x + 100)
        };
        assert_eq!(
            cb.apply(Some(Box::new(adder)), 1).expect("apply"),
            101,
            "{kind}"
        );
        let fns: Vec<Option<Box<dyn Adder>>> = (1..=3)
            .map(|k| Some(Box::new(move |x: i32| Ok(x * k)) as Box<dyn Adder>))
            .collect();
        assert_eq!(
            cb.apply_all(fns, 7).expect("applyAll"),
            vec![7, 14, 21],
            "{kind}"
        );
    }
}

#[test]
fn a_saved_callback_is_called_later_and_destroyed_when_released() {
    for (kind, c) in both() {
        let cb = c.callbacks();
        assert_eq!(cb.call_saved(1).expect("nothing saved"), None, "{kind}");
        let dropped_before = cb.dropped().expect("dropped");
        cb.save(Some(Box::new(|x: i32| Ok(x - 1)))).expect("save");
        assert_eq!(cb.call_saved(10).expect("later"), Some(9), "{kind}");
        assert_eq!(cb.call_saved(20).expect("later again"), Some(19), "{kind}");
        // From a server thread that serves no request of ours: the server makes a thread here.
        assert_eq!(
            cb.call_saved_from_own_thread(30).expect("own thread"),
            29,
            "{kind}"
        );
        cb.save(None).expect("release");
        assert_eq!(cb.dropped().expect("dropped"), dropped_before + 1, "{kind}");
    }
}

#[test]
fn interfaces_returned_extended_shared_and_null() {
    for (kind, c) in both() {
        let cb = c.callbacks();
        let greeter: Box<dyn Greeter> = cb
            .make_greeter("ann".into())
            .expect("greeter")
            .expect("non-null");
        assert_eq!(
            greeter.greet("bob".into()).expect("greet"),
            "ann greets bob",
            "{kind}"
        );
        assert_eq!(greeter.name().expect("inherited"), "ann", "{kind}");
        assert!(cb.make_nothing().expect("nothing").is_none(), "{kind}");
        assert_eq!(cb.name_of(None).expect("null param"), None, "{kind}");
        // A derived proxy passed where the base interface is expected (upcast).
        let as_named: Box<dyn Named> = greeter;
        assert_eq!(
            cb.name_of(Some(as_named)).expect("name of"),
            Some("ann".into()),
            "{kind}"
        );
        // A local object shared through an Arc.
        struct Local(Arc<String>);
        impl Named for Local {
            fn name(&self) -> mp::Result<String> {
                Ok(self.0.to_string())
            }
        }
        // The shared form: an `Arc<dyn Named>` passed as a `Box<dyn Named>`.
        let shared_obj: Arc<dyn Named> = Arc::new(Local(Arc::new("arc".into())));
        let before = Arc::strong_count(&shared_obj);
        assert_eq!(
            cb.name_of(Some(Box::new(shared_obj.clone())))
                .expect("shared"),
            Some("arc".into()),
            "{kind}"
        );
        assert_eq!(
            Arc::strong_count(&shared_obj),
            before,
            "{kind}: the server's reference was released"
        );
        let shared = Arc::new(String::from("shared"));
        assert_eq!(
            cb.name_of(Some(Box::new(Local(shared.clone()))))
                .expect("local"),
            Some("shared".into()),
            "{kind}"
        );
        assert_eq!(
            Arc::strong_count(&shared),
            1,
            "{kind}: the server released our object after the call"
        );
    }
}
