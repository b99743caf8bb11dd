//! Per `$Proxy.wrap` interface: a trait, its shared and closure forms, a client, a server,
//! and the link to the runtime.

use super::client::{self, async_signature, signature, static_name, tuple, variant};
use super::runtime as rt;
use super::server;
use super::view::{Field, Interface, Method, Role};
use super::writer::Writer;

/// Generated code is not linted: its shape follows the schema, not a style.
pub(crate) const ALLOW: &str =
    "#[allow(clippy::all, clippy::pedantic, unused, non_upper_case_globals, non_snake_case, non_camel_case_types)]";

/// How `Arc`s of implementations are accepted where a trait object is expected.
pub(crate) enum Shared {
    /// `impl<T: I + ?Sized> I for Arc<T>`: any `Arc` of an implementation.
    Generic,
    /// `impl I for Arc<dyn I>` (and each superinterface's trait for `Arc<dyn I>`): needed when
    /// the interface or an ancestor is implemented by closures, whose blanket impl would
    /// overlap with a generic `Arc` impl.
    Concrete {
        /// Trait paths of all superinterfaces (transitively) with their own methods.
        ancestors: Vec<(String, Vec<usize>)>,
    },
}

pub(crate) fn interface(w: &mut Writer, model: &Interface, shared: &Shared) {
    hidden_module(w, model);
    exception_enums(w, model);
    the_trait(w, model);
    if let Some(m) = closure_method(model) {
        closure_impl(w, model, m);
    }
    shared_impl(w, model, shared);
    client_struct(w, model);
    server_struct(w, model);
    runtime_link(w, model);
}

fn own(model: &Interface) -> Vec<&Method> {
    model
        .methods
        .iter()
        .filter(|m| m.trait_path == model.trait_path && !m.is_special())
        .collect()
}

/// Method and interface descriptions (all the core needs to call and serve them), and the
/// request functions of the client.
fn hidden_module(w: &mut Writer, model: &Interface) {
    w.line("#[doc(hidden)]");
    w.line(ALLOW);
    w.block(format!("pub mod {}", model.module), |w| {
        for m in &model.methods {
            let pointer = |fields: &[Field], pick: fn(&Role) -> bool| {
                fields
                    .iter()
                    .find(|f| pick(&f.role))
                    .and_then(|f| f.pointer)
            };
            w.line(rt::method_desc(&rt::MethodDescription {
                static_name: &static_name(m),
                interface_id: m.interface_id,
                interface_name: &m.interface_name,
                ordinal: m.ordinal,
                name: &m.name,
                context: pointer(&m.params, |r| matches!(r, Role::Context)),
                thread_map_param: pointer(&m.params, |r| matches!(r, Role::ThreadMap)),
                thread_map_result: pointer(&m.results, |r| matches!(r, Role::ThreadMap)),
                results_caps: m.results.iter().any(|f| match &f.role {
                    Role::Value(t) | Role::Exception(t) => t.may_hold_caps(),
                    _ => false,
                }),
                params_caps: m.params.iter().any(|f| match &f.role {
                    Role::Value(t) | Role::Exception(t) | Role::Implicit { ty: t, .. } => {
                        t.may_hold_caps()
                    }
                    _ => false,
                }),
                params_path: &m.params_path,
                results_path: &m.results_path,
            }));
        }
        let statics: Vec<String> = model.methods.iter().map(static_name).collect();
        let special =
            |pick: fn(&Method) -> bool| model.methods.iter().find(|m| pick(m)).map(static_name);
        w.line(rt::interface_desc(
            model.id,
            &model.schema_name,
            &statics,
            special(Method::is_destroy).as_deref(),
            special(Method::is_construct).as_deref(),
        ));
        for m in model.methods.iter().filter(|m| !m.is_special()) {
            client::request_fn(w, m);
        }
    });
}

/// One enum per method with several exception slots: which slot a raised error fills.
fn exception_enums(w: &mut Writer, model: &Interface) {
    for m in own(model) {
        let Some(path) = &m.exception_enum else {
            continue;
        };
        let name = path.rsplit("::").next().unwrap_or(path);
        let slots: Vec<&Field> = m.exceptions().collect();
        let plain = slots.iter().all(|f| match &f.role {
            Role::Exception(t) => t.plain(),
            _ => true,
        });
        w.doc(format!(
            "The exceptions `{}.{}` raises: one variant per `$Proxy.exception` field. Return\n\
             `Error::raised({name}::Variant(value), message)` from the implementation.",
            m.interface_name, m.name
        ));
        if plain {
            w.line("#[derive(Debug, Clone, PartialEq)]");
        }
        w.line(ALLOW);
        w.block(format!("pub enum {name}"), |w| {
            for f in &slots {
                w.doc(format!("Field `{}`.", f.name));
                w.line(format!("{}({}),", variant(&f.name), f.rust_ty()));
            }
        });
    }
}

fn the_trait(w: &mut Writer, model: &Interface) {
    let mut bounds = model.supers.clone();
    bounds.extend(["Send".to_string(), "Sync".to_string()]);
    w.doc(format!(
        "Rust form of the `{}` interface. Methods not implemented return an `Unimplemented` error.",
        model.schema_name
    ));
    w.line(ALLOW);
    w.block(
        format!("pub trait {}: {}", model.name, bounds.join(" + ")),
        |w| {
            w.line("#[doc(hidden)]");
            w.block(
                format!(
                    "fn {}(&self) -> ::std::option::Option<&{}>",
                    proxy_fn(model),
                    rt::PROXY_CLIENT
                ),
                |w| w.line("::std::option::Option::None"),
            );
            for m in own(model) {
                let unused: Vec<String> = m
                    .inputs()
                    .chain(m.wanted())
                    .map(|f| f.rust_name.clone())
                    .collect();
                w.doc(format!(
                    "`{}` (method @{} of `{}`).",
                    m.name, m.ordinal, m.interface_name
                ));
                w.block(signature(m), |w| {
                    if !unused.is_empty() {
                        w.line(format!("let _ = ({},);", unused.join(", ")));
                    }
                    w.line(format!(
                        "Err({})",
                        rt::unimplemented_error(&format!(
                            "{}.{} is not implemented",
                            m.interface_name, m.name
                        ))
                    ));
                });
            }
        },
    );
}

fn proxy_fn(model: &Interface) -> String {
    format!("__mp_proxy_{}", super::names::snake(&model.name))
}

/// The one method closures implement, when the interface is callable and extends nothing.
fn closure_method(model: &Interface) -> Option<&Method> {
    let own = own(model);
    match own[..] {
        [m] if model.callable
            && model.supers.is_empty()
            && m.wanted().next().is_none()
            && !m.inputs().any(|f| f.in_out) =>
        {
            Some(m)
        }
        _ => None,
    }
}

/// Closures implement callable interfaces (the original's `std::function` mapping).
fn closure_impl(w: &mut Writer, model: &Interface, m: &Method) {
    let args: Vec<String> = m.inputs().map(Field::rust_ty).collect();
    let names: Vec<String> = m.inputs().map(|f| f.rust_name.clone()).collect();
    let outs: Vec<String> = m.outputs().iter().map(|f| f.rust_ty()).collect();
    w.line(ALLOW);
    w.block(
        format!(
            "impl<F> {} for F where F: Fn({}) -> {} + Send + Sync",
            model.name,
            args.join(", "),
            rt::result(&tuple(&outs))
        ),
        |w| {
            w.block(signature(m), |w| {
                w.line(format!("self({})", names.join(", ")))
            })
        },
    );
}

/// Lets an `Arc` be passed where a `Box<dyn Trait>` is expected.
fn shared_impl(w: &mut Writer, model: &Interface, shared: &Shared) {
    let forward = |w: &mut Writer, methods: &[&Method]| {
        for m in methods {
            let mut args: Vec<String> = m.inputs().map(|f| f.rust_name.clone()).collect();
            args.extend(m.wanted().map(|f| f.rust_name.clone()));
            w.block(signature(m), |w| {
                w.line(format!("(**self).{}({})", m.rust_name, args.join(", ")))
            });
        }
    };
    match shared {
        Shared::Generic => {
            w.line(ALLOW);
            w.block(
                format!(
                    "impl<T: {} + ?Sized> {} for ::std::sync::Arc<T>",
                    model.name, model.name
                ),
                |w| forward(w, &own(model)),
            );
        }
        Shared::Concrete { ancestors } => {
            let target = format!("::std::sync::Arc<dyn {}>", model.name);
            w.line(ALLOW);
            w.block(format!("impl {} for {target}", model.name), |w| {
                forward(w, &own(model))
            });
            for (path, indexes) in ancestors {
                let methods: Vec<&Method> = indexes.iter().map(|&i| &model.methods[i]).collect();
                w.line(ALLOW);
                w.block(format!("impl {path} for {target}"), |w| {
                    forward(w, &methods)
                });
            }
        }
    }
}

fn client_struct(w: &mut Writer, model: &Interface) {
    let name = &model.name;
    let client = &model.client;
    w.doc(format!(
        "Client proxy for `{name}`: calls the peer. Dropping the last clone calls `destroy` if the interface has it."
    ));
    w.line("#[derive(Clone, Debug)]");
    w.block(format!("pub struct {client}"), |w| {
        w.doc("The runtime handle to the peer's capability.");
        w.line(format!("pub proxy: {},", rt::PROXY_CLIENT));
    });
    // The client implements its trait and every supertrait, grouped by declaring trait.
    let mut by_trait: Vec<(String, Vec<&Method>)> = vec![(model.trait_path.clone(), Vec::new())];
    for m in model.methods.iter().filter(|m| !m.is_special()) {
        match by_trait.iter_mut().find(|(t, _)| *t == m.trait_path) {
            Some((_, list)) => list.push(m),
            None => by_trait.push((m.trait_path.clone(), vec![m])),
        }
    }
    for (trait_path, methods) in &by_trait {
        w.line(ALLOW);
        w.block(format!("impl {trait_path} for {client}"), |w| {
            if *trait_path == model.trait_path {
                w.block(
                    format!(
                        "fn {}(&self) -> ::std::option::Option<&{}>",
                        proxy_fn(model),
                        rt::PROXY_CLIENT
                    ),
                    |w| w.line("::std::option::Option::Some(&self.proxy)"),
                );
            }
            for m in methods {
                w.block(signature(m), |w| {
                    client::body(w, m, &model.module, "self.proxy", false)
                });
            }
        });
    }
    w.line(ALLOW);
    w.block(format!("impl {client}"), |w| {
        w.doc("The client behind a trait object, if it is one (a proxy for the peer's object).");
        w.block(
            format!("pub fn from_dyn(object: &dyn {name}) -> ::std::option::Option<Self>"),
            |w| {
                w.line(format!(
                    "object.{}().map(|p| {client} {{ proxy: ::std::clone::Clone::clone(p) }})",
                    proxy_fn(model)
                ))
            },
        );
        for m in model.methods.iter().filter(|m| !m.is_special()) {
            w.doc(format!(
                "`{}`, without blocking: the future is `Send` and may be awaited on any runtime; dropping it cancels the call.",
                m.name
            ));
            w.block(async_signature(m), |w| {
                client::body(w, m, &model.module, "self.proxy", true)
            });
        }
    });
}

fn server_struct(w: &mut Writer, model: &Interface) {
    let name = &model.name;
    let server = &model.server;
    w.doc(format!(
        "Server glue for `{name}`: dispatches incoming calls to an implementation."
    ));
    w.block(format!("pub struct {server}"), |w| {
        w.line(format!("imp: {}<dyn {name}>,", rt::IMPL_SLOT));
    });
    w.line(ALLOW);
    w.block(format!("impl {server}"), |w| {
        for m in &model.methods {
            server::handler(w, m, name);
        }
    });
    w.line(ALLOW);
    w.block(format!("impl {} for {server}", rt::DISPATCH), |w| {
        w.block(rt::dispatch_head(), |w| {
            w.block(format!("match {}", rt::DISPATCH_KEY), |w| {
                for m in &model.methods {
                    w.line(format!(
                        "({:#x}, {}) => self.{}(call),",
                        m.interface_id,
                        m.ordinal,
                        server::handler_name(m)
                    ));
                }
                w.line(format!("_ => {},", rt::unknown_method(rt::DISPATCH_METHOD)));
            });
        });
        w.block(
            format!("fn interface(&self) -> &'static {}", rt::INTERFACE_DESC),
            |w| w.line(format!("&{}::DESC", model.module)),
        );
    });
}

/// `impl mp::Interface for dyn I`: the description, and how the runtime makes clients and
/// servers.
fn runtime_link(w: &mut Writer, model: &Interface) {
    let name = &model.name;
    w.line(ALLOW);
    w.block(format!("impl {} for dyn {name}", rt::INTERFACE), |w| {
        w.line(format!(
            "const DESC: &'static {} = &{}::DESC;",
            rt::INTERFACE_DESC,
            model.module
        ));
        w.block(
            format!(
                "fn make_server(imp: ::std::sync::Arc<Self>) -> ::std::sync::Arc<dyn {}>",
                rt::DISPATCH
            ),
            |w| {
                w.line(format!(
                    "::std::sync::Arc::new({} {{ imp: {} }})",
                    model.server,
                    rt::impl_slot_new("imp")
                ))
            },
        );
        w.block(
            format!(
                "fn make_client(client: {}) -> ::std::boxed::Box<Self>",
                rt::PROXY_CLIENT
            ),
            |w| {
                w.line(format!(
                    "::std::boxed::Box::new({} {{ proxy: client }})",
                    model.client
                ))
            },
        );
    });
}
