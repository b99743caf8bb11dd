//! Fuzz harnesses, emitted on request (`Generator::fuzz(true)`): per file a module
//! `__mp_fuzz` with, per interface, a target for `mp::private::fuzz` (an implementation whose
//! methods all fail, the layout of each method's params, how seeds fill its pointer fields)
//! and `fuzz_<interface>(method_index, bytes)`, which `cargo fuzz` targets and the stable
//! driver call. See doc/fuzzing.md.

use super::client::static_name;
use super::interface::ALLOW;
use super::names;
use super::view::{Interface, Method, Role, Ty};
use super::writer::Writer;

const FUZZ: &str = "::mp::private::fuzz";

/// The name of the per-file module.
pub(crate) const MODULE: &str = "__mp_fuzz";

/// One interface and the trait paths of all its ancestors (the stand-in implements them all).
pub(crate) struct Target<'a> {
    pub(crate) view: &'a Interface,
    pub(crate) ancestors: Vec<String>,
}

pub(crate) fn module(w: &mut Writer, targets: &[Target<'_>]) {
    if targets.is_empty() {
        return;
    }
    w.doc("Fuzz targets of this file's interfaces (see `mp::private::fuzz`, doc/fuzzing.md).");
    w.line("#[doc(hidden)]");
    w.line(ALLOW);
    w.block(format!("pub mod {MODULE}"), |w| {
        for t in targets {
            target(w, t);
        }
        w.doc("Every target of this file.");
        w.block(
            format!("pub fn targets() -> ::std::vec::Vec<&'static {FUZZ}::FuzzTarget>"),
            |w| {
                let all: Vec<String> = targets.iter().map(|t| format!("&{}", upper(t))).collect();
                w.line(format!("::std::vec![{}]", all.join(", ")));
            },
        );
    });
}

fn upper(t: &Target<'_>) -> String {
    names::upper(&t.view.name)
}

fn target(w: &mut Writer, t: &Target<'_>) {
    let model = t.view;
    let stand_in = format!("Fuzz{}", model.name);
    let snake = names::snake(&model.name);
    w.doc(format!(
        "Serves `{}` in the harness: every method fails `Unimplemented` after its params are decoded.",
        model.schema_name
    ));
    w.line(format!("pub struct {stand_in};"));
    w.line(format!("impl {} for {stand_in} {{}}", model.trait_path));
    for a in &t.ancestors {
        w.line(format!("impl {a} for {stand_in} {{}}"));
    }
    w.block(
        format!("fn make_{snake}() -> ::std::sync::Arc<dyn ::mp::private::Dispatch>"),
        |w| {
            w.line(format!(
                "<dyn {} as ::mp::Interface>::make_server(::std::sync::Arc::new({stand_in}))",
                model.trait_path
            ))
        },
    );
    w.doc(format!("The fuzz target of `{}`.", model.schema_name));
    w.line(format!(
        "pub static {}: {FUZZ}::FuzzTarget = {FUZZ}::FuzzTarget {{ name: {:?}, methods: &[",
        upper(t),
        model.schema_name
    ));
    for m in &model.methods {
        method(w, m, &model.module);
    }
    w.line(format!("], make_server: make_{snake} }};"));
    w.doc(format!(
        "Sends `bytes` as the params body of method `method_index` (modulo the method count) of\n\
         `{}` to an in-process server; panics if the server panics, hangs or dies.",
        model.schema_name
    ));
    w.block(
        format!("pub fn fuzz_{snake}(method_index: usize, bytes: &[u8]) -> {FUZZ}::Outcome"),
        |w| {
            w.line(format!(
                "{FUZZ}::run_one(&{}, method_index, bytes)",
                upper(t)
            ))
        },
    );
}

fn method(w: &mut Writer, m: &Method, module: &str) {
    let size = format!(
        "<{}::Builder<'static> as ::mp::private::capnp::traits::HasStructSize>::STRUCT_SIZE",
        m.params_path
    );

    let slots: Vec<String> = m
        .params
        .iter()
        .filter_map(|f| {
            let index = f.pointer?;
            let slot = match &f.role {
                Role::Context => return None,
                Role::Value(ty) | Role::Implicit { ty, .. } | Role::Exception(ty) => slot(ty)?,
                Role::ThreadMap | Role::Skip => format!("{FUZZ}::Slot::Null"),
            };
            Some(format!("({index}, {slot})"))
        })
        .collect();
    w.line(format!(
        "{FUZZ}::FuzzMethod {{ desc: &super::{module}::{}, params: {size}, slots: &[{}] }},",
        static_name(m),
        slots.join(", ")
    ));
}

/// How a seed fills a pointer field of this type; `None` for data fields.
fn slot(ty: &Ty) -> Option<String> {
    Some(match ty {
        Ty::Bool | Ty::Num(_) | Ty::Enum { .. } => return None,
        Ty::Text | Ty::TextBytes => format!("{FUZZ}::Slot::Bytes {{ text: true }}"),
        Ty::Data | Ty::DataVec => format!("{FUZZ}::Slot::Bytes {{ text: false }}"),
        Ty::List(e) => format!("{FUZZ}::Slot::List({})", elem(e)),
        Ty::Struct { .. } | Ty::Tuple { .. } => format!("{FUZZ}::Slot::Struct"),
        Ty::Interface { .. } => format!("{FUZZ}::Slot::Null"),
        Ty::Custom { repr, .. } => return slot(repr),
    })
}

fn elem(ty: &Ty) -> String {
    match ty {
        Ty::Bool => format!("{FUZZ}::Elem::Bit"),
        Ty::Num(n) => {
            let bytes = match *n {
                "i8" | "u8" => 1,
                "i16" | "u16" => 2,
                "i32" | "u32" | "f32" => 4,
                _ => 8,
            };
            format!("{FUZZ}::Elem::Bytes({bytes})")
        }
        Ty::Enum { .. } => format!("{FUZZ}::Elem::Bytes(2)"),
        Ty::Struct { .. } | Ty::Tuple { .. } => format!("{FUZZ}::Elem::Struct"),
        Ty::Custom { repr, .. } => elem(repr),
        Ty::Text | Ty::TextBytes | Ty::Data | Ty::DataVec | Ty::List(_) | Ty::Interface { .. } => {
            format!("{FUZZ}::Elem::Pointer")
        }
    }
}

/// A `cargo fuzz` target (`fuzz/fuzz_targets/<file>_<interface>.rs`) that calls the
/// interface's `fuzz_<interface>`: the first input byte picks the method, the rest is the
/// params body. `module` is the path of the file's generated module in the fuzzed crate.
/// Written as finished text (a formatter would spell the macro's tokens one by one); the
/// caller still parses it.
pub(crate) fn cargo_fuzz_target(stem: &str, module: &str, t: &Target<'_>) -> (String, String) {
    let snake = names::snake(&t.view.name);
    let text = format!(
        "//! `cargo fuzz` target for `{name}` (generated by multiprocess-gen): the first byte picks\n\
         //! the method, the rest is its params body. See doc/fuzzing.md.\n\
         #![no_main]\n\
         \n\
         fn run(data: &[u8]) {{\n\
         \x20   if let Some((&method, bytes)) = data.split_first() {{\n\
         \x20       let _ = {module}::{MODULE}::fuzz_{snake}(usize::from(method), bytes);\n\
         \x20   }}\n\
         }}\n\
         \n\
         libfuzzer_sys::fuzz_target!(|data: &[u8]| run(data));\n",
        name = t.view.schema_name
    );
    (format!("{stem}_{snake}.rs"), text)
}
