//! Reading `$Proxy` annotations (found by ID, like the original's `gen.cpp`) and names from a
//! `CodeGeneratorRequest`.

use capnp::schema_capnp::{annotation, node, value};

use super::{clean_native_name, ProxyAnnotations};

/// Annotation IDs of `proxy.capnp`, the same as the original's.
pub(crate) const INCLUDE: u64 = 0xb899f3c154fdb458;
pub(crate) const INCLUDE_TYPES: u64 = 0xbcec15648e8a0cf1;
pub(crate) const WRAP: u64 = 0xe6f46079b7b1405e;
pub(crate) const COUNT: u64 = 0xd02682b319f69b38;
pub(crate) const EXCEPTION: u64 = 0x996a183200992f88;
pub(crate) const SKIP: u64 = 0x824c08b82695d8dd;
pub(crate) const NAME: u64 = 0xb594888f63f4dbb9;

/// `$Cxx.namespace` of Cap'n Proto's `c++.capnp`.
pub(crate) const CXX_NAMESPACE: u64 = 0xb9c6f99ebf805f2c;

/// Node IDs of `proxy.capnp`.
pub(crate) const THREAD_MAP_ID: u64 = 0xee5e37179ad9dc9d;
pub(crate) const CONTEXT_ID: u64 = 0x9c44e6645d0b22c6;

type List<'a> = capnp::struct_list::Reader<'a, annotation::Owned>;

/// Every text value of annotation `id` (a file may carry `$Proxy.include` several times).
pub(crate) fn texts(list: List<'_>, id: u64) -> Vec<String> {
    list.iter()
        .filter(|a| a.get_id() == id)
        .filter_map(text_value)
        .collect()
}

/// The `$Proxy` annotations of one node, method or field. `bad_name` receives a
/// `$Proxy.name` value that does not start with an identifier.
pub(crate) fn read(list: List<'_>, mut bad_name: impl FnMut(&str)) -> ProxyAnnotations {
    let find = |id| list.iter().find(|a| a.get_id() == id);
    let name = find(NAME).and_then(text_value).and_then(|raw| {
        let cleaned = clean_native_name(&raw);
        let rest_ok = cleaned.as_ref().is_some_and(|c| {
            raw.trim_start()[c.len()..]
                .chars()
                .all(|ch| ch == ';' || ch.is_whitespace())
        });
        if !rest_ok {
            bad_name(&raw);
            return None;
        }
        cleaned
    });
    ProxyAnnotations {
        wrap: find(WRAP).and_then(text_value),
        count: find(COUNT).and_then(int_value),
        skip: find(SKIP).is_some(),
        exception: find(EXCEPTION).and_then(text_value),
        name,
    }
}

fn text_value(a: annotation::Reader<'_>) -> Option<String> {
    match a.get_value().ok()?.which().ok()? {
        value::Text(t) => t.ok()?.to_string().ok(),
        _ => None,
    }
}

fn int_value(a: annotation::Reader<'_>) -> Option<i32> {
    match a.get_value().ok()?.which().ok()? {
        value::Int32(v) => Some(v),
        _ => None,
    }
}

/// The display name of a node: `dir/x.capnp:Foo.Bar`.
pub(crate) fn display_name(n: node::Reader<'_>) -> String {
    n.get_display_name()
        .ok()
        .and_then(|t| t.to_string().ok())
        .unwrap_or_default()
}

/// The part after the file (`Foo.Bar` of `dir/x.capnp:Foo.Bar`); for a file node, empty.
pub(crate) fn qualified_name(n: node::Reader<'_>) -> String {
    let full = display_name(n);
    match full.find(':') {
        Some(i) => full[i + 1..].to_string(),
        None => String::new(),
    }
}

/// The file part of a display name (`dir/x.capnp`).
pub(crate) fn file_name(n: node::Reader<'_>) -> String {
    let full = display_name(n);
    match full.find(':') {
        Some(i) => full[..i].to_string(),
        None => full,
    }
}
