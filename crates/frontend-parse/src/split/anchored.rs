//! Elements split by the start of the next one: an element of compact `devDataList` JSON
//! ends at the `}` right before `,{"<element key>"`. Finding those anchors looks at one
//! byte class (`}`) where the exact splitter ([`super::split_array`]) classifies four and
//! tracks strings and depth: on `fep gen` batches the split went from about 2.9 to 1.4
//! instructions a byte (`docs/performance.md`, "Elements split at their successor's anchor").
//!
//! The anchors are a guess, and the element reader checks them. A piece that starts at an
//! element's true start and reads as exactly one JSON object (RFC 8259 §4: its `{` is
//! closed by its last byte) is exactly the element the exact splitter finds there, since
//! in valid JSON brackets match outside strings, as that splitter counts them. So every
//! piece that reads without error is exact, and the one after it starts where the exact
//! one does. A wrong guess needs an anchor inside an element: `},{"devSn"` at a nested level
//! (`[{"a":1},{"devSn":2}]` in a value) or an element, anchor included, inside invalid
//! JSON (inside a valid string its `"` would be escaped). The piece before it then does
//! not read as one object, and the engine splits again from that piece's start, exactly
//! (`Event::Element::anchored`).

use super::{ArrayEvent, Expect, is_json_whitespace};
use crate::element::KNOWN_ELEMENT_KEYS;

/// How far an element's end is looked for before the exact splitter takes over: anchored
/// pieces stay short enough to be parsed again at little cost when a guess was wrong, and
/// far below the element cap's default.
const MAX_PIECE: usize = 64 << 10;

/// Bytes looked at a time for `}`.
const CHUNK: usize = 64;

/// How far anchored splitting got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Anchored {
    /// Where splitting goes on (the exact splitter's `from`).
    pub(crate) resume: usize,
    /// What is expected there.
    pub(crate) expect: Expect,
    /// Whether the budget was reached (after an element ending at `resume`).
    pub(crate) budget_reached: bool,
}

impl Anchored {
    /// Nothing more guessed: the exact splitter goes on at `resume` with `expect`.
    pub(crate) const fn give_way(resume: usize, expect: Expect) -> Self {
        Self {
            resume,
            expect,
            budget_reached: false,
        }
    }
}

/// `"key"` of each known element key, from its opening quote's next byte on, as two
/// little-endian words, with the masks of the bytes that count: the longest, `"errorCode"`
/// after the quote, is 10 bytes.
#[expect(
    clippy::indexing_slicing,
    reason = "built at compile time, where `get` is not available: keys are at most 15 bytes \
              (a test checks it), so every index is in range"
)]
const KEY_WORDS: [[u64; 4]; KNOWN_ELEMENT_KEYS.len()] = {
    let mut table = [[0u64; 4]; KNOWN_ELEMENT_KEYS.len()];
    let mut index = 0;
    while index < KNOWN_ELEMENT_KEYS.len() {
        let key = KNOWN_ELEMENT_KEYS[index];
        let mut at = 0;
        while at <= key.len() {
            let byte = if at == key.len() { b'"' } else { key[at] };
            let shift = (at % 8) * 8;
            table[index][at / 8] |= (byte as u64) << shift;
            table[index][at / 8 + 2] |= 0xFF << shift;
            at += 1;
        }
        index += 1;
    }
    table
};

/// Whether `buf` holds `"<known element key>"` at `pos`: two word comparisons a key, which
/// the compiler runs over all twelve without a branch a key (a dispatch on the key's first
/// byte measured dearer).
fn element_key_at(buf: &[u8], pos: usize) -> bool {
    let Some([b'"', rest @ ..]) = buf.get(pos..).and_then(<[u8]>::first_chunk::<17>) else {
        return false;
    };
    let (Some(low), Some(high)) = (rest.first_chunk::<8>(), rest.last_chunk::<8>()) else {
        return false;
    };
    let (low, high) = (u64::from_le_bytes(*low), u64::from_le_bytes(*high));
    KEY_WORDS
        .iter()
        .any(|&[low_key, high_key, low_mask, high_mask]| {
            low & low_mask == low_key && high & high_mask == high_key
        })
}

/// Whether an element starts at `pos`: `{"<known element key>"`.
fn element_start_at(buf: &[u8], pos: usize) -> bool {
    buf.get(pos) == Some(&b'{') && element_key_at(buf, pos.saturating_add(1))
}

/// Splits elements from `from` (with `expect`, as [`super::split_array`] takes it) while
/// each one's end is followed by an anchor, appending [`ArrayEvent::Element`]s, until
/// `budget` bytes were split, a piece would outgrow `max_piece` or [`MAX_PIECE`], or no
/// anchor is in sight. Pieces hold no gap events: an anchor leaves exactly one comma
/// between two elements.
///
/// It gives way to the exact splitter ([`Anchored::resume`] at an element's start or at
/// `from`) where the anchors run out: at the end of the buffer or the array (the last
/// element is followed by `]`), at whitespace or a `{` right after a `}` (documents of
/// JSON Lines end like that; in compact JSON no element does), at whitespace right after
/// `},` (elements spaced out), and in long elements.
pub(crate) fn split_anchored(
    buf: &[u8],
    from: usize,
    expect: Expect,
    budget: usize,
    max_piece: usize,
    events: &mut Vec<ArrayEvent>,
) -> Anchored {
    let mut start = match expect {
        Expect::Value if element_start_at(buf, from) => from,
        Expect::CommaOrEnd
            if buf.get(from) == Some(&b',') && element_start_at(buf, from.saturating_add(1)) =>
        {
            from.saturating_add(1)
        }
        _ => return Anchored::give_way(from, expect),
    };
    let budget_end = from.saturating_add(budget);
    let max_piece = max_piece.min(MAX_PIECE);
    loop {
        let Some(end) = element_end(buf, start, max_piece) else {
            return Anchored::give_way(start, Expect::Value);
        };
        events.push(ArrayEvent::Element { start, end });
        if end >= budget_end {
            return Anchored {
                resume: end,
                expect: Expect::CommaOrEnd,
                budget_reached: true,
            };
        }
        // Past the comma: the anchor's `{`.
        start = end.saturating_add(1);
    }
}

/// The end (one past its `}`) of the element that starts at `start`, if a `}` followed by
/// `,{"<element key>"` closes it within `max_piece` bytes.
fn element_end(buf: &[u8], start: usize, max_piece: usize) -> Option<usize> {
    let limit = start.saturating_add(max_piece).min(buf.len());
    let mut base = start.saturating_add(1);
    // Whole chunks only: the anchor after a `}` near the limit may lie beyond it, and the
    // exact splitter takes the rest.
    while let Some(chunk) = buf.get(base..limit).and_then(<[u8]>::first_chunk::<CHUNK>) {
        let mut closes = close_mask(chunk);
        while closes != 0 {
            let close = base.saturating_add(closes.trailing_zeros() as usize);
            closes &= closes.wrapping_sub(1);
            if is_item_after_item(buf, close) {
                continue;
            }
            match buf.get(close.saturating_add(1)) {
                Some(b',') => match buf.get(close.saturating_add(2)) {
                    Some(b'{') if element_key_at(buf, close.saturating_add(3)) => {
                        return Some(close.saturating_add(1));
                    }
                    // Elements spaced out: their anchors are not compact ones, and a
                    // compact one further on would make a piece of several elements.
                    Some(&byte) if is_json_whitespace(byte) => return None,
                    _ => {}
                },
                // The end of a document of JSON Lines (or of pretty-printed JSON): past
                // it the next document's anchors would make a piece of two documents.
                Some(&byte) if is_json_whitespace(byte) || byte == b'{' => return None,
                None => return None,
                // `}` closing a value (`]`, `}`), or inside a string.
                Some(_) => {}
            }
        }
        base = base.saturating_add(CHUNK);
    }
    None
}

/// `},{"dataItemId":` at `close`: one data item after another, most of the `}` a batch has,
/// and never an element's end (`dataItemId` is no element key). Two word comparisons, where
/// the general test reads the anchor byte by byte and then compares the twelve keys
/// (callgrind, 25.8 MB `fep gen` batch: 323.2 → 316.0 M for the whole run).
fn is_item_after_item(buf: &[u8], close: usize) -> bool {
    buf.get(close..)
        .and_then(<[u8]>::first_chunk::<16>)
        .is_some_and(|window| {
            let (head, tail) = window.split_at(8);
            head == b"},{\"data" && tail == b"ItemId\"\x3a"
        })
}

/// Bit `i` is set where byte `i` of `chunk` is `}`: per 16 bytes one load, one compare and
/// one `pmovmskb` (SSE2, part of every x86-64 processor).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn close_mask(chunk: &[u8; CHUNK]) -> u64 {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i, set_splat_i8_m128i,
    };
    let close = set_splat_i8_m128i(i8::from_ne_bytes([b'}']));
    let mut mask = 0u64;
    for (index, part) in chunk.chunks_exact(16).enumerate() {
        let Ok(part) = <&[u8; 16]>::try_from(part) else {
            continue;
        };
        let lanes = cmp_eq_mask_i8_m128i(load_unaligned_m128i(part), close);
        // `pmovmskb` of 16 lanes is below 2^16.
        let bits = u64::from(u16::try_from(move_mask_i8_m128i(lanes)).unwrap_or(0));
        mask |= bits << (index.wrapping_mul(16) & 63);
    }
    mask
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn close_mask(chunk: &[u8; CHUNK]) -> u64 {
    close_mask_portable(chunk)
}

/// [`close_mask`] without SIMD, for other targets and to check the SSE2 one.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn close_mask_portable(chunk: &[u8; CHUNK]) -> u64 {
    chunk
        .iter()
        .enumerate()
        .filter(|(_, byte)| **byte == b'}')
        .fold(0, |mask, (at, _)| mask | (1u64 << (at & 63)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split::{SplitStop, split_array};

    fn anchored(
        input: &str,
        from: usize,
        expect: Expect,
        budget: usize,
    ) -> (Vec<ArrayEvent>, Anchored) {
        let mut events = Vec::new();
        let stop = split_anchored(
            input.as_bytes(),
            from,
            expect,
            budget,
            usize::MAX,
            &mut events,
        );
        (events, stop)
    }

    fn element(n: usize, value: &str) -> String {
        format!(
            r#"{{"cmdType":"GET","devSn":"{n}","dataItem":[{{"dataItemId":"a","value":{value}}}]}}"#
        )
    }

    #[test]
    fn key_words_hold_every_key_and_its_quote() {
        for key in KNOWN_ELEMENT_KEYS {
            assert!(key.len() < 16, "{key:?}");
            let mut quoted = vec![b'"'];
            quoted.extend_from_slice(key);
            quoted.push(b'"');
            quoted.resize(20, b'x');
            assert!(element_key_at(&quoted, 0), "{key:?}");
            // One byte short, one byte long, one byte changed: no key.
            let mut longer = quoted.clone();
            longer.insert(key.len().saturating_add(1), b'x');
            assert!(!element_key_at(&longer, 0), "{key:?}");
            for at in 0..=key.len().saturating_add(1) {
                let mut changed = quoted.clone();
                changed[at] ^= 0x01;
                assert!(!element_key_at(&changed, 0), "{key:?} at {at}");
            }
        }
        assert!(!element_key_at(br#""dataItemId":"x","value":1}"#, 0));
        // `is_item_after_item` passes over exactly that key.
        assert!(!KNOWN_ELEMENT_KEYS.contains(&&b"dataItemId"[..]));
        assert!(element_key_at(br#""dataItem":[{"dataItemId":"x"}]"#, 0));
        assert!(!element_key_at(br#""dataItemIds":"x","value":1}"#, 0));
        assert!(!element_key_at(br#""devSn""#, 0), "too close to the end");
    }

    #[test]
    fn only_an_item_after_an_item_is_passed_over_early() {
        assert!(is_item_after_item(br#"x},{"dataItemId":"a"}"#, 1));
        for (buf, close) in [
            (&br#"},{"dataItem":[{"dataItemId":"a"}]}"#[..], 0),
            (br#"},{"dataItemId" :"a"}"#, 0),
            (br#"},{"dataItemIds":"a"}"#, 0),
            (br#"}, {"dataItemId":"a"}"#, 0),
            (br#"},{"dataItemId":"#, 1),
        ] {
            assert!(
                !is_item_after_item(buf, close),
                "{}",
                String::from_utf8_lossy(buf)
            );
        }
    }

    #[test]
    fn close_masks_equal_the_portable_ones() {
        let mut chunk = [b'a'; CHUNK];
        for at in 0..CHUNK {
            chunk[at] = b'}';
            chunk[CHUNK - 1 - at] = b'}';
            assert_eq!(close_mask(&chunk), close_mask_portable(&chunk));
            chunk[at] = if at % 3 == 0 { b']' } else { b'a' };
        }
    }

    #[test]
    fn compact_elements_end_where_the_exact_splitter_ends_them() {
        let elements: Vec<String> = (0..40).map(|n| element(n, &"7".repeat(n + 1))).collect();
        let input = format!("{}]}}\n", elements.join(","));
        let (events, stop) = anchored(&input, 0, Expect::Value, usize::MAX);
        let mut exact = Vec::new();
        let exact_stop = split_array(input.as_bytes(), 0, Expect::Value, usize::MAX, &mut exact);
        // All but the last, which `]` follows: the exact splitter takes it.
        assert_eq!(events.len(), 39);
        assert_eq!(events[..], exact[..39]);
        let ArrayEvent::Element { end, .. } = events[38] else {
            panic!()
        };
        assert_eq!(
            stop,
            Anchored {
                resume: end + 1,
                expect: Expect::Value,
                budget_reached: false
            }
        );
        assert!(matches!(exact_stop, SplitStop::ArrayEnd { .. }));
    }

    #[test]
    fn the_budget_stops_after_an_element_and_splitting_goes_on_after_its_comma() {
        let input = format!(
            "{},{},{},{}]",
            element(1, "1"),
            element(2, "2"),
            element(3, "3"),
            element(4, "4")
        );
        let (events, stop) = anchored(&input, 0, Expect::Value, 1);
        assert_eq!(events.len(), 1);
        let ArrayEvent::Element { end, .. } = events[0] else {
            panic!()
        };
        assert_eq!(
            stop,
            Anchored {
                resume: end,
                expect: Expect::CommaOrEnd,
                budget_reached: true
            }
        );
        let (more, _) = anchored(&input, end, Expect::CommaOrEnd, usize::MAX);
        assert_eq!(more.len(), 2);
        assert_eq!(
            more[0],
            ArrayEvent::Element {
                start: end + 1,
                end: end + 1 + element(2, "2").len()
            }
        );
    }

    #[test]
    fn gives_way_where_no_anchor_can_be_trusted() {
        let (one, two) = (element(1, "1"), element(2, "2"));
        // Not at an element with a known key, whitespace between elements, an unknown key.
        for (input, from, expect) in [
            (format!("{one},{two},{one}"), 1, Expect::Value),
            (format!("{one}, {two},{one}"), 0, Expect::Value),
            (format!("{one},\n{two},{one}"), 0, Expect::Value),
            (format!(r#"{{"x":1}},{two},{one}"#), 0, Expect::Value),
            (format!("{one},{two}"), 0, Expect::ValueOrEnd),
            (format!(" ,{one},{two}"), 0, Expect::CommaOrEnd),
        ] {
            let (events, stop) = anchored(&input, from, expect, usize::MAX);
            assert!(events.is_empty(), "{input}");
            assert_eq!(stop.resume, from, "{input}");
            assert!(!stop.budget_reached);
        }
        // Whitespace after a `}`: a document of JSON Lines ends; nothing is split past it.
        let lines = format!("{one},{two}]}}\n{{\"devDataList\":[{one},{two},{one}]}}");
        let (events, stop) = anchored(&lines, 0, Expect::Value, usize::MAX);
        assert_eq!(events.len(), 1);
        assert_eq!(stop.resume, one.len() + 1);
        // No piece longer than asked for.
        let mut events = Vec::new();
        let stop = split_anchored(
            format!("{one},{two},{one}").as_bytes(),
            0,
            Expect::Value,
            usize::MAX,
            one.len() - 1,
            &mut events,
        );
        assert!(events.is_empty());
        assert_eq!(stop.resume, 0);
    }

    #[test]
    fn a_nested_anchor_makes_a_piece_that_is_not_one_object() {
        // `},{"devSn"` inside a value: the guess is wrong, and its first piece is unbalanced,
        // which the element reader reports (the engine then splits exactly).
        let nested =
            r#"{"cmdType":"GET","dataItem":[{"dataItemId":"a","value":[{"a":1},{"devSn":2}]}]}"#;
        let input = format!("{nested},{}", element(1, "1"));
        let (events, _) = anchored(&input, 0, Expect::Value, usize::MAX);
        let ArrayEvent::Element { start, end } = events[0] else {
            panic!()
        };
        let piece = &input.as_bytes()[start..end];
        assert_ne!(end, nested.len());
        assert!(serde_json::from_slice::<serde_json::Value>(piece).is_err());
    }
}
