//! The bytes that end a plain run inside a JSON string (RFC 8259 §7): `"`, `\` and the
//! control characters below 0x20. A reader stops at them (the string closes, an escape
//! starts, or the text is invalid); a writer escapes them. Both sides of `fep` use the same
//! 16-byte test: the element scanner and the JSONL record writer.

/// The length of the longest prefix of `bytes` without a `"`, `\` or control character: the
/// part a JSON string carries as it is. `bytes.len()` when there is none.
///
/// ```
/// use frontend_parse::json_string::plain_prefix_len;
///
/// assert_eq!(plain_prefix_len(b"METER"), 5);
/// assert_eq!(plain_prefix_len("温度 25\"ok\"".as_bytes()), 9);
/// assert_eq!(plain_prefix_len(b"a\nb"), 1);
/// ```
pub fn plain_prefix_len(bytes: &[u8]) -> usize {
    let mut at = 0usize;
    while let Some(block) = bytes.get(at..).and_then(<[u8]>::first_chunk::<16>) {
        let special = special_bytes(block);
        if special != 0 {
            return at.wrapping_add(special.trailing_zeros() as usize);
        }
        at = at.wrapping_add(16);
    }
    // The last 0–15 bytes. Where the input has 16 bytes, they are the end of its last 16
    // (already known plain up to `at`): one more block test, not a byte loop.
    let rest = bytes.get(at..).unwrap_or_default();
    if rest.is_empty() {
        return bytes.len();
    }
    let Some(start) = bytes.len().checked_sub(16) else {
        return short_plain_prefix_len(bytes);
    };
    let last = bytes
        .get(start..)
        .and_then(|last| <[u8; 16]>::try_from(last).ok())
        .unwrap_or([b' '; 16]);
    // Bits below `checked` are bytes before `at`, plain already.
    let special = special_bytes(&last) >> at.wrapping_sub(start);
    if special == 0 {
        bytes.len()
    } else {
        at.wrapping_add(special.trailing_zeros() as usize)
    }
}

/// [`plain_prefix_len`] of a string shorter than a block, which most strings written are
/// (serials, ids, codes): its first and its last eight (or four) bytes as two words, which
/// overlap, and no copy. A padded copy into a block cost a `memcpy` call a string, a sixth
/// of writing a record.
fn short_plain_prefix_len(bytes: &[u8]) -> usize {
    // Four bytes padded with spaces (never special) to a word.
    let padded = |word: [u8; 4]| u64::from(u32::from_le_bytes(word)) | 0x2020_2020_0000_0000;
    // The two words and how many bytes of the string each holds.
    let words = match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        (Some(&first), Some(&last)) => {
            Some((u64::from_le_bytes(first), u64::from_le_bytes(last), 8))
        }
        _ => match (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
            (Some(&first), Some(&last)) => Some((padded(first), padded(last), 4)),
            _ => None,
        },
    };
    let Some((first, last, width)) = words else {
        // Three bytes at most.
        return bytes
            .iter()
            .position(|&byte| is_special_byte(byte))
            .unwrap_or(bytes.len());
    };
    let byte_at = |special: u64| (special.trailing_zeros() / 8) as usize;
    let special = special_bytes_in_word(first);
    if special != 0 {
        return byte_at(special);
    }
    // The bytes the two words share are plain (the first word has none): a special byte of
    // the last word lies after them.
    let special = special_bytes_in_word(last);
    if special == 0 {
        return bytes.len();
    }
    bytes
        .len()
        .saturating_sub(width)
        .wrapping_add(byte_at(special))
}

/// Whether `byte` ends a plain run: `"`, `\` or a control character below 0x20.
pub(crate) const fn is_special_byte(byte: u8) -> bool {
    byte == b'"' || byte == b'\\' || byte < 0x20
}

/// Bit 7 of byte `i` of the result is set where byte `i` of `word` (little-endian) is `"`,
/// `\` or below 0x20; exact for the lowest such byte (a borrow can mark bytes above it),
/// which is all the callers use.
pub(crate) const fn special_bytes_in_word(word: u64) -> u64 {
    bytes_equal(word, b'"') | bytes_equal(word, b'\\') | bytes_below_space(word)
}

/// Bit 7 of each byte of the result is set where `word` has a byte equal to `byte`; exact
/// for the lowest such byte.
const fn bytes_equal(word: u64, byte: u8) -> u64 {
    let spread = (byte as u64).wrapping_mul(0x0101_0101_0101_0101);
    let x = word ^ spread;
    x.wrapping_sub(0x0101_0101_0101_0101) & !x & 0x8080_8080_8080_8080
}

/// Bit 7 of each byte of the result is set where `word` has a byte below 0x20 (exact for the
/// lowest such byte).
const fn bytes_below_space(word: u64) -> u64 {
    word.wrapping_sub(0x2020_2020_2020_2020) & !word & 0x8080_8080_8080_8080
}

/// Bit `i` is set where byte `i` of `block` is `"`, `\` or below 0x20.
fn special_bytes(block: &[u8; 16]) -> u32 {
    special_and_high_bytes(block).0
}

/// Bit `i` of the first mask is set where byte `i` of `block` ends a run of plain string
/// bytes (`"`, `\`, a control character below 0x20); bit `i` of the second where byte `i`
/// is not ASCII.
pub(crate) fn special_and_high_bytes(block: &[u8; 16]) -> (u32, u32) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        sse2::special_and_high_bytes(block)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        special_and_high_bytes_portable(block)
    }
}

/// [`special_and_high_bytes`] without SIMD, for other targets and to check the SSE2 one.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn special_and_high_bytes_portable(block: &[u8; 16]) -> (u32, u32) {
    block
        .iter()
        .enumerate()
        .fold((0, 0), |(special, high), (at, &byte)| {
            let bit = 1u32 << at;
            let is_special = is_special_byte(byte);
            (
                if is_special { special | bit } else { special },
                if byte >= 0x80 { high | bit } else { high },
            )
        })
}

/// SSE2 (part of every x86-64 processor) through `safe_arch`'s safe functions.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, min_u8_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };

    /// One load, four compares and two `pmovmskb`s for 16 bytes, where the eight-byte word
    /// tests take about 26 instructions.
    pub(super) fn special_and_high_bytes(block: &[u8; 16]) -> (u32, u32) {
        let splat = |byte: u8| set_splat_i8_m128i(i8::from_ne_bytes([byte]));
        let bytes = load_unaligned_m128i(block);
        // `min(byte, 0x1F) == byte` exactly for the bytes below 0x20 (an unsigned compare).
        let control = cmp_eq_mask_i8_m128i(min_u8_m128i(bytes, splat(0x1F)), bytes);
        let special = bitor_m128i(
            bitor_m128i(
                cmp_eq_mask_i8_m128i(bytes, splat(b'"')),
                cmp_eq_mask_i8_m128i(bytes, splat(b'\\')),
            ),
            control,
        );
        // `pmovmskb` gives the top bit of each of the 16 lanes: always below 2^16.
        let bits = |lanes| u32::try_from(move_mask_i8_m128i(lanes)).unwrap_or(0);
        (bits(special), bits(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_at_every_position_of_a_block() {
        for byte in 0..=255u8 {
            for position in 0..16 {
                let mut block = [b'a'; 16];
                block[position] = byte;
                let (special, high) = special_and_high_bytes(&block);
                let expected = byte == b'"' || byte == b'\\' || byte < 0x20;
                assert_eq!(special, u32::from(expected) << position, "{byte:#x}");
                assert_eq!(high, u32::from(byte >= 0x80) << position, "{byte:#x}");
                assert_eq!(
                    (special, high),
                    special_and_high_bytes_portable(&block),
                    "{byte:#x}"
                );
            }
        }
    }

    #[test]
    fn short_strings_at_every_length_and_position() {
        for length in 0..20 {
            for position in 0..length {
                for byte in [b'"', b'\\', 0x00, 0x1f] {
                    for filler in [b'a', 0x80, b' '] {
                        let mut text = vec![filler; length];
                        text[position] = byte;
                        // A later special byte must not move the answer.
                        if let Some(last) = text.last_mut()
                            && position + 1 < length
                        {
                            *last = b'"';
                        }
                        assert_eq!(plain_prefix_len(&text), position, "{length} {position}");
                    }
                }
            }
            assert_eq!(plain_prefix_len(&vec![b'a'; length]), length);
        }
    }

    proptest::proptest! {
        /// The block search finds the first special byte a byte loop finds, at every length
        /// (padded tails, overlapping last blocks).
        #[test]
        fn plain_prefix_is_the_first_special_byte(
            bytes in proptest::collection::vec(
                proptest::sample::select(&b"ab\"\\\x00\x1f\x20\x7f\x80\xe6\xff"[..]),
                0..70,
            ),
            plain_head in 0usize..40,
        ) {
            // A plain head makes the special bytes land late, in tails and last blocks.
            let mut input = vec![b'x'; plain_head];
            input.extend_from_slice(&bytes);
            let expected = input
                .iter()
                .position(|&byte| byte == b'"' || byte == b'\\' || byte < 0x20)
                .unwrap_or(input.len());
            proptest::prop_assert_eq!(plain_prefix_len(&input), expected);
        }
    }
}
