//! The generator's model of a `$Proxy.wrap` interface: each method's fields classified as the
//! original classifies them (wire-protocol.md section 6.1), with Rust types.

use std::collections::HashMap;

use capnp::schema_capnp::{field, node, type_};

use crate::names;
use crate::schema::{self, CONTEXT_ID, THREAD_MAP_ID};

/// A field type, as Rust code sees it.
#[derive(Debug, Clone)]
pub(crate) enum Ty {
    Bool,
    /// An integer or float: the Rust type name (`i32`, `f64`, ...).
    Num(&'static str),
    Text,
    Data,
    List(Box<Ty>),
    /// A `$Proxy.wrap` interface: the path of its generated trait.
    Interface {
        trait_path: String,
    },
}

impl Ty {
    pub(crate) fn rust(&self) -> String {
        match self {
            Ty::Bool => "bool".into(),
            Ty::Num(n) => (*n).into(),
            Ty::Text => "::std::string::String".into(),
            Ty::Data => "::std::vec::Vec<u8>".into(),
            Ty::List(e) => format!("::std::vec::Vec<{}>", e.rust()),
            Ty::Interface { trait_path } => {
                format!("::std::option::Option<::std::boxed::Box<dyn {trait_path}>>")
            }
        }
    }

    pub(crate) fn is_clone(&self) -> bool {
        match self {
            Ty::Interface { .. } => false,
            Ty::List(e) => e.is_clone(),
            _ => true,
        }
    }
}

/// What a field is for.
#[derive(Debug, Clone)]
pub(crate) enum Role {
    /// `Proxy.Context`: filled and consumed by the runtime.
    Context,
    /// `Proxy.ThreadMap`: exported when written, kept as the peer's map when read.
    ThreadMap,
    /// A value the native code sees.
    Value(Ty),
    /// Ignored (`$Proxy.skip`, `Void`).
    Skip,
}

#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// Schema name.
    pub(crate) name: String,
    pub(crate) role: Role,
}

impl Field {
    pub(crate) fn accessor(&self) -> String {
        names::snake(&self.name)
    }
    pub(crate) fn ident(&self) -> String {
        names::ident(&self.name)
    }
    pub(crate) fn ty(&self) -> Option<&Ty> {
        match &self.role {
            Role::Value(t) => Some(t),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Method {
    pub(crate) name: String,
    pub(crate) ordinal: u16,
    pub(crate) interface_id: u64,
    pub(crate) interface_name: String,
    pub(crate) params_path: String,
    pub(crate) results_path: String,
    pub(crate) params: Vec<Field>,
    pub(crate) results: Vec<Field>,
}

impl Method {
    /// Params fields that come back in results under the same name.
    pub(crate) fn is_in_out(&self, name: &str) -> bool {
        self.results
            .iter()
            .any(|r| r.name == name && r.ty().is_some())
            && self
                .params
                .iter()
                .any(|p| p.name == name && p.ty().is_some())
    }
    /// Native inputs in order: params with values (in/out ones included).
    pub(crate) fn inputs(&self) -> impl Iterator<Item = &Field> {
        self.params.iter().filter(|f| f.ty().is_some())
    }
    /// Native outputs: `result` first, then other results-only value fields in order.
    pub(crate) fn outputs(&self) -> Vec<&Field> {
        let only: Vec<&Field> = self
            .results
            .iter()
            .filter(|f| f.ty().is_some() && !self.is_in_out(&f.name))
            .collect();
        let mut out: Vec<&Field> = only
            .iter()
            .copied()
            .filter(|f| f.name == "result")
            .collect();
        out.extend(only.iter().copied().filter(|f| f.name != "result"));
        out
    }
    pub(crate) fn is_construct(&self) -> bool {
        self.name == "construct"
    }
    pub(crate) fn is_destroy(&self) -> bool {
        self.name == "destroy"
    }
    pub(crate) fn rust_name(&self) -> String {
        names::ident(&self.name)
    }
}

#[derive(Debug)]
pub(crate) struct Interface {
    /// Trait name (`CalculatorInterface`).
    pub(crate) name: String,
    /// Methods of superinterfaces first, then its own.
    pub(crate) methods: Vec<Method>,
}

/// Resolves schema nodes to Rust paths and collects problems.
pub(crate) struct Resolver<'a> {
    pub(crate) nodes: HashMap<u64, node::Reader<'a>>,
    /// capnpc's module path of each node, adjusted for our crate layout.
    pub(crate) paths: HashMap<u64, String>,
    /// The module path of each file (for our generated items).
    pub(crate) file_paths: HashMap<u64, String>,
    pub(crate) problems: Vec<String>,
}

impl<'a> Resolver<'a> {
    fn problem(&mut self, location: &str, text: impl std::fmt::Display) {
        self.problems.push(format!("{location}: {text}"));
    }

    /// Trait name of a wrapped interface node.
    pub(crate) fn trait_name(n: node::Reader<'_>) -> String {
        schema::short_name(n).replace('.', "")
    }

    fn file_of(&self, mut id: u64) -> u64 {
        while let Some(n) = self.nodes.get(&id) {
            if n.get_scope_id() == 0 {
                return id;
            }
            id = n.get_scope_id();
        }
        id
    }

    pub(crate) fn trait_path(&self, id: u64) -> Option<String> {
        let n = self.nodes.get(&id)?;
        let file = self.file_paths.get(&self.file_of(id))?;
        Some(format!("{file}::{}", Self::trait_name(*n)))
    }

    fn field_role(&mut self, location: &str, f: field::Reader<'_>) -> Role {
        let annotations = match f.get_annotations() {
            Ok(a) => a,
            Err(e) => {
                self.problem(location, e);
                return Role::Skip;
            }
        };
        if schema::find(annotations, schema::SKIP).is_some() {
            return Role::Skip;
        }
        let ty = match f.which() {
            Ok(field::Slot(slot)) => match slot.get_type() {
                Ok(t) => t,
                Err(e) => {
                    self.problem(location, e);
                    return Role::Skip;
                }
            },
            Ok(field::Group(_)) => {
                self.problem(
                    location,
                    "groups are not supported in method params or results",
                );
                return Role::Skip;
            }
            Err(e) => {
                self.problem(location, e);
                return Role::Skip;
            }
        };
        if let Ok(type_::Struct(s)) = ty.which() {
            if s.get_type_id() == CONTEXT_ID {
                return Role::Context;
            }
        }
        if let Ok(type_::Interface(i)) = ty.which() {
            if i.get_type_id() == THREAD_MAP_ID {
                return Role::ThreadMap;
            }
        }
        if let Ok(type_::Void(())) = ty.which() {
            return Role::Skip;
        }
        if let Some(count) = schema::find(annotations, schema::COUNT).and_then(schema::int_value) {
            if count != 1 {
                self.problem(
                    location,
                    format!("$Proxy.count({count}) is not supported for Rust output yet"),
                );
                return Role::Skip;
            }
        }
        if schema::find(annotations, schema::EXCEPTION).is_some() {
            self.problem(
                location,
                "$Proxy.exception is not supported for Rust output yet",
            );
            return Role::Skip;
        }
        match self.ty(location, ty) {
            Some(t) => Role::Value(t),
            None => Role::Skip,
        }
    }

    fn ty(&mut self, location: &str, t: type_::Reader<'_>) -> Option<Ty> {
        use type_::Which as W;
        Some(match t.which().ok()? {
            W::Bool(()) => Ty::Bool,
            W::Int8(()) => Ty::Num("i8"),
            W::Int16(()) => Ty::Num("i16"),
            W::Int32(()) => Ty::Num("i32"),
            W::Int64(()) => Ty::Num("i64"),
            W::Uint8(()) => Ty::Num("u8"),
            W::Uint16(()) => Ty::Num("u16"),
            W::Uint32(()) => Ty::Num("u32"),
            W::Uint64(()) => Ty::Num("u64"),
            W::Float32(()) => Ty::Num("f32"),
            W::Float64(()) => Ty::Num("f64"),
            W::Text(()) => Ty::Text,
            W::Data(()) => Ty::Data,
            W::List(l) => {
                let elem = self.ty(location, l.get_element_type().ok()?)?;
                match elem {
                    Ty::Bool | Ty::Num(_) | Ty::Text | Ty::Data => Ty::List(Box::new(elem)),
                    _ => {
                        self.problem(
                            location,
                            "lists of this element type are not supported for Rust output yet",
                        );
                        return None;
                    }
                }
            }
            W::Interface(i) => {
                let id = i.get_type_id();
                let wrapped = self
                    .nodes
                    .get(&id)
                    .and_then(|n| n.get_annotations().ok())
                    .and_then(|a| schema::find(a, schema::WRAP))
                    .is_some();
                if !wrapped {
                    let name = self
                        .nodes
                        .get(&id)
                        .map(|n| schema::short_name(*n))
                        .unwrap_or_default();
                    self.problem(
                        location,
                        format!(
                            "interface {name} has no $Proxy.wrap annotation, so it has no proxy"
                        ),
                    );
                    return None;
                }
                Ty::Interface {
                    trait_path: self.trait_path(id)?,
                }
            }
            W::Void(()) => return None,
            W::Enum(_) | W::Struct(_) | W::AnyPointer(_) => {
                self.problem(
                    location,
                    "this field type is not supported for Rust output yet",
                );
                return None;
            }
        })
    }

    fn fields(&mut self, location: &str, struct_id: u64) -> Vec<Field> {
        let Some(n) = self.nodes.get(&struct_id).copied() else {
            self.problem(
                location,
                "params or results struct missing from the request",
            );
            return Vec::new();
        };
        let Ok(node::Struct(s)) = n.which() else {
            self.problem(location, "params or results are not a struct");
            return Vec::new();
        };
        let mut fields: Vec<field::Reader<'_>> = s
            .get_fields()
            .map(|l| l.iter().collect())
            .unwrap_or_default();
        fields.sort_by_key(|f| f.get_code_order());
        let mut ordered: Vec<(u16, field::Reader<'_>)> = fields
            .into_iter()
            .map(|f| {
                (
                    f.get_ordinal()
                        .which()
                        .ok()
                        .and_then(|o| match o {
                            field::ordinal::Explicit(v) => Some(v),
                            _ => None,
                        })
                        .unwrap_or(0),
                    f,
                )
            })
            .collect();
        ordered.sort_by_key(|(o, _)| *o);
        let mut out = Vec::new();
        for (_, f) in ordered {
            let name = f
                .get_name()
                .ok()
                .and_then(|t| t.to_string().ok())
                .unwrap_or_default();
            let role = self.field_role(&format!("{location}: field `{name}`"), f);
            out.push(Field { name, role });
        }
        // `hasX`/`wantX` companions change the meaning of other fields.
        for f in &out {
            for prefix in ["has", "want"] {
                if let Some(rest) = f.name.strip_prefix(prefix) {
                    if out.iter().any(|g| names::cap(&g.name) == rest) {
                        self.problems.push(format!(
                            "{location}: field `{}`: {prefix}X companion fields are not supported for Rust output yet",
                            f.name
                        ));
                    }
                }
            }
        }
        out
    }

    /// Builds the model of interface `id` (wrapped), or records why it cannot.
    pub(crate) fn interface(&mut self, id: u64) -> Option<Interface> {
        let n = *self.nodes.get(&id)?;
        let name = Self::trait_name(n);
        let location = format!("{}: {}", schema::file_name(n), schema::short_name(n));
        let mut methods = Vec::new();
        self.collect_methods(id, &location, &mut methods);
        Some(Interface { name, methods })
    }

    /// capnpc's path of a params or results struct: anonymous ones are `<method>_params`
    /// (or `_results`) inside the interface's module.
    fn struct_path(&self, id: u64, iface_path: &str, method: &str, suffix: &str) -> String {
        match self.nodes.get(&id) {
            Some(n) if n.get_scope_id() != 0 => self.paths.get(&id).cloned().unwrap_or_default(),
            _ => format!("{iface_path}::{}_{suffix}", names::snake(method)),
        }
    }

    fn collect_methods(&mut self, id: u64, location: &str, methods: &mut Vec<Method>) {
        let Some(n) = self.nodes.get(&id).copied() else {
            return;
        };
        let Ok(node::Interface(iface)) = n.which() else {
            return;
        };
        if let Ok(supers) = iface.get_superclasses() {
            for s in supers.iter() {
                self.collect_methods(s.get_id(), location, methods);
            }
        }
        let interface_name = schema::qualified_name(n);
        let Ok(list) = iface.get_methods() else {
            return;
        };
        for (ordinal, m) in list.iter().enumerate() {
            let name = m
                .get_name()
                .ok()
                .and_then(|t| t.to_string().ok())
                .unwrap_or_default();
            let mloc = format!("{location}.{name}");
            if m.get_param_brand().map(|b| b.has_scopes()).unwrap_or(false) {
                self.problem(&mloc, "generic interfaces are not supported");
            }
            let iface_path = self.paths.get(&id).cloned().unwrap_or_default();
            let params_path =
                self.struct_path(m.get_param_struct_type(), &iface_path, &name, "params");
            let results_path =
                self.struct_path(m.get_result_struct_type(), &iface_path, &name, "results");
            let params = self.fields(&mloc, m.get_param_struct_type());
            let results = self.fields(&mloc, m.get_result_struct_type());
            if let Some(f) = results.iter().find(|f| matches!(f.role, Role::Context)) {
                self.problem(
                    &mloc,
                    format!(
                        "field `{}`: Proxy.Context is only allowed in params",
                        f.name
                    ),
                );
            }
            let method = Method {
                name,
                ordinal: ordinal as u16,
                interface_id: id,
                interface_name: interface_name.clone(),
                params_path,
                results_path,
                params,
                results,
            };
            for f in method.params.iter().filter(|f| method.is_in_out(&f.name)) {
                if !f.ty().is_some_and(Ty::is_clone) {
                    self.problem(
                        &mloc,
                        format!(
                            "field `{}`: in/out fields of this type are not supported",
                            f.name
                        ),
                    );
                }
            }
            methods.push(method);
        }
    }
}
