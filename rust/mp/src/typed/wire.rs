//! `Wire`: how a Rust type of the user's travels in a capnp field.
//!
//! The generator gives each field a default Rust type (`i64` for `Int64`, [`Bytes`](crate::Bytes)
//! for `Data`, ...). With `mpgen::Generator::rust_type("Iface.method.field", "path::MyType")` the
//! field takes `MyType` instead, which implements `Wire<Default>`: the Rust form of the
//! original's `CustomBuildField`/`CustomReadField`, with no change to the generator.
//!
//! ```
//! use mp::Wire;
//!
//! /// A 32-byte hash carried in a `Data` field.
//! #[derive(Debug, PartialEq)]
//! struct Hash([u8; 32]);
//!
//! impl Wire<mp::Bytes> for Hash {
//!     fn to_wire(self) -> mp::Bytes {
//!         mp::Bytes::copy_from_slice(&self.0)
//!     }
//!     fn from_wire(bytes: mp::Bytes) -> mp::Result<Self> {
//!         let array = bytes[..].try_into().map_err(|_| mp::Error::invalid_argument("unexpected field size"))?;
//!         Ok(Hash(array))
//!     }
//! }
//!
//! let h = Hash([7; 32]);
//! assert_eq!(Hash::from_wire(h.to_wire()).unwrap(), Hash([7; 32]));
//! assert!(Hash::from_wire(vec![1u8, 2, 3].into()).is_err());
//! // A `Data` field may also be mapped to `Vec<u8>` (an owned copy), no impl needed.
//! assert_eq!(<Vec<u8> as Wire<mp::Bytes>>::from_wire(mp::Bytes::from_static(b"ab")).unwrap(), b"ab");
//! // Narrower integers are range-checked on read, like the original.
//! assert_eq!(<i32 as Wire<i64>>::from_wire(1 << 40).unwrap_err().message, "out of bound int received");
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::Hash;
use std::time::Duration;

use crate::os::error::{Error, Result};

/// Converts a Rust value to and from the default Rust type `R` of a capnp field.
pub trait Wire<R>: Sized {
    /// The value to write.
    fn to_wire(self) -> R;
    /// The value read; fails when `repr` does not fit `Self`.
    fn from_wire(repr: R) -> Result<Self>;
}

fn out_of_bound() -> Error {
    Error::invalid_argument("out of bound int received")
}

/// Integers narrower than the field: written as is, range-checked when read.
macro_rules! narrower_ints {
    ($($native:ty => $($wire:ty),+;)+) => {$($(
        impl Wire<$wire> for $native {
            fn to_wire(self) -> $wire {
                <$wire>::from(self)
            }
            fn from_wire(repr: $wire) -> Result<Self> {
                <$native>::try_from(repr).map_err(|_| out_of_bound())
            }
        }
    )+)+};
}

narrower_ints! {
    i8 => i16, i32, i64;
    i16 => i32, i64;
    i32 => i64;
    u8 => u16, u32, u64, i16, i32, i64;
    u16 => u32, u64, i32, i64;
    u32 => u64, i64;
}

impl Wire<u64> for usize {
    fn to_wire(self) -> u64 {
        self as u64
    }
    fn from_wire(repr: u64) -> Result<Self> {
        usize::try_from(repr).map_err(|_| out_of_bound())
    }
}

impl Wire<i64> for isize {
    fn to_wire(self) -> i64 {
        self as i64
    }
    fn from_wire(repr: i64) -> Result<Self> {
        isize::try_from(repr).map_err(|_| out_of_bound())
    }
}

impl Wire<u8> for bool {
    fn to_wire(self) -> u8 {
        u8::from(self)
    }
    fn from_wire(repr: u8) -> Result<Self> {
        Ok(repr != 0)
    }
}

/// Durations carried as integer counts of a unit, like the original's `std::chrono` mapping
/// (a count in the duration's own period). Negative or overflowing counts are refused.
macro_rules! duration_units {
    ($($name:ident: $doc:literal, $to:expr, $from:expr;)+) => {$(
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub Duration);

        impl Wire<i64> for $name {
            fn to_wire(self) -> i64 {
                let count: u128 = $to(self.0);
                i64::try_from(count).unwrap_or(i64::MAX)
            }
            fn from_wire(repr: i64) -> Result<Self> {
                let count = u64::try_from(repr).map_err(|_| Error::invalid_argument("negative duration received"))?;
                Ok($name($from(count)))
            }
        }

        impl Wire<u64> for $name {
            fn to_wire(self) -> u64 {
                let count: u128 = $to(self.0);
                u64::try_from(count).unwrap_or(u64::MAX)
            }
            fn from_wire(repr: u64) -> Result<Self> {
                Ok($name($from(repr)))
            }
        }
    )+};
}

duration_units! {
    Seconds: "A `Duration` carried as whole seconds.", |d: Duration| u128::from(d.as_secs()), Duration::from_secs;
    Millis: "A `Duration` carried as milliseconds.", |d: Duration| d.as_millis(), Duration::from_millis;
    Micros: "A `Duration` carried as microseconds.", |d: Duration| d.as_micros(), Duration::from_micros;
    Nanos: "A `Duration` carried as nanoseconds.", |d: Duration| d.as_nanos(), Duration::from_nanos;
}

impl<T: Wire<R>, R> Wire<Vec<R>> for Vec<T> {
    fn to_wire(self) -> Vec<R> {
        self.into_iter().map(Wire::to_wire).collect()
    }
    fn from_wire(repr: Vec<R>) -> Result<Self> {
        repr.into_iter().map(T::from_wire).collect()
    }
}

/// `Data` as an owned vector: `Generator::rust_type(field, "Vec<u8>")` gives a field this type
/// directly; this impl serves user types built of it (`Vec<Vec<u8>>` for a `List(Data)`).
impl Wire<bytes::Bytes> for Vec<u8> {
    fn to_wire(self) -> bytes::Bytes {
        bytes::Bytes::from(self)
    }
    fn from_wire(repr: bytes::Bytes) -> Result<Self> {
        Ok(Vec::from(repr))
    }
}

/// Sets travel as lists in iteration order; duplicates collapse on read.
macro_rules! set_impls {
    ($($set:ident: $($bound:path),+;)+) => {$(
        impl<T: $($bound +)+, R> Wire<Vec<R>> for $set<T>
        where
            R: Into<T>,
            T: Into<R>,
        {
            fn to_wire(self) -> Vec<R> {
                self.into_iter().map(Into::into).collect()
            }
            fn from_wire(repr: Vec<R>) -> Result<Self> {
                Ok(repr.into_iter().map(Into::into).collect())
            }
        }
    )+};
}

set_impls! {
    BTreeSet: Ord;
    HashSet: Eq, Hash;
}

/// Maps travel as lists of pairs (a generic `Pair(K, V)` read as a tuple, or a concrete
/// two-field struct), in iteration order; the first occurrence of a key wins on read.
macro_rules! map_impls {
    ($($map:ident: $($bound:path),+;)+) => {$(
        impl<K: $($bound +)+, V, P> Wire<Vec<P>> for $map<K, V>
        where
            P: From<(K, V)> + Into<(K, V)>,
        {
            fn to_wire(self) -> Vec<P> {
                self.into_iter().map(P::from).collect()
            }
            fn from_wire(repr: Vec<P>) -> Result<Self> {
                let mut map = $map::new();
                for (k, v) in repr.into_iter().map(Into::into) {
                    map.entry(k).or_insert(v);
                }
                Ok(map)
            }
        }
    )+};
}

map_impls! {
    BTreeMap: Ord;
    HashMap: Eq, Hash;
}
