//! The Rust backend: per requested `x.capnp`, Rust proxies appended to capnpc's
//! `x_capnp.rs`, plus `mpgen_modules.rs`, which declares every generated module.

mod client;
mod fuzz;
mod interface;
mod names;
mod runtime;
mod server;
mod structs;
mod values;
mod view;
mod writer;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use capnp::schema_capnp::node;

use crate::model::{self, NodeId, NodeKind, Problem, Schema};
use interface::Shared;
use names::Namespace;
use view::Resolver;

/// What the Rust backend is told besides the model.
#[derive(Debug, Default, Clone)]
pub(crate) struct Options {
    /// Module path (below the crate root) where generated modules are included.
    pub(crate) parent_module: Vec<String>,
    /// Per field: `Interface.method.field` or `Struct.field` -> user Rust type.
    pub(crate) field_types: BTreeMap<String, String>,
    /// Per schema type: `Data`, `Common.Hash`, `List(Text)` -> user Rust type.
    pub(crate) type_mappings: BTreeMap<String, String>,
    /// Per `count(0)` struct type name -> path of a hook module (`outgoing`/`incoming`).
    pub(crate) implicit_hooks: BTreeMap<String, String>,
    /// Emit fuzz targets (`__mp_fuzz` per file; doc/fuzzing.md).
    pub(crate) fuzz: bool,
    /// Also write one `cargo fuzz` target file per interface into this directory, naming the
    /// generated modules through this crate path instead of `crate`.
    pub(crate) cargo_fuzz: Option<(PathBuf, String)>,
}

/// One generated text, relative to the output directory.
pub(crate) struct Output {
    pub(crate) path: PathBuf,
    pub(crate) text: String,
    /// Appended to capnpc's file of the same name (else written on its own).
    pub(crate) append: bool,
}

/// The name of the generated file that declares every module.
pub(crate) const MODULES_FILE: &str = "mpgen_modules.rs";

/// Runs the Rust backend over the model.
pub(crate) fn generate(
    schema: &Schema,
    message: &capnp::message::Reader<capnp::serialize::OwnedSegments>,
    options: &Options,
) -> Result<Vec<Output>, Vec<Problem>> {
    let internal = |e: capnp::Error| {
        vec![Problem {
            file: String::new(),
            line: None,
            message: format!("bad CodeGeneratorRequest: {e}"),
        }]
    };
    let ctx = capnpc::codegen::GeneratorContext::new(message).map_err(internal)?;
    let mut r = Resolver {
        schema,
        options,
        paths: HashMap::new(),
        file_paths: HashMap::new(),
        item_names: HashMap::new(),
        union_names: HashMap::new(),
        problems: Vec::new(),
        used_selectors: BTreeSet::new(),
        structs: BTreeMap::new(),
        location: String::new(),
    };
    for (&id, scope) in &ctx.scope_map {
        let mut parts = scope.clone();
        if parts.first().map(String::as_str) == Some("crate") {
            if schema.nodes.get(&id).map(|n| n.file) == Some(crate::PROXY_FILE_ID) {
                parts[0] = runtime::PROXY_CAPNP_CRATE.into();
            } else {
                parts.splice(1..1, options.parent_module.iter().cloned());
            }
        }
        r.paths.insert(id, parts.join("::"));
        if ctx
            .node_map
            .get(&id)
            .is_some_and(|n| matches!(n.which(), Ok(node::File(()))))
        {
            r.file_paths.insert(id, parts.join("::"));
        }
    }
    let helpers = name_items(&mut r);
    let mut outputs = Vec::new();
    let mut modules = writer::Writer::default();
    for file in &schema.files {
        let mut w = writer::Writer::default();
        let mut fuzz_views = Vec::new();
        for &id in &file.interfaces {
            let Some(view) = interface_view(&mut r, id, &helpers) else {
                continue;
            };
            let shared = shared_form(&r, id, &view);
            interface::interface(&mut w, &view, &shared);
            if options.fuzz {
                fuzz_views.push((ancestor_traits(&r, id), view));
            }
        }
        for &id in &file.structs {
            if schema.node(id).generic_params.is_empty() {
                r.struct_model(id);
            }
        }
        let ids: Vec<NodeId> = r
            .structs
            .keys()
            .copied()
            .filter(|id| schema.node(*id).file == file.id)
            .collect();
        for id in ids {
            if let Some(Some(s)) = r.structs.get(&id) {
                structs::structure(&mut w, s);
            }
        }
        let path = PathBuf::from(&file.path);
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .replace('-', "_");
        let targets: Vec<fuzz::Target<'_>> = fuzz_views
            .iter()
            .map(|(ancestors, view)| fuzz::Target {
                view,
                ancestors: ancestors.clone(),
            })
            .collect();
        fuzz::module(&mut w, &targets);
        if let (Some((dir, krate)), Some(module)) =
            (&options.cargo_fuzz, r.file_paths.get(&file.id))
        {
            let module = module.replacen("crate", krate, 1);
            for t in &targets {
                let (name, text) = fuzz::cargo_fuzz_target(&stem, &module, t);
                match writer::format(&text).map(|_| text) {
                    Ok(text) => outputs.push(Output {
                        path: dir.join(name),
                        text,
                        append: false,
                    }),
                    Err(e) => r.problems.push(Problem {
                        file: file.path.clone(),
                        line: None,
                        message: e,
                    }),
                }
            }
        }
        let out = path.with_file_name(format!("{stem}_capnp.rs"));
        match writer::format(&w.finish()) {
            Ok(text) => outputs.push(Output {
                path: out.clone(),
                text,
                append: true,
            }),
            Err(e) => r.problems.push(Problem {
                file: file.path.clone(),
                line: None,
                message: e,
            }),
        }
        modules.doc(format!("Generated from `{}`.", file.path));
        modules.line("#[allow(clippy::all, clippy::pedantic)]");
        modules.block(format!("pub mod {stem}_capnp"), |w| {
            w.line(format!(
                "include!(concat!(env!(\"OUT_DIR\"), \"/{}\"));",
                out.display()
            ))
        });
    }
    for sel in options.field_types.keys() {
        if !r.used_selectors.contains(sel) {
            r.problems.push(Problem {
                file: String::new(),
                line: None,
                message: format!("rust_type(\"{sel}\", ..): no field matches this selector"),
            });
        }
    }
    for name in options.type_mappings.keys() {
        if !r.used_selectors.contains(&format!("type {name}")) {
            r.problems.push(Problem {
                file: String::new(),
                line: None,
                message: format!("map_type(\"{name}\", ..): no field has this type"),
            });
        }
    }
    outputs.push(Output {
        path: PathBuf::from(MODULES_FILE),
        text: modules.finish(),
        append: false,
    });
    if r.problems.is_empty() {
        Ok(outputs)
    } else {
        let mut p = r.problems;
        p.sort();
        p.dedup();
        Err(p)
    }
}

/// Helper names decided per interface: client, server, hidden module, async forms.
#[derive(Default)]
struct Helpers {
    client: HashMap<NodeId, String>,
    server: HashMap<NodeId, String>,
    module: HashMap<NodeId, String>,
    exception_enum: HashMap<(NodeId, u16), String>,
}

/// Names every generated item of every file module by the collision rule (names.rs).
fn name_items(r: &mut Resolver<'_>) -> Helpers {
    let schema = r.schema;
    let mut helpers = Helpers::default();
    for file in &schema.files {
        let mut ns = Namespace::default();
        let mut problems = Vec::new();
        // capnpc's top-level enums are Rust types in the same module.
        for n in schema.nodes.values() {
            if n.file == file.id && n.kind == NodeKind::Enum && n.scope.len() == 1 {
                let _ = ns.claim(&n.scope[0], &format!("enum {}", n.name()));
            }
        }
        let structs: Vec<NodeId> = file
            .structs
            .iter()
            .copied()
            .filter(|id| schema.node(*id).generic_params.is_empty())
            .collect();
        let mut schema_items: Vec<(NodeId, String)> = Vec::new();
        for &id in &file.interfaces {
            schema_items.push((id, format!("interface {}", schema.node(id).name())));
        }
        for &id in &structs {
            schema_items.push((id, format!("struct {}", schema.node(id).name())));
        }
        for (id, owner) in &schema_items {
            let name = schema.node(*id).scope.concat();
            if let Err(other) = ns.claim(&name, owner) {
                problems.push((
                    *id,
                    format!("{owner} and {other} both become the Rust item `{name}`; rename one"),
                ));
            }
            r.item_names.insert(*id, name);
        }
        let mut helper =
            |ns: &mut Namespace, id: NodeId, base: &str, role: &str, what: &str| match ns.helper(
                base,
                role,
                &format!("{what} of {}", schema.node(id).name()),
            ) {
                Ok(n) => Some(n),
                Err((wanted, other)) => {
                    problems.push((
                        id,
                        format!(
                            "the {what} of {} (`{wanted}`) collides with {other}",
                            schema.node(id).name()
                        ),
                    ));
                    None
                }
            };
        for &id in &file.interfaces {
            let base = r.item_names[&id].clone();
            if let Some(n) = helper(&mut ns, id, &base, "Client", "client") {
                helpers.client.insert(id, n);
            }
            if let Some(n) = helper(&mut ns, id, &base, "Server", "server") {
                helpers.server.insert(id, n);
            }
            let module_base = format!("__mp_{}", names::snake(&base));
            if let Some(n) = helper(&mut ns, id, &module_base, "", "method table") {
                helpers.module.insert(id, n);
            }
            for m in &schema.interfaces[&id].methods {
                if m.interface == id && m.exceptions().count() > 1 {
                    let base = format!("{base}{}", names::camel(&m.name));
                    if let Some(n) = helper(&mut ns, id, &base, "Exception", "exception enum") {
                        helpers.exception_enum.insert((id, m.ordinal), n);
                    }
                }
            }
        }
        for &id in &structs {
            if schema
                .structs
                .get(&id)
                .is_some_and(|s| s.layout.union_members > 0)
            {
                let base = r.item_names[&id].clone();
                if let Some(n) = helper(&mut ns, id, &base, "Which", "union enum") {
                    r.union_names.insert(id, n);
                }
            }
        }
        for (id, message) in problems {
            r.problem(id, None, message);
        }
    }
    // Interfaces in files not given (their traits are not generated) still need names for
    // error messages; the missing-import check reports them.
    for &id in schema.interfaces.keys() {
        r.item_names
            .entry(id)
            .or_insert_with(|| schema.node(id).scope.concat());
    }
    helpers
}

fn interface_view(r: &mut Resolver<'_>, id: NodeId, helpers: &Helpers) -> Option<view::Interface> {
    let schema = r.schema;
    let model = &schema.interfaces[&id];
    let node = schema.node(id);
    let trait_path = r.item_path(id)?;
    let mut methods = Vec::new();
    // Trait methods keep their names; two in one trait that meet are an error.
    let mut per_trait: HashMap<NodeId, Namespace> = HashMap::new();
    let mut client_ns = Namespace::default();
    client_ns.claim("from_dyn", "the client's from_dyn").ok();
    let mut rust_names = Vec::new();
    for m in &model.methods {
        let base = m.native_name.as_deref().unwrap_or(&m.name);
        let rust_name = names::ident(base);
        let owner = format!("method {}.{}", schema.node(m.interface).name(), m.name);
        if m.kind == model::MethodKind::Normal {
            if let Err(other) = per_trait
                .entry(m.interface)
                .or_default()
                .claim(&rust_name, &owner)
            {
                r.problem(
                    m.interface,
                    m.line,
                    format!("{owner} and {other} both become the Rust method `{rust_name}`; rename one with $Proxy.name"),
                );
            }
            let _ = client_ns.claim(&rust_name, &owner);
        }
        rust_names.push((rust_name, names::snake(base), owner));
    }
    for (m, (rust_name, snake, owner)) in model.methods.iter().zip(rust_names) {
        let async_name = match client_ns.helper(&snake, "_async", &format!("async form of {owner}"))
        {
            Ok(n) => n,
            Err((wanted, other)) => {
                r.problem(
                    m.interface,
                    m.line,
                    format!("the async form of {owner} (`{wanted}`) collides with {other}"),
                );
                continue;
            }
        };
        let declaring = schema.node(m.interface);
        let selector = declaring.name();
        let (params, results) = r.method_fields(m.interface, &format!("{selector}.{}", m.name), m);
        for f in params.iter().filter(|f| f.in_out) {
            if f.ty().is_some_and(|t| !t.plain()) {
                r.problem(
                    m.interface,
                    m.line,
                    format!("{owner}: field `{}`: an in/out field must have a Clone type in Rust (no interfaces)", f.name),
                );
            }
        }
        for f in results.iter() {
            if let view::Role::Exception(t) = &f.role {
                if !t.plain() {
                    r.problem(
                        m.interface,
                        m.line,
                        format!("{owner}: field `{}`: a $Proxy.exception field must have a Clone type in Rust (no interfaces)", f.name),
                    );
                }
            }
        }
        // capnpc names anonymous params and results structs `<method>_params` (`_results`)
        // inside the interface's module; named ones keep their own path.
        let iface_path = r.paths.get(&m.interface).cloned().unwrap_or_default();
        let struct_path = |id: NodeId, suffix: &str| match r.paths.get(&id) {
            Some(p) if !schema.node(id).scope.iter().any(|s| s.contains('$')) => p.clone(),
            _ => format!("{iface_path}::{}_{suffix}", names::snake(&m.name)),
        };
        let params_path = struct_path(m.params, "params");
        let results_path = struct_path(m.results, "results");
        methods.push(view::Method {
            name: m.name.clone(),
            rust_name,
            async_name,
            ordinal: m.ordinal,
            interface_id: m.interface,
            interface_name: declaring.name(),
            trait_path: r.item_path(m.interface).unwrap_or_default(),
            params_path,
            results_path,
            params,
            results,
            kind: m.kind,
            exception_enum: helpers
                .exception_enum
                .get(&(m.interface, m.ordinal))
                .map(|e| {
                    let file = r
                        .file_paths
                        .get(&declaring.file)
                        .cloned()
                        .unwrap_or_default();
                    format!("{file}::{e}")
                }),
        });
    }
    Some(view::Interface {
        id,
        schema_name: node.name(),
        name: r.item_names[&id].clone(),
        client: helpers.client.get(&id)?.clone(),
        server: helpers.server.get(&id)?.clone(),
        module: helpers.module.get(&id)?.clone(),
        supers: model
            .extends
            .iter()
            .filter_map(|s| r.item_path(*s))
            .collect(),
        trait_path,
        methods,
        callable: model.callable,
    })
}

/// Trait paths of every ancestor of interface `id` (each once).
fn ancestor_traits(r: &Resolver<'_>, id: NodeId) -> Vec<String> {
    let mut stack: Vec<NodeId> = r.schema.interfaces[&id].extends.clone();
    let mut seen = BTreeSet::new();
    let mut paths = Vec::new();
    while let Some(a) = stack.pop() {
        if !seen.insert(a) {
            continue;
        }
        if let Some(model) = r.schema.interfaces.get(&a) {
            stack.extend(model.extends.iter().copied());
        }
        paths.extend(r.item_path(a));
    }
    paths
}

/// The `Arc` form: concrete when the interface or an ancestor is implemented by closures.
fn shared_form(r: &Resolver<'_>, id: NodeId, view: &view::Interface) -> Shared {
    let schema = r.schema;
    let mut ancestors = Vec::new();
    let mut stack: Vec<NodeId> = schema.interfaces[&id].extends.clone();
    let mut seen = BTreeSet::new();
    let mut any_callable = schema.interfaces[&id].callable;
    while let Some(a) = stack.pop() {
        if !seen.insert(a) {
            continue;
        }
        let Some(model) = schema.interfaces.get(&a) else {
            continue;
        };
        any_callable |= model.callable;
        stack.extend(model.extends.iter().copied());
        let indexes: Vec<usize> = view
            .methods
            .iter()
            .enumerate()
            .filter(|(_, m)| m.interface_id == a && !m.is_special())
            .map(|(i, _)| i)
            .collect();
        if let Some(path) = r.item_path(a) {
            ancestors.push((path, indexes));
        }
    }
    if any_callable {
        Shared::Concrete { ancestors }
    } else {
        Shared::Generic
    }
}
