//! Exports of ours that threads lend to the peer again and again, without the loop: the
//! objects a blocking call passes in its params (a callback).
//!
//! capnp-rpc gives an object an export number when a message it sends carries the object;
//! a call carrying a new object therefore had to go through the loop. Instead, the core wraps
//! such an object in one that can be rebound ([`Reusable`]): the first call sends it through
//! capnp-rpc, and the transport keeps capnp-rpc's reference to that number (`replies.rs`,
//! "Lent exports"), so the number stays capnp-rpc's export of the wrapper for the
//! connection's life. Once the peer released every reference it was lent, the number is
//! free: a thread may bind its next object to the wrapper and name the number in a call it
//! writes itself. To the peer this is what capnp-rpc does with a freed export number that it
//! hands out again.
//!
//! This table only says which numbers are free and what to unbind when one becomes free;
//! the counting of references is in `replies.rs`, under the same lock.
//!
//! **Passed back.** If the peer passes such an export back to us, capnp-rpc hands out a
//! local reference to the wrapper, which may outlive the peer's references; the export is
//! then *retired*: never bound anew, and once the peer released it, its kept reference goes
//! back to capnp-rpc, which drops the wrapper when the last local reference goes.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

/// The core's rebindable object behind a reusable export.
pub(crate) trait Reusable: Send + Sync {
    /// Binds `object` for the next lending. Called by the thread that took the export.
    fn bind(&self, object: Box<dyn Any + Send>);
    /// The peer released the export: takes what was bound out, for the caller to drop
    /// outside the transport's locks.
    fn unbind(&self) -> Option<Box<dyn Any + Send>>;
}

/// How many reusable exports a connection keeps at most; later objects are plain exports.
pub(crate) const MAX_REUSABLE: usize = 64;

struct Entry {
    interface: u64,
    object: Arc<dyn Reusable>,
    retired: bool,
}

/// What became of an export whose last lent reference the peer released.
pub(crate) enum Released {
    /// Free for the next lending; what was bound, to drop outside the lock.
    Free(Option<Box<dyn Any + Send>>),
    /// Retired: out of the table; its kept reference goes back to capnp-rpc.
    Retired,
}

/// The reusable exports of one connection, by export number, and the free ones by interface.
#[derive(Default)]
pub(crate) struct ReusableExports {
    entries: HashMap<u32, Entry>,
    free: HashMap<u64, Vec<u32>>,
}

impl ReusableExports {
    /// Whether another export may be added.
    pub(crate) fn has_room(&self) -> bool {
        self.entries.len() < MAX_REUSABLE
    }

    /// Whether any export is free.
    pub(crate) fn any_free(&self) -> bool {
        self.free.values().any(|v| !v.is_empty())
    }

    /// Adds `export`, lent (not free), serving `interface`.
    pub(crate) fn add(&mut self, export: u32, interface: u64, object: Arc<dyn Reusable>) {
        self.entries.insert(
            export,
            Entry {
                interface,
                object,
                retired: false,
            },
        );
    }

    /// Takes a free export of `interface`, for a thread to bind and lend.
    pub(crate) fn take(&mut self, interface: u64) -> Option<(u32, Arc<dyn Reusable>)> {
        let export = self.free.get_mut(&interface)?.pop()?;
        let entry = self.entries.get(&export)?;
        Some((export, entry.object.clone()))
    }

    /// `export`, taken and not lent, or lent and released by the peer, is free again (or
    /// leaves the table, if retired). `None` for a number not in the table.
    pub(crate) fn release(&mut self, export: u32) -> Option<Released> {
        let entry = self.entries.get(&export)?;
        if entry.retired {
            self.entries.remove(&export);
            return Some(Released::Retired);
        }
        let unbound = entry.object.unbind();
        let list = self.free.entry(entry.interface).or_default();
        if !list.contains(&export) {
            list.push(export);
        }
        Some(Released::Free(unbound))
    }

    /// The peer passed `export` back to us: it is never bound anew (see the module docs).
    /// True if it was free (the peer released it before: a confused peer).
    pub(crate) fn retire(&mut self, export: u32) -> bool {
        let Some(entry) = self.entries.get_mut(&export) else {
            return false;
        };
        entry.retired = true;
        let list = self.free.entry(entry.interface).or_default();
        let was_free = list.contains(&export);
        list.retain(|&e| e != export);
        if was_free {
            self.entries.remove(&export);
        }
        was_free
    }

    /// Whether the table is empty.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The connection is gone: everything, to drop outside the lock.
    pub(crate) fn clear(&mut self) -> Vec<Arc<dyn Reusable>> {
        self.free.clear();
        self.entries.drain().map(|(_, e)| e.object).collect()
    }
}

/// A [`Reusable`] that holds whatever is bound, for tests here and in `replies.rs`.
#[cfg(test)]
#[derive(Default)]
pub(crate) struct Holder(std::sync::Mutex<Option<Box<dyn Any + Send>>>);

#[cfg(test)]
impl Reusable for Holder {
    fn bind(&self, object: Box<dyn Any + Send>) {
        *self.0.lock().unwrap() = Some(object);
    }
    fn unbind(&self) -> Option<Box<dyn Any + Send>> {
        self.0.lock().unwrap().take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_is_free_only_once_released_and_only_for_its_interface() {
        let mut table = ReusableExports::default();
        let holder = Arc::new(Holder::default());
        holder.bind(Box::new(1u8));
        table.add(7, 0xabc, holder.clone());
        assert!(!table.any_free());
        assert!(table.take(0xabc).is_none());
        // Released: what was bound comes out, and the number is free for its interface.
        let Some(Released::Free(Some(unbound))) = table.release(7) else {
            panic!("not freed with its object");
        };
        assert_eq!(unbound.downcast_ref::<u8>(), Some(&1));
        assert!(table.any_free());
        assert!(table.take(0xdef).is_none());
        let (export, object) = table.take(0xabc).expect("free export");
        assert_eq!(export, 7);
        assert!(table.take(0xabc).is_none(), "taken once");
        object.bind(Box::new(2u8));
        // Released twice (taken back unlent, say): listed once.
        assert!(matches!(table.release(7), Some(Released::Free(Some(_)))));
        assert!(matches!(table.release(7), Some(Released::Free(None))));
        assert!(table.take(0xabc).is_some());
        assert!(table.take(0xabc).is_none());
        assert!(table.release(99).is_none());
        assert_eq!(table.clear().len(), 1);
        assert!(!table.any_free());
    }

    #[test]
    fn an_export_passed_back_is_never_bound_again_and_leaves_once_released() {
        let mut table = ReusableExports::default();
        let holder = Arc::new(Holder::default());
        holder.bind(Box::new(1u8));
        table.add(3, 0xabc, holder.clone());
        assert!(!table.retire(3), "lent, not free");
        // Released by the peer: it keeps its object and leaves the table.
        assert!(matches!(table.release(3), Some(Released::Retired)));
        assert!(table.take(0xabc).is_none());
        assert!(table.is_empty());
        assert!(holder.unbind().is_some(), "the object stays bound");
        // A free one passed back (a confused peer) leaves at once.
        table.add(4, 0xabc, holder.clone());
        assert!(matches!(table.release(4), Some(Released::Free(None))));
        assert!(table.retire(4));
        assert!(table.take(0xabc).is_none());
        assert!(table.is_empty());
        assert!(!table.retire(5));
    }
}
