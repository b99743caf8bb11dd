//! Per struct a proxy uses (or `$Proxy.wrap` names): a Rust struct with public fields,
//! schema defaults in `Default`, an enum for its unnamed union, and the conversions to and
//! from capnpc's builders and readers.

use super::interface::ALLOW;
use super::names::camel;
use super::runtime as rt;
use super::values::{decode, decode_field, encode, encode_field, Target};
use super::view::{Field, Struct, Ty};
use super::writer::Writer;

fn members(model: &Struct) -> impl Iterator<Item = &Field> {
    model
        .fields
        .iter()
        .filter(|f| f.ty().is_some() && f.union_member.is_none())
}

fn union_members(model: &Struct) -> Vec<&Field> {
    let mut v: Vec<&Field> = model
        .fields
        .iter()
        .filter(|f| f.union_member.is_some())
        .collect();
    v.sort_by_key(|f| f.union_member);
    v
}

/// The `Default` value of one member: the schema default when there is one.
fn default_expr(f: &Field) -> String {
    match (&f.default, &f.has) {
        (Some(v), None) => v.clone(),
        _ => "::std::default::Default::default()".into(),
    }
}

pub(crate) fn structure(w: &mut Writer, model: &Struct) {
    let name = &model.name;
    if let Some(which) = &model.union_enum {
        union_enum(w, model, which);
    }
    w.doc(format!("Rust form of the `{}` struct.", model.schema_name));
    if model.plain {
        w.line("#[derive(Debug, Clone, PartialEq)]");
    }
    w.line(ALLOW);
    w.block(format!("pub struct {name}"), |w| {
        for f in members(model) {
            match &f.default {
                Some(v) => w.doc(format!("Field `{}` (schema default `{v}`).", f.name)),
                None => w.doc(format!("Field `{}`.", f.name)),
            }
            w.line(format!("pub {}: {},", f.rust_name, f.rust_ty()));
        }
        if let Some(which) = &model.union_enum {
            w.doc("Its unnamed union: which member is set, with its value.");
            w.line(format!("pub which: {which},"));
        }
    });
    if model.default {
        w.line(ALLOW);
        w.block(format!("impl ::std::default::Default for {name}"), |w| {
            w.block("fn default() -> Self", |w| {
                w.block("Self", |w| {
                    for f in members(model) {
                        w.line(format!("{}: {},", f.rust_name, default_expr(f)));
                    }
                    if model.union_enum.is_some() {
                        w.line("which: ::std::default::Default::default(),");
                    }
                })
            })
        });
    }
    conversions(w, model);
    pair_conversions(w, model);
}

fn union_enum(w: &mut Writer, model: &Struct, which: &str) {
    let variants = union_members(model);
    let plain = variants.iter().all(|f| f.ty().is_none_or(Ty::plain));
    w.doc(format!(
        "The unnamed union of `{}`: one variant per member.",
        model.schema_name
    ));
    if plain {
        w.line("#[derive(Debug, Clone, PartialEq)]");
    }
    w.line(ALLOW);
    w.block(format!("pub enum {which}"), |w| {
        for f in &variants {
            w.doc(format!("Member `{}`.", f.name));
            match f.ty() {
                Some(_) => w.line(format!("{}({}),", camel(&f.name), f.rust_ty())),
                None => w.line(format!("{},", camel(&f.name))),
            }
        }
    });
    // capnp's default for a union is its first member (discriminant 0) at its default.
    if let Some(first) = variants.first() {
        if first.ty().is_none_or(Ty::defaultable) {
            w.line(ALLOW);
            w.block(format!("impl ::std::default::Default for {which}"), |w| {
                w.block("fn default() -> Self", |w| match first.ty() {
                    Some(_) => w.line(format!(
                        "{which}::{}({})",
                        camel(&first.name),
                        default_expr(first)
                    )),
                    None => w.line(format!("{which}::{}", camel(&first.name))),
                })
            });
        }
    }
}

fn conversions(w: &mut Writer, model: &Struct) {
    let capnp = &model.capnp;
    let names: Vec<String> = members(model).map(|f| f.rust_name.clone()).collect();
    let mut pattern = names.clone();
    if model.union_enum.is_some() {
        pattern.push("which".into());
    }
    w.line(ALLOW);
    w.block(format!("impl {}", model.name), |w| {
        w.line("#[doc(hidden)]");
        w.block(
            format!(
                "pub fn __mp_write(self, mut __p: {capnp}::Builder<'_>, __ctx: &{}) -> {}",
                rt::CALL_CTX,
                rt::result("()")
            ),
            |w| {
                w.line(format!("let Self {{ {} }} = self;", pattern.join(", ")));
                for f in members(model) {
                    w.line(encode_field(f, &f.rust_name, "__p", 0));
                }
                if let Some(which) = &model.union_enum {
                    w.block("match which", |w| {
                        for f in union_members(model) {
                            let v = camel(&f.name);
                            match f.ty() {
                                Some(t) => {
                                    let target = Target::Field {
                                        b: "__p",
                                        acc: &f.accessor,
                                        generic: f.generic_param,
                                    };
                                    w.line(format!(
                                        "{which}::{v}(__v) => {{ {} }}",
                                        encode(t, "__v", &target, 1)
                                    ));
                                }
                                None => w.line(format!(
                                    "{which}::{v} => {{ __p.reborrow().set_{}(()); }}",
                                    f.accessor
                                )),
                            }
                        }
                    });
                }
                w.line("Ok(())");
            },
        );
        w.line("#[doc(hidden)]");
        w.block(
            format!(
                "pub fn __mp_read(__r: {capnp}::Reader<'_>, __ctx: &{}) -> {}",
                rt::CALL_CTX,
                rt::result("Self")
            ),
            |w| {
                if let Some(which) = &model.union_enum {
                    w.block("let which = match __r.which()?", |w| {
                        for f in union_members(model) {
                            let v = camel(&f.name);
                            match f.ty() {
                                Some(t) => w.line(format!(
                                    "{capnp}::Which::{v}(__v) => {which}::{v}({}),",
                                    decode(t, "__v", false, 1)
                                )),
                                None => w.line(format!("{capnp}::Which::{v}(()) => {which}::{v},")),
                            }
                        }
                    });
                    w.line(";");
                }
                w.block("Ok(Self", |w| {
                    for f in members(model) {
                        w.line(format!("{}: {},", f.rust_name, decode_field(f, "__r", 0)));
                    }
                    if model.union_enum.is_some() {
                        w.line("which,");
                    }
                });
                w.line(")");
            },
        );
    });
}

/// Two-field structs convert to and from pairs (maps travel as lists of them).
fn pair_conversions(w: &mut Writer, model: &Struct) {
    let fields: Vec<&Field> = members(model).collect();
    let name = &model.name;
    if model.union_enum.is_some() {
        return;
    }
    if let [a, b] = fields.as_slice() {
        if a.has.is_none() && b.has.is_none() {
            let (ta, tb) = (a.rust_ty(), b.rust_ty());
            w.line(ALLOW);
            w.block(
                format!("impl ::std::convert::From<({ta}, {tb})> for {name}"),
                |w| {
                    w.block(format!("fn from((a, b): ({ta}, {tb})) -> Self"), |w| {
                        w.line(format!("Self {{ {}: a, {}: b }}", a.rust_name, b.rust_name))
                    })
                },
            );
            w.line(ALLOW);
            w.block(
                format!("impl ::std::convert::From<{name}> for ({ta}, {tb})"),
                |w| {
                    w.block(format!("fn from(v: {name}) -> Self"), |w| {
                        w.line(format!("(v.{}, v.{})", a.rust_name, b.rust_name))
                    })
                },
            );
        }
    }
}
