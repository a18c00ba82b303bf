//! The server address flag byte shared by the link layer's SA and the application layer's TSA
//! (DL/T 698.45 §5 地址域 / §7 TSA): bits 0–3 length − 1, bits 4–5 logical address,
//! bits 6–7 address type.

use crate::result::{Address, AddressKind};

/// A decoded SA / TSA flag byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SaFlag(u8);

impl SaFlag {
    /// The flag as it travels.
    pub(crate) const fn new(flag: u8) -> Self {
        Self(flag)
    }

    /// Number of address bytes that follow: bits 0–3 hold the length minus one, so 1–16.
    pub(crate) const fn len(self) -> usize {
        ((self.0 & 0x0F) as usize).wrapping_add(1)
    }

    /// The logical address, bits 4–5.
    pub(crate) const fn logical(self) -> u8 {
        (self.0 >> 4) & 0x03
    }

    /// The address type, bits 6–7: 0 single, 1 wildcard (通配), 2 group, 3 broadcast.
    pub(crate) const fn kind(self) -> AddressKind {
        match self.0 >> 6 {
            0 => AddressKind::Single,
            1 => AddressKind::Wildcard,
            2 => AddressKind::Group,
            _ => AddressKind::Broadcast,
        }
    }

    /// The address whose wire bytes (BCD, least-significant byte first) are `wire`.
    pub(crate) fn address(self, wire: &[u8]) -> Option<Address> {
        Address::new(wire, self.kind(), self.logical())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_byte_decodes() {
        for flag in 0..=u8::MAX {
            let sa = SaFlag::new(flag);
            assert_eq!(sa.len(), usize::from(flag & 0x0F) + 1);
            assert!((1..=16).contains(&sa.len()));
            assert!(sa.logical() <= 3);
            let wire = vec![0x11; sa.len()];
            let address = sa.address(&wire).unwrap();
            assert_eq!(address.wire_bytes().len(), sa.len());
            assert_eq!(address.kind(), sa.kind());
        }
        assert_eq!(SaFlag::new(0xC0).kind(), AddressKind::Broadcast);
        assert_eq!(SaFlag::new(0x45).kind(), AddressKind::Wildcard);
        assert_eq!(SaFlag::new(0x85).kind(), AddressKind::Group);
        assert_eq!(SaFlag::new(0x25).logical(), 2);
    }
}
