//! A small structured writer for C++: lines at the current indentation, braced blocks,
//! namespaces. Every emitter writes through it, so the output is indented one way.

/// Accumulates generated C++.
#[derive(Default)]
pub(crate) struct Writer {
    out: String,
    indent: usize,
}

impl Writer {
    /// Appends one line at the current indentation (an empty line stays empty).
    pub(crate) fn line(&mut self, text: impl AsRef<str>) {
        let text = text.as_ref();
        if !text.is_empty() {
            for _ in 0..self.indent {
                self.out.push_str("    ");
            }
            self.out.push_str(text);
        }
        self.out.push('\n');
    }

    /// Appends an empty line, unless the text so far is empty or already ends with one.
    pub(crate) fn blank(&mut self) {
        if !(self.out.is_empty() || self.out.ends_with("\n\n")) {
            self.out.push('\n');
        }
    }

    /// Appends a line one level out (`public:` in a class body).
    pub(crate) fn label(&mut self, text: &str) {
        self.indent -= 1;
        self.line(text);
        self.indent += 1;
    }

    /// Runs `body` one level deeper.
    pub(crate) fn indented(&mut self, body: impl FnOnce(&mut Writer)) {
        self.indent += 1;
        body(self);
        self.indent -= 1;
    }

    /// Appends `head`, then `{`, the indented body and `}` followed by `tail` (`;` after a
    /// class, nothing after a function), each on its own line.
    pub(crate) fn block(
        &mut self,
        head: impl AsRef<str>,
        tail: &str,
        body: impl FnOnce(&mut Writer),
    ) {
        self.line(head);
        self.line("{");
        self.indented(body);
        self.line(format!("}}{tail}"));
    }

    /// Appends `namespace name { ... } // namespace name` (the body is not indented, as
    /// usual in C++).
    pub(crate) fn namespace(&mut self, name: &str, body: impl FnOnce(&mut Writer)) {
        self.line(format!("namespace {name} {{"));
        body(self);
        self.line(format!("}} // namespace {name}"));
    }

    /// The text written so far.
    pub(crate) fn finish(self) -> String {
        self.out
    }
}
