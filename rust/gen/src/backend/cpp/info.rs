//! `X.capnp.proxy-types.c++`: the `InterfaceInfoOf<I>()` definition of each wrapped
//! interface, the registration the runtime dispatches and picks threads by.

use crate::model::{Field, Interface, Layout, Method, MethodKind, Role, Slot};

use super::names::{method_struct, qualified, Half};
use super::{Unit, Writer};

/// The text of `X.capnp.proxy-types.c++`.
pub(super) fn emit(u: &Unit<'_>) -> String {
    let mut w = Writer::default();
    u.banner(&mut w);
    u.include_own(&mut w, ".proxy-types.h");
    w.blank();
    w.line("#include <cstdint>");
    w.blank();
    w.namespace("mp", |w| {
        for (i, _) in u.interfaces() {
            w.blank();
            interface_info(u, i, w);
        }
        w.blank();
    });
    w.finish()
}

fn interface_info(u: &Unit<'_>, i: &Interface, w: &mut Writer) {
    let name = u.schema.node(i.id).name();
    w.line("template <>");
    let head = format!(
        "const InterfaceInfo& InterfaceInfoOf<{}>()",
        qualified(u.schema, i.id)
    );
    w.block(head, "", |w| {
        w.line(format!("constexpr uint64_t id = {:#x}ull;", i.id));
        w.line(format!("static const InterfaceInfo info(id, \"{name}\","));
        w.indented(|w| {
            w.line("{");
            w.indented(|w| {
                for m in &i.methods {
                    w.line(format!("{},", method_info(u, i, m)));
                }
            });
            w.line("},");
            let position = |kind| {
                i.methods
                    .iter()
                    .position(|m| m.kind == kind)
                    .map_or(-1, |p| p as i64)
            };
            w.line(format!(
                "{}, {});",
                position(MethodKind::Destroy),
                position(MethodKind::Construct)
            ));
        });
        w.line("return info;");
    });
}

/// `MethodInfo{interface id, interface name, ordinal, name, Context index, ThreadMap params
/// index, ThreadMap results index, Params type ID, whether the results may carry a
/// capability}`; an inherited method names its declaring interface (the wire's interface ID).
fn method_info(u: &Unit<'_>, i: &Interface, m: &Method) -> String {
    let (id, name) = if m.interface == i.id {
        ("id".to_string(), u.schema.node(i.id).name())
    } else {
        (
            format!("{:#x}ull", m.interface),
            u.schema.node(m.interface).name(),
        )
    };
    let index = |role: Role, pick: fn(&Field) -> Option<&Slot>| {
        m.fields
            .iter()
            .filter(|f| f.role == role)
            .find_map(pick)
            .and_then(|s| match s.layout {
                Layout::Pointer { index } => Some(i64::from(index)),
                _ => None,
            })
            .unwrap_or(-1)
    };
    let results_caps = m
        .fields
        .iter()
        .filter_map(|f| f.result.as_ref())
        .any(|slot| u.schema.may_hold_caps(&slot.ty));
    format!(
        "MethodInfo{{{id}, \"{name}\", {}, \"{}\", {}, {}, {}, capnp::typeId<{}>(), {results_caps}}}",
        m.ordinal,
        m.name,
        index(Role::Context, |f| f.param.as_ref()),
        index(Role::ThreadMap, |f| f.param.as_ref()),
        index(Role::ThreadMap, |f| f.result.as_ref()),
        method_struct(u.schema, m, Half::Params)
    )
}
