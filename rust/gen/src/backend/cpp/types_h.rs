//! `X.capnp.proxy-types.h`: the `ProxyType` of each wrapped struct (its C++ members, one per
//! non-skipped field), after the includes of the user's conversions.

use crate::model::{used_files, Struct};

use super::fields::is_skipped;
use super::{Unit, Writer};

/// The text of `X.capnp.proxy-types.h`.
pub(super) fn emit(u: &Unit<'_>) -> String {
    let mut w = Writer::default();
    u.banner(&mut w);
    w.line(format!("#ifndef {}_PROXY_TYPES_H", u.guard));
    w.line(format!("#define {}_PROXY_TYPES_H", u.guard));
    w.blank();
    w.line("#include <mp/proxy.h>");
    u.include_own(&mut w, ".proxy.h");
    for path in u.imported(&used_files(u.schema, u.file.id)) {
        w.line(format!("#include <{path}.proxy-types.h>"));
    }
    for include in &u.file.include_types {
        w.line(format!("#include \"{include}\""));
    }
    let wrapped: Vec<(&Struct, &str)> = u
        .file
        .top_structs
        .iter()
        .filter_map(|id| {
            let wrap = u.schema.node(*id).annotations.wrap.as_deref()?;
            Some((u.schema.structs.get(id)?, wrap))
        })
        .collect();
    if !wrapped.is_empty() {
        w.blank();
        w.line("#include <cstddef>");
        w.line("#include <type_traits>");
        w.blank();
        w.namespace("mp", |w| {
            for (s, wrap) in wrapped {
                w.blank();
                proxy_type(u, s, wrap, w);
            }
            w.blank();
        });
    }
    w.blank();
    w.line(format!("#endif // {}_PROXY_TYPES_H", u.guard));
    w.finish()
}

fn proxy_type(u: &Unit<'_>, s: &Struct, wrap: &str, w: &mut Writer) {
    w.line("template <>");
    w.block(format!("struct ProxyType<{wrap}>"), ";", |w| {
        w.line(format!(
            "using Struct = {};",
            super::names::qualified(u.schema, s.id)
        ));
        let members: Vec<&str> = s
            .fields
            .iter()
            .filter(|f| !is_skipped(f))
            .map(|f| f.native_name.as_deref().unwrap_or(&f.name))
            .collect();
        for (i, member) in members.iter().enumerate() {
            w.line(format!(
                "static decltype(auto) get(std::integral_constant<size_t, {i}>) {{ return &{wrap}::{member}; }}"
            ));
        }
        w.line(format!("static constexpr size_t fields = {};", members.len()));
    });
}
