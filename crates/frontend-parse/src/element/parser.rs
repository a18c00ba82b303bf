//! Parses one element with simd-json, reusing every buffer between calls.

use core::fmt;

use simd_json::value::tape::{Node, Tape};
use simd_json::{Buffers, INPUT_PADDING, fill_tape_padded};

use super::scan::{self, ScanBuffers};
use super::{DataItem, Element, ItemIter};

/// Elements nest a few levels (element → `dataItem` → item → value); anything deeper than
/// this is rejected instead of walked, which bounds the parser's work stack.
const MAX_DEPTH: usize = 128;

/// Buffers grown past this by one huge element are dropped afterwards, so that a single
/// outlier does not pin its memory for the rest of the run.
const KEEP_CAPACITY: usize = 1 << 20;

/// Entries (items, reads) kept in the reused vectors after one huge element, likewise.
const KEEP_ENTRIES: usize = 1 << 14;

/// Why an element could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ElementErrorKind {
    /// Not valid JSON (syntax, bad escape, invalid UTF-8, too deep…).
    InvalidJson,
    /// Valid JSON, but not an object.
    NotAnObject,
    /// An object whose `dataItem` holds another element: a damaged element that swallowed
    /// the ones after it (reported by the engine, never by [`ElementParser`]).
    NestedElement,
    /// An object with a `devDataList` key where an element was expected: the previous
    /// document lost its end (reported by the engine).
    NestedDocument,
}

/// An element that could not be read: where (byte offset inside the element) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElementError {
    /// Byte offset inside the element where the problem was found.
    pub offset: usize,
    /// The kind of problem.
    pub kind: ElementErrorKind,
    /// The JSON parser's description (`ExpectedMapComma at character 57`).
    pub detail: String,
}

impl fmt::Display for ElementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ElementErrorKind::InvalidJson => {
                write!(f, "invalid JSON at byte {}: {}", self.offset, self.detail)
            }
            ElementErrorKind::NotAnObject => write!(f, "element is not an object"),
            ElementErrorKind::NestedDocument => {
                write!(
                    f,
                    "a document where an element was expected (structural damage)"
                )
            }
            ElementErrorKind::NestedElement => write!(
                f,
                "an element inside another element's dataItem at byte {} (structural damage)",
                self.offset
            ),
        }
    }
}

impl std::error::Error for ElementError {}

/// A reusable element parser. Elements are read by a single-pass scanner that borrows the
/// input; what it is unsure of (and every error) goes to simd-json, with its buffers, the tape
/// and a padded scratch copy of the element (simd-json unescapes strings in place, so the
/// input is copied, never mutated).
pub struct ElementParser {
    buffers: Buffers,
    tape: Vec<Node<'static>>,
    scratch: Vec<u8>,
    scan: ScanBuffers,
    items: Vec<DataItem<'static>>,
    /// Elements read by simd-json because the scanner was unsure (for tests and benches).
    fallbacks: u64,
}

impl fmt::Debug for ElementParser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ElementParser")
            .field("scratch_capacity", &self.scratch.capacity())
            .field("tape_capacity", &self.tape.capacity())
            .field("fallbacks", &self.fallbacks)
            .finish_non_exhaustive()
    }
}

impl Default for ElementParser {
    fn default() -> Self {
        Self::new()
    }
}

impl ElementParser {
    /// A parser with small initial buffers (they grow to the largest element seen).
    pub fn new() -> Self {
        Self {
            buffers: Buffers::with_max_depth(4096, MAX_DEPTH),
            tape: Vec::new(),
            scratch: Vec::new(),
            scan: ScanBuffers::default(),
            items: Vec::new(),
            fallbacks: 0,
        }
    }

    /// Parses `bytes` as one element and hands the result to `with`. The element borrows the
    /// parser, hence the callback.
    ///
    /// ```
    /// use frontend_parse::ElementParser;
    /// let mut parser = ElementParser::new();
    /// let dev_sn = parser.parse_with(br#"{"devSn":"800","succ":"1"}"#, |element| {
    ///     element.ok().and_then(|e| e.dev_sn()).map(|sn| sn.to_string())
    /// });
    /// assert_eq!(dev_sn.as_deref(), Some("800"));
    /// ```
    pub fn parse_with<R>(
        &mut self,
        bytes: &[u8],
        with: impl FnOnce(Result<Element<'_>, ElementError>) -> R,
    ) -> R {
        let output = if scan::scan(bytes, &mut self.scan).is_ok() {
            self.read_scanned(bytes, with)
        } else {
            self.fallbacks = self.fallbacks.saturating_add(1);
            self.parse_tape(bytes, with)
        };
        if bytes.len() > KEEP_CAPACITY
            || self.items.capacity() > KEEP_ENTRIES
            || self.scan.capacity() > KEEP_CAPACITY
        {
            let fallbacks = self.fallbacks;
            *self = Self::new();
            self.fallbacks = fallbacks;
        }
        output
    }

    /// How many elements so far were read by simd-json because the fast scanner was unsure
    /// of them (errors included).
    #[doc(hidden)]
    pub fn fallbacks(&self) -> u64 {
        self.fallbacks
    }

    /// Parses `bytes` with simd-json only (the reference the fast scanner is tested against).
    #[doc(hidden)]
    pub fn parse_with_simd_json<R>(
        &mut self,
        bytes: &[u8],
        with: impl FnOnce(Result<Element<'_>, ElementError>) -> R,
    ) -> R {
        self.parse_tape(bytes, with)
    }

    /// Hands on the element a successful scan read.
    fn read_scanned<R>(
        &mut self,
        bytes: &[u8],
        with: impl FnOnce(Result<Element<'_>, ElementError>) -> R,
    ) -> R {
        let (fields, items, nested_element) = scan::resolve(bytes, &self.scan);
        with(Ok(
            fields.with_items(ItemIter::Scanned(items), nested_element)
        ))
    }

    /// Parses with simd-json and reads the element from the tape.
    fn parse_tape<R>(
        &mut self,
        bytes: &[u8],
        with: impl FnOnce(Result<Element<'_>, ElementError>) -> R,
    ) -> R {
        self.scratch.clear();
        self.scratch.extend_from_slice(bytes);
        self.scratch
            .resize(bytes.len().saturating_add(INPUT_PADDING), b' ');
        let mut items = recycle(core::mem::take(&mut self.items));
        let mut tape: Tape<'_> = Tape(core::mem::take(&mut self.tape)).reset();
        let parsed = fill_tape_padded(&mut self.scratch, bytes.len(), &mut self.buffers, &mut tape);
        let output = match parsed {
            Ok(()) => match Element::fields_from_tape(&tape.0, &mut items) {
                Some((fields, nested_element)) => with(Ok(
                    fields.with_items(ItemIter::Read(items.iter()), nested_element)
                )),
                None => with(Err(ElementError {
                    offset: 0,
                    kind: ElementErrorKind::NotAnObject,
                    detail: String::new(),
                })),
            },
            Err(error) => with(Err(ElementError {
                offset: error.index().min(bytes.len()),
                kind: ElementErrorKind::InvalidJson,
                detail: error.to_string(),
            })),
        };
        self.items = recycle(items);
        self.tape = tape.reset().0;
        output
    }
}

/// Gives a vector of items back with a new lifetime, keeping its allocation: an empty `Vec`
/// holds no borrow, and the in-place `collect` reuses the buffer.
#[expect(
    clippy::unnecessary_filter_map,
    reason = "changes the element type's lifetime, which `filter` cannot"
)]
fn recycle<'new>(mut items: Vec<DataItem<'_>>) -> Vec<DataItem<'new>> {
    items.clear();
    items.into_iter().filter_map(|_| None).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::{ErrorCodeField, FieldText};

    const SEED_ELEMENT: &str = r#"{
      "cmdType": "PROXY_TRANS_GET_REQUEST",
      "commDevId": "1147186771",
      "dataItem": [
        {
          "dataItemId": "2014-10200-000",
          "responseFlag": 2
        }
      ],
      "devSn": "8000000042769980",
      "devType": "METER",
      "endTime": "2023-03-14 16:08:22",
      "errorCode": "TK013前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效]}",
      "frameNum": 1,
      "operator": "464512747540262914",
      "rop": "1/4",
      "startTime": "2023-03-14 16:07:48",
      "succ": "0"
    }"#;

    #[test]
    fn reads_the_seed_example() {
        let mut parser = ElementParser::new();
        parser.parse_with(SEED_ELEMENT.as_bytes(), |element| {
            let element = element.unwrap();
            assert_eq!(element.dev_sn().unwrap(), "8000000042769980");
            assert_eq!(element.comm_dev_id().unwrap(), "1147186771");
            assert_eq!(element.dev_type().unwrap(), "METER");
            assert_eq!(element.cmd_type().unwrap(), "PROXY_TRANS_GET_REQUEST");
            assert!(
                matches!(element.error_code, ErrorCodeField::Text(t) if t.starts_with("TK013"))
            );
            assert_eq!(element.succ, Some(false));
            assert_eq!(element.frame_num, Some(1));
            assert!(element.looks_like_element());
            let items: Vec<_> = element.items().collect();
            assert_eq!(items.len(), 1);
            assert_eq!(items[0].data_item_id().unwrap(), "2014-10200-000");
            assert_eq!(items[0].response_flag, Some(2));
        });
    }

    #[test]
    fn skips_values_of_any_shape_and_unknown_keys() {
        let json = br#"{"x":{"a":[1,{"b":null}]},"dataItem":[{"value":{"k":[1,2,{"z":"w"}]},"dataItemId":"a","responseFlag":"0"},"b",7,{"responseFlag":3.0,"dataItemId":12}],"succ":true,"errorCode":null}"#;
        let mut parser = ElementParser::new();
        parser.parse_with(json, |element| {
            let element = element.unwrap();
            assert_eq!(element.succ, Some(true));
            assert_eq!(element.error_code, ErrorCodeField::Absent);
            let items: Vec<_> = element.items().collect();
            assert_eq!(items.len(), 3);
            assert_eq!(items[0].data_item_id().unwrap(), "a");
            assert_eq!(items[0].response_flag, Some(0));
            assert_eq!(items[1].data_item_id().unwrap(), "b");
            assert_eq!(items[2].data_item_id().unwrap(), FieldText::UInt(12));
            assert_eq!(items[2].response_flag, Some(3));
        });
    }

    #[test]
    fn errors_and_non_objects() {
        let mut parser = ElementParser::new();
        let error = parser.parse_with(br#"{"a": 1,"#, |e| e.unwrap_err());
        assert_eq!(error.kind, ElementErrorKind::InvalidJson);
        assert!(error.offset <= 8);
        let error = parser.parse_with(b"[1,2]", |e| e.unwrap_err());
        assert_eq!(error.kind, ElementErrorKind::NotAnObject);
        assert!(parser.parse_with(b"", |e| e.is_err()));
        assert!(parser.parse_with(b"{}", |e| !e.unwrap().looks_like_element()));
        assert!(parser.parse_with(b"{\"succ\":\"\xff\"}", |e| e.is_err()));
        let deep = format!("{}{}", "[".repeat(500), "]".repeat(500));
        assert!(parser.parse_with(deep.as_bytes(), |e| e.is_err()));
        // The parser is still usable after errors.
        assert!(parser.parse_with(br#"{"devSn":"1"}"#, |e| e.is_ok()));
    }

    #[test]
    fn error_code_shapes() {
        let mut parser = ElementParser::new();
        for (json, expected) in [
            (r#"{"errorCode":""}"#, ErrorCodeField::Absent),
            (r#"{"errorCode":"  "}"#, ErrorCodeField::Absent),
            (r#"{"errorCode":0}"#, ErrorCodeField::Absent),
            (r#"{"errorCode":false}"#, ErrorCodeField::Absent),
            (r#"{"errorCode":17}"#, ErrorCodeField::Unreadable),
            (r#"{"errorCode":{}}"#, ErrorCodeField::Unreadable),
            (r#"{"errorCode":"C001"}"#, ErrorCodeField::Text("C001")),
        ] {
            parser.parse_with(json.as_bytes(), |e| {
                assert_eq!(e.unwrap().error_code, expected, "{json}");
            });
        }
    }

    #[test]
    fn escaped_strings_are_unescaped() {
        let mut parser = ElementParser::new();
        parser.parse_with(br#"{"devSn":"a\"b\\c\u00e9"}"#, |e| {
            assert_eq!(e.unwrap().dev_sn().unwrap(), "a\"b\\c\u{e9}");
        });
    }
}
