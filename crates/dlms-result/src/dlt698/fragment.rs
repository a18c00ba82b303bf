//! The link layer fragment format field (DL/T 698.45 §5 分帧格式域): two bytes,
//! little-endian; bits 0–11 sequence number, bits 12–13 reserved, bits 14–15 type.

use crate::result::{Fragment, FragmentPosition};

/// Length of the fragment format field.
pub(crate) const HEADER_LEN: usize = 2;

/// Decodes the fragment format field (already descrambled, as it travels: low byte first).
pub(crate) const fn decode(header: [u8; HEADER_LEN]) -> Fragment {
    let value = u16::from_le_bytes(header);
    let position = match value >> 14 {
        0b00 => FragmentPosition::First,
        0b01 => FragmentPosition::Last,
        0b10 => FragmentPosition::Confirm,
        _ => FragmentPosition::Middle,
    };
    Fragment::new(value & SEQ_MASK, position)
}

/// Encodes a fragment format field (reserved bits zero), low byte first.
#[cfg(any(test, feature = "test-util"))]
pub(crate) const fn encode(fragment: Fragment) -> [u8; HEADER_LEN] {
    let kind: u16 = match fragment.position {
        FragmentPosition::First => 0b00,
        FragmentPosition::Last => 0b01,
        FragmentPosition::Confirm => 0b10,
        FragmentPosition::Middle => 0b11,
    };
    ((kind << 14) | (fragment.seq & SEQ_MASK)).to_le_bytes()
}

/// The sequence number bits; numbers wrap from 4095 to 0.
pub(crate) const SEQ_MASK: u16 = 0x0FFF;

/// The sequence number after `seq`.
pub(crate) const fn next_seq(seq: u16) -> u16 {
    seq.wrapping_add(1) & SEQ_MASK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_headers() {
        assert_eq!(
            decode([0x05, 0x01]),
            Fragment::new(0x105, FragmentPosition::First)
        );
        assert_eq!(
            decode([0x06, 0xF1]),
            Fragment::new(0x106, FragmentPosition::Middle)
        );
        assert_eq!(
            decode([0x07, 0x41]),
            Fragment::new(0x107, FragmentPosition::Last)
        );
        assert_eq!(
            decode([0x05, 0x81]),
            Fragment::new(0x105, FragmentPosition::Confirm)
        );
    }

    #[test]
    fn every_header_round_trips_without_reserved_bits() {
        for value in 0..=u16::MAX {
            let fragment = decode(value.to_le_bytes());
            assert!(fragment.seq <= SEQ_MASK);
            assert_eq!(u16::from_le_bytes(encode(fragment)), value & !0x3000);
        }
        assert_eq!(next_seq(4095), 0);
        assert_eq!(next_seq(7), 8);
    }
}
