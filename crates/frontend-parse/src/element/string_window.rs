//! A string with escapes read from byte masks over the 64 bytes after its opening quote.
//!
//! Writers that escape every non-ASCII character (`ensure_ascii`: `\u6e29\u5ea6 25\u00b0C`)
//! send strings that are mostly escapes. Stepping from escape to escape costs a branch and a
//! check of the escape's bytes each; here the whole string is settled from per-byte class
//! masks at once, as simdjson finds escaped quotes: which bytes follow an odd run of
//! backslashes, whether each of those is a letter a JSON escape allows (RFC 8259 §7), and
//! whether every `\u` is followed by four hexadecimal digits.
//!
//! The answer is only ever "this string ends here and is valid" or "not decided": anything
//! else (no closing quote within the window, a control character, a bad escape, a surrogate
//! escape, which the scanner leaves to simd-json) is left to the byte-wise walk, which decides
//! exactly as before. So a mistake here could only accept what the walk rejects; the tests
//! hold it to the walk.

#[cfg_attr(
    all(target_arch = "x86_64", target_feature = "sse2"),
    allow(unused_imports)
)]
use super::scan::portable_mask;

/// The bits of the even positions of a mask.
const EVEN_BITS: u64 = 0x5555_5555_5555_5555;
/// The bits of the odd positions of a mask.
const ODD_BITS: u64 = !EVEN_BITS;

/// Bytes by class, bit `i` for byte `i`: of one block as [`block_classes`] gives them, of the
/// whole window once its blocks are merged ([`Classes::merge`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Classes {
    /// `"`.
    quotes: u64,
    /// `\`.
    backslashes: u64,
    /// Below 0x20, which a string may not hold unescaped.
    controls: u64,
    /// Not ASCII (the string then needs a UTF-8 check).
    high: u64,
    /// `0-9a-fA-F`.
    hex: u64,
    /// The letters an escape may have after its backslash, other than `\` itself:
    /// `" / b f n r t u`.
    escape_letters: u64,
    /// `u`.
    u: u64,
    /// `d` or `D`: a `\u` escape starting `\uD8`–`\uDF` is a surrogate.
    d: u64,
    /// `8-9a-fA-F`: the second digit of a surrogate.
    surrogate_second: u64,
}

/// The classes of one 16-byte block.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn block_classes(block: &[u8; 16]) -> Classes {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, min_u8_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i, sub_i8_m128i,
    };
    let splat = |byte: u8| set_splat_i8_m128i(i8::from_ne_bytes([byte]));
    // `pmovmskb` of 16 lanes is below 2^16.
    let bits = |lanes| u64::try_from(move_mask_i8_m128i(lanes)).unwrap_or(0);
    let lanes = load_unaligned_m128i(block);
    let eq = |byte: u8| cmp_eq_mask_i8_m128i(lanes, splat(byte));
    // `x − low` (wrapping) is at most `high − low` exactly for the bytes in `low..=high`,
    // and `min(y, n) == y` is that unsigned test.
    let within = |lanes, low: u8, span: u8| {
        let offset = sub_i8_m128i(lanes, splat(low));
        cmp_eq_mask_i8_m128i(min_u8_m128i(offset, splat(span)), offset)
    };
    // Setting bit 5 folds `A-F` onto `a-f` and leaves digits as they are.
    let folded = bitor_m128i(lanes, splat(0x20));
    let digits = within(lanes, b'0', 9);
    let hex = bitor_m128i(digits, within(folded, b'a', 5));
    let quote = eq(b'"');
    let u = eq(b'u');
    let letters = bitor_m128i(
        bitor_m128i(bitor_m128i(quote, u), bitor_m128i(eq(b'/'), eq(b'b'))),
        bitor_m128i(
            bitor_m128i(eq(b'f'), eq(b'n')),
            bitor_m128i(eq(b'r'), eq(b't')),
        ),
    );
    let hex_bits = bits(hex);
    Classes {
        quotes: bits(quote),
        backslashes: bits(eq(b'\\')),
        controls: bits(cmp_eq_mask_i8_m128i(
            min_u8_m128i(lanes, splat(0x1F)),
            lanes,
        )),
        high: bits(lanes),
        hex: hex_bits,
        escape_letters: bits(letters),
        u: bits(u),
        d: bits(cmp_eq_mask_i8_m128i(folded, splat(b'd'))),
        surrogate_second: hex_bits & !bits(within(lanes, b'0', 7)),
    }
}

/// [`block_classes`] without SIMD, for other targets and to check the SSE2 one.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn block_classes_portable(block: &[u8; 16]) -> Classes {
    let mask = |test| u64::from(portable_mask(block, test));
    Classes {
        quotes: mask(|byte| byte == b'"'),
        backslashes: mask(|byte| byte == b'\\'),
        controls: mask(|byte| byte < 0x20),
        high: mask(|byte| byte >= 0x80),
        hex: mask(|byte| byte.is_ascii_hexdigit()),
        escape_letters: mask(|byte| {
            matches!(byte, b'"' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' | b'u')
        }),
        u: mask(|byte| byte == b'u'),
        d: mask(|byte| matches!(byte, b'd' | b'D')),
        surrogate_second: mask(|byte| matches!(byte, b'8' | b'9' | b'a'..=b'f' | b'A'..=b'F')),
    }
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn block_classes(block: &[u8; 16]) -> Classes {
    block_classes_portable(block)
}

/// A string the window settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct WindowString {
    /// The closing quote's offset from the start of the contents.
    pub(super) len: usize,
    /// Whether the contents have an escape.
    pub(super) escaped: bool,
    /// Whether the contents have a byte that is not ASCII (they then need a UTF-8 check).
    pub(super) non_ascii: bool,
}

/// The string whose contents start at `start` of `bytes` (just after its opening quote), if
/// it closes within 64 bytes, in whole 16-byte blocks of `bytes`, with valid escapes and no
/// control character: `None` where that is not so, for the byte-wise walk to decide.
///
/// Blocks are classed one at a time and the search stops at the first block that holds the
/// closing quote, so a 41-byte string costs three blocks.
pub(super) fn string_in_window(bytes: &[u8], start: usize) -> Option<WindowString> {
    let mut window = Classes::default();
    for shift in [0u32, 16, 32, 48] {
        let block = bytes
            .get(start.wrapping_add(shift as usize)..)
            .and_then(<[u8]>::first_chunk::<16>)?;
        window.merge(&block_classes(block), shift);
        let escaped = escaped_bytes(window.backslashes);
        let closing = window.quotes & !escaped;
        if closing != 0 {
            return window.settle(closing.trailing_zeros(), escaped);
        }
    }
    None
}

impl Classes {
    /// Merges in the classes of the block at bytes `shift..shift + 16` of the window.
    fn merge(&mut self, block: &Self, shift: u32) {
        self.quotes |= block.quotes << shift;
        self.backslashes |= block.backslashes << shift;
        self.controls |= block.controls << shift;
        self.high |= block.high << shift;
        self.hex |= block.hex << shift;
        self.escape_letters |= block.escape_letters << shift;
        self.u |= block.u << shift;
        self.d |= block.d << shift;
        self.surrogate_second |= block.surrogate_second << shift;
    }

    /// Checks the contents before the closing quote at `end` (below 64); `escaped` are the
    /// escaped bytes ([`escaped_bytes`]).
    fn settle(&self, end: u32, escaped: u64) -> Option<WindowString> {
        let before = (1u64 << end).wrapping_sub(1);
        if self.controls & before != 0 {
            return None;
        }
        let string = WindowString {
            len: end as usize,
            escaped: self.backslashes & before != 0,
            non_ascii: self.high & before != 0,
        };
        if !string.escaped {
            return Some(string);
        }
        // Every escaped byte is an escape's letter (a backslash escaped by a backslash is
        // part of a run, never marked).
        let letters = escaped & before;
        if letters & !self.escape_letters != 0 {
            return None;
        }
        // The first of each `\u` escape's four digits, which must all be hexadecimal and must
        // not start a surrogate (`D8`–`DF`). They lie before the quote: a quote is not a
        // digit.
        let digits = (letters & self.u) << 1;
        let hex = self.hex;
        let four_hex = hex & (hex >> 1) & (hex >> 2) & (hex >> 3);
        let surrogates = self.d & (self.surrogate_second >> 1);
        if digits & !four_hex != 0 || digits & surrogates != 0 {
            return None;
        }
        Some(string)
    }
}

/// The bytes right after an odd run of backslashes: the escaped ones (the letter of an
/// escape). The window starts after a quote, so no run comes in from before it.
///
/// A run of backslashes starting at an even position, plus one at its start, carries to the
/// bit just past its end; that end is odd exactly when the run's length is odd. Likewise for
/// runs starting at odd positions. (A carry out of bit 63 is a run that reaches past the
/// window, beyond any quote found in it.)
fn escaped_bytes(backslashes: u64) -> u64 {
    let starts = backslashes & !(backslashes << 1);
    let even_ends = backslashes.wrapping_add(starts & EVEN_BITS) & !backslashes;
    let odd_ends = backslashes.wrapping_add(starts & ODD_BITS) & !backslashes;
    (even_ends & ODD_BITS) | (odd_ends & EVEN_BITS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::scan::tests::every_string;

    /// The byte-wise reading of a string's contents starting at `start`: its end and flags,
    /// or `None` where it is invalid, is a surrogate escape or has no closing quote.
    fn walked(bytes: &[u8], start: usize) -> Option<WindowString> {
        let mut at = start;
        let mut escaped = false;
        let mut non_ascii = false;
        loop {
            match *bytes.get(at)? {
                b'"' => {
                    return Some(WindowString {
                        len: at - start,
                        escaped,
                        non_ascii,
                    });
                }
                b'\\' => {
                    escaped = true;
                    match *bytes.get(at + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => at += 2,
                        b'u' => {
                            let digits = bytes.get(at + 2..at + 6)?;
                            if !digits.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            let code =
                                u16::from_str_radix(core::str::from_utf8(digits).ok()?, 16).ok()?;
                            if (0xD800..=0xDFFF).contains(&code) {
                                return None;
                            }
                            at += 6;
                        }
                        _ => return None,
                    }
                }
                byte if byte < 0x20 => return None,
                byte => {
                    non_ascii |= byte >= 0x80;
                    at += 1;
                }
            }
        }
    }

    /// The window agrees with the walk wherever it decides, and decides every string that
    /// closes within its blocks and is valid.
    fn check(contents: &[u8]) {
        let mut bytes = contents.to_vec();
        bytes.resize(contents.len().max(64) + 16, b' ');
        let window = string_in_window(&bytes, 0);
        let walk = walked(&bytes, 0);
        match window {
            Some(found) => assert_eq!(Some(found), walk, "{:?}", String::from_utf8_lossy(contents)),
            None => assert!(
                walk.is_none_or(|string| string.len >= 64),
                "{:?}: undecided, walked {walk:?}",
                String::from_utf8_lossy(contents)
            ),
        }
    }

    #[test]
    fn short_contents_of_every_escape_byte_agree_with_the_walk() {
        // Every string of up to five bytes of an alphabet with every escape letter, a digit
        // that starts a surrogate and one that does not, and the classes around them.
        for mut contents in every_string(b"\"\\ubnDd8a0x\n\x7f\xc3", 5) {
            check(&contents);
            contents.push(b'"');
            check(&contents);
        }
    }

    #[test]
    fn every_unicode_escape_agrees_with_the_walk() {
        for unit in 0..=u16::MAX {
            for text in [
                format!("ab\\u{unit:04x}\"x"),
                format!("\\u{unit:04X}\\u00e9\""),
            ] {
                check(text.as_bytes());
            }
        }
    }

    #[test]
    fn escapes_and_runs_of_backslashes_at_every_offset_agree_with_the_walk() {
        for offset in 0..70 {
            for piece in [
                &b"\\\""[..],
                b"\\\\\"",
                b"\\\\\\\"\"",
                b"\\u6e29\\u5ea6\"",
                b"\\u12\"4\"",
                b"\\ud83d\\ude00\"",
                b"\\x\"",
                "温度\"".as_bytes(),
                b"\\\\\\\\\\",
            ] {
                let mut contents = vec![b'a'; offset];
                contents.extend_from_slice(piece);
                check(&contents);
            }
        }
    }

    #[test]
    fn the_generators_escaped_text_is_settled() {
        let contents = br#"\u6e29\u5ea6 25\u00b0C, \"ok\" \\ path\\x" more"#;
        let mut bytes = contents.to_vec();
        bytes.resize(80, b' ');
        assert_eq!(
            string_in_window(&bytes, 0),
            Some(WindowString {
                len: 41,
                escaped: true,
                non_ascii: false
            })
        );
    }

    #[test]
    fn strings_past_the_window_or_the_input_are_left_to_the_walk() {
        let long = [b'a'; 100];
        assert_eq!(string_in_window(&long, 0), None);
        // Closes, but its block is not whole.
        assert_eq!(string_in_window(b"abc\"", 0), None);
    }

    #[test]
    fn block_classes_equal_the_portable_ones() {
        for byte in 0..=255u8 {
            for position in [0, 7, 15] {
                let mut block = [b'a'; 16];
                block[position] = byte;
                assert_eq!(
                    block_classes(&block),
                    block_classes_portable(&block),
                    "{byte:#x}"
                );
            }
        }
    }
}
