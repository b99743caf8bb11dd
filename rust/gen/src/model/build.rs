//! Builds the [`Schema`] from a `CodeGeneratorRequest`.

use std::collections::{BTreeSet, HashMap};

use capnp::schema_capnp::{brand, code_generator_request, field, node, type_, value};

use super::annotations::{self as ann, CONTEXT_ID, THREAD_MAP_ID};
use super::classify::{self, RawField};
use super::locate::{After, Source};
use super::types::{Layout, Slot, StructLayout, Type, Value};
use super::{
    Enum, File, Interface, Method, MethodKind, Node, NodeId, NodeKind, Problem, Schema, Struct,
};

/// ID of `proxy.capnp`, whose nodes the runtime provides.
pub(crate) const PROXY_FILE_ID: NodeId = 0xcc316e3f71a040fb;

/// Models the requested files of `request`. `source` returns the text of a schema file by the
/// name the compiler gives it (for line numbers in problems); `None` is fine. Schema problems
/// are collected in [`Schema::problems`]; `Err` only for a request that cannot be read.
pub fn build(
    request: code_generator_request::Reader<'_>,
    source: &dyn Fn(&str) -> Option<String>,
) -> Result<Schema, Vec<Problem>> {
    let mut b = Builder {
        raw: HashMap::new(),
        sources: HashMap::new(),
        source,
        schema: Schema::default(),
        problems: Vec::new(),
        pending: Vec::new(),
    };
    let bad = |e: capnp::Error| {
        vec![Problem {
            file: String::new(),
            line: None,
            message: format!("bad CodeGeneratorRequest: {e}"),
        }]
    };
    for n in request.get_nodes().map_err(bad)? {
        b.raw.insert(n.get_id(), n);
    }
    let ids: Vec<NodeId> = b.raw.keys().copied().collect();
    for id in ids {
        b.node(id);
    }
    for file in request.get_requested_files().map_err(bad)? {
        b.file(file);
    }
    b.drain_pending();
    b.model_unused_structs();
    b.problems.sort();
    b.problems.dedup();
    b.schema.problems = b.problems;
    Ok(b.schema)
}

struct Builder<'a, 's> {
    raw: HashMap<NodeId, node::Reader<'a>>,
    sources: HashMap<String, Option<String>>,
    source: &'s dyn Fn(&str) -> Option<String>,
    schema: Schema,
    problems: Vec<Problem>,
    /// Structs and enums referenced but not modelled yet.
    pending: Vec<NodeId>,
}

impl<'a> Builder<'a, '_> {
    fn problem(&mut self, node: NodeId, line: Option<u32>, message: String) {
        let file = self
            .schema
            .nodes
            .get(&node)
            .map(|n| self.file_path(n.file))
            .unwrap_or_default();
        let line = line.or_else(|| self.schema.nodes.get(&node).and_then(|n| n.line));
        self.problems.push(Problem {
            file,
            line,
            message,
        });
    }

    fn file_path(&self, file: NodeId) -> String {
        self.raw
            .get(&file)
            .map(|n| ann::display_name(*n))
            .unwrap_or_default()
    }

    /// Finds a declaration's line in file `file` at or after line `from`.
    fn line(&mut self, file: NodeId, name: &str, after: After, from: u32) -> Option<u32> {
        let path = self.file_path(file);
        let text = self
            .sources
            .entry(path.clone())
            .or_insert_with(|| (self.source)(&path));
        Source::new(text.as_deref()?).find(name, after, from)
    }

    fn node(&mut self, id: NodeId) {
        let n = self.raw[&id];
        let kind = match n.which() {
            Ok(node::File(())) => NodeKind::File,
            Ok(node::Struct(_)) => NodeKind::Struct,
            Ok(node::Interface(_)) => NodeKind::Interface,
            Ok(node::Enum(_)) => NodeKind::Enum,
            _ => NodeKind::Other,
        };
        let file_name = ann::file_name(n);
        if kind == NodeKind::File {
            self.schema.file_names.insert(id, file_name.clone());
            let namespace = n
                .get_annotations()
                .ok()
                .and_then(|a| ann::texts(a, ann::CXX_NAMESPACE).into_iter().next());
            if let Some(ns) = namespace {
                self.schema.cxx_namespaces.insert(id, ns);
            }
        }
        let file = self
            .raw
            .values()
            .find(|f| {
                matches!(f.which(), Ok(node::File(()))) && ann::display_name(**f) == file_name
            })
            .map_or(id, |f| f.get_id());
        let qualified = ann::qualified_name(n);
        let scope: Vec<String> = if qualified.is_empty() {
            Vec::new()
        } else {
            qualified.split('.').map(str::to_string).collect()
        };
        let generic_params = n
            .get_parameters()
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| p.get_name().ok()?.to_string().ok())
                    .collect()
            })
            .unwrap_or_default();
        let mut bad_names = Vec::new();
        let annotations = n
            .get_annotations()
            .map(|l| ann::read(l, |raw| bad_names.push(raw.to_string())))
            .unwrap_or_default();
        let line = match (kind, scope.last()) {
            (NodeKind::Struct | NodeKind::Interface | NodeKind::Enum, Some(last))
                if !last.contains('$') =>
            {
                self.line(file, last, After::Keyword, 1)
            }
            _ => None,
        };
        self.schema.nodes.insert(
            id,
            Node {
                id,
                kind,
                file,
                scope,
                annotations,
                generic_params,
                line,
            },
        );
        for raw in bad_names {
            self.problem(
                id,
                line,
                format!("$Proxy.name({raw:?}) is not an identifier"),
            );
        }
    }

    fn file(&mut self, file: code_generator_request::requested_file::Reader<'_>) {
        let id = file.get_id();
        let Some(n) = self.raw.get(&id).copied() else {
            return;
        };
        let annotations = n.get_annotations().ok();
        let imports = file
            .get_imports()
            .map(|l| {
                l.iter()
                    .filter_map(|i| Some((i.get_id(), i.get_name().ok()?.to_string().ok()?)))
                    .collect()
            })
            .unwrap_or_default();
        let mut model = File {
            id,
            path: ann::display_name(n),
            includes: annotations.map_or_else(Vec::new, |a| ann::texts(a, ann::INCLUDE)),
            include_types: annotations.map_or_else(Vec::new, |a| ann::texts(a, ann::INCLUDE_TYPES)),
            imports,
            interfaces: Vec::new(),
            structs: Vec::new(),
            top_structs: Vec::new(),
        };
        let mut order = Vec::new();
        self.nested(id, &mut order);
        for child in order {
            let node = &self.schema.nodes[&child];
            if node.kind == NodeKind::Struct && node.scope.len() == 1 {
                model.top_structs.push(child);
            }
            let wrapped = node.annotations.wrap.is_some();
            match node.kind {
                NodeKind::Interface if wrapped => {
                    self.interface(child);
                    model.interfaces.push(child);
                }
                NodeKind::Struct if wrapped => self.pending.push(child),
                _ => {}
            }
        }
        self.schema.files.push(model);
    }

    /// Nested nodes of `id` in declaration order, depth first.
    fn nested(&self, id: NodeId, out: &mut Vec<NodeId>) {
        let Some(n) = self.raw.get(&id) else { return };
        if let Ok(list) = n.get_nested_nodes() {
            for child in list.iter() {
                out.push(child.get_id());
                self.nested(child.get_id(), out);
            }
        }
    }

    fn interface(&mut self, id: NodeId) {
        if self.schema.interfaces.contains_key(&id) {
            return;
        }
        let Ok(node::Interface(iface)) = self.raw[&id].which() else {
            return;
        };
        // Placeholder first: a cycle through `extends` cannot happen in capnp, but a method
        // returning its own interface must not recurse.
        self.schema.interfaces.insert(
            id,
            Interface {
                id,
                extends: Vec::new(),
                methods: Vec::new(),
                callable: false,
            },
        );
        let extends: Vec<NodeId> = iface
            .get_superclasses()
            .map(|l| l.iter().map(|s| s.get_id()).collect())
            .unwrap_or_default();
        let mut methods = Vec::new();
        let mut seen = BTreeSet::new();
        for &s in &extends {
            if self.schema.nodes[&s].annotations.wrap.is_none() {
                self.problem(
                    id,
                    None,
                    format!(
                        "{}: extends {}, which has no $Proxy.wrap",
                        self.schema.nodes[&id].name(),
                        self.schema.nodes[&s].name()
                    ),
                );
            }
            self.inherited(s, &mut methods, &mut seen);
        }
        let own = self.own_methods(id);
        let callable = matches!(
            own.iter().filter(|m| m.kind != MethodKind::Destroy).collect::<Vec<_>>()[..],
            [m] if m.name == "call" && m.kind == MethodKind::Normal
        );
        methods.extend(own);
        self.schema.interfaces.insert(
            id,
            Interface {
                id,
                extends,
                methods,
                callable,
            },
        );
    }

    fn inherited(&mut self, id: NodeId, out: &mut Vec<Method>, seen: &mut BTreeSet<NodeId>) {
        if !seen.insert(id) {
            return;
        }
        if let Ok(node::Interface(iface)) = self.raw[&id].which() {
            let supers: Vec<NodeId> = iface
                .get_superclasses()
                .map(|l| l.iter().map(|s| s.get_id()).collect())
                .unwrap_or_default();
            for s in supers {
                self.inherited(s, out, seen);
            }
        }
        out.extend(self.own_methods(id));
        if self.schema.nodes[&id].annotations.wrap.is_some() {
            self.interface(id);
        }
    }

    fn own_methods(&mut self, id: NodeId) -> Vec<Method> {
        let Ok(node::Interface(iface)) = self.raw[&id].which() else {
            return Vec::new();
        };
        let file = self.schema.nodes[&id].file;
        let from = self.schema.nodes[&id].line.unwrap_or(1);
        let mut out = Vec::new();
        let Ok(list) = iface.get_methods() else {
            return out;
        };
        for (ordinal, m) in list.iter().enumerate() {
            let name = m
                .get_name()
                .ok()
                .and_then(|t| t.to_string().ok())
                .unwrap_or_default();
            let line = self.line(file, &name, After::Ordinal(ordinal as u16), from);
            let mut bad = Vec::new();
            let annotations = m
                .get_annotations()
                .map(|l| ann::read(l, |raw| bad.push(raw.to_string())))
                .unwrap_or_default();
            for raw in bad {
                self.problem(
                    id,
                    line,
                    format!("$Proxy.name({raw:?}) of method {name} is not an identifier"),
                );
            }
            let at = format!("{}.{name}", self.schema.nodes[&id].name());
            let params = self.raw_fields(m.get_param_struct_type(), &[], line);
            let results = self.raw_fields(m.get_result_struct_type(), &[], line);
            let fields = classify::method(&at, params, results, &mut |line, msg| {
                self.problem(id, line, msg)
            });
            let kind = match name.as_str() {
                "construct" => MethodKind::Construct,
                "destroy" => MethodKind::Destroy,
                _ => MethodKind::Normal,
            };
            out.push(Method {
                name,
                native_name: annotations.name,
                ordinal: ordinal as u16,
                interface: id,
                kind,
                params: m.get_param_struct_type(),
                results: m.get_result_struct_type(),
                fields,
                line,
            });
        }
        out
    }

    /// The fields of struct `id` in ordinal order, their types bound with `args` (the use
    /// site's generic arguments) and every struct, enum and interface they use queued.
    fn raw_fields(&mut self, id: NodeId, args: &[Type], from: Option<u32>) -> Vec<RawField> {
        let Some(n) = self.raw.get(&id).copied() else {
            return Vec::new();
        };
        let Ok(node::Struct(s)) = n.which() else {
            return Vec::new();
        };
        let file = self.schema.nodes[&id].file;
        let from = from.or(self.schema.nodes[&id].line).unwrap_or(1);
        let mut list: Vec<field::Reader<'a>> = s
            .get_fields()
            .map(|l| l.iter().collect())
            .unwrap_or_default();
        list.sort_by_key(|f| match f.get_ordinal().which() {
            Ok(field::ordinal::Explicit(v)) => v,
            _ => f.get_code_order(),
        });
        let mut out = Vec::new();
        for f in list {
            let name = f
                .get_name()
                .ok()
                .and_then(|t| t.to_string().ok())
                .unwrap_or_default();
            let ordinal = match f.get_ordinal().which() {
                Ok(field::ordinal::Explicit(v)) => Some(v),
                _ => None,
            };
            let line = match ordinal {
                // Params and results fields have implicit ordinals: `name :Type`.
                Some(o) if !self.schema.nodes[&id].scope.iter().any(|s| s.contains('$')) => {
                    self.line(file, &name, After::Ordinal(o), from)
                }
                _ => self.line(file, &name, After::Colon, from),
            };
            let mut bad = Vec::new();
            let annotations = f
                .get_annotations()
                .map(|l| ann::read(l, |raw| bad.push(raw.to_string())))
                .unwrap_or_default();
            for raw in bad {
                self.problem(
                    id,
                    line,
                    format!("$Proxy.name({raw:?}) of field {name} is not an identifier"),
                );
            }
            let union_member = (f.get_discriminant_value() != field::NO_DISCRIMINANT)
                .then(|| f.get_discriminant_value());
            let slot = match f.which() {
                Ok(field::Slot(slot)) => {
                    let Ok(t) = slot.get_type() else { continue };
                    let ty = self.ty(t, id, args);
                    let layout = match ty {
                        Type::Void => Layout::None,
                        _ if ty.is_pointer() => Layout::Pointer {
                            index: slot.get_offset(),
                        },
                        _ => Layout::Data {
                            offset: slot.get_offset(),
                        },
                    };
                    let default = slot
                        .get_default_value()
                        .ok()
                        .map_or(Value::Zero, default_value);
                    Slot {
                        ty,
                        layout,
                        default,
                        ordinal: ordinal.unwrap_or(f.get_code_order()),
                        union_member,
                    }
                }
                Ok(field::Group(_)) | Err(_) => {
                    self.problem(
                        id,
                        line,
                        format!("field `{name}`: groups are not supported"),
                    );
                    continue;
                }
            };
            let type_count = match &slot.ty {
                Type::Struct { id, .. } | Type::Interface(id) => {
                    self.schema.nodes.get(id).and_then(|n| n.annotations.count)
                }
                _ => None,
            };
            out.push(RawField {
                name,
                annotations,
                type_count,
                is_context: matches!(&slot.ty, Type::Struct { id, .. } if *id == CONTEXT_ID),
                is_thread_map: slot.ty == Type::Interface(THREAD_MAP_ID),
                slot,
                line,
            });
        }
        out
    }

    /// A schema type, generic parameters of scope `owner` replaced by `args`.
    fn ty(&mut self, t: type_::Reader<'_>, owner: NodeId, args: &[Type]) -> Type {
        use type_::Which as W;
        match t.which() {
            Ok(W::Void(())) => Type::Void,
            Ok(W::Bool(())) => Type::Bool,
            Ok(W::Int8(())) => Type::Int {
                bits: 8,
                signed: true,
            },
            Ok(W::Int16(())) => Type::Int {
                bits: 16,
                signed: true,
            },
            Ok(W::Int32(())) => Type::Int {
                bits: 32,
                signed: true,
            },
            Ok(W::Int64(())) => Type::Int {
                bits: 64,
                signed: true,
            },
            Ok(W::Uint8(())) => Type::Int {
                bits: 8,
                signed: false,
            },
            Ok(W::Uint16(())) => Type::Int {
                bits: 16,
                signed: false,
            },
            Ok(W::Uint32(())) => Type::Int {
                bits: 32,
                signed: false,
            },
            Ok(W::Uint64(())) => Type::Int {
                bits: 64,
                signed: false,
            },
            Ok(W::Float32(())) => Type::Float { bits: 32 },
            Ok(W::Float64(())) => Type::Float { bits: 64 },
            Ok(W::Text(())) => Type::Text,
            Ok(W::Data(())) => Type::Data,
            Ok(W::List(l)) => match l.get_element_type() {
                Ok(e) => Type::List(Box::new(self.ty(e, owner, args))),
                Err(_) => Type::AnyPointer,
            },
            Ok(W::Enum(e)) => {
                self.pending.push(e.get_type_id());
                Type::Enum(e.get_type_id())
            }
            Ok(W::Interface(i)) => {
                let id = i.get_type_id();
                if self
                    .schema
                    .nodes
                    .get(&id)
                    .is_some_and(|n| n.annotations.wrap.is_some())
                {
                    self.interface(id);
                }
                Type::Interface(id)
            }
            Ok(W::Struct(s)) => {
                let id = s.get_type_id();
                let bound = s
                    .get_brand()
                    .map(|b| self.brand_args(b, id, owner, args))
                    .unwrap_or_default();
                if id != CONTEXT_ID {
                    self.pending.push(id);
                }
                Type::Struct { id, args: bound }
            }
            Ok(W::AnyPointer(ap)) => match ap.which() {
                Ok(type_::any_pointer::Parameter(p)) if p.get_scope_id() == owner => {
                    let index = p.get_parameter_index();
                    if args.is_empty() {
                        Type::Param(index)
                    } else {
                        args.get(index as usize)
                            .cloned()
                            .unwrap_or(Type::AnyPointer)
                    }
                }
                _ => Type::AnyPointer,
            },
            Err(_) => Type::AnyPointer,
        }
    }

    /// The generic arguments a brand binds for struct `id` (unbound ones are `AnyPointer`).
    fn brand_args(
        &mut self,
        brand: brand::Reader<'_>,
        id: NodeId,
        owner: NodeId,
        outer: &[Type],
    ) -> Vec<Type> {
        let params = self
            .schema
            .nodes
            .get(&id)
            .map_or(0, |n| n.generic_params.len());
        let mut args = vec![Type::AnyPointer; params];
        let Ok(scopes) = brand.get_scopes() else {
            return Vec::new();
        };
        let mut any = false;
        for scope in scopes.iter().filter(|s| s.get_scope_id() == id) {
            if let Ok(brand::scope::Bind(binds)) = scope.which() {
                for (i, b) in binds.into_iter().flatten().enumerate() {
                    if let (Ok(brand::binding::Type(Ok(t))), Some(slot)) =
                        (b.which(), args.get_mut(i))
                    {
                        *slot = self.ty(t, owner, outer);
                        any = true;
                    }
                }
            }
        }
        if any {
            args
        } else {
            Vec::new()
        }
    }

    /// Models queued structs and enums (and whatever they use in turn).
    fn drain_pending(&mut self) {
        while let Some(id) = self.pending.pop() {
            match self.schema.nodes.get(&id).map(|n| n.kind) {
                Some(NodeKind::Struct) if !self.schema.structs.contains_key(&id) => {
                    self.structure(id)
                }
                Some(NodeKind::Enum) if !self.schema.enums.contains_key(&id) => {
                    self.enumeration(id)
                }
                _ => {}
            }
        }
        self.mark_cycles();
        let ids: Vec<NodeId> = self.schema.structs.keys().copied().collect();
        for id in ids {
            let file = self.schema.nodes[&id].file;
            let is_method_struct = self.schema.nodes[&id].scope.iter().any(|s| s.contains('$'));
            if let Some(f) = self.schema.files.iter_mut().find(|f| f.id == file) {
                if !is_method_struct {
                    f.structs.push(id);
                }
            }
        }
    }

    /// Models the top-level structs that no proxy uses (the C++ output describes them all).
    /// Their problems are dropped: no generated proxy reads or writes them.
    fn model_unused_structs(&mut self) {
        let reported = self.problems.len();
        let ids: Vec<NodeId> = self
            .schema
            .files
            .iter()
            .flat_map(|f| f.top_structs.iter().copied())
            .collect();
        for id in ids {
            if !self.schema.structs.contains_key(&id) {
                self.structure(id);
            }
        }
        self.problems.truncate(reported);
    }

    fn structure(&mut self, id: NodeId) {
        let Ok(node::Struct(s)) = self.raw[&id].which() else {
            return;
        };
        let layout = StructLayout {
            data_words: s.get_data_word_count(),
            pointers: s.get_pointer_count(),
            union_members: s.get_discriminant_count(),
            discriminant_offset: s.get_discriminant_offset(),
        };
        // Modelled with unbound parameters; use sites carry their arguments in `Type`.
        let raw = self.raw_fields(id, &[], None);
        let at = self.schema.nodes[&id].name();
        let fields = classify::structure(&at, raw, &mut |line, msg| self.problem(id, line, msg));
        self.schema.structs.insert(
            id,
            Struct {
                id,
                layout,
                fields,
                recursive: false,
            },
        );
    }

    fn enumeration(&mut self, id: NodeId) {
        let Ok(node::Enum(e)) = self.raw[&id].which() else {
            return;
        };
        let enumerants = e
            .get_enumerants()
            .map(|l| {
                l.iter()
                    .filter_map(|x| x.get_name().ok()?.to_string().ok())
                    .collect()
            })
            .unwrap_or_default();
        self.schema.enums.insert(id, Enum { id, enumerants });
    }

    /// Marks struct fields whose struct type leads back to the struct holding them.
    fn mark_cycles(&mut self) {
        let edges: HashMap<NodeId, Vec<NodeId>> = self
            .schema
            .structs
            .values()
            .map(|s| {
                let mut to = Vec::new();
                for f in &s.fields {
                    struct_ids(&f.slot().ty, &mut to);
                }
                (s.id, to)
            })
            .collect();
        let reaches = |from: NodeId, target: NodeId| {
            let mut stack = vec![from];
            let mut seen = BTreeSet::new();
            while let Some(n) = stack.pop() {
                if n == target {
                    return true;
                }
                if seen.insert(n) {
                    stack.extend(edges.get(&n).into_iter().flatten().copied());
                }
            }
            false
        };
        let ids: Vec<NodeId> = self.schema.structs.keys().copied().collect();
        for id in ids {
            let mut flags = Vec::new();
            for f in &self.schema.structs[&id].fields {
                let mut to = Vec::new();
                struct_ids(&f.slot().ty, &mut to);
                flags.push(to.iter().any(|&t| reaches(t, id)));
            }
            let s = self.schema.structs.get_mut(&id).expect("modelled");
            s.recursive = flags.iter().any(|&c| c);
            for (f, c) in s.fields.iter_mut().zip(flags) {
                f.cyclic = c;
            }
        }
    }
}

fn struct_ids(t: &Type, out: &mut Vec<NodeId>) {
    match t {
        Type::Struct { id, args } => {
            out.push(*id);
            for a in args {
                struct_ids(a, out);
            }
        }
        Type::List(e) => struct_ids(e, out),
        _ => {}
    }
}

fn default_value(v: value::Reader<'_>) -> Value {
    use value::Which as W;
    match v.which() {
        Ok(W::Bool(b)) if b => Value::Bool(true),
        Ok(W::Int8(x)) if x != 0 => Value::Int(x.into()),
        Ok(W::Int16(x)) if x != 0 => Value::Int(x.into()),
        Ok(W::Int32(x)) if x != 0 => Value::Int(x.into()),
        Ok(W::Int64(x)) if x != 0 => Value::Int(x),
        Ok(W::Uint8(x)) if x != 0 => Value::UInt(x.into()),
        Ok(W::Uint16(x)) if x != 0 => Value::UInt(x.into()),
        Ok(W::Uint32(x)) if x != 0 => Value::UInt(x.into()),
        Ok(W::Uint64(x)) if x != 0 => Value::UInt(x),
        Ok(W::Float32(x)) if x.to_bits() != 0 => Value::Float(x.into()),
        Ok(W::Float64(x)) if x.to_bits() != 0 => Value::Float(x),
        Ok(W::Enum(x)) if x != 0 => Value::Enum(x),
        _ => Value::Zero,
    }
}
