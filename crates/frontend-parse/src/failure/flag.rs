//! How to read a data item's `responseFlag`.

use core::fmt;
use core::str::FromStr;

use dlms_result::ResultCode;

/// Front-end versions differ on what `responseFlag` means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ResponseFlagMode {
    /// The flag is the item's result code (DL/T 698.45 DAR), `0` = success. The default,
    /// as in seed 000 §2.2 (flag `2` with `异常内容{[暂时失效]}`).
    #[default]
    Dar,
    /// The flag is a status: `1` = success, anything else = failure; the result code then
    /// comes from the error text.
    Status,
}

impl ResponseFlagMode {
    /// Both readings.
    pub const ALL: [Self; 2] = [Self::Dar, Self::Status];

    /// Whether this reading calls `flag` a failure.
    pub const fn is_failure(self, flag: i64) -> bool {
        match self {
            Self::Dar => flag != 0,
            Self::Status => flag != 1,
        }
    }

    /// The result code this reading takes from `flag` (only [`ResponseFlagMode::Dar`] does).
    pub fn result_code(self, flag: i64) -> Option<ResultCode> {
        match self {
            Self::Dar => u16::try_from(flag).ok().map(ResultCode::new),
            Self::Status => None,
        }
    }

    /// The other reading (what the flag-anomaly warning suggests).
    #[must_use]
    pub const fn other(self) -> Self {
        match self {
            Self::Dar => Self::Status,
            Self::Status => Self::Dar,
        }
    }

    /// The option value: `dar` or `status`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Dar => "dar",
            Self::Status => "status",
        }
    }
}

/// `dar` or `status`.
impl fmt::Display for ResponseFlagMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The value of `--response-flag` was neither `dar` nor `status`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown response-flag reading {0:?} (expected `dar` or `status`)")]
pub struct UnknownResponseFlagMode(pub String);

impl FromStr for ResponseFlagMode {
    type Err = UnknownResponseFlagMode;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|mode| mode.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| UnknownResponseFlagMode(text.to_owned()))
    }
}

impl serde::Serialize for ResponseFlagMode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings() {
        for flag in -3..300 {
            assert_eq!(ResponseFlagMode::Dar.is_failure(flag), flag != 0);
            assert_eq!(ResponseFlagMode::Status.is_failure(flag), flag != 1);
            assert_eq!(ResponseFlagMode::Status.result_code(flag), None);
        }
        assert_eq!(
            ResponseFlagMode::Dar.result_code(2),
            Some(ResultCode::new(2))
        );
        assert_eq!(ResponseFlagMode::Dar.result_code(-1), None);
        for mode in ResponseFlagMode::ALL {
            assert_eq!(mode.to_string().parse::<ResponseFlagMode>(), Ok(mode));
            assert_eq!(mode.other().other(), mode);
        }
        assert!("both".parse::<ResponseFlagMode>().is_err());
    }
}
