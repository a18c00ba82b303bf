//! The fast splitter: 64-byte chunks turned into bitmasks of `"`, `\`, opening and closing
//! brackets (SSE2 on x86-64 through `safe_arch`, elsewhere plain loops the compiler
//! vectorises; the crate forbids `unsafe`), strings found with a prefix-XOR over the
//! unescaped quotes, then only the bracket bits outside strings are walked, and only in
//! chunks where an element can start or end.

use super::{ArrayEvent, Expect, SplitStop, check_gap};

const CHUNK: usize = 64;

/// The byte classes of one chunk, one bit per byte (bit `i` = byte `i`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Masks {
    quote: u64,
    backslash: u64,
    /// `{` and `[`.
    open: u64,
    /// `}` and `]`.
    close: u64,
    /// The number of bits in `open`: counted by the classifier, where baseline x86-64 has no
    /// population-count instruction (a software count is about 15 instructions).
    open_count: u32,
    /// The number of bits in `close`.
    close_count: u32,
}

/// `{` 0x7B and `[` 0x5B both become 0x7B when OR-ed with 0x20, `}` 0x7D and `]` 0x5D both
/// 0x7D, and no other byte does.
const CASE_BIT: u8 = 0x20;
const OPEN: u8 = b'{';
const CLOSE: u8 = b'}';

/// Gathers the low bit of each of 64 bytes (each 0 or 1) into a mask: per 8-byte word, one
/// multiplication moves the eight bits into the top byte.
#[inline]
fn gather(flags: &[u8; CHUNK]) -> u64 {
    let mut mask = 0u64;
    for (word_index, word) in flags.chunks_exact(8).enumerate() {
        let Ok(word) = <[u8; 8]>::try_from(word) else {
            continue;
        };
        let bits = u64::from_le_bytes(word).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        mask |= bits.wrapping_shl(u32::try_from(word_index.wrapping_mul(8)).unwrap_or(0));
    }
    mask
}

/// Classifies a chunk with SSE2 (part of every x86-64 processor): per 16 bytes, one load,
/// four compares and four `pmovmskb`s. The portable version below spends most of its time
/// gathering flags into bits (about 2 instructions a byte of the 2.7 the splitter cost); the
/// two are held equal by `sse2_classes_equal_the_portable_ones`, and the whole splitter by
/// the reference splitter (tests and the `split` fuzz target).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn classify(chunk: &[u8; CHUNK]) -> Masks {
    use safe_arch::{
        add_i8_m128i, bitor_m128i, cmp_eq_mask_i8_m128i, get_i64_from_m128i_s,
        load_unaligned_m128i, move_mask_i8_m128i, set_splat_i8_m128i, sub_i8_m128i,
        sum_of_u8_abs_diff_m128i, unpack_high_i64_m128i, unpack_low_i64_m128i, zeroed_m128i,
    };
    let splat = |byte: u8| set_splat_i8_m128i(i8::from_ne_bytes([byte]));
    let (quote, backslash, case_bit, open, close) = (
        splat(b'"'),
        splat(b'\\'),
        splat(CASE_BIT),
        splat(OPEN),
        splat(CLOSE),
    );
    // Lane `i` of a compare is all ones where byte `i` matches; `pmovmskb` packs lane `i`'s
    // top bit into bit `i` (a value below 2^16, so the conversion cannot fail).
    let bits = |lanes| u64::from(u16::try_from(move_mask_i8_m128i(lanes)).unwrap_or(0));
    let mut masks = Masks::default();
    // Per lane, how many of the four parts have a bracket there (a matching lane is −1, so
    // subtracting it counts up): at most 4.
    let (mut open_lanes, mut close_lanes) = (zeroed_m128i(), zeroed_m128i());
    for (index, part) in chunk.chunks_exact(16).enumerate() {
        let Ok(part) = <&[u8; 16]>::try_from(part) else {
            continue;
        };
        let shift = u32::try_from(index.wrapping_mul(16)).unwrap_or(0);
        let bytes = load_unaligned_m128i(part);
        masks.quote |= bits(cmp_eq_mask_i8_m128i(bytes, quote)) << shift;
        masks.backslash |= bits(cmp_eq_mask_i8_m128i(bytes, backslash)) << shift;
        let folded = bitor_m128i(bytes, case_bit);
        let (opens, closes) = (
            cmp_eq_mask_i8_m128i(folded, open),
            cmp_eq_mask_i8_m128i(folded, close),
        );
        masks.open |= bits(opens) << shift;
        masks.close |= bits(closes) << shift;
        open_lanes = sub_i8_m128i(open_lanes, opens);
        close_lanes = sub_i8_m128i(close_lanes, closes);
    }
    // Both counts in one `psadbw`: the low half gathers the opening lanes (at most 8 each),
    // the high half the closing ones, and each half is summed into its 64-bit lane.
    let halves = add_i8_m128i(
        unpack_low_i64_m128i(open_lanes, close_lanes),
        unpack_high_i64_m128i(open_lanes, close_lanes),
    );
    let sums = sum_of_u8_abs_diff_m128i(halves, zeroed_m128i());
    // Each sum is at most 64.
    let count = |sum: i64| u32::try_from(sum).unwrap_or(0);
    masks.open_count = count(get_i64_from_m128i_s(sums));
    masks.close_count = count(get_i64_from_m128i_s(unpack_high_i64_m128i(sums, sums)));
    masks
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn classify(chunk: &[u8; CHUNK]) -> Masks {
    classify_portable(chunk)
}

/// Classifies a chunk without SIMD instructions. The comparison loop is branch-free over
/// fixed-size arrays, which the compiler turns into vector compares; [`gather`] then packs the
/// flags into bits.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
#[inline]
fn classify_portable(chunk: &[u8; CHUNK]) -> Masks {
    let mut quote = [0u8; CHUNK];
    let mut backslash = [0u8; CHUNK];
    let mut open = [0u8; CHUNK];
    let mut close = [0u8; CHUNK];
    for ((((&byte, quote), backslash), open), close) in chunk
        .iter()
        .zip(&mut quote)
        .zip(&mut backslash)
        .zip(&mut open)
        .zip(&mut close)
    {
        *quote = u8::from(byte == b'"');
        *backslash = u8::from(byte == b'\\');
        *open = u8::from((byte | CASE_BIT) == OPEN);
        *close = u8::from((byte | CASE_BIT) == CLOSE);
    }
    // Backslashes are rare: an OR over the flags (vectorised) spares the gather.
    let any_backslash = backslash.iter().fold(0u8, |any, &flag| any | flag) != 0;
    let (open, close) = (gather(&open), gather(&close));
    Masks {
        quote: gather(&quote),
        backslash: if any_backslash { gather(&backslash) } else { 0 },
        open,
        close,
        open_count: open.count_ones(),
        close_count: close.count_ones(),
    }
}

/// The bytes escaped by a backslash (a backslash escapes the next byte, which can then not
/// escape another). `carry` says the chunk's first byte is escaped, and is updated for the
/// next chunk. Backslashes are rare in this data, so the loop usually runs zero times.
#[inline]
fn escaped_bytes(backslash: u64, carry: &mut bool) -> u64 {
    if backslash == 0 && !*carry {
        return 0;
    }
    let mut escaped = 0u64;
    let mut escapers = backslash;
    if *carry {
        escaped |= 1;
        escapers &= !1;
    }
    *carry = false;
    while escapers != 0 {
        let position = escapers.trailing_zeros();
        if position == 63 {
            *carry = true;
            break;
        }
        escaped |= 2u64.wrapping_shl(position);
        // Bits up to and including the escaped byte are consumed.
        escapers &= u64::MAX.checked_shl(position.wrapping_add(2)).unwrap_or(0);
    }
    escaped
}

/// Inclusive prefix XOR: bit `i` of the result is the parity of bits `0..=i`.
#[inline]
fn prefix_xor(mut bits: u64) -> u64 {
    bits ^= bits << 1;
    bits ^= bits << 2;
    bits ^= bits << 4;
    bits ^= bits << 8;
    bits ^= bits << 16;
    bits ^= bits << 32;
    bits
}

/// Splits array-level content of `buf` starting at `from` (outside any string, with
/// `expect`), appending events, until the array ends, damage stops it, the buffer ends or
/// at least `budget` bytes of elements were split.
pub(crate) fn split_array(
    buf: &[u8],
    from: usize,
    expect: Expect,
    budget: usize,
    events: &mut Vec<ArrayEvent>,
) -> SplitStop {
    split_array_resuming(
        buf,
        from,
        expect,
        budget,
        events,
        Known::default(),
        &mut None,
    )
}

/// How far an unfinished element was split: everything before `scanned` was read, and this
/// is the splitter's state there. Splitting the element again, once more bytes are in, can
/// go on from it instead of reading the element from its start again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OpenElement {
    /// The first byte not read yet (a chunk boundary).
    pub(crate) scanned: usize,
    /// Brackets open at `scanned` (at least 1: the element's own).
    pub(crate) depth: usize,
    /// Whether `scanned` is inside a string.
    pub(crate) in_string: bool,
    /// Whether the byte at `scanned` is escaped.
    pub(crate) escaped: bool,
}

/// What earlier splits found of elements of this buffer (positions in it): where one
/// element ends, and how far another, unfinished then, was read. The input does not change,
/// so what was found from an element's start holds whenever a split meets that start again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Known {
    /// An element's start and end (one past its last byte).
    pub(crate) whole: Option<(usize, usize)>,
    /// An element's start and the state where reading it stopped.
    pub(crate) open: Option<(usize, OpenElement)>,
}

/// [`split_array`] that passes over what earlier splits found (`known`): an element whose
/// end is known is not read again, and one read in part goes on from where reading
/// stopped. On stopping with [`SplitStop::NeedMore`] inside an element it reports how far it
/// got in `open` (`None` when it cannot tell: the element opened in the last, partial
/// chunk). The events and the stop are [`split_array`]'s, whatever is known.
pub(crate) fn split_array_resuming(
    buf: &[u8],
    from: usize,
    mut expect: Expect,
    budget: usize,
    events: &mut Vec<ArrayEvent>,
    known: Known,
    open: &mut Option<OpenElement>,
) -> SplitStop {
    *open = None;
    let mut reader = ChunkReader::default();
    let mut depth = 0usize;
    let mut element_start = from;
    let mut gap_start = from;
    let mut base = from;
    let budget_end = from.saturating_add(budget);
    // The element open before the last, partial chunk and the state there (the chunk is
    // padded, so the state after it is not the state at the buffer's end).
    let mut before_last: Option<(usize, OpenElement)> = None;
    'chunks: while base < buf.len() {
        let end = base.saturating_add(CHUNK).min(buf.len());
        let bytes = buf.get(base..end).unwrap_or_default();
        if bytes.len() < CHUNK {
            before_last = Some((element_start, reader.open_at(base, depth)));
        }
        let Brackets {
            opens,
            closes,
            open_count,
            close_count,
        } = reader.brackets(bytes);
        if depth > close_count {
            // Inside an element all chunk long (even if every closing bracket came first,
            // the depth stays at 1 or more): an element ends only where a closing bracket
            // takes the depth from 1 to 0, and starts only at depth 0, so neither happens
            // here and only the depth changes. Most chunks are like this, and their brackets
            // need no walk.
            depth = depth.saturating_add(open_count).saturating_sub(close_count);
            base = end;
            continue;
        }
        let mut brackets = opens | closes;
        while brackets != 0 {
            let bit = brackets.trailing_zeros();
            brackets &= brackets.wrapping_sub(1);
            let pos = base.saturating_add(bit as usize);
            if opens & (1u64 << bit) != 0 {
                if depth == 0 {
                    check_gap(buf, gap_start, pos, expect, true, events);
                    element_start = pos;
                    expect = Expect::Value;
                    match known {
                        Known {
                            whole: Some((start, end)),
                            ..
                        } if start == pos && end > pos && end <= buf.len() => {
                            // Read before: after it, outside any string at depth 0.
                            events.push(ArrayEvent::Element { start: pos, end });
                            expect = Expect::CommaOrEnd;
                            gap_start = end;
                            if end >= budget_end {
                                return SplitStop::Budget { resume: end };
                            }
                            base = end;
                            reader.after_value();
                            continue 'chunks;
                        }
                        Known {
                            open: Some((start, state)),
                            ..
                        } if start == pos
                            && state.depth > 0
                            && state.scanned > pos
                            && state.scanned <= buf.len() =>
                        {
                            base = state.scanned;
                            depth = state.depth;
                            reader.resume(state);
                            continue 'chunks;
                        }
                        _ => {}
                    }
                }
                depth = depth.saturating_add(1);
            } else {
                match depth {
                    0 => {
                        check_gap(buf, gap_start, pos, expect, false, events);
                        return if buf.get(pos) == Some(&b']') {
                            SplitStop::ArrayEnd { pos }
                        } else {
                            SplitStop::UnexpectedClose { pos }
                        };
                    }
                    1 => {
                        depth = 0;
                        let end = pos.saturating_add(1);
                        events.push(ArrayEvent::Element {
                            start: element_start,
                            end,
                        });
                        expect = Expect::CommaOrEnd;
                        gap_start = end;
                        if end >= budget_end {
                            return SplitStop::Budget { resume: end };
                        }
                    }
                    _ => depth = depth.saturating_sub(1),
                }
            }
        }
        base = end;
    }
    if depth > 0 {
        // Exact at the buffer's end when it ends on a chunk boundary; otherwise the state
        // before the padded last chunk, if the same element was open there.
        *open = match before_last {
            None => Some(reader.open_at(base, depth)),
            Some((start, state)) => (start == element_start && state.depth > 0).then_some(state),
        };
        SplitStop::NeedMore {
            resume: element_start,
            expect: Expect::Value,
            open: true,
        }
    } else {
        SplitStop::NeedMore {
            resume: gap_start,
            expect,
            open: false,
        }
    }
}

/// The brackets outside strings of one chunk (bit `i` = byte `i`), and how many of each.
struct Brackets {
    opens: u64,
    closes: u64,
    open_count: usize,
    close_count: usize,
}

/// Reads a buffer chunk after chunk, carrying the string and escape state from one chunk to
/// the next: what the splitter and [`value_end`] share.
struct ChunkReader {
    /// All ones when the previous chunk's last byte is inside a string.
    in_string: u64,
    /// Whether the next chunk's first byte is escaped.
    escape_carry: bool,
    /// The last, partial chunk, padded with spaces (no class).
    padded: [u8; CHUNK],
}

impl Default for ChunkReader {
    fn default() -> Self {
        Self {
            in_string: 0,
            escape_carry: false,
            padded: [b' '; CHUNK],
        }
    }
}

impl ChunkReader {
    /// The brackets of `bytes`, the next chunk (shorter only at the buffer's end).
    #[inline]
    fn brackets(&mut self, bytes: &[u8]) -> Brackets {
        let masks = if let Ok(full) = <&[u8; CHUNK]>::try_from(bytes) {
            classify(full)
        } else {
            self.padded.fill(b' ');
            if let Some(target) = self.padded.get_mut(..bytes.len()) {
                target.copy_from_slice(bytes);
            }
            classify(&self.padded)
        };
        let escaped = escaped_bytes(masks.backslash, &mut self.escape_carry);
        let quotes = masks.quote & !escaped;
        let inside = prefix_xor(quotes) ^ self.in_string;
        // Broadcast the last byte's string state to the next chunk.
        self.in_string = if inside >> 63 == 1 { u64::MAX } else { 0 };
        let opens = masks.open & !inside & !escaped;
        let closes = masks.close & !inside & !escaped;
        // Brackets inside strings are rare: where there are none, the classifier's counts
        // are the counts.
        let (open_count, close_count) = if opens == masks.open && closes == masks.close {
            (masks.open_count as usize, masks.close_count as usize)
        } else {
            (opens.count_ones() as usize, closes.count_ones() as usize)
        };
        Brackets {
            opens,
            closes,
            open_count,
            close_count,
        }
    }

    /// The state at the chunk boundary `scanned` with `depth` brackets open.
    fn open_at(&self, scanned: usize, depth: usize) -> OpenElement {
        OpenElement {
            scanned,
            depth,
            in_string: self.in_string != 0,
            escaped: self.escape_carry,
        }
    }

    /// Goes on from `state` (its chunk boundary is the next chunk's start).
    fn resume(&mut self, state: OpenElement) {
        self.in_string = if state.in_string { u64::MAX } else { 0 };
        self.escape_carry = state.escaped;
    }

    /// Goes on after a value's closing bracket: outside any string, nothing escaped.
    fn after_value(&mut self) {
        self.in_string = 0;
        self.escape_carry = false;
    }
}

/// The end (one past the closing bracket) of the value that opens at `start` (a `{` or
/// `[`), if it closes within `buf` and within `limit` bytes: [`super::reference::value_end`]
/// 64 bytes at a time, with the same masks as [`split_array`]. Resynchronisation checks every
/// `{` of a long unfinished element with it, where the byte loop was most of the search.
pub(crate) fn value_end(buf: &[u8], start: usize, limit: usize) -> Option<usize> {
    let stop = start.saturating_add(limit).min(buf.len());
    let mut reader = ChunkReader::default();
    let mut depth = 0usize;
    let mut base = start;
    while base < stop {
        let end = base.saturating_add(CHUNK).min(stop);
        let Brackets {
            opens,
            closes,
            open_count,
            close_count,
        } = reader.brackets(buf.get(base..end).unwrap_or_default());
        if depth > close_count {
            // The value cannot close in this chunk (see `split_array`).
            depth = depth.saturating_add(open_count).saturating_sub(close_count);
            base = end;
            continue;
        }
        let mut brackets = opens | closes;
        while brackets != 0 {
            let bit = brackets.trailing_zeros();
            brackets &= brackets.wrapping_sub(1);
            if opens & (1u64 << bit) != 0 {
                depth = depth.saturating_add(1);
            } else {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(base.saturating_add(bit as usize).saturating_add(1));
                }
            }
        }
        base = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The chunked value end is the byte loop's, for any start and limit, across chunk
        /// boundaries, escapes and brackets inside strings.
        #[test]
        fn value_ends_are_the_reference_value_ends(
            bytes in proptest::collection::vec(
                proptest::sample::select(b"{{[}]\"\\a \"{}".to_vec()),
                0..400,
            ),
            start in 0usize..420,
            limit in proptest::prop_oneof![0usize..450, proptest::strategy::Just(usize::MAX)],
        ) {
            proptest::prop_assert_eq!(
                value_end(&bytes, start, limit),
                super::super::reference::value_end(&bytes, start, limit)
            );
        }
    }

    #[test]
    fn value_ends_of_nested_values_at_every_offset() {
        // A value of two levels with strings holding brackets and escapes, at every offset
        // in a 64-byte chunk, cut at every length.
        let value = br#"{"a":"}]\"[{","b":[1,{"c":"\\"}],"d":"x"}"#;
        for offset in 0..CHUNK + 3 {
            let mut buf = vec![b' '; offset];
            buf.extend_from_slice(value);
            buf.extend_from_slice(b"}]");
            let end = offset + value.len();
            assert_eq!(
                value_end(&buf, offset, usize::MAX),
                Some(end),
                "at {offset}"
            );
            for limit in 0..value.len() + 2 {
                assert_eq!(
                    value_end(&buf, offset, limit),
                    super::super::reference::value_end(&buf, offset, limit),
                    "at {offset}, limit {limit}"
                );
            }
        }
    }

    #[test]
    fn masks_of_a_chunk() {
        let mut chunk = [b'a'; CHUNK];
        chunk[0] = b'"';
        chunk[17] = b'\\';
        chunk[40] = b'[';
        chunk[41] = b'{';
        chunk[63] = b'}';
        chunk[62] = b']';
        chunk[50] = b'_';
        let masks = classify(&chunk);
        assert_eq!(masks.quote, 1);
        assert_eq!(masks.backslash, 1 << 17);
        assert_eq!(masks.open, (1 << 40) | (1 << 41));
        assert_eq!(masks.close, (1 << 62) | (1 << 63));
        assert_eq!((masks.open_count, masks.close_count), (2, 2));
        // A bracket at every byte: the per-lane counts reach their most.
        let full = classify(&[b'{'; CHUNK]);
        assert_eq!((full.open_count, full.close_count), (64, 0));
        // Exactly these bytes fall in the two classes.
        let open: Vec<u8> = (0..=255u8).filter(|b| (b | CASE_BIT) == OPEN).collect();
        let close: Vec<u8> = (0..=255u8).filter(|b| (b | CASE_BIT) == CLOSE).collect();
        assert_eq!((&open[..], &close[..]), (&b"[{"[..], &b"]}"[..]));
    }

    #[test]
    fn sse2_classes_equal_the_portable_ones() {
        // Every byte value at every position, and mixed chunks.
        for byte in 0..=255u8 {
            for position in 0..CHUNK {
                let mut chunk = [b'a'; CHUNK];
                chunk[position] = byte;
                chunk[(position + 17) % CHUNK] = b'"';
                assert_eq!(
                    classify(&chunk),
                    classify_portable(&chunk),
                    "{byte:#x} at {position}"
                );
            }
        }
        let pattern: &[u8] = b"{\"a\\\":[1,{}],\xe9\x1f]}Y_y\x7f";
        let mut chunk = [0u8; CHUNK];
        for (index, slot) in chunk.iter_mut().enumerate() {
            *slot = pattern[index % pattern.len()];
        }
        assert_eq!(classify(&chunk), classify_portable(&chunk));
    }

    #[test]
    fn escapes_including_runs_and_carry() {
        let mut carry = false;
        // `\\` at 0-1: byte 1 escaped; `\` at 3 escapes 4.
        assert_eq!(escaped_bytes(0b1011, &mut carry), 0b1_0010);
        assert!(!carry);
        assert_eq!(escaped_bytes(1 << 63, &mut carry), 0);
        assert!(carry);
        // Carried: byte 0 escaped, and a backslash there escapes nothing.
        assert_eq!(escaped_bytes(0b11, &mut carry), 0b101);
        assert!(!carry);
    }

    #[test]
    fn prefix_xor_marks_string_interiors() {
        assert_eq!(prefix_xor(0b1001), 0b0111);
        assert_eq!(prefix_xor(0), 0);
        assert_eq!(prefix_xor(1), u64::MAX);
    }
}
