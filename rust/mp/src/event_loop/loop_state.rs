//! State that lives on the loop thread only: values other threads refer to by id (see
//! [`LoopBox`](crate::event_loop::loop_box::LoopBox)), and one typed slot per kind of table
//! that a higher layer keeps on the loop (the connection registry, for one).

use std::any::{Any, TypeId};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

/// Owned by the loop thread; dropped when the loop ends, which drops every capability and
/// connection it holds, on the loop thread.
#[derive(Default)]
pub(crate) struct LoopState {
    slab: RefCell<HashMap<u64, Rc<dyn Any>>>,
    next_id: Cell<u64>,
    /// One value per type, made on first use (`slot`).
    slots: RefCell<HashMap<TypeId, Rc<dyn Any>>>,
}

thread_local! {
    static LOOP_STATE: RefCell<Option<Rc<LoopState>>> = const { RefCell::new(None) };
}

/// The loop state of the current thread; `None` off loop threads or after the loop ended.
pub(crate) fn loop_state() -> Option<Rc<LoopState>> {
    LOOP_STATE.with(|s| s.borrow().clone())
}

/// Makes the calling thread a loop thread with `state`.
pub(crate) fn set_loop_state(state: Rc<LoopState>) {
    LOOP_STATE.with(|s| *s.borrow_mut() = Some(state));
}

/// Ends the calling thread's loop state, handing it over to be dropped.
pub(crate) fn take_loop_state() -> Option<Rc<LoopState>> {
    LOOP_STATE.with(|s| s.borrow_mut().take())
}

impl LoopState {
    pub(crate) fn insert(&self, value: Rc<dyn Any>) -> u64 {
        let id = self.next_id.get() + 1;
        self.next_id.set(id);
        self.slab.borrow_mut().insert(id, value);
        id
    }

    pub(crate) fn remove(&self, id: u64) -> Option<Rc<dyn Any>> {
        let removed = self.slab.borrow_mut().remove(&id);
        removed
    }

    pub(crate) fn get<T: 'static>(&self, id: u64) -> Option<Rc<T>> {
        let value = self.slab.borrow().get(&id).cloned()?;
        value.downcast::<T>().ok()
    }

    /// The loop's one `T`, made with `Default` on first use. Lets a higher layer keep a table
    /// on the loop without this layer naming its type.
    pub(crate) fn slot<T: Default + 'static>(&self) -> Rc<T> {
        let mut slots = self.slots.borrow_mut();
        let value = slots
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Rc::new(T::default()))
            .clone();
        drop(slots);
        value
            .downcast::<T>()
            .unwrap_or_else(|_| unreachable!("slots are keyed by their own type"))
    }
}
