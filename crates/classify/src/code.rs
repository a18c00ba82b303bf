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

/// Requests as front-ends name them in `cmdType`, with their class: the DL/T 698.45 request
/// services (§7.2, `GetRequestNormal` … `ProxyTransCommandRequest`) in upper snake case, and
/// the front-end's `PROXY_TRANS_GET_REQUEST` (seed 000). Nearly every `cmdType` is one of
/// these, and comparing whole names (most differ in length) takes a few dozen instructions
/// where [`Op::from_cmd_type`]'s word search took about 560 (3.2 M of 305 M on the 25.8 MB
/// `fep gen` batch, callgrind). Each class is the one the word search gives (a test).
const REQUEST_NAMES: [(&str, Op); 21] = [
    ("GET_REQUEST_NORMAL", Op::Read),
    ("GET_REQUEST_NORMAL_LIST", Op::Read),
    ("GET_REQUEST_RECORD", Op::Read),
    ("GET_REQUEST_RECORD_LIST", Op::Read),
    ("GET_REQUEST_NEXT", Op::Read),
    ("GET_REQUEST_MD5", Op::Read),
    ("PROXY_GET_REQUEST_LIST", Op::Read),
    ("PROXY_GET_REQUEST_RECORD", Op::Read),
    ("PROXY_TRANS_GET_REQUEST", Op::Read),
    ("SET_REQUEST_NORMAL", Op::Set),
    ("SET_REQUEST_NORMAL_LIST", Op::Set),
    ("SET_THEN_GET_REQUEST_NORMAL_LIST", Op::Set),
    ("PROXY_SET_REQUEST_LIST", Op::Set),
    ("PROXY_SET_THEN_GET_REQUEST_LIST", Op::Set),
    ("ACTION_REQUEST", Op::Action),
    ("ACTION_REQUEST_NORMAL", Op::Action),
    ("ACTION_REQUEST_LIST", Op::Action),
    ("ACTION_THEN_GET_REQUEST_NORMAL_LIST", Op::Action),
    ("PROXY_ACTION_REQUEST_LIST", Op::Action),
    ("PROXY_ACTION_THEN_GET_REQUEST_LIST", Op::Action),
    ("PROXY_TRANS_COMMAND_REQUEST", Op::Unknown),
];

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
    /// action/control, set, and get/read. Words are found anywhere, in any case.
    pub fn from_cmd_type(cmd_type: &str) -> Self {
        if let Some(op) = Self::of_request_name(cmd_type) {
            return op;
        }
        // One pass over the text (this runs once per failure): at each byte, only the words
        // that start with its letter are compared; the first class in order wins.
        let bytes = cmd_type.as_bytes();
        let mut found = Self::Unknown;
        for at in 0..bytes.len() {
            let rest = bytes.get(at..).unwrap_or_default();
            let is = |word: &[u8]| {
                rest.get(..word.len())
                    .is_some_and(|window| window.eq_ignore_ascii_case(word))
            };
            let op = match rest.first().map(u8::to_ascii_uppercase) {
                Some(b'R') if is(b"RECHARGE") => Self::Recharge,
                Some(b'R') if is(b"READ") => Self::Read,
                Some(b'P') if is(b"PURCHASE") => Self::Recharge,
                Some(b'C') if is(b"CHARGE") => Self::Recharge,
                Some(b'C') if is(b"CONTROL") => Self::Action,
                Some(b'A') if is(b"ACTION") => Self::Action,
                Some(b'O') if is(b"OPERATE") => Self::Action,
                Some(b'S') if is(b"SET") => Self::Set,
                Some(b'W') if is(b"WRITE") => Self::Set,
                Some(b'G') if is(b"GET") => Self::Read,
                _ => continue,
            };
            if op.word_rank() < found.word_rank() {
                found = op;
                if found == Self::Recharge {
                    break;
                }
            }
        }
        found
    }

    /// The class of a request named as in [`REQUEST_NAMES`], if it is one.
    fn of_request_name(cmd_type: &str) -> Option<Self> {
        REQUEST_NAMES
            .iter()
            .find(|(name, _)| *name == cmd_type)
            .map(|&(_, op)| op)
    }

    /// The order in which [`Op::from_cmd_type`] prefers classes (lower first).
    const fn word_rank(self) -> u8 {
        match self {
            Self::Recharge => 0,
            Self::Action => 1,
            Self::Set => 2,
            Self::Read => 3,
            Self::Unknown => 4,
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

    /// The straightforward reading of the rule: each word searched in order.
    fn from_cmd_type_reference(cmd_type: &str) -> Op {
        let has = |needle: &str| {
            cmd_type
                .as_bytes()
                .windows(needle.len())
                .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
        };
        if has("RECHARGE") || has("PURCHASE") || has("CHARGE") {
            Op::Recharge
        } else if has("ACTION") || has("CONTROL") || has("OPERATE") {
            Op::Action
        } else if has("SET") || has("WRITE") {
            Op::Set
        } else if has("GET") || has("READ") {
            Op::Read
        } else {
            Op::Unknown
        }
    }

    #[test]
    fn cmd_types_of_the_front_end() {
        for (text, op) in [
            ("PROXY_TRANS_GET_REQUEST", Op::Read),
            ("GET_REQUEST_NORMAL", Op::Read),
            ("read_data", Op::Read),
            ("SET_THEN_GET_REQUEST", Op::Set),
            ("ACTION_THEN_GET", Op::Action),
            ("remote_control", Op::Action),
            ("PURCHASE_SET", Op::Recharge),
            ("setcharge", Op::Recharge),
            ("REPORT", Op::Unknown),
            ("", Op::Unknown),
            ("GE", Op::Unknown),
            ("电表GET", Op::Read),
        ] {
            assert_eq!(Op::from_cmd_type(text), op, "{text}");
            assert_eq!(from_cmd_type_reference(text), op, "{text}");
        }
    }

    #[test]
    fn request_names_are_classed_as_the_word_search_classes_them() {
        for (name, op) in REQUEST_NAMES {
            assert_eq!(from_cmd_type_reference(name), op, "{name}");
            assert_eq!(Op::from_cmd_type(name), op, "{name}");
            // Another spelling of the name is not in the table, and is searched.
            let lower = name.to_ascii_lowercase();
            assert_eq!(Op::of_request_name(&lower), None, "{lower}");
            assert_eq!(Op::from_cmd_type(&lower), op, "{lower}");
        }
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        #[test]
        fn one_pass_matches_the_word_by_word_search(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec![
                        "recharge", "PURCHASE", "Charge", "ACTION", "control", "OPERATE", "set",
                        "WRITE", "get", "READ", "RECHARG", "SE", "_", "REQUEST", "PROXY", "电",
                    ])
                    .prop_map(str::to_owned),
                    "[a-zA-Z_]{0,3}",
                ],
                0..6,
            )
        ) {
            let text: String = parts.concat();
            proptest::prop_assert_eq!(Op::from_cmd_type(&text), from_cmd_type_reference(&text));
        }
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
