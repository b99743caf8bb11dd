//! The object behind a reusable export (`transport/reusable.rs`): one capability capnp-rpc
//! exports once, which serves whichever object a thread bound to it for its latest lending.
//! A blocking call that passes a new object (a callback) can then name an export number
//! capnp-rpc already has, and go without the loop (`direct_call.rs`).

use std::any::Any;
use std::sync::{Arc, Mutex};

use crate::core::descriptor::InterfaceDesc;
use crate::core::dispatch::{Dispatch, IncomingCall};
use crate::os::error::{Error, Result};
use crate::transport::Reusable;

/// Serves the calls of one interface with the object bound last, until the peer released it.
pub(crate) struct ReusableDispatch {
    interface: &'static InterfaceDesc,
    bound: Mutex<Option<Arc<dyn Dispatch>>>,
}

impl ReusableDispatch {
    /// A new one, serving `dispatch` (for its first lending, through capnp-rpc).
    pub(crate) fn new(dispatch: Arc<dyn Dispatch>) -> Arc<ReusableDispatch> {
        Arc::new(ReusableDispatch {
            interface: dispatch.interface(),
            bound: Mutex::new(Some(dispatch)),
        })
    }

    fn bound(&self) -> std::sync::MutexGuard<'_, Option<Arc<dyn Dispatch>>> {
        self.bound.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Dispatch for ReusableDispatch {
    fn interface(&self) -> &'static InterfaceDesc {
        self.interface
    }

    fn call(&self, call: IncomingCall<'_>) -> Result<()> {
        // Cloned, so that the object may be unbound (and a new one bound) while it serves.
        let bound = self.bound().clone();
        match bound {
            Some(dispatch) => dispatch.call(call),
            // The peer cannot call what it released; a confused peer gets an error.
            None => Err(Error::failed(format!(
                "{} object called after the peer released it",
                self.interface.name
            ))),
        }
    }
}

impl Reusable for ReusableDispatch {
    fn bind(&self, object: Box<dyn Any + Send>) {
        if let Ok(dispatch) = object.downcast::<Arc<dyn Dispatch>>() {
            *self.bound() = Some(*dispatch);
        }
    }

    fn unbind(&self) -> Option<Box<dyn Any + Send>> {
        let unbound = self.bound().take()?;
        Some(Box::new(unbound))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::descriptor::MethodDesc;

    static PING: MethodDesc = MethodDesc::new(0x51, "Pinger", 0, "ping");
    static PINGER: InterfaceDesc = InterfaceDesc {
        id: 0x51,
        name: "Pinger",
        methods: &[&PING],
        destroy: None,
        construct: None,
    };

    struct Named;

    impl Dispatch for Named {
        fn interface(&self) -> &'static InterfaceDesc {
            &PINGER
        }
        fn call(&self, _: IncomingCall<'_>) -> Result<()> {
            Ok(())
        }
    }

    #[test]
    fn it_serves_the_object_bound_last_and_nothing_once_unbound() {
        let first: Arc<dyn Dispatch> = Arc::new(Named);
        let reusable = ReusableDispatch::new(first.clone());
        assert_eq!(reusable.interface().id, 0x51);
        assert_eq!(Arc::strong_count(&first), 2);
        let out = reusable.unbind().expect("bound");
        drop(out);
        assert_eq!(Arc::strong_count(&first), 1, "unbinding lets the object go");
        assert!(reusable.unbind().is_none());
        let second: Arc<dyn Dispatch> = Arc::new(Named);
        reusable.bind(Box::new(second.clone()));
        assert_eq!(Arc::strong_count(&second), 2);
        // Anything but a dispatch is not bound.
        reusable.bind(Box::new(5u8));
        assert_eq!(Arc::strong_count(&second), 2);
        assert!(reusable.unbind().is_some());
    }
}
