//! `X.capnp.proxy-server.c++`: `ProxyServer<I>::dispatch`, one `case` per method in
//! registration order (the model's method order, inherited methods first).

use crate::model::{Interface, Method, MethodKind};

use super::fields::{accessor, link, Link};
use super::names::{method_struct, qualified, Half};
use super::{Unit, Writer};

/// The text of `X.capnp.proxy-server.c++`.
pub(super) fn emit(u: &Unit<'_>) -> String {
    let mut w = Writer::default();
    u.banner(&mut w);
    u.include_own(&mut w, ".proxy-types.h");
    w.blank();
    w.line("#include <stdexcept>");
    w.line("#include <string>");
    w.blank();
    w.namespace("mp", |w| {
        for (i, _) in u.interfaces() {
            w.blank();
            dispatch(u, i, w);
        }
        w.blank();
    });
    w.finish()
}

fn dispatch(u: &Unit<'_>, i: &Interface, w: &mut Writer) {
    let message = qualified(u.schema, i.id);
    let head = format!(
        "void ProxyServer<{message}>::dispatch(size_t method, IncomingMessage& params, OutgoingMessage& results)"
    );
    w.block(head, "", |w| {
        if !i.methods.iter().any(|m| m.kind == MethodKind::Normal) {
            w.line("(void)params;");
        }
        if i.methods.is_empty() {
            w.line("(void)results;");
        }
        w.line("switch (method) {");
        for (n, m) in i.methods.iter().enumerate() {
            w.line(format!("case {n}:"));
            w.indented(|w| case(u, m, w));
        }
        w.line("}");
        let name = u.schema.node(i.id).name();
        w.line(format!(
            "throw std::logic_error(\"{name}: no method at index \" + std::to_string(method));"
        ));
    });
}

/// The body of one `case`.
fn case(u: &Unit<'_>, m: &Method, w: &mut Writer) {
    let params = method_struct(u.schema, m, Half::Params);
    let results = method_struct(u.schema, m, Half::Results);
    match m.kind {
        MethodKind::Destroy => {
            w.line(format!("return serverDestroy<{results}>(*this, results);"));
        }
        MethodKind::Construct => {
            w.line("// construct: the runtime exchanges the ThreadMaps itself.");
            w.line(format!("results.initRoot<{results}>();"));
            w.line("return;");
        }
        MethodKind::Normal => {
            w.line(format!(
                "return serverInvoke<{params}, {results}>(*this, params, results,"
            ));
            w.indented(|w| chain(&links(u, m), w));
        }
    }
}

/// The links nested around `ServerCall()`, each one level deeper than the one holding it;
/// the innermost holds `ServerCall()` and closes every link and `serverInvoke(`.
fn chain(links: &[String], w: &mut Writer) {
    let close = ")".repeat(links.len() + 1);
    match links.split_first() {
        None => w.line(format!("ServerCall(){close};")),
        Some((only, [])) => w.line(format!("{only}(ServerCall(){close};")),
        Some((outer, _)) => {
            w.line(format!("{outer}("));
            w.indented(|w| nested(&links[1..], links.len(), w));
        }
    }
}

/// The inner links of [`chain`]; `total` is the number of links in the whole chain.
fn nested(links: &[String], total: usize, w: &mut Writer) {
    match links.split_first() {
        Some((inner, [])) => w.line(format!("{inner}(ServerCall(){};", ")".repeat(total + 1))),
        Some((outer, rest)) => {
            w.line(format!("{outer}("));
            w.indented(|w| nested(rest, total, w));
        }
        None => {}
    }
}

/// One server chain link (without its argument) per non-skipped field, outermost first.
fn links(u: &Unit<'_>, m: &Method) -> Vec<String> {
    m.fields
        .iter()
        .filter_map(|f| {
            let acc = accessor(&u.base, f, false);
            Some(match link(f)? {
                Link::Plain { args } => format!("MakeServerField<{args}, {acc}>"),
                Link::Return => format!("Make<ServerRet, {acc}>"),
                Link::Exception(t) => format!("Make<ServerExcept, {t}, {acc}>"),
            })
        })
        .collect()
}
