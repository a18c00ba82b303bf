//! The Q/GDW 1376.1 link frame (帧格式), as a borrowed view.
//!
//! ```text
//! 68  L(2)  L(2)  68  C  A(5)  AFN  SEQ  data units …  [PW(16)] [EC(2)] [Tp(6)]  CS  16
//!                     ^---------------- user data, L >> 2 bytes ------------------^
//! ```
//!
//! L travels low byte first and twice; bits 0–1 are the protocol id (`01` Q/GDW 130-2005,
//! `10` Q/GDW 1376.1; both accepted, `00` and `11` rejected) and bits 2–15 the length of the
//! user data (C through the end of AUX). CS is the modulo-256 sum of the user data.
//!
//! The auxiliary fields AUX sit at the end of the user data (附加信息域 AUX): PW in downlink frames
//! of the functions that require it, EC in uplink frames with ACD = 1, Tp when SEQ.TpV = 1.
//! They are taken off the end, so the data units never need per-Fn lengths to find them.
//!
//! Under `cfg(fuzzing)` the checksum is computed but not compared.

use crate::checksum::{VERIFY, sum8};
use crate::error::{DecodeError, DecodeErrorKind};
use crate::limits::Limits;
use crate::parse::{
    PResult, check_sum8, fail, le_u16, offset_in, take, take_array, to_decode_error, u8,
};
use crate::result::{Address, Direction};

use super::address::TerminalAddress;
use super::afn::carries_password;
use super::control::{Control, Seq};

/// The start byte, also repeated after the length fields.
const START: u8 = 0x68;
/// The end byte.
const END: u8 = 0x16;
/// Bytes around the user data: `68 L L 68` and `CS 16`.
const OVERHEAD: usize = 8;
/// The shortest user data: C, A (5), AFN, SEQ.
const MIN_USER_LEN: usize = 8;
/// Length of the message authentication code PW (Q/GDW 1376.1-2009: 16 bytes).
const PW_LEN: usize = 16;
/// Length of the event counter EC (EC1, EC2).
const EC_LEN: usize = 2;
/// Length of the time tag Tp: PFC, a four-byte BCD send time, the allowed delay.
const TP_LEN: usize = 6;

/// The protocol id in bits 0–1 of L.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProtocolId {
    /// `01`: Q/GDW 130-2005.
    Gdw130,
    /// `10`: Q/GDW 1376.1 (376.1-2009 and 1376.1-2013).
    Gdw1376,
}

/// A validated Q/GDW 1376.1 frame: start bytes, length fields, checksum, end byte and the
/// room for its auxiliary fields checked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    preamble_len: usize,
    protocol_id: ProtocolId,
    user_len: usize,
    control: Control,
    address: TerminalAddress,
    afn: u8,
    seq: Seq,
    units: &'a [u8],
    units_offset: usize,
    password: Option<&'a [u8]>,
    event_counters: Option<[u8; EC_LEN]>,
    time_tag: Option<[u8; TP_LEN]>,
    checksum: u8,
}

/// The fixed part of the user data.
struct Header {
    control: Control,
    address: TerminalAddress,
    afn: u8,
    seq: Seq,
}

impl<'a> Frame<'a> {
    /// Parses the frame at the start of `input`, after any `FE` wake-up bytes, and returns it
    /// with the bytes after its end byte.
    ///
    /// # Errors
    /// A [`DecodeError`] whose offset counts from the start of `input`.
    pub fn parse(input: &'a [u8]) -> Result<(Self, &'a [u8]), DecodeError> {
        let start = crate::decode::wake_up_len(input);
        let frame = Self::parse_at::<VERIFY>(input, start, &Limits::DEFAULT)?;
        let rest = input
            .get(start.saturating_add(frame.frame_len())..)
            .unwrap_or_default();
        Ok((frame, rest))
    }

    /// Parses the frame whose first `68` is `input[start]`; offsets count from `input[0]`.
    /// With `CHECKSUMS_KNOWN` ([`crate::checksum::KNOWN`]) CS is not summed (the stream
    /// decoder did, over the same bytes) and everything else is checked as usual.
    pub(crate) fn parse_at<const CHECKSUMS_KNOWN: bool>(
        input: &'a [u8],
        start: usize,
        limits: &Limits,
    ) -> Result<Self, DecodeError> {
        let frame = input.get(start..).unwrap_or_default();
        let (_, (protocol_id, user, checksum)) =
            link::<CHECKSUMS_KNOWN>(frame, limits).map_err(|e| to_decode_error(frame, start, e))?;
        let (after_seq, fixed) = header(user).map_err(|e| to_decode_error(frame, start, e))?;
        let (_, (units, aux)) = split_aux(after_seq, &fixed, user.len())
            .map_err(|e| to_decode_error(frame, start, e))?;
        Ok(Self {
            preamble_len: start,
            protocol_id,
            user_len: user.len(),
            control: fixed.control,
            address: fixed.address,
            afn: fixed.afn,
            seq: fixed.seq,
            units,
            units_offset: offset_in(frame, units),
            password: aux.password,
            event_counters: aux.event_counters,
            time_tag: aux.time_tag,
            checksum,
        })
    }

    /// Checks the link layer only (start bytes, length fields, checksum, end byte) of the
    /// frame whose first `68` is `input[0]` and returns its length.
    pub(crate) fn link_len(input: &[u8], limits: &Limits) -> Result<usize, DecodeError> {
        let (_, (_, user, _)) =
            link::<VERIFY>(input, limits).map_err(|e| to_decode_error(input, 0, e))?;
        Ok(user.len().saturating_add(OVERHEAD))
    }

    /// The `FE` wake-up bytes before the frame.
    pub const fn preamble_len(&self) -> usize {
        self.preamble_len
    }

    /// The frame's length from the first `68` through `16`.
    pub const fn frame_len(&self) -> usize {
        self.user_len.saturating_add(OVERHEAD)
    }

    /// The protocol id of the length field.
    pub const fn protocol_id(&self) -> ProtocolId {
        self.protocol_id
    }

    /// The control field.
    pub const fn control(&self) -> Control {
        self.control
    }

    /// Who sent the frame.
    pub const fn direction(&self) -> Direction {
        self.control.direction()
    }

    /// The address field.
    pub const fn terminal_address(&self) -> TerminalAddress {
        self.address
    }

    /// The terminal as an [`Address`] (see [`TerminalAddress::to_address`]).
    pub fn address(&self) -> Option<Address> {
        self.address.to_address()
    }

    /// The application function code.
    pub const fn afn(&self) -> u8 {
        self.afn
    }

    /// The sequence field.
    pub const fn seq(&self) -> Seq {
        self.seq
    }

    /// The data units (identifiers and their data) as they travel, without AUX.
    pub const fn data_units(&self) -> &'a [u8] {
        self.units
    }

    /// Offset of the data units from the first `68`.
    pub(crate) const fn data_units_offset(&self) -> usize {
        self.units_offset
    }

    /// The message authentication code PW of a downlink frame that carries one.
    pub const fn password(&self) -> Option<&'a [u8]> {
        self.password
    }

    /// The event counters EC1 (important) and EC2 (normal) of an uplink frame with ACD = 1.
    pub const fn event_counters(&self) -> Option<[u8; 2]> {
        self.event_counters
    }

    /// The time tag Tp (PFC, send time second–day in BCD, allowed delay in minutes), when
    /// SEQ.TpV = 1.
    pub const fn time_tag(&self) -> Option<[u8; 6]> {
        self.time_tag
    }

    /// The checksum byte the frame carries.
    pub const fn checksum(&self) -> u8 {
        self.checksum
    }
}

impl core::fmt::Debug for Frame<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("gdw1376::Frame")
            .field("protocol_id", &self.protocol_id)
            .field("control", &self.control)
            .field("address", &self.address)
            .field("afn", &format_args!("{:02X}", self.afn))
            .field("seq", &self.seq)
            .field("data_units", &self.units.len())
            .finish_non_exhaustive()
    }
}

/// `68 L L 68`, the user data, CS (summed unless `CHECKSUMS_KNOWN`) and `16`.
fn link<'a, const CHECKSUMS_KNOWN: bool>(
    frame: &'a [u8],
    limits: &Limits,
) -> PResult<'a, (ProtocolId, &'a [u8], u8)> {
    let (at_len, start) = u8(frame)?;
    if start != START {
        return fail(frame, DecodeErrorKind::BadStart { found: start });
    }
    let (at_len2, first) = le_u16(at_len)?;
    // Q/GDW 1376.1 长度 L: bits 0–1 are the protocol id (规约标识).
    let id_bits = u8::try_from(first & 0b11).unwrap_or(u8::MAX);
    let protocol_id = match id_bits {
        0b01 => ProtocolId::Gdw130,
        0b10 => ProtocolId::Gdw1376,
        value => {
            return fail(
                at_len,
                DecodeErrorKind::InvalidChoice {
                    field: "protocol id",
                    value,
                },
            );
        }
    };
    let user_len = usize::from(first >> 2);
    let declared = user_len.saturating_add(OVERHEAD);
    if user_len < MIN_USER_LEN || declared > limits.max_frame_len {
        return fail(at_len, DecodeErrorKind::BadLength { declared });
    }
    let (at_second, second) = le_u16(at_len2)?;
    if second != first {
        return fail(
            at_len2,
            DecodeErrorKind::LengthFieldsDiffer { first, second },
        );
    }
    let (at_user, start2) = u8(at_second)?;
    if start2 != START {
        return fail(at_second, DecodeErrorKind::BadStart { found: start2 });
    }
    let (at_cs, user) = take(user_len)(at_user)?;
    let (at_end, checksum) = u8(at_cs)?;
    if !CHECKSUMS_KNOWN {
        // Q/GDW 1376.1 帧校验和 CS: the modulo-256 sum of the user data. When known, the
        // stream's probe summed these bytes.
        let summed = sum8(user);
        check_sum8(at_cs, summed, checksum)?;
    }
    let (rest, end) = u8(at_end)?;
    if end != END {
        return fail(at_end, DecodeErrorKind::BadEnd { found: end });
    }
    Ok((rest, (protocol_id, user, checksum)))
}

/// C, A, AFN and SEQ.
fn header(user: &[u8]) -> PResult<'_, Header> {
    let (rest, control) = u8(user)?;
    let (rest, address) = take_array::<5>(rest)?;
    let (rest, afn) = u8(rest)?;
    let (rest, seq) = u8(rest)?;
    Ok((
        rest,
        Header {
            control: Control::new(control),
            address: TerminalAddress::from_wire(address),
            afn,
            seq: Seq::new(seq),
        },
    ))
}

/// The auxiliary fields taken off the end of the user data.
struct Aux<'a> {
    password: Option<&'a [u8]>,
    event_counters: Option<[u8; EC_LEN]>,
    time_tag: Option<[u8; TP_LEN]>,
}

/// Splits the bytes after SEQ into the data units and AUX (附加信息域: PW, then EC, then Tp).
/// When the flags claim more AUX than there are bytes, the error points after SEQ.
fn split_aux<'a>(
    after_seq: &'a [u8],
    header: &Header,
    user_len: usize,
) -> PResult<'a, (&'a [u8], Aux<'a>)> {
    let uplink = header.control.direction() == Direction::FromServer;
    let tp_len = if header.seq.has_time_tag() { TP_LEN } else { 0 };
    let ec_len = if uplink && header.control.acd() {
        EC_LEN
    } else {
        0
    };
    let pw_len = if !uplink && carries_password(header.afn) {
        PW_LEN
    } else {
        0
    };
    let aux_len = tp_len.saturating_add(ec_len).saturating_add(pw_len);
    // The flags claim more auxiliary bytes than the user data holds. The frame is complete
    // (its length field and checksum agree), so this is a length error, not a truncation.
    let Some((units, aux)) = after_seq
        .len()
        .checked_sub(aux_len)
        .and_then(|units_len| after_seq.split_at_checked(units_len))
    else {
        let declared = user_len.saturating_add(OVERHEAD);
        return fail(after_seq, DecodeErrorKind::BadLength { declared });
    };
    let (aux, password) = match aux.split_at_checked(pw_len) {
        Some((pw, rest)) if pw_len > 0 => (rest, Some(pw)),
        _ => (aux, None),
    };
    let (aux, event_counters) = match aux.split_first_chunk::<EC_LEN>() {
        Some((ec, rest)) if ec_len > 0 => (rest, Some(*ec)),
        _ => (aux, None),
    };
    let time_tag = match aux.first_chunk::<TP_LEN>() {
        Some(tp) if tp_len > 0 => Some(*tp),
        _ => None,
    };
    Ok((
        &[],
        (
            units,
            Aux {
                password,
                event_counters,
                time_tag,
            },
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real terminal login: `68 32 00 32 00 68 C9 05 21 B2 A1 00 02 79 00 00 01 00 BE 16`.
    const LOGIN: [u8; 20] = [
        0x68, 0x32, 0x00, 0x32, 0x00, 0x68, 0xC9, 0x05, 0x21, 0xB2, 0xA1, 0x00, 0x02, 0x79, 0x00,
        0x00, 0x01, 0x00, 0xBE, 0x16,
    ];

    #[test]
    fn parses_a_real_login() {
        let (frame, rest) = Frame::parse(&LOGIN).unwrap();
        assert!(rest.is_empty());
        assert_eq!(frame.frame_len(), 20);
        assert_eq!(frame.protocol_id(), ProtocolId::Gdw1376);
        assert_eq!(frame.direction(), Direction::FromServer);
        assert_eq!(frame.afn(), 0x02);
        assert_eq!(frame.seq().sequence(), 9);
        assert_eq!(frame.data_units(), [0, 0, 1, 0]);
        assert_eq!(frame.data_units_offset(), 14);
        assert_eq!(frame.address().unwrap().to_string(), "2105A1B2");
        assert_eq!(frame.time_tag(), None);
        assert_eq!(frame.event_counters(), None);
        assert_eq!(frame.password(), None);
        assert_eq!(frame.checksum(), 0xBE);
    }

    #[test]
    fn link_errors_have_offsets() {
        let err = |bytes: &[u8]| Frame::parse(bytes).unwrap_err();
        let mut bad = LOGIN;
        bad[3] = 0x36;
        assert_eq!(err(&bad).offset(), 3);
        assert_eq!(
            err(&bad).kind(),
            DecodeErrorKind::LengthFieldsDiffer {
                first: 0x32,
                second: 0x36
            }
        );
        let mut bad = LOGIN;
        bad[1] = 0x33;
        bad[3] = 0x33;
        assert_eq!(err(&bad).offset(), 1);
        assert_eq!(
            err(&bad).kind(),
            DecodeErrorKind::InvalidChoice {
                field: "protocol id",
                value: 3
            }
        );
        let mut bad = LOGIN;
        bad[5] = 0x69;
        assert_eq!(err(&bad).kind(), DecodeErrorKind::BadStart { found: 0x69 });
        assert_eq!(err(&bad).offset(), 5);
        let mut bad = LOGIN;
        bad[18] = 0;
        assert_eq!(err(&bad).offset(), 18);
        assert!(matches!(
            err(&bad).kind(),
            DecodeErrorKind::ChecksumMismatch { .. }
        ));
        let mut bad = LOGIN;
        bad[19] = 0;
        assert_eq!(err(&bad).kind(), DecodeErrorKind::BadEnd { found: 0 });
        let e = err(&LOGIN[..10]);
        assert_eq!(e.offset(), 6);
        assert!(e.is_truncated());
        // L = 7 × 4 + 2: shorter than C + A + AFN + SEQ.
        let e = err(&[0x68, 0x1E, 0x00, 0x1E, 0x00, 0x68]);
        assert_eq!(e.kind(), DecodeErrorKind::BadLength { declared: 15 });
    }

    #[test]
    fn protocol_130_is_accepted() {
        let mut frame = LOGIN;
        frame[1] = 0x31;
        frame[3] = 0x31;
        let (frame, _) = Frame::parse(&frame).unwrap();
        assert_eq!(frame.protocol_id(), ProtocolId::Gdw130);
    }

    #[test]
    fn aux_is_taken_off_the_end() {
        // Uplink, ACD = 1 (C = A8), TpV = 1: … DA DT, EC1 EC2, Tp(6).
        let mut user = vec![0xA8, 0x01, 0x33, 0x01, 0x00, 0x00, 0x0C, 0xE0];
        user.extend_from_slice(&[0x00, 0x00, 0x01, 0x00]);
        user.extend_from_slice(&[7, 8]);
        user.extend_from_slice(&[1, 2, 3, 4, 5, 6]);
        let frame = wrap(&user);
        let (f, _) = Frame::parse(&frame).unwrap();
        assert_eq!(f.data_units(), [0, 0, 1, 0]);
        assert_eq!(f.event_counters(), Some([7, 8]));
        assert_eq!(f.time_tag(), Some([1, 2, 3, 4, 5, 6]));
        // Too short for the AUX its flags claim.
        let frame = wrap(&user[..12]);
        let e = Frame::parse(&frame).unwrap_err();
        assert_eq!(e.offset(), 14);
        assert_eq!(e.kind(), DecodeErrorKind::BadLength { declared: 20 });
        // A downlink control command carries PW.
        let mut user = vec![0x4A, 0x01, 0x33, 0x01, 0x00, 0x02, 0x05, 0x70, 0, 0, 1, 0];
        user.extend_from_slice(&[0xAB; 16]);
        let frame = wrap(&user);
        let (f, _) = Frame::parse(&frame).unwrap();
        assert_eq!(f.password(), Some(&[0xAB; 16][..]));
        assert_eq!(f.data_units(), [0, 0, 1, 0]);
    }

    fn wrap(user: &[u8]) -> Vec<u8> {
        let l = u16::try_from(user.len() << 2 | 0b10).unwrap().to_le_bytes();
        let mut frame = vec![0x68, l[0], l[1], l[0], l[1], 0x68];
        frame.extend_from_slice(user);
        frame.push(sum8(user));
        frame.push(0x16);
        frame
    }
}
