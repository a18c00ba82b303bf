//! Load-time diagnostics with file, line and column.

use core::fmt;

/// One problem in a rule file, located by line and column (1-based; columns count characters).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// The layer's name (`builtin`, or the path given on the command line).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// The error of loading rule layers: every problem found, in file order.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RulesError {
    /// The problems, at least one.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.diagnostics.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            fmt::Display::fmt(diagnostic, f)?;
        }
        Ok(())
    }
}

impl std::error::Error for RulesError {}

/// A position in a layer's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pos {
    pub(crate) line: usize,
    pub(crate) column: usize,
}

impl Pos {
    /// The line and column of byte `offset` in `text` (clamped to the text; a non-boundary
    /// offset is moved back to the previous character boundary).
    pub(crate) fn of(text: &str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset = offset.saturating_sub(1);
        }
        let before = text.get(..offset).unwrap_or_default();
        let line_start = before
            .rfind('\n')
            .map_or(0, |newline| newline.saturating_add(1));
        Self {
            line: before.matches('\n').count().saturating_add(1),
            column: before
                .get(line_start..)
                .unwrap_or_default()
                .chars()
                .count()
                .saturating_add(1),
        }
    }
}

/// Collects diagnostics for one layer.
#[derive(Debug)]
pub(crate) struct Sink<'t> {
    pub(crate) file: &'t str,
    pub(crate) text: &'t str,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'t> Sink<'t> {
    pub(crate) fn new(file: &'t str, text: &'t str) -> Self {
        Self {
            file,
            text,
            diagnostics: Vec::new(),
        }
    }

    pub(crate) fn pos(&self, offset: usize) -> Pos {
        Pos::of(self.text, offset)
    }

    pub(crate) fn error_at(&mut self, offset: usize, message: impl Into<String>) {
        let pos = self.pos(offset);
        self.push(pos, message);
    }

    pub(crate) fn push(&mut self, pos: Pos, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic {
            file: self.file.to_owned(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "a = 1\n码 = \"x\"\n";
        assert_eq!(Pos::of(text, 0), Pos { line: 1, column: 1 });
        assert_eq!(Pos::of(text, 6), Pos { line: 2, column: 1 });
        // After the 3-byte 码 and a space: column 3.
        assert_eq!(Pos::of(text, 10), Pos { line: 2, column: 3 });
        // Inside a multi-byte character: moved back to its start.
        assert_eq!(Pos::of(text, 7), Pos { line: 2, column: 1 });
        assert_eq!(Pos::of(text, 10_000).line, 3);
    }

    #[test]
    fn display_is_file_line_column() {
        let error = RulesError {
            diagnostics: vec![
                Diagnostic {
                    file: "a.toml".into(),
                    line: 3,
                    column: 7,
                    message: "bad".into(),
                },
                Diagnostic {
                    file: "a.toml".into(),
                    line: 9,
                    column: 1,
                    message: "worse".into(),
                },
            ],
        };
        assert_eq!(error.to_string(), "a.toml:3:7: bad\na.toml:9:1: worse");
    }
}
