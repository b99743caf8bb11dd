//! The generator's model of `$Proxy.wrap` interfaces and the structs they use: each field
//! classified as the original classifies it (wire-protocol.md section 6), with a Rust type.

use std::collections::{BTreeMap, HashMap, HashSet};

use capnp::schema_capnp::{brand, field, node, type_};

use crate::names;
use crate::schema::{self, CONTEXT_ID, THREAD_MAP_ID};

/// A field's type as Rust code sees it.
#[derive(Debug, Clone)]
pub(crate) enum Ty {
    Bool,
    /// An integer or float: the Rust type name (`i32`, `f64`, ...).
    Num(&'static str),
    Text,
    /// `Text` kept as raw bytes (`rust_type(.., "Vec<u8>")` on a Text field): no UTF-8 check.
    TextBytes,
    Data,
    /// A capnp enum: capnpc's Rust enum.
    Enum {
        path: String,
    },
    /// A non-generic struct: our generated Rust struct (`rust`) over capnpc's module `capnp`.
    Struct {
        rust: String,
        plain: bool,
        default: bool,
    },
    /// A generic struct instance (`Pair(Text, Text)`): a tuple of its value fields.
    Tuple {
        fields: Vec<Field>,
    },
    List(Box<Ty>),
    /// A `$Proxy.wrap` interface: the path of its generated trait.
    Interface {
        trait_path: String,
    },
    /// A user type converted through `mp::Wire<repr>` (set with `Generator::rust_type`).
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
            Ty::Data | Ty::TextBytes => "::std::vec::Vec<u8>".into(),
            Ty::Enum { path } => path.clone(),
            Ty::Struct { rust, .. } => rust.clone(),
            Ty::Tuple { fields } => {
                let parts: Vec<String> = fields
                    .iter()
                    .filter_map(|f| f.value_ty().map(|_| f.rust_ty()))
                    .collect();
                format!("({},)", parts.join(", "))
            }
            Ty::List(e) => format!("::std::vec::Vec<{}>", e.rust()),
            Ty::Interface { trait_path } => {
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
            Ty::Tuple { fields } => fields.iter().all(|f| f.value_ty().is_none_or(Ty::plain)),
            Ty::List(e) => e.plain(),
            _ => true,
        }
    }

    /// Whether the Rust type is known to implement `Default`.
    pub(crate) fn defaultable(&self) -> bool {
        match self {
            Ty::Enum { .. } | Ty::Custom { .. } => false,
            Ty::Struct { default, .. } => *default,
            Ty::Tuple { fields } => fields
                .iter()
                .all(|f| f.value_ty().is_none_or(Ty::defaultable)),
            _ => true,
        }
    }

    /// Whether the Rust type can be `Clone` (user types must be, where cloning is needed).
    pub(crate) fn cloneable(&self) -> bool {
        match self {
            Ty::Interface { .. } => false,
            Ty::List(e) => e.cloneable(),
            Ty::Tuple { fields } => fields
                .iter()
                .all(|f| f.value_ty().is_none_or(Ty::cloneable)),
            Ty::Struct { plain, .. } => *plain,
            _ => true,
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

/// What a field is for.
#[derive(Debug, Clone)]
pub(crate) enum Role {
    /// `Proxy.Context`: filled and consumed by the runtime.
    Context,
    /// `Proxy.ThreadMap`: exported when written, kept as the peer's map when read.
    ThreadMap,
    /// A value the Rust code sees.
    Value(Ty),
    /// A results field carrying an error value (`$Proxy.exception`).
    Exception(Ty),
    /// Not visible to Rust code: `$Proxy.skip`, `count(0)`, `Void`, or a `hasX`/`wantX` companion.
    Skip,
}

#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// Schema name.
    pub(crate) name: String,
    /// capnpc accessor stem (`set_int` for `setInt`).
    pub(crate) accessor: String,
    /// Rust name (`$Proxy.name` for struct members, else the schema name in snake case).
    pub(crate) rust_name: String,
    pub(crate) role: Role,
    /// Accessor stem of the `hasX` companion: the Rust type is `Option<T>`.
    pub(crate) has: Option<String>,
    /// Accessor stem of the params `wantX` companion of a results field.
    pub(crate) want: Option<String>,
    /// The field's schema type is a generic parameter (capnpc uses `initn_` for its lists).
    pub(crate) generic_param: bool,
    /// The slot's offset: for a pointer field (`Context`, `ThreadMap`), its pointer index.
    pub(crate) offset: u32,
}

impl Field {
    pub(crate) fn value_ty(&self) -> Option<&Ty> {
        match &self.role {
            Role::Value(t) => Some(t),
            _ => None,
        }
    }

    /// The Rust type of the value, `Option` when a `hasX` companion exists.
    pub(crate) fn rust_ty(&self) -> String {
        let inner = match &self.role {
            Role::Value(t) | Role::Exception(t) => t.rust(),
            _ => "()".into(),
        };
        if self.has.is_some() {
            format!("::std::option::Option<{inner}>")
        } else {
            inner
        }
    }
}

#[derive(Debug)]
pub(crate) struct Method {
    pub(crate) name: String,
    pub(crate) ordinal: u16,
    pub(crate) interface_id: u64,
    pub(crate) interface_name: String,
    /// Path of the trait that declares the method.
    pub(crate) trait_path: String,
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
            .any(|r| r.name == name && r.value_ty().is_some())
            && self
                .params
                .iter()
                .any(|p| p.name == name && p.value_ty().is_some())
    }
    /// Native inputs in order: params with values (in/out ones included).
    pub(crate) fn inputs(&self) -> impl Iterator<Item = &Field> {
        self.params.iter().filter(|f| f.value_ty().is_some())
    }
    /// Results-only fields requested with `wantX`: `Option<&mut T>` arguments.
    pub(crate) fn wanted(&self) -> impl Iterator<Item = &Field> {
        self.results
            .iter()
            .filter(|f| f.want.is_some() && f.value_ty().is_some())
    }
    /// Returned values: `result` first, then other results-only value fields in order.
    pub(crate) fn outputs(&self) -> Vec<&Field> {
        let only: Vec<&Field> = self
            .results
            .iter()
            .filter(|f| f.value_ty().is_some() && f.want.is_none() && !self.is_in_out(&f.name))
            .collect();
        let mut out: Vec<&Field> = only
            .iter()
            .copied()
            .filter(|f| f.name == "result")
            .collect();
        out.extend(only.iter().copied().filter(|f| f.name != "result"));
        out
    }
    pub(crate) fn exception(&self) -> Option<&Field> {
        self.results
            .iter()
            .find(|f| matches!(f.role, Role::Exception(_)))
    }
    pub(crate) fn is_construct(&self) -> bool {
        self.name == "construct"
    }
    pub(crate) fn is_destroy(&self) -> bool {
        self.name == "destroy"
    }
    pub(crate) fn is_special(&self) -> bool {
        self.is_construct() || self.is_destroy()
    }
    pub(crate) fn rust_name(&self) -> String {
        names::ident(&self.name)
    }
}

#[derive(Debug)]
pub(crate) struct Interface {
    /// The interface's ID.
    pub(crate) id: u64,
    /// Trait name (`CalculatorInterface`).
    pub(crate) name: String,
    /// Paths of the traits of direct superinterfaces.
    pub(crate) supers: Vec<String>,
    /// Methods of all superinterfaces first, then its own.
    pub(crate) methods: Vec<Method>,
    /// Number of methods that are its own (the last ones in `methods`).
    pub(crate) own: usize,
}

/// A generated Rust struct for a capnp struct.
#[derive(Debug)]
pub(crate) struct Struct {
    pub(crate) name: String,
    pub(crate) capnp: String,
    pub(crate) fields: Vec<Field>,
    pub(crate) plain: bool,
    pub(crate) default: bool,
}

/// Resolves schema nodes to Rust paths and collects problems.
pub(crate) struct Resolver<'a> {
    pub(crate) nodes: HashMap<u64, node::Reader<'a>>,
    /// capnpc's module path of each node, adjusted for our crate layout.
    pub(crate) paths: HashMap<u64, String>,
    /// The module path of each file (for our generated items).
    pub(crate) file_paths: HashMap<u64, String>,
    pub(crate) problems: Vec<String>,
    /// `Generator::rust_type` overrides: selector -> Rust type.
    pub(crate) overrides: BTreeMap<String, String>,
    pub(crate) used_overrides: HashSet<String>,
    /// Structs to generate, by node ID (filled while interfaces are modelled).
    pub(crate) structs: BTreeMap<u64, Option<Struct>>,
}

/// Generic bindings in scope while resolving a generic struct's fields.
type Bindings<'a> = HashMap<(u64, u16), type_::Reader<'a>>;

impl<'a> Resolver<'a> {
    fn problem(&mut self, location: &str, text: impl std::fmt::Display) {
        self.problems.push(format!("{location}: {text}"));
    }

    /// Rust name of a generated item for a node (`Foo.Bar` -> `FooBar`).
    pub(crate) fn item_name(n: node::Reader<'_>) -> String {
        schema::short_name(n).replace('.', "")
    }

    pub(crate) fn file_of(&self, mut id: u64) -> u64 {
        while let Some(n) = self.nodes.get(&id) {
            if n.get_scope_id() == 0 {
                return id;
            }
            id = n.get_scope_id();
        }
        id
    }

    /// Path of our generated item for node `id` (trait or struct).
    pub(crate) fn item_path(&self, id: u64) -> Option<String> {
        let n = self.nodes.get(&id)?;
        let file = self.file_paths.get(&self.file_of(id))?;
        Some(format!("{file}::{}", Self::item_name(*n)))
    }

    fn wrapped(&self, id: u64) -> bool {
        self.nodes
            .get(&id)
            .and_then(|n| n.get_annotations().ok())
            .and_then(|a| schema::find(a, schema::WRAP))
            .is_some()
    }

    /// Classifies the fields of a struct node (params, results or a data struct).
    fn fields(
        &mut self,
        location: &str,
        selector: &str,
        struct_id: u64,
        bindings: &Bindings<'a>,
    ) -> Vec<Field> {
        let Some(n) = self.nodes.get(&struct_id).copied() else {
            self.problem(location, "struct missing from the request");
            return Vec::new();
        };
        let Ok(node::Struct(s)) = n.which() else {
            self.problem(location, "not a struct");
            return Vec::new();
        };
        let mut list: Vec<field::Reader<'a>> = s
            .get_fields()
            .map(|l| l.iter().collect())
            .unwrap_or_default();
        list.sort_by_key(|f| match f.get_ordinal().which() {
            Ok(field::ordinal::Explicit(v)) => v,
            _ => f.get_code_order(),
        });
        let all_names: Vec<String> = list
            .iter()
            .map(|f| {
                f.get_name()
                    .ok()
                    .and_then(|t| t.to_string().ok())
                    .unwrap_or_default()
            })
            .collect();
        let mut out = Vec::new();
        for f in list {
            let name = f
                .get_name()
                .ok()
                .and_then(|t| t.to_string().ok())
                .unwrap_or_default();
            let floc = format!("{location}: field `{name}`");
            let is_companion = ["has", "want"].iter().any(|p| {
                name.strip_prefix(p).is_some_and(|rest| {
                    all_names
                        .iter()
                        .any(|g| names::cap(g) == rest && *g != name)
                })
            });
            let annotations = f.get_annotations().ok();
            let rust_name = annotations
                .and_then(|a| schema::find(a, schema::NAME))
                .and_then(schema::text_value)
                .map(|n| names::ident(&n))
                .unwrap_or_else(|| names::ident(&name));
            let generic_param = matches!(
                f.which()
                    .ok()
                    .and_then(|w| match w {
                        field::Slot(s) => s.get_type().ok(),
                        _ => None,
                    })
                    .map(|t| t.which()),
                Some(Ok(type_::AnyPointer(_)))
            );
            let role = if is_companion {
                Role::Skip
            } else {
                self.field_role(&floc, &format!("{selector}.{name}"), f, bindings)
            };
            let offset = match f.which() {
                Ok(field::Slot(slot)) => slot.get_offset(),
                _ => 0,
            };
            out.push(Field {
                accessor: names::snake(&name),
                rust_name,
                name,
                role,
                has: None,
                want: None,
                generic_param,
                offset,
            });
        }
        // `hasX` companions make X optional (same struct).
        let snapshot: Vec<(String, String)> = out
            .iter()
            .map(|f| (f.name.clone(), f.accessor.clone()))
            .collect();
        for f in out.iter_mut() {
            let companion = format!("has{}", names::cap(&f.name));
            if let Some((_, acc)) = snapshot.iter().find(|(n, _)| *n == companion) {
                f.has = Some(acc.clone());
            }
        }
        out
    }

    fn field_role(
        &mut self,
        location: &str,
        selector: &str,
        f: field::Reader<'a>,
        bindings: &Bindings<'a>,
    ) -> Role {
        let Ok(annotations) = f.get_annotations() else {
            return Role::Skip;
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
                self.problem(location, "groups are not supported");
                return Role::Skip;
            }
            Err(e) => {
                self.problem(location, e);
                return Role::Skip;
            }
        };
        let ty = self.bind(ty, bindings);
        match ty.which() {
            Ok(type_::Struct(s)) if s.get_type_id() == CONTEXT_ID => return Role::Context,
            Ok(type_::Interface(i)) if i.get_type_id() == THREAD_MAP_ID => return Role::ThreadMap,
            Ok(type_::Void(())) => return Role::Skip,
            _ => {}
        }
        let count = schema::find(annotations, schema::COUNT)
            .and_then(schema::int_value)
            .or_else(|| self.type_count(ty));
        if count == Some(0) {
            // Implicit fields of other types are filled by application hooks in C++; Rust
            // code leaves them at their defaults.
            return Role::Skip;
        }
        let Some(mut rust) = self.ty(location, ty, bindings) else {
            return Role::Skip;
        };
        if let Some(custom) = self.overrides.get(selector).cloned() {
            self.used_overrides.insert(selector.to_string());
            let bytes = matches!(
                custom.replace(' ', "").as_str(),
                "Vec<u8>" | "::std::vec::Vec<u8>" | "std::vec::Vec<u8>"
            );
            rust = match rust {
                Ty::Text if bytes => Ty::TextBytes,
                other => Ty::Custom {
                    rust: custom,
                    repr: Box::new(other),
                },
            };
        }
        if schema::find(annotations, schema::EXCEPTION).is_some() {
            return Role::Exception(rust);
        }
        Role::Value(rust)
    }

    /// `$Proxy.count` placed on the field's struct or interface type.
    fn type_count(&self, ty: type_::Reader<'_>) -> Option<i64> {
        let id = match ty.which().ok()? {
            type_::Struct(s) => s.get_type_id(),
            type_::Interface(i) => i.get_type_id(),
            _ => return None,
        };
        schema::find(self.nodes.get(&id)?.get_annotations().ok()?, schema::COUNT)
            .and_then(schema::int_value)
    }

    /// Replaces a generic parameter with the type bound to it.
    fn bind(&self, ty: type_::Reader<'a>, bindings: &Bindings<'a>) -> type_::Reader<'a> {
        if let Ok(type_::AnyPointer(ap)) = ty.which() {
            if let Ok(type_::any_pointer::Parameter(p)) = ap.which() {
                if let Some(bound) = bindings.get(&(p.get_scope_id(), p.get_parameter_index())) {
                    return *bound;
                }
            }
        }
        ty
    }

    fn ty(&mut self, location: &str, t: type_::Reader<'a>, bindings: &Bindings<'a>) -> Option<Ty> {
        use type_::Which as W;
        let t = self.bind(t, bindings);
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
            W::List(l) => Ty::List(Box::new(self.ty(
                location,
                l.get_element_type().ok()?,
                bindings,
            )?)),
            W::Enum(e) => Ty::Enum {
                path: self.paths.get(&e.get_type_id()).cloned()?,
            },
            W::Interface(i) => {
                let id = i.get_type_id();
                if !self.wrapped(id) {
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
                    trait_path: self.item_path(id)?,
                }
            }
            W::Struct(s) => {
                let id = s.get_type_id();
                let brand = s.get_brand().ok()?;
                let local = self.brand_bindings(brand, bindings);
                if local.is_empty() {
                    self.struct_ty(location, id)?
                } else {
                    let name = self
                        .nodes
                        .get(&id)
                        .map(|n| schema::short_name(*n))
                        .unwrap_or_default();
                    let fields = self.fields(&format!("{location} ({name})"), &name, id, &local);
                    Ty::Tuple { fields }
                }
            }
            W::Void(()) => return None,
            W::AnyPointer(_) => {
                self.problem(location, "AnyPointer fields are not supported");
                return None;
            }
        })
    }

    fn brand_bindings(&self, brand: brand::Reader<'a>, outer: &Bindings<'a>) -> Bindings<'a> {
        let mut map = HashMap::new();
        let Ok(scopes) = brand.get_scopes() else {
            return map;
        };
        for scope in scopes.iter() {
            if let Ok(brand::scope::Bind(binds)) = scope.which() {
                for (i, b) in binds.into_iter().flatten().enumerate() {
                    if let Ok(brand::binding::Type(Ok(t))) = b.which() {
                        map.insert((scope.get_scope_id(), i as u16), self.bind(t, outer));
                    }
                }
            }
        }
        map
    }

    /// Models struct `id` for generation (wrapped structs are generated even when unused).
    pub(crate) fn struct_model(&mut self, location: &str, id: u64) -> Option<Ty> {
        self.struct_ty(location, id)
    }

    /// The generated Rust struct for struct node `id`, modelled on first use.
    fn struct_ty(&mut self, location: &str, id: u64) -> Option<Ty> {
        let capnp = self.paths.get(&id).cloned()?;
        let rust = self.item_path(id)?;
        if !self.structs.contains_key(&id) {
            self.structs.insert(id, None);
            let n = *self.nodes.get(&id)?;
            let name = Self::item_name(n);
            let loc = format!("{}: {}", schema::file_name(n), schema::short_name(n));
            let fields = self.fields(&loc, &schema::short_name(n), id, &HashMap::new());
            for f in &fields {
                if matches!(f.role, Role::Context | Role::ThreadMap | Role::Exception(_)) {
                    self.problem(
                        &format!("{loc}: field `{}`", f.name),
                        "not allowed in a struct",
                    );
                }
            }
            let plain = fields.iter().all(|f| f.value_ty().is_none_or(Ty::plain));
            let default = fields
                .iter()
                .all(|f| f.has.is_some() || f.value_ty().is_none_or(Ty::defaultable));
            self.structs.insert(
                id,
                Some(Struct {
                    name,
                    capnp: capnp.clone(),
                    fields,
                    plain,
                    default,
                }),
            );
        }
        let _ = location;
        // A struct that is still being modelled (recursive) is not plain.
        let model = self.structs.get(&id).and_then(|s| s.as_ref());
        let plain = model.is_some_and(|s| s.plain);
        let default = model.is_some_and(|s| s.default);
        Some(Ty::Struct {
            rust,
            plain,
            default,
        })
    }

    /// Builds the model of interface `id` (wrapped), or records why it cannot.
    pub(crate) fn interface(&mut self, id: u64) -> Option<Interface> {
        let n = *self.nodes.get(&id)?;
        let name = Self::item_name(n);
        let mut supers = Vec::new();
        if let Ok(node::Interface(iface)) = n.which() {
            if let Ok(list) = iface.get_superclasses() {
                for s in list.iter() {
                    if self.wrapped(s.get_id()) {
                        supers.extend(self.item_path(s.get_id()));
                    } else {
                        let loc = format!("{}: {}", schema::file_name(n), schema::short_name(n));
                        self.problem(&loc, "extends an interface without $Proxy.wrap");
                    }
                }
            }
        }
        let mut methods = Vec::new();
        let mut seen = HashSet::new();
        self.collect_methods(id, &mut methods, &mut seen);
        let own = methods.iter().filter(|m| m.interface_id == id).count();
        Some(Interface {
            id,
            name,
            supers,
            methods,
            own,
        })
    }

    fn collect_methods(&mut self, id: u64, methods: &mut Vec<Method>, seen: &mut HashSet<u64>) {
        if !seen.insert(id) {
            return;
        }
        let Some(n) = self.nodes.get(&id).copied() else {
            return;
        };
        let Ok(node::Interface(iface)) = n.which() else {
            return;
        };
        if let Ok(supers) = iface.get_superclasses() {
            for s in supers.iter() {
                self.collect_methods(s.get_id(), methods, seen);
            }
        }
        let interface_name = schema::qualified_name(n);
        let location = format!("{}: {}", schema::file_name(n), schema::short_name(n));
        let trait_path = self.item_path(id).unwrap_or_default();
        let iface_path = self.paths.get(&id).cloned().unwrap_or_default();
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
            let selector = format!("{}.{name}", schema::short_name(n));
            let params_path =
                self.struct_path(m.get_param_struct_type(), &iface_path, &name, "params");
            let results_path =
                self.struct_path(m.get_result_struct_type(), &iface_path, &name, "results");
            let mut params =
                self.fields(&mloc, &selector, m.get_param_struct_type(), &HashMap::new());
            let mut results = self.fields(
                &mloc,
                &selector,
                m.get_result_struct_type(),
                &HashMap::new(),
            );
            self.link_companions(&mloc, &mut params, &mut results);
            let method = Method {
                name,
                ordinal: ordinal as u16,
                interface_id: id,
                interface_name: interface_name.clone(),
                trait_path: trait_path.clone(),
                params_path,
                results_path,
                params,
                results,
            };
            self.check_method(&mloc, &method);
            methods.push(method);
        }
    }

    /// Companions across params and results: `hasX` in results for an in/out X, and `wantX`
    /// (params) for a results field X.
    fn link_companions(&mut self, location: &str, params: &mut [Field], results: &mut [Field]) {
        let param_names: Vec<(String, String)> = params
            .iter()
            .map(|f| (f.name.clone(), f.accessor.clone()))
            .collect();
        for r in results.iter_mut() {
            let want = format!("want{}", names::cap(&r.name));
            if let Some((_, acc)) = param_names.iter().find(|(n, _)| *n == want) {
                r.want = Some(acc.clone());
            }
        }
        // Companion fields named after a field of the other struct are skipped too.
        let result_names: Vec<String> = results.iter().map(|f| f.name.clone()).collect();
        for p in params.iter_mut() {
            let companion_of_result = ["has", "want"].iter().any(|pre| {
                p.name
                    .strip_prefix(pre)
                    .is_some_and(|rest| result_names.iter().any(|g| names::cap(g) == rest))
            });
            if companion_of_result {
                p.role = Role::Skip;
            }
        }
        let _ = location;
    }

    fn check_method(&mut self, location: &str, m: &Method) {
        if let Some(f) = m.results.iter().find(|f| matches!(f.role, Role::Context)) {
            self.problem(
                location,
                format!(
                    "field `{}`: Proxy.Context is only allowed in params",
                    f.name
                ),
            );
        }
        for f in m.params.iter().filter(|f| m.is_in_out(&f.name)) {
            if !f.value_ty().is_some_and(Ty::cloneable) {
                self.problem(
                    location,
                    format!(
                        "field `{}`: in/out fields of this type are not supported",
                        f.name
                    ),
                );
            }
        }
        for f in m
            .params
            .iter()
            .filter(|f| matches!(f.role, Role::Exception(_)))
        {
            self.problem(
                location,
                format!(
                    "field `{}`: $Proxy.exception belongs on a results field",
                    f.name
                ),
            );
        }
        for f in m.wanted() {
            if m.is_in_out(&f.name) {
                self.problem(
                    location,
                    format!("field `{}`: a wanted output cannot also be a param", f.name),
                );
            }
        }
        if let Some(Role::Exception(t)) = m.exception().map(|f| &f.role) {
            if !t.cloneable() {
                self.problem(
                    location,
                    "$Proxy.exception fields must have a plain (cloneable) type",
                );
            }
        }
    }

    /// capnpc's path of a params or results struct: anonymous ones are `<method>_params`
    /// (or `_results`) inside the interface's module.
    fn struct_path(&self, id: u64, iface_path: &str, method: &str, suffix: &str) -> String {
        match self.nodes.get(&id) {
            Some(n) if n.get_scope_id() != 0 => self.paths.get(&id).cloned().unwrap_or_default(),
            _ => format!("{iface_path}::{}_{suffix}", names::snake(method)),
        }
    }
}
