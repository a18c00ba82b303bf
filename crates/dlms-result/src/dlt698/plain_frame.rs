//! A shortcut for the frames that make up most of a front-end's traffic: one whole DL/T 698.45
//! frame (after any wake-up bytes), neither a fragment nor scrambled, whose APDU is a plain GET,
//! SET or ACTION response ([`super::apdu::plain_response`]).
//!
//! Decoding such a frame through [`crate::decode`] passes the candidate protocols, the link
//! layer's `scan` and view, the APDU decoder and the trailing-bytes check, each returning its
//! part through the next: about 860 instructions for a typical 30-byte GET response, where the
//! targets allow about 600 (`docs/performance.md`, "Frame decoding"). This checks the same link
//! layer in one pass and builds the [`Decoded`] once. Anything else, any doubt included,
//! returns `None` and the frame goes the general way, which also reports every error: so this
//! path never decides an error, and where it answers, it answers exactly what the general
//! decoder would (`the_plain_frame_path_is_the_general_path`, a property test over
//! well-formed, damaged and random frames; the `frame` fuzz target compares the two as well).

use crate::decode::Decoded;
use crate::limits::Limits;
use crate::result::{AccessResult, Address, Protocol};

use super::address::SaFlag;
use super::apdu::{plain_response, plain_response_tag};
use super::control::Control;
use super::frame::{START, intact_len};

/// What the shortcut made of a frame.
pub(crate) enum Shortcut<'a> {
    /// A plain frame, decoded.
    Decoded(Decoded<'a>),
    /// Not a plain frame: the general decoder decides. `checksums_match` when its HCS and FCS
    /// were computed and matched (a DL/T 698.45 frame with another APDU), so that the general
    /// decoder need not compute them again.
    General {
        /// The frame's HCS and FCS were computed here and match.
        checksums_match: bool,
    },
}

/// The frame `input` as a whole, whose start byte is `input[start]` (after `start` wake-up
/// bytes), when it is a plain frame (see the module docs); its results go into `spare` (an
/// empty list whose allocation is reused), which is still empty otherwise. The caller has
/// found DL/T 698.45 to be the first candidate protocol (`decode::candidates`). With
/// `CHECKSUMS_KNOWN` ([`crate::checksum::KNOWN`]) the HCS and FCS are taken as matching: the
/// stream decoder computed them over these very bytes.
#[expect(
    clippy::inline_always,
    reason = "returned straight into the caller's result: a call level and a copy of the \
              88-byte `Decoded` less"
)]
#[inline(always)]
pub(crate) fn decode<'a, const CHECKSUMS_KNOWN: bool>(
    input: &'a [u8],
    start: usize,
    limits: &Limits,
    spare: &mut Vec<AccessResult<'a>>,
) -> Shortcut<'a> {
    let frame = input.get(start..).unwrap_or_default();
    if link_layer::<CHECKSUMS_KNOWN>(frame, limits).is_none() {
        return Shortcut::General {
            checksums_match: false,
        };
    }
    match link_user_data(frame, start, limits, spare) {
        Some(decoded) => Shortcut::Decoded(decoded),
        None => Shortcut::General {
            checksums_match: !CHECKSUMS_KNOWN,
        },
    }
}

/// `Some` when `input` is one whole DL/T 698.45 frame with a plain link layer whose checksums
/// match (see the module docs).
#[expect(clippy::inline_always, reason = "see `decode`")]
#[inline(always)]
fn link_layer<const CHECKSUMS_KNOWN: bool>(input: &[u8], limits: &Limits) -> Option<()> {
    let [_, l_low, l_high, control, ..] = *input else {
        return None;
    };
    // The frame is L plus the start and end bytes: a plain frame is the whole input (checked
    // before the checksums are computed).
    let control = Control(control);
    if usize::from(u16::from_le_bytes([l_low, l_high])).checked_add(2)? != input.len()
        || control.is_fragment()
        || control.is_scrambled()
    {
        return None;
    }
    (intact_len::<CHECKSUMS_KNOWN>(input, limits)? == input.len()).then_some(())
}

/// The [`Decoded`] of a frame [`link_layer`] accepted, `preamble_len` bytes into the input,
/// when its APDU is a plain response.
#[expect(clippy::inline_always, reason = "see `decode`")]
#[inline(always)]
fn link_user_data<'a>(
    input: &'a [u8],
    preamble_len: usize,
    limits: &Limits,
    spare: &mut Vec<AccessResult<'a>>,
) -> Option<Decoded<'a>> {
    let [START, _, _, control, sa_flag, ..] = *input else {
        return None;
    };
    let control = Control(control);
    let sa_flag = SaFlag::new(sa_flag);
    let sa_end = sa_flag.len().checked_add(5)?;
    let apdu_at = sa_end.checked_add(3)?;
    let fcs_at = input.len().checked_sub(3)?;
    let apdu = input.get(apdu_at..fcs_at)?;
    // Requests, security and proxy responses, link APDUs … leave before the addresses are
    // read and the service table is searched: 8.5 instructions a DL/T 698.45 frame less on
    // the fixtures (callgrind, `Decoder::decode`: 836.3 -> 827.8 a frame), which are mostly
    // such frames.
    if !apdu.first().is_some_and(|&tag| plain_response_tag(tag)) {
        return None;
    }
    let sa = input.get(5..sa_end)?;
    let server = match <[u8; 6]>::try_from(sa) {
        // The usual meter address, as a copy of known length (see `Address::from_six`).
        Ok(six) => Address::from_six(six, sa_flag.kind(), sa_flag.logical()),
        Err(_) => sa_flag.address(sa)?,
    };
    let client = *input.get(sa_end)?;
    let service = plain_response(apdu, apdu_at.saturating_add(preamble_len), limits, spare)?;
    Some(Decoded {
        protocol: Protocol::Dlt698,
        preamble_len,
        frame_len: input.len(),
        direction: control.direction(),
        server_address: Some(server),
        client_address: Some(client),
        service,
        fragment: None,
        scrambled: false,
        status: None,
        results: core::mem::take(spare),
    })
}
