//! `X.capnp.proxy-client.c++`: the `ProxyClient<I>` method bodies, each one `clientInvoke`
//! with the method's field chain.

use crate::model::{Interface, Method};

use super::fields::{accessor, link, Link};
use super::names::{native, qualified};
use super::{is_plain, Unit, Writer};

/// The C++ parameters of client method `M<n>`: `M<n>::Param<i> name` for every argument of
/// every plain field (`name0`, `name1`, ... for a field standing for several).
pub(super) fn parameters(n: usize, m: &Method) -> Vec<String> {
    arguments(m)
        .into_iter()
        .enumerate()
        .map(|(i, name)| format!("M{n}::Param<{i}> {name}"))
        .collect()
}

/// The argument names, in order.
fn arguments(m: &Method) -> Vec<String> {
    let mut out = Vec::new();
    for f in &m.fields {
        if let Some(Link::Plain { args }) = link(f) {
            if args == 1 {
                out.push(f.name.clone());
            } else {
                out.extend((0..args).map(|k| format!("{}{k}", f.name)));
            }
        }
    }
    out
}

/// The text of `X.capnp.proxy-client.c++`.
pub(super) fn emit(u: &Unit<'_>) -> String {
    let mut w = Writer::default();
    u.banner(&mut w);
    u.include_own(&mut w, ".proxy-types.h");
    w.blank();
    w.namespace("mp", |w| {
        for (i, _) in u.interfaces() {
            for (n, m) in i
                .methods
                .iter()
                .enumerate()
                .filter(|(_, m)| is_plain(m.kind))
            {
                w.blank();
                method(u, i, n, m, w);
            }
        }
        w.blank();
    });
    w.finish()
}

fn method(u: &Unit<'_>, i: &Interface, n: usize, m: &Method, w: &mut Writer) {
    let class = format!("ProxyClient<{}>", qualified(u.schema, i.id));
    let head = format!(
        "{class}::M{n}::Result {class}::{}({})",
        native(m),
        parameters(n, m).join(", ")
    );
    let returns = m
        .fields
        .iter()
        .any(|f| matches!(link(f), Some(Link::Return)));
    w.block(head, "", |w| {
        if returns {
            w.line(format!("typename M{n}::Result result;"));
        }
        let request = format!("&{}::Client::{}Request", qualified(u.schema, i.id), m.name);
        let links = links(u, n, m);
        if links.is_empty() {
            w.line(format!("clientInvoke(*this, {request});"));
        } else {
            w.line(format!("clientInvoke(*this, {request},"));
            w.indented(|w| {
                let last = links.len() - 1;
                for (k, l) in links.iter().enumerate() {
                    w.line(format!("{l}{}", if k == last { ");" } else { "," }));
                }
            });
        }
        if returns {
            w.line("return result;");
        }
    });
}

/// One client chain object per non-skipped field.
fn links(u: &Unit<'_>, n: usize, m: &Method) -> Vec<String> {
    let mut argc = 0;
    let names = arguments(m);
    let mut out = Vec::new();
    for f in &m.fields {
        let Some(l) = link(f) else { continue };
        let acc = accessor(&u.base, f, false);
        out.push(match l {
            Link::Plain { args } => {
                let fwd: Vec<String> = (argc..argc + args as usize)
                    .map(|a| format!("M{n}::Fwd<{a}>({})", names[a]))
                    .collect();
                argc += args as usize;
                format!("MakeClientParam<{acc}>({})", fwd.join(", "))
            }
            Link::Return => format!("MakeClientParam<{acc}>(result)"),
            Link::Exception(t) => format!("ClientException<{t}, {acc}>()"),
        });
    }
    out
}
