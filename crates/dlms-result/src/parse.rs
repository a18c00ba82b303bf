//! Crate-private glue between nom and the public [`DecodeError`]: every parser in this crate
//! is a nom *complete* parser over `&[u8]` returning [`PResult`]; only the public entry
//! points turn a [`PError`] into a [`DecodeError`] with an absolute byte offset.

use nom::error::{ErrorKind, ParseError};

use crate::error::{DecodeError, DecodeErrorKind};

/// The result of a crate-internal parser.
pub(crate) type PResult<'a, T> = nom::IResult<&'a [u8], T, PError<'a>>;

/// A parse error: the remaining input where it happened (a sub-slice of the buffer being
/// parsed, so its position gives the offset) and what went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PError<'a> {
    pub(crate) at: &'a [u8],
    pub(crate) kind: DecodeErrorKind,
}

impl<'a> ParseError<&'a [u8]> for PError<'a> {
    fn from_error_kind(input: &'a [u8], kind: ErrorKind) -> Self {
        // Complete parsers report a short input as `Eof`; our own parsers raise every other
        // failure explicitly through `fail`, so anything else is a structural mismatch.
        let kind = match (kind, input.first()) {
            (ErrorKind::Eof, _) | (_, None) => DecodeErrorKind::Truncated { needed: 1 },
            (_, Some(&value)) => DecodeErrorKind::InvalidChoice {
                field: "structure",
                value,
            },
        };
        Self { at: input, kind }
    }

    fn append(_input: &'a [u8], _kind: ErrorKind, other: Self) -> Self {
        // Keep the innermost error: it carries the precise position and kind.
        other
    }
}

/// Fails at `at` with `kind`.
#[cold]
pub(crate) fn fail<T>(at: &[u8], kind: DecodeErrorKind) -> PResult<'_, T> {
    Err(nom::Err::Error(PError { at, kind }))
}

/// Checks an 8-bit sum CS (DL/T 645-2007 §4.1, Q/GDW 1376.1 帧校验和): `summed`, computed over
/// the bytes it covers, against the `found` byte at `at_cs`, where a mismatch is reported.
/// Fuzzing builds accept any sum, so that the fuzzer reaches the fields after it.
#[inline]
pub(crate) fn check_sum8(at_cs: &[u8], summed: u8, found: u8) -> PResult<'_, ()> {
    if summed != found && !cfg!(fuzzing) {
        return fail(
            at_cs,
            DecodeErrorKind::ChecksumMismatch {
                expected: summed,
                found,
            },
        );
    }
    Ok((at_cs, ()))
}

/// Takes exactly `n` bytes, reporting how many are missing when the input is short.
pub(crate) fn take(n: usize) -> impl Fn(&[u8]) -> PResult<'_, &[u8]> {
    move |input: &[u8]| match input.split_at_checked(n) {
        Some((taken, rest)) => Ok((rest, taken)),
        None => fail(
            input,
            DecodeErrorKind::Truncated {
                needed: n.saturating_sub(input.len()),
            },
        ),
    }
}

/// Takes `N` bytes as an array.
pub(crate) fn take_array<const N: usize>(input: &[u8]) -> PResult<'_, [u8; N]> {
    match input.split_first_chunk::<N>() {
        Some((taken, rest)) => Ok((rest, *taken)),
        None => fail(
            input,
            DecodeErrorKind::Truncated {
                needed: N.saturating_sub(input.len()),
            },
        ),
    }
}

/// One byte.
pub(crate) fn u8(input: &[u8]) -> PResult<'_, u8> {
    nom::number::complete::u8(input)
}

/// Two bytes, big-endian (DL/T 698.45 A-XDR integers, OI).
pub(crate) fn be_u16(input: &[u8]) -> PResult<'_, u16> {
    let (rest, bytes) = take_array::<2>(input)?;
    Ok((rest, u16::from_be_bytes(bytes)))
}

/// Two bytes, little-endian (DL/T 698.45 link layer L, HCS, FCS; fragment header).
pub(crate) fn le_u16(input: &[u8]) -> PResult<'_, u16> {
    let (rest, bytes) = take_array::<2>(input)?;
    Ok((rest, u16::from_le_bytes(bytes)))
}

/// Four bytes, big-endian (OAD, OMD).
pub(crate) fn be_u32(input: &[u8]) -> PResult<'_, u32> {
    let (rest, bytes) = take_array::<4>(input)?;
    Ok((rest, u32::from_be_bytes(bytes)))
}

/// The offset of `part` inside `base`, where `part` is a sub-slice of `base` (or its empty
/// end). Positions outside `base` clamp to its bounds, so a wrong call can misreport an
/// offset but never panic.
pub(crate) fn offset_in(base: &[u8], part: &[u8]) -> usize {
    let start = base.as_ptr() as usize;
    let at = part.as_ptr() as usize;
    at.saturating_sub(start).min(base.len())
}

/// Converts a nom error raised while parsing `base` into a public error; `base_offset` is the
/// offset of `base` inside the caller's whole input.
// Taken by value so callers can write `.map_err(|e| to_decode_error(base, 0, e))`.
#[allow(clippy::needless_pass_by_value)]
pub(crate) fn to_decode_error(
    base: &[u8],
    base_offset: usize,
    err: nom::Err<PError<'_>>,
) -> DecodeError {
    match err {
        nom::Err::Error(e) | nom::Err::Failure(e) => {
            DecodeError::new(offset_in(base, e.at).saturating_add(base_offset), e.kind)
        }
        nom::Err::Incomplete(needed) => {
            let needed = match needed {
                nom::Needed::Size(n) => n.get(),
                nom::Needed::Unknown => 1,
            };
            DecodeError::new(
                base.len().saturating_add(base_offset),
                DecodeErrorKind::Truncated { needed },
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_reads_report_what_is_missing() {
        let data = [1u8, 2, 3];
        let err = be_u32(&data).unwrap_err();
        let e = to_decode_error(&data, 10, err);
        assert_eq!(e.offset(), 10);
        assert_eq!(e.kind(), DecodeErrorKind::Truncated { needed: 1 });
        let (rest, v) = be_u16(&data).unwrap();
        assert_eq!(v, 0x0102);
        let err = take(5)(rest).unwrap_err();
        let e = to_decode_error(&data, 0, err);
        assert_eq!(e.offset(), 2);
        assert_eq!(e.kind(), DecodeErrorKind::Truncated { needed: 4 });
    }

    #[test]
    fn offsets_clamp() {
        let a = [0u8; 4];
        let b = [0u8; 4];
        assert!(offset_in(&a, &b) <= a.len());
        assert_eq!(offset_in(&a, &a[2..]), 2);
        assert_eq!(offset_in(&a, &a[4..]), 4);
    }
}
