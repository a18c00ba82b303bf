//! Splitting the inside of `devDataList` into elements without parsing them.
//!
//! The splitter runs at array level: it tracks strings (a `"` toggles, a backslash escapes the
//! next byte), counts brackets outside strings, and reports each top-level value as an
//! [`ArrayEvent::Element`] span. The bytes between elements are checked (whitespace and one
//! comma); anything else is reported, never silently dropped.
//!
//! Two implementations with identical semantics: [`split_array`] classifies 64-byte chunks
//! into bitmasks (SSE2 through `safe_arch` on x86-64, elsewhere safe code the compiler
//! vectorises), [`reference::split_array`] walks byte by byte and is the specification the
//! property tests hold the fast one to.
//!
//! Before either, [`split_anchored`] guesses the ends of compact elements from the anchor
//! that starts the next one (`},{"devSn"`), which the element reader then checks; see
//! `anchored.rs` for why a piece that reads is exact.

mod anchored;
mod bitmask;
pub(crate) mod reference;

pub(crate) use anchored::{Anchored, split_anchored};
pub(crate) use bitmask::{Known, OpenElement, split_array, split_array_resuming, value_end};

/// What the splitter expects next at array level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Expect {
    /// Just after `[`: a value or `]`.
    ValueOrEnd,
    /// After an element: `,` or `]`.
    CommaOrEnd,
    /// After `,` (or where splitting resumes at an element's start): a value.
    Value,
}

/// A problem between elements that damages no element (both neighbours are kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum GapIssue {
    /// Two elements with no comma between them.
    MissingComma,
    /// More than one comma, a comma before the first element or before `]`.
    StrayComma,
}

/// One thing found at array level, in input order. Positions are indices into the buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ArrayEvent {
    /// A top-level value `{…}` or `[…]`: `start` is its first byte, `end` one past its last.
    Element { start: usize, end: usize },
    /// Bytes between elements that are neither whitespace nor a comma (a scalar element,
    /// garbage): counted as one malformed entry.
    Junk { start: usize, end: usize },
    /// A gap problem at `pos` that damages no element.
    Gap { pos: usize, issue: GapIssue },
}

/// Why the splitter stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum SplitStop {
    /// The array's `]` is at `pos`.
    ArrayEnd { pos: usize },
    /// A `}` at array level at `pos`: structural damage.
    UnexpectedClose { pos: usize },
    /// The buffer ended. Splitting resumes at `resume` with `expect`; `open` tells whether an
    /// element starts at `resume` and is not closed yet.
    NeedMore {
        resume: usize,
        expect: Expect,
        open: bool,
    },
    /// The byte budget was reached after an element; resume at `resume`.
    Budget { resume: usize },
}

/// JSON whitespace (RFC 8259 §2): space, tab, line feed, carriage return.
pub(crate) const fn is_json_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// Whether `byte` may stand between array elements without being junk: whitespace or a
/// comma (how many commas is judged separately).
pub(crate) const fn is_separator(byte: u8) -> bool {
    is_json_whitespace(byte) || byte == b','
}

/// Checks the bytes between two array-level tokens and appends the events they call for.
///
/// `gap_start..gap_end` are the bytes; `after_element` tells whether an element precedes
/// (`expect == CommaOrEnd`), `before_element` whether an element follows (else `]` or the
/// buffer end follows). Both splitters call this, so they agree on gaps by construction.
pub(crate) fn check_gap(
    buf: &[u8],
    gap_start: usize,
    gap_end: usize,
    expect: Expect,
    before_element: bool,
    events: &mut Vec<ArrayEvent>,
) {
    let gap = buf.get(gap_start..gap_end).unwrap_or_default();
    let first_junk = gap.iter().position(|&b| !is_separator(b));
    if let Some(first) = first_junk {
        let last = gap.iter().rposition(|&b| !is_separator(b)).unwrap_or(first);
        events.push(ArrayEvent::Junk {
            start: gap_start.saturating_add(first),
            end: gap_start.saturating_add(last).saturating_add(1),
        });
        return;
    }
    let commas = memchr::memchr_iter(b',', gap).count();
    let wanted = usize::from(expect == Expect::CommaOrEnd && before_element);
    if commas == wanted {
        return;
    }
    let pos = gap
        .iter()
        .position(|&b| b == b',')
        .map_or(gap_end, |index| gap_start.saturating_add(index));
    let issue = if commas < wanted {
        GapIssue::MissingComma
    } else {
        GapIssue::StrayComma
    };
    events.push(ArrayEvent::Gap { pos, issue });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(input: &str) -> (Vec<ArrayEvent>, SplitStop) {
        let mut fast = Vec::new();
        let stop = split_array(
            input.as_bytes(),
            0,
            Expect::ValueOrEnd,
            usize::MAX,
            &mut fast,
        );
        let mut slow = Vec::new();
        let reference = reference::split_array(
            input.as_bytes(),
            0,
            Expect::ValueOrEnd,
            usize::MAX,
            &mut slow,
        );
        assert_eq!((&fast, stop), (&slow, reference), "{input:?}");
        (fast, stop)
    }

    #[test]
    fn elements_and_end() {
        let input = r#"{"a":"}"} , {"b":[1,{"c":"\"{"}]}]"#;
        let (found, stop) = events(input);
        assert_eq!(
            found,
            [
                ArrayEvent::Element { start: 0, end: 9 },
                ArrayEvent::Element { start: 12, end: 33 }
            ]
        );
        assert_eq!(stop, SplitStop::ArrayEnd { pos: 33 });
    }

    #[test]
    fn gaps_junk_and_damage() {
        let (found, stop) = events("{} {}, null ,{},,{} ,]");
        assert_eq!(
            found,
            [
                ArrayEvent::Element { start: 0, end: 2 },
                ArrayEvent::Gap {
                    pos: 3,
                    issue: GapIssue::MissingComma
                },
                ArrayEvent::Element { start: 3, end: 5 },
                ArrayEvent::Junk { start: 7, end: 11 },
                ArrayEvent::Element { start: 13, end: 15 },
                ArrayEvent::Gap {
                    pos: 15,
                    issue: GapIssue::StrayComma
                },
                ArrayEvent::Element { start: 17, end: 19 },
                ArrayEvent::Gap {
                    pos: 20,
                    issue: GapIssue::StrayComma
                },
            ]
        );
        assert_eq!(stop, SplitStop::ArrayEnd { pos: 21 });
        let (_, stop) = events("{}}");
        assert_eq!(stop, SplitStop::UnexpectedClose { pos: 2 });
    }

    #[test]
    fn open_element_and_open_gap() {
        let (found, stop) = events(r#"{"a":1},{"b":"#);
        assert_eq!(found, [ArrayEvent::Element { start: 0, end: 7 }]);
        assert_eq!(
            stop,
            SplitStop::NeedMore {
                resume: 8,
                expect: Expect::Value,
                open: true
            }
        );
        let (_, stop) = events(r#"{"a":1} , "x"#);
        assert_eq!(
            stop,
            SplitStop::NeedMore {
                resume: 7,
                expect: Expect::CommaOrEnd,
                open: false
            }
        );
    }

    #[test]
    fn budget_stops_after_an_element() {
        let input = r#"{"a":1},{"b":2},{"c":3}]"#;
        let mut fast = Vec::new();
        let stop = split_array(input.as_bytes(), 0, Expect::ValueOrEnd, 10, &mut fast);
        let mut slow = Vec::new();
        let reference =
            reference::split_array(input.as_bytes(), 0, Expect::ValueOrEnd, 10, &mut slow);
        assert_eq!(stop, SplitStop::Budget { resume: 15 });
        assert_eq!((fast, stop), (slow, reference));
    }

    #[test]
    fn element_ends_at_every_chunk_offset_and_depth() {
        // The bitmask splitter skips the bracket walk of a chunk where the depth cannot
        // reach 0: shift elements of every nesting depth across the 64-byte chunk grid so
        // that their closing brackets (and the next element's opening one) fall at every
        // offset, including chunks that begin exactly one level above the end.
        for nesting in 1..=5 {
            let element = format!(
                r#"{{"k":{}1{}}}"#,
                "[".repeat(nesting - 1),
                "]".repeat(nesting - 1)
            );
            for pad in 0..130 {
                let input = format!("{}{element},{element} , {element}]", " ".repeat(pad));
                let (found, stop) = events(&input);
                let elements = found
                    .iter()
                    .filter(|event| matches!(event, ArrayEvent::Element { .. }))
                    .count();
                assert_eq!(elements, 3, "{input:?}");
                assert_eq!(
                    stop,
                    SplitStop::ArrayEnd {
                        pos: input.len() - 1
                    }
                );
            }
        }
    }

    #[test]
    fn long_strings_and_escapes_across_chunks() {
        let long = "x".repeat(200);
        let escapes = "\\\\".repeat(40);
        let input = format!(r#"{{"a":"{long}\"}}"}},{{"b":"{escapes}"}},{{"c":"{escapes}\""}}]"#);
        let (found, stop) = events(&input);
        assert_eq!(found.len(), 3);
        assert!(matches!(stop, SplitStop::ArrayEnd { .. }));
    }
}
