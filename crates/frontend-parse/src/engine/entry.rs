//! What the engine hands to the caller's closure and sink.

use core::fmt;

use serde::Serialize;

use crate::element::Element;
use crate::failure::{Failure, Location};

/// One entry of the input, in input order, as the caller's closure sees it.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Entry<'a> {
    /// A well-formed element and its failures (none for a successful element).
    Element(&'a ElementEntry<'a>),
    /// A whole document that is an interface error envelope.
    Envelope(&'a EnvelopeEntry<'a>),
    /// Something that was skipped or repaired: a malformed element, damage between
    /// elements, a truncated document.
    Problem(&'a Problem),
}

impl<'a> Entry<'a> {
    /// The failures of this entry (empty for problems and successful elements).
    pub fn failures(&self) -> &'a [Failure<'a>] {
        match *self {
            Self::Element(entry) => entry.failures,
            Self::Envelope(entry) => core::slice::from_ref(&entry.failure),
            Self::Problem(_) => &[],
        }
    }
}

/// A well-formed element.
#[derive(Clone, Debug)]
pub struct ElementEntry<'a> {
    /// Where it is.
    pub location: Location<'a>,
    /// Its fields.
    pub element: Element<'a>,
    /// Its failures, in item order.
    pub failures: &'a [Failure<'a>],
}

/// An interface error envelope (`{"code":400,"data":null,"message":"…","success":false}`).
#[derive(Clone, Copy, Debug)]
pub struct EnvelopeEntry<'a> {
    /// Where it is (`element` is `None`).
    pub location: Location<'a>,
    /// The envelope's `code`.
    pub status: Option<i64>,
    /// The failure (code `interface`, the matched template and its variable).
    pub failure: Failure<'a>,
}

/// The kind of a [`Problem`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProblemKind {
    /// An element that is not valid JSON.
    InvalidElement,
    /// An element that is valid JSON but not an object.
    NotAnObject,
    /// Bytes between elements that are not an element (`null`, garbage).
    Junk,
    /// An element larger than the configured cap: skipped unread.
    TooLarge,
    /// An element cut off by the end of the input.
    Truncated,
    /// Structural damage (an unterminated string, a missing bracket) that swallowed the
    /// element's end: the splitter resynchronised at the next element.
    Damaged,
    /// Two elements without a comma between them (both kept).
    MissingComma,
    /// A comma too many (both neighbours kept).
    StrayComma,
    /// Bytes that do not fit the document's structure outside `devDataList`.
    Syntax,
    /// The input ended inside a document (outside an element).
    UnexpectedEnd,
    /// The input could not be read to its end (a corrupt gzip stream): what came before is
    /// kept.
    InputError,
}

impl ProblemKind {
    /// Whether this problem is an entry of `devDataList` that was skipped (counted in
    /// `malformed`, so that `elements = elements_ok + elements_failed + malformed`), as
    /// opposed to damage that costs no element (counted in `structural_errors`).
    pub const fn is_malformed_element(self) -> bool {
        matches!(
            self,
            Self::InvalidElement
                | Self::NotAnObject
                | Self::Junk
                | Self::TooLarge
                | Self::Truncated
                | Self::Damaged
        )
    }

    /// A short description.
    pub const fn describe(self) -> &'static str {
        match self {
            Self::InvalidElement => "invalid JSON in an element",
            Self::NotAnObject => "element is not an object",
            Self::Junk => "bytes between elements that are not an element",
            Self::TooLarge => "element larger than the cap",
            Self::Truncated => "element cut off by the end of the input",
            Self::Damaged => "structural damage; resynchronised at the next element",
            Self::MissingComma => "missing comma between elements",
            Self::StrayComma => "stray comma",
            Self::Syntax => "syntax error outside devDataList",
            Self::UnexpectedEnd => "input ended inside a document",
            Self::InputError => "input could not be read to its end",
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// A malformed element or other damage, reported in input order and skipped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Document index.
    pub doc: u64,
    /// Element index, for a malformed element.
    pub element: Option<u64>,
    /// Byte offset in the input (after decompression).
    pub offset: u64,
    /// Index of the input (in the order given).
    #[serde(skip)]
    pub input: usize,
    /// The kind.
    #[serde(skip)]
    pub kind: ProblemKind,
    /// A human-readable reason.
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "document {}", self.doc)?;
        if let Some(element) = self.element {
            write!(f, ", element {element}")?;
        }
        write!(f, ", byte {}: {}", self.offset, self.reason)
    }
}

/// What kind of document it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DocumentKind {
    /// A `devDataList` batch.
    Batch,
    /// An interface error envelope.
    Envelope,
    /// Neither (no `devDataList` and no envelope fields).
    Other,
}

/// A finished document, reported to the sink after the outputs with its entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DocumentInfo<'a> {
    /// Document index, over all inputs.
    pub doc: u64,
    /// Index of the input it came from.
    pub input: usize,
    /// Byte offset of the document in its input.
    pub offset: u64,
    /// Its `workId`.
    #[serde(rename = "workId")]
    pub work_id: Option<&'a str>,
    /// Its kind.
    pub kind: DocumentKind,
    /// Entries of its `devDataList` (well-formed and malformed).
    pub elements: u64,
    /// Whether it was read to its end without damage to its structure.
    pub complete: bool,
}

/// Progress of a run, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress<'a> {
    /// Index of the input being read.
    pub input: usize,
    /// Its name (a path, `-` for standard input).
    pub name: &'a str,
    /// Bytes of it read so far (compressed bytes for gzip input).
    pub read: u64,
    /// Its size, when known (a regular file).
    pub total: Option<u64>,
}
