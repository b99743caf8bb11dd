//! Generated code for the meaning schemas, the user types and hooks they are mapped to, and
//! a reference implementation of `Store`.

include!(concat!(env!("OUT_DIR"), "/mpgen_modules.rs"));

/// The older `Store`, generated in a run of its own.
#[allow(clippy::all)]
pub mod store_v1_capnp {
    include!(concat!(env!("OUT_DIR"), "/v1/store_v1_capnp.rs"));
}

/// A user type every `Data` field maps to (`map_type("Data", ..)`).
#[derive(Debug, Clone, PartialEq)]
pub struct Hash(pub Vec<u8>);

impl mp::Wire<mp::Bytes> for Hash {
    fn to_wire(self) -> mp::Bytes {
        self.0.into()
    }
    fn from_wire(repr: mp::Bytes) -> mp::Result<Self> {
        Ok(Hash(repr.into()))
    }
}

/// A user type the `Size` struct maps to (`map_type("Size", ..)`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bytes(pub u64);

impl mp::Wire<units_capnp::Size> for Bytes {
    fn to_wire(self) -> units_capnp::Size {
        units_capnp::Size { bytes: self.0 }
    }
    fn from_wire(repr: units_capnp::Size) -> mp::Result<Self> {
        Ok(Bytes(repr.bytes))
    }
}

/// The hooks of `count(0)` `Env` fields (`implicit_hook("Env", ..)`): the client's value to
/// send, and the last value a server received.
pub mod env_hook {
    use std::sync::Mutex;

    use crate::store_capnp::Env;

    /// What `outgoing` sends.
    pub static TO_SEND: Mutex<Option<(String, i32)>> = Mutex::new(None);
    /// What `incoming` received last.
    pub static RECEIVED: Mutex<Option<(String, i32)>> = Mutex::new(None);

    /// Client side: the value the generated client writes into the field.
    pub fn outgoing() -> mp::Result<Env> {
        let (label, level) = TO_SEND
            .lock()
            .expect("lock")
            .clone()
            .ok_or_else(|| mp::Error::invalid_argument("no Env to send"))?;
        Ok(Env { label, level })
    }

    /// Server side: receives the field before the method runs.
    pub fn incoming(env: Env) -> mp::Result<()> {
        *RECEIVED.lock().expect("lock") = Some((env.label, env.level));
        Ok(())
    }
}

pub mod store_impl;
