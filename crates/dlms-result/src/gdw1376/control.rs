//! The Q/GDW 1376.1 control field C (控制域) and the sequence field SEQ
//! (帧序列域).
//!
//! ```text
//! C:    bit 7 DIR (0 master → terminal, 1 terminal → master)
//!       bit 6 PRM (1 the frame starts an exchange, 0 it answers one)
//!       bit 5 FCB in a downlink frame, ACD in an uplink frame (events are waiting:
//!             the frame carries the event counter EC)
//!       bit 4 FCV (downlink: FCB is valid)
//!       bits 0–3 link function code
//! SEQ:  bit 7 TpV (the frame carries the time tag Tp)
//!       bit 6 FIR, bit 5 FIN (first / last frame of a multi-frame answer)
//!       bit 4 CON (the receiver must confirm)
//!       bits 0–3 PSEQ / RSEQ
//! ```

use core::fmt;

use crate::result::Direction;

/// A control field byte as it travels.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Control(u8);

/// One link function code of the table below.
struct LinkFunction {
    primary: bool,
    code: u8,
    name: &'static str,
    name_zh: &'static str,
}

macro_rules! link_functions {
    ($( $prm:literal, $code:literal => $name:literal, $zh:literal; )*) => {
        /// Q/GDW 1376.1 控制域 · 功能码: link function codes, by PRM.
        const LINK_FUNCTIONS: &[LinkFunction] = &[
            $( LinkFunction { primary: $prm == 1, code: $code, name: $name, name_zh: $zh }, )*
        ];
    };
}

link_functions! {
    1, 1 => "reset", "复位命令";
    1, 4 => "user-data", "用户数据";
    1, 9 => "link-test", "链路测试";
    1, 10 => "request-class-1", "请求1级数据";
    1, 11 => "request-class-2", "请求2级数据";
    0, 0 => "acknowledge", "认可";
    0, 8 => "user-data", "用户数据";
    0, 9 => "nack-no-data", "否认：无所召唤的数据";
    0, 11 => "link-status", "链路状态";
}

impl Control {
    /// The control field for a byte; every byte is valid.
    pub const fn new(byte: u8) -> Self {
        Self(byte)
    }

    /// The byte as it travels.
    pub const fn get(self) -> u8 {
        self.0
    }

    /// Who sent the frame (DIR).
    pub const fn direction(self) -> Direction {
        if self.0 & 0x80 == 0 {
            Direction::FromClient
        } else {
            Direction::FromServer
        }
    }

    /// PRM: whether the frame starts an exchange (a request, or a terminal's own report).
    pub const fn is_primary(self) -> bool {
        self.0 & 0x40 != 0
    }

    /// ACD of an uplink frame: the terminal has events waiting and the frame carries EC.
    pub const fn acd(self) -> bool {
        self.0 & 0xA0 == 0xA0
    }

    /// FCB of a downlink frame (frame count bit).
    pub const fn fcb(self) -> bool {
        self.0 & 0xA0 == 0x20
    }

    /// FCV: whether FCB is valid.
    pub const fn fcv(self) -> bool {
        self.0 & 0x10 != 0
    }

    /// The link function code (bits 0–3).
    pub const fn function(self) -> u8 {
        self.0 & 0x0F
    }

    fn link_function(self) -> Option<&'static LinkFunction> {
        LINK_FUNCTIONS
            .iter()
            .find(|f| f.primary == self.is_primary() && f.code == self.function())
    }

    /// The link function's name, e.g. `user-data`; `None` for reserved codes.
    pub fn function_name(self) -> Option<&'static str> {
        self.link_function().map(|f| f.name)
    }

    /// The link function's Chinese name, e.g. `用户数据`.
    pub fn function_name_zh(self) -> Option<&'static str> {
        self.link_function().map(|f| f.name_zh)
    }
}

impl fmt::Debug for Control {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Control(0x{:02X} {:?} prm={} fn={} {})",
            self.0,
            self.direction(),
            u8::from(self.is_primary()),
            self.function(),
            self.function_name().unwrap_or("reserved")
        )
    }
}

/// A sequence field byte as it travels.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Seq(u8);

impl Seq {
    /// The sequence field for a byte; every byte is valid.
    pub const fn new(byte: u8) -> Self {
        Self(byte)
    }

    /// The byte as it travels.
    pub const fn get(self) -> u8 {
        self.0
    }

    /// `TpV`: the frame ends with the six-byte time tag `Tp`.
    pub const fn has_time_tag(self) -> bool {
        self.0 & 0x80 != 0
    }

    /// `FIR`: the first frame of a (possibly multi-frame) message.
    pub const fn is_first(self) -> bool {
        self.0 & 0x40 != 0
    }

    /// `FIN`: the last frame of a (possibly multi-frame) message.
    pub const fn is_last(self) -> bool {
        self.0 & 0x20 != 0
    }

    /// `CON`: the receiver must confirm this frame.
    pub const fn needs_confirm(self) -> bool {
        self.0 & 0x10 != 0
    }

    /// The frame sequence number `PSEQ` / `RSEQ` (0–15).
    pub const fn sequence(self) -> u8 {
        self.0 & 0x0F
    }
}

impl fmt::Debug for Seq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Seq(0x{:02X} tpv={} fir={} fin={} con={} seq={})",
            self.0,
            u8::from(self.has_time_tag()),
            u8::from(self.is_first()),
            u8::from(self.is_last()),
            u8::from(self.needs_confirm()),
            self.sequence()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_byte_decodes() {
        for byte in 0..=u8::MAX {
            let c = Control::new(byte);
            assert_eq!(c.get(), byte);
            assert!(c.function() < 16);
            assert_eq!(c.function_name().is_some(), c.function_name_zh().is_some());
            assert!(!(c.acd() && c.fcb()));
            assert_eq!(c.acd() || c.fcb(), byte & 0x20 != 0);
            assert!(!format!("{c:?}").is_empty());
        }
        // A terminal's login (C9): uplink, primary, link test.
        let login = Control::new(0xC9);
        assert_eq!(login.direction(), Direction::FromServer);
        assert!(login.is_primary());
        assert_eq!(login.function_name(), Some("link-test"));
        // The master's confirmation (0B): downlink, secondary, link status.
        let confirm = Control::new(0x0B);
        assert_eq!(confirm.direction(), Direction::FromClient);
        assert_eq!(confirm.function_name(), Some("link-status"));
        assert!(Control::new(0xA8).acd());
        assert!(Control::new(0x7B).fcb() && Control::new(0x7B).fcv());
        assert_eq!(Control::new(0x4F).function_name(), None);
    }

    #[test]
    fn every_seq_byte_decodes() {
        for byte in 0..=u8::MAX {
            let s = Seq::new(byte);
            assert_eq!(s.get(), byte);
            assert_eq!(s.sequence(), byte & 0x0F);
            assert_eq!(s.has_time_tag(), byte >= 0x80);
            assert!(!format!("{s:?}").is_empty());
        }
        let s = Seq::new(0x71);
        assert!(s.is_first() && s.is_last() && s.needs_confirm() && !s.has_time_tag());
        assert_eq!(s.sequence(), 1);
    }
}
