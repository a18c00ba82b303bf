//! Resynchronisation after structural damage: find the next place where splitting can
//! safely start again (json-perf.md "Malformed JSON in one element").

use crate::element::ElementParser;
use crate::split::is_json_whitespace;
use crate::split::reference::value_end;

/// The keys of a top-level document: a `{` at the start of a line whose first key is one of
/// these starts a new document (NDJSON), not an element.
const DOCUMENT_KEYS: [&[u8]; 7] = [
    b"devDataList",
    b"workId",
    b"code",
    b"message",
    b"success",
    b"data",
    b"timestamp",
];

/// Where a `{` whose first key is a document key counts as a new document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DocumentAnchors {
    /// Anywhere: no document is open (garbage between documents), so the first `{` that
    /// opens with a document key is where the next document starts (`garbage{"devDataList"`).
    Anywhere,
    /// Only at the start of a line (NDJSON): inside a damaged document a `{` elsewhere is
    /// more likely an element. `buf_starts_line` tells whether the buffer's first byte is at
    /// a line start of the input (the buffer is a window on the input: its first byte is not
    /// the input's first byte once consumed bytes were dropped).
    AtLineStart {
        /// Whether `buf[0]` is at a line start.
        buf_starts_line: bool,
    },
}

/// Where splitting can start again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// An element starts here: it splits cleanly, parses, and has element keys.
    Element(usize),
    /// A new document starts here.
    Document(usize),
    /// Undecided at the buffer's end: search again from here with more data.
    NeedMore(usize),
    /// Nothing until the end of the input.
    None,
}

/// Searches `buf` from `from` for the next anchor. A candidate element must close within
/// `limit` bytes, parse as JSON and carry at least one element key (nested `dataItem` objects
/// and text inside strings fail that test).
pub(crate) fn find_anchor(
    buf: &[u8],
    from: usize,
    eof: bool,
    limit: usize,
    parser: &mut ElementParser,
    documents: DocumentAnchors,
) -> Anchor {
    let mut search = from;
    loop {
        let Some(rest) = buf.get(search..) else {
            return Anchor::None;
        };
        let Some(found) = memchr::memchr(b'{', rest) else {
            return if eof {
                Anchor::None
            } else {
                Anchor::NeedMore(buf.len())
            };
        };
        let open = search.saturating_add(found);
        search = open.saturating_add(1);
        let after = buf.get(search..).unwrap_or_default();
        let Some(first) = after.iter().position(|&b| !is_json_whitespace(b)) else {
            if eof {
                return Anchor::None;
            }
            return Anchor::NeedMore(open);
        };
        if after.get(first) != Some(&b'"') {
            continue;
        }
        let document_possible = match documents {
            DocumentAnchors::Anywhere => true,
            DocumentAnchors::AtLineStart { buf_starts_line } => {
                starts_line(buf, open, buf_starts_line)
            }
        };
        if document_possible {
            let key_start = search.saturating_add(first).saturating_add(1);
            let key = buf.get(key_start..).unwrap_or_default();
            match memchr::memchr(b'"', key) {
                Some(len) => {
                    let key = key.get(..len).unwrap_or_default();
                    if DOCUMENT_KEYS.contains(&key) {
                        return Anchor::Document(open);
                    }
                }
                None if !eof => return Anchor::NeedMore(open),
                None => {}
            }
        }
        match value_end(buf, open, limit) {
            Some(end) => {
                let bytes = buf.get(open..end).unwrap_or_default();
                let is_element = parser.parse_with(bytes, |element| {
                    element.is_ok_and(|element| {
                        element.looks_like_element()
                            && !element.has_nested_element()
                            && !element.is_document()
                    })
                });
                if is_element {
                    return Anchor::Element(open);
                }
            }
            None if !eof && buf.len().saturating_sub(open) < limit => {
                return Anchor::NeedMore(open);
            }
            None => {}
        }
    }
}

/// Whether `pos` starts a line (only whitespace since the previous `\n`, or since the
/// buffer's start when `buf_starts_line`).
fn starts_line(buf: &[u8], pos: usize, buf_starts_line: bool) -> bool {
    line_start_after(buf.get(..pos).unwrap_or_default(), buf_starts_line)
}

/// Whether the byte after `consumed` is at a line start, given whether `consumed`'s first
/// byte was: the line-start state carried over when a buffer's front is dropped.
pub(crate) fn line_start_after(consumed: &[u8], starts_line: bool) -> bool {
    match consumed
        .iter()
        .rposition(|&b| !matches!(b, b' ' | b'\t' | b'\r'))
    {
        Some(index) => consumed.get(index) == Some(&b'\n'),
        None => starts_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor(buf: &str, eof: bool) -> Anchor {
        find_anchor(
            buf.as_bytes(),
            0,
            eof,
            1 << 20,
            &mut ElementParser::new(),
            DocumentAnchors::AtLineStart {
                buf_starts_line: true,
            },
        )
    }

    #[test]
    fn skips_nested_objects_and_string_text() {
        let buf = r#"x","dataItem":[{"dataItemId":"a"}],"t":"{\"devSn\":1"},{"devSn":"2"}"#;
        let expected = buf.find(r#"{"devSn":"2"#).unwrap();
        assert_eq!(anchor(buf, true), Anchor::Element(expected));
    }

    #[test]
    fn document_anchor_at_line_start() {
        let buf = "garbage\n{\"devDataList\":[{\"devSn\":\"1\"}]}";
        assert_eq!(anchor(buf, true), Anchor::Document(8));
        // Not at a line start: the element inside is the anchor.
        let buf = "garbage {\"devDataList\":[{\"devSn\":\"1\"}]}";
        assert_eq!(anchor(buf, true), Anchor::Element(24));
    }

    #[test]
    fn document_anchor_after_a_dropped_buffer_front() {
        let buf = br#"{"devDataList":[{"devSn":"1"}]}"#;
        let mut parser = ElementParser::new();
        let mut at = |documents| find_anchor(buf, 0, true, 1 << 20, &mut parser, documents);
        // The `{` at the buffer's start follows dropped bytes that did not end a line.
        assert_eq!(
            at(DocumentAnchors::AtLineStart {
                buf_starts_line: false
            }),
            Anchor::Element(16)
        );
        assert_eq!(
            at(DocumentAnchors::AtLineStart {
                buf_starts_line: true
            }),
            Anchor::Document(0)
        );
        assert_eq!(at(DocumentAnchors::Anywhere), Anchor::Document(0));
        let garbage = br#"this is not{"devDataList":[]}"#;
        assert_eq!(
            find_anchor(
                garbage,
                1,
                true,
                1 << 20,
                &mut parser,
                DocumentAnchors::Anywhere
            ),
            Anchor::Document(11)
        );
    }

    #[test]
    fn line_start_carries_over_dropped_bytes() {
        assert!(line_start_after(b"", true));
        assert!(!line_start_after(b"", false));
        assert!(line_start_after(b"x\n \t", false));
        assert!(!line_start_after(b"\nx ", true));
        assert!(line_start_after(b"  ", true));
    }

    #[test]
    fn incomplete_candidates_need_more_data() {
        assert_eq!(anchor(r#"xx{"devSn":"1""#, false), Anchor::NeedMore(2));
        assert_eq!(anchor(r#"xx{"devSn":"1""#, true), Anchor::None);
        assert_eq!(anchor("xx{", false), Anchor::NeedMore(2));
        assert_eq!(anchor("xxx", false), Anchor::NeedMore(3));
        assert_eq!(anchor("xxx", true), Anchor::None);
    }
}
