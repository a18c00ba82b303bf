//! The fast element reader: one pass over the element's bytes that validates the JSON (RFC
//! 8259) and reads only the fields the failure rules need. Skipped values (item `value`s,
//! timestamps, unknown keys) are checked and stepped over without building anything; read
//! strings are borrowed from the input, and only strings with escapes are unescaped, into a
//! reused buffer. No tape, no copy of the element.
//!
//! Why not simd-json for everything: for this data (about 1.3 KB elements, a hundred short
//! tokens each, most of them in values nobody reads) simd-json spends most of its time
//! building the tape, unescaping and converting numbers for values that are dropped, plus a
//! padded copy of every element (`docs/performance.md`, "Batch").
//!
//! The scanner accepts a strict subset of what simd-json accepts, with the same values:
//! whatever it is not sure of — any error, a control character or a surrogate escape in a
//! string, an escape in a key, a number with an exponent or 18+ digits, a fraction in a read
//! field, nesting deeper than [`MAX_NESTING`], bytes around the object — makes it give up
//! ([`GiveUp`]), and the element is parsed again by simd-json, whose answer (and error text
//! and offset) is authoritative. So errors are reported exactly as before, and the
//! differential tests (`differential.rs`) hold the two readers to the same
//! [`Element`](super::Element).

use super::field::Value;
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
use super::string_window::string_in_window;
use super::{DataItem, ElementKey, Fields, ItemReader};
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
use crate::json_string::special_and_high_bytes;
use crate::json_string::{is_special_byte, special_bytes_in_word};
use crate::utf8;

/// Containers nested deeper than this inside one skipped value are left to simd-json (whose
/// own limit is the parser's `MAX_DEPTH`, far above this plus the element's own levels).
const MAX_NESTING: u32 = 48;

/// Integers and fractions with this many digits or more are left to simd-json, which reads
/// them on slower paths that can fail (integer overflow) or round differently.
const MAX_DIGITS: usize = 18;

/// The scanner is not sure: parse the element with simd-json instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct GiveUp;

type Scan<T> = Result<T, GiveUp>;

/// Where a string read from the element is: borrowed from the input, or unescaped into the
/// scratch buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Text {
    Input { start: usize, end: usize },
    Unescaped { start: usize, end: usize },
}

/// A scalar read from the element, before strings are resolved to `&str` (which can only
/// happen once the unescape buffer stops growing).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Scalar {
    Str(Text),
    Int(i64),
    UInt(u64),
    Bool(bool),
    Null,
    Container,
}

impl Text {
    /// The string: a slice of the element (validated by the scan, or ASCII: this only makes
    /// the `str`) or of the unescaped strings; `""` if the place is out of range.
    fn str<'a>(self, bytes: &'a [u8], unescaped: &'a str) -> &'a str {
        match self {
            Self::Input { start, end } => bytes
                .get(start..end)
                .and_then(|text| core::str::from_utf8(text).ok()),
            Self::Unescaped { start, end } => unescaped.get(start..end),
        }
        .unwrap_or_default()
    }
}

impl Scalar {
    /// The value the field readers take, strings looked up in `bytes` and `unescaped`.
    fn value<'a>(self, bytes: &'a [u8], unescaped: &'a str) -> Value<'a> {
        match self {
            Self::Str(place) => Value::Str(place.str(bytes, unescaped)),
            Self::Int(value) => Value::Int(value),
            Self::UInt(value) => Value::UInt(value),
            Self::Bool(value) => Value::Bool(value),
            Self::Null => Value::Null,
            Self::Container => Value::Container,
        }
    }
}

/// One data item as scanned: its id where it lies (`Null` when absent) and its flag, already
/// read (a flag is a number, which borrows nothing), so that [`resolve`] only maps each item.
#[derive(Clone, Copy, Debug)]
struct RawItem {
    id: Scalar,
    flag: Option<i64>,
}

impl RawItem {
    const EMPTY: Self = Self {
        id: Scalar::Null,
        flag: None,
    };
}

/// An item key, as [`Scanner::item_key`] classifies it.
#[derive(Clone, Copy, Debug)]
enum ItemKey<'t> {
    /// `dataItemId` (`true`) or `responseFlag` (`false`): read.
    Read(bool),
    /// `value`: skipped.
    Value,
    /// Any other key: skipped.
    Other(&'t [u8]),
}

/// Buffers the scanner reuses from element to element.
#[derive(Debug, Default)]
pub(super) struct ScanBuffers {
    /// Unescaped strings of read fields.
    unescaped: String,
    /// Top-level reads, in key order.
    reads: Vec<(ElementKey, Scalar)>,
    /// Items of the last `dataItem`.
    items: Vec<RawItem>,
    /// Whether an item of the last `dataItem` looked like a swallowed element.
    nested_element: bool,
    /// Whether a known element key that is not read (`dataItem`, `endTime`, …) was seen:
    /// such keys only tell an element apart from a nested object, so they are not pushed
    /// to `reads` (a third of an element's keys, each about 60 instructions in [`resolve`]).
    unread_known_key: bool,
}

impl ScanBuffers {
    /// Capacity held, for the parser's shrink-after-outlier rule.
    pub(super) fn capacity(&self) -> usize {
        self.unescaped
            .capacity()
            .saturating_add(self.reads.capacity())
            .saturating_add(self.items.capacity())
    }
}

/// Scans `bytes` (the element) into `buffers`; on success, [`resolve`] turns them into the
/// element's fields and items.
///
/// The element is not checked to be UTF-8 up front (that check was a tenth of the whole
/// run): outside strings the scanner accepts ASCII bytes only, and a string with a byte
/// ≥ 0x80 is validated when it closes, so a successful scan has validated every byte.
pub(super) fn scan(bytes: &[u8], buffers: &mut ScanBuffers) -> Scan<()> {
    buffers.unescaped.clear();
    buffers.reads.clear();
    buffers.items.clear();
    buffers.nested_element = false;
    buffers.unread_known_key = false;
    let mut scanner = Scanner {
        bytes,
        pos: 0,
        buffers,
    };
    scanner.element()
}

/// The element's fields and items from a successful [`scan`] of `bytes`. Strings borrow
/// `bytes` and the buffers; the items stay as scanned until they are looked at. Inlined into
/// the parser: as a call, its `Fields` were built and returned by copy, two `memcpy` calls an
/// element (0.85 M of 281 M instructions on the 25.8 MB `fep gen` batch, callgrind).
#[inline]
pub(super) fn resolve<'a>(
    bytes: &'a [u8],
    buffers: &'a ScanBuffers,
) -> (Fields<'a>, ScannedItems<'a>, bool) {
    let value_of = |scalar: Scalar| scalar.value(bytes, &buffers.unescaped);
    let mut fields = Fields::EMPTY;
    fields.known_keys = buffers.unread_known_key;
    for &(key, scalar) in &buffers.reads {
        match scalar {
            // Kept as bytes: converted only if somebody asks (`FieldSlot`).
            Scalar::Str(Text::Input { start, end }) => {
                fields.read_scanned(key, bytes.get(start..end).unwrap_or_default());
            }
            other => fields.read(key, value_of(other)),
        }
    }
    let items = ScannedItems {
        raw: buffers.items.iter(),
        bytes,
        unescaped: &buffers.unescaped,
    };
    (fields, items, buffers.nested_element)
}

/// The items of a scanned element, made into [`DataItem`]s as they are iterated: an id
/// borrows the element or the unescaped strings, a flag was read by the scan.
#[derive(Clone, Debug)]
pub(super) struct ScannedItems<'a> {
    raw: core::slice::Iter<'a, RawItem>,
    bytes: &'a [u8],
    unescaped: &'a str,
}

impl<'a> Iterator for ScannedItems<'a> {
    type Item = DataItem<'a>;

    #[inline]
    fn next(&mut self) -> Option<DataItem<'a>> {
        let raw = self.raw.next()?;
        let mut item = DataItem::EMPTY;
        match raw.id {
            // Kept as bytes: converted only if somebody asks (`FieldSlot`).
            Scalar::Str(Text::Input { start, end }) => {
                item.set_scanned_id(self.bytes.get(start..end).unwrap_or_default());
            }
            other => item.read_id(other.value(self.bytes, self.unescaped)),
        }
        item.response_flag = raw.flag;
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.raw.size_hint()
    }
}

/// SSE2 (part of every x86-64 processor) through `safe_arch`'s safe functions.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, load_unaligned_m128i, min_u8_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i, sub_i8_m128i,
    };

    /// Bit `i` is set where byte `i` of `block` is an ASCII digit: `byte − '0'` (wrapping)
    /// is at most 9 exactly for the digits, and `min(x, 9) == x` is that unsigned test.
    pub(super) fn digits(block: &[u8; 16]) -> u32 {
        let splat = |byte: u8| set_splat_i8_m128i(i8::from_ne_bytes([byte]));
        let offset = sub_i8_m128i(load_unaligned_m128i(block), splat(b'0'));
        let digits = cmp_eq_mask_i8_m128i(min_u8_m128i(offset, splat(9)), offset);
        u32::try_from(move_mask_i8_m128i(digits)).unwrap_or(0)
    }
}

/// The byte classes of a number array (see [`number_array_len`]) in 32 bytes, bit `i` for
/// byte `i`: digits, zeros, commas, dots, minus signs and closing brackets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ArrayClasses {
    digits: u32,
    zeros: u32,
    commas: u32,
    dots: u32,
    minus: u32,
    closes: u32,
}

/// [`ArrayClasses`] of `window`: per 16 bytes one load, the digit test and five byte
/// comparisons (SSE2).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn array_classes(window: &[u8; 32]) -> ArrayClasses {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i, set_splat_i8_m128i,
    };
    let mut classes = ArrayClasses {
        digits: 0,
        zeros: 0,
        commas: 0,
        dots: 0,
        minus: 0,
        closes: 0,
    };
    let (halves, _) = window.as_chunks::<16>();
    for (shift, half) in [0u32, 16].into_iter().zip(halves) {
        let lanes = load_unaligned_m128i(half);
        let eq = |byte: u8| {
            let equal = cmp_eq_mask_i8_m128i(lanes, set_splat_i8_m128i(i8::from_ne_bytes([byte])));
            // `pmovmskb` of 16 lanes is below 2^16.
            u32::try_from(move_mask_i8_m128i(equal)).unwrap_or(0) << shift
        };
        classes.digits |= sse2::digits(half) << shift;
        classes.zeros |= eq(b'0');
        classes.commas |= eq(b',');
        classes.dots |= eq(b'.');
        classes.minus |= eq(b'-');
        classes.closes |= eq(b']');
    }
    classes
}

/// Bit `i` set where byte `i` of `bytes` (at most 32) passes `test`: the portable twin of a
/// SIMD compare and `pmovmskb`.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
pub(super) fn portable_mask(bytes: &[u8], test: fn(u8) -> bool) -> u32 {
    bytes
        .iter()
        .take(32)
        .enumerate()
        .filter(|&(_, &byte)| test(byte))
        .fold(0u32, |mask, (at, _)| mask | (1u32 << at))
}

/// [`array_classes`] without SIMD, for other targets and to check the SSE2 one.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn array_classes_portable(window: &[u8; 32]) -> ArrayClasses {
    let mask = |test| portable_mask(window, test);
    ArrayClasses {
        digits: mask(|byte| byte.is_ascii_digit()),
        zeros: mask(|byte| byte == b'0'),
        commas: mask(|byte| byte == b','),
        dots: mask(|byte| byte == b'.'),
        minus: mask(|byte| byte == b'-'),
        closes: mask(|byte| byte == b']'),
    }
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn array_classes(window: &[u8; 32]) -> ArrayClasses {
    array_classes_portable(window)
}

/// The longest number [`number_array_len`] takes (longer ones go the general way, which
/// gives up on 18 digits and more, as [`Scanner::number`] does).
const MAX_ARRAY_NUMBER: u32 = 15;
// `number_array_len` finds runs of `MAX_ARRAY_NUMBER + 1` bytes by four doublings.
const _: () = assert!(MAX_ARRAY_NUMBER == 15);

/// The length of a compact array of plain numbers whose contents start `window` (the bytes
/// after its `[`), through its `]`: `n(,n)*]` where each `n` is
/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?` (RFC 8259 §6) of at most [`MAX_ARRAY_NUMBER`] bytes, all
/// within the window. `None` for anything else (exponents, whitespace, other values, an
/// error, a longer array): the general walk reads it and decides.
///
/// Number arrays (tariff registers, curves) are the commonest containers in values: read
/// from six byte masks, an array costs about what one of its numbers cost the walk.
fn number_array_len(window: &[u8; 32]) -> Option<usize> {
    let ArrayClasses {
        digits,
        zeros,
        commas,
        dots,
        minus,
        closes,
    } = array_classes(window);
    let end = closes.trailing_zeros();
    if end >= 32 {
        return None;
    }
    let before_end = (1u32 << end).wrapping_sub(1);
    // Nothing but digits, commas, dots and minus signs before the `]`.
    if !(digits | commas | dots | minus) & before_end != 0 {
        return None;
    }
    let (commas, dots, minus) = (commas & before_end, dots & before_end, minus & before_end);
    // Numbers start at the first byte and after each comma (the `]` counts when it follows
    // a comma or nothing: an empty number); a minus sign only there.
    let starts = 1 | (commas << 1);
    if minus & !starts != 0 {
        return None;
    }
    // The integer part begins with a digit, right after the number's start or its minus
    // sign; a leading zero is the whole integer part.
    let integer_starts = (starts & !minus) | (minus << 1);
    if integer_starts & !digits != 0 || ((integer_starts & zeros) << 1) & digits != 0 {
        return None;
    }
    // A dot has a digit on either side; a comma and the `]` follow a digit.
    if (dots >> 1 | dots << 1 | commas >> 1) & !digits != 0 {
        return None;
    }
    if end == 0 || (1u32 << end.wrapping_sub(1)) & digits == 0 {
        return None;
    }
    // At most one dot a number: the byte after a dot's fraction digits is never a dot. Adding
    // a bit at the first digit after each dot carries through that run of digits to the byte
    // after it (the `]` ends every run that starts before it, so nothing carries out).
    let after_fractions = digits.wrapping_add(dots << 1) & !digits;
    if after_fractions & dots != 0 {
        return None;
    }
    // At most `MAX_ARRAY_NUMBER` (15) bytes a number: no run of 16 bytes without a comma
    // (each step doubles the run a bit stands for: 2, 4, 8, 16).
    let mut long_run = !commas & before_end;
    long_run &= long_run >> 1;
    long_run &= long_run >> 2;
    long_run &= long_run >> 4;
    long_run &= long_run >> 8;
    if long_run != 0 {
        return None;
    }
    Some(end.wrapping_add(1) as usize)
}

/// [`sse2::digits`] without SIMD, for other targets and to check it.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn digits_portable(block: &[u8; 16]) -> u32 {
    block
        .iter()
        .enumerate()
        .filter(|(_, byte)| byte.is_ascii_digit())
        .fold(0, |mask, (at, _)| mask | (1u32 << at))
}

/// The digit mask of 16 bytes (bit `i` = byte `i`).
fn digit_mask(block: &[u8; 16]) -> u32 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        sse2::digits(block)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        digits_portable(block)
    }
}

/// The length of the number (RFC 8259 §6) at the start of `block` if it has no exponent and
/// ends inside the block: `-?(0|[1-9][0-9]*)(\.[0-9]+)?` followed by a byte that is none of
/// `0-9 . e E`. `None` when it is anything else (including an error): the caller reads it
/// the long way, which decides. One mask of the digits replaces two digit runs and their
/// bounds checks (a number cost about a hundred instructions).
fn short_number_length(block: &[u8; 16]) -> Option<usize> {
    let sign = usize::from(block[0] == b'-');
    // A bit above the block stops every search at 16.
    let not_digit = !digit_mask(block) | (1 << 16);
    let from = |at: usize| (not_digit >> at << at).trailing_zeros() as usize;
    // A leading `0` is the whole integer part (what follows it is the caller's problem).
    let integer_end = match block.get(sign) {
        Some(b'0') => sign.wrapping_add(1),
        Some(b'1'..=b'9') => from(sign),
        _ => return None,
    };
    let end = if block.get(integer_end) == Some(&b'.') {
        let fraction_end = from(integer_end.wrapping_add(1));
        if fraction_end == integer_end.wrapping_add(1) {
            return None;
        }
        fraction_end
    } else {
        integer_end
    };
    match block.get(end) {
        Some(b'.' | b'e' | b'E') | None => None,
        Some(_) => Some(end),
    }
}

/// The number of ASCII digits from `pos` on, eight bytes at a time (numbers are most of the
/// skipped values' tokens).
fn digit_run(bytes: &[u8], pos: usize) -> usize {
    const HIGH_NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const DIGIT_NIBBLES: u64 = 0x3030_3030_3030_3030;
    let mut at = pos;
    while let Some(word) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        let word = u64::from_le_bytes(*word);
        // A byte is a digit when its high nibble is 3 and stays 3 after adding 6 (0x30–0x39).
        // The addition can carry into the next byte only from a byte ≥ 0xFA, which is itself
        // not a digit, so the lowest non-digit byte is always found correctly.
        let not_digit = ((word & HIGH_NIBBLES) ^ DIGIT_NIBBLES)
            | ((word.wrapping_add(0x0606_0606_0606_0606) & HIGH_NIBBLES) ^ DIGIT_NIBBLES);
        if not_digit != 0 {
            return at
                .wrapping_add((not_digit.trailing_zeros() / 8) as usize)
                .wrapping_sub(pos);
        }
        at = at.wrapping_add(8);
    }
    while let Some(b'0'..=b'9') = bytes.get(at) {
        at = at.wrapping_add(1);
    }
    at.wrapping_sub(pos)
}

/// The value of a run of ASCII digits (the callers bound its length below 19 digits, so
/// it fits).
fn decimal_value(digits: &[u8]) -> u64 {
    digits.iter().fold(0u64, |value, &digit| {
        value
            .wrapping_mul(10)
            .wrapping_add(u64::from(digit.wrapping_sub(b'0')))
    })
}

/// A `"key":` literal of 4 to 16 bytes, compared as its first and its last eight bytes (four
/// below 8 bytes): two word comparisons where a slice comparison calls `memcmp` (a tenth of
/// the item loop).
struct KeyLiteral {
    len: usize,
    head: u64,
    tail: u64,
}

impl KeyLiteral {
    /// `text` must be 4 to 16 bytes long (checked by a test; a shorter one never matches).
    const fn new(text: &[u8]) -> Self {
        let (head, tail) = match (text.first_chunk::<8>(), text.last_chunk::<8>()) {
            (Some(head), Some(tail)) => (u64::from_le_bytes(*head), u64::from_le_bytes(*tail)),
            _ => match (text.first_chunk::<4>(), text.last_chunk::<4>()) {
                (Some(head), Some(tail)) => (
                    u32::from_le_bytes(*head) as u64,
                    u32::from_le_bytes(*tail) as u64,
                ),
                _ => (u64::MAX, u64::MAX),
            },
        };
        Self {
            len: text.len(),
            head,
            tail,
        }
    }

    /// The end of the literal if `bytes` hold it at `pos`.
    fn match_at(&self, bytes: &[u8], pos: usize) -> Option<usize> {
        let end = pos.checked_add(self.len)?;
        let window = bytes.get(pos..end)?;
        let (head, tail) = if self.len >= 8 {
            (
                u64::from_le_bytes(*window.first_chunk::<8>()?),
                u64::from_le_bytes(*window.last_chunk::<8>()?),
            )
        } else {
            (
                u64::from(u32::from_le_bytes(*window.first_chunk::<4>()?)),
                u64::from(u32::from_le_bytes(*window.last_chunk::<4>()?)),
            )
        };
        (head == self.head && tail == self.tail).then_some(end)
    }
}

/// The `"key":` literals of the element keys that front-ends write, with their class
/// ([`ElementKey::of`] of the name, checked by a test), by the name's first letter:
/// [`Scanner::element_key`] tries them before reading a key as a string.
const KEYS_C: [(KeyLiteral, ElementKey); 2] = [
    (KeyLiteral::new(b"\"cmdType\":"), ElementKey::CmdType),
    (KeyLiteral::new(b"\"commDevId\":"), ElementKey::CommDevId),
];
const KEYS_D: [(KeyLiteral, ElementKey); 3] = [
    (KeyLiteral::new(b"\"dataItem\":"), ElementKey::DataItem),
    (KeyLiteral::new(b"\"devSn\":"), ElementKey::DevSn),
    (KeyLiteral::new(b"\"devType\":"), ElementKey::DevType),
];
const KEYS_E: [(KeyLiteral, ElementKey); 2] = [
    (KeyLiteral::new(b"\"errorCode\":"), ElementKey::ErrorCode),
    (KeyLiteral::new(b"\"endTime\":"), ElementKey::Skipped),
];
const KEYS_F: [(KeyLiteral, ElementKey); 1] =
    [(KeyLiteral::new(b"\"frameNum\":"), ElementKey::FrameNum)];
const KEYS_O: [(KeyLiteral, ElementKey); 1] =
    [(KeyLiteral::new(b"\"operator\":"), ElementKey::Skipped)];
const KEYS_R: [(KeyLiteral, ElementKey); 1] = [(KeyLiteral::new(b"\"rop\":"), ElementKey::Skipped)];
const KEYS_S: [(KeyLiteral, ElementKey); 2] = [
    (KeyLiteral::new(b"\"succ\":"), ElementKey::Succ),
    (KeyLiteral::new(b"\"startTime\":"), ElementKey::Skipped),
];

const DATA_ITEM_ID: KeyLiteral = KeyLiteral::new(b"\"dataItemId\":");
const RESPONSE_FLAG: KeyLiteral = KeyLiteral::new(b"\"responseFlag\":");
const VALUE: KeyLiteral = KeyLiteral::new(b"\"value\":");

/// The literals of the usual item, `{"dataItemId":"…","responseFlag":N,"value":…}`, read
/// by [`Scanner::usual_item`]: its opening up to the id, and the separators around the flag.
const ITEM_OPENING: KeyLiteral = KeyLiteral::new(b"{\"dataItemId\":\"");
const AFTER_ID: KeyLiteral = KeyLiteral::new(b",\"responseFlag\":");
const AFTER_FLAG: KeyLiteral = KeyLiteral::new(b",\"value\":");
/// [`AFTER_ID`], the flag `0` and [`AFTER_FLAG`]: what follows the id of a successful item.
const FLAG_ZERO_TAIL: &[u8; 26] = b",\"responseFlag\":0,\"value\":";

/// Flags with more digits than this are left to the general item reader (result codes have
/// at most three).
const MAX_FLAG_DIGITS: usize = 4;

/// The high bit of every byte of a word: set only in non-ASCII (UTF-8 multi-byte) bytes.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// JSON whitespace (RFC 8259 §2).
const fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// The escape at `pos` (`\n`, `\u00e9`, …): its length in bytes and the character
/// it stands for. Surrogate escapes are left to simd-json (pairs are rare here, lone ones
/// are errors).
fn escape(bytes: &[u8], pos: usize) -> Scan<(usize, char)> {
    let escape = bytes.get(pos.wrapping_add(1)).ok_or(GiveUp)?;
    let simple = match escape {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let hex = bytes
                .get(pos.wrapping_add(2)..pos.wrapping_add(6))
                .ok_or(GiveUp)?;
            let code = hex.iter().try_fold(0u32, |code, &digit| {
                let value = char::from(digit).to_digit(16).ok_or(GiveUp)?;
                Ok((code << 4) | value)
            })?;
            // `char::from_u32` refuses exactly the surrogates.
            return char::from_u32(code).map(|c| (6, c)).ok_or(GiveUp);
        }
        _ => return Err(GiveUp),
    };
    Ok((2, simple))
}

/// The length of the escape at `pos`, checked as [`escape`] checks it but without decoding
/// it: strings that are only stepped over (most of them) need no character, and decoding
/// `\uXXXX` digit by digit was most of the cost of an escape.
fn escape_length(bytes: &[u8], pos: usize) -> Scan<usize> {
    match bytes.get(pos.wrapping_add(1)) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(2),
        Some(b'u') => {
            let hex = bytes
                .get(pos.wrapping_add(2)..)
                .and_then(<[u8]>::first_chunk::<4>)
                .ok_or(GiveUp)?;
            // U+D800–U+DFFF (surrogates) are left to simd-json, as `escape` leaves them.
            let surrogate = matches!(hex[0], b'd' | b'D')
                && matches!(hex[1], b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F');
            let [a, b, c, d] = *hex;
            if is_hex_digit(a) & is_hex_digit(b) & is_hex_digit(c) & is_hex_digit(d) && !surrogate {
                Ok(6)
            } else {
                Err(GiveUp)
            }
        }
        _ => Err(GiveUp),
    }
}

/// Which bytes are hexadecimal digits (RFC 8259 §7, `\uXXXX`).
#[expect(
    clippy::indexing_slicing,
    reason = "built at compile time, where `get_mut` is not available; a u8 index is below 256"
)]
const HEX_DIGITS: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0u8;
    loop {
        table[byte as usize] = byte.is_ascii_hexdigit();
        if byte == u8::MAX {
            break table;
        }
        byte += 1;
    }
};

/// One table lookup, where `u8::is_ascii_hexdigit` takes three range tests (a branch-free
/// form of those tests measured slower still): the four digits of every `\uXXXX` escape
/// are tested, and escapes are most of the bytes of `ensure_ascii` writers' Chinese text.
fn is_hex_digit(byte: u8) -> bool {
    HEX_DIGITS.get(usize::from(byte)).copied().unwrap_or(false)
}

struct Scanner<'t, 'b> {
    bytes: &'t [u8],
    pos: usize,
    buffers: &'b mut ScanBuffers,
}

impl<'t> Scanner<'t, '_> {
    fn peek(&self) -> Scan<u8> {
        self.bytes.get(self.pos).copied().ok_or(GiveUp)
    }

    fn advance(&mut self, by: usize) {
        self.pos = self.pos.wrapping_add(by);
    }

    /// The next byte that is not whitespace (not consumed). Elements are usually compact,
    /// so the first test almost always succeeds: every token starts above the space (RFC
    /// 8259 §2), and one comparison with it settles the usual case, where testing for the
    /// four whitespace bytes cost a few instructions more at each of about 1.2 million
    /// tokens (4.5 M of 295 M on the 25.8 MB `fep gen` batch, callgrind).
    #[inline]
    fn skip_whitespace(&mut self) -> Scan<u8> {
        let byte = self.peek()?;
        if byte > b' ' {
            return Ok(byte);
        }
        self.skip_whitespace_from(byte)
    }

    /// [`Self::skip_whitespace`] from a byte at or below the space.
    #[inline(never)]
    fn skip_whitespace_from(&mut self, mut byte: u8) -> Scan<u8> {
        while is_whitespace(byte) {
            self.advance(1);
            byte = self.peek()?;
        }
        Ok(byte)
    }

    /// Consumes `byte` (after whitespace) or gives up.
    fn expect(&mut self, byte: u8) -> Scan<()> {
        if self.skip_whitespace()? == byte {
            self.advance(1);
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    /// The whole element: one object covering all the bytes.
    fn element(&mut self) -> Scan<()> {
        if self.peek()? != b'{' {
            return Err(GiveUp);
        }
        self.advance(1);
        if self.skip_whitespace()? == b'}' {
            self.advance(1);
        } else {
            loop {
                let key = self.element_key()?;
                match key {
                    ElementKey::DataItem => {
                        self.data_items()?;
                        self.buffers.unread_known_key = true;
                    }
                    ElementKey::Skipped | ElementKey::Unknown => {
                        self.skip_value_scalars_inline()?;
                        self.buffers.unread_known_key |= key == ElementKey::Skipped;
                    }
                    _ => {
                        let value = self.scalar()?;
                        self.buffers.reads.push((key, value));
                    }
                }
                match self.skip_whitespace()? {
                    b',' => self.advance(1),
                    b'}' => {
                        self.advance(1);
                        break;
                    }
                    _ => return Err(GiveUp),
                }
            }
        }
        // simd-json decides about anything after the object.
        if self.pos == self.bytes.len() {
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    /// A key and its colon; returns the key's bytes (keys with escapes are left to
    /// simd-json).
    fn key(&mut self) -> Scan<&'t [u8]> {
        if self.skip_whitespace()? != b'"' {
            return Err(GiveUp);
        }
        let start = self.pos.wrapping_add(1);
        let (end, escaped) = self.string()?;
        if escaped {
            return Err(GiveUp);
        }
        self.expect(b':')?;
        self.skip_whitespace()?;
        let bytes: &'t [u8] = self.bytes;
        bytes.get(start..end).ok_or(GiveUp)
    }

    /// A key and its colon inside a skipped value, checked as [`Self::key`] checks them. The
    /// compact `"key":` is taken inline (as a call, [`Self::key`] cost about a hundred
    /// instructions a key of a skipped object); anything else goes through [`Self::key`].
    #[inline]
    fn skipped_key(&mut self) -> Scan<()> {
        let start = self.pos;
        if self.peek()? == b'"'
            && let (_, false) = self.string()?
            && self.bytes.get(self.pos) == Some(&b':')
        {
            self.advance(1);
            self.skip_whitespace()?;
            return Ok(());
        }
        self.pos = start;
        self.key().map(|_| ())
    }

    /// A key of the element and its colon, classified. The keys front-ends write are tried
    /// as whole `"key":` literals first (a key read as a string and then compared with
    /// [`ElementKey::of`] cost about a hundred instructions, a dozen times an element).
    fn element_key(&mut self) -> Scan<ElementKey> {
        let candidates: &[(KeyLiteral, ElementKey)] = match self.bytes.get(self.pos.wrapping_add(1))
        {
            Some(b'c') => &KEYS_C,
            Some(b'd') => &KEYS_D,
            Some(b'e') => &KEYS_E,
            Some(b'f') => &KEYS_F,
            Some(b'o') => &KEYS_O,
            Some(b'r') => &KEYS_R,
            Some(b's') => &KEYS_S,
            _ => &[],
        };
        for (literal, key) in candidates {
            if let Some(end) = literal.match_at(self.bytes, self.pos) {
                self.pos = end;
                self.skip_whitespace()?;
                return Ok(*key);
            }
        }
        Ok(ElementKey::of(self.key()?))
    }

    /// A key of an item object. Nearly every item is `{"dataItemId":…,"responseFlag":…,
    /// "value":…}`, and item keys are most of an element's keys: each of these three is tried
    /// as a whole `"key":` literal first (one comparison, picked by the key's first letter,
    /// instead of a string scan, a colon search and key matches); anything else (other keys,
    /// whitespace) goes through [`key`].
    ///
    /// [`key`]: Self::key
    fn item_key(&mut self) -> Scan<ItemKey<'t>> {
        let literal = match self.bytes.get(self.pos.wrapping_add(1)) {
            Some(b'd') => Some((&DATA_ITEM_ID, ItemKey::Read(true))),
            Some(b'r') => Some((&RESPONSE_FLAG, ItemKey::Read(false))),
            Some(b'v') => Some((&VALUE, ItemKey::Value)),
            _ => None,
        };
        if let Some((quoted, known)) = literal
            && let Some(end) = quoted.match_at(self.bytes, self.pos)
        {
            self.pos = end;
            self.skip_whitespace()?;
            return Ok(known);
        }
        Ok(match self.key()? {
            b"dataItemId" => ItemKey::Read(true),
            b"responseFlag" => ItemKey::Read(false),
            b"value" => ItemKey::Value,
            other => ItemKey::Other(other),
        })
    }

    /// Steps over the string that opens at the cursor. Returns the end of its contents (the
    /// closing quote's position) and whether it has escapes; the cursor ends after the
    /// closing quote.
    ///
    /// Most strings (keys, ids, numbers and dates written as strings) are ASCII, have no
    /// escape and close within their first 16 bytes: those are taken from one block mask
    /// here, inline, and everything else goes to [`Self::long_string`]. As a call, such a
    /// string cost about 55 instructions, a third of them the call's own.
    #[inline]
    fn string(&mut self) -> Scan<(usize, bool)> {
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        {
            let mut block_start = self.pos.wrapping_add(1);
            while let Some(block) = self.bytes.get(block_start..).and_then(<[u8]>::first_chunk) {
                let (special, high) = special_and_high_bytes(block);
                if special == 0 {
                    if high != 0 {
                        break;
                    }
                    block_start = block_start.wrapping_add(16);
                    continue;
                }
                let at = special.trailing_zeros();
                let end = block_start.wrapping_add(at as usize);
                if high & ((1u32 << at).wrapping_sub(1)) == 0 && self.bytes.get(end) == Some(&b'"')
                {
                    self.pos = end.wrapping_add(1);
                    return Ok((end, false));
                }
                break;
            }
        }
        self.long_string()
    }

    /// [`Self::string`] for any string: escapes, non-ASCII text, long strings, strings near the
    /// end of the element.
    #[inline(never)]
    fn long_string(&mut self) -> Scan<(usize, bool)> {
        self.advance(1);
        let start = self.pos;
        let mut escaped = false;
        let mut non_ascii = false;
        // A string whose first stop is a backslash, settled from byte masks when it closes
        // within 64 bytes ([`string_in_window`]): a third of the instructions of stepping
        // from escape to escape on `ensure_ascii` text. The test costs the other strings
        // here (long or not ASCII) a block's load and compare. In `string`, which is inlined
        // wherever strings are read, it cost plain strings more; in `string_blocks`, where
        // the mask is at hand, it cost the loop more.
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        if let Some(block) = self.bytes.get(start..).and_then(<[u8]>::first_chunk)
            && let (special, _) = special_and_high_bytes(block)
            && special != 0
            && self
                .bytes
                .get(start.wrapping_add(special.trailing_zeros() as usize))
                == Some(&b'\\')
            && let Some(found) = string_in_window(self.bytes, start)
        {
            let end = start.wrapping_add(found.len);
            self.pos = end;
            return self.close_string(start, end, found.escaped, found.non_ascii);
        }
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        if let Some(end) = self.string_blocks(&mut escaped, &mut non_ascii)? {
            return self.close_string(start, end, escaped, non_ascii);
        }
        loop {
            non_ascii |= self.skip_to_special_byte() & HIGH_BITS != 0;
            match self.peek()? {
                b'"' => return self.close_string(start, self.pos, escaped, non_ascii),
                b'\\' => {
                    escaped = true;
                    let length = escape_length(self.bytes, self.pos)?;
                    self.advance(length);
                }
                // A control character (RFC 8259 §7): simd-json reports it.
                _ => return Err(GiveUp),
            }
        }
    }

    /// [`Scanner::string`] over whole 16-byte blocks: every special byte of a block is taken
    /// from the block's mask, so a string dense with escapes (`\u6e29\u5ea6…`, as
    /// `ensure_ascii` writers send Chinese text) loads and compares each block once, not
    /// once per escape. `Some(end)` at the closing quote (the cursor at it); `None` with the
    /// cursor on the first byte whose block would run past the element, for the byte-wise
    /// loop to finish. Non-ASCII bytes before the stop set `non_ascii` (an escape's own
    /// bytes are ASCII, as [`escape_length`] checks).
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[inline]
    fn string_blocks(&mut self, escaped: &mut bool, non_ascii: &mut bool) -> Scan<Option<usize>> {
        while let Some(block) = self.bytes.get(self.pos..).and_then(<[u8]>::first_chunk) {
            let (mut pending, high) = special_and_high_bytes(block);
            let base = self.pos;
            loop {
                if pending == 0 {
                    // Nothing left to stop at in this block (escapes that ran past it
                    // leave below).
                    *non_ascii |= high != 0;
                    self.advance(16);
                    break;
                }
                let at = pending.trailing_zeros();
                let pos = base.wrapping_add(at as usize);
                match self.bytes.get(pos) {
                    Some(b'"') => {
                        *non_ascii |= high & ((1u32 << at).wrapping_sub(1)) != 0;
                        self.pos = pos;
                        return Ok(Some(pos));
                    }
                    Some(b'\\') => {
                        *escaped = true;
                        let next = at.wrapping_add(
                            u32::try_from(escape_length(self.bytes, pos)?).unwrap_or(u32::MAX),
                        );
                        if next >= 16 {
                            // The escape ends in a later block: start there.
                            *non_ascii |= high != 0;
                            self.pos = base.wrapping_add(next as usize);
                            break;
                        }
                        // Stops inside the escape (the quote of `\"`, the second
                        // backslash of `\\`) are its own bytes, not stops.
                        pending &= u32::MAX << next;
                    }
                    // A control character (RFC 8259 §7): simd-json reports it.
                    _ => return Err(GiveUp),
                }
            }
        }
        Ok(None)
    }

    /// Ends the string whose contents are `start..end` (the cursor at its closing quote):
    /// checks them as UTF-8 if they have non-ASCII bytes, and steps over the quote.
    #[inline]
    fn close_string(
        &mut self,
        start: usize,
        end: usize,
        escaped: bool,
        non_ascii: bool,
    ) -> Scan<(usize, bool)> {
        self.advance(1);
        // Only strings may hold non-ASCII bytes: check them here (RFC 8259 §8.1).
        if non_ascii {
            let contents = self.bytes.get(start..end).ok_or(GiveUp)?;
            if !utf8::is_valid(contents) {
                return Err(GiveUp);
            }
        }
        Ok((end, escaped))
    }

    /// Moves the cursor to the next `"`, `\` or control character (or the end), eight bytes
    /// at a time: strings here are short, but their Chinese texts are not. Returns the bytes
    /// looked at OR-ed together (possibly a few beyond the stop): where no byte has its high
    /// bit set ([`HIGH_BITS`]), the string needs no UTF-8 check. Inlined into both callers
    /// (strings, item ids): as a call it cost a third of an id's instructions.
    #[expect(
        clippy::inline_always,
        reason = "measured: 13.2 M of 565.7 M instructions as a call (callgrind, 25.8 MB batch)"
    )]
    #[inline(always)]
    fn skip_to_special_byte(&mut self) -> u64 {
        let mut seen = 0u64;
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        while let Some(block) = self.bytes.get(self.pos..).and_then(<[u8]>::first_chunk) {
            let (special, high) = special_and_high_bytes(block);
            if special != 0 {
                // Only the bytes before the stop count for the UTF-8 check.
                let before = (1u32 << special.trailing_zeros()).wrapping_sub(1);
                if high & before != 0 {
                    seen |= HIGH_BITS;
                }
                self.advance(special.trailing_zeros() as usize);
                return seen;
            }
            if high != 0 {
                seen |= HIGH_BITS;
            }
            self.advance(16);
        }
        while let Some(word) = self
            .bytes
            .get(self.pos..self.pos.wrapping_add(8))
            .and_then(|word| <[u8; 8]>::try_from(word).ok())
        {
            let word = u64::from_le_bytes(word);
            seen |= word;
            let special = special_bytes_in_word(word);
            if special != 0 {
                self.advance((special.trailing_zeros() / 8) as usize);
                return seen;
            }
            self.advance(8);
        }
        while let Some(&byte) = self.bytes.get(self.pos) {
            if is_special_byte(byte) {
                return seen;
            }
            seen |= u64::from(byte);
            self.advance(1);
        }
        seen
    }

    /// A string of a read field: borrowed when it has no escapes, else unescaped into the
    /// buffer.
    fn read_string(&mut self) -> Scan<Text> {
        let start = self.pos.wrapping_add(1);
        let (end, escaped) = self.string()?;
        if !escaped {
            return Ok(Text::Input { start, end });
        }
        let out_start = self.buffers.unescaped.len();
        let mut at = start;
        while at < end {
            let byte = *self.bytes.get(at).ok_or(GiveUp)?;
            if byte == b'\\' {
                let (length, character) = escape(self.bytes, at)?;
                self.buffers.unescaped.push(character);
                at = at.wrapping_add(length);
            } else {
                // Copy the run up to the next escape in one go (it is valid UTF-8: it lies
                // between ASCII bytes of a checked string).
                let run_end = self
                    .bytes
                    .get(at..end)
                    .and_then(|rest| memchr::memchr(b'\\', rest))
                    .map_or(end, |offset| at.wrapping_add(offset));
                let run = self.bytes.get(at..run_end).ok_or(GiveUp)?;
                self.buffers
                    .unescaped
                    .push_str(core::str::from_utf8(run).map_err(|_| GiveUp)?);
                at = run_end;
            }
        }
        Ok(Text::Unescaped {
            start: out_start,
            end: self.buffers.unescaped.len(),
        })
    }

    /// The value of a read field.
    fn scalar(&mut self) -> Scan<Scalar> {
        match self.peek()? {
            b'"' => self.read_string().map(Scalar::Str),
            b'{' | b'[' => {
                self.skip_value()?;
                Ok(Scalar::Container)
            }
            b't' => self.literal(b"true").map(|()| Scalar::Bool(true)),
            b'f' => self.literal(b"false").map(|()| Scalar::Bool(false)),
            b'n' => self.literal(b"null").map(|()| Scalar::Null),
            _ => self.number(true),
        }
    }

    fn literal(&mut self, word: &[u8]) -> Scan<()> {
        let end = self.pos.wrapping_add(word.len());
        if self.bytes.get(self.pos..end) == Some(word) {
            self.pos = end;
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    /// A number (RFC 8259 §6). Integers are read as simd-json reads them (`U64` unless
    /// negative); fractions are only validated, and give up where `read`.
    fn number(&mut self, read: bool) -> Scan<Scalar> {
        let negative = self.peek()? == b'-';
        if negative {
            self.advance(1);
        }
        let mut digits = match self.peek()? {
            b'0' => 1,
            b'1'..=b'9' => digit_run(self.bytes, self.pos),
            _ => return Err(GiveUp),
        };
        let integer = self.bytes.get(self.pos..self.pos.wrapping_add(digits));
        self.advance(digits);
        let value = if read {
            decimal_value(integer.unwrap_or_default())
        } else {
            0
        };
        let mut fraction = false;
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.advance(1);
            let run = digit_run(self.bytes, self.pos);
            if run == 0 {
                return Err(GiveUp);
            }
            self.advance(run);
            digits = digits.wrapping_add(run);
            fraction = true;
        }
        if matches!(self.bytes.get(self.pos), Some(b'e' | b'E'))
            || digits >= MAX_DIGITS
            || (fraction && read)
        {
            return Err(GiveUp);
        }
        if fraction {
            return Ok(Scalar::Container);
        }
        // Below 10^18 both fit: `-(value)` is exact.
        Ok(if negative {
            Scalar::Int(0i64.wrapping_sub_unsigned(value))
        } else {
            Scalar::UInt(value)
        })
    }

    /// Steps over a number that is not read: most are short and found with one digit mask
    /// ([`short_number_length`]); the rest go through [`Self::number`]. Inlined into the
    /// value walks: the call was about a tenth of a number's cost (1.2 M instructions of 333 M
    /// on the 25.8 MB `fep gen` batch, callgrind).
    #[inline]
    fn skip_number(&mut self) -> Scan<()> {
        if let Some(length) = self
            .bytes
            .get(self.pos..)
            .and_then(<[u8]>::first_chunk)
            .and_then(short_number_length)
        {
            self.advance(length);
            return Ok(());
        }
        self.number(false).map(|_| ())
    }

    /// `dataItem`'s value: an array of items, a single item object, or anything else (no
    /// items). Items are read as [`super::items_from_tape`] reads them.
    fn data_items(&mut self) -> Scan<()> {
        // The last `dataItem` counts, like every repeated key.
        self.buffers.items.clear();
        self.buffers.nested_element = false;
        match self.peek()? {
            b'{' => self.item_object(),
            b'[' => {
                self.advance(1);
                if self.skip_whitespace()? == b']' {
                    self.advance(1);
                    return Ok(());
                }
                loop {
                    match self.peek()? {
                        b'{' => self.item_object()?,
                        b'"' => {
                            let id = Scalar::Str(self.read_string()?);
                            self.buffers.items.push(RawItem { id, flag: None });
                        }
                        _ => self.skip_value()?,
                    }
                    match self.skip_whitespace()? {
                        b',' => {
                            self.advance(1);
                            self.skip_whitespace()?;
                        }
                        b']' => {
                            self.advance(1);
                            return Ok(());
                        }
                        _ => return Err(GiveUp),
                    }
                }
            }
            _ => self.skip_value(),
        }
    }

    /// One item object at the cursor.
    fn item_object(&mut self) -> Scan<()> {
        let start = self.pos;
        if let Some(item) = self.usual_item() {
            self.buffers.items.push(item);
            return Ok(());
        }
        // Anything else (other key orders or keys, whitespace, escapes in the id, an error)
        // is read again from the start by the general reader, which decides.
        self.pos = start;
        self.advance(1);
        let mut item = RawItem::EMPTY;
        let mut shape = ItemReader::default();
        if self.skip_whitespace()? == b'}' {
            self.advance(1);
        } else {
            loop {
                // Every key counts towards the swallowed-element check; only two are read.
                match self.item_key()? {
                    ItemKey::Read(id) => {
                        shape.count_item_key();
                        let value = self.scalar()?;
                        if id {
                            item.id = value;
                        } else {
                            item.flag = self.flag(value);
                        }
                    }
                    ItemKey::Value => {
                        shape.count_item_key();
                        self.skip_value()?;
                    }
                    ItemKey::Other(key) => {
                        shape.count(key);
                        self.skip_value()?;
                    }
                }
                match self.skip_whitespace()? {
                    b',' => self.advance(1),
                    b'}' => {
                        self.advance(1);
                        break;
                    }
                    _ => return Err(GiveUp),
                }
            }
        }
        self.buffers.nested_element |= shape.is_nested_element();
        self.buffers.items.push(item);
        Ok(())
    }

    /// The usual item, `{"dataItemId":"…","responseFlag":N,"value":…}` with no whitespace
    /// outside the value, no escape in the id and a flag of at most [`MAX_FLAG_DIGITS`]
    /// digits, read as the literals and tokens it must be (about a fifth of the general
    /// reader's instructions, whose key dispatch and token tests were half of an item's
    /// cost). `None` for anything else, with the cursor anywhere: the caller starts over.
    /// Only three item keys: never a swallowed element (`ItemReader::is_nested_element`).
    fn usual_item(&mut self) -> Option<RawItem> {
        self.pos = ITEM_OPENING.match_at(self.bytes, self.pos)?;
        let id_start = self.pos;
        let high_bits = self.skip_to_special_byte();
        let id_end = self.pos;
        if self.bytes.get(id_end) != Some(&b'"') {
            return None;
        }
        if high_bits & HIGH_BITS != 0 {
            // Only strings may hold non-ASCII bytes: check them (RFC 8259 §8.1).
            utf8::is_valid(self.bytes.get(id_start..id_end)?).then_some(())?;
        }
        let after_id = id_end.wrapping_add(1);
        let flag_digits = if self
            .bytes
            .get(after_id..)
            .and_then(<[u8]>::first_chunk)
            .is_some_and(|tail| tail == FLAG_ZERO_TAIL)
        {
            // Flag 0 and the key of the value in one comparison: the items of successful
            // elements, nearly all items.
            self.pos = after_id.wrapping_add(FLAG_ZERO_TAIL.len());
            0
        } else {
            self.pos = AFTER_ID.match_at(self.bytes, after_id)?;
            // RFC 8259 §6: `0` alone or a digit run not starting with `0`; a fraction, an
            // exponent or a sign goes to the general reader.
            let digits = match self.bytes.get(self.pos)? {
                b'0' => 1,
                b'1'..=b'9' => digit_run(self.bytes, self.pos),
                _ => return None,
            };
            if digits > MAX_FLAG_DIGITS {
                return None;
            }
            let value = decimal_value(self.bytes.get(self.pos..self.pos.wrapping_add(digits))?);
            self.pos = AFTER_FLAG.match_at(self.bytes, self.pos.wrapping_add(digits))?;
            value
        };
        self.skip_whitespace().ok()?;
        self.skip_value_scalars_inline().ok()?;
        if self.skip_whitespace().ok()? != b'}' {
            return None;
        }
        self.advance(1);
        Some(RawItem {
            id: Scalar::Str(Text::Input {
                start: id_start,
                end: id_end,
            }),
            // What `field::integer` makes of `Value::UInt` (the general reader's way).
            flag: i64::try_from(flag_digits).ok(),
        })
    }

    /// A `responseFlag` value read as the tape reader reads it ([`field::integer`]); a numeric
    /// string is looked at now, while its unescaped copy is still where the scan left it.
    ///
    /// [`field::integer`]: super::field::integer
    fn flag(&self, value: Scalar) -> Option<i64> {
        super::field::integer(value.value(self.bytes, &self.buffers.unescaped))
    }

    /// [`Self::skip_value`] with the scalars most values are (strings, numbers, `null`)
    /// stepped over inline: the call into the general walk and out of it cost about a
    /// tenth of an item (values of items, skipped fields of elements).
    #[inline]
    fn skip_value_scalars_inline(&mut self) -> Scan<()> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.skip_number(),
            _ => self.skip_value(),
        }
    }

    /// Steps over a compact array of plain numbers whose contents start at the cursor,
    /// through its `]` ([`number_array_len`]); `false`, the cursor unmoved, for anything else.
    #[inline]
    fn number_array(&mut self) -> bool {
        match self
            .bytes
            .get(self.pos..)
            .and_then(<[u8]>::first_chunk::<32>)
            .and_then(number_array_len)
        {
            Some(len) => {
                self.advance(len);
                true
            }
            None => false,
        }
    }

    /// Steps over a compact object whose contents start at the cursor, through its `}`,
    /// when every key is a string without escapes and every value a string, a number,
    /// `null`, `true`, `false` or a compact number array (`{"time":"…","total":61310,
    /// "rates":[743,266,506]}`, the commonest object among values): the same checks as
    /// the general walk, without its nesting bookkeeping and separator loop. `false`, the
    /// cursor anywhere, for anything else (whitespace, deeper values, `{}`, an error): the
    /// caller walks the object from its start, which decides.
    fn flat_object(&mut self) -> bool {
        loop {
            if self.peek() != Ok(b'"') || !matches!(self.string(), Ok((_, false))) {
                return false;
            }
            if self.bytes.get(self.pos) != Some(&b':') {
                return false;
            }
            self.advance(1);
            let value = match self.peek() {
                Ok(b'"') => self.string().is_ok(),
                Ok(b'-' | b'0'..=b'9') => self.skip_number().is_ok(),
                Ok(b'n') => self.literal(b"null").is_ok(),
                Ok(b't') => self.literal(b"true").is_ok(),
                Ok(b'f') => self.literal(b"false").is_ok(),
                Ok(b'[') => {
                    self.advance(1);
                    self.number_array()
                }
                _ => false,
            };
            if !value {
                return false;
            }
            match self.bytes.get(self.pos) {
                Some(b',') => self.advance(1),
                Some(b'}') => {
                    self.advance(1);
                    return true;
                }
                _ => return false,
            }
        }
    }

    /// Validates and steps over the value at the cursor, of any shape. Nesting is tracked in
    /// a bit stack (1 = object), so nothing is allocated and the depth is bounded.
    fn skip_value(&mut self) -> Scan<()> {
        let mut stack = 0u64;
        let mut depth = 0u32;
        loop {
            // A value starts here.
            match self.peek()? {
                b'"' => {
                    self.string()?;
                }
                open @ (b'{' | b'[') => {
                    if depth >= MAX_NESTING {
                        return Err(GiveUp);
                    }
                    self.advance(1);
                    let start = self.pos;
                    // A container read whole goes on to what follows it, like a scalar.
                    let read_whole = if open == b'[' {
                        self.number_array()
                    } else {
                        // Its number arrays one level deeper: within the nesting limit.
                        depth.wrapping_add(1) < MAX_NESTING && self.flat_object()
                    };
                    if !read_whole {
                        self.pos = start;
                        let is_object = open == b'{';
                        let close = if is_object { b'}' } else { b']' };
                        if self.skip_whitespace()? == close {
                            self.advance(1);
                        } else {
                            stack = (stack << 1) | u64::from(is_object);
                            depth = depth.wrapping_add(1);
                            if is_object {
                                self.skipped_key()?;
                            }
                            continue;
                        }
                    }
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                _ => {
                    self.skip_number()?;
                    // Number arrays the masks do not take whole (longer than their window:
                    // load curves, say): the compact numbers after this one (`,266,506`)
                    // are stepped over here, not through the separator loop below.
                    if depth > 0 && stack & 1 == 0 {
                        while let Some([b',', b'-' | b'0'..=b'9']) = self
                            .bytes
                            .get(self.pos..)
                            .and_then(<[u8]>::first_chunk::<2>)
                        {
                            self.advance(1);
                            self.skip_number()?;
                        }
                    }
                }
            }
            // After a value: close containers until a comma leads to the next value.
            loop {
                if depth == 0 {
                    return Ok(());
                }
                let in_object = stack & 1 == 1;
                match self.skip_whitespace()? {
                    b',' => {
                        self.advance(1);
                        if in_object {
                            self.skipped_key()?;
                        } else {
                            self.skip_whitespace()?;
                        }
                        break;
                    }
                    b'}' if in_object => {}
                    b']' if !in_object => {}
                    _ => return Err(GiveUp),
                }
                self.advance(1);
                stack >>= 1;
                depth = depth.wrapping_sub(1);
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn scans(json: &str) -> bool {
        scan(json.as_bytes(), &mut ScanBuffers::default()).is_ok()
    }

    #[test]
    fn special_byte_masks_find_the_first_one() {
        for position in 0..8 {
            for byte in [b'"', b'\\', 0x00, 0x1f] {
                let mut word = *b"abcdefgh";
                word[position] = byte;
                // A later special byte must not move the answer.
                if position < 7 {
                    word[7] = b'"';
                }
                let word = u64::from_le_bytes(word);
                let mask = special_bytes_in_word(word);
                assert_eq!(
                    usize::try_from(mask.trailing_zeros() / 8).unwrap(),
                    position,
                    "{byte:#x}"
                );
            }
        }
        // UTF-8 bytes (all ≥ 0x80) and plain text are never special.
        let word = u64::from_le_bytes(*"温度ab".as_bytes().first_chunk().unwrap());
        assert_eq!(special_bytes_in_word(word), 0);
    }

    #[test]
    fn strings_are_skipped_to_the_same_stop_with_the_same_utf8_verdict() {
        // Stops at every distance, with and without non-ASCII bytes before the stop.
        for length in 0..40 {
            for stop in [b'"', b'\\', 0x01, 0x1f] {
                for tail in [&b"abc"[..], "温度".as_bytes()] {
                    let mut bytes = "é".repeat(length % 3).into_bytes();
                    bytes.extend(std::iter::repeat_n(b'x', length));
                    let before = bytes.len();
                    bytes.push(stop);
                    bytes.extend_from_slice(tail);
                    let mut buffers = ScanBuffers::default();
                    let mut scanner = Scanner {
                        bytes: &bytes,
                        pos: 0,
                        buffers: &mut buffers,
                    };
                    let seen = scanner.skip_to_special_byte();
                    assert_eq!(scanner.pos, before, "{length} {stop}");
                    // A non-ASCII byte before the stop must be seen; bytes after it may be.
                    if length % 3 != 0 {
                        assert_ne!(seen & HIGH_BITS, 0, "{length} {stop}");
                    }
                }
            }
        }
    }

    /// RFC 8259 §7 one byte at a time: where the string opening at `bytes[0]` ends and
    /// whether it has escapes, or `None` where the scanner must give up (an error, a control
    /// character, a surrogate escape, invalid UTF-8, no closing quote).
    fn reference_string(bytes: &[u8]) -> Option<(usize, bool)> {
        let mut at = 1;
        let mut escaped = false;
        loop {
            match *bytes.get(at)? {
                b'"' => {
                    core::str::from_utf8(&bytes[1..at]).ok()?;
                    return Some((at, escaped));
                }
                b'\\' => {
                    escaped = true;
                    at += escape(bytes, at).ok()?.0;
                }
                0..0x20 => return None,
                _ => at += 1,
            }
        }
    }

    proptest::proptest! {
        /// Strings made of plain runs, escapes (valid, cut short, invalid, surrogates),
        /// quotes, control characters and UTF-8 (valid and not), at every length and offset
        /// around the 16-byte blocks, end where the byte-wise reading ends.
        #[test]
        fn strings_end_where_a_bytewise_reading_ends(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "abcdefghijklmno", "\\\"", "\\\\", "\\/", "\\n", "\\u6e29",
                    "\\u00B0", "\\ud83d", "\\u12", "\\x", "\\", "\"", "\u{1}", "\u{1f}", "é", "温度",
                    "\u{7f}",
                ]),
                0..24,
            ),
            invalid_utf8 in proptest::option::of(0usize..40),
            lead in 0usize..16,
        ) {
            let mut bytes = " ".repeat(lead).into_bytes();
            bytes.push(b'"');
            for piece in &pieces {
                bytes.extend_from_slice(piece.as_bytes());
            }
            if let Some(at) = invalid_utf8 {
                let at = (lead + 1 + at).min(bytes.len());
                bytes.insert(at, 0xff);
            }
            let expected = reference_string(&bytes[lead..])
                .map(|(end, escaped)| (end + lead, escaped));
            let mut buffers = ScanBuffers::default();
            let mut scanner = Scanner {
                bytes: &bytes,
                pos: lead,
                buffers: &mut buffers,
            };
            let found = scanner.string().ok();
            proptest::prop_assert_eq!(found, expected, "{:?}", String::from_utf8_lossy(&bytes));
            if let Some((end, _)) = found {
                proptest::prop_assert_eq!(scanner.pos, end + 1);
            }
        }
    }

    #[test]
    fn hex_digits_are_the_ascii_hex_digits() {
        for byte in 0..=255u8 {
            assert_eq!(is_hex_digit(byte), byte.is_ascii_hexdigit(), "{byte:#x}");
        }
    }

    #[test]
    fn escape_lengths_agree_with_decoded_escapes() {
        let check = |bytes: &[u8]| {
            assert_eq!(
                escape_length(bytes, 0),
                escape(bytes, 0).map(|(length, _)| length),
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        };
        // Every byte after the backslash, alone and followed by hex.
        for byte in 0..=255u8 {
            check(&[b'\\', byte]);
            check(&[b'\\', byte, b'0', b'0', b'e', b'9']);
        }
        // Every code unit in lower and upper case, and cut short.
        for unit in 0..=u16::MAX {
            check(format!("\\u{unit:04x}").as_bytes());
            check(format!("\\u{unit:04X}").as_bytes());
        }
        check(b"\\u12");
        check(b"\\u12g4");
        check(b"\\");
    }

    #[test]
    fn digit_runs_stop_at_the_first_other_byte() {
        // Every byte value after every run length, at every offset of the word.
        for prefix in 0..10 {
            for run in 0..20 {
                for stop in 0..=255u8 {
                    let mut bytes = vec![b'x'; prefix];
                    bytes.extend(b"0123456789".iter().cycle().take(run));
                    bytes.push(stop);
                    bytes.extend_from_slice(b"12345678");
                    let expected = if stop.is_ascii_digit() {
                        run + 1 + 8
                    } else {
                        run
                    };
                    assert_eq!(digit_run(&bytes, prefix), expected, "{prefix} {run} {stop}");
                }
            }
        }
        assert_eq!(digit_run(b"", 0), 0);
        assert_eq!(digit_run(b"12", 5), 0);
    }

    #[test]
    fn digit_masks_equal_the_portable_ones() {
        for byte in 0..=255u8 {
            for position in 0..16 {
                let mut block = *b"0123456789-.eE x";
                block[position] = byte;
                assert_eq!(
                    digit_mask(&block),
                    digits_portable(&block),
                    "{byte:#x} at {position}"
                );
            }
        }
    }

    /// Where the long way ([`Scanner::number`]) ends a number at the start of `block`.
    fn long_number_end(block: &[u8; 16]) -> Option<usize> {
        let mut buffers = ScanBuffers::default();
        let mut scanner = Scanner {
            bytes: block,
            pos: 0,
            buffers: &mut buffers,
        };
        scanner.number(false).ok().map(|_| scanner.pos)
    }

    /// Every string over `alphabet` of at most `max_len` bytes.
    pub(in crate::element) fn every_string(
        alphabet: &[u8],
        max_len: u32,
    ) -> impl Iterator<Item = Vec<u8>> + '_ {
        (0..=max_len).flat_map(move |len| {
            (0..alphabet.len().pow(len)).map(move |mut code| {
                let mut text = Vec::new();
                for _ in 0..len {
                    text.push(alphabet[code % alphabet.len()]);
                    code /= alphabet.len();
                }
                text
            })
        })
    }

    #[test]
    fn short_numbers_end_where_the_long_way_ends() {
        // Every string of up to five bytes over this alphabet, padded to a block with `}`.
        let mut shortcuts = 0;
        for text in every_string(b"019-.eE,x", 5) {
            let mut block = [b'}'; 16];
            block[..text.len()].copy_from_slice(&text);
            let long = long_number_end(&block);
            let short = short_number_length(&block);
            let text = String::from_utf8_lossy(&block);
            if let Some(end) = short {
                assert_eq!(long, Some(end), "{text}");
                shortcuts += 1;
            } else if let Some(end) = long {
                // Left to the long way only when the number might go on.
                assert!(matches!(block[end], b'.' | b'e' | b'E'), "{text}");
            }
        }
        assert!(shortcuts > 1000, "{shortcuts}");
        // A number that reaches the end of the block is never cut short.
        assert_eq!(short_number_length(b"123456789012345}"), Some(15));
        assert_eq!(short_number_length(b"1234567890123456"), None);
        assert_eq!(short_number_length(b"-12345678.901234"), None);
    }

    #[test]
    fn element_key_literals_are_the_keys_they_classify() {
        let tables: [&[(KeyLiteral, ElementKey)]; 7] = [
            &KEYS_C, &KEYS_D, &KEYS_E, &KEYS_F, &KEYS_O, &KEYS_R, &KEYS_S,
        ];
        let mut names = Vec::new();
        for (letter, table) in "cdefors".chars().zip(tables) {
            for (literal, key) in table {
                // Find the name the literal stands for among the classified ones.
                let name = super::super::KNOWN_ELEMENT_KEYS
                    .iter()
                    .map(|name| core::str::from_utf8(name).unwrap())
                    .find(|name| {
                        let text = format!("\"{name}\":");
                        literal.match_at(text.as_bytes(), 0) == Some(text.len())
                    })
                    .expect("every literal is a known key");
                assert!(name.starts_with(letter), "{name} under {letter}");
                assert_eq!(ElementKey::of(name.as_bytes()), *key, "{name}");
                names.push(name);
            }
        }
        // Every known key (`KNOWN_ELEMENT_KEYS`) has its literal (`devDataList`, not known, is a
        // document's key, rare inside an element).
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), super::super::KNOWN_ELEMENT_KEYS.len());
        // Through the scanner: literal or not, spaced or not, the same class.
        for json in [
            &br#"{"succ":1}"#[..],
            br#"{"succ" :1}"#,
            br#"{"succ": 1}"#,
            br#"{"rop":"1/4","succ":1}"#,
            br#"{"succx":1,"succ":1}"#,
        ] {
            let mut buffers = ScanBuffers::default();
            scan(json, &mut buffers).unwrap();
            assert!(
                buffers.reads.contains(&(ElementKey::Succ, Scalar::UInt(1))),
                "{}",
                String::from_utf8_lossy(json)
            );
        }
    }

    #[test]
    fn key_literals_match_exactly_their_text() {
        for (literal, text) in [
            (&DATA_ITEM_ID, &b"\"dataItemId\":"[..]),
            (&RESPONSE_FLAG, b"\"responseFlag\":"),
            (&VALUE, b"\"value\":"),
            (&ITEM_OPENING, b"{\"dataItemId\":\""),
            (&AFTER_ID, b",\"responseFlag\":"),
            (&AFTER_FLAG, b",\"value\":"),
            (&KEYS_R[0].0, b"\"rop\":"),
            (&KEYS_S[0].0, b"\"succ\":"),
            (&KEYS_S[1].0, b"\"startTime\":"),
        ] {
            assert!((4..=16).contains(&text.len()));
            let mut bytes = b"xx".to_vec();
            bytes.extend_from_slice(text);
            bytes.push(b'1');
            assert_eq!(literal.match_at(&bytes, 2), Some(2 + text.len()));
            assert_eq!(literal.match_at(&bytes, 1), None);
            // Cut short, or any one byte changed: no match.
            assert_eq!(literal.match_at(&bytes[..bytes.len() - 2], 2), None);
            for at in 2..2 + text.len() {
                let mut changed = bytes.clone();
                changed[at] ^= 0x20;
                assert_eq!(literal.match_at(&changed, 2), None, "{at}");
            }
        }
    }

    /// The usual item on the literal path: what it reads, and where it leaves the cursor.
    fn usual(json: &[u8]) -> Option<(String, Option<i64>, usize)> {
        let mut buffers = ScanBuffers::default();
        let mut scanner = Scanner {
            bytes: json,
            pos: 0,
            buffers: &mut buffers,
        };
        let item = scanner.usual_item()?;
        let id = match item.id {
            Scalar::Str(text) => text.str(json, "").to_owned(),
            other => panic!("{other:?}"),
        };
        Some((id, item.flag, scanner.pos))
    }

    #[test]
    fn usual_items_take_the_literal_path() {
        for (json, id, flag) in [
            (
                &br#"{"dataItemId":"2014-10200-000","responseFlag":0,"value":59165.17}"#[..],
                "2014-10200-000",
                0,
            ),
            (
                br#"{"dataItemId":"","responseFlag":255,"value":{"a":[1,"}"]}}"#,
                "",
                255,
            ),
            (
                br#"{"dataItemId":"x","responseFlag":9999,"value":null }"#,
                "x",
                9999,
            ),
            (
                "{\"dataItemId\":\"\u{6e29}\u{5ea6}\",\"responseFlag\":2,\"value\":\"\\\"\"}"
                    .as_bytes(),
                "\u{6e29}\u{5ea6}",
                2,
            ),
            (br#"{"dataItemId":"a","responseFlag":0,"value":1}"#, "a", 0),
            (
                br#"{"dataItemId":"a","responseFlag":10,"value":1}"#,
                "a",
                10,
            ),
        ] {
            assert_eq!(
                usual(json),
                Some((id.to_owned(), Some(flag), json.len())),
                "{}",
                String::from_utf8_lossy(json)
            );
        }
        // Anything else is left to the general reader.
        for json in [
            &br#"{ "dataItemId":"a","responseFlag":0,"value":1}"#[..],
            br#"{"dataItemId":"a\u0031","responseFlag":0,"value":1}"#,
            br#"{"dataItemId":"a","responseFlag":01,"value":1}"#,
            br#"{"dataItemId":"a","responseFlag":10000,"value":1}"#,
            br#"{"dataItemId":"a","responseFlag":-1,"value":1}"#,
            br#"{"dataItemId":"a","responseFlag":1.0,"value":1}"#,
            br#"{"dataItemId":"a","responseFlag":"1","value":1}"#,
            br#"{"dataItemId":"a","responseFlag":1, "value":1}"#,
            br#"{"dataItemId":"a","responseFlag":0, "value":1}"#,
            br#"{"dataItemId":"a","responseFlag":0,"values":1}"#,
            br#"{"dataItemId":"a","responseFlag":0,"value":1,"b":2}"#,
            br#"{"dataItemId":"a","responseFlag":0,"value":01}"#,
            br#"{"dataItemId":"a","responseFlag":0,"value":"#,
            br#"{"dataItemId":"a","responseFlag":1,"value":1,"b":2}"#,
            br#"{"dataItemId":"a","responseFlag":1,"value":01}"#,
            br#"{"dataItemId":"a","responseFlag":1,"value":1"#,
            br#"{"dataItemId":"a","value":1,"responseFlag":1}"#,
            br#"{"dataItemId":7,"responseFlag":1,"value":1}"#,
            b"{\"dataItemId\":\"\xe4\xb8\",\"responseFlag\":1,\"value\":1}",
            b"{\"dataItemId\":\"\x1f\",\"responseFlag\":1,\"value\":1}",
        ] {
            assert_eq!(usual(json), None, "{}", String::from_utf8_lossy(json));
        }
    }

    #[test]
    fn accepts_valid_elements() {
        for json in [
            "{}",
            r#"{ "devSn" : "1" , "dataItem" : [ ] }"#,
            r#"{"a":[1,-2,0.5,-0.25,0,true,false,null,{},[],{"b":[{"c":"\u00e9\n"}]}]}"#,
            r#"{"dataItem":{"dataItemId":"a","responseFlag":2}}"#,
            r#"{"dataItem":["a",7,{"x":null}],"succ":"1"}"#,
            "{\"t\":\"\u{6e29}\u{5ea6} 25\u{b0}C\"}",
            // Arrays of numbers: compact, spaced, nested, mixed.
            r#"{"a":[1,2,3],"b":[-1,0,2.5,-0.5],"c":[1, 2 ,3],"d":[[1,2],[3]],"e":[1,"x",2,null]}"#,
            // Keys of skipped objects: compact, spaced, long, non-ASCII.
            r#"{"a":{"time":"2023-03-14 00:00:00","rates":[1,2]},"b":{"k" : 1 ,"l":{ "m":2}}}"#,
            r#"{"a":{"a key longer than one block":1,"another one, also long":{"x":[]}}}"#,
            "{\"a\":{\"\u{6e29}\u{5ea6}\":1,\"x\":{\"\u{6e29}\u{5ea6}\u{6e29}\u{5ea6}\u{6e29}\u{5ea6}\":2}}}",
        ] {
            assert!(scans(json), "{json}");
        }
    }

    #[test]
    fn gives_up_on_errors_and_doubts() {
        for json in [
            "",
            " {}",
            "{} ",
            "[]",
            "{",
            r#"{"a":}"#,
            r#"{"a":1,}"#,
            r#"{"a":[1,]}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":-}"#,
            r#"{"a":1e5}"#,
            r#"{"a":123456789012345678}"#,
            r#"{"frameNum":1.5}"#,
            r#"{"a":"\x"}"#,
            r#"{"a":"\ud83d\ude00"}"#,
            "{\"a\":\"\u{1}\"}",
            r#"{"de\u0076Sn":"1"}"#,
            r#"{"a":tru}"#,
            r#"{"a":nul}"#,
            r#"{"a" "b"}"#,
            r#"{"a":[1 2]}"#,
            r#"{"a":{"b":1]}"#,
            // Arrays of numbers cut short or broken, and numbers after a comma in an object.
            r#"{"a":[1,2,]}"#,
            r#"{"a":[1,-]}"#,
            r#"{"a":[1,02]}"#,
            r#"{"a":[1,2}"#,
            r#"{"a":[1,2"#,
            r#"{"a":{"b":1,2}}"#,
            r#"{"a":[1,2.]}"#,
            // Keys of skipped objects: escaped (left to simd-json), without a colon, not a
            // string, unterminated, with a control character.
            r#"{"a":{"b\u0063":1}}"#,
            r#"{"a":{"a key longer than one blo\u0063k":1}}"#,
            r#"{"a":{"time" "x"}}"#,
            r#"{"a":{"time":1,"rates"}}"#,
            r#"{"a":{1:2}}"#,
            r#"{"a":{"time":1,"a key longer than one block"#,
            "{\"a\":{\"ti\u{1}me\":1}}",
        ] {
            assert!(!scans(json), "{json}");
        }
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(60), "]".repeat(60));
        assert!(!scans(&deep));
        let shallow = format!("{{\"a\":{}{}}}", "[".repeat(40), "]".repeat(40));
        assert!(scans(&shallow));
    }

    /// [`number_array_len`] spelled out: the grammar read byte by byte.
    fn number_array_reference(window: &[u8; 32]) -> Option<usize> {
        let mut at = 0;
        loop {
            let start = at;
            if window.get(at) == Some(&b'-') {
                at += 1;
            }
            match window.get(at)? {
                b'0' => at += 1,
                b'1'..=b'9' => {
                    while window.get(at)?.is_ascii_digit() {
                        at += 1;
                    }
                }
                _ => return None,
            }
            if window.get(at) == Some(&b'.') {
                at += 1;
                if !window.get(at)?.is_ascii_digit() {
                    return None;
                }
                while window.get(at)?.is_ascii_digit() {
                    at += 1;
                }
            }
            if at - start > MAX_ARRAY_NUMBER as usize {
                return None;
            }
            match window.get(at)? {
                b',' => at += 1,
                b']' => return Some(at + 1),
                _ => return None,
            }
        }
    }

    fn window_of(contents: &[u8], filler: u8) -> [u8; 32] {
        let mut window = [filler; 32];
        for (to, from) in window.iter_mut().zip(contents) {
            *to = *from;
        }
        window
    }

    #[test]
    fn number_arrays_are_the_grammar_exhaustively_over_short_contents() {
        let mut accepted = 0;
        for contents in every_string(b"01-.,]", 6) {
            for filler in [b' ', b']', b'1'] {
                let window = window_of(&contents, filler);
                let expected = number_array_reference(&window);
                assert_eq!(
                    number_array_len(&window),
                    expected,
                    "{:?}",
                    String::from_utf8_lossy(&window)
                );
                accepted += usize::from(expected.is_some());
            }
        }
        assert!(accepted > 1_000, "{accepted}");
    }

    #[test]
    fn number_arrays_the_generator_writes_are_read_whole() {
        for contents in [
            &b"743,266,506,306]"[..],
            b"981.3,654.8]",
            b"141.4]",
            b"678.0,801.8,325.2,708.9,685.5]",
            b"-0,0.5,-12.25,999999999999999]",
        ] {
            let window = window_of(contents, b'}');
            assert_eq!(number_array_len(&window), Some(contents.len()));
        }
        // Past the window, a number too long, exponents, spaces: the general walk's.
        for contents in [
            &b"678.0,801.8,325.2,708.9,685.5,12]"[..],
            b"1234567890123456]",
            b"1e5]",
            b"1, 2]",
            b"1,\"2\"]",
            b"[1]]",
            b"]",
        ] {
            let window = window_of(contents, b'}');
            assert_eq!(
                number_array_len(&window),
                None,
                "{:?}",
                String::from_utf8_lossy(contents)
            );
        }
    }

    proptest::proptest! {
        /// Numbers and their pieces in any order, cut anywhere: the masks read them as the
        /// grammar does, and what they take is a JSON array of numbers.
        #[test]
        fn number_arrays_are_the_grammar(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "0", "7", "12", "305", "-", ".", ".5", ",", "]", "00", "e", "E3", " ", "\"",
                    "[", "1234567890123", "99999", "}", "\u{e9}",
                ]),
                0..16,
            ),
            filler in proptest::sample::select(vec![b' ', b']', b'1', b',', b'}']),
        ) {
            let contents = pieces.concat();
            let window = window_of(contents.as_bytes(), filler);
            let found = number_array_len(&window);
            proptest::prop_assert_eq!(found, number_array_reference(&window));
            proptest::prop_assert_eq!(array_classes(&window), array_classes_portable(&window));
            if let Some(len) = found {
                let mut array = b"[".to_vec();
                array.extend_from_slice(&window[..len]);
                let parsed: Vec<serde_json::Value> = serde_json::from_slice(&array).unwrap();
                proptest::prop_assert!(parsed.iter().all(serde_json::Value::is_number));
            }
        }
    }

    #[test]
    fn numbers_read_as_simd_json_reads_them() {
        let mut buffers = ScanBuffers::default();
        scan(br#"{"frameNum":-0,"succ":17,"devSn":0}"#, &mut buffers).unwrap();
        let values: Vec<Scalar> = buffers.reads.iter().map(|&(_, value)| value).collect();
        assert_eq!(values, [Scalar::Int(0), Scalar::UInt(17), Scalar::UInt(0)]);
    }

    #[test]
    fn escaped_read_strings_are_unescaped() {
        let json = r#"{"devSn":"a\"b\\c\u00e9\/d","commDevId":"plain"}"#;
        let mut buffers = ScanBuffers::default();
        scan(json.as_bytes(), &mut buffers).unwrap();
        let (fields, items, _) = resolve(json.as_bytes(), &buffers);
        assert_eq!(fields.dev_sn.text().unwrap(), "a\"b\\c\u{e9}/d");
        assert_eq!(fields.comm_dev_id.text().unwrap(), "plain");
        assert_eq!(items.count(), 0);
    }

    #[test]
    fn unread_known_keys_still_tell_an_element_apart() {
        for (json, known) in [
            (r#"{"dataItem":[]}"#, true),
            (r#"{"endTime":"x","rop":"1/4"}"#, true),
            (r#"{"foo":1,"startTime":null}"#, true),
            (r#"{"foo":1}"#, false),
            (r#"{"devDataList":[]}"#, false),
            ("{}", false),
        ] {
            let mut buffers = ScanBuffers::default();
            scan(json.as_bytes(), &mut buffers).unwrap();
            let (fields, _, _) = resolve(json.as_bytes(), &buffers);
            assert_eq!(fields.known_keys, known, "{json}");
        }
    }

    #[test]
    fn scanned_items_are_read_as_they_are_iterated() {
        use super::super::FieldText;
        let json = r#"{"dataItem":[{"dataItemId":"a","responseFlag":3,"value":1},"b\u0063",{"dataItemId":7},{"responseFlag":"2"}]}"#;
        let mut buffers = ScanBuffers::default();
        scan(json.as_bytes(), &mut buffers).unwrap();
        let (_, items, nested) = resolve(json.as_bytes(), &buffers);
        assert!(!nested);
        assert_eq!(items.size_hint(), (4, Some(4)));
        let read: Vec<_> = items
            .map(|item| (item.data_item_id(), item.response_flag))
            .collect();
        assert_eq!(
            read,
            [
                (Some(FieldText::Str("a")), Some(3)),
                (Some(FieldText::Str("bc")), None),
                (Some(FieldText::UInt(7)), None),
                (None, Some(2)),
            ]
        );
    }
}
