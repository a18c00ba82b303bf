//! The result-code space: wire DARs (one byte) and the wider front-end code space 0–258.
//!
//! DL/T 698.45 encodes a DAR as an ENUMERATED, which is exactly one byte on the wire, so every
//! byte 0–255 is a valid [`Dar`] (bytes without a name are kept, never rejected). The
//! front-end adds codes 256–258 that can never come out of a DAR byte; [`ResultCode`] holds
//! both.

mod lookup;
mod table;

use core::fmt;

pub use lookup::normalize_name;

/// A result code of the front-end code space: 0–255 are DL/T 698.45 DARs, 256–258 are the
/// front-end's extensions (see [`ResultCode::PASSTHROUGH_EMPTY`] and following).
///
/// Any `u16` is representable; codes without a name are kept as they are.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct ResultCode(u16);

/// A data-access result (DAR) as it appears on the wire: one byte, DL/T 698.45 §7 `DAR`.
///
/// Every byte is a valid `Dar`; [`Dar::info`] is `None` for bytes the table does not name.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct Dar(u8);

/// Where a code's definition comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Origin {
    /// DL/T 698.45—2017 DAR (0–32, 255), as named in the front-end's table.
    Standard,
    /// Defined identically by several independent DL/T 698.45 implementations (33–35), and
    /// listed in the front-end's table.
    Implementations,
    /// Seen in field traffic (36 比对失败); not in the front-end's table.
    Field,
    /// The front-end's own extensions (256–258); never carried by a DAR byte.
    FrontEnd,
}

impl Origin {
    /// A short description for docs and `fep explain`.
    pub const fn describe(self) -> &'static str {
        match self {
            Self::Standard => "DL/T 698.45 DAR",
            Self::Implementations => "DL/T 698.45 DAR (later additions)",
            Self::Field => "DL/T 698.45 DAR (seen in the field)",
            Self::FrontEnd => "front-end extension",
        }
    }
}

/// One row of the result-code table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CodeInfo {
    /// The code.
    pub code: ResultCode,
    /// The constant's name, e.g. `TEMPORARY_FAILURE`.
    pub ident: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// Chinese name, exactly as the front-end writes it.
    pub name_zh: &'static str,
    /// Where the definition comes from.
    pub origin: Origin,
}

impl ResultCode {
    /// The code for a number.
    pub const fn new(code: u16) -> Self {
        Self(code)
    }

    /// The number.
    pub const fn get(self) -> u16 {
        self.0
    }

    /// Every named code, in ascending order.
    pub fn all() -> &'static [CodeInfo] {
        table::TABLE
    }

    /// The table row for this code, if it has a name.
    pub fn info(self) -> Option<&'static CodeInfo> {
        let table = table::TABLE;
        table
            .binary_search_by_key(&self, |info| info.code)
            .ok()
            .and_then(|index| table.get(index))
    }

    /// Whether the code has a name in the table.
    pub fn is_known(self) -> bool {
        self.info().is_some()
    }

    /// Whether this is `SUCCESS` (0).
    pub const fn is_success(self) -> bool {
        self.0 == 0
    }

    /// The Chinese name, if the code has one.
    pub fn name_zh(self) -> Option<&'static str> {
        self.info().map(|info| info.name_zh)
    }

    /// The English name, if the code has one.
    pub fn name_en(self) -> Option<&'static str> {
        self.info().map(|info| info.name_en)
    }

    /// The wire DAR for this code, if it fits in one byte (0–255).
    pub fn as_dar(self) -> Option<Dar> {
        u8::try_from(self.0).ok().map(Dar)
    }

    /// Looks a code up by its Chinese name, tolerating the variants seen in real traffic:
    /// surrounding whitespace and brackets (ASCII or full-width), spaces inside
    /// (`ESAM 验证失败`), full-width letters, `其它`/`其他`, ASCII case. English names and the
    /// constant names (`TEMPORARY_FAILURE`) are accepted too.
    ///
    /// ```
    /// use dlms_result::ResultCode;
    /// assert_eq!(ResultCode::from_name("暂时失效"), Some(ResultCode::TEMPORARY_FAILURE));
    /// assert_eq!(ResultCode::from_name(" ESAM 验证失败 "), Some(ResultCode::ESAM_VERIFICATION_FAILED));
    /// assert_eq!(ResultCode::from_name("其它错误"), Some(ResultCode::OTHER));
    /// assert_eq!(ResultCode::from_name("不是一个结果码"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Self> {
        lookup::lookup_name(name)
    }

    /// Like [`ResultCode::from_name`], but a plain decimal number (`"33"`) is accepted too.
    pub fn parse(text: &str) -> Option<Self> {
        let trimmed = text.trim();
        if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            return trimmed.parse::<u16>().ok().map(Self);
        }
        Self::from_name(text)
    }
}

impl Dar {
    /// The DAR for a wire byte. Every byte is valid.
    pub const fn new(byte: u8) -> Self {
        Self(byte)
    }

    /// The wire byte.
    pub const fn get(self) -> u8 {
        self.0
    }

    /// The same code in the front-end code space.
    pub const fn result_code(self) -> ResultCode {
        ResultCode(self.0 as u16)
    }

    /// Whether this is `SUCCESS` (0).
    pub const fn is_success(self) -> bool {
        self.0 == 0
    }

    /// The table row, if the byte has a name.
    pub fn info(self) -> Option<&'static CodeInfo> {
        self.result_code().info()
    }

    /// The Chinese name, if the byte has one.
    pub fn name_zh(self) -> Option<&'static str> {
        self.result_code().name_zh()
    }

    /// The English name, if the byte has one.
    pub fn name_en(self) -> Option<&'static str> {
        self.result_code().name_en()
    }
}

impl From<u8> for Dar {
    fn from(byte: u8) -> Self {
        Self(byte)
    }
}

impl From<Dar> for u8 {
    fn from(dar: Dar) -> Self {
        dar.0
    }
}

impl From<Dar> for ResultCode {
    fn from(dar: Dar) -> Self {
        dar.result_code()
    }
}

impl From<u16> for ResultCode {
    fn from(code: u16) -> Self {
        Self(code)
    }
}

impl From<ResultCode> for u16 {
    fn from(code: ResultCode) -> Self {
        code.0
    }
}

impl fmt::Debug for ResultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.info() {
            Some(info) => write!(f, "ResultCode::{}", info.ident),
            None => write!(f, "ResultCode({})", self.0),
        }
    }
}

impl fmt::Debug for Dar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.info() {
            Some(info) => write!(f, "Dar::{}", info.ident),
            None => write!(f, "Dar(0x{:02x})", self.0),
        }
    }
}

/// `2 暂时失效`, or `42 (unnamed)` for a code without a name.
impl fmt::Display for ResultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name_zh() {
            Some(name) => write!(f, "{} {name}", self.0),
            None => write!(f, "{} (unnamed)", self.0),
        }
    }
}

/// Same as the [`ResultCode`] display.
impl fmt::Display for Dar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.result_code(), f)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ResultCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u16(self.0)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Dar {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        let table = ResultCode::all();
        assert!(table.windows(2).all(|w| w[0].code < w[1].code));
        assert_eq!(table.len(), 41, "0-36, 255, 256-258");
    }

    #[test]
    fn every_dar_byte_round_trips() {
        for byte in 0..=u8::MAX {
            let dar = Dar::from(byte);
            assert_eq!(u8::from(dar), byte);
            assert_eq!(dar.result_code().get(), u16::from(byte));
            assert_eq!(dar.result_code().as_dar(), Some(dar));
            let named = byte <= 36 || byte == 255;
            assert_eq!(dar.info().is_some(), named, "byte {byte}");
            let debug = format!("{dar:?}");
            assert!(debug.starts_with("Dar"));
            let display = dar.to_string();
            assert!(display.starts_with(&byte.to_string()));
        }
    }

    #[test]
    fn every_result_code_0_to_258_has_a_name_or_is_an_unnamed_dar() {
        for code in 0..=258u16 {
            let rc = ResultCode::new(code);
            let named = code <= 36 || code >= 255;
            assert_eq!(rc.is_known(), named, "code {code}");
            assert_eq!(rc.as_dar().is_some(), code <= 255);
            if let Some(info) = rc.info() {
                assert_eq!(ResultCode::from_name(info.name_zh), Some(rc));
                assert_eq!(ResultCode::from_name(info.name_en), Some(rc));
                assert_eq!(ResultCode::from_name(info.ident), Some(rc));
                assert_eq!(ResultCode::parse(&code.to_string()), Some(rc));
            }
        }
    }

    #[test]
    fn constants_match_the_table() {
        assert_eq!(Dar::TEMPORARY_FAILURE.get(), 2);
        assert_eq!(ResultCode::OTHER.get(), 255);
        assert_eq!(ResultCode::TERMINAL_DENIED.get(), 258);
        assert_eq!(ResultCode::PASSTHROUGH_EMPTY.as_dar(), None);
        assert_eq!(format!("{:?}", Dar::new(42)), "Dar(0x2a)");
        assert_eq!(
            format!("{:?}", ResultCode::new(2)),
            "ResultCode::TEMPORARY_FAILURE"
        );
        assert_eq!(ResultCode::new(2).to_string(), "2 暂时失效");
        assert_eq!(ResultCode::new(300).to_string(), "300 (unnamed)");
    }
}
