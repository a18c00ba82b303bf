//! Resynchronisation after structural damage: find the next place where splitting can
//! safely start again (json-perf.md "Malformed JSON in one element").

use crate::element::{ElementParser, KNOWN_ELEMENT_KEYS};
use crate::split::is_json_whitespace;
use crate::split::value_end;

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
    search_anchor::<true>(buf, from, eof, limit, parser, documents)
}

/// [`find_anchor`], passing over objects with no known key unparsed when `PASS_OVER` (the
/// search without it is the specification the tests hold the shortcut to).
fn search_anchor<const PASS_OVER: bool>(
    buf: &[u8],
    from: usize,
    eof: bool,
    limit: usize,
    parser: &mut ElementParser,
    documents: DocumentAnchors,
) -> Anchor {
    let mut search = from;
    // Where the next backslash or known element key is, from the last candidate on.
    let mut key_hint: Option<usize> = None;
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
        // An object that closes before the next backslash or known element key has none of
        // those keys (with no escape, its keys are its bytes as written): not an element,
        // so it is passed over unparsed. Inside a long element that is nearly every object
        // (its items), and parsing them was most of the search.
        let end = if PASS_OVER {
            let hint = match key_hint {
                Some(hint) if hint >= open => hint,
                _ => {
                    let hint = next_key_or_escape(buf, open);
                    key_hint = Some(hint);
                    hint
                }
            };
            let bound = limit.min(hint.saturating_sub(open));
            match value_end(buf, open, bound) {
                Some(_) => continue,
                // Read as far as the full read goes (the limit or the buffer's end): it
                // does not close there either.
                None if bound == limit || open.saturating_add(bound) >= buf.len() => None,
                None => value_end(buf, open, limit),
            }
        } else {
            value_end(buf, open, limit)
        };
        match end {
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

/// For each byte, the keys of [`KNOWN_ELEMENT_KEYS`] that start with it, as a bit set of
/// their indices (at most three share a first letter).
// Const evaluation: `index < 12` and a byte is below 256, so the indexing cannot fail.
#[allow(clippy::indexing_slicing, clippy::cast_lossless)]
const KEYS_BY_FIRST_BYTE: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut index = 0;
    while index < KNOWN_ELEMENT_KEYS.len() {
        if let [first, ..] = KNOWN_ELEMENT_KEYS[index] {
            table[*first as usize] |= 1 << index;
        }
        index += 1;
    }
    table
};

/// The position of the first backslash, or of the opening quote of the first `"key"` whose
/// key is one of [`KNOWN_ELEMENT_KEYS`], at or after `from`; the buffer's length if there
/// is none.
fn next_key_or_escape(buf: &[u8], from: usize) -> usize {
    let rest = buf.get(from..).unwrap_or_default();
    for at in memchr::memchr2_iter(b'"', b'\\', rest) {
        if rest.get(at) == Some(&b'\\') {
            return from.saturating_add(at);
        }
        let after = rest.get(at.saturating_add(1)..).unwrap_or_default();
        let Some(&first) = after.first() else {
            break;
        };
        let mut keys = KEYS_BY_FIRST_BYTE
            .get(usize::from(first))
            .copied()
            .unwrap_or(0);
        while keys != 0 {
            let index = keys.trailing_zeros() as usize;
            keys &= keys.wrapping_sub(1);
            if let Some(key) = KNOWN_ELEMENT_KEYS.get(index)
                && after.starts_with(key)
                && after.get(key.len()) == Some(&b'"')
            {
                return from.saturating_add(at);
            }
        }
    }
    buf.len()
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

    proptest::proptest! {
        /// Passing over objects with no backslash and no known key before they close finds
        /// the anchor the full search finds, in any mix of elements, items, escaped keys,
        /// key names inside strings, documents and stray bytes.
        #[test]
        fn passing_over_keyless_objects_finds_the_same_anchor(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                r#"{"devSn":"1","succ":"0","dataItem":["#,
                "]}",
                r#"{"dataItemId":"a","responseFlag":1,"value":"x"}"#,
                r#"{"dataItemId":"b","value":{"v":[1,{"w":2}]}}"#,
                r#"{"dev\u0053n":"2"}"#,
                r#"{"a":"\"devSn\":1"}"#,
                r#"{"devSnX":1,"rop2":3}"#,
                r#"{"rop":"1/4"}"#,
                r#"{"x":"\\"}"#,
                r#"{"devDataList":["#,
                r#"{"cmdType":"GET","devSn":"9"}"#,
                "\"", "\\", "{", "}", ",", "\n", " ", "[", "]",
            ]), 0..40),
            from in 0usize..64,
            eof: bool,
            limit in proptest::prop_oneof![
                proptest::strategy::Just(16usize),
                proptest::strategy::Just(64),
                proptest::strategy::Just(1 << 20),
            ],
            anywhere: bool,
            starts_line: bool,
        ) {
            let buf = parts.concat();
            let documents = if anywhere {
                DocumentAnchors::Anywhere
            } else {
                DocumentAnchors::AtLineStart { buf_starts_line: starts_line }
            };
            let mut parser = ElementParser::new();
            let fast = search_anchor::<true>(
                buf.as_bytes(), from, eof, limit, &mut parser, documents,
            );
            let full = search_anchor::<false>(
                buf.as_bytes(), from, eof, limit, &mut parser, documents,
            );
            proptest::prop_assert_eq!(fast, full, "{}", buf);
        }
    }

    #[test]
    fn every_known_key_is_known_to_the_element_reader() {
        // The list resynchronisation passes over objects by is the element reader's: each
        // of its keys makes an object look like an element, and near misses do not.
        let mut parser = ElementParser::new();
        for key in KNOWN_ELEMENT_KEYS {
            let key = core::str::from_utf8(key).unwrap();
            for (json, known) in [
                (format!(r#"{{"{key}":1}}"#), true),
                (format!(r#"{{"{key}x":1}}"#), false),
                (format!(r#"{{"x{key}":1}}"#), false),
            ] {
                let looks = parser.parse_with(json.as_bytes(), |element| {
                    element.is_ok_and(|element| element.looks_like_element())
                });
                assert_eq!(looks, known, "{json}");
            }
        }
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
