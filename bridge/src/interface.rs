//! Interface descriptors made from C++: generated C++ code registers each interface once, and
//! the descriptor lives as long as the process (the core takes `&'static` descriptors).

use mp::core::{InterfaceDesc, MethodDesc};

use crate::ffi::MethodSpec;

/// A registered interface, for C++ to name when it connects, serves or reads a capability.
pub struct Interface {
    pub(crate) desc: &'static InterfaceDesc,
    /// The same methods for calls whose params carry no capability, by position: such a
    /// call may go direct when its results carry none either (the core decides by method).
    without_param_caps: &'static [&'static MethodDesc],
}

fn leak_str(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn index(i: i32) -> Option<u16> {
    u16::try_from(i).ok()
}

/// Registers an interface: its methods (inherited ones included) and the positions in
/// `methods` of `destroy` and `construct` (-1 when absent).
///
/// Each call leaks one descriptor; generated C++ code calls it once per interface (a
/// function-local static), so the total is bounded by the program's schemas.
pub fn new_interface(
    id: u64,
    name: &str,
    methods: Vec<MethodSpec>,
    destroy: i32,
    construct: i32,
) -> Result<Box<Interface>, String> {
    let pick = |i: i32| -> Result<Option<usize>, String> {
        match usize::try_from(i) {
            Err(_) => Ok(None),
            Ok(i) if i < methods.len() => Ok(Some(i)),
            Ok(i) => Err(format!(
                "interface {name}: method index {i} out of range ({} methods)",
                methods.len()
            )),
        }
    };
    let (destroy, construct) = (pick(destroy)?, pick(construct)?);
    let methods: Vec<MethodDesc> = methods
        .into_iter()
        .map(|m| MethodDesc {
            context: index(m.context),
            thread_map_param: index(m.thread_map_param),
            thread_map_result: index(m.thread_map_result),
            results_caps: m.results_caps,
            ..MethodDesc::new(
                m.interface_id,
                leak_str(m.interface_name),
                m.id,
                leak_str(m.name),
            )
        })
        .collect();
    let leak_all = |params_caps: bool| -> &'static [&'static MethodDesc] {
        let all: Vec<&'static MethodDesc> = methods
            .iter()
            .map(|m| {
                &*Box::leak(Box::new(MethodDesc {
                    params_caps,
                    ..m.clone()
                }))
            })
            .collect();
        Box::leak(all.into_boxed_slice())
    };
    let without_param_caps = leak_all(false);
    let methods = leak_all(true);
    let desc = Box::leak(Box::new(InterfaceDesc {
        id,
        name: leak_str(name.to_string()),
        methods,
        destroy: destroy.map(|i| methods[i]),
        construct: construct.map(|i| methods[i]),
    }));
    Ok(Box::new(Interface {
        desc,
        without_param_caps,
    }))
}

impl Interface {
    /// The method at position `index` of the registration.
    pub(crate) fn method(&self, index: usize) -> Result<&'static MethodDesc, String> {
        self.desc
            .methods
            .get(index)
            .copied()
            .ok_or_else(|| format!("interface {}: no method at index {index}", self.desc.name))
    }

    /// The method at `index` for a call whose params carry capabilities (`param_caps`) or
    /// not.
    pub(crate) fn method_for_call(
        &self,
        index: usize,
        param_caps: bool,
    ) -> Result<&'static MethodDesc, String> {
        if param_caps {
            return self.method(index);
        }
        self.method(index)?;
        Ok(self.without_param_caps[index])
    }
}
