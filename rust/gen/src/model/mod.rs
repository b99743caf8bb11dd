//! The language-neutral model of a set of `$Proxy`-annotated schemas.
//!
//! Everything a backend needs is decided here, once: which fields are inputs, outputs,
//! in/out, the return value, the `Context`, a thread map, a `hasX`/`wantX` companion, an
//! exception slot, skipped or implicit (`count(0)`), and each type's capnp layout and default
//! values. Backends (Rust and C++) only choose spellings in their language. Nothing in
//! this module names a Rust or C++ item.
//!
//! [`build`] reads a `CodeGeneratorRequest` into a [`Schema`]; validation runs while it
//! does and every problem is collected as a [`Problem`] with the schema file and line.

pub(crate) mod annotations;
mod build;
mod caps;
mod classify;
mod imports;
mod locate;
mod types;

pub use build::build;
pub use imports::{missing_imports, used_files};
pub use types::{Layout, Slot, StructLayout, Type, Value};

use std::collections::BTreeMap;

/// A capnp node ID (file, struct, interface, enum).
pub type NodeId = u64;

/// One schema problem, with the place it comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The schema file as the compiler names it (`a/b/x.capnp`).
    pub file: String,
    /// 1-based line in that file, when the declaration was found in its text.
    pub line: Option<u32>,
    /// `Interface.method: field `x`: what is wrong`.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Every `$Proxy` annotation that can sit on a node, method or field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyAnnotations {
    /// `$Proxy.wrap("ns::Class")`: the native C++ class.
    pub wrap: Option<String>,
    /// `$Proxy.count(n)`: native arguments one field stands for.
    pub count: Option<i32>,
    /// `$Proxy.skip`.
    pub skip: bool,
    /// `$Proxy.exception("Type")`: the native exception type of an exception slot.
    pub exception: Option<String>,
    /// `$Proxy.name("x")`, cleaned (see [`clean_native_name`]).
    pub name: Option<String>,
}

/// The `$Proxy.name` text as the C++ compiler effectively reads it: only the leading
/// identifier counts (`"foo;"` names `foo`, the way a stray `;` ends the declaration in the
/// generated C++). `None` when no identifier starts the text.
pub fn clean_native_name(raw: &str) -> Option<String> {
    let trimmed = raw.trim_start();
    let end = trimmed
        .char_indices()
        .find(|&(i, c)| !(c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map_or(trimmed.len(), |(i, _)| i);
    (end > 0).then(|| trimmed[..end].to_string())
}

/// The schemas given to the generator, modelled.
#[derive(Debug, Default)]
pub struct Schema {
    /// The files given to the generator, in the order given.
    pub files: Vec<File>,
    /// Every node reachable from them, by ID.
    pub nodes: BTreeMap<NodeId, Node>,
    /// Every `$Proxy.wrap` interface (and every interface one extends), by ID.
    pub interfaces: BTreeMap<NodeId, Interface>,
    /// Every struct that a proxy or a wrapped struct uses, and every wrapped struct.
    pub structs: BTreeMap<NodeId, Struct>,
    /// Every enum that a proxy or struct uses.
    pub enums: BTreeMap<NodeId, Enum>,
    /// The name of every file in the request (imported ones included), by ID.
    pub file_names: BTreeMap<NodeId, String>,
    /// The `$Cxx.namespace` (`a::b`) of every file in the request that has one, by file ID.
    pub cxx_namespaces: BTreeMap<NodeId, String>,
    /// Schema problems found while modelling (with file and line). Backends may still run,
    /// so that every problem is reported at once, but their output must not be used.
    pub problems: Vec<Problem>,
}

impl Schema {
    /// The node with this ID (every ID the model hands out resolves).
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[&id]
    }
}

/// One `.capnp` file given to the generator.
#[derive(Debug, Clone)]
pub struct File {
    /// Its ID.
    pub id: NodeId,
    /// Its name as the schema compiler reports it, after `--src-prefix` (`a/b/x.capnp`).
    pub path: String,
    /// `$Proxy.include` values, in order.
    pub includes: Vec<String>,
    /// `$Proxy.includeTypes` values, in order.
    pub include_types: Vec<String>,
    /// Files it imports: `(ID, import path as written)`.
    pub imports: Vec<(NodeId, String)>,
    /// Its `$Proxy.wrap` interfaces, in declaration order (nested ones included).
    pub interfaces: Vec<NodeId>,
    /// Its structs that get a native form: wrapped ones and those that proxies use.
    pub structs: Vec<NodeId>,
    /// All its top-level structs, in declaration order, each modelled in [`Schema::structs`]
    /// (the C++ output describes every one, used or not, as the original does; problems in
    /// structs no proxy uses are not reported).
    pub top_structs: Vec<NodeId>,
}

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A schema file.
    File,
    /// A struct (params and results structs included).
    Struct,
    /// An interface.
    Interface,
    /// An enum.
    Enum,
    /// A constant, annotation or other node with no native form.
    Other,
}

/// Names and place of a schema node.
#[derive(Debug, Clone)]
pub struct Node {
    /// Its ID.
    pub id: NodeId,
    /// What it is.
    pub kind: NodeKind,
    /// The file that declares it.
    pub file: NodeId,
    /// The scopes from the file down to it: `["Outer", "Inner"]` for `Outer.Inner`.
    pub scope: Vec<String>,
    /// Its `$Proxy` annotations.
    pub annotations: ProxyAnnotations,
    /// Its generic parameter names (`Pair(Key, Value)`: `["Key", "Value"]`).
    pub generic_params: Vec<String>,
    /// Line of its declaration in the file, when found.
    pub line: Option<u32>,
}

impl Node {
    /// The dotted name inside its file (`Outer.Inner`).
    pub fn name(&self) -> String {
        self.scope.join(".")
    }
}

/// A `$Proxy.wrap` interface.
#[derive(Debug, Clone)]
pub struct Interface {
    /// Its ID.
    pub id: NodeId,
    /// Direct superinterfaces, in declaration order.
    pub extends: Vec<NodeId>,
    /// All methods: those of superinterfaces first (recursively, each once), then its own.
    pub methods: Vec<Method>,
    /// Whether its own methods are exactly one method named `call` (a native callable, the
    /// original's `std::function` mapping), not counting `destroy`.
    pub callable: bool,
}

impl Interface {
    /// Its own methods (declared by it, not inherited).
    pub fn own_methods(&self) -> impl Iterator<Item = &Method> {
        self.methods.iter().filter(move |m| m.interface == self.id)
    }

    /// Whether it (or a superinterface) has `destroy`.
    pub fn has_destroy(&self) -> bool {
        self.methods.iter().any(|m| m.kind == MethodKind::Destroy)
    }
}

/// Special method names (wire-protocol.md section 6.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodKind {
    /// An ordinary method.
    Normal,
    /// `construct`: called by the runtime when a connection starts.
    Construct,
    /// `destroy`: called by the runtime when the client proxy is dropped.
    Destroy,
}

/// One method, with its params and results merged into one field list.
#[derive(Debug, Clone)]
pub struct Method {
    /// Schema name.
    pub name: String,
    /// `$Proxy.name` (native method name), cleaned.
    pub native_name: Option<String>,
    /// Ordinal within the declaring interface (the wire's method ID).
    pub ordinal: u16,
    /// The declaring interface (the wire's interface ID).
    pub interface: NodeId,
    /// Special meaning of its name.
    pub kind: MethodKind,
    /// Params struct node.
    pub params: NodeId,
    /// Results struct node.
    pub results: NodeId,
    /// Params fields in ordinal order, then results-only fields in ordinal order; a results
    /// field with the name of a params field is merged into it (in/out).
    pub fields: Vec<Field>,
    /// Line of its declaration, when found.
    pub line: Option<u32>,
}

impl Method {
    /// Fields with the given role test.
    pub fn fields_where(&self, test: impl Fn(&Field) -> bool) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(move |f| test(f))
    }

    /// The exception slots, in results order.
    pub fn exceptions(&self) -> impl Iterator<Item = &Field> {
        self.fields_where(|f| matches!(f.role, Role::Exception { .. }))
    }

    /// Whether the method has a `Context` param (the runtime picks a worker thread for it).
    pub fn has_context(&self) -> bool {
        self.fields.iter().any(|f| f.role == Role::Context)
    }
}

/// What a field is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// A value native code passes or receives (`count` native arguments, 1 unless
    /// `$Proxy.count` says more).
    Value {
        /// Native arguments it stands for.
        count: u32,
    },
    /// The results-only field named `result`: the native return value.
    Return,
    /// `Proxy.Context`: filled and consumed by the runtime.
    Context,
    /// `Proxy.ThreadMap`: exported when written, kept as the peer's map when read.
    ThreadMap,
    /// Another `count(0)` field: no native argument; application hooks fill and consume it.
    Implicit,
    /// A results field with `$Proxy.exception`: carries a raised native exception.
    Exception {
        /// The native exception type named by the annotation.
        native: String,
    },
    /// `hasX` or `wantX` for another field of the same struct or method.
    Companion {
        /// Which kind.
        kind: CompanionKind,
        /// The field it belongs to.
        of: String,
    },
    /// `$Proxy.skip` or a `Void` field: never written or read.
    Skipped,
}

/// Kind of a companion field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompanionKind {
    /// `hasX`: X is optional.
    Has,
    /// `wantX` (params only): the output X is requested.
    Want,
}

/// Which way a method field travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Params only.
    In,
    /// Results only.
    Out,
    /// In params and results under one name.
    InOut,
}

/// A field of a method (params and/or results) or of a struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// Schema name.
    pub name: String,
    /// `$Proxy.name` (native member or argument name), cleaned.
    pub native_name: Option<String>,
    /// What it is for.
    pub role: Role,
    /// Its slot in the params struct (or the struct itself, for struct fields).
    pub param: Option<Slot>,
    /// Its slot in the results struct (methods only).
    pub result: Option<Slot>,
    /// Name of its `hasX` companion: the value is optional.
    pub has: Option<String>,
    /// Type of the `hasX` companion, which the original accepts of any numeric type
    /// (non-zero means present; writers store 1).
    pub has_type: Option<Type>,
    /// Name of its params `wantX` companion: the output is requested by the caller.
    pub want: Option<String>,
    /// Its struct type leads back to the struct that holds it (a recursive struct), so a
    /// native form must hold it indirectly. Always false for method fields.
    pub cyclic: bool,
    /// Line of its declaration, when found.
    pub line: Option<u32>,
    /// `$Proxy.skip` is on it (on either half of an in/out field). Its role is then
    /// [`Role::Skipped`], which a `Void` field also has without the annotation.
    pub skip: bool,
}

impl Field {
    /// Which way it travels (struct fields are `In`).
    pub fn direction(&self) -> Direction {
        match (&self.param, &self.result) {
            (Some(_), Some(_)) => Direction::InOut,
            (None, Some(_)) => Direction::Out,
            _ => Direction::In,
        }
    }

    /// Whether native code sees it (as an argument, return value, member or error).
    pub fn is_visible(&self) -> bool {
        matches!(
            self.role,
            Role::Value { .. } | Role::Return | Role::Exception { .. }
        )
    }

    /// Whether it is a `Void` field.
    pub fn is_void(&self) -> bool {
        self.slot().ty == Type::Void
    }

    /// The slot native code reads for its type: params first.
    pub fn slot(&self) -> &Slot {
        self.param
            .as_ref()
            .or(self.result.as_ref())
            .expect("a field has a params or results slot")
    }
}

/// A struct with its layout and classified fields.
#[derive(Debug, Clone)]
pub struct Struct {
    /// Its ID.
    pub id: NodeId,
    /// Its section sizes and union.
    pub layout: StructLayout,
    /// Fields in ordinal order, classified like method fields (roles `Value`, `Companion`,
    /// `Skipped`, `Implicit`).
    pub fields: Vec<Field>,
    /// Whether a field's type refers back to this struct (directly or through others).
    pub recursive: bool,
}

/// An enum.
#[derive(Debug, Clone)]
pub struct Enum {
    /// Its ID.
    pub id: NodeId,
    /// Enumerant names in ordinal order.
    pub enumerants: Vec<String>,
}
