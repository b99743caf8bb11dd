//! Releases of loop-owned values that a thread holds back instead of posting each one: the
//! thread-local bookkeeping under [`HoldReleases`](crate::event_loop::loop_box::HoldReleases).
//! A loop is named here by its key ([`EventLoop::key`](crate::event_loop::loop_thread::EventLoop::key)),
//! so that this file needs neither the loop nor the boxes that use it.

use std::cell::{Cell, RefCell};

use crate::event_loop::loop_state::loop_state;

thread_local! {
    /// The releases this thread holds: a pointer into the innermost live `HoldGuard` of this
    /// thread, or null. A plain pointer rather than an owned value, so that the thread-local
    /// needs no destructor: registering one costs each worker thread about a page of memory.
    static HELD: Cell<*const RefCell<Held>> = const { Cell::new(std::ptr::null()) };
}

/// The ids of one loop's values let go by this thread while it holds.
struct Held {
    key: usize,
    ids: Vec<u64>,
}

/// Holds this thread's releases of one loop's values until [`finish`](Self::finish).
/// Holds nest; each keeps its own.
pub(crate) struct HoldGuard {
    /// Boxed, so that `HELD` can point at it while the guard moves; `None` once finished.
    own: Option<Box<RefCell<Held>>>,
    outer: *const RefCell<Held>,
}

impl HoldGuard {
    /// Starts holding the releases of the loop with key `key`.
    pub(crate) fn start(key: usize) -> Self {
        let own = Box::new(RefCell::new(Held {
            key,
            ids: Vec::new(),
        }));
        let outer = HELD.with(|held| held.replace(&*own));
        HoldGuard {
            own: Some(own),
            outer,
        }
    }

    /// Stops holding; gives back the ids held, to be freed on the loop.
    pub(crate) fn finish(&mut self) -> Vec<u64> {
        let _ = HELD.try_with(|held| held.set(self.outer));
        self.own
            .take()
            .map(|own| own.into_inner().ids)
            .unwrap_or_default()
    }
}

impl Drop for HoldGuard {
    fn drop(&mut self) {
        // Stop pointing at `own` before it is freed.
        let _ = HELD.try_with(|held| held.set(self.outer));
    }
}

/// Runs `f` on this thread's innermost hold, if there is one.
fn with_held<R>(f: impl FnOnce(&mut Held) -> Option<R>) -> Option<R> {
    let held = HELD.try_with(Cell::get).ok()?;
    if held.is_null() {
        return None;
    }
    // SAFETY: a non-null `HELD` points into the box owned by this thread's innermost live
    // `HoldGuard`, which resets `HELD` before the box is freed (in `finish` and in `Drop`);
    // only this thread reads `HELD`.
    let held = unsafe { &*held };
    let mut held = held.try_borrow_mut().ok()?;
    f(&mut held)
}

/// Adds `id` to this thread's hold if it holds the releases of loop `key`.
pub(crate) fn hold(key: usize, id: u64) -> bool {
    with_held(|held| (held.key == key).then(|| held.ids.push(id))).is_some()
}

/// The ids this thread holds for loop `key`, taken out so that a post can free them before
/// its own job runs.
pub(crate) fn take(key: usize) -> Option<Vec<u64>> {
    with_held(|held| {
        (held.key == key && !held.ids.is_empty()).then(|| std::mem::take(&mut held.ids))
    })
}

/// Whether this thread holds releases of loop `key` that have not gone to the loop yet.
pub(crate) fn holds_any(key: usize) -> bool {
    with_held(|held| (held.key == key && !held.ids.is_empty()).then_some(())).is_some()
}

/// Frees the values `ids` on the loop thread (nothing if the loop has ended).
pub(crate) fn free(ids: &[u64]) {
    if let Some(state) = loop_state() {
        for id in ids {
            drop(state.remove(*id));
        }
    }
}
