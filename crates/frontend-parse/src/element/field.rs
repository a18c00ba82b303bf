//! Tolerant readers for element fields: front-end versions write the same field as a string,
//! a number or a boolean.

use core::fmt;

use serde::{Serialize, Serializer};
use simd_json::StaticNode;
use simd_json::value::tape::Node;

/// A field's value as both element readers see it: the simd-json tape and the fast scanner
/// (`scan.rs`) turn what they read into this, and the tolerant readers below work on it, so
/// the two paths cannot read a field differently.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Value<'a> {
    /// A string, escapes resolved.
    Str(&'a str),
    /// A negative integer (simd-json's `I64`).
    Int(i64),
    /// A non-negative integer (simd-json's `U64`).
    UInt(u64),
    /// A number with a fraction or an exponent.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// An object or an array (never read, only skipped).
    Container,
}

impl<'a> Value<'a> {
    /// The value of a tape node.
    pub(crate) fn from_node(node: &Node<'a>) -> Self {
        match *node {
            Node::String(text) => Self::Str(text),
            Node::Static(StaticNode::I64(value)) => Self::Int(value),
            Node::Static(StaticNode::U64(value)) => Self::UInt(value),
            Node::Static(StaticNode::F64(value)) => Self::Float(value),
            Node::Static(StaticNode::Bool(value)) => Self::Bool(value),
            Node::Static(StaticNode::Null) => Self::Null,
            Node::Object { .. } | Node::Array { .. } => Self::Container,
        }
    }
}

/// A scalar field value as the front-end wrote it. Identifier fields (`devSn`, `commDevId`,
/// `dataItemId`, …) are usually strings but some front-ends write numbers; both are kept
/// without allocating. Serialises as a JSON string.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldText<'a> {
    /// A string (JSON escapes already resolved).
    Str(&'a str),
    /// A negative or small integer.
    Int(i64),
    /// An unsigned integer.
    UInt(u64),
    /// A number with a fraction or exponent.
    Float(f64),
    /// A boolean.
    Bool(bool),
}

impl<'a> FieldText<'a> {
    /// The string, if the field was a JSON string.
    pub fn as_str(&self) -> Option<&'a str> {
        match *self {
            Self::Str(text) => Some(text),
            _ => None,
        }
    }

    /// Reads a scalar; `None` for null, objects and arrays.
    pub(crate) fn from_value(value: Value<'a>) -> Option<Self> {
        match value {
            Value::Str(text) => Some(Self::Str(text)),
            Value::Int(value) => Some(Self::Int(value)),
            Value::UInt(value) => Some(Self::UInt(value)),
            Value::Float(value) => Some(Self::Float(value)),
            Value::Bool(value) => Some(Self::Bool(value)),
            Value::Null | Value::Container => None,
        }
    }
}

/// The value as the front-end wrote it (numbers in their shortest form).
impl fmt::Display for FieldText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Str(text) => f.write_str(text),
            Self::Int(value) => write!(f, "{value}"),
            Self::UInt(value) => write!(f, "{value}"),
            Self::Float(value) => write!(f, "{value}"),
            Self::Bool(value) => write!(f, "{value}"),
        }
    }
}

impl PartialEq<str> for FieldText<'_> {
    fn eq(&self, other: &str) -> bool {
        if let Self::Str(text) = self {
            *text == other
        } else {
            let mut buffer = itoa_buffer();
            render(self, &mut buffer) == other
        }
    }
}

impl PartialEq<&str> for FieldText<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

/// A stack buffer for rendering numbers without allocating.
fn itoa_buffer() -> StackText {
    StackText {
        bytes: [0; 40],
        len: 0,
    }
}

struct StackText {
    bytes: [u8; 40],
    len: usize,
}

impl fmt::Write for StackText {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let end = self.len.checked_add(text.len()).ok_or(fmt::Error)?;
        let target = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        target.copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }
}

fn render<'b>(value: &FieldText<'_>, buffer: &'b mut StackText) -> &'b str {
    use fmt::Write as _;
    if write!(buffer, "{value}").is_err() {
        return "";
    }
    buffer
        .bytes
        .get(..buffer.len)
        .and_then(|bytes| core::str::from_utf8(bytes).ok())
        .unwrap_or_default()
}

impl Serialize for FieldText<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Str(text) => serializer.serialize_str(text),
            other => serializer.collect_str(other),
        }
    }
}

/// Reads an integer field written as a number or a numeric string (`frameNum`,
/// `responseFlag`). Fractions, out-of-range values and other shapes are `None`.
pub(crate) fn integer(value: Value<'_>) -> Option<i64> {
    match value {
        Value::Int(value) => Some(value),
        Value::UInt(value) => i64::try_from(value).ok(),
        Value::Float(value) => float_to_integer(value),
        Value::Str(text) => {
            let text = text.trim();
            text.parse::<i64>()
                .ok()
                .or_else(|| text.parse::<f64>().ok().and_then(float_to_integer))
        }
        _ => None,
    }
}

fn float_to_integer(value: f64) -> Option<i64> {
    // 2^53: every integer below is exact in an f64, so the conversion is lossless.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if value.fract() == 0.0 && value.abs() < EXACT {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "integral and below 2^53, checked above"
        )]
        let integer = value as i64;
        Some(integer)
    } else {
        None
    }
}

/// Reads `succ`: `"0"`/`"1"`, `0`/`1`, booleans, `"true"`/`"false"` (any case).
pub(crate) fn boolean(value: Value<'_>) -> Option<bool> {
    match value {
        Value::Bool(value) => Some(value),
        Value::Str(text) => {
            let text = text.trim();
            if text == "1" || text.eq_ignore_ascii_case("true") {
                Some(true)
            } else if text == "0" || text.eq_ignore_ascii_case("false") {
                Some(false)
            } else {
                None
            }
        }
        other => match integer(other) {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerant_readers() {
        assert_eq!(integer(Value::Str(" 2 ")), Some(2));
        assert_eq!(integer(Value::Str("2.0")), Some(2));
        assert_eq!(integer(Value::Str("x")), None);
        assert_eq!(integer(Value::Float(2.5)), None);
        assert_eq!(integer(Value::UInt(u64::MAX)), None);
        assert_eq!(integer(Value::Container), None);
        assert_eq!(boolean(Value::Str("1")), Some(true));
        assert_eq!(boolean(Value::Str("FALSE")), Some(false));
        assert_eq!(boolean(Value::Int(0)), Some(false));
        assert_eq!(boolean(Value::Int(7)), None);
        assert_eq!(boolean(Value::Null), None);
        assert_eq!(
            Value::from_node(&Node::Static(StaticNode::U64(3))),
            Value::UInt(3)
        );
    }

    #[test]
    fn field_text_renders_and_compares() {
        assert_eq!(FieldText::UInt(1_147_186_771).to_string(), "1147186771");
        assert_eq!(FieldText::UInt(1_147_186_771), "1147186771");
        assert_eq!(FieldText::Str("a"), "a");
        assert_eq!(FieldText::Float(1.5), "1.5");
        assert_eq!(
            serde_json::to_string(&FieldText::Int(-3)).unwrap(),
            r#""-3""#
        );
    }
}
