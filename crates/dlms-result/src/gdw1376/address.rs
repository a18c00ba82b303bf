//! The Q/GDW 1376.1 address field A (地址域): five bytes.
//!
//! ```text
//! A1  2 bytes  行政区划码 (administrative division), BCD, low byte first
//! A2  2 bytes  终端地址 (terminal address), binary, low byte first; 0 is invalid,
//!              FFFF with the group flag is the broadcast address
//! A3  1 byte   bit 0: group flag (A2 is a group address); bits 1–7: master address MSA
//! ```
//!
//! The terminal is usually written as A1 then A2, four hex digits each (`3301 0001`, a
//! "terminal logical address"). [`TerminalAddress::to_address`] therefore builds an
//! [`Address`] whose bytes are A2 then A1, each low byte first, so that its display (most
//! significant byte first) reads `33010001`. A3 is not part of the terminal's address: its
//! master address is reported as the frame's client address.

use core::fmt;

use crate::result::{Address, AddressKind};

/// The five address bytes of a frame.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TerminalAddress {
    wire: [u8; 5],
}

impl TerminalAddress {
    /// The address from its five wire bytes.
    pub const fn from_wire(wire: [u8; 5]) -> Self {
        Self { wire }
    }

    /// The five bytes as they travel.
    pub const fn wire_bytes(&self) -> [u8; 5] {
        self.wire
    }

    /// A1, the administrative division code, as its BCD digits (`0x3301`).
    pub const fn division(&self) -> u16 {
        u16::from_le_bytes([self.wire[0], self.wire[1]])
    }

    /// A2, the terminal (or group) address.
    pub const fn terminal(&self) -> u16 {
        u16::from_le_bytes([self.wire[2], self.wire[3]])
    }

    /// A3 bit 0: A2 is a group address.
    pub const fn is_group(&self) -> bool {
        self.wire[4] & 0x01 != 0
    }

    /// The broadcast address: A2 = FFFF with the group flag.
    pub const fn is_broadcast(&self) -> bool {
        self.is_group() && self.terminal() == 0xFFFF
    }

    /// A3 bits 1–7, the master station address (MSA, 0–127).
    pub const fn master(&self) -> u8 {
        self.wire[4] >> 1
    }

    /// The terminal as an [`Address`] of kind [`AddressKind::Terminal`] whose display is
    /// A1 A2 in hex (`33010001`).
    pub fn to_address(&self) -> Option<Address> {
        let [a1_lo, a1_hi, a2_lo, a2_hi, _] = self.wire;
        Address::new(&[a2_lo, a2_hi, a1_lo, a1_hi], AddressKind::Terminal, 0)
    }
}

/// `33010001` (A1 then A2, hex), then `/g` for a group address and `/m<MSA>`.
impl fmt::Display for TerminalAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X}{:04X}", self.division(), self.terminal())?;
        if self.is_group() {
            f.write_str("/g")?;
        }
        write!(f, "/m{}", self.master())
    }
}

impl fmt::Debug for TerminalAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TerminalAddress({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_display() {
        // `05 21 B2 A1 00` from a real login frame.
        let a = TerminalAddress::from_wire([0x05, 0x21, 0xB2, 0xA1, 0x00]);
        assert_eq!(a.division(), 0x2105);
        assert_eq!(a.terminal(), 0xA1B2);
        assert!(!a.is_group());
        assert_eq!(a.master(), 0);
        assert_eq!(a.to_string(), "2105A1B2/m0");
        let address = a.to_address().unwrap();
        assert_eq!(address.to_string(), "2105A1B2");
        assert_eq!(address.kind(), AddressKind::Terminal);
        let b = TerminalAddress::from_wire([0xFF, 0xFF, 0xFF, 0xFF, 0x03]);
        assert!(b.is_group() && b.is_broadcast());
        assert_eq!(b.master(), 1);
        assert_eq!(b.to_string(), "FFFFFFFF/g/m1");
        assert_eq!(format!("{b:?}"), "TerminalAddress(FFFFFFFF/g/m1)");
    }
}
