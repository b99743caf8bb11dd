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

impl mp::Wire<(String, mp::Bytes)> for Labeled {
    fn to_wire(self) -> (String, mp::Bytes) {
        (self.label, self.bytes.into())
    }
    fn from_wire((label, bytes): (String, mp::Bytes)) -> mp::Result<Self> {
        Ok(Labeled {
            label,
            bytes: bytes.into(),
        })
    }
}

/// A struct carried as `Data`: two little-endian `i32`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

impl mp::Wire<mp::Bytes> for Point {
    fn to_wire(self) -> mp::Bytes {
        [self.x.to_le_bytes(), self.y.to_le_bytes()].concat().into()
    }
    fn from_wire(bytes: mp::Bytes) -> mp::Result<Self> {
        let field = |i: usize| -> mp::Result<i32> {
            let chunk = bytes
                .get(i * 4..i * 4 + 4)
                .ok_or_else(|| mp::Error::invalid_argument("unexpected field size"))?;
            Ok(i32::from_le_bytes(chunk.try_into().map_err(|_| {
                mp::Error::invalid_argument("unexpected field size")
            })?))
        };
        if bytes.len() != 8 {
            return Err(mp::Error::invalid_argument("unexpected field size"));
        }
        Ok(Point {
            x: field(0)?,
            y: field(1)?,
        })
    }
}
