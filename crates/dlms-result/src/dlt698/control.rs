//! The link layer control field C (DL/T 698.45 §5 控制域).

use core::fmt;

use crate::result::Direction;

/// The control byte of a DL/T 698.45 link frame.
///
/// | bit | meaning |
/// |---|---|
/// | 7 | DIR: 0 sent by the client, 1 sent by the server |
/// | 6 | PRM: 1 the exchange was started by the client, 0 by the server |
/// | 5 | fragment: the link user data is an APDU fragment (分帧) |
/// | 4 | reserved |
/// | 3 | SC: the link user data is scrambled (扰码, +0x33 per byte) |
/// | 0–2 | function code: 1 link management, 3 user data |
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Control(pub u8);

impl Control {
    const DIR: u8 = 0x80;
    const PRM: u8 = 0x40;
    const FRAGMENT: u8 = 0x20;
    const SCRAMBLED: u8 = 0x08;
    const FUNCTION: u8 = 0x07;

    /// Who sent the frame (DIR bit).
    pub const fn direction(self) -> Direction {
        if self.0 & Self::DIR != 0 {
            Direction::FromServer
        } else {
            Direction::FromClient
        }
    }

    /// Whether the client started this exchange (PRM bit).
    pub const fn client_initiated(self) -> bool {
        self.0 & Self::PRM != 0
    }

    /// Whether the link user data is a fragment of a longer APDU.
    pub const fn is_fragment(self) -> bool {
        self.0 & Self::FRAGMENT != 0
    }

    /// Whether the link user data is scrambled (SC bit).
    pub const fn is_scrambled(self) -> bool {
        self.0 & Self::SCRAMBLED != 0
    }

    /// The function code: 1 link management (login, heartbeat, logout), 3 user data.
    pub const fn function_code(self) -> u8 {
        self.0 & Self::FUNCTION
    }
}

impl fmt::Debug for Control {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Control(0x{:02X}, {:?}, prm={}, fragment={}, scrambled={}, function={})",
            self.0,
            self.direction(),
            self.client_initiated(),
            self.is_fragment(),
            self.is_scrambled(),
            self.function_code()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_byte() {
        for byte in 0..=u8::MAX {
            let c = Control(byte);
            assert_eq!(c.direction() == Direction::FromServer, byte >= 0x80);
            assert_eq!(c.client_initiated(), byte & 0x40 != 0);
            assert_eq!(c.is_fragment(), byte & 0x20 != 0);
            assert_eq!(c.is_scrambled(), byte & 0x08 != 0);
            assert_eq!(c.function_code(), byte & 7);
            assert!(format!("{c:?}").starts_with("Control(0x"));
        }
        let response = Control(0xC3);
        assert_eq!(response.direction(), Direction::FromServer);
        assert!(response.client_initiated());
        assert_eq!(response.function_code(), 3);
        assert!(Control(0x4B).is_scrambled());
        assert!(Control(0xA3).is_fragment());
    }
}
