//! Field classification, the original's rules (wire-protocol.md section 6, `gen.cpp`'s
//! `FieldList`): params then results-only fields, same-name fields merged into in/out,
//! `result` is the return value, `$Proxy.exception` fields are exception slots, `$Proxy.skip`
//! and `Void` fields are ignored, `count(0)` fields are implicit, and `hasX`/`wantX` are
//! companions of X.

use super::types::{Slot, Type};
use super::{CompanionKind, Field, ProxyAnnotations, Role};

/// A field as read from one struct, before classification.
pub(crate) struct RawField {
    pub(crate) name: String,
    pub(crate) annotations: ProxyAnnotations,
    /// `$Proxy.count` of the field's struct or interface type.
    pub(crate) type_count: Option<i32>,
    pub(crate) is_context: bool,
    pub(crate) is_thread_map: bool,
    pub(crate) slot: Slot,
    pub(crate) line: Option<u32>,
}

type Report<'r> = dyn FnMut(Option<u32>, String) + 'r;

/// The original's `Cap()`: upper-cases the first character if it is ASCII a-z.
pub(crate) fn cap(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_lowercase() => c.to_ascii_uppercase().to_string() + chars.as_str(),
        Some(c) => c.to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// Classifies the fields of one method; `at` is `Interface.method` for messages.
pub(crate) fn method(
    at: &str,
    params: Vec<RawField>,
    results: Vec<RawField>,
    report: &mut Report<'_>,
) -> Vec<Field> {
    let mut fields: Vec<(Field, Vec<RawField>)> = Vec::new();
    for p in params {
        fields.push((new_field(&p, true), vec![p]));
    }
    for r in results {
        match fields
            .iter_mut()
            .find(|(f, _)| f.name == r.name && f.result.is_none())
        {
            Some((f, raws)) => {
                f.result = Some(r.slot.clone());
                f.skip |= r.annotations.skip;
                if f.native_name.is_none() {
                    f.native_name.clone_from(&r.annotations.name);
                }
                raws.push(r);
            }
            None => fields.push((new_field(&r, false), vec![r])),
        }
    }
    let mut out = Vec::new();
    for (mut f, raws) in fields {
        f.role = method_role(at, &f, &raws, report);
        out.push(f);
    }
    companions(at, &mut out, true, report);
    out
}

/// Classifies the fields of a struct; `at` is its name.
pub(crate) fn structure(at: &str, raw: Vec<RawField>, report: &mut Report<'_>) -> Vec<Field> {
    let mut out = Vec::new();
    for r in raw {
        let mut f = new_field(&r, true);
        f.role = if r.annotations.skip || r.slot.ty == Type::Void {
            Role::Skipped
        } else if r.is_context || r.is_thread_map || r.annotations.exception.is_some() {
            report(
                r.line,
                format!(
                    "{at}: field `{}`: Context, ThreadMap and $Proxy.exception are not allowed in a struct",
                    r.name
                ),
            );
            Role::Skipped
        } else {
            count_role(at, &r, report)
        };
        out.push(f);
    }
    companions(at, &mut out, false, report);
    out
}

fn new_field(r: &RawField, param: bool) -> Field {
    Field {
        name: r.name.clone(),
        native_name: r.annotations.name.clone(),
        role: Role::Skipped,
        param: param.then(|| r.slot.clone()),
        result: (!param).then(|| r.slot.clone()),
        has: None,
        has_type: None,
        want: None,
        cyclic: false,
        line: r.line,
        skip: r.annotations.skip,
    }
}

fn method_role(at: &str, f: &Field, raws: &[RawField], report: &mut Report<'_>) -> Role {
    let first = &raws[0];
    let name = &f.name;
    if raws.iter().any(|r| r.annotations.skip) || f.slot().ty == Type::Void {
        return Role::Skipped;
    }
    let exception = raws.iter().find_map(|r| r.annotations.exception.clone());
    if let Some(native) = exception {
        if f.param.is_some() {
            report(
                first.line,
                format!("{at}: field `{name}`: $Proxy.exception belongs on a results-only field"),
            );
            return Role::Skipped;
        }
        return Role::Exception { native };
    }
    if first.is_context {
        if f.result.is_some() {
            report(
                first.line,
                format!("{at}: field `{name}`: Proxy.Context is only allowed in params"),
            );
            return Role::Skipped;
        }
        return Role::Context;
    }
    if first.is_thread_map {
        return Role::ThreadMap;
    }
    if f.param.is_none() && name == "result" {
        return Role::Return;
    }
    count_role(at, first, report)
}

fn count_role(at: &str, r: &RawField, report: &mut Report<'_>) -> Role {
    match r.annotations.count.or(r.type_count).unwrap_or(1) {
        0 => Role::Implicit,
        n if n < 0 => {
            report(
                r.line,
                format!("{at}: field `{}`: $Proxy.count({n}) is negative", r.name),
            );
            Role::Skipped
        }
        n => Role::Value { count: n as u32 },
    }
}

/// Marks `hasX` (and, for methods, params `wantX`) companions, the way the original matches
/// them: by name only, over the whole merged list.
fn companions(at: &str, fields: &mut [Field], method: bool, report: &mut Report<'_>) {
    let names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
    for x in &names {
        let has = format!("has{}", cap(x));
        let want = format!("want{}", cap(x));
        if let Some(i) = names.iter().position(|n| *n == has) {
            let ty = fields[i].slot().ty.clone();
            if !ty.is_numeric() {
                report(
                    fields[i].line,
                    format!(
                        "{at}: field `{has}`: a has{} companion must be Bool or a number (the original reads it as a bool)",
                        cap(x)
                    ),
                );
            }
            fields[i].role = Role::Companion {
                kind: CompanionKind::Has,
                of: x.clone(),
            };
            let target = fields.iter_mut().find(|f| f.name == *x).expect("named");
            target.has = Some(has);
            target.has_type = Some(ty);
        }
        if !method {
            continue;
        }
        if let Some(i) = names.iter().position(|n| *n == want) {
            if fields[i].param.is_some() {
                fields[i].role = Role::Companion {
                    kind: CompanionKind::Want,
                    of: x.clone(),
                };
                let target = fields.iter_mut().find(|f| f.name == *x).expect("named");
                target.want = Some(want);
            }
        }
    }
}
