//! Code that moves one value between a Rust expression and a capnp field or list element.
//!
//! Encoding consumes an owned Rust value; decoding yields one. Both may use `?` and refer to
//! `__ctx` (the runtime's call context, see `runtime.rs`), through which capabilities go.

use super::runtime as rt;
use super::view::{Field, Role, Ty};

/// Where an encoded value goes.
pub(crate) enum Target<'a> {
    /// Field `acc` of struct builder variable `b`.
    Field {
        b: &'a str,
        acc: &'a str,
        generic: bool,
    },
    /// Element `i` of list builder variable `l`.
    Elem { l: String, i: String },
}

impl Target<'_> {
    fn set(&self, x: &str) -> String {
        match self {
            Target::Field { b, acc, .. } => format!("{b}.reborrow().set_{acc}({x});"),
            Target::Elem { l, i } => format!("{l}.set({i}, {x});"),
        }
    }
    fn init_struct(&self) -> String {
        match self {
            Target::Field { b, acc, .. } => format!("{b}.reborrow().init_{acc}()"),
            Target::Elem { l, i } => format!("{l}.reborrow().get({i})"),
        }
    }
    fn init_list(&self, n: &str) -> String {
        match self {
            Target::Field {
                b,
                acc,
                generic: true,
            } => format!("{b}.reborrow().initn_{acc}({n})"),
            Target::Field { b, acc, .. } => format!("{b}.reborrow().init_{acc}({n})"),
            Target::Elem { l, i } => format!("{l}.reborrow().init({i}, {n})"),
        }
    }
    fn set_cap(&self, client: &str, hook: &str) -> String {
        match self {
            Target::Field { b, acc, .. } => {
                format!(
                    "{b}.reborrow().set_{acc}({});",
                    rt::client_from_hook(client, hook)
                )
            }
            Target::Elem { l, i } => format!("{l}.set({i}, {hook});"),
        }
    }
}

/// Statement(s) writing `value` of type `ty` to `target`; `d` keeps nested names apart.
pub(crate) fn encode(ty: &Ty, value: &str, target: &Target<'_>, d: usize) -> String {
    match ty {
        Ty::Bool | Ty::Num(_) | Ty::Enum { .. } => target.set(value),
        Ty::Text => target.set(&format!("{value}.as_str()")),
        Ty::TextBytes => target.set(&rt::text_from_bytes(&format!("&{value}[..]"))),
        Ty::Data => match target {
            // A big `Data` may go out from its own memory (the runtime decides).
            Target::Field { b, acc, generic } => {
                let init = if *generic { "initn" } else { "init" };
                format!(
                    "{}(&{value}, |__n| {b}.reborrow().{init}_{acc}(__n));",
                    rt::SET_DATA
                )
            }
            Target::Elem { .. } => target.set(&format!("&{value}[..]")),
        },
        Ty::DataVec => target.set(&format!("&{value}[..]")),
        Ty::Struct { boxed: true, .. } => format!(
            "if let ::std::option::Option::Some(__b{d}) = {value} {{ (*__b{d}).__mp_write({}, __ctx)?; }}",
            target.init_struct()
        ),
        Ty::Struct { .. } => format!("{value}.__mp_write({}, __ctx)?;", target.init_struct()),
        Ty::Tuple { fields } => {
            let vars: Vec<String> = (0..value_fields(fields).count()).map(|k| format!("__t{d}_{k}")).collect();
            let mut s = format!("{{ let ({},) = {value}; let mut __s{d} = {};", vars.join(", "), target.init_struct());
            for (f, var) in value_fields(fields).zip(&vars) {
                s.push(' ');
                s.push_str(&encode_field(f, var, &format!("__s{d}"), d + 1));
            }
            s.push_str(" }");
            s
        }
        Ty::List(elem) => {
            let inner = encode(elem, &format!("__e{d}"), &Target::Elem { l: format!("__l{d}"), i: format!("__i{d}") }, d + 1);
            format!(
                "{{ let __v{d} = {value}; let mut __l{d} = {}; \
                 for (__i{d}, __e{d}) in ::std::iter::IntoIterator::into_iter(__v{d}).enumerate() {{ let __i{d} = __i{d} as u32; {inner} }} }}",
                target.init_list(&rt::list_len(&format!("__v{d}.len()")))
            )
        }
        Ty::Interface { trait_path, client } => format!(
            "if let ::std::option::Option::Some(__x{d}) = {value} {{ let __hook{d} = {}; {} }}",
            rt::export(trait_path, &format!("__x{d}")),
            target.set_cap(client, &format!("__hook{d}"))
        ),
        Ty::Custom { repr, .. } => {
            let converted = format!("<_ as {}>::to_wire({value})", rt::wire(&repr.rust()));
            format!("{{ let __w{d} = {converted}; {} }}", encode(repr, &format!("__w{d}"), target, d + 1))
        }
    }
}

/// Expression reading a value of type `ty` from `raw`: the result of a field getter, or (with
/// `elem`) an item of a list iterator.
pub(crate) fn decode(ty: &Ty, raw: &str, elem: bool, d: usize) -> String {
    match ty {
        Ty::Bool | Ty::Num(_) => raw.to_string(),
        Ty::Enum { .. } => format!("{raw}?"),
        Ty::Text => rt::text(&format!("{raw}?")),
        Ty::TextBytes => format!("{raw}?.as_bytes().to_vec()"),
        Ty::Data => rt::data_to_bytes(&format!("{raw}?")),
        Ty::DataVec => format!("{raw}?.to_vec()"),
        Ty::Struct {
            rust, boxed: true, ..
        } => format!(
            "::std::option::Option::Some(::std::boxed::Box::new(<{rust}>::__mp_read({raw}?, __ctx)?))"
        ),
        Ty::Struct { rust, .. } => {
            let reader = if elem {
                raw.to_string()
            } else {
                format!("{raw}?")
            };
            format!("<{rust}>::__mp_read({reader}, __ctx)?")
        }
        Ty::Tuple { fields } => {
            let reader = if elem {
                raw.to_string()
            } else {
                format!("{raw}?")
            };
            let parts: Vec<String> = value_fields(fields)
                .map(|f| decode_field(f, &format!("__s{d}"), d + 1))
                .collect();
            format!("{{ let __s{d} = {reader}; ({},) }}", parts.join(", "))
        }
        Ty::List(e) => {
            let item = decode(e, &format!("__e{d}"), true, d + 1);
            let check = struct_element_size(e)
                .map(|size| rt::check_struct_list(&format!("__l{d}"), &size))
                .unwrap_or_default();
            format!(
                "{{ let __l{d} = {raw}?; {check} let mut __v{d} = ::std::vec::Vec::with_capacity(__l{d}.len() as usize); \
                 for __e{d} in __l{d}.iter() {{ __v{d}.push({item}); }} __v{d} }}"
            )
        }
        Ty::Interface { trait_path, .. } => format!(
            "::std::option::Option::Some({})",
            rt::import(trait_path, &format!("{raw}?.client"))
        ),
        Ty::Custom { rust, repr } => {
            format!(
                "<{rust} as {}>::from_wire({})?",
                rt::wire(&repr.rust()),
                decode(repr, raw, elem, d + 1)
            )
        }
    }
}

/// For a list element that is a struct on the wire, an expression of the size of the value
/// decoded from it (zero for an empty one), so that zero-sized wire elements can be refused.
fn struct_element_size(e: &Ty) -> Option<String> {
    match e {
        Ty::Struct { rust, .. } => Some(format!("::std::mem::size_of::<{rust}>()")),
        Ty::Tuple { fields } => {
            Some(usize::from(value_fields(fields).next().is_some()).to_string())
        }
        Ty::Custom { rust, repr } => {
            struct_element_size(repr).map(|_| format!("::std::mem::size_of::<{rust}>()"))
        }
        _ => None,
    }
}

fn value_fields(fields: &[Field]) -> impl Iterator<Item = &Field> {
    super::view::value_fields(fields)
}

/// Statement writing a struct member or param/result field (with its `hasX` companion).
pub(crate) fn encode_field(f: &Field, value: &str, builder: &str, d: usize) -> String {
    let ty = match &f.role {
        Role::Value(t) | Role::Exception(t) | Role::Implicit { ty: t, .. } => t,
        _ => return String::new(),
    };
    let target = Target::Field {
        b: builder,
        acc: &f.accessor,
        generic: f.generic_param,
    };
    match &f.has {
        // A numeric `hasX` is written as 1, as the original's `setHasX(true)` does.
        Some((has, is_bool)) => format!(
            "if let ::std::option::Option::Some(__o{d}) = {value} {{ {builder}.reborrow().set_{has}({}); {} }}",
            if *is_bool { "true" } else { "1 as _" },
            encode(ty, &format!("__o{d}"), &target, d + 1)
        ),
        None => encode(ty, value, &target, d),
    }
}

/// Whether field `f` of reader `r` holds a value, by the original's rule: the `hasX`
/// companion if any, else non-null for pointers, else always.
pub(crate) fn has_value(f: &Field, r: &str) -> String {
    let ty = match &f.role {
        Role::Value(t) | Role::Exception(t) => t,
        _ => return "false".into(),
    };
    match &f.has {
        Some((has, true)) => format!("{r}.get_{has}()"),
        // Non-zero means present, as the original reads a numeric companion as a bool.
        Some((has, false)) => format!("{r}.get_{has}() != 0 as _"),
        None if ty.is_pointer() => format!("{r}.has_{}()", f.accessor),
        None => "true".into(),
    }
}

/// Expression reading a struct member or param/result field.
pub(crate) fn decode_field(f: &Field, r: &str, d: usize) -> String {
    let ty = match &f.role {
        Role::Value(t) | Role::Exception(t) | Role::Implicit { ty: t, .. } => t,
        _ => return "()".into(),
    };
    let value = decode(ty, &format!("{r}.get_{}()", f.accessor), false, d);
    if f.has.is_some() {
        format!(
            "if {} {{ ::std::option::Option::Some({value}) }} else {{ ::std::option::Option::None }}",
            has_value(f, r)
        )
    } else if matches!(ty, Ty::Interface { .. } | Ty::Struct { boxed: true, .. }) {
        format!(
            "if {r}.has_{}() {{ {value} }} else {{ ::std::option::Option::None }}",
            f.accessor
        )
    } else {
        value
    }
}
