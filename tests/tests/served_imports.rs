//! Calls that carry objects of the caller's (callbacks) are served by the worker itself, the
//! transport holding the references the caller counted (`core/lazy_import.rs`); a call on
//! such an object that needs capnp-rpc hands the reference over first
//! (`transport/adopt.rs`). One test in this binary, so that the process-wide counts are its
//! own.

#[path = "support/types_pair.rs"]
mod types_pair;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use multiprocess_tests::types_capnp::{Adder, AdderClient, Callbacks, TypesInit};
use types_pair::{eventually, TypesPair};

/// An `Adder` of the client's that adds `k`, counting its drop.
struct Counted {
    k: i32,
    dropped: Arc<AtomicU32>,
}

impl Adder for Counted {
    fn call(&self, x: i32) -> mp::Result<i32> {
        Ok(x + self.k)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::SeqCst);
    }
}

/// The server's `Callbacks`: `save(null)` hands the saved object to a thread of its own,
/// which drops it once `callSaved` (with nothing saved) says so, long after any call that
/// carried it was answered.
#[derive(Default)]
struct Holder {
    saved: Mutex<Option<Arc<Box<dyn Adder>>>>,
    /// Tells the thread that holds the last object let go to drop it.
    let_go: Mutex<Option<mpsc::Sender<()>>>,
}

impl Callbacks for Holder {
    fn apply(&self, r#fn: Option<Box<dyn Adder>>, x: i32) -> mp::Result<i32> {
        r#fn.ok_or_else(|| mp::Error::invalid_argument("null fn"))?
            .call(x)
    }

    fn save(&self, r#fn: Option<Box<dyn Adder>>) -> mp::Result<()> {
        let old = std::mem::replace(&mut *self.saved.lock().unwrap(), r#fn.map(Arc::new));
        if let Some(old) = old {
            let (tx, rx) = mpsc::channel::<()>();
            *self.let_go.lock().unwrap() = Some(tx);
            std::thread::spawn(move || {
                let _ = rx.recv();
                drop(old);
            });
        }
        Ok(())
    }

    fn call_saved(&self, x: i32) -> mp::Result<Option<i32>> {
        let saved = self.saved.lock().unwrap().clone();
        if saved.is_none() {
            if let Some(tx) = self.let_go.lock().unwrap().take() {
                let _ = tx.send(());
            }
        }
        saved.map(|f| f.call(x)).transpose()
    }

    fn call_saved_from_own_thread(&self, x: i32) -> mp::Result<i32> {
        let saved = self
            .saved
            .lock()
            .unwrap()
            .clone()
            .ok_or_else(|| mp::Error::failed("nothing saved"))?;
        // A thread the caller has never seen: its call must go through capnp-rpc.
        let blocking = std::thread::spawn({
            let saved = saved.clone();
            move || saved.call(x)
        })
        .join()
        .map_err(|_| mp::Error::failed("thread panicked"))??;
        // And an async call, which always goes through capnp-rpc.
        let client = AdderClient::from_dyn(&**saved)
            .ok_or_else(|| mp::Error::failed("the saved object is no proxy"))?;
        let async_result = futures::executor::block_on(client.call_async(x))?;
        if async_result != blocking {
            return Err(mp::Error::failed("async and blocking calls disagree"));
        }
        Ok(blocking)
    }
}

struct Init;

impl TypesInit for Init {
    fn callbacks(&self) -> mp::Result<Option<Box<dyn Callbacks>>> {
        Ok(Some(Box::new(Holder::default())))
    }
}

#[test]
fn objects_in_served_calls_are_held_by_the_transport_and_handed_over_when_needed() {
    let pair = TypesPair::start(Arc::new(Init));
    let cb = pair.init.callbacks().expect("callbacks").expect("non-null");
    let dropped = Arc::new(AtomicU32::new(0));
    let adder = |k: i32| -> Option<Box<dyn Adder>> {
        Some(Box::new(Counted {
            k,
            dropped: dropped.clone(),
        }))
    };

    // A new object per call: once the first call taught the server's worker the caller's
    // thread, the worker reads the calls itself and serves them, object and all. Each
    // object is released by the server's own `Release`, which goes in front of the
    // `Return`: it is dropped before the next call.
    let (taken_before, _) = mp::private::objects_in_served_calls();
    for k in 0..30 {
        assert_eq!(cb.apply(adder(k), 1000).expect("apply"), 1000 + k);
        eventually("the callback object dropped", || {
            dropped.load(Ordering::SeqCst) == k as u32 + 1
        });
    }
    let (taken, handed_over) = mp::private::objects_in_served_calls();
    let taken = taken - taken_before;
    assert!(
        taken >= 25,
        "{taken} of 30 calls with an object served by the worker"
    );
    assert_eq!(
        handed_over, 0,
        "calls back from the worker need no capnp-rpc"
    );

    // Kept past the call that carried it, and called from later served calls (direct).
    cb.save(adder(7)).expect("save");
    for x in 0..5 {
        assert_eq!(cb.call_saved(x).expect("callSaved"), Some(x + 7));
    }
    // A thread of the server's the caller never saw, and an async call: both need
    // capnp-rpc, so the reference is handed over; calls that can go direct still do.
    for x in 0..3 {
        assert_eq!(
            cb.call_saved_from_own_thread(x)
                .expect("callSavedFromOwnThread"),
            x + 7
        );
        assert_eq!(cb.call_saved(x).expect("callSaved"), Some(x + 7));
    }
    assert_eq!(dropped.load(Ordering::SeqCst), 30, "the saved object lives");
    let (_, handed_over) = mp::private::objects_in_served_calls();
    assert_eq!(handed_over, 1, "the saved object was handed over once");
    // Replaced: the handed-over object goes once the server's thread drops it, capnp-rpc
    // releasing it.
    cb.save(adder(8)).expect("save another");
    assert_eq!(cb.call_saved(1).expect("callSaved"), Some(9));
    cb.save(None).expect("let it go");
    eventually("the handed-over object dropped", || {
        dropped.load(Ordering::SeqCst) == 31
    });
    // The second saved object was never handed over: its thread drops it after every
    // call was answered. Its `destroy` from that thread, which the caller never saw,
    // hands it over then, and capnp-rpc releases it.
    assert_eq!(cb.call_saved(1).expect("callSaved"), None);
    eventually("the object dropped by a thread of the server's", || {
        dropped.load(Ordering::SeqCst) == 32
    });

    drop(cb);
    pair.finish();
}
