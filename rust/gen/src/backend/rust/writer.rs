//! A small block writer, and the final formatting pass.
//!
//! Items are written as blocks (`head { ... }`) with lines inside; the finished text is parsed
//! with `syn` and printed with `prettyplease`, so the output is valid Rust and indented one
//! way by construction. A parse failure is a generator bug and is reported as such rather
//! than handed to rustc.

use std::fmt::Write as _;

/// Accumulates generated Rust.
#[derive(Default)]
pub(crate) struct Writer {
    out: String,
}

impl Writer {
    /// Appends one line (or several, already separated).
    pub(crate) fn line(&mut self, text: impl AsRef<str>) {
        self.out.push_str(text.as_ref());
        self.out.push('\n');
    }

    /// Appends a doc comment.
    pub(crate) fn doc(&mut self, text: impl AsRef<str>) {
        for l in text.as_ref().lines() {
            let _ = writeln!(self.out, "/// {l}");
        }
    }

    /// Appends `head { body }`.
    pub(crate) fn block(&mut self, head: impl AsRef<str>, body: impl FnOnce(&mut Writer)) {
        let _ = writeln!(self.out, "{} {{", head.as_ref());
        body(self);
        self.out.push_str("}\n");
    }

    /// The text written so far.
    pub(crate) fn finish(self) -> String {
        self.out
    }
}

/// Formats generated items; `Err` carries the parse error and the start of the text.
pub(crate) fn format(text: &str) -> Result<String, String> {
    match syn::parse_file(text) {
        Ok(file) => Ok(prettyplease::unparse(&file)),
        Err(e) => {
            let head: Vec<&str> = text.lines().take(5).collect();
            Err(format!(
                "internal error: generated Rust does not parse ({e}); it begins:\n{}",
                head.join("\n")
            ))
        }
    }
}
