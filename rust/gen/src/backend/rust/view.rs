//! The Rust view of the model: each model type and field with its Rust spelling (types,
//! accessor names, paths). Meanings come from the model; this only names them in Rust.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::{self, Direction, Layout, NodeId, Role as MRole, Schema, Slot, Type, Value};

use super::names;
use super::runtime as rt;
use super::Options;

/// A field's type as Rust code sees it.
#[derive(Debug, Clone)]
pub(crate) enum Ty {
    Bool,
    /// An integer or float: the Rust type name (`i32`, `f64`, ...).
    Num(&'static str),
    Text,
    /// `Text` kept as raw bytes (mapped to `Vec<u8>`): no UTF-8 check.
    TextBytes,
    /// `Data`: `mp::Bytes`, sharing a big received message's memory instead of a copy.
    Data,
    /// `Data` mapped to `Vec<u8>` by the user: an owned copy.
    DataVec,
    /// A capnp enum: capnpc's Rust enum.
    Enum {
        path: String,
    },
    /// A non-generic struct: our generated Rust struct (`rust`); `boxed` inside a struct it
    /// leads back to (`Option<Box<T>>`, null when absent).
    Struct {
        rust: String,
        plain: bool,
        default: bool,
        boxed: bool,
    },
    /// A generic struct instance (`Pair(Text, Text)`): a tuple of its value fields.
    Tuple {
        fields: Vec<Field>,
    },
    List(Box<Ty>),
    /// A `$Proxy.wrap` interface: the path of its generated trait.
    Interface {
        trait_path: String,
        client: String,
    },
    /// A user type converted through `mp::Wire<repr>`.
    Custom {
        rust: String,
        repr: Box<Ty>,
    },
}

impl Ty {
    pub(crate) fn rust(&self) -> String {
        match self {
            Ty::Bool => "bool".into(),
            Ty::Num(n) => (*n).into(),
            Ty::Text => "::std::string::String".into(),
            Ty::Data => rt::BYTES.into(),
            Ty::DataVec | Ty::TextBytes => "::std::vec::Vec<u8>".into(),
            Ty::Enum { path } => path.clone(),
            Ty::Struct {
                rust, boxed: true, ..
            } => format!("::std::option::Option<::std::boxed::Box<{rust}>>"),
            Ty::Struct { rust, .. } => rust.clone(),
            Ty::Tuple { fields } => {
                let parts: Vec<String> = value_fields(fields).map(Field::rust_ty).collect();
                format!("({},)", parts.join(", "))
            }
            Ty::List(e) => format!("::std::vec::Vec<{}>", e.rust()),
            Ty::Interface { trait_path, .. } => {
                format!("::std::option::Option<::std::boxed::Box<dyn {trait_path}>>")
            }
            Ty::Custom { rust, .. } => rust.clone(),
        }
    }

    /// Whether the Rust type is `Clone + Debug + PartialEq` (user types are required to be).
    pub(crate) fn plain(&self) -> bool {
        match self {
            Ty::Interface { .. } => false,
            Ty::Struct { plain, .. } => *plain,
            Ty::Tuple { fields } => value_fields(fields).all(|f| f.ty().is_none_or(Ty::plain)),
            Ty::List(e) => e.plain(),
            _ => true,
        }
    }

    /// Whether the Rust type is known to implement `Default`.
    pub(crate) fn defaultable(&self) -> bool {
        match self {
            Ty::Enum { .. } | Ty::Custom { .. } => false,
            Ty::Struct { default, boxed, .. } => *default || *boxed,
            Ty::Tuple { fields } => {
                value_fields(fields).all(|f| f.ty().is_none_or(Ty::defaultable))
            }
            _ => true,
        }
    }

    /// Whether a value may hold a capability (the core then builds results off capnp-rpc's
    /// message; `MethodDesc::results_caps`). Non-plain structs count in, to be safe.
    pub(crate) fn may_hold_caps(&self) -> bool {
        match self {
            Ty::Interface { .. } => true,
            Ty::Struct { plain, .. } => !plain,
            Ty::Tuple { fields } => {
                value_fields(fields).any(|f| f.ty().is_some_and(Ty::may_hold_caps))
            }
            Ty::List(e) => e.may_hold_caps(),
            Ty::Custom { repr, .. } => repr.may_hold_caps(),
            _ => false,
        }
    }

    /// Whether the capnp field is a pointer (so "has" means non-null).
    pub(crate) fn is_pointer(&self) -> bool {
        match self {
            Ty::Bool | Ty::Num(_) | Ty::Enum { .. } => false,
            Ty::Custom { repr, .. } => repr.is_pointer(),
            _ => true,
        }
    }
}

/// What a field is for, in Rust terms.
#[derive(Debug, Clone)]
pub(crate) enum Role {
    Context,
    ThreadMap,
    Value(Ty),
    Exception(Ty),
    /// A `count(0)` field: filled and consumed by an application hook (`hook`), or left at
    /// its default when no hook is configured.
    Implicit {
        ty: Ty,
        hook: Option<String>,
    },
    Skip,
}

#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// Schema name.
    pub(crate) name: String,
    /// capnpc accessor stem (`set_int` for `setInt`).
    pub(crate) accessor: String,
    /// Rust name (`$Proxy.name` if any, else the schema name in snake case).
    pub(crate) rust_name: String,
    pub(crate) role: Role,
    /// Accessor stem of the `hasX` companion, and whether it is `Bool` (else a number, where
    /// non-zero means present).
    pub(crate) has: Option<(String, bool)>,
    /// Accessor stem of the params `wantX` companion of a results field.
    pub(crate) want: Option<String>,
    /// The declared type is a generic parameter (capnpc uses `initn_` for its lists).
    pub(crate) generic_param: bool,
    /// The schema default as a Rust expression, when it is not the type's zero.
    pub(crate) default: Option<String>,
    /// Member of the struct's unnamed union: its discriminant.
    pub(crate) union_member: Option<u16>,
    /// Travels both ways (params and results).
    pub(crate) in_out: bool,
    /// Its pointer index, for a pointer field (the core reads `Context`/`ThreadMap` by it).
    pub(crate) pointer: Option<u16>,
}

impl Field {
    pub(crate) fn ty(&self) -> Option<&Ty> {
        match &self.role {
            Role::Value(t) => Some(t),
            _ => None,
        }
    }

    /// The Rust type of the value, `Option` when a `hasX` companion exists.
    pub(crate) fn rust_ty(&self) -> String {
        let inner = match &self.role {
            Role::Value(t) | Role::Exception(t) | Role::Implicit { ty: t, .. } => t.rust(),
            _ => "()".into(),
        };
        if self.has.is_some() {
            format!("::std::option::Option<{inner}>")
        } else {
            inner
        }
    }
}

pub(crate) fn value_fields(fields: &[Field]) -> impl Iterator<Item = &Field> {
    fields.iter().filter(|f| f.ty().is_some())
}

#[derive(Debug)]
pub(crate) struct Method {
    pub(crate) name: String,
    /// Rust method name (from `$Proxy.name` or the schema name), collisions resolved.
    pub(crate) rust_name: String,
    /// Name of the async form on the client.
    pub(crate) async_name: String,
    pub(crate) ordinal: u16,
    pub(crate) interface_id: u64,
    pub(crate) interface_name: String,
    /// Path of the trait that declares the method.
    pub(crate) trait_path: String,
    pub(crate) params_path: String,
    pub(crate) results_path: String,
    pub(crate) params: Vec<Field>,
    pub(crate) results: Vec<Field>,
    pub(crate) kind: model::MethodKind,
    /// Name of the generated enum of its exception slots, when it has more than one.
    pub(crate) exception_enum: Option<String>,
}

impl Method {
    /// Native inputs in order: params with values (in/out ones included).
    pub(crate) fn inputs(&self) -> impl Iterator<Item = &Field> {
        self.params.iter().filter(|f| f.ty().is_some())
    }
    /// Results-only fields requested with `wantX`: `Option<&mut T>` arguments.
    pub(crate) fn wanted(&self) -> impl Iterator<Item = &Field> {
        self.results
            .iter()
            .filter(|f| f.want.is_some() && f.ty().is_some())
    }
    /// Returned values: `result` first, then other results-only value fields in order.
    pub(crate) fn outputs(&self) -> Vec<&Field> {
        let only: Vec<&Field> = self
            .results
            .iter()
            .filter(|f| f.ty().is_some() && f.want.is_none() && !f.in_out)
            .collect();
        let mut out: Vec<&Field> = only
            .iter()
            .copied()
            .filter(|f| f.name == "result")
            .collect();
        out.extend(only.iter().copied().filter(|f| f.name != "result"));
        out
    }
    pub(crate) fn exceptions(&self) -> impl Iterator<Item = &Field> {
        self.results
            .iter()
            .filter(|f| matches!(f.role, Role::Exception(_)))
    }
    pub(crate) fn is_construct(&self) -> bool {
        self.kind == model::MethodKind::Construct
    }
    pub(crate) fn is_destroy(&self) -> bool {
        self.kind == model::MethodKind::Destroy
    }
    pub(crate) fn is_special(&self) -> bool {
        self.is_construct() || self.is_destroy()
    }
}

#[derive(Debug)]
pub(crate) struct Interface {
    /// Its ID.
    pub(crate) id: u64,
    /// Schema name (`Foo.Bar`).
    pub(crate) schema_name: String,
    /// Trait name.
    pub(crate) name: String,
    /// Client struct name.
    pub(crate) client: String,
    /// Server struct name.
    pub(crate) server: String,
    /// Hidden module with method descriptions.
    pub(crate) module: String,
    /// Paths of the traits of direct superinterfaces.
    pub(crate) supers: Vec<String>,
    /// Path of its own trait.
    pub(crate) trait_path: String,
    /// Methods of all superinterfaces first, then its own.
    pub(crate) methods: Vec<Method>,
    /// Its own methods are exactly one `call` (plus maybe `destroy`): closures implement it.
    pub(crate) callable: bool,
}

/// A generated Rust struct for a capnp struct.
#[derive(Debug)]
pub(crate) struct Struct {
    pub(crate) name: String,
    pub(crate) schema_name: String,
    pub(crate) capnp: String,
    pub(crate) fields: Vec<Field>,
    /// Name of the enum of its unnamed union's members, when it has one.
    pub(crate) union_enum: Option<String>,
    pub(crate) plain: bool,
    pub(crate) default: bool,
}

/// Resolves model nodes to Rust paths and collects problems.
pub(crate) struct Resolver<'a> {
    pub(crate) schema: &'a Schema,
    pub(crate) options: &'a Options,
    /// capnpc's module path of each node.
    pub(crate) paths: HashMap<NodeId, String>,
    /// The module path of each file (for our generated items).
    pub(crate) file_paths: HashMap<NodeId, String>,
    /// Item names decided for interfaces and structs (collisions resolved).
    pub(crate) item_names: HashMap<NodeId, String>,
    /// Names of the enums of structs' unnamed unions.
    pub(crate) union_names: HashMap<NodeId, String>,
    pub(crate) problems: Vec<model::Problem>,
    pub(crate) used_selectors: BTreeSet<String>,
    /// Structs to generate, by node ID (filled while interfaces are modelled).
    pub(crate) structs: BTreeMap<NodeId, Option<Struct>>,
    /// The selector of the field being resolved (`Interface.method.field`), for messages.
    pub(crate) location: String,
}

impl<'a> Resolver<'a> {
    pub(crate) fn problem(&mut self, node: NodeId, line: Option<u32>, message: String) {
        let n = self.schema.node(node);
        let file = self
            .schema
            .files
            .iter()
            .find(|f| f.id == n.file)
            .map(|f| f.path.clone())
            .unwrap_or_else(|| self.schema.node(n.file).name());
        self.problems.push(model::Problem {
            file,
            line: line.or(n.line),
            message,
        });
    }

    /// Path of our generated item for node `id` (trait or struct).
    pub(crate) fn item_path(&self, id: NodeId) -> Option<String> {
        let file = self.file_paths.get(&self.schema.node(id).file)?;
        Some(format!("{file}::{}", self.item_names.get(&id)?))
    }

    /// The Rust view of the fields of a method (params and results, as the wire has them).
    pub(crate) fn method_fields(
        &mut self,
        iface: NodeId,
        selector: &str,
        m: &model::Method,
    ) -> (Vec<Field>, Vec<Field>) {
        let mut params = Vec::new();
        let mut results = Vec::new();
        for f in &m.fields {
            let sel = format!("{selector}.{}", f.name);
            // In/out in Rust (`&mut T`) needs one type both ways; a field whose params and
            // results types differ is an input by value and a returned output instead.
            let same = match (&f.param, &f.result) {
                (Some(p), Some(r)) => p.ty == r.ty,
                _ => false,
            };
            for (slot, out) in [(&f.param, &mut params), (&f.result, &mut results)] {
                if let Some(slot) = slot {
                    let role = self.role(iface, &sel, f, slot, &[]);
                    let mut view = self.field(f, slot, role);
                    view.in_out = same;
                    out.push(view);
                }
            }
        }
        (params, results)
    }

    fn field(&self, f: &model::Field, slot: &Slot, role: Role) -> Field {
        let has = f.has.as_ref().map(|h| {
            (
                names::snake(h),
                matches!(f.has_type, Some(Type::Bool) | None),
            )
        });
        Field {
            accessor: names::snake(&f.name),
            rust_name: names::ident(f.native_name.as_deref().unwrap_or(&f.name)),
            name: f.name.clone(),
            role,
            has,
            want: f.want.as_deref().map(names::snake),
            generic_param: matches!(slot.ty, Type::Param(_)),
            default: default_literal(&slot.ty, slot.default),
            union_member: slot.union_member,
            in_out: f.direction() == Direction::InOut,
            pointer: match slot.layout {
                Layout::Pointer { index } => u16::try_from(index).ok(),
                _ => None,
            },
        }
    }

    /// The Rust role of a model field; `args` bind the generic parameters of the struct that
    /// declares it.
    fn role(
        &mut self,
        owner: NodeId,
        selector: &str,
        f: &model::Field,
        slot: &Slot,
        args: &[Type],
    ) -> Role {
        self.location = match selector.rsplit_once('.') {
            Some((at, name)) => format!("{at}: field `{name}`"),
            None => selector.to_string(),
        };
        match &f.role {
            MRole::Context => Role::Context,
            MRole::ThreadMap => Role::ThreadMap,
            MRole::Skipped | MRole::Companion { .. } => Role::Skip,
            MRole::Implicit => {
                let ty = slot.ty.bind(args);
                let hook = self
                    .options
                    .implicit_hooks
                    .get(&self.type_name(&ty))
                    .cloned();
                match self.ty(owner, f, &ty, true) {
                    Some(ty) => Role::Implicit { ty, hook },
                    None => Role::Skip,
                }
            }
            // A field standing for several native C++ arguments is one Rust value: a Rust
            // user type (`rust_type`) carries the parts.
            MRole::Value { .. } | MRole::Return | MRole::Exception { .. } => {
                let ty = slot.ty.bind(args);
                let Some(mut rust) = self.ty(owner, f, &ty, false) else {
                    return Role::Skip;
                };
                if let Some(custom) = self.options.field_types.get(selector).cloned() {
                    self.used_selectors.insert(selector.to_string());
                    rust = custom_ty(custom, rust);
                }
                if matches!(f.role, MRole::Exception { .. }) {
                    Role::Exception(rust)
                } else {
                    Role::Value(rust)
                }
            }
        }
    }

    /// The schema name a type-level mapping matches: builtin names (`Data`, `Int32`, ...)
    /// or a struct or enum's dotted name in its file (`Outer.Inner`).
    pub(crate) fn type_name(&self, t: &Type) -> String {
        match t {
            Type::Void => "Void".into(),
            Type::Bool => "Bool".into(),
            Type::Int { bits, signed: true } => format!("Int{bits}"),
            Type::Int { bits, .. } => format!("UInt{bits}"),
            Type::Float { bits } => format!("Float{bits}"),
            Type::Text => "Text".into(),
            Type::Data => "Data".into(),
            Type::List(e) => format!("List({})", self.type_name(e)),
            Type::Enum(id) | Type::Struct { id, .. } | Type::Interface(id) => {
                self.schema.node(*id).name()
            }
            Type::AnyPointer | Type::Param(_) => "AnyPointer".into(),
        }
    }

    /// The Rust type of a schema type, a type-level mapping applied (lists map elements).
    fn ty(&mut self, owner: NodeId, f: &model::Field, t: &Type, implicit: bool) -> Option<Ty> {
        let base = self.base_ty(owner, f, t, implicit)?;
        let name = self.type_name(t);
        Some(match self.options.type_mappings.get(&name).cloned() {
            Some(custom) => {
                self.used_selectors.insert(format!("type {name}"));
                custom_ty(custom, base)
            }
            None => base,
        })
    }

    fn base_ty(&mut self, owner: NodeId, f: &model::Field, t: &Type, implicit: bool) -> Option<Ty> {
        let at = self.location.clone();
        Some(match t {
            Type::Bool => Ty::Bool,
            Type::Int { bits, signed } => Ty::Num(match (bits, signed) {
                (8, true) => "i8",
                (16, true) => "i16",
                (32, true) => "i32",
                (64, true) => "i64",
                (8, false) => "u8",
                (16, false) => "u16",
                (32, false) => "u32",
                _ => "u64",
            }),
            Type::Float { bits: 32 } => Ty::Num("f32"),
            Type::Float { .. } => Ty::Num("f64"),
            Type::Text => Ty::Text,
            Type::Data => Ty::Data,
            Type::Void => return None,
            Type::List(e) => Ty::List(Box::new(self.ty(owner, f, e, implicit)?)),
            Type::Enum(id) => Ty::Enum {
                path: self.paths.get(id).cloned()?,
            },
            Type::Interface(id) => {
                if self.schema.node(*id).annotations.wrap.is_none() {
                    let name = self.schema.node(*id).name();
                    self.problem(
                        owner,
                        f.line,
                        format!("{at}: interface {name} has no $Proxy.wrap annotation, so it has no proxy"),
                    );
                    return None;
                }
                Ty::Interface {
                    trait_path: self.item_path(*id)?,
                    client: format!("{}::Client", self.paths.get(id)?),
                }
            }
            Type::Struct { id, args } => {
                let generic = !self.schema.node(*id).generic_params.is_empty();
                if generic {
                    self.tuple(owner, *id, args)?
                } else {
                    self.struct_ty(*id, f.cyclic)?
                }
            }
            Type::AnyPointer | Type::Param(_) => {
                self.problem(
                    owner,
                    f.line,
                    format!("{at}: AnyPointer (or a generic parameter without a type argument) has no Rust form; give the generic struct type arguments"),
                );
                return None;
            }
        })
    }

    /// A generic struct instance as a tuple of its value fields.
    fn tuple(&mut self, owner: NodeId, id: NodeId, args: &[Type]) -> Option<Ty> {
        let model = self.schema.structs.get(&id)?;
        if model.layout.union_members > 0 {
            let name = self.schema.node(id).name();
            self.problem(
                owner,
                None,
                format!("{name}: unions in generic structs have no Rust form yet; use a non-generic struct"),
            );
            return None;
        }
        let sel = self.schema.node(id).name();
        let mut fields = Vec::new();
        for f in &model.fields {
            let role = self.role(id, &format!("{sel}.{}", f.name), f, f.slot(), args);
            fields.push(self.field(f, f.slot(), role));
        }
        Some(Ty::Tuple { fields })
    }

    /// The generated Rust struct for struct node `id`, modelled on first use.
    fn struct_ty(&mut self, id: NodeId, boxed: bool) -> Option<Ty> {
        let rust = self.item_path(id)?;
        self.struct_model(id);
        let model = self.structs.get(&id).and_then(|s| s.as_ref());
        // A field leading back into a struct still being modelled is taken as plain: the
        // struct's derive then depends on its other fields only (`Option<Box<T>>` is `Clone`,
        // `PartialEq` and `Default` exactly when `T` is).
        Some(Ty::Struct {
            rust,
            plain: model.map_or(boxed, |s| s.plain),
            default: model.map_or(boxed, |s| s.default),
            boxed,
        })
    }

    /// Models struct `id` for generation.
    pub(crate) fn struct_model(&mut self, id: NodeId) {
        if self.structs.contains_key(&id) {
            return;
        }
        self.structs.insert(id, None);
        let Some(model) = self.schema.structs.get(&id) else {
            return;
        };
        let Some(capnp) = self.paths.get(&id).cloned() else {
            return;
        };
        let schema_name = self.schema.node(id).name();
        let mut fields = Vec::new();
        for f in &model.fields {
            let role = self.role(id, &format!("{schema_name}.{}", f.name), f, f.slot(), &[]);
            fields.push(self.field(f, f.slot(), role));
        }
        let plain = value_fields(&fields).all(|f| f.ty().is_none_or(Ty::plain));
        let default =
            value_fields(&fields).all(|f| f.has.is_some() || f.ty().is_none_or(Ty::defaultable));
        let name = self.item_names.get(&id).cloned().unwrap_or_default();
        let union_enum = self.union_names.get(&id).cloned();
        self.structs.insert(
            id,
            Some(Struct {
                name,
                schema_name,
                capnp,
                fields,
                union_enum,
                plain,
                default,
            }),
        );
    }
}

fn custom_ty(custom: String, base: Ty) -> Ty {
    let bytes = matches!(
        custom.replace(' ', "").as_str(),
        "Vec<u8>" | "::std::vec::Vec<u8>" | "std::vec::Vec<u8>"
    );
    match base {
        Ty::Text if bytes => Ty::TextBytes,
        Ty::Data if bytes => Ty::DataVec,
        other => Ty::Custom {
            rust: custom,
            repr: Box::new(other),
        },
    }
}

/// A schema default as a Rust expression of the field's type (`None`: the type's zero).
fn default_literal(t: &Type, v: Value) -> Option<String> {
    Some(match (t, v) {
        (_, Value::Zero) => return None,
        (Type::Bool, Value::Bool(b)) => b.to_string(),
        (Type::Int { bits, signed }, Value::Int(x)) => {
            format!("{x}{}", int_suffix(*bits, *signed))
        }
        (Type::Int { bits, signed }, Value::UInt(x)) => {
            format!("{x}{}", int_suffix(*bits, *signed))
        }
        (Type::Float { bits }, Value::Float(x)) => {
            let ty = if *bits == 32 { "f32" } else { "f64" };
            if x.is_nan() {
                format!("{ty}::NAN")
            } else if x == f64::INFINITY {
                format!("{ty}::INFINITY")
            } else if x == f64::NEG_INFINITY {
                format!("{ty}::NEG_INFINITY")
            } else {
                format!("{x:?}{ty}")
            }
        }
        _ => return None,
    })
}

fn int_suffix(bits: u8, signed: bool) -> String {
    format!("{}{bits}", if signed { "i" } else { "u" })
}
