//! `LoopBox<T>`: a value that lives on an event loop thread, held by a `Send + Sync` handle.

use std::marker::PhantomData;
use std::rc::Rc;

use crate::event_loop::held::{free, hold, HoldGuard};
use crate::event_loop::loop_state::loop_state;
use crate::event_loop::loop_thread::EventLoop;

/// Owns a value stored in the loop thread's table. Any thread may hold or drop the handle;
/// only the loop thread can reach the value. Dropping the handle frees the value on the loop.
pub(crate) struct LoopBox<T: 'static> {
    lp: EventLoop,
    id: u64,
    _value: PhantomData<fn() -> T>,
}

impl<T: 'static> LoopBox<T> {
    /// Stores `value`; must run on `lp`'s thread.
    pub(crate) fn new(lp: &EventLoop, value: T) -> Self {
        debug_assert!(lp.on_loop_thread());
        let state = loop_state().expect("LoopBox::new called off the event loop thread");
        let id = state.insert(Rc::new(value));
        LoopBox {
            lp: lp.clone(),
            id,
            _value: PhantomData,
        }
    }

    /// The value, if the loop still holds it; `None` off the loop thread.
    pub(crate) fn get(&self) -> Option<Rc<T>> {
        if !self.lp.on_loop_thread() {
            return None;
        }
        loop_state()?.get::<T>(self.id)
    }
}

impl<T: 'static> Drop for LoopBox<T> {
    fn drop(&mut self) {
        let id = self.id;
        if self.lp.on_loop_thread() {
            if let Some(state) = loop_state() {
                drop(state.remove(id));
            }
        } else if !hold(self.lp.key(), id) {
            // If the loop already stopped, its table is gone and there is nothing to free.
            let _ = self.lp.post(move || free(&[id]));
        }
    }
}

/// Values of a loop let go off its thread, freed together: on the loop when dropped there,
/// else through one post.
pub(crate) struct HeldReleases {
    lp: EventLoop,
    ids: Vec<u64>,
}

impl Drop for HeldReleases {
    fn drop(&mut self) {
        if self.ids.is_empty() {
            return;
        }
        let ids = std::mem::take(&mut self.ids);
        if self.lp.on_loop_thread() {
            free(&ids);
        } else {
            let _ = self.lp.post(move || free(&ids));
        }
    }
}

/// Holds the releases of `lp`'s values made by this thread until [`finish`](Self::finish):
/// a thread serving a call lets go of loop-side handles (a proxy it was passed, say), and
/// each release would be a post that wakes the loop just before the call's outcome does.
/// Held ones go with the outcome instead. Any post this thread makes to `lp` in between
/// (an outgoing call, say) frees them first, so the loop sees releases and posts in the
/// order they were made.
pub(crate) struct HoldReleases {
    lp: EventLoop,
    guard: HoldGuard,
}

impl HoldReleases {
    /// Starts holding `lp`'s releases on this thread (nested holds each keep their own).
    pub(crate) fn start(lp: &EventLoop) -> Self {
        HoldReleases {
            lp: lp.clone(),
            guard: HoldGuard::start(lp.key()),
        }
    }

    /// Stops holding; gives back what was held, to be dropped on the loop.
    pub(crate) fn finish(mut self) -> Option<HeldReleases> {
        let ids = self.guard.finish();
        Some(HeldReleases {
            lp: self.lp.clone(),
            ids,
        })
    }
}

impl Drop for HoldReleases {
    fn drop(&mut self) {
        // Not finished (a panic, say): what was held is posted now.
        let ids = self.guard.finish();
        drop(HeldReleases {
            lp: self.lp.clone(),
            ids,
        });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use super::*;
    use crate::os::log::LogOptions;

    /// Sets its flag when dropped.
    struct Flag(Arc<AtomicBool>);

    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    fn boxed_flag(lp: &EventLoop) -> (LoopBox<Flag>, Arc<AtomicBool>) {
        let freed = Arc::new(AtomicBool::new(false));
        let flag = Flag(freed.clone());
        let lp2 = lp.clone();
        let boxed = lp.sync(move || LoopBox::new(&lp2, flag)).unwrap();
        (boxed, freed)
    }

    #[test]
    fn held_releases_go_with_the_outcome() {
        let lp = EventLoop::start("held-test", LogOptions::default()).unwrap();
        let (boxed, freed) = boxed_flag(&lp);
        let hold = HoldReleases::start(&lp);
        drop(boxed);
        let held = hold.finish().expect("a hold gives back what it held");
        assert_eq!(held.ids.len(), 1, "the release was held, not posted");
        assert!(!freed.load(Ordering::SeqCst));
        // Dropped off the loop: one post frees what was held.
        drop(held);
        lp.sync(|| ()).unwrap();
        assert!(freed.load(Ordering::SeqCst));
    }

    #[test]
    fn a_post_frees_held_releases_first() {
        let lp = EventLoop::start("held-test", LogOptions::default()).unwrap();
        let (boxed, freed) = boxed_flag(&lp);
        let hold = HoldReleases::start(&lp);
        drop(boxed);
        let seen = freed.clone();
        let freed_before_job = lp.sync(move || seen.load(Ordering::SeqCst)).unwrap();
        assert!(freed_before_job, "the held release runs before a later job");
        let held = hold.finish().expect("a hold gives back what it held");
        assert!(held.ids.is_empty(), "the post took the held release");
    }

    #[test]
    fn holds_nest_and_other_loops_are_not_held() {
        let lp = EventLoop::start("held-test", LogOptions::default()).unwrap();
        let other = EventLoop::start("held-test-2", LogOptions::default()).unwrap();
        let (mine, _) = boxed_flag(&lp);
        let (theirs, theirs_freed) = boxed_flag(&other);
        let outer = HoldReleases::start(&lp);
        let inner = HoldReleases::start(&lp);
        drop(mine);
        drop(theirs);
        let inner_held = inner.finish().expect("inner hold");
        let outer_held = outer.finish().expect("outer hold");
        assert_eq!(inner_held.ids.len(), 1);
        assert!(outer_held.ids.is_empty());
        // The other loop's value was posted at once.
        other.sync(|| ()).unwrap();
        assert!(theirs_freed.load(Ordering::SeqCst));
    }
}
