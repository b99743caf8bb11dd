//! How one model field appears in C++: its accessor type with its flags, and which link of
//! the client and server field chains it is (if any).

use crate::model::{Direction, Field, Role};

use super::names::cap;

/// The link a field is in a method's client and server chains.
pub(crate) enum Link<'a> {
    /// A value standing for `args` C++ arguments (0 for fields the runtime or hooks fill:
    /// `Context`, `ThreadMap`, `$Proxy.count(0)`).
    Plain {
        /// How many C++ arguments.
        args: u32,
    },
    /// The C++ return value (`result`).
    Return,
    /// A thrown C++ exception of this type (`$Proxy.exception`).
    Exception(&'a str),
}

/// Whether C++ leaves the field out of `Accessors` and the chains: `$Proxy.skip` and
/// `hasX` / `wantX` companions. A `Void` field without `$Proxy.skip` stays in, as in the
/// original (the Rust backend hides it).
pub(crate) fn is_skipped(f: &Field) -> bool {
    match f.role {
        Role::Companion { .. } => true,
        Role::Skipped => f.skip || !f.is_void(),
        _ => false,
    }
}

/// The chain link of a method field; `None` for a skipped one.
pub(crate) fn link(f: &Field) -> Option<Link<'_>> {
    if is_skipped(f) {
        return None;
    }
    Some(match &f.role {
        Role::Value { count } => Link::Plain { args: *count },
        Role::Return => Link::Return,
        Role::Exception { native } => Link::Exception(native),
        Role::Context | Role::ThreadMap | Role::Implicit => Link::Plain { args: 0 },
        // A Void field: one C++ argument, as the original counts it.
        Role::Skipped | Role::Companion { .. } => Link::Plain { args: 1 },
    })
}

/// `Accessor<BASE_fields::Name, FLAGS>` for a field of a method (`in_struct` false) or of a
/// struct (whose fields are both in and out).
pub(crate) fn accessor(base: &str, f: &Field, in_struct: bool) -> String {
    let mut flags = if in_struct {
        "FIELD_IN | FIELD_OUT"
    } else {
        match f.direction() {
            Direction::In => "FIELD_IN",
            Direction::Out => "FIELD_OUT",
            Direction::InOut => "FIELD_IN | FIELD_OUT",
        }
    }
    .to_string();
    if f.has.is_some() {
        flags.push_str(" | FIELD_OPTIONAL");
    }
    if f.want.is_some() {
        flags.push_str(" | FIELD_REQUESTED");
    }
    if f.slot().ty.is_pointer() {
        flags.push_str(" | FIELD_BOXED");
    }
    format!("Accessor<{base}_fields::{}, {flags}>", cap(&f.name))
}
