//! Untyped access to the pointer fields of a params or results struct: how the core fills and
//! reads the `Context` and `ThreadMap` fields that a [`MethodDesc`](super::descriptor::MethodDesc)
//! locates by pointer index, without the struct's Rust type.
//!
//! Built on capnp's layout types (public, though documented as the crate's internals): a
//! struct is read or written as "some data words and some pointers".

use capnp::any_pointer;
use capnp::private::layout::{
    PointerBuilder, PointerReader, StructBuilder, StructReader, StructSize,
};
use capnp::traits::{FromPointerBuilder, FromPointerReader};

/// The pointer an `any_pointer` reader stands on.
struct RawReader<'a>(PointerReader<'a>);

impl<'a> FromPointerReader<'a> for RawReader<'a> {
    fn get_from_pointer(
        reader: &PointerReader<'a>,
        _default: Option<&'a [capnp::Word]>,
    ) -> capnp::Result<Self> {
        Ok(RawReader(*reader))
    }
}

/// The pointer an `any_pointer` builder stands on.
struct RawBuilder<'a>(PointerBuilder<'a>);

impl<'a> FromPointerBuilder<'a> for RawBuilder<'a> {
    fn init_pointer(builder: PointerBuilder<'a>, _len: u32) -> Self {
        // Only `get_as` is used with this type; the pointer is taken as it is.
        RawBuilder(builder)
    }
    fn get_from_pointer(
        builder: PointerBuilder<'a>,
        _default: Option<&'a [capnp::Word]>,
    ) -> capnp::Result<Self> {
        Ok(RawBuilder(builder))
    }
}

/// Whether `message` is a struct (or null, which reads as an empty struct).
pub(crate) fn is_struct(message: any_pointer::Reader<'_>) -> bool {
    message
        .get_as::<RawReader<'_>>()
        .and_then(|raw| raw.0.get_struct(None))
        .is_ok()
}

/// Pointer field `index` of the struct `message` points to (a null pointer past its end).
pub(crate) fn pointer_field(
    message: any_pointer::Reader<'_>,
    index: u16,
) -> capnp::Result<any_pointer::Reader<'_>> {
    let raw: RawReader<'_> = message.get_as()?;
    let fields: StructReader<'_> = raw.0.get_struct(None)?;
    // `get_pointer_field` checks the index against the struct's pointer count.
    any_pointer::Reader::get_from_pointer(&fields.get_pointer_field(usize::from(index)), None)
}

/// Pointer field `index` of the struct `message` points to, for writing; a struct too small
/// to have that field is widened first (capnp copies it).
pub(crate) fn pointer_field_mut(
    message: any_pointer::Builder<'_>,
    index: u16,
) -> capnp::Result<any_pointer::Builder<'_>> {
    let raw: RawBuilder<'_> = message.get_as()?;
    let size = StructSize {
        data: 0,
        pointers: index + 1,
    };
    let fields: StructBuilder<'_> = raw.0.get_struct(size, None)?;
    any_pointer::Builder::get_from_pointer(fields.get_pointer_field(usize::from(index)), None)
}

/// Makes `message` a struct of `pointers` null pointers and no data: the params of a method
/// whose only fields are those the runtime fills (`construct`, `destroy`).
pub(crate) fn init_pointers(message: any_pointer::Builder<'_>, pointers: u16) {
    let raw: capnp::Result<RawBuilder<'_>> = message.get_as();
    if let Ok(raw) = raw {
        let _: StructBuilder<'_> = raw.0.init_struct(StructSize { data: 0, pointers });
    }
}
