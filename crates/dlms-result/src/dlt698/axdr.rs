//! A-XDR building blocks of DL/T 698.45 (§2 of our protocol notes): lengths, bounded counts,
//! OAD / OMD / ROAD / CSD / RCSD / TSA and the fixed-size time fields.
//!
//! Every parser is a nom complete parser over the bytes being decoded; counts are checked
//! against [`Limits::max_items`] and against the bytes that are actually left, so a declared
//! count never causes work or allocation beyond the input's size.

use crate::error::DecodeErrorKind;
use crate::limits::Limits;
use crate::parse::{PError, PResult, be_u32, fail, take, u8};
use crate::result::{Address, Oad, Omd};

use super::address;

/// An A-XDR length: one byte below `0x80` is the length itself; `0x81`–`0x84` announce that
/// many big-endian length bytes. Non-minimal forms (`82 00 07`) are accepted because real
/// meters send them; `0x80` (indefinite) and more than four length bytes are rejected.
pub(crate) fn length(input: &[u8]) -> PResult<'_, usize> {
    let (rest, first) = u8(input)?;
    if first < 0x80 {
        return Ok((rest, usize::from(first)));
    }
    let width = usize::from(first & 0x7F);
    if width == 0 || width > 4 {
        return fail(input, DecodeErrorKind::InvalidLengthForm { first });
    }
    let (rest, bytes) = take(width)(rest)?;
    let value = bytes
        .iter()
        .fold(0u32, |acc, &b| acc.wrapping_shl(8) | u32::from(b));
    Ok((rest, usize::try_from(value).unwrap_or(usize::MAX)))
}

/// The element count of a SEQUENCE OF (or array / structure), checked against
/// [`Limits::max_items`] and against the input left: each element needs at least
/// `min_item_len` bytes, so a count no input could satisfy fails at once with `Truncated`.
pub(crate) fn count<'a>(input: &'a [u8], limits: &Limits, min_item_len: usize) -> PResult<'a, u32> {
    let (rest, n) = length(input)?;
    let n = match u32::try_from(n) {
        Ok(n) if n <= limits.max_items => n,
        _ => {
            return fail(
                input,
                DecodeErrorKind::TooManyItems {
                    max: limits.max_items,
                },
            );
        }
    };
    let needed = usize::try_from(n)
        .unwrap_or(usize::MAX)
        .saturating_mul(min_item_len);
    if needed > rest.len() {
        return fail(
            rest,
            DecodeErrorKind::Truncated {
                needed: needed.saturating_sub(rest.len()),
            },
        );
    }
    Ok((rest, n))
}

/// An octet-string (or visible-string, TSA, MAC …): A-XDR length, then that many bytes.
pub(crate) fn octet_string(input: &[u8]) -> PResult<'_, &[u8]> {
    let (rest, len) = length(input)?;
    take(len)(rest)
}

/// An object attribute descriptor: OI(2) + attribute(1) + index(1), big-endian.
pub(crate) fn oad(input: &[u8]) -> PResult<'_, Oad> {
    let (rest, value) = be_u32(input)?;
    Ok((rest, Oad(value)))
}

/// An object method descriptor: OI(2) + method(1) + operation mode(1).
pub(crate) fn omd(input: &[u8]) -> PResult<'_, Omd> {
    let (rest, value) = be_u32(input)?;
    Ok((rest, Omd(value)))
}

/// A ROAD: the record OAD and a SEQUENCE OF related OADs; returns the OAD and the number of
/// related OADs.
pub(crate) fn road<'a>(input: &'a [u8], limits: &Limits) -> PResult<'a, (Oad, u32)> {
    let (rest, main) = oad(input)?;
    let (rest, n) = count(rest, limits, 4)?;
    let bytes = usize::try_from(n).unwrap_or(usize::MAX).saturating_mul(4);
    let (rest, _) = take(bytes)(rest)?;
    Ok((rest, (main, n)))
}

/// A CSD column selector: CHOICE { `00` OAD, `01` ROAD }.
pub(crate) fn csd<'a>(input: &'a [u8], limits: &Limits) -> PResult<'a, ()> {
    let (rest, choice) = u8(input)?;
    match choice {
        0 => oad(rest).map(|(rest, _)| (rest, ())),
        1 => road(rest, limits).map(|(rest, _)| (rest, ())),
        value => fail(
            input,
            DecodeErrorKind::InvalidChoice {
                field: "CSD",
                value,
            },
        ),
    }
}

/// An RCSD: SEQUENCE OF CSD; returns the number of columns.
pub(crate) fn rcsd<'a>(input: &'a [u8], limits: &Limits) -> PResult<'a, u32> {
    // The smallest CSD is a choice byte plus an OAD.
    let (mut rest, n) = count(input, limits, 5)?;
    for _ in 0..n {
        (rest, ()) = csd(rest, limits)?;
    }
    Ok((rest, n))
}

/// A TSA (target server address): an octet-string whose first byte has the link layer's SA
/// flag layout (DL/T 698.45 §7 TSA), followed by exactly the address bytes it announces.
pub(crate) fn tsa(input: &[u8]) -> PResult<'_, Address> {
    let (rest, bytes) = octet_string(input)?;
    let Some((&flag, wire)) = bytes.split_first() else {
        return fail(input, DecodeErrorKind::BadAddress { flag: 0 });
    };
    let layout = address::SaFlag::new(flag);
    if layout.len() != wire.len() {
        return fail(input, DecodeErrorKind::BadAddress { flag });
    }
    match layout.address(wire) {
        Some(address) => Ok((rest, address)),
        None => fail(input, DecodeErrorKind::BadAddress { flag }),
    }
}

/// An OPTIONAL marker: `00` absent, `01` present.
pub(crate) fn optional<'a>(input: &'a [u8], field: &'static str) -> PResult<'a, bool> {
    let (rest, flag) = u8(input)?;
    match flag {
        0 => Ok((rest, false)),
        1 => Ok((rest, true)),
        value => fail(input, DecodeErrorKind::InvalidChoice { field, value }),
    }
}

/// `date_time_s`: year(2) month day hour minute second (7 bytes).
pub(crate) const DATE_TIME_S_LEN: usize = 7;
/// `date_time`: year(2) month day weekday hour minute second milliseconds(2) (10 bytes).
pub(crate) const DATE_TIME_LEN: usize = 10;
/// TI: unit ENUMERATED(1) + interval long-unsigned(2).
pub(crate) const TI_LEN: usize = 3;

/// Skips `n` fixed bytes, reporting what is missing.
pub(crate) fn skip(input: &[u8], n: usize) -> PResult<'_, ()> {
    take(n)(input).map(|(rest, _)| (rest, ()))
}

/// The error for a structure that does not fit its declared container.
pub(crate) fn trailing(at: &[u8]) -> nom::Err<PError<'_>> {
    nom::Err::Error(PError {
        at,
        kind: DecodeErrorKind::TrailingBytes { count: at.len() },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::to_decode_error;

    #[test]
    fn lengths_short_long_and_non_minimal() {
        assert_eq!(length(&[0x07]).unwrap().1, 7);
        assert_eq!(length(&[0x7F]).unwrap().1, 127);
        assert_eq!(length(&[0x81, 0x80]).unwrap().1, 128);
        assert_eq!(length(&[0x82, 0x00, 0x07]).unwrap().1, 7);
        assert_eq!(
            length(&[0x84, 0xFF, 0xFF, 0xFF, 0xFF]).unwrap().1,
            0xFFFF_FFFF
        );
    }

    #[test]
    fn every_first_length_byte_is_classified() {
        for first in 0..=u8::MAX {
            let input = [first, 0, 0, 0, 0];
            let result = length(&input);
            match first {
                0..=0x7F | 0x81..=0x84 => assert!(result.is_ok(), "{first:#x}"),
                _ => {
                    let e = to_decode_error(&input, 0, result.unwrap_err());
                    assert_eq!(e.kind(), DecodeErrorKind::InvalidLengthForm { first });
                    assert_eq!(e.offset(), 0);
                }
            }
        }
    }

    #[test]
    fn counts_are_bounded_by_limit_and_input() {
        let limits = Limits::default().with_max_items(10);
        let e = to_decode_error(&[11], 0, count(&[11], &limits, 1).unwrap_err());
        assert_eq!(e.kind(), DecodeErrorKind::TooManyItems { max: 10 });
        let input = [0x82, 0xFF, 0xFF];
        let e = to_decode_error(&input, 0, count(&input, &Limits::default(), 1).unwrap_err());
        assert_eq!(e.kind(), DecodeErrorKind::Truncated { needed: 65_535 });
        assert_eq!(count(&[2, 0, 0], &limits, 1).unwrap().1, 2);
    }

    #[test]
    fn tsa_must_match_its_flag() {
        let (rest, address) = tsa(&[0x07, 0x05, 0x01, 0x00, 0x20, 0x16, 0x20, 0x05, 0xAA]).unwrap();
        assert_eq!(rest, [0xAA]);
        assert_eq!(address.to_string(), "052016200001");
        let bad = [0x03, 0x05, 0x01, 0x00];
        let e = to_decode_error(&bad, 0, tsa(&bad).unwrap_err());
        assert_eq!(e.kind(), DecodeErrorKind::BadAddress { flag: 0x05 });
        let empty = [0x00];
        assert!(tsa(&empty).is_err());
    }

    #[test]
    fn road_and_rcsd() {
        let limits = Limits::default();
        let road_bytes = [
            0x50, 0x04, 0x02, 0x00, 0x02, 0x00, 0x10, 0x02, 0x00, 0x00, 0x20, 0x02, 0x00,
        ];
        let (rest, (main, n)) = road(&road_bytes, &limits).unwrap();
        assert!(rest.is_empty());
        assert_eq!((main, n), (Oad(0x5004_0200), 2));
        let rcsd_bytes = [
            0x02, 0x00, 0x20, 0x21, 0x02, 0x00, 0x00, 0x00, 0x10, 0x02, 0x00,
        ];
        assert_eq!(rcsd(&rcsd_bytes, &limits).unwrap().1, 2);
        let bad = [0x01, 0x07, 0, 0, 0, 0];
        let e = to_decode_error(&bad, 0, rcsd(&bad, &limits).unwrap_err());
        assert_eq!(e.offset(), 1);
        assert_eq!(
            e.kind(),
            DecodeErrorKind::InvalidChoice {
                field: "CSD",
                value: 7
            }
        );
    }
}
