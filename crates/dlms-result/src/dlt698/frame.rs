//! The DL/T 698.45 link frame (§5 of the standard, §1 of our notes) as a validated, borrowed
//! view:
//!
//! ```text
//! [FE…]  68  L(2)  C  SA-flag SA(1–16)  CA  HCS(2)  link user data  FCS(2)  16
//!            └──────────── HCS ─────────────┘
//!            └──────────────────────── FCS ─────────────────────┘
//! ```
//!
//! L (little-endian) counts the bytes from L through FCS; bits 0–13 hold the value, bit 14
//! says the value is in kilobytes, bit 15 is reserved. HCS and FCS are CRC-16/X-25, low byte
//! first.
//!
//! Under `cfg(fuzzing)` the checksums are still computed but a mismatch is not an error, so a
//! fuzzer reaches the APDU decoders without having to forge CRCs.

use std::borrow::Cow;

use crate::checksum::{CRC16_X25_INIT, CRC16_X25_RESIDUE, VERIFY, crc16_x25_update};
use crate::error::{DecodeError, DecodeErrorKind};
use crate::limits::Limits;
use crate::result::{Address, Fragment};

use super::address::SaFlag;
use super::control::Control;
use super::{fragment, scramble};

/// The start byte.
pub(crate) const START: u8 = 0x68;
/// The end byte.
pub(crate) const END: u8 = 0x16;
/// The wake-up byte that may precede a frame.
pub(crate) const WAKE_UP: u8 = 0xFE;

/// L bit 14: the length is in kilobytes.
const L_KILOBYTES: u16 = 0x4000;
/// L bit 15: reserved.
const L_RESERVED: u16 = 0x8000;
/// L bits 0–13: the length value.
const L_VALUE: u16 = 0x3FFF;

/// The shortest frame with an SA of `sa_len` bytes: 68, L(2), C, SA flag, SA, CA, HCS(2),
/// FCS(2), 16 around no link user data, or around the fragment header when C says `fragment`.
const fn min_frame_len(sa_len: usize, fragment: bool) -> usize {
    let fragment_header = if fragment { fragment::HEADER_LEN } else { 0 };
    sa_len.saturating_add(11).saturating_add(fragment_header)
}

/// A validated DL/T 698.45 link frame borrowed from the input: start and end bytes, length,
/// HCS and FCS have been checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    bytes: &'a [u8],
    preamble_len: usize,
    control: Control,
    server: Address,
    client: u8,
    user_data_start: usize,
    fragment: Option<Fragment>,
}

/// Where the fields of a frame are, found by [`scan`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Layout {
    /// From the start byte to the end byte inclusive.
    pub(crate) total: usize,
    /// The SA flag.
    sa_flag: SaFlag,
    /// Offset of the HCS field.
    hcs_at: usize,
}

impl Layout {
    /// Offset of the first link user data byte.
    fn user_data_start(&self) -> usize {
        self.hcs_at.saturating_add(2)
    }
    /// Offset of the FCS field.
    fn fcs_at(&self) -> usize {
        self.total.saturating_sub(3)
    }
}

/// Checks the frame starting at `input[0]` as far as the input goes: start byte, L, header,
/// HCS, then (when the whole frame is there) FCS and end byte. Offsets are relative to
/// `input`. A `Truncated` error means every byte so far is consistent with a frame. With
/// `CHECKSUMS_KNOWN` ([`crate::checksum::KNOWN`]) the HCS and FCS are not computed (the stream
/// decoder did, over the same bytes) and everything else is checked as usual.
pub(crate) fn scan<const CHECKSUMS_KNOWN: bool>(
    input: &[u8],
    limits: &Limits,
) -> Result<Layout, DecodeError> {
    let truncated = |needed: usize| {
        DecodeError::new(
            input.len(),
            DecodeErrorKind::Truncated {
                needed: needed.saturating_sub(input.len()).max(1),
            },
        )
    };
    match input.first() {
        None => return Err(truncated(1)),
        Some(&START) => {}
        Some(&found) => return Err(DecodeError::new(0, DecodeErrorKind::BadStart { found })),
    }
    let Some(&[l_low, l_high]) = input.get(1..3) else {
        return Err(truncated(3));
    };
    let l_field = u16::from_le_bytes([l_low, l_high]);
    let value = usize::from(l_field & L_VALUE);
    let length = if l_field & L_KILOBYTES != 0 {
        value.saturating_mul(1024)
    } else {
        value
    };
    // The frame is L plus the start and end bytes.
    let total = length.saturating_add(2);
    if l_field & L_RESERVED != 0 || total > limits.max_frame_len {
        return Err(DecodeError::new(
            1,
            DecodeErrorKind::BadLength { declared: length },
        ));
    }
    let Some(&sa_flag) = input.get(4) else {
        return Err(truncated(5));
    };
    let sa_flag = SaFlag::new(sa_flag);
    let control = input.get(3).copied().map(Control);
    if total < min_frame_len(sa_flag.len(), control.is_some_and(Control::is_fragment)) {
        return Err(DecodeError::new(
            1,
            DecodeErrorKind::BadLength { declared: length },
        ));
    }
    // 68 L(2) C SA-flag SA CA → HCS.
    let hcs_at = sa_flag.len().saturating_add(6);
    let layout = Layout {
        total,
        sa_flag,
        hcs_at,
    };
    let Some(header) = input.get(1..hcs_at) else {
        return Err(truncated(hcs_at.saturating_add(2)));
    };
    let Some(&[hcs_low, hcs_high]) = input.get(hcs_at..hcs_at.saturating_add(2)) else {
        return Err(truncated(hcs_at.saturating_add(2)));
    };
    let header_register = if CHECKSUMS_KNOWN {
        None
    } else {
        let register = crc16_x25_update(CRC16_X25_INIT, header);
        check_crc(register, [hcs_low, hcs_high], |expected, found| {
            DecodeError::new(hcs_at, DecodeErrorKind::HcsMismatch { expected, found })
        })?;
        Some(register)
    };
    if input.len() < total {
        return Err(truncated(total));
    }
    let fcs_at = layout.fcs_at();
    let Some(&[fcs_low, fcs_high]) = input.get(fcs_at..fcs_at.saturating_add(2)) else {
        return Err(truncated(total));
    };
    if let Some(header_register) = header_register {
        // The FCS covers L..user data, which starts with the bytes the HCS covered: go on
        // from the header's register over HCS and user data instead of reading the header
        // twice.
        let after_header = input.get(hcs_at..fcs_at).unwrap_or_default();
        check_crc(
            crc16_x25_update(header_register, after_header),
            [fcs_low, fcs_high],
            |expected, found| {
                DecodeError::new(fcs_at, DecodeErrorKind::FcsMismatch { expected, found })
            },
        )?;
    }
    let end_at = total.saturating_sub(1);
    match input.get(end_at) {
        Some(&END) => Ok(layout),
        Some(&found) => Err(DecodeError::new(end_at, DecodeErrorKind::BadEnd { found })),
        None => Err(truncated(total)),
    }
}

/// The length of the frame at the start of `input` when all of it is there and [`scan`] would
/// accept it, checked in one pass; `None` leaves the judgement (and any error) to [`scan`].
/// For the common case of the probe and the plain-frame shortcut: a length in bytes (not
/// kilobytes), the whole frame present. With `CHECKSUMS_KNOWN` ([`crate::checksum::KNOWN`])
/// HCS and FCS are taken as matching. `scan_agrees_with_the_one_pass_check` holds the two to
/// the same answers.
#[expect(
    clippy::inline_always,
    reason = "a few comparisons around the CRC: with its callers, the probe of every stream \
              frame and the plain-frame shortcut"
)]
#[inline(always)]
pub(crate) fn intact_len<const CHECKSUMS_KNOWN: bool>(
    input: &[u8],
    limits: &Limits,
) -> Option<usize> {
    // 68 L(2) C SA-flag.
    let [START, l_low, l_high, control, sa_flag, ..] = *input else {
        return None;
    };
    let l_field = u16::from_le_bytes([l_low, l_high]);
    // L counts the bytes from L through FCS; lengths in kilobytes and the reserved bit are
    // `scan`'s to judge.
    let total = usize::from(l_field).checked_add(2)?;
    if l_field & (L_KILOBYTES | L_RESERVED) != 0 || total > limits.max_frame_len {
        return None;
    }
    let frame = input.get(..total)?;
    let sa_len = SaFlag::new(sa_flag).len();
    if total < min_frame_len(sa_len, Control(control).is_fragment()) {
        return None;
    }
    // 68 L(2) C SA-flag SA CA HCS(2) user data FCS(2) 16.
    let user_data_at = sa_len.checked_add(8)?;
    let end_at = total.checked_sub(1)?;
    if !CHECKSUMS_KNOWN {
        // The FCS covers the bytes the HCS covers, then the HCS and the user data: one
        // register. Fed a check sequence after the bytes it covers, the register ends at the
        // CRC's residue exactly when the sequence matches, so each check is a comparison with
        // a constant, and the register runs over header + HCS (12 bytes for a six-byte
        // address) and user data + FCS as they lie, in whole 4-, 8- and 16-byte steps where
        // their lengths allow.
        let header = crc16_x25_update(CRC16_X25_INIT, frame.get(1..user_data_at)?);
        if !residue_accepted(header) {
            return None;
        }
        let register = crc16_x25_update(header, frame.get(user_data_at..end_at)?);
        if !residue_accepted(register) {
            return None;
        }
    }
    (frame.get(end_at) == Some(&END)).then_some(total)
}

/// Compares the CRC-16/X-25 of a register fed the covered bytes with the one the frame
/// carries (low byte first).
fn check_crc(
    register: u16,
    carried: [u8; 2],
    mismatch: impl FnOnce(u16, u16) -> DecodeError,
) -> Result<(), DecodeError> {
    if crc_accepted(register, carried) {
        Ok(())
    } else {
        Err(mismatch(!register, u16::from_le_bytes(carried)))
    }
}

/// Whether a register fed the covered bytes and then the check sequence the frame carries
/// (low byte first) holds the CRC-16/X-25 residue, which it does exactly when the sequence
/// matches the bytes. Fuzzing builds accept any value, as [`crc_accepted`] does.
fn residue_accepted(register: u16) -> bool {
    register == CRC16_X25_RESIDUE || cfg!(fuzzing)
}

/// Whether a register fed the covered bytes matches the CRC-16/X-25 the frame carries (low
/// byte first). Fuzzing builds compute the CRC but accept any value, so that random inputs
/// get past the link layer; see the module docs.
fn crc_accepted(register: u16, carried: [u8; 2]) -> bool {
    !register == u16::from_le_bytes(carried) || cfg!(fuzzing)
}

impl<'a> Frame<'a> {
    /// Parses one frame at the start of `input`, after any `FE` wake-up bytes; returns it and
    /// the bytes after its end byte. Error offsets count from the start of `input`.
    ///
    /// No size limit applies (the view allocates nothing); see [`Frame::parse_with`].
    ///
    /// # Errors
    /// `Truncated` when the input ends inside the frame, `BadStart`, `BadLength`,
    /// `HcsMismatch` (at the HCS field), `FcsMismatch` (at the FCS field), `BadEnd`.
    pub fn parse(input: &'a [u8]) -> Result<(Self, &'a [u8]), DecodeError> {
        Self::parse_with(input, &Limits::DEFAULT.with_max_frame_len(usize::MAX))
    }

    /// [`Frame::parse`], rejecting frames longer than [`Limits::max_frame_len`] with
    /// `BadLength`.
    ///
    /// # Errors
    /// See [`Frame::parse`].
    pub fn parse_with(input: &'a [u8], limits: &Limits) -> Result<(Self, &'a [u8]), DecodeError> {
        let preamble_len = input.iter().take_while(|&&b| b == WAKE_UP).count();
        let at_start = input.get(preamble_len..).unwrap_or_default();
        let layout = scan::<VERIFY>(at_start, limits).map_err(|e| e.shifted(preamble_len))?;
        let frame = Self::from_layout(at_start, &layout, preamble_len)?;
        let rest = at_start.get(layout.total..).unwrap_or_default();
        Ok((frame, rest))
    }

    /// The view of a frame `scan` accepted; `input[0]` is the start byte.
    #[expect(
        clippy::inline_always,
        reason = "left to itself the compiler stops inlining it into `decode_frame` once that \
                  is generic over the checksums: about 45 instructions a frame (callgrind, \
                  `get_response_normal_30` in `benches/frames.rs`)"
    )]
    #[inline(always)]
    pub(crate) fn from_layout(
        input: &'a [u8],
        layout: &Layout,
        preamble_len: usize,
    ) -> Result<Self, DecodeError> {
        let truncated = DecodeError::new(
            input.len().saturating_add(preamble_len),
            DecodeErrorKind::Truncated { needed: 1 },
        );
        let bytes = input.get(..layout.total).ok_or(truncated)?;
        let control = Control(*bytes.get(3).ok_or(truncated)?);
        let sa_end = layout.sa_flag.len().saturating_add(5);
        let sa = bytes.get(5..sa_end).ok_or(truncated)?;
        let flag = *bytes.get(4).ok_or(truncated)?;
        let server = layout.sa_flag.address(sa).ok_or(DecodeError::new(
            preamble_len.saturating_add(4),
            DecodeErrorKind::BadAddress { flag },
        ))?;
        let client = *bytes.get(sa_end).ok_or(truncated)?;
        let user_data_start = layout.user_data_start();
        let fragment = if control.is_fragment() {
            let header = bytes
                .get(user_data_start..user_data_start.saturating_add(fragment::HEADER_LEN))
                .ok_or(truncated)?;
            let plain = scramble::values(header, control.is_scrambled());
            let header: [u8; fragment::HEADER_LEN] = (*plain).try_into().map_err(|_| truncated)?;
            Some(fragment::decode(header))
        } else {
            None
        };
        Ok(Self {
            bytes,
            preamble_len,
            control,
            server,
            client,
            user_data_start,
            fragment,
        })
    }

    /// The frame from its start byte to its end byte, as on the wire.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The number of `FE` wake-up bytes before the start byte.
    pub fn preamble_len(&self) -> usize {
        self.preamble_len
    }

    /// The frame's length from its start byte to its end byte, inclusive (L + 2).
    pub fn frame_len(&self) -> usize {
        self.bytes.len()
    }

    /// The control field.
    pub fn control(&self) -> Control {
        self.control
    }

    /// The server address (SA).
    pub fn server_address(&self) -> Address {
        self.server
    }

    /// The client address (CA).
    pub fn client_address(&self) -> u8 {
        self.client
    }

    /// The header check sequence as carried (verified by [`Frame::parse`]).
    pub fn hcs(&self) -> u16 {
        self.crc_at(self.user_data_start.saturating_sub(2))
    }

    /// The frame check sequence as carried (verified by [`Frame::parse`]).
    pub fn fcs(&self) -> u16 {
        self.crc_at(self.bytes.len().saturating_sub(3))
    }

    fn crc_at(&self, at: usize) -> u16 {
        match self.bytes.get(at..at.saturating_add(2)) {
            Some(&[low, high]) => u16::from_le_bytes([low, high]),
            _ => 0,
        }
    }

    /// Offset of the link user data from the start byte.
    pub fn user_data_offset(&self) -> usize {
        self.user_data_start
    }

    /// The link user data as on the wire (still scrambled when SC = 1, fragment header
    /// included when the frame is a fragment).
    pub fn user_data(&self) -> &'a [u8] {
        let end = self.bytes.len().saturating_sub(3);
        self.bytes
            .get(self.user_data_start..end)
            .unwrap_or_default()
    }

    /// The link user data with scrambling removed (borrowed when SC = 0).
    pub fn plain_user_data(&self) -> Cow<'a, [u8]> {
        scramble::values(self.user_data(), self.control.is_scrambled())
    }

    /// The fragment header, when the frame carries an APDU fragment.
    pub fn fragment(&self) -> Option<Fragment> {
        self.fragment
    }

    /// Offset from the start byte of the APDU (or APDU fragment): after the fragment header,
    /// if any.
    pub fn apdu_offset(&self) -> usize {
        if self.fragment.is_some() {
            self.user_data_start.saturating_add(fragment::HEADER_LEN)
        } else {
            self.user_data_start
        }
    }

    /// The APDU (or the APDU fragment) with scrambling removed; borrowed when SC = 0.
    pub fn apdu(&self) -> Cow<'a, [u8]> {
        let skip = self.apdu_offset().saturating_sub(self.user_data_start);
        match self.plain_user_data() {
            Cow::Borrowed(b) => Cow::Borrowed(b.get(skip..).unwrap_or_default()),
            Cow::Owned(mut v) => {
                v.drain(..skip.min(v.len()));
                Cow::Owned(v)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::{AddressKind, Direction, FragmentPosition};

    fn hex(s: &str) -> Vec<u8> {
        crate::test_util::render::read_annotated_hex(s).unwrap()
    }

    const SPEC_REQUEST: &str =
        "68 17 00 43 05 07 09 19 05 16 20 00 15 60 05 01 01 40 01 02 00 00 C6 07 16";

    #[test]
    fn spec_request_frame() {
        let bytes = hex(&format!("FE FE FE FE {SPEC_REQUEST} AA"));
        let (frame, rest) = Frame::parse(&bytes).unwrap();
        assert_eq!(rest, [0xAA]);
        assert_eq!(frame.preamble_len(), 4);
        assert_eq!(frame.frame_len(), 25);
        assert_eq!(frame.control().direction(), Direction::FromClient);
        assert_eq!(frame.server_address().to_string(), "201605190907");
        assert_eq!(frame.server_address().kind(), AddressKind::Single);
        assert_eq!(frame.client_address(), 0);
        assert_eq!(frame.hcs(), 0x6015);
        assert_eq!(frame.fcs(), 0x07C6);
        assert_eq!(
            frame.user_data(),
            [0x05, 0x01, 0x01, 0x40, 0x01, 0x02, 0x00, 0x00]
        );
        assert_eq!(frame.apdu_offset(), 14);
        assert_eq!(frame.fragment(), None);
    }

    #[test]
    fn errors_point_at_their_field() {
        let good = hex(SPEC_REQUEST);
        let mut bad_hcs = good.clone();
        bad_hcs[12] ^= 1;
        let e = Frame::parse(&bad_hcs).unwrap_err();
        assert_eq!(e.offset(), 12);
        assert!(matches!(
            e.kind(),
            DecodeErrorKind::HcsMismatch {
                expected: 0x6015,
                ..
            }
        ));
        let mut bad_fcs = good.clone();
        bad_fcs[17] ^= 1;
        let e = Frame::parse(&bad_fcs).unwrap_err();
        assert_eq!(e.offset(), 22);
        assert!(matches!(
            e.kind(),
            DecodeErrorKind::FcsMismatch { found: 0x07C6, .. }
        ));
        let mut bad_end = good;
        bad_end[24] = 0x17;
        let e = Frame::parse(&bad_end).unwrap_err();
        assert_eq!(
            (e.offset(), e.kind()),
            (24, DecodeErrorKind::BadEnd { found: 0x17 })
        );
        let e = Frame::parse(&[0xFE, 0x69]).unwrap_err();
        assert_eq!(
            (e.offset(), e.kind()),
            (1, DecodeErrorKind::BadStart { found: 0x69 })
        );
        let e = Frame::parse(&[0x68, 0x05, 0x00, 0x43, 0x05]).unwrap_err();
        assert_eq!(
            (e.offset(), e.kind()),
            (1, DecodeErrorKind::BadLength { declared: 5 })
        );
        let e = Frame::parse(&[0x68, 0x17, 0x80]).unwrap_err();
        assert!(matches!(e.kind(), DecodeErrorKind::BadLength { .. }));
    }

    #[test]
    fn every_prefix_is_truncated() {
        let good = hex(SPEC_REQUEST);
        for cut in 0..good.len() {
            let e = Frame::parse(&good[..cut]).unwrap_err();
            assert!(e.is_truncated(), "cut {cut}: {e}");
            assert!(e.offset() <= cut);
        }
    }

    #[test]
    fn kilobyte_unit_and_limits() {
        // L = 0x4001 → 1024 bytes: accepted as a length, then truncated here.
        let e = Frame::parse(&[0x68, 0x01, 0x40, 0x43, 0x05]).unwrap_err();
        assert!(e.is_truncated());
        let small = Limits::default().with_max_frame_len(100);
        let e = Frame::parse_with(&[0x68, 0x01, 0x40], &small).unwrap_err();
        assert_eq!(e.kind(), DecodeErrorKind::BadLength { declared: 1024 });
    }

    #[test]
    fn fragment_and_scrambled_headers() {
        let confirm = hex("68 11 00 63 05 02 00 00 00 00 00 10 06 5C 05 81 E7 17 16");
        let (frame, _) = Frame::parse(&confirm).unwrap();
        assert_eq!(
            frame.fragment(),
            Some(Fragment::new(0x105, FragmentPosition::Confirm))
        );
        assert!(frame.apdu().is_empty());
        let scrambled =
            hex("68 17 00 4B 05 02 00 00 00 00 00 10 82 21 38 34 48 73 33 35 33 33 38 78 16");
        let (frame, _) = Frame::parse(&scrambled).unwrap();
        assert!(frame.control().is_scrambled());
        assert_eq!(
            &*frame.apdu(),
            &[0x05, 0x01, 0x15, 0x40, 0x00, 0x02, 0x00, 0x00]
        );
        assert_eq!(frame.user_data()[0], 0x38);
    }

    /// A frame whose L field is `l_field`, `total` bytes long, with matching HCS and FCS.
    fn with_l_field(l_field: u16, total: usize) -> Vec<u8> {
        let mut frame = vec![0x68];
        frame.extend(l_field.to_le_bytes());
        frame.extend([0xC3, 0x05, 1, 0, 0, 0, 0, 0, 0x10]);
        let hcs = crate::checksum::crc16_x25(&frame[1..]);
        frame.extend(hcs.to_le_bytes());
        frame.resize(total - 3, 0x55);
        let fcs = crate::checksum::crc16_x25(&frame[1..]);
        frame.extend(fcs.to_le_bytes());
        frame.push(END);
        frame
    }

    #[test]
    fn reserved_and_kilobyte_lengths_are_left_to_scan() {
        let any_length = Limits::default().with_max_frame_len(usize::MAX);
        // Bit 15 reserved: the bytes are there and the checksums match, and still no frame.
        let reserved = with_l_field(0x8000 | 0x28, 0x8000 + 0x2A);
        assert_eq!(intact_len::<VERIFY>(&reserved, &any_length), None);
        assert!(matches!(
            scan::<VERIFY>(&reserved, &any_length).map_err(|e| e.kind()),
            Err(DecodeErrorKind::BadLength { .. })
        ));
        // Bit 14: a length in kilobytes, which `scan` reads and the one-pass check leaves to it.
        let kilobytes = with_l_field(0x4001, 1026);
        assert_eq!(intact_len::<VERIFY>(&kilobytes, &any_length), None);
        assert_eq!(
            scan::<VERIFY>(&kilobytes, &any_length).map(|l| l.total),
            Ok(1026)
        );
        let plain = with_l_field(40, 42);
        assert_eq!(intact_len::<VERIFY>(&plain, &any_length), Some(42));
    }

    /// A frame around random user data with any control byte and address, sometimes damaged,
    /// cut or followed by more bytes.
    fn frames() -> impl proptest::strategy::Strategy<Value = (Vec<u8>, bool)> {
        use crate::test_util::dlt698::FrameBuilder;
        use proptest::prelude::*;
        (
            prop::collection::vec(any::<u8>(), 0..40),
            prop::collection::vec(any::<u8>(), 1..=16),
            any::<u8>(),
            prop::option::of((any::<prop::sample::Index>(), any::<u8>())),
            prop::option::of(any::<prop::sample::Index>()),
            prop::collection::vec(any::<u8>(), 0..3),
        )
            .prop_map(|(user, address, control, damage, cut, more)| {
                let mut frame = FrameBuilder::response()
                    .control(control)
                    .address(AddressKind::Single, 0, &address)
                    .build(&user);
                let intact = damage.is_none() && cut.is_none();
                crate::test_util::damage_and_cut(&mut frame, damage, cut);
                frame.extend(more);
                (frame, intact)
            })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        /// Where the one-pass check gives a length, `scan` accepts the frame with that length
        /// (checksums verified, and taken as known); every intact frame gets one.
        #[test]
        fn scan_agrees_with_the_one_pass_check(
            (input, intact) in frames(),
            random in proptest::collection::vec(proptest::num::u8::ANY, 0..40),
        ) {
            use crate::checksum::KNOWN;
            let limits = Limits::default();
            for input in [input.as_slice(), random.as_slice()] {
                if let Some(total) = intact_len::<VERIFY>(input, &limits) {
                    let layout = scan::<VERIFY>(input, &limits);
                    proptest::prop_assert_eq!(layout.map(|l| l.total), Ok(total));
                }
                if let Some(total) = intact_len::<KNOWN>(input, &limits) {
                    let layout = scan::<KNOWN>(input, &limits);
                    proptest::prop_assert_eq!(layout.map(|l| l.total), Ok(total));
                }
            }
            // A frame as built, whole: the one-pass check takes it, unless the control byte
            // says fragment and the user data has no room for a fragment header.
            if intact && scan::<VERIFY>(&input, &limits).is_ok() {
                proptest::prop_assert!(intact_len::<VERIFY>(&input, &limits).is_some());
            }
        }
    }
}
