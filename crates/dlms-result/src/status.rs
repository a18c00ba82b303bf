//! Service-level outcomes that are not DARs: each has its own code space in DL/T 698.45 and
//! must not be confused with a data-access result.

use core::fmt;

/// The service-level outcome of a response, where the service has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServiceStatus {
    /// CONNECT-Response `ConnectResult`.
    Connect(ConnectResult),
    /// LINK-Response result byte.
    Link(LinkResult),
    /// ERROR-Response type: the server could not handle the request APDU at all.
    Error(ErrorType),
    /// RELEASE-Response result (0 = success).
    Release(u8),
}

macro_rules! named_u8 {
    ($(#[$doc:meta])* $ty:ident { $($value:literal => $en:literal, $zh:literal;)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $ty(pub u8);

        impl $ty {
            /// The English name, if the value is defined.
            pub const fn name_en(self) -> Option<&'static str> {
                match self.0 { $($value => Some($en),)* _ => None }
            }
            /// The Chinese name, if the value is defined.
            pub const fn name_zh(self) -> Option<&'static str> {
                match self.0 { $($value => Some($zh),)* _ => None }
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name_en() {
                    Some(name) => write!(f, concat!(stringify!($ty), "({} {})"), self.0, name),
                    None => write!(f, concat!(stringify!($ty), "({})"), self.0),
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name_zh() {
                    Some(name) => write!(f, "{} {}", self.0, name),
                    None => write!(f, "{} (unnamed)", self.0),
                }
            }
        }
    };
}

named_u8! {
    /// DL/T 698.45 CONNECT-Response `ConnectResult` ENUMERATED (not a DAR).
    ConnectResult {
        0 => "connection allowed", "允许建立应用连接";
        1 => "wrong password", "密码错误";
        2 => "symmetric decryption error", "对称解密错误";
        3 => "asymmetric decryption error", "非对称解密错误";
        4 => "signature error", "签名错误";
        5 => "protocol version mismatch", "协议版本不匹配";
        255 => "other error", "其他错误";
    }
}

named_u8! {
    /// DL/T 698.45 ERROR-Response error type (not a DAR).
    ErrorType {
        1 => "APDU cannot be parsed", "APDU无法解析";
        2 => "service not supported", "服务不支持";
        255 => "other", "其他";
    }
}

/// DL/T 698.45 LINK-Response result byte: bit 7 says whether the server trusts its clock,
/// bits 0–2 hold the result (0 成功, 1 地址重复, 2 非法设备, 3 容量不足).
///
/// Public implementations disagree on these bit positions and every public sample has 0x00,
/// so the raw byte is kept alongside the interpretation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LinkResult(pub u8);

impl LinkResult {
    /// Bits 0–2: the result code.
    pub const fn code(self) -> u8 {
        self.0 & 0x07
    }

    /// Bit 7: the server considers its clock trustworthy.
    pub const fn clock_trusted(self) -> bool {
        self.0 & 0x80 != 0
    }

    /// The Chinese name of the result code.
    pub const fn name_zh(self) -> Option<&'static str> {
        match self.code() {
            0 => Some("成功"),
            1 => Some("地址重复"),
            2 => Some("非法设备"),
            3 => Some("容量不足"),
            _ => None,
        }
    }

    /// The English name of the result code.
    pub const fn name_en(self) -> Option<&'static str> {
        match self.code() {
            0 => Some("success"),
            1 => Some("duplicate address"),
            2 => Some("illegal device"),
            3 => Some("insufficient capacity"),
            _ => None,
        }
    }
}
