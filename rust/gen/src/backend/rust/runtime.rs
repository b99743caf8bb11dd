//! Every piece of generated code that names an item of the `mp` runtime, in one place, so that
//! a change of the runtime's API is a change of this file only.
//!
//! Generated code decodes params, invokes the implementation and encodes results; everything
//! else (filling `Context`, thread maps, size checks, logging, picking the thread) is the
//! runtime's, reached through the items below.

/// The capnp crate as re-exported by the runtime (user crates need no capnp dependency).
pub(crate) const CAPNP: &str = "::mp::__private::capnp";

/// `mp::Result<T>`.
pub(crate) fn result(t: &str) -> String {
    format!("::mp::Result<{t}>")
}

/// The per-call context handed to encoders and decoders (`__ctx`).
pub(crate) const CALL_CTX: &str = "::mp::CallCtx";

/// The client handle to a peer's capability.
pub(crate) const PROXY_CLIENT: &str = "::mp::ProxyClient";

/// A method's description (interface and method IDs and names).
pub(crate) const METHOD_INFO: &str = "::mp::MethodInfo";

/// An incoming call as the server core hands it to generated dispatch code.
pub(crate) const INCOMING_CALL: &str = "::mp::server::IncomingCall";

/// The trait generated servers implement.
pub(crate) const DISPATCH: &str = "::mp::server::Dispatch";

/// The slot holding a server's implementation (emptied by `destroy`).
pub(crate) const IMPL_SLOT: &str = "::mp::server::ImplSlot";

/// The trait linking `dyn Trait` to its client and server.
pub(crate) const INTERFACE: &str = "::mp::Interface";

/// The type of the function the runtime calls for `destroy`.
pub(crate) const DESTROY_FN: &str = "::mp::DestroyFn";

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

/// Expression: the server's answer to an unknown method.
pub(crate) fn unknown_method(interface: &str, method: &str) -> String {
    format!("::mp::server::unimplemented({interface}, {method})")
}

/// Expression: a list length checked against capnp's limit.
pub(crate) fn list_len(len: &str) -> String {
    format!("::mp::server::list_len({len})?")
}

/// Expression: a `String` from a text reader (invalid UTF-8 replaced).
pub(crate) fn text(reader: &str) -> String {
    format!("::mp::server::text({reader})")
}

/// Expression: capnpc's client type `client` from a hook.
pub(crate) fn client_from_hook(client: &str, hook: &str) -> String {
    format!("<{client} as {CAPNP}::capability::FromClientHook>::new({hook})")
}

/// Expression: a text reader over raw bytes.
pub(crate) fn text_from_bytes(bytes: &str) -> String {
    format!("{CAPNP}::text::Reader::from({bytes})")
}

/// Client side, in the params builder: fills the `Context` field.
pub(crate) fn fill_context(builder: &str, accessor: &str) -> String {
    format!("__ctx.fill_context({builder}.reborrow().init_{accessor}())?;")
}

/// Writes a fresh local `ThreadMap` into a field.
pub(crate) fn export_thread_map(builder: &str, accessor: &str) -> String {
    format!("{builder}.reborrow().set_{accessor}(__ctx.export_thread_map());")
}

/// Keeps a received `ThreadMap` as the peer's.
pub(crate) fn import_thread_map(reader: &str, accessor: &str) -> String {
    format!(
        "if {reader}.has_{accessor}() {{ __ctx.import_thread_map({reader}.get_{accessor}()?); }}"
    )
}

/// Exports a local implementation as a capability hook.
pub(crate) fn export(trait_path: &str, object: &str) -> String {
    format!("__ctx.export::<dyn {trait_path}>(::std::sync::Arc::from({object})).hook")
}

/// Imports a received capability as a boxed trait object.
pub(crate) fn import(trait_path: &str, client: &str) -> String {
    format!("__ctx.import::<dyn {trait_path}>({client})")
}

/// Checks an outgoing message's size and logs it.
pub(crate) fn check_and_log(builder: &str, label: &str) -> String {
    format!(
        "__ctx.check_size({builder}.reborrow_as_reader().total_size()?)?;\n__ctx.log_data({label:?}, &{builder}.reborrow_as_reader());"
    )
}

/// Logs an incoming message.
pub(crate) fn log_incoming(reader: &str, label: &str) -> String {
    format!("__ctx.log_data({label:?}, &{reader});")
}

/// The type-erased value a call's reader returns and the server's work produces. Every
/// method passes the same closure types to the runtime's generic `call`, `call_async` and
/// `server::run`, so each is compiled once for the whole schema instead of once per method
/// (this halves the build time of the generated code; see doc/generator.md).
const ANY: &str = "::std::boxed::Box<dyn ::std::any::Any + Send>";

/// Statement: the boxed params builder `__build` with body `body`.
pub(crate) fn build_closure(body: &str) -> String {
    format!(
        "let __build: ::std::boxed::Box<dyn FnOnce(&{CALL_CTX}, {CAPNP}::any_pointer::Builder<'_>) -> ::mp::Result<()> + Send> =\n\
         ::std::boxed::Box::new(move |__ctx: &{CALL_CTX}, __params: {CAPNP}::any_pointer::Builder<'_>| -> ::mp::Result<()> {{\n{body}\n}});"
    )
}

/// Statement: the boxed results reader `__read` with body `body`, which ends by returning a
/// value of type `ty` (boxed by [`erase`]).
pub(crate) fn read_closure(body: &str) -> String {
    format!(
        "let __read: ::std::boxed::Box<dyn FnOnce(&{CALL_CTX}, {CAPNP}::any_pointer::Reader<'_>) -> ::mp::Result<{ANY}> + Send> =\n\
         ::std::boxed::Box::new(move |__ctx: &{CALL_CTX}, __results: {CAPNP}::any_pointer::Reader<'_>| -> ::mp::Result<{ANY}> {{\n{body}\n}});"
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
    format!(
        "fn {name}(&self, __call: {INCOMING_CALL}) -> {CAPNP}::capability::Promise<(), {CAPNP}::Error>"
    )
}

/// Server side: takes the implementation (for `destroy`) or borrows it.
pub(crate) fn server_take_impl(destroy: bool) -> String {
    if destroy {
        "let __imp = self.imp.take();".into()
    } else {
        format!("let __imp = match self.imp.get() {{ Ok(i) => i, Err(e) => return {CAPNP}::capability::Promise::err(e) }};")
    }
}

/// Server side: opens the handler's future and unpacks the call.
pub(crate) fn server_open(params_path: &str) -> String {
    format!(
        "{CAPNP}::capability::Promise::from_future(async move {{\n\
         let {INCOMING_CALL} {{ params: __params, results: mut __results, ctx: __ctx_owned, .. }} = __call;\n\
         let __ctx = &__ctx_owned;\n\
         let __r = __params.get()?.get_as::<{params_path}::Reader<'_>>()?;"
    )
}

/// Server side: registers the request (numbering, logging).
pub(crate) fn server_begin(info: &str) -> String {
    format!("let __number = ::mp::server::begin(__ctx, &{info});")
}

/// Server side: the execution context named by a `Context` field, or none.
pub(crate) fn server_exec(context_accessor: Option<&str>) -> String {
    match context_accessor {
        Some(acc) => {
            format!("let __exec = Some(::mp::server::ExecContext::read(__r.get_{acc}()?)?);")
        }
        None => "let __exec = None;".into(),
    }
}

/// Server side: runs `work` (an expression of type `mp::Result<ty>`) where the runtime
/// decides, and binds `pattern` to its outcome.
pub(crate) fn server_run(pattern: &str, info: &str, work: &str, ty: &str) -> String {
    format!(
        "let __work: ::std::boxed::Box<dyn FnOnce() -> ::mp::Result<{ANY}> + Send> = ::std::boxed::Box::new(move || {{\n\
         let __outcome: ::mp::Result<{ty}> = {{ {work} }};\n\
         Ok(::std::boxed::Box::new(__outcome?))\n\
         }});\n\
         let __done = ::mp::server::run(__ctx, &{info}, __number, __exec, __work).await?;\n\
         let {pattern} = {};",
        unerase("__done", ty)
    )
}

/// Server side: the results builder.
pub(crate) fn server_results(results_path: &str) -> String {
    format!("let mut __p = __results.get().init_as::<{results_path}::Builder<'_>>();")
}

/// Server side: the "no result" error when an exception path produced none.
pub(crate) fn server_no_result() -> String {
    format!("return Err({CAPNP}::Error::failed(\"no result\".into()))")
}

/// The `dispatch` method's head.
pub(crate) fn dispatch_head() -> String {
    format!("fn dispatch(&self, call: {INCOMING_CALL}) -> {CAPNP}::capability::Promise<(), {CAPNP}::Error>")
}

/// The implementation slot's constructor.
pub(crate) fn impl_slot_new(imp: &str) -> String {
    format!("{IMPL_SLOT}::new({imp})")
}
