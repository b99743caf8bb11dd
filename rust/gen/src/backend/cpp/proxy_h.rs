//! `X.capnp.proxy.h`: `ProxyMethod` specialisations, the field accessors, `ProxyStruct`s, and
//! per wrapped interface the `InterfaceInfoOf` declaration, the `ProxyClient` / `ProxyServer`
//! classes and its `ProxyType`.

use crate::model::Interface;

use super::names::{method_struct, native, qualified, Half};
use super::{accessors, client, is_plain, Unit, Writer};

/// The text of `X.capnp.proxy.h`.
pub(super) fn emit(u: &Unit<'_>) -> String {
    let mut w = Writer::default();
    u.banner(&mut w);
    w.line(format!("#ifndef {}_PROXY_H", u.guard));
    w.line(format!("#define {}_PROXY_H", u.guard));
    w.blank();
    u.include_own(&mut w, ".h");
    for include in &u.file.includes {
        w.line(format!("#include \"{include}\""));
    }
    // A superinterface from another file: its ProxyMethods are in that file's proxy.h.
    let supers = u
        .interfaces()
        .flat_map(|(i, _)| i.methods.iter())
        .map(|m| u.schema.node(m.interface).file)
        .collect();
    for path in u.imported(&supers) {
        w.line(format!("#include <{path}.proxy.h>"));
    }
    for header in ["mp/proxy.h", "mp/proxy-client.h", "mp/proxy-server.h"] {
        w.line(format!("#include <{header}>"));
    }
    w.blank();
    for header in ["cstddef", "tuple", "utility"] {
        w.line(format!("#include <{header}>"));
    }
    w.blank();
    // Client methods implement the wrapped class's virtual methods without `override`, as
    // in the original; keep -Wsuggest-override quiet about them.
    w.line("#if defined(__GNUC__)");
    w.line("#pragma GCC diagnostic push");
    w.line("#if !defined(__has_warning)");
    w.line("#pragma GCC diagnostic ignored \"-Wsuggest-override\"");
    w.line("#elif __has_warning(\"-Wsuggest-override\")");
    w.line("#pragma GCC diagnostic ignored \"-Wsuggest-override\"");
    w.line("#endif");
    w.line("#endif");
    w.blank();
    w.namespace("mp", |w| {
        w.blank();
        proxy_methods(u, w);
        w.blank();
        accessors::emit_fields(u, w);
        accessors::emit_structs(u, w);
        for (i, wrap) in u.interfaces() {
            w.blank();
            interface_classes(u, i, wrap, w);
        }
        w.blank();
    });
    w.blank();
    w.line("#if defined(__GNUC__)");
    w.line("#pragma GCC diagnostic pop");
    w.line("#endif");
    w.blank();
    w.line(format!("#endif // {}_PROXY_H", u.guard));
    w.finish()
}

/// One `ProxyMethod` per own method (not `construct` / `destroy`) of each wrapped interface:
/// `impl` names the wrapped class's member function (`$Proxy.name` renames it).
fn proxy_methods(u: &Unit<'_>, w: &mut Writer) {
    for (i, wrap) in u.interfaces() {
        for m in i.own_methods().filter(|m| is_plain(m.kind)) {
            let native = native(m);
            w.blank();
            w.line("template <>");
            let params = method_struct(u.schema, m, Half::Params);
            w.block(format!("struct ProxyMethod<{params}>"), ";", |w| {
                w.line(format!("static constexpr auto impl = &{wrap}::{native};"));
            });
        }
    }
}

/// `InterfaceInfoOf` declaration, `ProxyClient`, `ProxyServer` and `ProxyType` of one
/// wrapped interface.
fn interface_classes(u: &Unit<'_>, i: &Interface, wrap: &str, w: &mut Writer) {
    let message = qualified(u.schema, i.id);
    w.line("template <>");
    w.line(format!(
        "const InterfaceInfo& InterfaceInfoOf<{message}>();"
    ));
    w.blank();
    w.line("template <>");
    let head = format!(
        "struct ProxyClient<{message}> final : public ProxyClientCustom<{message}, {wrap}>"
    );
    w.block(head, ";", |w| {
        w.label("public:");
        w.line("using ProxyClientCustom::ProxyClientCustom;");
        for (n, m) in i
            .methods
            .iter()
            .enumerate()
            .filter(|(_, m)| is_plain(m.kind))
        {
            let params = method_struct(u.schema, m, Half::Params);
            w.line(format!("using M{n} = ProxyClientMethodTraits<{params}>;"));
            w.line(format!(
                "typename M{n}::Result {}({});",
                native(m),
                client::parameters(n, m).join(", ")
            ));
        }
    });
    w.blank();
    w.line("template <>");
    let head =
        format!("struct ProxyServer<{message}> : public ProxyServerCustom<{message}, {wrap}>");
    w.block(head, ";", |w| {
        w.label("public:");
        w.line("using ProxyServerCustom::ProxyServerCustom;");
        w.line("void dispatch(size_t method, IncomingMessage& params, OutgoingMessage& results) override;");
    });
    // A wrap text with template arguments (`ProxyCallback<std::function<...>>`) may be shared
    // by several interfaces: no ProxyType for it, as in the original.
    if !wrap.contains('<') {
        w.blank();
        w.line("template <>");
        w.block(format!("struct ProxyType<{wrap}>"), ";", |w| {
            w.line(format!("using Type = {wrap};"));
            w.line(format!("using Message = {message};"));
            w.line("using Client = ProxyClient<Message>;");
            w.line("using Server = ProxyServer<Message>;");
        });
    }
}
