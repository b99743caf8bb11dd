//! `LoopBox<T>`: a value that lives on an event loop thread, held by a `Send + Sync` handle.

use std::marker::PhantomData;
use std::rc::Rc;

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
        } else {
            // If the loop already stopped, its table is gone and there is nothing to free.
            let _ = self.lp.post(move || {
                if let Some(state) = loop_state() {
                    drop(state.remove(id));
                }
            });
        }
    }
}
