//! The field accessor structs (`namespace BASE_fields`) and the `ProxyStruct`
//! specialisations of `X.capnp.proxy.h`.

use std::collections::BTreeSet;

use crate::model::Struct;

use super::fields::{accessor, is_skipped};
use super::names::{cap, with_params};
use super::{Unit, Writer};

/// The eight member templates of one accessor struct, `{}` standing for `Cap(name)`.
const MEMBERS: [&str; 8] = [
    "template <typename S> static auto get(S&& s) -> decltype(s.get{}()) { return s.get{}(); }",
    "template <typename S> static bool has(S&& s) { return s.has{}(); }",
    "template <typename S, typename A> static void set(S&& s, A&& a) { s.set{}(std::forward<A>(a)); }",
    "template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.init{}(std::forward<A>(a)...); }",
    "template <typename S> static bool getWant(S&& s) { return s.getWant{}(); }",
    "template <typename S> static void setWant(S&& s) { s.setWant{}(true); }",
    "template <typename S> static bool getHas(S&& s) { return s.getHas{}(); }",
    "template <typename S> static void setHas(S&& s) { s.setHas{}(true); }",
];

/// Every field name of the file, once, in order of first appearance: its top-level structs'
/// fields, then its interfaces' method fields (inherited methods included, skipped fields
/// too).
fn field_names(u: &Unit<'_>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let struct_fields = u
        .file
        .top_structs
        .iter()
        .filter_map(|id| u.schema.structs.get(id));
    let struct_names = struct_fields.flat_map(|s| s.fields.iter().map(|f| f.name.clone()));
    let method_names = u
        .interfaces()
        .flat_map(|(i, _)| i.methods.iter())
        .flat_map(|m| m.fields.iter().map(|f| f.name.clone()));
    struct_names
        .chain(method_names)
        .filter(|n| seen.insert(n.clone()))
        .collect()
}

/// `namespace BASE_fields { struct Name { ... }; ... }`.
pub(super) fn emit_fields(u: &Unit<'_>, w: &mut Writer) {
    w.namespace(&format!("{}_fields", u.base), |w| {
        for name in field_names(u) {
            let cap = cap(&name);
            w.block(format!("struct {cap}"), ";", |w| {
                for member in MEMBERS {
                    w.line(member.replace("{}", &cap));
                }
            });
        }
    });
}

/// One `ProxyStruct` per top-level struct of the file.
pub(super) fn emit_structs(u: &Unit<'_>, w: &mut Writer) {
    for id in &u.file.top_structs {
        let Some(s) = u.schema.structs.get(id) else {
            continue;
        };
        w.blank();
        emit_struct(u, s, w);
    }
}

fn emit_struct(u: &Unit<'_>, s: &Struct, w: &mut Writer) {
    let params = &u.schema.node(s.id).generic_params;
    let name = with_params(u.schema, s.id);
    let template: Vec<String> = params.iter().map(|p| format!("typename {p}")).collect();
    w.line(format!("template <{}>", template.join(", ")));
    w.block(format!("struct ProxyStruct<{name}>"), ";", |w| {
        w.line(format!("using Struct = {name};"));
        for f in &s.fields {
            w.line(format!(
                "using {}Accessor = {};",
                cap(&f.name),
                accessor(&u.base, f, true)
            ));
        }
        let listed: Vec<String> = s
            .fields
            .iter()
            .filter(|f| !is_skipped(f))
            .map(|f| format!("{}Accessor", cap(&f.name)))
            .collect();
        w.line(format!(
            "using Accessors = std::tuple<{}>;",
            listed.join(", ")
        ));
        w.line(format!(
            "static constexpr size_t fields = {};",
            listed.len()
        ));
    });
}
