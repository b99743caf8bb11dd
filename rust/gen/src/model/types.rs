//! Schema types, slot layouts and default values, as capnp defines them.

use super::NodeId;

/// A field's schema type, with generic parameters bound where the use site binds them.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// `Void`.
    Void,
    /// `Bool`.
    Bool,
    /// `Int8` .. `UInt64`.
    Int {
        /// 8, 16, 32 or 64.
        bits: u8,
        /// Whether it is signed.
        signed: bool,
    },
    /// `Float32` or `Float64`.
    Float {
        /// 32 or 64.
        bits: u8,
    },
    /// `Text`.
    Text,
    /// `Data`.
    Data,
    /// `List(T)`.
    List(Box<Type>),
    /// An enum.
    Enum(NodeId),
    /// A struct; `args` are the bound generic arguments (empty when none are bound, or the
    /// struct is not generic).
    Struct {
        /// The struct.
        id: NodeId,
        /// Bound generic arguments, in parameter order (`AnyPointer` for unbound ones).
        args: Vec<Type>,
    },
    /// An interface.
    Interface(NodeId),
    /// `AnyPointer`, or a generic parameter used with no binding.
    AnyPointer,
    /// Generic parameter `index` of the struct declaring the field, in that struct's own
    /// model; use sites bind it through [`Type::Struct`]'s `args` ([`Type::bind`]).
    Param(u16),
}

impl Type {
    /// Whether the value sits in the pointer section.
    pub fn is_pointer(&self) -> bool {
        matches!(
            self,
            Type::Text
                | Type::Data
                | Type::List(_)
                | Type::Struct { .. }
                | Type::Interface(_)
                | Type::AnyPointer
                | Type::Param(_)
        )
    }

    /// The type with generic parameters replaced by `args` (missing ones become
    /// `AnyPointer`, as capnp treats an unbound parameter).
    pub fn bind(&self, args: &[Type]) -> Type {
        match self {
            Type::Param(i) => args.get(*i as usize).cloned().unwrap_or(Type::AnyPointer),
            Type::List(e) => Type::List(Box::new(e.bind(args))),
            Type::Struct { id, args: inner } => Type::Struct {
                id: *id,
                args: inner.iter().map(|a| a.bind(args)).collect(),
            },
            other => other.clone(),
        }
    }

    /// Whether it is a number type (what the original accepts as a `hasX` companion).
    pub fn is_numeric(&self) -> bool {
        matches!(self, Type::Bool | Type::Int { .. } | Type::Float { .. })
    }
}

/// Where a field's value sits in its struct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Data section: offset in units of the type's size (capnp's `slot.offset`).
    Data {
        /// Offset in elements of the field's own size.
        offset: u32,
    },
    /// Pointer section: pointer index.
    Pointer {
        /// Index into the pointer section.
        index: u32,
    },
    /// `Void`: takes no space.
    None,
}

/// A struct's size and union layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StructLayout {
    /// Data section, in 64-bit words.
    pub data_words: u16,
    /// Pointer section, in pointers.
    pub pointers: u16,
    /// Members in its unnamed union (0 when it has none).
    pub union_members: u16,
    /// Offset of the union discriminant, in 16-bit units.
    pub discriminant_offset: u32,
}

/// A schema default value (only those of data fields carry one; pointer defaults other than
/// null are reported as unsupported).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// The type's zero: no default in the schema.
    Zero,
    /// `= true` / `= false`.
    Bool(bool),
    /// A signed integer default.
    Int(i64),
    /// An unsigned integer default.
    UInt(u64),
    /// A float default (`inf`, `nan` included).
    Float(f64),
    /// An enum default: the enumerant's ordinal.
    Enum(u16),
}

/// One field in one struct (params, results or a data struct).
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    /// Its type, generic parameters bound.
    pub ty: Type,
    /// Where it sits.
    pub layout: Layout,
    /// Its schema default.
    pub default: Value,
    /// Its ordinal (`@N`).
    pub ordinal: u16,
    /// Its discriminant value when it is a member of the struct's unnamed union.
    pub union_member: Option<u16>,
}
