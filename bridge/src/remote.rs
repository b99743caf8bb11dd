//! A capability of the peer, called from C++: params built by C++ go out through the core's
//! blocking call, results come back as a [`Message`].

use mp::core::ProxyClient;

use crate::ffi::Segment;
use crate::guard::guard;
use crate::interface::Interface;
use crate::local::{export_all, Local};
use crate::message::{import_all, Message};

/// A proxy of the peer's object (the core's `ProxyClient`).
pub struct Remote {
    pub(crate) client: ProxyClient,
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
            let method = interface.method_for_call(method, !caps.is_empty())?;
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

    /// How many calls on this capability's connection went direct (without the loop).
    pub fn direct_calls(&self) -> u64 {
        self.client.connection().direct_calls()
    }

    /// The name of the peer's thread serving this thread's calls on this connection.
    pub fn remote_thread_name(&self) -> Result<String, String> {
        guard("remote_thread_name", || {
            self.client
                .remote_thread_name()
                .map_err(crate::errors::to_cxx)
        })
    }

    /// Calls `makePool(count)` on the peer's ThreadMap of this capability's connection.
    pub fn make_pool(&self, count: u32) -> Result<(), String> {
        guard("make_pool", || {
            self.client.make_pool(count).map_err(crate::errors::to_cxx)
        })
    }
}

// Taking a capability out of a message makes a `Remote`; it lives here so that messages need
// not know proxies.
impl Message {
    /// Takes capability `index` out as a proxy of `interface`. Each one can be taken once.
    pub fn take_cap(&mut self, index: usize, interface: &Interface) -> Result<Box<Remote>, String> {
        let slot = self
            .caps
            .get_mut(index)
            .ok_or_else(|| format!("capability index {index} out of range"))?;
        let client = slot
            .take()
            .ok_or_else(|| format!("capability {index} is null or was already taken"))??;
        let client = client
            .with_interface(interface.desc)
            .map_err(|e| e.to_string())?;
        Ok(Box::new(Remote { client }))
    }
}
