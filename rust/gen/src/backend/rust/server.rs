//! Server side of a method: decode params, invoke the implementation, encode results.

use super::client::{static_name, tuple, variant};
use super::runtime as rt;
use super::values::{decode_field, encode_field};
use super::view::{Field, Method, Role};
use super::writer::Writer;

/// The name of the server's handler for method `m`.
pub(crate) fn handler_name(m: &Method) -> String {
    format!(
        "__{}_{}",
        super::names::snake(&m.interface_name.replace('.', "")),
        super::names::snake(&m.name)
    )
}

/// Writes the handler of method `m` for the server of trait `iface`.
pub(crate) fn handler(w: &mut Writer, m: &Method, module: &str, iface: &str) {
    let info = format!("{module}::{}", static_name(m));
    w.block(rt::server_fn_head(&handler_name(m)), |w| {
        if !m.is_construct() {
            w.line(rt::server_take_impl(m.is_destroy()));
        }
        w.line(rt::server_open(&m.params_path));
        w.line(rt::server_begin(&info));
        w.line(rt::log_incoming("__r", "request data"));
        let context = m
            .params
            .iter()
            .find(|f| matches!(f.role, Role::Context))
            .map(|f| f.accessor.as_str());
        w.line(rt::server_exec(context));
        decode_params(w, m);
        let (work, pattern, ty) = work(m, iface);
        w.line(rt::server_run(&pattern, &info, &work, &ty));
        w.line(rt::server_results(&m.results_path));
        encode_results(w, m);
        w.line(rt::check_and_log("__p", "response data"));
        w.line("Ok(())");
        w.line("})");
    });
}

fn decode_params(w: &mut Writer, m: &Method) {
    for f in &m.params {
        let acc = &f.accessor;
        match &f.role {
            Role::ThreadMap => w.line(rt::import_thread_map("__r", acc)),
            Role::Value(_) => {
                let mutable = if f.in_out { "mut " } else { "" };
                w.line(format!(
                    "let {mutable}{} = {};",
                    f.rust_name,
                    decode_field(f, "__r", 0)
                ));
            }
            Role::Implicit {
                hook: Some(hook), ..
            } => {
                // Handed to the application's hook before the call, as the original's
                // server-side hooks consume `count(0)` fields.
                w.line(format!("{hook}::incoming({})?;", decode_field(f, "__r", 0)));
            }
            _ => {}
        }
    }
    for f in m.wanted() {
        w.line(format!(
            "let mut __slot_{} = if __r.get_{}() {{ ::std::option::Option::Some(::std::default::Default::default()) }} else {{ ::std::option::Option::None }};",
            f.accessor,
            f.want.as_deref().unwrap_or_default()
        ));
    }
}

fn io_names(m: &Method) -> Vec<String> {
    m.inputs()
        .filter(|f| f.in_out)
        .map(|f| f.rust_name.clone())
        .collect()
}

fn slot_names(m: &Method) -> Vec<String> {
    m.wanted()
        .map(|f| format!("__slot_{}", f.accessor))
        .collect()
}

/// The closure run by the runtime, the pattern its outcome is bound to, and its type.
fn work(m: &Method, iface: &str) -> (String, String, String) {
    let io = io_names(m);
    let slots = slot_names(m);
    let pattern = format!("(__ret, {}, {}, __exc)", tuple(&io), tuple(&slots));
    let io_tys: Vec<String> = m
        .inputs()
        .filter(|f| f.in_out)
        .map(Field::rust_ty)
        .collect();
    let slot_tys: Vec<String> = m
        .wanted()
        .map(|f| format!("::std::option::Option<{}>", f.rust_ty()))
        .collect();
    let outs: Vec<String> = m.outputs().iter().map(|f| f.rust_ty()).collect();
    let (ret_ty, exc_ty) = match exception_type(m) {
        Some(t) => (
            format!("::std::option::Option<{}>", tuple(&outs)),
            format!("::std::option::Option<{t}>"),
        ),
        None => (tuple(&outs), "()".to_string()),
    };
    let ty = format!(
        "({ret_ty}, {}, {}, {exc_ty})",
        tuple(&io_tys),
        tuple(&slot_tys)
    );
    if m.is_destroy() {
        return ("drop(__imp); Ok(((), (), (), ()))".into(), pattern, ty);
    }
    if m.is_construct() {
        return ("Ok(((), (), (), ()))".into(), pattern, ty);
    }
    let mut args: Vec<String> = m
        .inputs()
        .map(|f| {
            if f.in_out {
                format!("&mut {}", f.rust_name)
            } else {
                f.rust_name.clone()
            }
        })
        .collect();
    args.extend(slots.iter().map(|n| format!("{n}.as_mut()")));
    let call = format!(
        "<dyn {iface} as {}>::{}(&*__imp, {})",
        m.trait_path,
        m.rust_name,
        args.join(", ")
    );
    let rest = format!("{}, {}", tuple(&io), tuple(&slots));
    let work = match exception_type(m) {
        Some(t) => format!(
            "match {call} {{ \
               Ok(__ret) => Ok((::std::option::Option::Some(__ret), {rest}, ::std::option::Option::None)), \
               Err(__e) => match __e.payload::<{t}>() {{ \
                 ::std::option::Option::Some(__v) => Ok((::std::option::Option::None, {rest}, ::std::option::Option::Some(__v))), \
                 ::std::option::Option::None => Err(__e) }} }}"
        ),
        None => format!("let __ret = {call}?; Ok((__ret, {rest}, ()))"),
    };
    (work, pattern, ty)
}

/// The payload type a raised exception carries: the slot's type, or the method's enum.
fn exception_type(m: &Method) -> Option<String> {
    if let Some(e) = &m.exception_enum {
        return Some(e.clone());
    }
    m.exceptions().next().map(|f| match &f.role {
        Role::Exception(t) => t.rust(),
        _ => "()".into(),
    })
}

fn encode_results(w: &mut Writer, m: &Method) {
    let out_names: Vec<String> = m
        .outputs()
        .iter()
        .map(|f| format!("__out_{}", f.accessor))
        .collect();
    let write_values = |w: &mut Writer| {
        w.line(format!("let {} = __ret;", tuple(&out_names)));
        for f in &m.results {
            let acc = &f.accessor;
            match &f.role {
                Role::ThreadMap => w.line(rt::export_thread_map("__p", acc)),
                Role::Value(_) if f.in_out => w.line(encode_field(f, &f.rust_name, "__p", 0)),
                Role::Value(_) if f.want.is_some() => w.line(format!(
                    "if let ::std::option::Option::Some(__v) = __slot_{acc} {{ {} }}",
                    encode_field(f, "__v", "__p", 0)
                )),
                Role::Value(_) => w.line(encode_field(f, &format!("__out_{acc}"), "__p", 0)),
                _ => {}
            }
        }
    };
    let exceptions: Vec<&Field> = m.exceptions().collect();
    if exceptions.is_empty() {
        w.line("let _: () = __exc;");
        write_values(w);
        return;
    }
    w.block("match __exc", |w| {
        match &m.exception_enum {
            Some(e) => {
                for f in &exceptions {
                    w.line(format!(
                        "::std::option::Option::Some({e}::{}(__e)) => {{ {} }}",
                        variant(&f.name),
                        encode_field(f, "__e", "__p", 0)
                    ));
                }
            }
            None => w.line(format!(
                "::std::option::Option::Some(__e) => {{ {} }}",
                encode_field(exceptions[0], "__e", "__p", 0)
            )),
        }
        w.block("::std::option::Option::None =>", |w| {
            w.line(format!(
                "let __ret = match __ret {{ ::std::option::Option::Some(v) => v, ::std::option::Option::None => {} }};",
                rt::server_no_result()
            ));
            write_values(w);
        });
    });
}
