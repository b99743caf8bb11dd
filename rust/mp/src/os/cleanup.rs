//! One background thread per process that drops what the loop thread must not drop itself
//! (server implementations, whose destructors may block), like the original's async thread.

use std::any::Any;
use std::sync::mpsc::{channel, Sender};
use std::sync::{Mutex, OnceLock};

type Garbage = Box<dyn Any + Send>;

static CLEANUP: OnceLock<Mutex<Option<Sender<Garbage>>>> = OnceLock::new();

fn start() -> Mutex<Option<Sender<Garbage>>> {
    let (tx, rx) = channel::<Garbage>();
    let started = std::thread::Builder::new()
        .name("mp-cleanup".into())
        .spawn(move || {
            for garbage in rx {
                drop(garbage);
            }
        });
    Mutex::new(started.ok().map(|_| tx))
}

/// Drops `value` on the cleanup thread, in the order values are handed over. Falls back to a
/// thread of its own if the cleanup thread cannot be started.
pub(crate) fn drop_later(value: Garbage) {
    let sender = CLEANUP
        .get_or_init(start)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let value = match sender {
        Some(tx) => match tx.send(value) {
            Ok(()) => return,
            Err(e) => e.0,
        },
        None => value,
    };
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}
