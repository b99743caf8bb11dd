//! Which values may carry a capability: what a runtime needs to know to send a call without
//! its RPC system's capability tables (doc/design.md, "Direct calls").

use std::collections::BTreeSet;

use super::{Schema, Type};

impl Schema {
    /// Whether a value of type `t` may hold a capability: an interface, an `AnyPointer` or an
    /// unbound generic parameter, or a list or struct that may hold one (a struct this model
    /// does not describe counts as one that may).
    pub fn may_hold_caps(&self, t: &Type) -> bool {
        self.caps_in(t, &mut BTreeSet::new())
    }

    /// `seen`: the struct types (with their bindings) being answered higher up.
    fn caps_in(&self, t: &Type, seen: &mut BTreeSet<String>) -> bool {
        match t {
            Type::Interface(_) | Type::AnyPointer | Type::Param(_) => true,
            Type::List(e) => self.caps_in(e, seen),
            Type::Struct { id, args } => {
                // A struct seen before is answered there.
                if !seen.insert(format!("{t:?}")) {
                    return false;
                }
                let Some(s) = self.structs.get(id) else {
                    return true;
                };
                s.fields
                    .iter()
                    .filter_map(|f| f.param.as_ref())
                    .any(|slot| self.caps_in(&slot.ty.bind(args), seen))
            }
            _ => false,
        }
    }
}
