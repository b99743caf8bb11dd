//! Writes the Rust proxies for each requested file.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use capnp::schema_capnp::node;

use crate::model::{Field, Interface, Method, Resolver, Role, Ty};
use crate::names;
use crate::schema;
use crate::{GenError, PROXY_FILE_ID};

/// Generated text per output file (relative to the output directory), to append to capnpc's.
pub(crate) fn generate(
    message: &capnp::message::Reader<capnp::serialize::OwnedSegments>,
    parent_module: &[String],
) -> Result<Vec<(PathBuf, String)>, GenError> {
    let err = |e: capnp::Error| GenError::one(format!("bad CodeGeneratorRequest: {e}"));
    let ctx = capnpc::codegen::GeneratorContext::new(message).map_err(err)?;
    let mut resolver = Resolver {
        nodes: ctx.node_map.clone(),
        paths: HashMap::new(),
        file_paths: HashMap::new(),
        problems: Vec::new(),
    };
    let file_of = |mut id: u64| {
        while let Some(n) = ctx.node_map.get(&id) {
            if n.get_scope_id() == 0 {
                break;
            }
            id = n.get_scope_id();
        }
        id
    };
    for (&id, scope) in &ctx.scope_map {
        let mut parts = scope.clone();
        if parts.first().map(String::as_str) == Some("crate") {
            if file_of(id) == PROXY_FILE_ID {
                parts[0] = "::mp".into();
            } else {
                parts.splice(1..1, parent_module.iter().cloned());
            }
        }
        resolver.paths.insert(id, parts.join("::"));
        if ctx
            .node_map
            .get(&id)
            .is_some_and(|n| matches!(n.which(), Ok(node::File(()))))
        {
            resolver.file_paths.insert(id, parts.join("::"));
        }
    }
    let mut outputs = Vec::new();
    for file in ctx.request.get_requested_files().map_err(err)? {
        let filename = file
            .get_filename()
            .map_err(err)?
            .to_string()
            .map_err(|e| GenError::one(e.to_string()))?;
        let mut interfaces = Vec::new();
        collect_wrapped(&ctx.node_map, file.get_id(), &mut interfaces);
        let mut text = String::new();
        for id in interfaces {
            if let Some(model) = resolver.interface(id) {
                text.push_str(&interface(&model));
            }
        }
        let stem = std::path::Path::new(&filename);
        let root = stem
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .replace('-', "_");
        let out = stem.with_file_name(format!("{root}_capnp.rs"));
        outputs.push((out, text));
    }
    if resolver.problems.is_empty() {
        Ok(outputs)
    } else {
        Err(GenError {
            problems: resolver.problems,
        })
    }
}

fn collect_wrapped(nodes: &HashMap<u64, node::Reader<'_>>, id: u64, out: &mut Vec<u64>) {
    let Some(n) = nodes.get(&id) else { return };
    if matches!(n.which(), Ok(node::Interface(_))) {
        if let Ok(a) = n.get_annotations() {
            if schema::find(a, schema::WRAP).is_some() {
                out.push(id);
            }
        }
    }
    if let Ok(nested) = n.get_nested_nodes() {
        for child in nested.iter() {
            collect_wrapped(nodes, child.get_id(), out);
        }
    }
}

const CAPNP: &str = "::mp::__private::capnp";

/// Generated code is not linted: its shape follows the schema, not a style.
const ALLOW: &str = "#[allow(clippy::all, clippy::pedantic, unused, non_upper_case_globals)]";

fn static_name(m: &Method) -> String {
    format!(
        "{}_{}",
        names::upper(&m.interface_name.replace('.', "")),
        names::upper(&m.name)
    )
}

fn tuple(items: &[String]) -> String {
    match items.len() {
        1 => items[0].clone(),
        _ => format!("({})", items.join(", ")),
    }
}

/// Statement writing `value` (an owned expression) into builder `__p`'s field.
fn encode(f: &Field, ty: &Ty, value: &str) -> String {
    let acc = f.accessor();
    match ty {
        Ty::Bool | Ty::Num(_) => format!("__p.reborrow().set_{acc}({value});"),
        Ty::Text => format!("__p.reborrow().set_{acc}({value}.as_str());"),
        Ty::Data => format!("__p.reborrow().set_{acc}(&{value}[..]);"),
        Ty::List(elem) => {
            let item = match **elem {
                Ty::Bool | Ty::Num(_) => "*__e",
                Ty::Text => "__e.as_str()",
                _ => "&__e[..]",
            };
            format!(
                "{{ let __v = &{value}; let mut __l = __p.reborrow().init_{acc}(::mp::server::list_len(__v.len())?); \
                 for (__i, __e) in __v.iter().enumerate() {{ __l.set(__i as u32, {item}); }} }}"
            )
        }
        Ty::Interface { trait_path } => format!(
            "if let ::std::option::Option::Some(__i) = {value} {{ __p.reborrow().set_{acc}({CAPNP}::capability::FromClientHook::new(\
             __ctx.export::<dyn {trait_path}>(::std::sync::Arc::from(__i)).hook)); }}"
        ),
    }
}

/// Expression reading a field from reader `__r`.
fn decode(f: &Field, ty: &Ty) -> String {
    let acc = f.accessor();
    match ty {
        Ty::Bool | Ty::Num(_) => format!("__r.get_{acc}()"),
        Ty::Text => format!("::mp::server::text(__r.get_{acc}()?)"),
        Ty::Data => format!("__r.get_{acc}()?.to_vec()"),
        Ty::List(elem) => {
            let item = match **elem {
                Ty::Bool | Ty::Num(_) => "::std::result::Result::<_, ::mp::Error>::Ok(__e)",
                Ty::Text => "__e.map(::mp::server::text).map_err(::mp::Error::from)",
                _ => "__e.map(|__d| __d.to_vec()).map_err(::mp::Error::from)",
            };
            format!("__r.get_{acc}()?.iter().map(|__e| {item}).collect::<::mp::Result<::std::vec::Vec<_>>>()?")
        }
        Ty::Interface { trait_path } => format!(
            "if __r.has_{acc}() {{ ::std::option::Option::Some(__ctx.import::<dyn {trait_path}>(__r.get_{acc}()?.client)) }} else {{ ::std::option::Option::None }}"
        ),
    }
}

fn value_type(outputs: &[&Field]) -> String {
    let types: Vec<String> = outputs
        .iter()
        .filter_map(|f| f.ty().map(Ty::rust))
        .collect();
    if types.is_empty() {
        "()".into()
    } else {
        tuple(&types)
    }
}

/// Trait method signature: inputs by value (in/out as `&mut`), outputs returned.
fn signature(m: &Method) -> String {
    let mut args = vec!["&self".to_string()];
    for f in m.inputs() {
        let ty = f.ty().map(Ty::rust).unwrap_or_default();
        if m.is_in_out(&f.name) {
            args.push(format!("{}: &mut {ty}", f.ident()));
        } else {
            args.push(format!("{}: {ty}", f.ident()));
        }
    }
    format!(
        "fn {}({}) -> ::mp::Result<{}>",
        m.rust_name(),
        args.join(", "),
        value_type(&m.outputs())
    )
}

/// `receiver.call(...)` for method `m`, as the body of a client function.
fn client_call(m: &Method, module: &str, receiver: &str) -> String {
    let mut s = String::new();
    let inputs: Vec<&Field> = m.inputs().collect();
    let in_outs: Vec<&Field> = inputs
        .iter()
        .copied()
        .filter(|f| m.is_in_out(&f.name))
        .collect();
    for f in &in_outs {
        let _ = writeln!(
            s,
            "let __in_{} = ::std::clone::Clone::clone(&*{});",
            f.accessor(),
            f.ident()
        );
    }
    let _ = writeln!(
        s,
        "let __reply = {receiver}.call(&{module}::{},",
        static_name(m)
    );
    let _ = writeln!(
        s,
        "    move |__ctx: &::mp::CallCtx, __params: {CAPNP}::any_pointer::Builder<'_>| -> ::mp::Result<()> {{"
    );
    let _ = writeln!(s, "        let _ = &__ctx;");
    let _ = writeln!(
        s,
        "        let mut __p = __params.init_as::<{}::Builder<'_>>();",
        m.params_path
    );
    for f in &m.params {
        let acc = f.accessor();
        let line = match &f.role {
            Role::Context => format!("__ctx.fill_context(__p.reborrow().init_{acc}())?;"),
            Role::ThreadMap => format!("__p.reborrow().set_{acc}(__ctx.export_thread_map());"),
            Role::Skip => continue,
            Role::Value(ty) if m.is_in_out(&f.name) => encode(f, ty, &format!("__in_{acc}")),
            Role::Value(ty) => encode(f, ty, &f.ident()),
        };
        let _ = writeln!(s, "        {line}");
    }
    let _ = writeln!(
        s,
        "        __ctx.log_data(\"send data\", &__p.reborrow_as_reader());"
    );
    let _ = writeln!(s, "        Ok(())\n    }},");
    let outputs = m.outputs();
    let out_names: Vec<String> = outputs
        .iter()
        .map(|f| format!("__out_{}", f.accessor()))
        .collect();
    let io_names: Vec<String> = in_outs
        .iter()
        .map(|f| format!("__out_{}", f.accessor()))
        .collect();
    let _ = writeln!(
        s,
        "    move |__ctx: &::mp::CallCtx, __results: {CAPNP}::any_pointer::Reader<'_>| -> ::mp::Result<_> {{"
    );
    let _ = writeln!(s, "        let _ = &__ctx;");
    let _ = writeln!(
        s,
        "        let __r = __results.get_as::<{}::Reader<'_>>()?;",
        m.results_path
    );
    let _ = writeln!(s, "        __ctx.log_data(\"recv data\", &__r);");
    for f in &m.results {
        let acc = f.accessor();
        match &f.role {
            Role::ThreadMap => {
                let _ = writeln!(
                    s,
                    "        if __r.has_{acc}() {{ __ctx.import_thread_map(__r.get_{acc}()?); }}"
                );
            }
            Role::Value(ty) => {
                let _ = writeln!(s, "        let __out_{acc} = {};", decode(f, ty));
            }
            _ => {}
        }
    }
    let _ = writeln!(
        s,
        "        Ok(({}, {}))",
        tuple_or_unit(&out_names),
        tuple_or_unit(&io_names)
    );
    let _ = writeln!(s, "    }})?;");
    let _ = writeln!(
        s,
        "let ({}, {}) = __reply;",
        tuple_or_unit(&out_names),
        tuple_or_unit(&io_names)
    );
    for f in &in_outs {
        let _ = writeln!(s, "*{} = __out_{};", f.ident(), f.accessor());
    }
    let _ = writeln!(s, "Ok({})", tuple_or_unit(&out_names));
    s
}

fn tuple_or_unit(items: &[String]) -> String {
    if items.is_empty() {
        "()".into()
    } else {
        tuple(items)
    }
}

/// The server function for method `m`.
fn server_method(m: &Method, module: &str, trait_name: &str) -> String {
    let mut s = String::new();
    let fname = format!(
        "__{}_{}",
        names::snake(&m.interface_name.replace('.', "")),
        names::snake(&m.name)
    );
    let _ = writeln!(
        s,
        "fn {fname}(&self, __call: ::mp::server::IncomingCall) -> {CAPNP}::capability::Promise<(), {CAPNP}::Error> {{"
    );
    if m.is_destroy() {
        let _ = writeln!(s, "    let __imp = self.imp.take();");
    } else if !m.is_construct() {
        let _ = writeln!(s, "    let __imp = match self.imp.get() {{ Ok(i) => i, Err(e) => return {CAPNP}::capability::Promise::err(e) }};");
    }
    let _ = writeln!(
        s,
        "    {CAPNP}::capability::Promise::from_future(async move {{"
    );
    let _ = writeln!(s, "        let ::mp::server::IncomingCall {{ params: __params, results: mut __results, ctx: __ctx, .. }} = __call;");
    let _ = writeln!(
        s,
        "        let __r = __params.get()?.get_as::<{}::Reader<'_>>()?;",
        m.params_path
    );
    let _ = writeln!(s, "        __ctx.log_data(\"request data\", &__r);");
    let ctx_field = m.params.iter().find(|f| matches!(f.role, Role::Context));
    match ctx_field {
        Some(f) => {
            let _ = writeln!(
                s,
                "        let __exec = Some(::mp::server::ExecContext::read(__r.get_{}()?)?);",
                f.accessor()
            );
        }
        None => {
            let _ = writeln!(s, "        let __exec = None;");
        }
    }
    for f in &m.params {
        let acc = f.accessor();
        match &f.role {
            Role::ThreadMap => {
                let _ = writeln!(
                    s,
                    "        if __r.has_{acc}() {{ __ctx.import_thread_map(__r.get_{acc}()?); }}"
                );
            }
            Role::Value(ty) => {
                let mutable = if m.is_in_out(&f.name) { "mut " } else { "" };
                let _ = writeln!(s, "        let {mutable}{} = {};", f.ident(), decode(f, ty));
            }
            _ => {}
        }
    }
    let outputs = m.outputs();
    let out_names: Vec<String> = outputs.iter().map(|f| f.ident()).collect();
    let io_names: Vec<String> = m
        .inputs()
        .filter(|f| m.is_in_out(&f.name))
        .map(Field::ident)
        .collect();
    let work = if m.is_destroy() {
        "drop(__imp); Ok(((), ()))".to_string()
    } else if m.is_construct() {
        "Ok(((), ()))".to_string()
    } else {
        let args: Vec<String> = m
            .inputs()
            .map(|f| {
                if m.is_in_out(&f.name) {
                    format!("&mut {}", f.ident())
                } else {
                    f.ident()
                }
            })
            .collect();
        format!(
            "let __ret = <dyn {trait_name}>::{}(&*__imp, {})?; Ok((__ret, {}))",
            m.rust_name(),
            args.join(", "),
            tuple_or_unit(&io_names)
        )
    };
    let _ = writeln!(
        s,
        "        let (__ret, {}) = ::mp::server::run(&__ctx, &{module}::{}, __exec, move || {{ {work} }}).await?;",
        tuple_or_unit(&io_names),
        static_name(m)
    );
    let _ = writeln!(s, "        let {} = __ret;", tuple_or_unit(&out_names));
    let _ = writeln!(
        s,
        "        let mut __p = __results.get().init_as::<{}::Builder<'_>>();",
        m.results_path
    );
    for f in &m.results {
        let acc = f.accessor();
        let line = match &f.role {
            Role::ThreadMap => format!("__p.reborrow().set_{acc}(__ctx.export_thread_map());"),
            Role::Value(ty) => encode(f, ty, &f.ident()),
            _ => continue,
        };
        let _ = writeln!(s, "        {line}");
    }
    let _ = writeln!(
        s,
        "        __ctx.log_data(\"response data\", &__p.reborrow_as_reader());\n        Ok(())\n    }})\n}}"
    );
    s
}

fn interface(model: &Interface) -> String {
    let name = &model.name;
    let module = format!("__mp_{}", names::snake(name));
    let mut s = String::new();
    // Method descriptions.
    let _ = writeln!(
        s,
        "#[doc(hidden)]\n#[allow(non_upper_case_globals, dead_code)]\npub mod {module} {{"
    );
    for m in &model.methods {
        let _ = writeln!(
            s,
            "    pub static {}: ::mp::MethodInfo = ::mp::MethodInfo {{ interface_id: {:#x}, method_id: {}, interface_name: {:?}, method_name: {:?} }};",
            static_name(m),
            m.interface_id,
            m.ordinal,
            m.interface_name,
            m.name
        );
    }
    for m in model
        .methods
        .iter()
        .filter(|m| m.is_construct() || m.is_destroy())
    {
        let _ = writeln!(
            s,
            "    pub fn {}(__client: &::mp::ProxyClient) -> ::mp::Result<()> {{",
            m.rust_name()
        );
        for line in client_call(
            m,
            &format!("self::{module}").replace("self::", "super::"),
            "__client",
        )
        .lines()
        {
            let _ = writeln!(s, "        {line}");
        }
        let _ = writeln!(s, "    }}");
    }
    let _ = writeln!(s, "}}\n");

    // The trait.
    let _ = writeln!(
        s,
        "/// Rust form of the `{}` interface. Methods not implemented return an `Unimplemented` error.",
        model.methods.first().map(|m| m.interface_name.as_str()).unwrap_or(name)
    );
    let _ = writeln!(s, "{ALLOW}\npub trait {name}: Send + Sync {{");
    for m in model
        .methods
        .iter()
        .filter(|m| !m.is_construct() && !m.is_destroy())
    {
        let unused: Vec<String> = m.inputs().map(Field::ident).collect();
        let _ = writeln!(
            s,
            "    /// `{}` (method @{} of `{}`).",
            m.name, m.ordinal, m.interface_name
        );
        let _ = writeln!(s, "    {} {{", signature(m));
        if !unused.is_empty() {
            let _ = writeln!(s, "        let _ = ({},);", unused.join(", "));
        }
        let _ = writeln!(
            s,
            "        Err(::mp::Error::new(::mp::ErrorKind::Unimplemented, \"{}.{} is not implemented\"))\n    }}",
            m.interface_name, m.name
        );
    }
    let _ = writeln!(s, "}}\n");

    // The client.
    let _ = writeln!(s, "/// Client proxy for `{name}`: calls the peer. Dropping the last clone calls `destroy` if the interface has it.");
    let _ = writeln!(s, "#[derive(Clone, Debug)]\npub struct {name}Client {{\n    /// The runtime handle to the peer's capability.\n    pub proxy: ::mp::ProxyClient,\n}}\n");
    let _ = writeln!(s, "{ALLOW}\nimpl {name} for {name}Client {{");
    for m in model
        .methods
        .iter()
        .filter(|m| !m.is_construct() && !m.is_destroy())
    {
        let _ = writeln!(s, "    {} {{", signature(m));
        for line in client_call(m, &module, "self.proxy").lines() {
            let _ = writeln!(s, "        {line}");
        }
        let _ = writeln!(s, "    }}");
    }
    let _ = writeln!(s, "}}\n");

    // The server.
    let _ = writeln!(
        s,
        "/// Server glue for `{name}`: dispatches incoming calls to an implementation."
    );
    let _ = writeln!(
        s,
        "pub struct {name}Server {{\n    imp: ::mp::server::ImplSlot<dyn {name}>,\n}}\n"
    );
    let _ = writeln!(s, "{ALLOW}\nimpl {name}Server {{");
    for m in &model.methods {
        for line in server_method(m, &module, name).lines() {
            let _ = writeln!(s, "    {line}");
        }
    }
    let _ = writeln!(s, "}}\n");
    let _ = writeln!(
        s,
        "{ALLOW}\nimpl ::mp::server::Dispatch for {name}Server {{"
    );
    let _ = writeln!(
        s,
        "    fn dispatch(&self, call: ::mp::server::IncomingCall) -> {CAPNP}::capability::Promise<(), {CAPNP}::Error> {{"
    );
    let _ = writeln!(s, "        match (call.interface_id, call.method_id) {{");
    for m in &model.methods {
        let fname = format!(
            "__{}_{}",
            names::snake(&m.interface_name.replace('.', "")),
            names::snake(&m.name)
        );
        let _ = writeln!(
            s,
            "            ({:#x}, {}) => self.{fname}(call),",
            m.interface_id, m.ordinal
        );
    }
    let _ = writeln!(
        s,
        "            (i, m) => ::mp::server::unimplemented(i, m),\n        }}\n    }}\n}}\n"
    );

    // The link to the runtime.
    let destroy = model.methods.iter().find(|m| m.is_destroy());
    let construct = model.methods.iter().find(|m| m.is_construct());
    let _ = writeln!(s, "{ALLOW}\nimpl ::mp::Interface for dyn {name} {{");
    match destroy {
        Some(_) => {
            let _ = writeln!(
                s,
                "    const DESTROY: Option<::mp::DestroyFn> = Some({module}::destroy);"
            );
        }
        None => {
            let _ = writeln!(s, "    const DESTROY: Option<::mp::DestroyFn> = None;");
        }
    }
    let _ = writeln!(
        s,
        "    fn make_server(imp: ::std::sync::Arc<Self>) -> ::std::boxed::Box<dyn ::mp::server::Dispatch> {{\n        \
         ::std::boxed::Box::new({name}Server {{ imp: ::mp::server::ImplSlot::new(imp) }})\n    }}"
    );
    let _ = writeln!(
        s,
        "    fn make_client(client: ::mp::ProxyClient) -> ::std::boxed::Box<Self> {{\n        ::std::boxed::Box::new({name}Client {{ proxy: client }})\n    }}"
    );
    if construct.is_some() {
        let _ = writeln!(s, "    fn construct(client: &::mp::ProxyClient) -> ::mp::Result<()> {{\n        {module}::construct(client)\n    }}");
    }
    let _ = writeln!(s, "}}\n");
    s
}
