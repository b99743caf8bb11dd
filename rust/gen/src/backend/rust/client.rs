//! Client side of a method: the blocking trait method body and the async form.

use super::runtime as rt;
use super::values::{decode_field, encode_field, has_value};
use super::view::{Field, Method, Role, Ty};
use super::writer::Writer;

pub(crate) fn tuple(items: &[String]) -> String {
    match items.len() {
        0 => "()".into(),
        1 => items[0].clone(),
        _ => format!("({})", items.join(", ")),
    }
}

/// The name of a method's static description in the interface's hidden module.
pub(crate) fn static_name(m: &Method) -> String {
    format!(
        "{}_{}",
        super::names::upper(&m.interface_name.replace('.', "")),
        super::names::upper(&m.name)
    )
}

/// Trait method signature: inputs by value (in/out as `&mut`), wanted outputs as
/// `Option<&mut T>`, other outputs returned.
pub(crate) fn signature(m: &Method) -> String {
    let mut args = vec!["&self".to_string()];
    for f in m.inputs() {
        if f.in_out {
            args.push(format!("{}: &mut {}", f.rust_name, f.rust_ty()));
        } else {
            args.push(format!("{}: {}", f.rust_name, f.rust_ty()));
        }
    }
    for f in m.wanted() {
        args.push(format!(
            "{}: ::std::option::Option<&mut {}>",
            f.rust_name,
            f.rust_ty()
        ));
    }
    let outs: Vec<String> = m.outputs().iter().map(|f| f.rust_ty()).collect();
    format!(
        "fn {}({}) -> {}",
        m.rust_name,
        args.join(", "),
        rt::result(&tuple(&outs))
    )
}

/// Signature of the async form: in/out values are taken by value and returned after the
/// outputs, wanted outputs are requested with `want_x: bool` and returned as `Option`s.
pub(crate) fn async_signature(m: &Method) -> String {
    let mut args = vec!["&self".to_string()];
    for f in m.inputs() {
        args.push(format!("{}: {}", f.rust_name, f.rust_ty()));
    }
    for f in m.wanted() {
        args.push(format!("want_{}: bool", f.accessor));
    }
    let mut outs: Vec<String> = m.outputs().iter().map(|f| f.rust_ty()).collect();
    outs.extend(m.inputs().filter(|f| f.in_out).map(Field::rust_ty));
    outs.extend(
        m.wanted()
            .map(|f| format!("::std::option::Option<{}>", f.rust_ty())),
    );
    format!(
        "pub fn {}({}) -> impl ::std::future::Future<Output = {}> + Send + 'static",
        m.async_name,
        args.join(", "),
        rt::result(&tuple(&outs))
    )
}

/// The value carried by a raised exception slot, and the error message it gets.
fn raise_exception(w: &mut Writer, m: &Method, f: &Field) {
    let ty = match &f.role {
        Role::Exception(t) => t,
        _ => return,
    };
    let value = decode_field(f, "__r", 0);
    let message = match ty {
        Ty::Text => "::std::clone::Clone::clone(&__exc)".to_string(),
        t if t.plain() => "::std::format!(\"{:?}\", __exc)".to_string(),
        _ => format!(
            "::std::string::String::from(\"{}.{} raised an exception\")",
            m.interface_name, m.name
        ),
    };
    let payload = match &m.exception_enum {
        Some(e) => format!("{e}::{}(__exc)", variant(&f.name)),
        None => "__exc".into(),
    };
    w.block(format!("if {}", has_value(f, "__r")), |w| {
        w.line(format!("let __exc = {value};"));
        w.line(format!("let __msg = {message};"));
        w.line(format!("return Err({});", rt::raised(&payload, "__msg")));
    });
}

/// The variant of a method's exception enum for slot `name`.
pub(crate) fn variant(name: &str) -> String {
    super::names::camel(name)
}

/// Names of a method's reply parts: outputs, in/out values, wanted outputs.
struct Reply {
    pattern: String,
    ty: String,
    outs: Vec<String>,
    all: Vec<String>,
}

fn reply(m: &Method) -> Reply {
    let outputs = m.outputs();
    let in_outs: Vec<&Field> = m.inputs().filter(|f| f.in_out).collect();
    let names = |fs: &[&Field]| -> Vec<String> {
        fs.iter().map(|f| format!("__out_{}", f.accessor)).collect()
    };
    let wanted: Vec<&Field> = m.wanted().collect();
    let (out_names, io_names, want_names) = (names(&outputs), names(&in_outs), names(&wanted));
    let out_tys: Vec<String> = outputs.iter().map(|f| f.rust_ty()).collect();
    let io_tys: Vec<String> = in_outs.iter().map(|f| f.rust_ty()).collect();
    let want_tys: Vec<String> = wanted
        .iter()
        .map(|f| format!("::std::option::Option<{}>", f.rust_ty()))
        .collect();
    let mut all = out_names.clone();
    all.extend(io_names.iter().cloned());
    all.extend(want_names.iter().cloned());
    Reply {
        pattern: format!(
            "({}, {}, {})",
            tuple(&out_names),
            tuple(&io_names),
            tuple(&want_names)
        ),
        ty: format!(
            "({}, {}, {})",
            tuple(&out_tys),
            tuple(&io_tys),
            tuple(&want_tys)
        ),
        outs: out_names,
        all,
    }
}

/// The name of a method's request function in the interface's hidden module.
pub(crate) fn request_name(m: &Method) -> String {
    format!("__request_{}", super::names::snake(&m.name))
}

/// The request function: the params builder and results reader of one call, shared by the
/// blocking and the async form (inputs by value, wanted outputs as flags).
pub(crate) fn request_fn(w: &mut Writer, m: &Method) {
    let mut args: Vec<String> = m
        .inputs()
        .map(|f| {
            let name = if f.in_out {
                format!("__in_{}", f.accessor)
            } else {
                f.rust_name.clone()
            };
            format!("{name}: {}", f.rust_ty())
        })
        .collect();
    args.extend(m.wanted().map(|f| format!("__want_{}: bool", f.accessor)));
    let r = reply(m);
    let head = format!(
        "pub fn {}({}) -> ({}, {})",
        request_name(m),
        args.join(", "),
        rt::build_ty(),
        rt::read_ty()
    );
    w.block(head, |w| {
        let mut build = Writer::default();
        build.line(format!(
            "let mut __p = __params.init_as::<{}::Builder<'_>>();",
            m.params_path
        ));
        for f in &m.params {
            let acc = &f.accessor;
            // The core fills `Context` and `ThreadMap` fields itself.
            match &f.role {
                Role::Value(_) if f.in_out => {
                    build.line(encode_field(f, &format!("__in_{acc}"), "__p", 0))
                }
                Role::Value(_) => build.line(encode_field(f, &f.rust_name, "__p", 0)),
                Role::Implicit {
                    hook: Some(hook), ..
                } => {
                    build.line(format!("let __implicit_{acc} = {hook}::outgoing()?;"));
                    build.line(encode_field(f, &format!("__implicit_{acc}"), "__p", 0));
                }
                _ => {}
            }
        }
        for f in m.wanted() {
            build.line(format!(
                "__p.reborrow().set_{}(__want_{});",
                f.want.as_deref().unwrap_or_default(),
                f.accessor
            ));
        }
        build.line("Ok(())");

        let mut read = Writer::default();
        read.line(format!(
            "let __r = __results.get_as::<{}::Reader<'_>>()?;",
            m.results_path
        ));
        for exc in m.exceptions() {
            raise_exception(&mut read, m, exc);
        }
        for f in &m.results {
            let acc = &f.accessor;
            match &f.role {
                Role::Value(_) if f.want.is_some() => read.line(format!(
                    "let __out_{acc} = if __want_{acc} {{ ::std::option::Option::Some({}) }} else {{ ::std::option::Option::None }};",
                    decode_field(f, "__r", 0)
                )),
                Role::Value(_) => {
                    read.line(format!("let __out_{acc} = {};", decode_field(f, "__r", 0)))
                }
                _ => {}
            }
        }
        read.line(rt::erase(&r.pattern, &r.ty));
        w.line(rt::build_closure(&build.finish()));
        w.line(rt::read_closure(&read.finish()));
        w.line("(__build, __read)");
    });
}

/// Body of a client function calling method `m` through `receiver` (a `ProxyClient`); the
/// request function is `module::__request_m`.
pub(crate) fn body(w: &mut Writer, m: &Method, module: &str, receiver: &str, is_async: bool) {
    let mut args: Vec<String> = Vec::new();
    for f in m.inputs() {
        if f.in_out && !is_async {
            w.line(format!(
                "let __in_{} = ::std::clone::Clone::clone(&*{});",
                f.accessor, f.rust_name
            ));
            args.push(format!("__in_{}", f.accessor));
        } else {
            args.push(f.rust_name.clone());
        }
    }
    for f in m.wanted() {
        if is_async {
            args.push(format!("want_{}", f.accessor));
        } else {
            args.push(format!("{}.is_some()", f.rust_name));
        }
    }
    let r = reply(m);
    w.line(format!(
        "let (__build, __read) = {module}::{}({});",
        request_name(m),
        args.join(", ")
    ));
    let info = format!("{module}::{}", static_name(m));
    w.line(rt::client_call(receiver, &info, is_async));
    if is_async {
        w.block("async move", |w| {
            w.line(rt::client_reply(&r.pattern, &r.ty, true));
            w.line(format!("Ok({})", tuple(&r.all)));
        });
        return;
    }
    w.line(rt::client_reply(&r.pattern, &r.ty, false));
    for f in m.inputs().filter(|f| f.in_out) {
        w.line(format!("*{} = __out_{};", f.rust_name, f.accessor));
    }
    for f in m.wanted() {
        w.line(format!(
            "if let (::std::option::Option::Some(__dst), ::std::option::Option::Some(__v)) = ({}, __out_{}) {{ *__dst = __v; }}",
            f.rust_name, f.accessor
        ));
    }
    w.line(format!("Ok({})", tuple(&r.outs)));
}
