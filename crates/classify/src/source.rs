//! The sources a failure code can come from. Codes are only meaningful together with their
//! source: `403` is "forbidden" on one platform and "rate exceeded" on another, so every rule and
//! every lookup is keyed by `(source, code)`, never by a bare number.

use core::fmt;
use core::str::FromStr;

/// Where a failure code comes from.
///
/// ```
/// use classify::Source;
/// assert_eq!("aliyun-living".parse::<Source>(), Ok(Source::AliyunLiving));
/// assert_eq!(Source::Dar.as_str(), "dar");
/// assert!(Source::Dar.numeric_codes());
/// assert!(!Source::Frontend.numeric_codes());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// The front-end's own task codes inside `devDataList` elements (`TK013`, `EL003`, …), plus
    /// `DAR` and `UNKNOWN` for failures that carry no `errorCode` (seed 000 §2).
    Frontend,
    /// The front-end's interface errors (`{"code":400,"message":…}`), keyed by message template
    /// with `xxx` for the variable part (seed 000 §1.3).
    Interface,
    /// DL/T 698.45 data-access results 0–255 and the front-end's extensions 256–258
    /// (seed 000 §3), as numbered by `dlms_result::ResultCode`.
    Dar,
    /// A cloud smart-home ("living") platform's public error codes (seed 001).
    AliyunLiving,
    /// A device video cloud's HTTP and logic error codes (seed 002).
    VideoCloud,
    /// A device-cloud core platform's return codes (seed 003).
    IotCore,
    /// A device platform's device-log status codes, unique across its service modules (seed 004).
    Onenet,
}

impl Source {
    /// Every source, in table order.
    pub const ALL: [Self; 7] = [
        Self::Frontend,
        Self::Interface,
        Self::Dar,
        Self::AliyunLiving,
        Self::VideoCloud,
        Self::IotCore,
        Self::Onenet,
    ];

    /// The stable string id used in rule files, history lines and on the command line.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Frontend => "frontend",
            Self::Interface => "interface",
            Self::Dar => "dar",
            Self::AliyunLiving => "aliyun-living",
            Self::VideoCloud => "video-cloud",
            Self::IotCore => "iot-core",
            Self::Onenet => "onenet",
        }
    }

    /// Whether the source's codes are numbers (`dar` and the four platforms) rather than texts
    /// (`frontend` codes and `interface` message templates).
    pub const fn numeric_codes(self) -> bool {
        !matches!(self, Self::Frontend | Self::Interface)
    }

    /// The position of the source in [`Source::ALL`], for dense per-source tables.
    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// A one-line description for docs and `fep explain`.
    pub const fn describe(self) -> &'static str {
        match self {
            Self::Frontend => "front-end task codes (seed 000 §2)",
            Self::Interface => "front-end interface errors, by message template (seed 000 §1.3)",
            Self::Dar => "DL/T 698.45 DAR 0–255 and front-end result codes 256–258 (seed 000 §3)",
            Self::AliyunLiving => "IoT living platform public error codes (seed 001)",
            Self::VideoCloud => "IoT video cloud HTTP and logic error codes (seed 002)",
            Self::IotCore => "IoT core platform return codes (seed 003)",
            Self::Onenet => "IoT platform device-log status codes by service module (seed 004)",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing an unknown source id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown source `{0}` (expected one of frontend, interface, dar, aliyun-living, video-cloud, iot-core, onenet)"
)]
pub struct UnknownSource(pub String);

impl<'de> serde::Deserialize<'de> for Source {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        id.parse().map_err(serde::de::Error::custom)
    }
}

impl FromStr for Source {
    type Err = UnknownSource;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|source| source.as_str() == text)
            .ok_or_else(|| UnknownSource(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_index_matches_position() {
        for (position, source) in Source::ALL.into_iter().enumerate() {
            assert_eq!(source.as_str().parse::<Source>(), Ok(source));
            assert_eq!(source.index(), position);
            assert_eq!(source.to_string(), source.as_str());
        }
        assert!("DAR".parse::<Source>().is_err());
        assert!("".parse::<Source>().is_err());
    }
}
