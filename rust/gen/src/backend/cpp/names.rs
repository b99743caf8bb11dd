//! C++ spellings of schema names: capnp's generated type names, include guards, the
//! `BASE_fields` namespace. Only spelling: which node or field is meant comes from the model.

use crate::model::{Method, NodeId, Schema};

/// `name` with its first letter upper-cased, as capnp's C++ accessors spell fields
/// (`bigNumber` -> `BigNumber`).
pub(crate) fn cap(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// The C++ type capnp generates for a node, fully qualified: `::ns::Outer::Inner`
/// (`$Cxx.namespace` of its file, then its scopes).
pub(crate) fn qualified(schema: &Schema, id: NodeId) -> String {
    let node = schema.node(id);
    let mut out = String::from("::");
    if let Some(ns) = schema.cxx_namespaces.get(&node.file) {
        let ns = ns.trim_start_matches("::");
        if !ns.is_empty() {
            out.push_str(ns);
            out.push_str("::");
        }
    }
    out.push_str(&node.scope.join("::"));
    out
}

/// [`qualified`] followed by the node's generic parameters (`::ns::Pair<Key, Value>`).
pub(crate) fn with_params(schema: &Schema, id: NodeId) -> String {
    let params = &schema.node(id).generic_params;
    if params.is_empty() {
        qualified(schema, id)
    } else {
        format!("{}<{}>", qualified(schema, id), params.join(", "))
    }
}

/// The wrapped class's name for a method: `$Proxy.name`, else the schema name. Both
/// `ProxyMethod::impl` and the client method use it, so the client implements the wrapped
/// class's virtual method.
pub(crate) fn native(m: &Method) -> &str {
    m.native_name.as_deref().unwrap_or(&m.name)
}

/// Which of a method's two structs.
#[derive(Clone, Copy)]
pub(crate) enum Half {
    /// The params struct.
    Params,
    /// The results struct.
    Results,
}

/// The C++ type of a method's params or results struct: capnp names an implicit one
/// `Interface::MethodParams` / `Interface::MethodResults` (in the declaring interface); a
/// named struct keeps its own name.
pub(crate) fn method_struct(schema: &Schema, m: &Method, half: Half) -> String {
    let (id, suffix) = match half {
        Half::Params => (m.params, "Params"),
        Half::Results => (m.results, "Results"),
    };
    let implicit = schema.node(id).scope.last().is_none_or(|s| s.contains('$'));
    if implicit {
        format!(
            "{}::{}{suffix}",
            qualified(schema, m.interface),
            cap(&m.name)
        )
    } else {
        qualified(schema, id)
    }
}

/// The include guard stem of an output: its path relative to `SRC_PREFIX`, upper-cased,
/// every character other than `A-Z0-9` replaced by `_` (`a/x.capnp` -> `A_X_CAPNP`).
pub(crate) fn guard(output_path: &str) -> String {
    output_path
        .chars()
        .map(|c| match c {
            'A'..='Z' | '0'..='9' => c,
            'a'..='z' => c.to_ascii_uppercase(),
            _ => '_',
        })
        .collect()
}

/// The `BASE` of `BASE_fields`: the include path without directories and without its last
/// extension (`a/types.capnp` -> `types`).
pub(crate) fn base(include_path: &str) -> String {
    let file = include_path.rsplit('/').next().unwrap_or(include_path);
    match file.rfind('.') {
        Some(i) => file[..i].to_string(),
        None => file.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{base, cap, guard};

    #[test]
    fn guards_bases_and_capitals() {
        assert_eq!(guard("types.capnp"), "TYPES_CAPNP");
        assert_eq!(guard("a-b/x1.capnp"), "A_B_X1_CAPNP");
        assert_eq!(base("types.capnp"), "types");
        assert_eq!(base("gen/widgets.capnp"), "widgets");
        assert_eq!(base("plain"), "plain");
        assert_eq!(cap("bigNumber"), "BigNumber");
        assert_eq!(cap(""), "");
    }
}
