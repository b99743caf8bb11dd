//! An incoming message handed to C++: the results of a call C++ made, or the params of a call
//! C++ serves. Its segments are owned here; its capabilities are already imported as proxies,
//! which C++ takes out and types as it reads the fields.

use capnp::message::{Builder, HeapAllocator};
use mp::ProxyClient;

use crate::ffi::Segment;
use crate::interface::Interface;
use crate::remote::Remote;

/// Segments plus the capabilities they refer to by cap-table index.
pub struct Message {
    message: Builder<HeapAllocator>,
    caps: Vec<Option<Result<ProxyClient, String>>>,
}

impl Message {
    pub(crate) fn new(
        message: Builder<HeapAllocator>,
        caps: Vec<Option<Result<ProxyClient, String>>>,
    ) -> Self {
        Message { message, caps }
    }

    /// The segments, valid while this message lives.
    pub fn segments(&self) -> Vec<Segment> {
        crate::segments::of_builder(&self.message)
    }

    /// How many capabilities the message's cap table holds.
    pub fn cap_count(&self) -> usize {
        self.caps.len()
    }

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
