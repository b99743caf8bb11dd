//! Reading `$Proxy` annotations and node names from a `CodeGeneratorRequest`.

use capnp::schema_capnp::{annotation, node, value};

/// Annotation IDs of `proxy.capnp`, the same as the original's.
pub(crate) const WRAP: u64 = 0xe6f46079b7b1405e;
pub(crate) const COUNT: u64 = 0xd02682b319f69b38;
pub(crate) const EXCEPTION: u64 = 0x996a183200992f88;
pub(crate) const SKIP: u64 = 0x824c08b82695d8dd;
pub(crate) const NAME: u64 = 0xb594888f63f4dbb9;

/// Node IDs of `proxy.capnp`.
pub(crate) const THREAD_MAP_ID: u64 = 0xee5e37179ad9dc9d;
pub(crate) const CONTEXT_ID: u64 = 0x9c44e6645d0b22c6;

pub(crate) fn find(
    list: capnp::struct_list::Reader<'_, annotation::Owned>,
    id: u64,
) -> Option<annotation::Reader<'_>> {
    list.iter().find(|a| a.get_id() == id)
}

pub(crate) fn text_value(a: annotation::Reader<'_>) -> Option<String> {
    match a.get_value().ok()?.which().ok()? {
        value::Text(t) => t.ok()?.to_string().ok(),
        _ => None,
    }
}

pub(crate) fn int_value(a: annotation::Reader<'_>) -> Option<i64> {
    match a.get_value().ok()?.which().ok()? {
        value::Int32(v) => Some(v.into()),
        value::Int64(v) => Some(v),
        value::Int16(v) => Some(v.into()),
        value::Int8(v) => Some(v.into()),
        value::Uint32(v) => Some(v.into()),
        _ => None,
    }
}

/// The part of a node's display name after the file name: `Foo.Bar` for `x.capnp:Foo.Bar`.
pub(crate) fn short_name(n: node::Reader<'_>) -> String {
    let full = n
        .get_display_name()
        .ok()
        .and_then(|t| t.to_string().ok())
        .unwrap_or_default();
    let prefix = n.get_display_name_prefix_length() as usize;
    full.get(prefix..).unwrap_or(&full).to_string()
}

/// The whole display name after the file part (`Foo.Bar` of `dir/x.capnp:Foo.Bar`), as the
/// original's logs print it.
pub(crate) fn qualified_name(n: node::Reader<'_>) -> String {
    let full = n
        .get_display_name()
        .ok()
        .and_then(|t| t.to_string().ok())
        .unwrap_or_default();
    match full.find(':') {
        Some(i) => full[i + 1..].to_string(),
        None => full,
    }
}

/// The file a display name belongs to (`dir/x.capnp`).
pub(crate) fn file_name(n: node::Reader<'_>) -> String {
    let full = n
        .get_display_name()
        .ok()
        .and_then(|t| t.to_string().ok())
        .unwrap_or_default();
    match full.find(':') {
        Some(i) => full[..i].to_string(),
        None => full,
    }
}
