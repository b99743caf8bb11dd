//! Writes the Rust proxies for each requested file.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use capnp::schema_capnp::node;

use crate::model::{Field, Interface, Method, Resolver, Role, Struct, Ty};
use crate::names;
use crate::schema;
use crate::values::{decode_field, encode_field, has_value};
use crate::{GenError, PROXY_FILE_ID};

const CAPNP: &str = "::mp::private::capnp";

/// Generated code is not linted: its shape follows the schema, not a style.
const ALLOW: &str =
    "#[allow(clippy::all, clippy::pedantic, unused, non_upper_case_globals, non_snake_case)]";

/// Generated text per output file (relative to the output directory), to append to capnpc's.
pub(crate) fn generate(
    message: &capnp::message::Reader<capnp::serialize::OwnedSegments>,
    parent_module: &[String],
    overrides: &BTreeMap<String, String>,
) -> Result<Vec<(PathBuf, String)>, GenError> {
    let err = |e: capnp::Error| GenError::one(format!("bad CodeGeneratorRequest: {e}"));
    let ctx = capnpc::codegen::GeneratorContext::new(message).map_err(err)?;
    let mut resolver = Resolver {
        nodes: ctx.node_map.clone(),
        paths: HashMap::new(),
        file_paths: HashMap::new(),
        problems: Vec::new(),
        overrides: overrides.clone(),
        used_overrides: HashSet::new(),
        structs: BTreeMap::new(),
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
    let mut texts: BTreeMap<u64, (PathBuf, String)> = BTreeMap::new();
    for file in ctx.request.get_requested_files().map_err(err)? {
        let filename = file
            .get_filename()
            .map_err(err)?
            .to_string()
            .map_err(|e| GenError::one(e.to_string()))?;
        let path = std::path::Path::new(&filename);
        let root = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .replace('-', "_");
        let out = path.with_file_name(format!("{root}_capnp.rs"));
        let mut interfaces = Vec::new();
        let mut wrapped_structs = Vec::new();
        collect_wrapped(
            &ctx.node_map,
            file.get_id(),
            &mut interfaces,
            &mut wrapped_structs,
        );
        let mut text = String::new();
        for id in interfaces {
            if let Some(model) = resolver.interface(id) {
                text.push_str(&interface(&model));
            }
        }
        for id in wrapped_structs {
            let name = ctx
                .node_map
                .get(&id)
                .map(|n| schema::short_name(*n))
                .unwrap_or_default();
            resolver_struct(&mut resolver, id, &name);
        }
        texts.insert(file.get_id(), (out, text));
    }
    // Structs go into the file that defines them.
    let structs = std::mem::take(&mut resolver.structs);
    for (id, model) in structs {
        let Some(model) = model else { continue };
        let file = resolver.file_of(id);
        match texts.get_mut(&file) {
            Some((_, text)) => text.push_str(&structure(&model)),
            None => {
                let where_ = ctx
                    .node_map
                    .get(&id)
                    .map(|n| schema::file_name(*n))
                    .unwrap_or_default();
                resolver.problems.push(format!(
                    "{where_}: {}: this struct is used by a proxy, so its file must be given to the generator too",
                    model.name
                ));
            }
        }
    }
    for selector in overrides.keys() {
        if !resolver.used_overrides.contains(selector) {
            resolver.problems.push(format!(
                "rust_type(\"{selector}\", ..): no field matches this selector"
            ));
        }
    }
    if resolver.problems.is_empty() {
        Ok(texts.into_values().collect())
    } else {
        Err(GenError {
            problems: resolver.problems,
        })
    }
}

fn resolver_struct(resolver: &mut Resolver<'_>, id: u64, name: &str) {
    let location = format!("struct {name}");
    let _ = resolver.struct_model(&location, id);
}

fn collect_wrapped(
    nodes: &HashMap<u64, node::Reader<'_>>,
    id: u64,
    interfaces: &mut Vec<u64>,
    structs: &mut Vec<u64>,
) {
    let Some(n) = nodes.get(&id) else { return };
    let wrapped = n
        .get_annotations()
        .ok()
        .and_then(|a| schema::find(a, schema::WRAP))
        .is_some();
    match n.which() {
        Ok(node::Interface(_)) if wrapped => interfaces.push(id),
        Ok(node::Struct(s)) if wrapped && !s.get_is_group() && !n.get_is_generic() => {
            structs.push(id)
        }
        _ => {}
    }
    if let Ok(nested) = n.get_nested_nodes() {
        for child in nested.iter() {
            collect_wrapped(nodes, child.get_id(), interfaces, structs);
        }
    }
}

fn static_name(m: &Method) -> String {
    format!(
        "{}_{}",
        names::upper(&m.interface_name.replace('.', "")),
        names::upper(&m.name)
    )
}

fn server_fn_name(m: &Method) -> String {
    format!(
        "__{}_{}",
        names::snake(&m.interface_name.replace('.', "")),
        names::snake(&m.name)
    )
}

fn tuple(items: &[String]) -> String {
    match items.len() {
        0 => "()".into(),
        1 => items[0].clone(),
        _ => format!("({})", items.join(", ")),
    }
}

/// Trait method signature: inputs by value (in/out as `&mut`), wanted outputs as
/// `Option<&mut T>`, other outputs returned.
fn signature(m: &Method) -> String {
    let mut args = vec!["&self".to_string()];
    for f in m.inputs() {
        if m.is_in_out(&f.name) {
            args.push(format!("{}: &mut {}", f.rust_name, f.rust_ty()));
        } else {
            args.push(format!("{}: {}", f.rust_name, f.rust_ty()));
        }
    }
    for f in m.wanted() {
        args.push(format!(
            "{}: ::std::option::Option<&mut {}>",
            f.rust_name,
            f.rust_ty()
        ));
    }
    let outs: Vec<String> = m.outputs().iter().map(|f| f.rust_ty()).collect();
    format!(
        "fn {}({}) -> ::mp::Result<{}>",
        m.rust_name(),
        args.join(", "),
        tuple(&outs)
    )
}

fn exception_message(m: &Method, f: &Field) -> String {
    match &f.role {
        Role::Exception(Ty::Text) => "::std::clone::Clone::clone(&__exc)".into(),
        Role::Exception(t) if t.plain() => "::std::format!(\"{:?}\", __exc)".into(),
        _ => format!(
            "::std::string::String::from(\"{}.{} raised an exception\")",
            m.interface_name, m.name
        ),
    }
}

/// Body of a client function calling method `m` through `receiver` (a `ProxyClient`).
fn client_call(m: &Method, module: &str, receiver: &str) -> String {
    client_body(m, module, receiver, false)
}

/// Body of the async form: in/out values are taken by value and returned after the outputs,
/// wanted outputs are requested with `want_x: bool` and returned as `Option`s.
fn client_call_async(m: &Method, module: &str) -> String {
    client_body(m, module, "self.proxy", true)
}

fn client_body(m: &Method, module: &str, receiver: &str, is_async: bool) -> String {
    let mut s = String::new();
    let in_outs: Vec<&Field> = m.inputs().filter(|f| m.is_in_out(&f.name)).collect();
    for f in &in_outs {
        if is_async {
            let _ = writeln!(s, "let __in_{} = {};", f.accessor, f.rust_name);
        } else {
            let _ = writeln!(
                s,
                "let __in_{} = ::std::clone::Clone::clone(&*{});",
                f.accessor, f.rust_name
            );
        }
    }
    for f in m.wanted() {
        if is_async {
            let _ = writeln!(s, "let __want_{} = want_{};", f.accessor, f.accessor);
        } else {
            let _ = writeln!(s, "let __want_{} = {}.is_some();", f.accessor, f.rust_name);
        }
    }
    let call = if is_async { "call_async" } else { "call" };
    let _ = writeln!(
        s,
        "let __reply = {receiver}.{call}(&{module}::{},",
        static_name(m)
    );
    let _ = writeln!(s, "    move |__ctx: &::mp::private::CallCtx, __params: {CAPNP}::any_pointer::Builder<'_>| -> ::mp::Result<()> {{");
    let _ = writeln!(
        s,
        "        let mut __p = __params.init_as::<{}::Builder<'_>>();",
        m.params_path
    );
    for f in &m.params {
        let acc = &f.accessor;
        // The runtime fills `Context` and `ThreadMap` fields itself (`MethodDesc`).
        let line = match &f.role {
            Role::Value(_) if m.is_in_out(&f.name) => {
                encode_field(f, &format!("__in_{acc}"), "__p", 0)
            }
            Role::Value(_) => encode_field(f, &f.rust_name, "__p", 0),
            _ => continue,
        };
        let _ = writeln!(s, "        {line}");
    }
    for f in m.wanted() {
        let _ = writeln!(
            s,
            "        __p.reborrow().set_{}(__want_{});",
            f.want.as_deref().unwrap_or_default(),
            f.accessor
        );
    }
    let _ = writeln!(s, "        Ok(())\n    }},");
    let outputs = m.outputs();
    let out_names: Vec<String> = outputs
        .iter()
        .map(|f| format!("__out_{}", f.accessor))
        .collect();
    let io_names: Vec<String> = in_outs
        .iter()
        .map(|f| format!("__out_{}", f.accessor))
        .collect();
    let want_names: Vec<String> = m
        .wanted()
        .map(|f| format!("__out_{}", f.accessor))
        .collect();
    let _ = writeln!(s, "    move |__ctx: &::mp::private::CallCtx, __results: {CAPNP}::any_pointer::Reader<'_>| -> ::mp::Result<_> {{");
    let _ = writeln!(
        s,
        "        let __r = __results.get_as::<{}::Reader<'_>>()?;",
        m.results_path
    );
    if let Some(exc) = m.exception() {
        let _ = writeln!(
            s,
            "        if {} {{ let __exc = {}; let __msg = {}; return Err(::mp::Error::raised(__exc, __msg)); }}",
            has_value(exc, "__r"),
            decode_field(exc, "__r", 0),
            exception_message(m, exc)
        );
    }
    for f in &m.results {
        let acc = &f.accessor;
        match &f.role {
            Role::Value(_) if f.want.is_some() => {
                let _ = writeln!(
                    s,
                    "        let __out_{acc} = if __want_{acc} {{ ::std::option::Option::Some({}) }} else {{ ::std::option::Option::None }};",
                    decode_field(f, "__r", 0)
                );
            }
            Role::Value(_) => {
                let _ = writeln!(
                    s,
                    "        let __out_{acc} = {};",
                    decode_field(f, "__r", 0)
                );
            }
            _ => {}
        }
    }
    let _ = writeln!(
        s,
        "        Ok(({}, {}, {}))",
        tuple(&out_names),
        tuple(&io_names),
        tuple(&want_names)
    );
    if is_async {
        let _ = writeln!(s, "    }});");
        let mut all = out_names.clone();
        all.extend(io_names.iter().cloned());
        all.extend(want_names.iter().cloned());
        let _ = writeln!(
            s,
            "async move {{\n    let ({}, {}, {}) = __reply.await?;\n    Ok({})\n}}",
            tuple(&out_names),
            tuple(&io_names),
            tuple(&want_names),
            tuple(&all)
        );
        return s;
    }
    let _ = writeln!(s, "    }})?;");
    let _ = writeln!(
        s,
        "let ({}, {}, {}) = __reply;",
        tuple(&out_names),
        tuple(&io_names),
        tuple(&want_names)
    );
    for f in &in_outs {
        let _ = writeln!(s, "*{} = __out_{};", f.rust_name, f.accessor);
    }
    for f in m.wanted() {
        let _ = writeln!(
            s,
            "if let (::std::option::Option::Some(__dst), ::std::option::Option::Some(__v)) = ({}, __out_{}) {{ *__dst = __v; }}",
            f.rust_name, f.accessor
        );
    }
    let _ = writeln!(s, "Ok({})", tuple(&out_names));
    s
}

/// Signature of the async form of a method (see `client_call_async`).
fn async_signature(m: &Method) -> String {
    let mut args = vec!["&self".to_string()];
    for f in m.inputs() {
        args.push(format!("{}: {}", f.rust_name, f.rust_ty()));
    }
    for f in m.wanted() {
        args.push(format!("want_{}: bool", f.accessor));
    }
    let mut outs: Vec<String> = m.outputs().iter().map(|f| f.rust_ty()).collect();
    outs.extend(
        m.inputs()
            .filter(|f| m.is_in_out(&f.name))
            .map(Field::rust_ty),
    );
    outs.extend(
        m.wanted()
            .map(|f| format!("::std::option::Option<{}>", f.rust_ty())),
    );
    format!(
        "pub fn {}_async({}) -> impl ::std::future::Future<Output = ::mp::Result<{}>> + Send + 'static",
        names::snake(&m.name),
        args.join(", "),
        tuple(&outs)
    )
}

/// The server function for method `m` of interface `iface` (trait name).
fn server_method(m: &Method, iface: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "fn {}(&self, __call: ::mp::private::IncomingCall<'_>) -> ::mp::Result<()> {{",
        server_fn_name(m)
    );
    // The runtime has chosen the thread and handled `Context` and `ThreadMap` fields; this
    // only decodes, invokes and encodes.
    let _ = writeln!(s, "    {{");
    let _ = writeln!(s, "        let ::mp::private::IncomingCall {{ params: __params, results: __results, ctx: __ctx, .. }} = __call;");
    if m.is_destroy() {
        let _ = writeln!(s, "        let __imp = self.imp.take();");
    } else if !m.is_construct() {
        let _ = writeln!(s, "        let __imp = self.imp.get()?;");
    }
    let _ = writeln!(
        s,
        "        let __r = __params.get_as::<{}::Reader<'_>>()?;",
        m.params_path
    );
    for f in &m.params {
        if let Role::Value(_) = &f.role {
            let mutable = if m.is_in_out(&f.name) { "mut " } else { "" };
            let _ = writeln!(
                s,
                "        let {mutable}{} = {};",
                f.rust_name,
                decode_field(f, "__r", 0)
            );
        }
    }
    for f in m.wanted() {
        let _ = writeln!(
            s,
            "        let mut __slot_{} = if __r.get_{}() {{ ::std::option::Option::Some(::std::default::Default::default()) }} else {{ ::std::option::Option::None }};",
            f.accessor,
            f.want.as_deref().unwrap_or_default()
        );
    }
    let io_names: Vec<String> = m
        .inputs()
        .filter(|f| m.is_in_out(&f.name))
        .map(|f| f.rust_name.clone())
        .collect();
    let slot_names: Vec<String> = m
        .wanted()
        .map(|f| format!("__slot_{}", f.accessor))
        .collect();
    let exc = m.exception();
    let work = if m.is_destroy() {
        "drop(__imp); Ok(((), (), (), ()))".to_string()
    } else if m.is_construct() {
        "Ok(((), (), (), ()))".to_string()
    } else {
        let mut args: Vec<String> = m
            .inputs()
            .map(|f| {
                if m.is_in_out(&f.name) {
                    format!("&mut {}", f.rust_name)
                } else {
                    f.rust_name.clone()
                }
            })
            .collect();
        args.extend(slot_names.iter().map(|n| format!("{n}.as_mut()")));
        let call = format!(
            "<dyn {iface} as {}>::{}(&*__imp, {})",
            m.trait_path,
            m.rust_name(),
            args.join(", ")
        );
        let rest = format!("{}, {}", tuple(&io_names), tuple(&slot_names));
        match exc {
            Some(f) => format!(
                "match {call} {{ Ok(__ret) => Ok((::std::option::Option::Some(__ret), {rest}, ::std::option::Option::None)), \
                 Err(__e) => match __e.payload::<{}>() {{ ::std::option::Option::Some(__v) => Ok((::std::option::Option::None, {rest}, ::std::option::Option::Some(__v))), \
                 ::std::option::Option::None => Err(__e) }} }}",
                match &f.role {
                    Role::Exception(t) => t.rust(),
                    _ => "()".into(),
                }
            ),
            None => format!("let __ret = {call}?; Ok((__ret, {rest}, ()))"),
        }
    };
    let _ = writeln!(
        s,
        "        let (__ret, {}, {}, __exc) = (move || -> ::mp::Result<_> {{ {work} }})()?;",
        tuple(&io_names),
        tuple(&slot_names)
    );
    let _ = writeln!(
        s,
        "        let mut __p = __results.init_as::<{}::Builder<'_>>();",
        m.results_path
    );
    let out_names: Vec<String> = m
        .outputs()
        .iter()
        .map(|f| format!("__out_{}", f.accessor))
        .collect();
    if let Some(f) = exc {
        let _ = writeln!(
            s,
            "        if let ::std::option::Option::Some(__e) = __exc {{ {} }} else {{",
            encode_field(f, "__e", "__p", 0)
        );
        let _ = writeln!(s, "        let __ret = match __ret {{ ::std::option::Option::Some(v) => v, ::std::option::Option::None => return Err(::mp::Error::failed(\"no result\")) }};");
    } else {
        let _ = writeln!(s, "        {{ let _: () = __exc;");
    }
    let _ = writeln!(s, "        let {} = __ret;", tuple(&out_names));
    for f in &m.results {
        let acc = &f.accessor;
        let line = match &f.role {
            Role::Value(_) if m.is_in_out(&f.name) => encode_field(f, &f.rust_name, "__p", 0),
            Role::Value(_) if f.want.is_some() => {
                format!(
                    "if let ::std::option::Option::Some(__v) = __slot_{acc} {{ {} }}",
                    encode_field(f, "__v", "__p", 0)
                )
            }
            Role::Value(_) => encode_field(f, &format!("__out_{acc}"), "__p", 0),
            _ => continue,
        };
        let _ = writeln!(s, "        {line}");
    }
    let _ = writeln!(s, "        }}");
    let _ = writeln!(s, "        Ok(())\n    }}\n}}");
    s
}

fn interface(model: &Interface) -> String {
    let name = &model.name;
    let module = format!("__mp_{}", names::snake(name));
    let mut s = String::new();
    // Method and interface descriptions: all the runtime needs to call and serve them.
    let _ = writeln!(s, "#[doc(hidden)]\n{ALLOW}\npub mod {module} {{");
    for m in &model.methods {
        let pointer =
            |fields: &[Field], pick: fn(&Role) -> bool| match fields.iter().find(|f| pick(&f.role))
            {
                Some(f) => format!("::std::option::Option::Some({})", f.offset),
                None => "::std::option::Option::None".to_string(),
            };
        let _ = writeln!(
            s,
            "    pub static {}: ::mp::private::MethodDesc = ::mp::private::MethodDesc {{ interface_id: {:#x}, interface_name: {:?}, id: {}, name: {:?}, \
             context: {}, thread_map_param: {}, thread_map_result: {}, \
             params_text: ::std::option::Option::Some(::mp::private::text_of::<{}::Owned>), results_text: ::std::option::Option::Some(::mp::private::text_of::<{}::Owned>) }};",
            static_name(m),
            m.interface_id,
            m.interface_name,
            m.ordinal,
            m.name,
            pointer(&m.params, |r| matches!(r, Role::Context)),
            pointer(&m.params, |r| matches!(r, Role::ThreadMap)),
            pointer(&m.results, |r| matches!(r, Role::ThreadMap)),
            m.params_path,
            m.results_path
        );
    }
    let statics: Vec<String> = model
        .methods
        .iter()
        .map(|m| format!("&{}", static_name(m)))
        .collect();
    let special = |pick: fn(&Method) -> bool| match model.methods.iter().find(|m| pick(m)) {
        Some(m) => format!("::std::option::Option::Some(&{})", static_name(m)),
        None => "::std::option::Option::None".to_string(),
    };
    let _ = writeln!(
        s,
        "    pub static DESC: ::mp::private::InterfaceDesc = ::mp::private::InterfaceDesc {{ id: {:#x}, name: {:?}, methods: &[{}], destroy: {}, construct: {} }};",
        model.id,
        model.methods.last().map(|m| m.interface_name.as_str()).unwrap_or(name),
        statics.join(", "),
        special(Method::is_destroy),
        special(Method::is_construct)
    );
    let _ = writeln!(s, "}}\n");

    // The trait: its own methods; superinterfaces are supertraits.
    let own: Vec<&Method> = model.methods[model.methods.len() - model.own..]
        .iter()
        .filter(|m| !m.is_special())
        .collect();
    let iface_name = model
        .methods
        .last()
        .map(|m| m.interface_name.as_str())
        .unwrap_or(name);
    let _ = writeln!(
        s,
        "/// Rust form of the `{iface_name}` interface. Methods not implemented return an `Unimplemented` error."
    );
    let mut bounds: Vec<String> = model.supers.clone();
    bounds.push("Send".into());
    bounds.push("Sync".into());
    let _ = writeln!(s, "{ALLOW}\npub trait {name}: {} {{", bounds.join(" + "));
    let _ = writeln!(
        s,
        "    #[doc(hidden)]\n    fn __mp_proxy_{}(&self) -> ::std::option::Option<&::mp::ProxyClient> {{\n        ::std::option::Option::None\n    }}",
        names::snake(name)
    );
    for m in &own {
        let unused: Vec<String> = m
            .inputs()
            .chain(m.wanted())
            .map(|f| f.rust_name.clone())
            .collect();
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
    let closure = closure_impl(name, &own, model);
    if closure.is_empty() {
        s.push_str(&shared_impl(name, &own));
    }
    s.push_str(&closure);

    // The client implements its trait and every supertrait.
    let _ = writeln!(s, "/// Client proxy for `{name}`: calls the peer. Dropping the last clone calls `destroy` if the interface has it.");
    let _ = writeln!(s, "#[derive(Clone, Debug)]\npub struct {name}Client {{\n    /// The runtime handle to the peer's capability.\n    pub proxy: ::mp::ProxyClient,\n}}\n");
    let mut by_trait: Vec<(String, Vec<&Method>)> = Vec::new();
    for m in model.methods.iter().filter(|m| !m.is_special()) {
        match by_trait.iter_mut().find(|(t, _)| *t == m.trait_path) {
            Some((_, list)) => list.push(m),
            None => by_trait.push((m.trait_path.clone(), vec![m])),
        }
    }
    let own_path = model
        .methods
        .last()
        .map(|m| m.trait_path.clone())
        .unwrap_or_default();
    if !by_trait.iter().any(|(t, _)| *t == own_path) {
        by_trait.push((own_path.clone(), Vec::new()));
    }
    for (trait_path, methods) in &by_trait {
        let _ = writeln!(s, "{ALLOW}\nimpl {trait_path} for {name}Client {{");
        if *trait_path == own_path {
            let _ = writeln!(
                s,
                "    fn __mp_proxy_{}(&self) -> ::std::option::Option<&::mp::ProxyClient> {{\n        ::std::option::Option::Some(&self.proxy)\n    }}",
                names::snake(name)
            );
        }
        for m in methods {
            let _ = writeln!(s, "    {} {{", signature(m));
            for line in client_call(m, &module, "self.proxy").lines() {
                let _ = writeln!(s, "        {line}");
            }
            let _ = writeln!(s, "    }}");
        }
        let _ = writeln!(s, "}}\n");
    }

    let _ = writeln!(
        s,
        "{ALLOW}\nimpl {name}Client {{\n    /// The client behind a trait object, if it is one (a proxy for the peer's object).\n    \
         pub fn from_dyn(object: &dyn {name}) -> ::std::option::Option<Self> {{\n        \
         object.__mp_proxy_{}().map(|p| {name}Client {{ proxy: ::std::clone::Clone::clone(p) }})\n    }}",
        names::snake(name)
    );
    for m in model.methods.iter().filter(|m| !m.is_special()) {
        let _ = writeln!(s, "    /// `{}`, without blocking: the future is `Send` and may be awaited on any runtime; dropping it cancels the call.", m.name);
        let _ = writeln!(s, "    {} {{", async_signature(m));
        for line in client_call_async(m, &module).lines() {
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
        "pub struct {name}Server {{\n    imp: ::mp::private::ImplSlot<dyn {name}>,\n}}\n"
    );
    let _ = writeln!(s, "{ALLOW}\nimpl {name}Server {{");
    for m in &model.methods {
        for line in server_method(m, name).lines() {
            let _ = writeln!(s, "    {line}");
        }
    }
    let _ = writeln!(s, "}}\n");
    let _ = writeln!(
        s,
        "{ALLOW}\nimpl ::mp::private::Dispatch for {name}Server {{"
    );
    let _ = writeln!(
        s,
        "    fn call(&self, call: ::mp::private::IncomingCall<'_>) -> ::mp::Result<()> {{"
    );
    let _ = writeln!(
        s,
        "        match (call.method.interface_id, call.method.id) {{"
    );
    for m in &model.methods {
        let _ = writeln!(
            s,
            "            ({:#x}, {}) => self.{}(call),",
            m.interface_id,
            m.ordinal,
            server_fn_name(m)
        );
    }
    let _ = writeln!(
        s,
        "            _ => ::std::result::Result::Err(::mp::private::unknown_method(call.method)),\n        }}\n    }}"
    );
    let _ = writeln!(
        s,
        "    fn interface(&self) -> &'static ::mp::private::InterfaceDesc {{\n        &{module}::DESC\n    }}\n}}\n"
    );

    // The link to the runtime.
    let _ = writeln!(s, "{ALLOW}\nimpl ::mp::Interface for dyn {name} {{");
    let _ = writeln!(
        s,
        "    const DESC: &'static ::mp::private::InterfaceDesc = &{module}::DESC;"
    );
    let _ = writeln!(
        s,
        "    fn make_server(imp: ::std::sync::Arc<Self>) -> ::std::sync::Arc<dyn ::mp::private::Dispatch> {{\n        \
         ::std::sync::Arc::new({name}Server {{ imp: ::mp::private::ImplSlot::new(imp) }})\n    }}"
    );
    let _ = writeln!(
        s,
        "    fn make_client(client: ::mp::ProxyClient) -> ::std::boxed::Box<Self> {{\n        ::std::boxed::Box::new({name}Client {{ proxy: client }})\n    }}"
    );
    let _ = writeln!(s, "}}\n");
    s
}

/// Interfaces whose only method is `call` (the original's `std::function` mapping) are
/// implemented by closures.
fn closure_impl(name: &str, own: &[&Method], model: &Interface) -> String {
    let [m] = own else { return String::new() };
    if m.name != "call"
        || !model.supers.is_empty()
        || m.wanted().next().is_some()
        || m.inputs().any(|f| m.is_in_out(&f.name))
    {
        return String::new();
    }
    let args: Vec<String> = m.inputs().map(Field::rust_ty).collect();
    let names_: Vec<String> = m.inputs().map(|f| f.rust_name.clone()).collect();
    let outs: Vec<String> = m.outputs().iter().map(|f| f.rust_ty()).collect();
    format!(
        "{ALLOW}\nimpl<F> {name} for F where F: Fn({}) -> ::mp::Result<{}> + Send + Sync {{\n    {} {{\n        self({})\n    }}\n}}\n\n",
        args.join(", "),
        tuple(&outs),
        signature(m),
        names_.join(", ")
    )
}

/// Lets an `Arc<T>` be passed where a `Box<dyn Trait>` is expected: the shared form.
fn shared_impl(name: &str, own: &[&Method]) -> String {
    let mut s = format!("{ALLOW}\nimpl<T: {name} + ?Sized> {name} for ::std::sync::Arc<T> {{\n");
    for m in own {
        let mut args: Vec<String> = m.inputs().map(|f| f.rust_name.clone()).collect();
        args.extend(m.wanted().map(|f| f.rust_name.clone()));
        let _ = writeln!(
            s,
            "    {} {{\n        (**self).{}({})\n    }}",
            signature(m),
            m.rust_name(),
            args.join(", ")
        );
    }
    s.push_str("}\n\n");
    s
}

fn structure(model: &Struct) -> String {
    let name = &model.name;
    let capnp = &model.capnp;
    let fields: Vec<&Field> = model
        .fields
        .iter()
        .filter(|f| f.value_ty().is_some())
        .collect();
    let mut s = String::new();
    let _ = writeln!(s, "/// Rust form of the `{name}` struct.");
    match (model.plain, model.default) {
        (true, true) => s.push_str("#[derive(Debug, Clone, PartialEq, Default)]\n"),
        (true, false) => s.push_str("#[derive(Debug, Clone, PartialEq)]\n"),
        _ => {}
    }
    let _ = writeln!(s, "{ALLOW}\npub struct {name} {{");
    for f in &fields {
        let _ = writeln!(
            s,
            "    /// Field `{}`.\n    pub {}: {},",
            f.name,
            f.rust_name,
            f.rust_ty()
        );
    }
    let _ = writeln!(s, "}}\n");
    let names_: Vec<String> = fields.iter().map(|f| f.rust_name.clone()).collect();
    let _ = writeln!(s, "{ALLOW}\nimpl {name} {{");
    let _ = writeln!(s, "    #[doc(hidden)]\n    pub fn __mp_write(self, mut __p: {capnp}::Builder<'_>, __ctx: &::mp::private::CallCtx) -> ::mp::Result<()> {{");
    let _ = writeln!(s, "        let Self {{ {} }} = self;", names_.join(", "));
    for f in &fields {
        let _ = writeln!(s, "        {}", encode_field(f, &f.rust_name, "__p", 0));
    }
    let _ = writeln!(s, "        Ok(())\n    }}");
    let _ = writeln!(s, "    #[doc(hidden)]\n    pub fn __mp_read(__r: {capnp}::Reader<'_>, __ctx: &::mp::private::CallCtx) -> ::mp::Result<Self> {{");
    let _ = writeln!(s, "        Ok(Self {{");
    for f in &fields {
        let _ = writeln!(
            s,
            "            {}: {},",
            f.rust_name,
            decode_field(f, "__r", 0)
        );
    }
    let _ = writeln!(s, "        }})\n    }}\n}}\n");
    if let [a, b] = fields.as_slice() {
        if a.has.is_none() && b.has.is_none() {
            let (ta, tb) = (a.rust_ty(), b.rust_ty());
            let _ = writeln!(
                s,
                "{ALLOW}\nimpl ::std::convert::From<({ta}, {tb})> for {name} {{\n    fn from((a, b): ({ta}, {tb})) -> Self {{\n        Self {{ {}: a, {}: b }}\n    }}\n}}\n",
                a.rust_name, b.rust_name
            );
            let _ = writeln!(
                s,
                "{ALLOW}\nimpl ::std::convert::From<{name}> for ({ta}, {tb}) {{\n    fn from(v: {name}) -> Self {{\n        (v.{}, v.{})\n    }}\n}}\n",
                a.rust_name, b.rust_name
            );
        }
    }
    s
}
