//! Finds the line of a declaration in a schema's text. The `CodeGeneratorRequest` carries no
//! source positions, and a schema error without a line sends users hunting, so the model
//! looks declarations up in the text it was given.

/// The text of one schema file, searchable by declaration.
pub(crate) struct Source<'a> {
    text: &'a str,
}

/// What follows the declared name.
pub(crate) enum After {
    /// `struct Name`, `interface Name`, `enum Name` (the keyword comes before).
    Keyword,
    /// `name @N` (a struct field or a method).
    Ordinal(u16),
    /// `name :Type` (a params or results field, which has no ordinal).
    Colon,
}

impl<'a> Source<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Source { text }
    }

    /// 1-based line of the first declaration of `name` at or after line `from`.
    pub(crate) fn find(&self, name: &str, after: After, from: u32) -> Option<u32> {
        let start = self.offset_of_line(from);
        let mut pos = start;
        while let Some(i) = self.text[pos..].find(name) {
            let at = pos + i;
            let end = at + name.len();
            pos = end;
            if !self.is_word(at, end) || self.in_comment(at) {
                continue;
            }
            let hit = match after {
                After::Keyword => {
                    let before = self.text[..at].trim_end();
                    ["struct", "interface", "enum"]
                        .iter()
                        .any(|k| before.ends_with(k))
                }
                After::Ordinal(n) => {
                    let rest = self.text[end..].trim_start();
                    rest.strip_prefix('@').is_some_and(|r| {
                        let digits: String = r.chars().take_while(char::is_ascii_digit).collect();
                        digits.parse::<u16>() == Ok(n)
                    })
                }
                After::Colon => self.text[end..].trim_start().starts_with(':'),
            };
            if hit {
                return Some(self.line_of(at));
            }
        }
        None
    }

    fn is_word(&self, at: usize, end: usize) -> bool {
        let ident = |c: char| c == '_' || c.is_ascii_alphanumeric();
        let before = self.text[..at].chars().next_back();
        let after = self.text[end..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    }

    fn in_comment(&self, at: usize) -> bool {
        let line_start = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        self.text[line_start..at].contains('#')
    }

    fn line_of(&self, at: usize) -> u32 {
        self.text[..at].matches('\n').count() as u32 + 1
    }

    fn offset_of_line(&self, line: u32) -> usize {
        if line <= 1 {
            return 0;
        }
        self.text
            .match_indices('\n')
            .nth(line as usize - 2)
            .map_or(self.text.len(), |(i, _)| i + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_declarations_by_kind() {
        let text = "@0x1;\n# struct Foo in a comment\nstruct Foo {\n  bar @0 :Int32;\n  baz @1 :Text;\n}\ninterface I {\n  m @0 (bar :Int32) -> ();\n}\n";
        let s = Source::new(text);
        assert_eq!(s.find("Foo", After::Keyword, 1), Some(3));
        assert_eq!(s.find("baz", After::Ordinal(1), 3), Some(5));
        assert_eq!(s.find("bar", After::Ordinal(1), 3), None);
        assert_eq!(s.find("I", After::Keyword, 1), Some(7));
        assert_eq!(s.find("bar", After::Colon, 8), Some(8));
    }
}
