//! Frame-level harnesses: the protocol dispatcher ([`crate::decode`]) and the link layer of
//! each protocol, cross-checked against each other.

use crate::dlt698::{Progress, Reassembler};
use crate::{
    DecodeError, DecodeErrorKind, Decoded, Decoder, FragmentPosition, Limits, Outcome, Protocol,
    decode, dlt645, dlt698, gdw1376,
};

use super::checks::{check_error, check_results, is_within, slice};

/// The start byte of all three protocols.
const START: u8 = 0x68;
/// The end byte of all three protocols.
const END: u8 = 0x16;
/// The wake-up byte.
const WAKE_UP: u8 = 0xFE;

/// Any bytes → [`crate::decode`]. On success the frame fills the input exactly (wake-up bytes,
/// `68` … `16`), the link layer of the protocol it was decoded as accepts the same bytes, and
/// every result lies inside it; on failure the error offset lies inside the input. A
/// [`Decoder`] whose results list has been used before gives the same answer, and so does the
/// general way where the shortcut for plain DL/T 698.45 GET responses answers.
///
/// Returns the number of results, or `None` when the input does not decode.
///
/// # Errors
/// A description of the first broken invariant.
pub fn frame(data: &[u8]) -> Result<Option<usize>, String> {
    let fresh = decode(data);
    check_decoder_agrees(data, &fresh)?;
    decode::check_plain_frame(data, &Limits::DEFAULT)?;
    match fresh {
        Ok(decoded) => {
            check_decoded("decode", data, &decoded)?;
            check_link_agrees(data, &decoded)?;
            Ok(Some(decoded.results.len()))
        }
        Err(error) => {
            check_error("decode", data, &error)?;
            Ok(None)
        }
    }
}

/// A [`Decoder`] that reuses the results list of an earlier frame (so the list it fills
/// already held results) decodes `data` as [`decode`] did.
fn check_decoder_agrees(
    data: &[u8],
    fresh: &Result<Decoded<'_>, DecodeError>,
) -> Result<(), String> {
    let mut decoder = Decoder::new();
    let earlier = decoder
        .decode(EARLIER)
        .map_err(|e| format!("decoder: {e}"))?;
    if earlier.results.is_empty() {
        return Err("decoder: the earlier frame has no results".to_owned());
    }
    decoder.recycle(earlier);
    let reused = decoder.decode(data);
    if reused != *fresh {
        return Err(format!(
            "Decoder::decode differs from decode: {reused:?} vs {fresh:?}"
        ));
    }
    Ok(())
}

/// A GET-Response-NormalList with two results (the crate docs' example), decoded before the
/// input so that its results list is reused.
const EARLIER: &[u8] = &[
    0x68, 0x33, 0x00, 0xC3, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7A, 0x01, 0x85, 0x02,
    0x00, 0x03, 0x20, 0x00, 0x02, 0x00, 0x01, 0x01, 0x03, 0x12, 0x09, 0x6D, 0x12, 0x09, 0x6E, 0x12,
    0x09, 0x6F, 0x20, 0x14, 0x02, 0x00, 0x00, 0x04, 0x20, 0x0F, 0x02, 0x00, 0x01, 0x12, 0x13, 0x88,
    0x00, 0x00, 0x1F, 0x81, 0x16,
];

/// The facts every successful decoding of a whole input must satisfy.
fn check_decoded(what: &str, data: &[u8], decoded: &Decoded<'_>) -> Result<(), String> {
    let end = decoded.preamble_len.saturating_add(decoded.frame_len);
    if end != data.len() {
        return Err(format!(
            "{what}: preamble {} + frame {} != input {} (trailing bytes must be an error)",
            decoded.preamble_len,
            decoded.frame_len,
            data.len()
        ));
    }
    let preamble = slice(what, data, 0, decoded.preamble_len)?;
    if preamble.iter().any(|&b| b != WAKE_UP) {
        return Err(format!(
            "{what}: the preamble is not all FE: {preamble:02X?}"
        ));
    }
    if data.get(decoded.preamble_len) != Some(&START) || data.last() != Some(&END) {
        return Err(format!("{what}: the frame does not run from 68 to 16"));
    }
    if decoded.failures().count() > decoded.results.len() {
        return Err(format!("{what}: more failures than results"));
    }
    if decoded.fragment.is_some() && decoded.protocol != Protocol::Dlt698 {
        return Err(format!("{what}: a fragment outside DL/T 698.45"));
    }
    check_results(what, data, decoded.preamble_len, &decoded.results)
}

/// The link layer of the protocol `decode` chose accepts exactly the same frame.
fn check_link_agrees(data: &[u8], decoded: &Decoded<'_>) -> Result<(), String> {
    let (preamble_len, frame_len, rest) = match decoded.protocol {
        Protocol::Dlt698 => {
            let (frame, rest) = dlt698::Frame::parse(data)
                .map_err(|e| format!("decode gave DL/T 698.45 but its frame parser says {e}"))?;
            (frame.preamble_len(), frame.frame_len(), rest.len())
        }
        Protocol::Dlt645 => {
            let (frame, rest) = dlt645::Frame::parse(data)
                .map_err(|e| format!("decode gave DL/T 645 but its frame parser says {e}"))?;
            (frame.preamble_len(), frame.frame_len(), rest.len())
        }
        Protocol::Gdw1376 => {
            let (frame, rest) = gdw1376::Frame::parse(data)
                .map_err(|e| format!("decode gave Q/GDW 1376.1 but its frame parser says {e}"))?;
            (frame.preamble_len(), frame.frame_len(), rest.len())
        }
    };
    if (preamble_len, frame_len, rest) != (decoded.preamble_len, decoded.frame_len, 0) {
        return Err(format!(
            "decode and the {} frame parser disagree: ({}, {}) vs ({preamble_len}, {frame_len}, rest {rest})",
            decoded.protocol, decoded.preamble_len, decoded.frame_len
        ));
    }
    Ok(())
}

/// Any bytes → [`dlt698::Frame::parse`]. On success the frame, its user data and the bytes
/// after it tile the input; the APDU decodes the same way through [`dlt698::decode_apdu`] and
/// through [`crate::decode`]; a [`Reassembler`] treats the frame as its fragment header says.
///
/// Returns the frame length, or `None` when the input is not a frame.
///
/// # Errors
/// A description of the first broken invariant.
pub fn frame_698(data: &[u8]) -> Result<Option<usize>, String> {
    let (frame, rest) = match dlt698::Frame::parse(data) {
        Ok(parsed) => parsed,
        Err(error) => {
            check_error("698 frame", data, &error)?;
            return Ok(None);
        }
    };
    let end = frame.preamble_len().saturating_add(frame.frame_len());
    if end.saturating_add(rest.len()) != data.len() || !is_within(data, rest) {
        return Err(format!(
            "698 frame: preamble {} + frame {} + rest {} != input {}",
            frame.preamble_len(),
            frame.frame_len(),
            rest.len(),
            data.len()
        ));
    }
    let wire = slice("698 frame", data, frame.preamble_len(), frame.frame_len())?;
    if frame.as_bytes() != wire || !is_within(wire, frame.user_data()) {
        return Err("698 frame: the frame's bytes are not the input's".to_owned());
    }
    let user_end = frame
        .user_data_offset()
        .saturating_add(frame.user_data().len());
    if user_end.saturating_add(3) != frame.frame_len() || frame.apdu_offset() > user_end {
        return Err(format!(
            "698 frame: user data [{}, {user_end}) and APDU at {} do not fit a {}-byte frame",
            frame.user_data_offset(),
            frame.apdu_offset(),
            frame.frame_len()
        ));
    }
    let _ = (frame.hcs(), frame.fcs(), frame.server_address().to_string());
    let apdu = frame.apdu();
    let limits = Limits::DEFAULT;
    let apdu_decoded = match frame.fragment() {
        Some(_) => None,
        None => match dlt698::decode_apdu(&apdu, &limits) {
            Ok(decoded) => {
                check_results("698 frame APDU", &apdu, 0, &decoded.results)?;
                Some(decoded)
            }
            Err(error) => {
                check_error("698 frame APDU", &apdu, &error)?;
                None
            }
        },
    };
    check_reassembler_takes(&frame, &apdu)?;

    // The dispatcher must decode the same frame the same way.
    let whole = slice("698 frame", data, 0, end)?;
    let fits = frame.frame_len() <= limits.max_frame_len;
    let expect_ok = fits
        && match frame.fragment().map(|f| f.position) {
            None => apdu_decoded.is_some(),
            Some(FragmentPosition::Confirm) => apdu.is_empty(),
            Some(_) => true,
        };
    match decode(whole) {
        Ok(decoded) => {
            check_decoded("698 frame via decode", whole, &decoded)?;
            if decoded.protocol == Protocol::Dlt698 {
                if (decoded.fragment, decoded.scrambled, decoded.client_address)
                    != (
                        frame.fragment(),
                        frame.control().is_scrambled(),
                        Some(frame.client_address()),
                    )
                {
                    return Err("698 frame: decode reports other link facts".to_owned());
                }
                if let Some(expected) = &apdu_decoded {
                    let shift = frame.preamble_len().saturating_add(frame.apdu_offset());
                    same_results(&decoded, expected, shift)?;
                }
            }
        }
        Err(error) => {
            check_error("698 frame via decode", whole, &error)?;
            // A 698.45 frame that starts with a shorter 645 or 1376.1 frame still decodes as
            // itself (`decode` prefers the candidate that fills the input; regression
            // `frame_698/dlt698-starts-with-a-valid-645-frame`).
            if expect_ok {
                return Err(format!(
                    "698 frame: the frame and its APDU decode, but decode says {error}"
                ));
            }
        }
    }
    Ok(Some(frame.frame_len()))
}

/// The results of a whole frame are those of its APDU, moved by `shift` bytes.
fn same_results(
    decoded: &Decoded<'_>,
    apdu: &dlt698::Apdu<'_>,
    shift: usize,
) -> Result<(), String> {
    if decoded.service != apdu.service || decoded.results.len() != apdu.results.len() {
        return Err(format!(
            "698 frame: decode gives {} with {} results, decode_apdu {} with {}",
            decoded.service,
            decoded.results.len(),
            apdu.service,
            apdu.results.len()
        ));
    }
    for (whole, part) in decoded.results.iter().zip(&apdu.results) {
        let same_outcome = match (whole.outcome, part.outcome) {
            (Outcome::Code(a), Outcome::Code(b)) => a == b,
            (Outcome::Data(a), Outcome::Data(b)) => a.value_bytes() == b.value_bytes(),
            _ => false,
        };
        if !same_outcome
            || whole.target != part.target
            || whole.section != part.section
            || whole.offset != part.offset.saturating_add(shift)
        {
            return Err(format!(
                "698 frame: decode gives {whole:?}, decode_apdu {part:?} (shift {shift})"
            ));
        }
    }
    Ok(())
}

/// A fresh [`Reassembler`] handles the frame as its fragment header says (DL/T 698.45 §5
/// 分帧): a whole APDU completes at once, a first fragment is stored, a middle or last one
/// has nothing to follow, a confirm carries no data.
fn check_reassembler_takes(frame: &dlt698::Frame<'_>, apdu: &[u8]) -> Result<(), String> {
    let limits = Limits::DEFAULT;
    let mut reassembler = Reassembler::new(&limits);
    let got = reassembler.push(frame);
    let fits = apdu.len() <= limits.max_frame_len;
    let agrees = match (frame.fragment(), &got) {
        (None, Ok(Progress::Complete(bytes))) => bytes.as_ref() == apdu,
        (Some(f), Ok(Progress::Pending { seq })) => {
            f.position == FragmentPosition::First && *seq == f.seq && fits
        }
        (Some(f), Err(e)) => match (f.position, e.kind()) {
            (FragmentPosition::Middle | FragmentPosition::Last, DecodeErrorKind::FragmentOrder) => {
                true
            }
            (FragmentPosition::Confirm, DecodeErrorKind::TrailingBytes { count }) => {
                count == apdu.len()
            }
            (FragmentPosition::First, DecodeErrorKind::TooLarge { .. }) => !fits,
            _ => false,
        },
        (Some(f), Ok(Progress::Confirmed { seq })) => {
            f.position == FragmentPosition::Confirm && *seq == f.seq && apdu.is_empty()
        }
        _ => false,
    };
    if !agrees {
        return Err(format!(
            "698 frame: the reassembler answers {got:?} to fragment {:?} with {} APDU bytes",
            frame.fragment(),
            apdu.len()
        ));
    }
    Ok(())
}

/// Any bytes → [`dlt645::Frame::parse`]. On success the frame and the bytes after it tile the
/// input, its data field lies inside it, and [`crate::decode`] (when it decodes the frame as
/// DL/T 645) agrees on its extent.
///
/// Returns the frame length, or `None` when the input is not a frame.
///
/// # Errors
/// A description of the first broken invariant.
pub fn frame_645(data: &[u8]) -> Result<Option<usize>, String> {
    let (frame, rest) = match dlt645::Frame::parse(data) {
        Ok(parsed) => parsed,
        Err(error) => {
            check_error("645 frame", data, &error)?;
            return Ok(None);
        }
    };
    let end = frame.preamble_len().saturating_add(frame.frame_len());
    if end.saturating_add(rest.len()) != data.len() || !is_within(data, rest) {
        return Err(format!(
            "645 frame: preamble {} + frame {} + rest {} != input {}",
            frame.preamble_len(),
            frame.frame_len(),
            rest.len(),
            data.len()
        ));
    }
    let wire = slice("645 frame", data, frame.preamble_len(), frame.frame_len())?;
    // 68 A0…A5 68 C L DATA CS 16 (DL/T 645-2007 §4.1): 12 bytes around the data.
    if !is_within(wire, frame.data_wire())
        || frame.data_wire().len().saturating_add(12) != wire.len()
    {
        return Err("645 frame: the data field does not fit the frame".to_owned());
    }
    if frame.data().wire_bytes() != frame.data_wire() {
        return Err("645 frame: data() and data_wire() differ".to_owned());
    }
    let _ = (
        frame.error_word(),
        frame.checksum(),
        frame.address().map(|a| a.to_string()),
        frame.control().service(),
    );
    check_dispatch_agrees(
        data,
        end,
        Protocol::Dlt645,
        frame.preamble_len(),
        frame.frame_len(),
    )?;
    Ok(Some(frame.frame_len()))
}

/// Any bytes → [`gdw1376::Frame::parse`]. On success the frame and the bytes after it tile the
/// input, its data units lie inside it, and [`crate::decode`] (when it decodes the frame as
/// Q/GDW 1376.1) agrees on its extent.
///
/// Returns the frame length, or `None` when the input is not a frame.
///
/// # Errors
/// A description of the first broken invariant.
pub fn frame_1376(data: &[u8]) -> Result<Option<usize>, String> {
    let (frame, rest) = match gdw1376::Frame::parse(data) {
        Ok(parsed) => parsed,
        Err(error) => {
            check_error("1376.1 frame", data, &error)?;
            return Ok(None);
        }
    };
    let end = frame.preamble_len().saturating_add(frame.frame_len());
    if end.saturating_add(rest.len()) != data.len() || !is_within(data, rest) {
        return Err(format!(
            "1376.1 frame: preamble {} + frame {} + rest {} != input {}",
            frame.preamble_len(),
            frame.frame_len(),
            rest.len(),
            data.len()
        ));
    }
    let wire = slice(
        "1376.1 frame",
        data,
        frame.preamble_len(),
        frame.frame_len(),
    )?;
    if !is_within(wire, frame.data_units())
        || frame.password().is_some_and(|pw| !is_within(wire, pw))
    {
        return Err("1376.1 frame: data units or password outside the frame".to_owned());
    }
    let _ = (
        frame.protocol_id(),
        frame.direction(),
        frame.afn(),
        frame.seq(),
        frame.event_counters(),
        frame.time_tag(),
        frame.checksum(),
        frame.address().map(|a| a.to_string()),
    );
    check_dispatch_agrees(
        data,
        end,
        Protocol::Gdw1376,
        frame.preamble_len(),
        frame.frame_len(),
    )?;
    Ok(Some(frame.frame_len()))
}

/// When [`crate::decode`] decodes `data[..end]` as `protocol`, it finds the same frame.
fn check_dispatch_agrees(
    data: &[u8],
    end: usize,
    protocol: Protocol,
    preamble_len: usize,
    frame_len: usize,
) -> Result<(), String> {
    let whole = slice("frame", data, 0, end)?;
    match decode(whole) {
        Ok(decoded) => {
            check_decoded("frame via decode", whole, &decoded)?;
            if decoded.protocol == protocol
                && (decoded.preamble_len, decoded.frame_len) != (preamble_len, frame_len)
            {
                return Err(format!(
                    "{protocol}: decode finds ({}, {}), the frame parser ({preamble_len}, {frame_len})",
                    decoded.preamble_len, decoded.frame_len
                ));
            }
            Ok(())
        }
        Err(error) => check_error("frame via decode", whole, &error),
    }
}
