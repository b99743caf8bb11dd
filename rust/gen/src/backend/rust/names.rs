//! Rust names: capnpc's accessor rule, keyword escaping, and the collision rule.
//!
//! Collision rule (documented in doc/generator.md): names that come from the schema (traits
//! for interfaces, structs for structs, capnpc's enums, trait methods) keep their names, and
//! two of them that meet are a schema error naming both. A helper name the generator adds
//! (`XClient`, `XServer`, `XWhich`, `XMethodException`, the async form `m_async`) that is
//! already taken gets `Proxy`/`proxy_` inserted before its role (`ChainProxyClient`,
//! `m_proxy_async`); if that is taken too, it is a schema error naming both.

/// capnpc's accessor stem: `solveEquation` -> `solve_equation`.
pub(crate) fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
    "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "do", "final", "macro", "override",
    "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// A Rust identifier for a schema name in snake case, escaping keywords.
pub(crate) fn ident(name: &str) -> String {
    let s = snake(name);
    if KEYWORDS.contains(&s.as_str()) {
        if matches!(s.as_str(), "self" | "super" | "crate") {
            format!("{s}_")
        } else {
            format!("r#{s}")
        }
    } else {
        s
    }
}

/// `SCREAMING_SNAKE` for statics.
pub(crate) fn upper(name: &str) -> String {
    snake(name).to_ascii_uppercase()
}

/// One namespace of generated names (a module's items, or a client's methods).
#[derive(Debug, Default)]
pub(crate) struct Namespace {
    /// Name -> what took it (for error messages).
    taken: std::collections::BTreeMap<String, String>,
}

impl Namespace {
    /// Claims a schema-derived name; `Err(owner)` when something else has it.
    pub(crate) fn claim(&mut self, name: &str, owner: &str) -> Result<(), String> {
        match self.taken.get(name) {
            Some(other) if other != owner => Err(other.clone()),
            _ => {
                self.taken.insert(name.to_string(), owner.to_string());
                Ok(())
            }
        }
    }

    /// Claims a helper name `{base}{role}` (or, when taken, `{base}Proxy{role}` in camel case
    /// and `{base}_proxy{role}` in snake case); `Err((wanted, owner))` when both are taken.
    pub(crate) fn helper(
        &mut self,
        base: &str,
        role: &str,
        owner: &str,
    ) -> Result<String, (String, String)> {
        let first = format!("{base}{role}");
        if self.claim(&first, owner).is_ok() {
            return Ok(first);
        }
        let infix = if role.starts_with('_') {
            "_proxy"
        } else {
            "Proxy"
        };
        let second = format!("{base}{infix}{role}");
        match self.claim(&second, owner) {
            Ok(()) => Ok(second),
            Err(other) => Err((first, other)),
        }
    }
}

/// capnpc's variant and type spelling of a field name: first letter upper-cased.
pub(crate) fn camel(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helper_names_give_way_to_schema_names() {
        let mut ns = Namespace::default();
        ns.claim("ChainClient", "interface ChainClient").unwrap();
        ns.claim("Chain", "interface Chain").unwrap();
        assert_eq!(
            ns.helper("Chain", "Client", "client of Chain").unwrap(),
            "ChainProxyClient"
        );
        assert_eq!(
            ns.helper("Chain", "Server", "server of Chain").unwrap(),
            "ChainServer"
        );
        let mut m = Namespace::default();
        m.claim("call_fn_async", "method callFnAsync").unwrap();
        assert_eq!(
            m.helper("call_fn", "_async", "async callFn").unwrap(),
            "call_fn_proxy_async"
        );
        assert!(ns.claim("Chain", "struct Chain").is_err());
    }
}
