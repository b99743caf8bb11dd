//! Whether every schema node the requested files use is generated too. A struct, enum or
//! interface from an imported file that was not given to the generator has no generated
//! code, and the compiler would report each use separately; this names the missing file once.

use std::collections::BTreeMap;

use super::build::PROXY_FILE_ID;
use super::{NodeId, Problem, Schema, Type};

/// One problem per (file, imported file not given) pair.
pub fn missing_imports(schema: &Schema) -> Vec<Problem> {
    let given: Vec<NodeId> = schema.files.iter().map(|f| f.id).collect();
    // (using file, missing file) -> first user and its line.
    let mut missing: BTreeMap<(NodeId, NodeId), (String, Option<u32>)> = BTreeMap::new();
    let mut note = |user_file: NodeId, user: String, line: Option<u32>, used: NodeId| {
        let file = schema.node(used).file;
        if file != PROXY_FILE_ID && !given.contains(&file) {
            missing.entry((user_file, file)).or_insert((user, line));
        }
    };
    for iface in schema.interfaces.values() {
        let node = schema.node(iface.id);
        if !given.contains(&node.file) {
            continue;
        }
        for &s in &iface.extends {
            note(node.file, node.name(), node.line, s);
        }
        for m in iface.methods.iter().filter(|m| m.interface == iface.id) {
            for f in &m.fields {
                let mut used = Vec::new();
                for slot in f.param.iter().chain(f.result.iter()) {
                    referenced(&slot.ty, &mut used);
                }
                for u in used {
                    note(
                        node.file,
                        format!("{}.{}", node.name(), m.name),
                        f.line.or(m.line),
                        u,
                    );
                }
            }
        }
    }
    for s in schema.structs.values() {
        let node = schema.node(s.id);
        if !given.contains(&node.file) {
            continue;
        }
        for f in &s.fields {
            let mut used = Vec::new();
            referenced(&f.slot().ty, &mut used);
            for u in used {
                note(node.file, node.name(), f.line, u);
            }
        }
    }
    missing
        .into_iter()
        .map(|((user_file, file), (user, line))| {
            let missing_path = file_name(schema, file);
            Problem {
                file: file_name(schema, user_file),
                line,
                message: format!(
                    "{user} uses `{missing_path}`, which was not given to the generator: add it with Generator::file (imported files are generated too)"
                ),
            }
        })
        .collect()
}

fn file_name(schema: &Schema, file: NodeId) -> String {
    schema
        .files
        .iter()
        .find(|f| f.id == file)
        .map(|f| f.path.clone())
        .or_else(|| schema.file_names.get(&file).cloned())
        .unwrap_or_default()
}

fn referenced(t: &Type, out: &mut Vec<NodeId>) {
    match t {
        Type::List(e) => referenced(e, out),
        Type::Struct { id, args } => {
            out.push(*id);
            for a in args {
                referenced(a, out);
            }
        }
        Type::Enum(id) | Type::Interface(id) => out.push(*id),
        _ => {}
    }
}

/// The other files whose nodes `file`'s proxies and structs use (superinterfaces, field
/// types), `proxy.capnp` aside: the files whose generated code `file`'s generated code needs.
pub fn used_files(schema: &Schema, file: NodeId) -> std::collections::BTreeSet<NodeId> {
    let mut used = Vec::new();
    for iface in schema.interfaces.values() {
        if schema.node(iface.id).file != file {
            continue;
        }
        used.extend(iface.extends.iter().copied());
        for m in &iface.methods {
            used.push(m.interface);
            for f in &m.fields {
                for slot in f.param.iter().chain(f.result.iter()) {
                    referenced(&slot.ty, &mut used);
                }
            }
        }
    }
    for s in schema.structs.values() {
        if schema.node(s.id).file != file {
            continue;
        }
        for f in &s.fields {
            referenced(&f.slot().ty, &mut used);
        }
    }
    used.into_iter()
        .map(|id| schema.node(id).file)
        .filter(|&f| f != file && f != PROXY_FILE_ID)
        .collect()
}
