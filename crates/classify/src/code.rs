//! Failure codes and operation classes.

use core::fmt;

/// A failure code as it is looked up: a number for numeric sources (`dar`, the platforms), a text
/// for the others (`EL003`, an interface template such as `终端xxx在档案缓存中不存在`).
///
/// [`Code::parse`] turns any text that is a plain decimal integer into [`Code::Number`], so
/// `"429"` and `429` are the same key.
///
/// ```
/// use classify::Code;
/// assert_eq!(Code::parse("429"), Code::Number(429));
/// assert_eq!(Code::parse(" -1 "), Code::Number(-1));
/// assert_eq!(Code::parse("EA001"), Code::Text("EA001"));
/// assert_eq!(Code::Number(2).to_string(), "2");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code<'a> {
    /// A numeric code.
    Number(i64),
    /// A textual code, kept verbatim.
    Text(&'a str),
}

impl<'a> Code<'a> {
    /// Reads a code: a decimal integer (optionally signed, surrounding whitespace ignored)
    /// becomes [`Code::Number`], anything else is kept verbatim as [`Code::Text`].
    pub fn parse(text: &'a str) -> Self {
        let trimmed = text.trim();
        let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
        if !digits.is_empty()
            && digits.len() <= 18
            && digits.bytes().all(|byte| byte.is_ascii_digit())
            && let Ok(number) = trimmed.parse::<i64>()
        {
            return Self::Number(number);
        }
        Self::Text(text)
    }

    /// The number, if the code is numeric.
    pub const fn number(self) -> Option<i64> {
        match self {
            Self::Number(number) => Some(number),
            Self::Text(_) => None,
        }
    }
}

impl fmt::Display for Code<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(number) => write!(f, "{number}"),
            Self::Text(text) => f.write_str(text),
        }
    }
}

impl serde::Serialize for Code<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Number(number) => serializer.serialize_i64(*number),
            Self::Text(text) => serializer.serialize_str(text),
        }
    }
}

/// The operation class of the request that failed. Reads are idempotent and safe to repeat;
/// a set, an action (遥控, 校时) or a recharge (充值) is not, so a timeout on one of them means
/// "outcome unknown", never "try again" (AIP-194: only idempotent requests are retried).
///
/// ```
/// use classify::Op;
/// assert_eq!(Op::from_cmd_type("PROXY_TRANS_GET_REQUEST"), Op::Read);
/// assert_eq!(Op::from_cmd_type("SET_REQUEST_NORMAL"), Op::Set);
/// assert_eq!(Op::from_cmd_type("ACTION_REQUEST"), Op::Action);
/// assert_eq!(Op::from_cmd_type("REMOTE_RECHARGE"), Op::Recharge);
/// assert_eq!(Op::from_cmd_type(""), Op::Unknown);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Op {
    /// Not known: only rules without an `op` constraint apply.
    #[default]
    Unknown,
    /// A read (GET, 抄读): idempotent.
    Read,
    /// A parameter write (SET): not idempotent.
    Set,
    /// An action / control (ACTION, 遥控, 校时): not idempotent.
    Action,
    /// A recharge (充值, 购电): never repeated blindly.
    Recharge,
}

impl Op {
    /// Every operation class, in slot order.
    pub const ALL: [Self; 5] = [
        Self::Unknown,
        Self::Read,
        Self::Set,
        Self::Action,
        Self::Recharge,
    ];

    /// The id used in rule files (`op = ["set", "action"]`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Read => "read",
            Self::Set => "set",
            Self::Action => "action",
            Self::Recharge => "recharge",
        }
    }

    /// Parses an id of [`Op::as_str`].
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.as_str() == id)
    }

    /// Guesses the class from a front-end `cmdType` (`PROXY_TRANS_GET_REQUEST`,
    /// `SET_REQUEST`, …): recharge words first (a recharge is usually an action), then
    /// action/control, set, and get/read.
    pub fn from_cmd_type(cmd_type: &str) -> Self {
        let upper = |needle: &str| {
            cmd_type
                .as_bytes()
                .windows(needle.len())
                .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
        };
        if upper("RECHARGE") || upper("PURCHASE") || upper("CHARGE") {
            Self::Recharge
        } else if upper("ACTION") || upper("CONTROL") || upper("OPERATE") {
            Self::Action
        } else if upper("SET") || upper("WRITE") {
            Self::Set
        } else if upper("GET") || upper("READ") {
            Self::Read
        } else {
            Self::Unknown
        }
    }

    /// Whether repeating the operation can apply it twice.
    pub const fn is_write(self) -> bool {
        matches!(self, Self::Set | Self::Action | Self::Recharge)
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_canonical() {
        assert_eq!(Code::parse("007"), Code::Number(7));
        assert_eq!(Code::parse("-"), Code::Text("-"));
        assert_eq!(Code::parse("1e3"), Code::Text("1e3"));
        assert_eq!(
            Code::parse("99999999999999999999"),
            Code::Text("99999999999999999999")
        );
        assert_eq!(Code::parse(""), Code::Text(""));
        assert_eq!(Code::parse("C001"), Code::Text("C001"));
    }

    #[test]
    fn op_ids_round_trip() {
        for (slot, op) in Op::ALL.into_iter().enumerate() {
            assert_eq!(Op::from_id(op.as_str()), Some(op));
            assert_eq!(op.index(), slot);
        }
        assert_eq!(Op::from_id("get"), None);
        assert!(Op::Recharge.is_write() && !Op::Read.is_write() && !Op::Unknown.is_write());
    }
}
