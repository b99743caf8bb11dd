//! Every piece of generated code that names an item of the `mp` runtime, in one place, so that
//! a change of the runtime's API is a change of this file only.
//!
//! Generated code only decodes params, invokes the implementation and encodes results; the
//! core (`mp::core`, reached through `mp::private`) does everything else: numbering, logging
//! (through the `params_text`/`results_text` of each method's description), `Context` and
//! `ThreadMap` fields, thread choice, size checks, cancellation, `construct` and `destroy`.

/// The capnp crate as re-exported by the runtime (user crates need no capnp dependency).
pub(crate) const CAPNP: &str = "::mp::private::capnp";

/// The crate whose capnpc modules hold `proxy.capnp`'s nodes (`::mp::proxy_capnp`).
pub(crate) const PROXY_CAPNP_CRATE: &str = "::mp";

/// `mp::Result<T>`.
pub(crate) fn result(t: &str) -> String {
    format!("::mp::Result<{t}>")
}

/// The Rust type of a `Data` field.
pub(crate) const BYTES: &str = "::mp::Bytes";

/// Sets a `Data` field from an `mp::Bytes`: `SET_DATA(&value, |n| builder.init_field(n))`.
pub(crate) const SET_DATA: &str = "::mp::private::set_data";

/// A decoded `Data` field (`data`: a `&[u8]` of the received message) as `mp::Bytes`, shared
/// with the message when it is big.
pub(crate) fn data_to_bytes(data: &str) -> String {
    format!("::mp::private::data_to_bytes({data})")
}

/// The per-call context handed to encoders and decoders (`__ctx`).
pub(crate) const CALL_CTX: &str = "::mp::private::CallCtx";

/// The client handle to a peer's capability.
pub(crate) const PROXY_CLIENT: &str = "::mp::ProxyClient";

/// An incoming call as the core hands it to generated dispatch code.
const INCOMING_CALL: &str = "::mp::private::IncomingCall<'_>";

/// The trait generated servers implement.
pub(crate) const DISPATCH: &str = "::mp::private::Dispatch";

/// The slot holding a server's implementation (emptied by `destroy`).
pub(crate) const IMPL_SLOT: &str = "::mp::private::ImplSlot";

/// The trait linking `dyn Trait` to its description, client and server.
pub(crate) const INTERFACE: &str = "::mp::Interface";

/// The type of an interface's description.
pub(crate) const INTERFACE_DESC: &str = "::mp::private::InterfaceDesc";

/// What the core needs to know about one method.
pub(crate) struct MethodDescription<'a> {
    pub(crate) static_name: &'a str,
    pub(crate) interface_id: u64,
    pub(crate) interface_name: &'a str,
    pub(crate) ordinal: u16,
    pub(crate) name: &'a str,
    /// Pointer index of the `Proxy.Context` param.
    pub(crate) context: Option<u16>,
    /// Pointer indexes of a `Proxy.ThreadMap` field in params and in results.
    pub(crate) thread_map_param: Option<u16>,
    pub(crate) thread_map_result: Option<u16>,
    /// Whether a results field may hold a capability.
    pub(crate) results_caps: bool,
    /// Whether a params field other than the runtime's own may hold a capability.
    pub(crate) params_caps: bool,
    pub(crate) params_path: &'a str,
    pub(crate) results_path: &'a str,
}

fn option(v: Option<u16>) -> String {
    match v {
        Some(i) => format!("::std::option::Option::Some({i})"),
        None => "::std::option::Option::None".into(),
    }
}

/// Item: the `static` description of one method.
pub(crate) fn method_desc(d: &MethodDescription<'_>) -> String {
    format!(
        "pub static {}: ::mp::private::MethodDesc = ::mp::private::MethodDesc {{ interface_id: {:#x}, interface_name: {:?}, id: {}, name: {:?}, \
         context: {}, thread_map_param: {}, thread_map_result: {}, results_caps: {}, params_caps: {}, \
         params_text: ::std::option::Option::Some(::mp::private::text_of::<{}::Owned>), \
         results_text: ::std::option::Option::Some(::mp::private::text_of::<{}::Owned>) }};",
        d.static_name,
        d.interface_id,
        d.interface_name,
        d.ordinal,
        d.name,
        option(d.context),
        option(d.thread_map_param),
        option(d.thread_map_result),
        d.results_caps,
        d.params_caps,
        d.params_path,
        d.results_path
    )
}

/// Item: the `static DESC` of an interface; `methods`, `destroy`, `construct` name statics.
pub(crate) fn interface_desc(
    id: u64,
    name: &str,
    methods: &[String],
    destroy: Option<&str>,
    construct: Option<&str>,
) -> String {
    let some = |s: Option<&str>| match s {
        Some(s) => format!("::std::option::Option::Some(&{s})"),
        None => "::std::option::Option::None".into(),
    };
    let methods: Vec<String> = methods.iter().map(|m| format!("&{m}")).collect();
    format!(
        "pub static DESC: {INTERFACE_DESC} = {INTERFACE_DESC} {{ id: {id:#x}, name: {name:?}, methods: &[{}], destroy: {}, construct: {} }};",
        methods.join(", "),
        some(destroy),
        some(construct)
    )
}

/// The conversion trait of user types (`Wire<Repr>`).
pub(crate) fn wire(repr: &str) -> String {
    format!("::mp::Wire<{repr}>")
}

/// Expression: an `Unimplemented` error with `message`.
pub(crate) fn unimplemented_error(message: &str) -> String {
    format!("::mp::Error::new(::mp::ErrorKind::Unimplemented, {message:?})")
}

/// Expression: an error carrying a raised exception value.
pub(crate) fn raised(value: &str, message: &str) -> String {
    format!("::mp::Error::raised({value}, {message})")
}

/// Expression: the server's answer to a method it does not serve.
pub(crate) fn unknown_method(method: &str) -> String {
    format!("::std::result::Result::Err(::mp::private::unknown_method({method}))")
}

/// Expression: a list length checked against capnp's limit.
pub(crate) fn list_len(len: &str) -> String {
    format!("::mp::private::list_len({len})?")
}

/// Statement: refuses a struct list whose elements take no space on the wire when the
/// decoded element (`decoded_size` bytes) is not empty.
pub(crate) fn check_struct_list(list: &str, decoded_size: &str) -> String {
    format!("::mp::private::check_struct_list({list}, {decoded_size})?;")
}

/// Expression: a `String` from a text reader (invalid UTF-8 replaced).
pub(crate) fn text(reader: &str) -> String {
    format!("::mp::private::text({reader})")
}

/// Expression: capnpc's client type `client` from a hook.
pub(crate) fn client_from_hook(client: &str, hook: &str) -> String {
    format!("<{client} as {CAPNP}::capability::FromClientHook>::new({hook})")
}

/// Expression: a text reader over raw bytes.
pub(crate) fn text_from_bytes(bytes: &str) -> String {
    format!("{CAPNP}::text::Reader::from({bytes})")
}

/// Exports a local implementation as a capability hook.
pub(crate) fn export(trait_path: &str, object: &str) -> String {
    format!(
        "::mp::private::export::<dyn {trait_path}>(__ctx, ::std::sync::Arc::from({object}))?.hook"
    )
}

/// Imports a received capability as a boxed trait object.
pub(crate) fn import(trait_path: &str, client: &str) -> String {
    format!("::mp::private::import::<dyn {trait_path}>(__ctx, {client})?")
}

/// The type-erased value a call's reader returns. Every method passes the same closure types
/// to the runtime's generic `call` and `call_async`, so each is compiled once for the whole
/// schema instead of once per method (see doc/generator.md, "Cost").
const ANY: &str = "::std::boxed::Box<dyn ::std::any::Any + Send>";

/// The type of a call's boxed params builder.
pub(crate) fn build_ty() -> String {
    format!("::std::boxed::Box<dyn FnOnce(&{CALL_CTX}, {CAPNP}::any_pointer::Builder<'_>) -> ::mp::Result<()> + Send>")
}

/// The type of a call's boxed results reader.
pub(crate) fn read_ty() -> String {
    format!("::std::boxed::Box<dyn FnOnce(&{CALL_CTX}, {CAPNP}::any_pointer::Reader<'_>) -> ::mp::Result<{ANY}> + Send>")
}

/// Statement: the boxed params builder `__build` with body `body`.
pub(crate) fn build_closure(body: &str) -> String {
    format!(
        "let __build: {} =\n\
         ::std::boxed::Box::new(move |__ctx: &{CALL_CTX}, __params: {CAPNP}::any_pointer::Builder<'_>| -> ::mp::Result<()> {{\n{body}\n}});",
        build_ty()
    )
}

/// Statement: the boxed results reader `__read` with body `body`, which ends by returning a
/// value of type `ty` (boxed by [`erase`]).
pub(crate) fn read_closure(body: &str) -> String {
    format!(
        "let __read: {} =\n\
         ::std::boxed::Box::new(move |__ctx: &{CALL_CTX}, __results: {CAPNP}::any_pointer::Reader<'_>| -> ::mp::Result<{ANY}> {{\n{body}\n}});",
        read_ty()
    )
}

/// Statement: returns `value` of type `ty` from a reader or work closure, erased.
pub(crate) fn erase(value: &str, ty: &str) -> String {
    format!("let __value: {ty} = {value};\nOk(::std::boxed::Box::new(__value))")
}

/// Expression: the erased value `boxed` as `ty` (the type the closure erased).
fn unerase(boxed: &str, ty: &str) -> String {
    format!("*{boxed}.downcast::<{ty}>().expect(\"the reply has the type its reader built\")")
}

/// Statement: the call (blocking) or the future (async) of `__build`/`__read`.
pub(crate) fn client_call(receiver: &str, info: &str, is_async: bool) -> String {
    if is_async {
        format!("let __reply = {receiver}.call_async(&{info}, __build, __read);")
    } else {
        format!("let __reply = {receiver}.call(&{info}, __build, __read)?;")
    }
}

/// Statement: binds `pattern` to the reply of type `ty` (`__reply` is the erased value, or
/// for async calls the future of it).
pub(crate) fn client_reply(pattern: &str, ty: &str, is_async: bool) -> String {
    let source = if is_async {
        "__reply.await?"
    } else {
        "__reply"
    };
    format!("let {pattern} = {};", unerase(source, ty))
}

/// Server side: the head of one method's handler.
pub(crate) fn server_fn_head(name: &str) -> String {
    format!("fn {name}(&self, __call: {INCOMING_CALL}) -> ::mp::Result<()>")
}

/// Server side: unpacks the call and reads the params struct.
pub(crate) fn server_open(params_path: &str) -> String {
    format!(
        "let ::mp::private::IncomingCall {{ params: __params, results: __results, ctx: __ctx, .. }} = __call;\n\
         let __r = __params.get_as::<{params_path}::Reader<'_>>()?;"
    )
}

/// Server side: takes the implementation (for `destroy`) or borrows it.
pub(crate) fn server_take_impl(destroy: bool) -> String {
    if destroy {
        "let __imp = self.imp.take();".into()
    } else {
        "let __imp = self.imp.get()?;".into()
    }
}

/// Server side: runs `work` (an expression of type `mp::Result<ty>`) on this thread (the core
/// chose it) and binds `pattern` to its outcome.
pub(crate) fn server_run(pattern: &str, work: &str, ty: &str) -> String {
    format!("let {pattern}: {ty} = (move || -> ::mp::Result<{ty}> {{ {work} }})()?;")
}

/// Server side: the results builder.
pub(crate) fn server_results(results_path: &str) -> String {
    format!("let mut __p = __results.init_as::<{results_path}::Builder<'_>>();")
}

/// Server side: the "no result" error when an exception path produced none.
pub(crate) fn server_no_result() -> String {
    "return Err(::mp::Error::failed(\"no result\"))".into()
}

/// The `Dispatch::call` head.
pub(crate) fn dispatch_head() -> String {
    format!("fn call(&self, call: {INCOMING_CALL}) -> ::mp::Result<()>")
}

/// The `(interface ID, method ID)` a dispatch matches on.
pub(crate) const DISPATCH_KEY: &str = "(call.method.interface_id, call.method.id)";

/// The method of an incoming call (for the unknown-method error).
pub(crate) const DISPATCH_METHOD: &str = "call.method";

/// The implementation slot's constructor.
pub(crate) fn impl_slot_new(imp: &str) -> String {
    format!("{IMPL_SLOT}::new({imp})")
}
