//! A C++ server object served through the core: the core chooses the thread and hands the
//! call here; C++ reads the params, calls the wrapped object and builds the results.

use std::sync::Arc;

use cxx::UniquePtr;
use mp::core::{CallCtx, Dispatch, IncomingCall, InterfaceDesc};
use mp::private::ImplSlot;

use crate::ffi::CxxServer;
use crate::interface::Interface;
use crate::message::{import_all, Message};

/// The C++ object behind a served capability. It holds its loop: like the original, whose loop
/// runs until its asynchronous cleanups are done, a loop does not finish while a C++ server
/// object still exists (they are destroyed on the runtime's cleanup thread, and C++ objects
/// often refer to what the thread running the loop owns).
struct CxxObject(UniquePtr<CxxServer>, #[allow(dead_code)] mp::EventLoopRef);

// SAFETY: a CxxServer is the generated C++ `ProxyServer`, which the original already calls
// from any thread (the loop thread, the mapped worker threads); its state is the wrapped
// object, whose thread-safety is the user's contract in the original as here. The object is
// destroyed on the runtime's cleanup thread, never while a call uses it (ImplSlot holds it).
unsafe impl Send for CxxObject {}
// SAFETY: see `Send`: `call` takes `&self` and C++ servers are called from several threads.
unsafe impl Sync for CxxObject {}

/// Serves calls of one interface by calling a C++ server.
struct CxxDispatch {
    interface: &'static InterfaceDesc,
    object: ImplSlot<CxxObject>,
}

/// A C++ server ready to be served: to put in a message's cap table or serve on a stream.
pub struct Local {
    dispatch: Arc<CxxDispatch>,
}

/// Wraps a C++ server of `interface`, which keeps `lp` running until it is destroyed.
pub fn new_local(
    lp: &crate::event_loop::Loop,
    interface: &Interface,
    server: UniquePtr<CxxServer>,
) -> Box<Local> {
    Box::new(Local {
        dispatch: Arc::new(CxxDispatch {
            interface: interface.desc,
            object: ImplSlot::new(Arc::new(CxxObject(server, lp.event_loop().add_ref()))),
        }),
    })
}

impl Local {
    /// The core's view of it.
    pub(crate) fn dispatch(&self) -> Arc<dyn Dispatch> {
        self.dispatch.clone()
    }
}

impl Dispatch for CxxDispatch {
    fn interface(&self) -> &'static InterfaceDesc {
        self.interface
    }

    fn call(&self, call: IncomingCall<'_>) -> mp::Result<()> {
        let object = self.object.get()?;
        let Some(server) = object.0.as_ref() else {
            return Err(mp::Error::failed("C++ server object is null"));
        };
        let index = self
            .interface
            .methods
            .iter()
            .position(|m| std::ptr::eq(*m, call.method))
            .ok_or_else(|| mp::private::unknown_method(call.method))?;
        let mut table = Vec::new();
        let copied = crate::segments::copy(call.params, &mut table)?;
        let mut params = Message::new(copied, import_all(call.ctx, table));
        let mut results = match crate::guard::guard("C++ server", || {
            server
                .call(index, &mut params)
                .map_err(|e| e.what().to_string())
        }) {
            Ok(results) => results,
            Err(message) => return Err(mp::Error::failed(message)),
        };
        if results.is_null() {
            return Err(mp::Error::failed("C++ server returned no results"));
        }
        let segments = results.segments();
        // SAFETY: the segments belong to `results`, a C++ message builder that lives
        // (unchanged) until the end of this function.
        let slices = unsafe { crate::segments::borrow(&segments) };
        let reader = crate::segments::read(&slices);
        let caps = results.pin_mut().take_caps();
        let table = export_all(call.ctx, &caps)?;
        let mut root: capnp::any_pointer::Reader<'_> = reader.get_root()?;
        {
            use capnp::traits::Imbue;
            root.imbue(&table);
        }
        let mut out = call.results;
        out.set_as(root)?;
        Ok(())
    }
}

/// Exports C++ servers for a message's cap table, in table order.
pub(crate) fn export_all(
    ctx: &CallCtx,
    caps: &[Box<Local>],
) -> mp::Result<capnp::private::layout::CapTable> {
    caps.iter()
        .map(|local| Ok(Some(mp::core::export(ctx, local.dispatch())?.hook)))
        .collect()
}
