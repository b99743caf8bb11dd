//! Each generator meaning of issue 9 on `schema/store.capnp`: the generated code compiles (this
//! file uses it) and values make the round trip over a real capnp connection.

mod common;

use std::sync::Arc;

use multiprocess_gen_tests::store_capnp::{
    Detail, Either, EitherWhich, Limits, Link, LoudNotify, MeterClient, MeterProxyClient, Notify,
    Options, Store, StoreFailException,
};
use multiprocess_gen_tests::store_v1_capnp::{OptionsV1, StoreV1};
use multiprocess_gen_tests::{env_hook, Bytes, Hash};

struct Loud {
    volume: i32,
}

impl Notify for Loud {
    fn call(&self, value: i32) -> mp::Result<i32> {
        Ok(value + 100)
    }
}

impl LoudNotify for Loud {
    fn volume(&self) -> mp::Result<i32> {
        Ok(self.volume)
    }
}

#[test]
fn m01_extends_a_callable_interface_and_shared_forms() {
    let c = common::connect::<dyn Store>();
    // A shared implementation of an interface that extends a closure-mapped one.
    let loud: Arc<dyn LoudNotify> = Arc::new(Loud { volume: 3 });
    let got = c
        .get()
        .notify(Some(Box::new(loud.clone())), 5)
        .expect("notify");
    assert_eq!(got, 105 + 3);
    // Closures implement the callable interface; its shared form is an `Arc<dyn Notify>`.
    let (n, _) = c.get().notifier().expect("notifier");
    assert_eq!(n.expect("non-null").call(4).expect("call"), 8);
    let shared: Arc<dyn Notify> = Arc::new(|v: i32| Ok(v - 1));
    let boxed: Box<dyn Notify> = Box::new(shared.clone());
    assert_eq!(boxed.call(10).expect("local call"), 9);
}

#[test]
fn m02_colliding_names_are_resolved_by_the_rule() {
    let c = common::connect::<dyn Store>();
    let meter = c.get().meter().expect("meter").expect("non-null");
    // `tick` and `tickAsync` are both trait methods and reach different server methods.
    assert_eq!(meter.tick().expect("tick"), 1);
    assert_eq!(meter.tick_async().expect("tickAsync"), 2);
    // The client of `Meter` gave way to the interface `MeterClient`; its async forms are
    // `tick_proxy_async` (tick) and `tick_async_async` (tickAsync).
    let client = MeterProxyClient::from_dyn(&*meter).expect("a proxy");
    assert_eq!(
        futures::executor::block_on(client.tick_proxy_async()).expect("async"),
        1
    );
    assert_eq!(
        futures::executor::block_on(client.tick_async_async()).expect("async"),
        2
    );
    fn is_trait(_: &dyn MeterClient) {}
    let _ = is_trait;
}

#[test]
fn m03_schema_defaults_from_default_and_when_absent_on_the_wire() {
    let d = Options::default();
    assert!(d.use_cache);
    assert_eq!(d.reserve, 8000);
    assert_eq!(d.timeout, f64::INFINITY);
    assert_eq!(d.floor, -1);
    assert_eq!(d.plain, 0);
    let c = common::connect::<dyn Store>();
    assert_eq!(c.get().defaults().expect("defaults"), Options::default());
    // An older client's struct and params lack the newer fields: the server reads defaults.
    let old = common::connect::<dyn StoreV1>();
    let seen = old
        .get()
        .describe(OptionsV1 { use_cache: false })
        .expect("describe");
    assert_eq!(
        seen,
        "useCache=false reserve=8000 timeout=inf floor=-1 plain=0"
    );
    assert_eq!(old.get().take_default().expect("takeDefault"), 8000);
}

#[test]
fn m04_every_exception_field_is_raised() {
    let c = common::connect::<dyn Store>();
    assert_eq!(c.get().fail(0).expect("no exception"), 1);
    let e = c.get().fail(1).expect_err("text exception");
    assert_eq!(e.message, "boom");
    assert_eq!(
        e.payload::<StoreFailException>(),
        Some(StoreFailException::Error("boom".into()))
    );
    // A second Text slot: the peer fills only that one, and the client says which.
    let e = c.get().fail(2).expect_err("second text exception");
    assert_eq!(e.message, "bad params");
    assert_eq!(
        e.payload::<StoreFailException>(),
        Some(StoreFailException::RpcError("bad params".into()))
    );
    let e = c.get().fail(3).expect_err("struct exception");
    assert_eq!(
        e.payload::<StoreFailException>(),
        Some(StoreFailException::Detail(Detail {
            code: 9,
            why: "bad".into()
        }))
    );
    let e = c.get().fail(4).expect_err("plain error");
    assert!(e.payload::<StoreFailException>().is_none());
    assert!(e.message.contains("plain failure"), "{}", e.message);
}

#[test]
fn m05_count0_fields_go_through_the_hooks() {
    *env_hook::TO_SEND.lock().expect("lock") = Some(("night".into(), 3));
    let c = common::connect::<dyn Store>();
    assert_eq!(c.get().with_env(9).expect("withEnv"), "night/3/9");
}

#[test]
fn m06_in_out_field_with_two_types_is_an_input_and_an_output() {
    let c = common::connect::<dyn Store>();
    let wide: i64 = c.get().widen(3).expect("widen");
    assert_eq!(wide, 3i64 << 32);
}

#[test]
fn m07_recursive_struct_round_trip() {
    let c = common::connect::<dyn Store>();
    let chain = Link {
        value: 1,
        next: Some(Box::new(Link {
            value: 2,
            next: Some(Box::new(Link {
                value: 3,
                next: None,
            })),
        })),
    };
    let got = c.get().link(chain).expect("link");
    let mut values = Vec::new();
    let mut at = Some(Box::new(got));
    while let Some(l) = at {
        values.push(l.value);
        at = l.next;
    }
    assert_eq!(values, [2, 3, 4]);
}

#[test]
fn m08_generics_without_and_with_interface_arguments_and_unions() {
    let c = common::connect::<dyn Store>();
    assert_eq!(
        c.get().outcome(true).expect("ok"),
        ("value".into(), String::new())
    );
    assert_eq!(
        c.get().outcome(false).expect("err"),
        (String::new(), "failed".into())
    );
    assert_eq!(c.get().done().expect("done").0, "nothing to report");
    let (n, error) = c.get().notifier().expect("notifier");
    assert_eq!(
        (n.expect("cap").call(21).expect("call"), error),
        (42, String::new())
    );
    for (sent, want) in [
        (EitherWhich::Number(12), EitherWhich::Word("12".into())),
        (EitherWhich::Word("four".into()), EitherWhich::Number(4)),
        (EitherWhich::Nothing, EitherWhich::Nothing),
    ] {
        let got = c
            .get()
            .either(Either {
                tag: "t".into(),
                which: sent,
            })
            .expect("either");
        assert_eq!(
            got,
            Either {
                tag: "seen t".into(),
                which: want
            }
        );
    }
    assert_eq!(Either::default().which, EitherWhich::Number(0));
}

#[test]
fn m09_numeric_has_companion() {
    let c = common::connect::<dyn Store>();
    assert_eq!(
        c.get().limits(Limits { cap: Some(5) }).expect("some").cap,
        Some(6)
    );
    assert_eq!(
        c.get().limits(Limits { cap: None }).expect("none").cap,
        None
    );
    // Zero is a value, not absence: presence travels in `hasCap`, not in `cap`.
    assert_eq!(
        c.get().limits(Limits { cap: Some(0) }).expect("zero").cap,
        Some(1)
    );
}

#[test]
fn m10_name_with_a_stray_semicolon_is_cleaned() {
    let c = common::connect::<dyn Store>();
    assert_eq!(c.get().answer().expect("answer"), 42);
}

#[test]
fn m12_files_in_subdirectories_come_in_through_the_modules_file() {
    let size = multiprocess_gen_tests::units_capnp::Size { bytes: 3 };
    assert_eq!(size.bytes, 3);
}

#[test]
fn m13_types_mapped_by_capnp_type_and_by_name() {
    let c = common::connect::<dyn Store>();
    assert_eq!(
        c.get().hash(Hash(vec![1, 2, 3])).expect("hash"),
        Hash(vec![3, 2, 1])
    );
    assert_eq!(c.get().size(Bytes(21)).expect("size"), Bytes(42));
}
