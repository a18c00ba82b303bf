//! Builders of Q/GDW 1376.1 frames with valid length fields and checksums: any C, A, AFN,
//! SEQ and data units, and the AFN 00H confirm / deny answers.
//!
//! ```
//! use dlms_result::test_util::gdw1376::{FrameBuilder, confirm_each, deny_all};
//! let denied = deny_all().build();
//! let decoded = dlms_result::decode(&denied)?;
//! assert_eq!(decoded.service, "AFN00-F2");
//! assert_eq!(decoded.results[0].code().map(|c| c.get()), Some(258));
//! let mixed = confirm_each(0x04, &[(1, 10, 0), (2, 10, 1)]).build();
//! assert_eq!(dlms_result::decode(&mixed)?.failures().count(), 1);
//! let raw = FrameBuilder::new(0x88, 0x0C).unit(1, 25).data(&[0; 12]).build();
//! assert_eq!(dlms_result::decode(&raw)?.service, "AFN0C-response");
//! # Ok::<(), dlms_result::DecodeError>(())
//! ```

// Builders assert their ranges (L, group numbers) before narrowing.
#![allow(clippy::cast_possible_truncation)]

use crate::checksum::sum8;

/// Builds one frame.
#[derive(Clone, Debug)]
pub struct FrameBuilder {
    protocol_id: u8,
    control: u8,
    address: [u8; 5],
    afn: u8,
    seq: u8,
    body: Vec<u8>,
    password: Option<[u8; 16]>,
    event_counters: Option<[u8; 2]>,
    time_tag: Option<[u8; 6]>,
    preamble: usize,
}

/// The address used by default: division 3301, terminal 0001, master 0.
pub const ADDRESS: [u8; 5] = [0x01, 0x33, 0x01, 0x00, 0x00];

impl FrameBuilder {
    /// A Q/GDW 1376.1 frame with control field `control`, application function `afn`, the
    /// default [`ADDRESS`], SEQ `60` (single frame) and no data units.
    pub fn new(control: u8, afn: u8) -> Self {
        Self {
            protocol_id: 0b10,
            control,
            address: ADDRESS,
            afn,
            seq: 0x60,
            body: Vec::new(),
            password: None,
            event_counters: None,
            time_tag: None,
            preamble: 0,
        }
    }

    /// The protocol id in bits 0–1 of L (`0b01` Q/GDW 130-2005, `0b10` Q/GDW 1376.1).
    #[must_use]
    pub fn protocol_id(mut self, id: u8) -> Self {
        self.protocol_id = id & 0b11;
        self
    }

    /// The five address bytes A1 A1 A2 A2 A3 as they travel.
    #[must_use]
    pub fn address(mut self, address: [u8; 5]) -> Self {
        self.address = address;
        self
    }

    /// The sequence field (`TpV` is also set when there is a [`FrameBuilder::time_tag`]).
    #[must_use]
    pub fn seq(mut self, seq: u8) -> Self {
        self.seq = seq;
        self
    }

    /// Appends the data unit identifier of the single unit (`pn`, `fn_`).
    #[must_use]
    pub fn unit(mut self, pn: u16, fn_: u16) -> Self {
        self.body.extend_from_slice(&unit_id(pn, fn_));
        self
    }

    /// Appends raw data-unit bytes (identifiers or data).
    #[must_use]
    pub fn data(mut self, bytes: &[u8]) -> Self {
        self.body.extend_from_slice(bytes);
        self
    }

    /// Appends the message authentication code PW (downlink).
    #[must_use]
    pub fn password(mut self, pw: [u8; 16]) -> Self {
        self.password = Some(pw);
        self
    }

    /// Appends the event counters EC and sets ACD (uplink).
    #[must_use]
    pub fn event_counters(mut self, ec: [u8; 2]) -> Self {
        self.event_counters = Some(ec);
        self.control |= 0x20;
        self
    }

    /// Appends the time tag Tp; the built frame has `TpV` set.
    #[must_use]
    pub fn time_tag(mut self, tp: [u8; 6]) -> Self {
        self.time_tag = Some(tp);
        self
    }

    /// Puts `n` wake-up bytes `FE` before the frame.
    #[must_use]
    pub fn preamble(mut self, n: usize) -> Self {
        self.preamble = n;
        self
    }

    /// The frame's bytes, length fields and checksum computed.
    pub fn build(&self) -> Vec<u8> {
        let mut user = vec![self.control];
        user.extend_from_slice(&self.address);
        user.push(self.afn);
        user.push(if self.time_tag.is_some() {
            self.seq | 0x80
        } else {
            self.seq
        });
        user.extend_from_slice(&self.body);
        if let Some(pw) = self.password {
            user.extend_from_slice(&pw);
        }
        if let Some(ec) = self.event_counters {
            user.extend_from_slice(&ec);
        }
        if let Some(tp) = self.time_tag {
            user.extend_from_slice(&tp);
        }
        assert!(user.len() < 1 << 14, "L has 14 length bits");
        let l = ((user.len() as u16) << 2 | u16::from(self.protocol_id)).to_le_bytes();
        let mut frame = vec![0xFE; self.preamble];
        frame.extend_from_slice(&[0x68, l[0], l[1], l[0], l[1], 0x68]);
        frame.extend_from_slice(&user);
        frame.push(sum8(&user));
        frame.push(0x16);
        frame
    }
}

/// The four-byte identifier DA1 DA2 DT1 DT2 of the single unit (`pn`, `fn_`): p0 is
/// `00 00`, Pn ≥ 1 is group `(pn − 1) / 8 + 1` with bit `(pn − 1) % 8`; Fn ≥ 1 is group
/// `(fn − 1) / 8` with bit `(fn − 1) % 8`.
pub fn unit_id(pn: u16, fn_: u16) -> [u8; 4] {
    assert!(pn <= 2040 && (1..=2048).contains(&fn_), "p{pn} F{fn_}");
    let (da1, da2) = if pn == 0 {
        (0, 0)
    } else {
        (1u8 << ((pn - 1) % 8), ((pn - 1) / 8 + 1) as u8)
    };
    let dt1 = 1u8 << ((fn_ - 1) % 8);
    let dt2 = ((fn_ - 1) / 8) as u8;
    [da1, da2, dt1, dt2]
}

/// A terminal's answer (C = `80`: uplink, secondary, function 0).
const ANSWER: u8 = 0x80;

/// AFN 00H F1 全部确认, from the terminal.
pub fn confirm_all() -> FrameBuilder {
    FrameBuilder::new(ANSWER, 0x00).unit(0, 1)
}

/// AFN 00H F2 全部否认, from the terminal.
pub fn deny_all() -> FrameBuilder {
    FrameBuilder::new(ANSWER, 0x00).unit(0, 2)
}

/// AFN 00H F3 按数据单元标识确认和否认 for a request of `afn`: one `(pn, fn, err)` per data
/// unit, `err` 0 confirming and anything else denying.
pub fn confirm_each(afn: u8, units: &[(u16, u16, u8)]) -> FrameBuilder {
    let mut data = vec![afn];
    for &(pn, fn_, err) in units {
        data.extend_from_slice(&unit_id(pn, fn_));
        data.push(err);
    }
    FrameBuilder::new(ANSWER, 0x00).unit(0, 3).data(&data)
}
