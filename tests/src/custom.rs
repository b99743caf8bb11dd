//! User types carried in capnp fields through `mp::Wire`, as a user of the library would
//! write them (no generator change).

/// A Rust enum carried as an `Int32`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shade {
    Light,
    Dark,
}

impl mp::Wire<i32> for Shade {
    fn to_wire(self) -> i32 {
        match self {
            Shade::Light => 10,
            Shade::Dark => 20,
        }
    }
    fn from_wire(repr: i32) -> mp::Result<Self> {
        match repr {
            10 => Ok(Shade::Light),
            20 => Ok(Shade::Dark),
            other => Err(mp::Error::invalid_argument(format!("no shade {other}"))),
        }
    }
}

/// A label and bytes, carried in a generic `Pair(Text, Data)` (read as a tuple).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labeled {
    pub label: String,
    pub bytes: Vec<u8>,
}

impl mp::Wire<(String, Vec<u8>)> for Labeled {
    fn to_wire(self) -> (String, Vec<u8>) {
        (self.label, self.bytes)
    }
    fn from_wire((label, bytes): (String, Vec<u8>)) -> mp::Result<Self> {
        Ok(Labeled { label, bytes })
    }
}
