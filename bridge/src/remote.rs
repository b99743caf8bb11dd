//! A capability of the peer, called from C++: params built by C++ go out through the core's
//! blocking call, results come back as a [`Message`].

use mp::core::{CallCtx, ProxyClient};

use crate::ffi::Segment;
use crate::guard::guard;
use crate::interface::Interface;
use crate::local::Local;
use crate::message::Message;

/// A proxy of the peer's object (the core's `ProxyClient`).
pub struct Remote {
    pub(crate) client: ProxyClient,
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

/// Imports every capability of a copied message, untyped, in table order. One that cannot be
/// imported (the stand-ins for the `Context` of an incoming call, which the core has used
/// already) keeps its error, which C++ sees only if it reads that field.
pub(crate) fn import_all(
    ctx: &CallCtx,
    caps: capnp::private::layout::CapTable,
) -> Vec<Option<Result<ProxyClient, String>>> {
    caps.into_iter()
        .map(|hook| {
            hook.map(|hook| {
                ProxyClient::import_untyped(ctx, capnp::capability::Client::new(hook))
                    .map_err(|e| e.to_string())
            })
        })
        .collect()
}

impl Remote {
    /// Calls method `method` (its position in `interface`'s registration) with params given as
    /// C++ segments whose cap table holds `caps`, and blocks until the results arrive. The
    /// peer's callbacks to this thread run here meanwhile.
    ///
    /// # Safety
    /// `params` must describe a valid message whose memory stays untouched until this returns
    /// (the C++ caller's `MallocMessageBuilder`, kept alive by the blocked caller).
    #[allow(clippy::vec_box)] // cxx hands Rust-owned objects over only as Box.
    pub unsafe fn call(
        &self,
        interface: &Interface,
        method: usize,
        params: &[Segment],
        caps: Vec<Box<Local>>,
    ) -> Result<Box<Message>, String> {
        let params = crate::segments::SegmentAddresses::of(params);
        guard("IPC client call", || {
            let method = interface.method(method)?;
            self.client
                .call(
                    method,
                    move |ctx, mut builder| {
                        use capnp::traits::Imbue;
                        // SAFETY: the caller's contract (see above): `build` runs while the
                        // caller is blocked in this `call`, and the core never runs it after
                        // `call` has returned (it runs it or drops it before delivering).
                        let slices = unsafe { params.slices() };
                        let reader = crate::segments::read(&slices);
                        let table = export_all(ctx, &caps)?;
                        let mut root: capnp::any_pointer::Reader<'_> = reader.get_root()?;
                        root.imbue(&table);
                        builder.set_as(root)?;
                        Ok(())
                    },
                    |ctx, results| {
                        let mut table = Vec::new();
                        let message = crate::segments::copy(results, &mut table)?;
                        Ok(Message::new(message, import_all(ctx, table)))
                    },
                )
                .map(Box::new)
                .map_err(crate::errors::to_cxx)
        })
    }

    /// Another proxy of the same capability.
    pub fn clone_remote(&self) -> Box<Remote> {
        Box::new(Remote {
            client: self.client.clone(),
        })
    }

    /// The name of the peer's thread serving this thread's calls on this connection.
    pub fn remote_thread_name(&self) -> Result<String, String> {
        guard("remote_thread_name", || {
            self.client
                .remote_thread_name()
                .map_err(crate::errors::to_cxx)
        })
    }
}
