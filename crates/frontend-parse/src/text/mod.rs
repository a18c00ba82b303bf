//! Front-end error texts (`errorCode` values, seed 000 §2) and interface messages (§1.3).
//!
//! [`parse_error_text`] splits a text into its code ([`FepCode`], an unknown code kept
//! verbatim, or none), the message, the details list of `异常内容{[a],[b]}` and the
//! variables of the code's template ([`Params`]). Everything borrows the input.

mod details;
mod fep_codes;
pub(crate) mod fold;
mod interface;
mod params;
mod template;

use core::fmt;

use dlms_result::ResultCode;
use serde::ser::{Serialize, SerializeStruct, Serializer};

pub use details::Details;
pub use fep_codes::FepCode;
pub use interface::{InterfaceMatch, InterfaceTemplate, match_interface_message};
pub use params::{ParamName, Params};

use fold::{strip_trailing_separators, strip_value_separators, trim};
use template::match_template;

/// The code that opens an error text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextCode<'a> {
    /// A code of the front-end's table (seed 000 §2.4).
    Fep(FepCode),
    /// A code-shaped prefix (`[A-Z]{1,3}[0-9]{2,4}`) the table does not know, kept verbatim.
    Other(&'a str),
    /// The text does not start with a code.
    None,
}

impl<'a> TextCode<'a> {
    /// The code as written, or `None` for a text without a code.
    pub fn as_str(&self) -> Option<&'a str> {
        match *self {
            Self::Fep(code) => Some(code.as_str()),
            Self::Other(code) => Some(code),
            Self::None => None,
        }
    }
}

/// The code, or nothing for a text without one.
impl fmt::Display for TextCode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str().unwrap_or_default())
    }
}

/// A parsed front-end error text. Borrows the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorText<'a> {
    /// The whole text, as given.
    pub text: &'a str,
    /// The code at the start of the text.
    pub code: TextCode<'a>,
    /// The text after the code, trimmed (the whole trimmed text if there is no code).
    pub message: &'a str,
    /// The template's variables (empty for unknown codes or when the template does not match).
    pub params: Params<'a>,
    /// Whether the message matched the code's template (always `false` for unknown codes).
    pub template_matched: bool,
    /// The inside of the `{…}` details group, empty when there is none.
    details: &'a str,
}

impl<'a> ErrorText<'a> {
    /// The items of the details group: `异常内容{[a],[b]}` → `a`, `b`.
    pub fn details(&self) -> Details<'a> {
        Details::new(self.details)
    }

    /// The front-end code, if the text has a known one.
    pub fn fep_code(&self) -> Option<FepCode> {
        match self.code {
            TextCode::Fep(code) => Some(code),
            _ => None,
        }
    }

    /// The first detail that names a result code (`暂时失效` → 2, tolerant of spacing,
    /// full-width forms and brackets; a plain number is accepted too).
    pub fn result_code(&self) -> Option<ResultCode> {
        self.details().find_map(ResultCode::parse)
    }
}

impl Serialize for ErrorText<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct DetailList<'a>(Details<'a>);
        impl Serialize for DetailList<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.clone())
            }
        }
        let mut state = serializer.serialize_struct("ErrorText", 6)?;
        state.serialize_field("code", &self.code.as_str())?;
        state.serialize_field("message", self.message)?;
        state.serialize_field("details", &DetailList(self.details()))?;
        state.serialize_field("result_code", &self.result_code())?;
        state.serialize_field("params", &self.params)?;
        state.serialize_field("template_matched", &self.template_matched)?;
        state.end()
    }
}

/// Parses a front-end error text (an element's `errorCode`).
///
/// Every form of seed 000 §2 is understood, with or without a space after the code and with
/// ASCII or full-width punctuation; an unknown code is kept verbatim and a text without a
/// code is kept as text. Never fails and never allocates.
///
/// ```
/// use dlms_result::ResultCode;
/// use frontend_parse::{FepCode, ParamName, TextCode, parse_error_text};
///
/// let text = parse_error_text("TK013前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效]}");
/// assert_eq!(text.code, TextCode::Fep(FepCode::Tk013));
/// assert_eq!(text.details().collect::<Vec<_>>(), ["暂时失效"]);
/// assert_eq!(text.result_code(), Some(ResultCode::new(2)));
///
/// let text = parse_error_text("ET003 通信层短时间内任务队列达到接收限值，当前队列长度120");
/// assert_eq!(text.params.get(ParamName::QueueLength), Some("120"));
///
/// assert_eq!(parse_error_text("XY123 新的错误").code, TextCode::Other("XY123"));
/// assert_eq!(parse_error_text("连接超时").code, TextCode::None);
/// ```
pub fn parse_error_text(text: &str) -> ErrorText<'_> {
    let trimmed = trim(text);
    let (code, message) = match split_code(trimmed) {
        Some((code, rest)) => {
            let code = FepCode::from_code(code).map_or(TextCode::Other(code), TextCode::Fep);
            (code, trim(rest))
        }
        None => (TextCode::None, trimmed),
    };
    let mut parsed = ErrorText {
        text,
        code,
        message,
        params: Params::new(),
        template_matched: false,
        details: details::find_group(message),
    };
    if let TextCode::Fep(fep) = code
        && let Some(found) = match_template(message, fep.template_body(), fep.params(), false)
    {
        parsed.template_matched = true;
        parsed.params = found.params;
        if let Some(name) = fep.trailing_param() {
            let value = trailing_value(found.trailing, name);
            if !value.is_empty() {
                parsed.params.insert(name, value);
            }
        }
    }
    parsed
}

/// The value appended after a template's end; a `{…}` group is details, not a value.
fn trailing_value(trailing: &str, name: ParamName) -> &str {
    let value = trim(strip_trailing_separators(strip_value_separators(trailing)));
    if value.starts_with(['{', '｛']) {
        return "";
    }
    if name == ParamName::QueueLength {
        let digits = value
            .find(|ch: char| !ch.is_ascii_digit())
            .unwrap_or(value.len());
        if digits > 0 {
            return value.get(..digits).unwrap_or(value);
        }
    }
    value
}

/// Splits a leading code `[A-Z]{1,3}[0-9]{2,4}` off a text. The code must not run on into
/// another letter or digit (`TK0130`, `TK013A` are not codes).
fn split_code(text: &str) -> Option<(&str, &str)> {
    let bytes = text.as_bytes();
    let letters = bytes
        .iter()
        .take(4)
        .take_while(|b| b.is_ascii_uppercase())
        .count();
    if !(1..=3).contains(&letters) {
        return None;
    }
    let digits = bytes
        .iter()
        .skip(letters)
        .take(5)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if !(2..=4).contains(&digits) {
        return None;
    }
    let end = letters.checked_add(digits)?;
    if bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    text.split_at_checked(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_prefix_shapes() {
        assert_eq!(split_code("TK013前置"), Some(("TK013", "前置")));
        assert_eq!(split_code("C001 终端"), Some(("C001", " 终端")));
        assert_eq!(split_code("ABC1234"), Some(("ABC1234", "")));
        assert_eq!(split_code("TK01301"), None);
        assert_eq!(split_code("TK013A"), None);
        assert_eq!(split_code("ABCD12"), None);
        assert_eq!(split_code("T1"), None);
        assert_eq!(split_code("tk013"), None);
        assert_eq!(split_code(""), None);
    }

    #[test]
    fn trailing_values() {
        assert_eq!(trailing_value(":120,请稍后", ParamName::QueueLength), "120");
        assert_eq!(trailing_value("：满", ParamName::QueueLength), "满");
        assert_eq!(trailing_value("{[暂时失效]}", ParamName::Content), "");
        assert_eq!(trailing_value("  ", ParamName::Content), "");
    }
}
