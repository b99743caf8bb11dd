//! Value-level descriptions of interfaces and methods: everything the core needs to call or
//! serve an interface, with no Rust type of the interface involved.

use capnp::any_pointer;

/// Renders a message (params or results) as capnp text, for Trace log lines.
pub type TextFn = fn(any_pointer::Reader<'_>) -> String;

/// One method as the wire, the logs and the thread mapping know it.
///
/// The pointer indexes say where, in the params (or results) struct, the runtime finds the
/// fields it fills and reads itself, so that a caller that only has raw message segments (the
/// C++ bridge) gets the same thread mapping as generated Rust code.
#[derive(Debug, Clone)]
pub struct MethodDesc {
    /// ID of the interface that declares the method (a superinterface's, for inherited ones).
    pub interface_id: u64,
    /// Schema name of the declaring interface, for logs (`CalculatorInterface`).
    pub interface_name: &'static str,
    /// Ordinal of the method.
    pub id: u16,
    /// Schema name of the method, for logs (`solveEquation`).
    pub name: &'static str,
    /// Pointer index of the `Proxy.Context` field in the params struct, if the method takes
    /// one: the call then runs on a thread chosen by the context, else on the loop thread.
    pub context: Option<u16>,
    /// Pointer index of a `Proxy.ThreadMap` field in the params struct (`construct`): the
    /// client sends a new local `ThreadMap` there, the server keeps the one it receives.
    pub thread_map_param: Option<u16>,
    /// Pointer index of a `Proxy.ThreadMap` field in the results struct (`construct`): the
    /// server sends a new local `ThreadMap` there, the client keeps the one it receives.
    pub thread_map_result: Option<u16>,
    /// Whether the results may carry capabilities. A call that runs off the loop thread builds
    /// results that cannot in capnp-rpc's reply itself; results that can are built in a
    /// message of the worker's own and copied into the reply on the loop thread, where the
    /// stand-ins for their capabilities are swapped for the real ones. Results that carry a
    /// capability although this says they cannot make the call fail.
    pub results_caps: bool,
    /// Whether the params may carry capabilities besides the runtime's own fields
    /// (`Context`, `ThreadMap`). A method whose params and results carry none, and that has no
    /// runtime fields, can be called by the blocked thread itself, without the loop.
    pub params_caps: bool,
    /// Renders the params for the `send data` / `request data` Trace lines.
    pub params_text: Option<TextFn>,
    /// Renders the results for the `recv data` / `response data` Trace lines.
    pub results_text: Option<TextFn>,
}

impl MethodDesc {
    /// A method with no fields the runtime fills or reads, results that may carry
    /// capabilities, and no Trace rendering; set the other fields with struct update syntax.
    pub const fn new(
        interface_id: u64,
        interface_name: &'static str,
        id: u16,
        name: &'static str,
    ) -> Self {
        MethodDesc {
            interface_id,
            interface_name,
            id,
            name,
            context: None,
            thread_map_param: None,
            thread_map_result: None,
            results_caps: true,
            params_caps: true,
            params_text: None,
            results_text: None,
        }
    }

    /// Whether a blocked caller may send this call itself: nothing in its messages needs the
    /// loop (no capabilities but the caller's own `Context`, no `ThreadMap`).
    pub(crate) fn callable_without_loop(&self) -> bool {
        self.thread_map_param.is_none()
            && self.thread_map_result.is_none()
            && !self.results_caps
            && !self.params_caps
    }

    /// Whether a blocked caller may send this call itself when its params carry objects of
    /// its own (callbacks), lent by reusable export numbers (`reusable_export.rs`): a
    /// `Context`, and nothing else in its messages that needs the loop.
    pub(crate) fn may_lend_objects(&self) -> bool {
        self.params_caps
            && self.context.is_some()
            && self.thread_map_param.is_none()
            && self.thread_map_result.is_none()
            && !self.results_caps
    }

    /// How many pointers a params struct needs to hold the fields the runtime fills.
    pub(crate) fn runtime_param_pointers(&self) -> u16 {
        [self.context, self.thread_map_param]
            .into_iter()
            .flatten()
            .map(|i| i + 1)
            .max()
            .unwrap_or(0)
    }
}

/// One `$Proxy.wrap` interface: its methods (its superinterfaces' included) and the two the
/// runtime calls itself.
#[derive(Debug)]
pub struct InterfaceDesc {
    /// ID of the interface.
    pub id: u64,
    /// Schema name, for log lines (`CalculatorInterface`).
    pub name: &'static str,
    /// Every method the interface serves, inherited ones included.
    pub methods: &'static [&'static MethodDesc],
    /// `destroy`, which the runtime calls before it releases the last proxy of an object.
    pub destroy: Option<&'static MethodDesc>,
    /// `construct`, which the runtime calls when it connects, to exchange `ThreadMap`s.
    pub construct: Option<&'static MethodDesc>,
}

impl InterfaceDesc {
    /// Whether the interface has a `destroy` method.
    pub fn has_destroy(&self) -> bool {
        self.destroy.is_some()
    }

    /// The method with this (declaring interface, ordinal), if the interface serves it.
    pub fn method(&self, interface_id: u64, method_id: u16) -> Option<&'static MethodDesc> {
        self.methods
            .iter()
            .copied()
            .find(|m| m.interface_id == interface_id && m.id == method_id)
    }
}
