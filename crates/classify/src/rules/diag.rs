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
    #[cfg(test)]
    pub(crate) fn of(text: &str, offset: usize) -> Self {
        Self::with_line_starts(text, &line_starts(text), offset)
    }

    /// The position of `offset`, with the text's line starts computed once: the loader asks for the
    /// position of every rule id and preset, and counting from the top each time made
    /// loading the builtin table quadratic in its length.
    fn with_line_starts(text: &str, starts: &[usize], offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset = offset.saturating_sub(1);
        }
        // The last line start at or before `offset` (there is always one: 0).
        let line_index = starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let line_start = starts.get(line_index).copied().unwrap_or(0);
        Self {
            line: line_index.saturating_add(1),
            column: text
                .get(line_start..offset)
                .unwrap_or_default()
                .chars()
                .count()
                .saturating_add(1),
        }
    }
}

/// Byte offsets where lines start: 0 and every byte after a `\n`.
fn line_starts(text: &str) -> Vec<usize> {
    core::iter::once(0)
        .chain(
            text.match_indices('\n')
                .map(|(newline, _)| newline.saturating_add(1)),
        )
        .collect()
}

/// Collects diagnostics for one layer.
#[derive(Debug)]
pub(crate) struct Sink<'t> {
    pub(crate) file: &'t str,
    pub(crate) text: &'t str,
    pub(crate) diagnostics: Vec<Diagnostic>,
    line_starts: Vec<usize>,
}

impl<'t> Sink<'t> {
    pub(crate) fn new(file: &'t str, text: &'t str) -> Self {
        Self {
            file,
            text,
            diagnostics: Vec::new(),
            line_starts: line_starts(text),
        }
    }

    pub(crate) fn pos(&self, offset: usize) -> Pos {
        Pos::with_line_starts(self.text, &self.line_starts, offset)
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
    fn every_offset_agrees_with_counting_from_the_top() {
        let text = "\n[rule]\nid = \"码表\"\n\n  x = 1\nlast";
        for offset in 0..=text.len() + 2 {
            let mut at = offset.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let before = &text[..at];
            let line_start = before.rfind('\n').map_or(0, |n| n + 1);
            let expected = Pos {
                line: before.matches('\n').count() + 1,
                column: before[line_start..].chars().count() + 1,
            };
            assert_eq!(Pos::of(text, offset), expected, "offset {offset}");
        }
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
