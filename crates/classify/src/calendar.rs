//! Local calendar points without a date-time dependency.
//!
//! Deferred retries wait for a time of day in local time: after the terminal's own collection
//! window (a concentrator reads daily frozen data from 00:05 and re-reads missed meters, so the
//! master station must not compete with it), or after the meter's midnight (meters clear the
//! MAC-failure hang-up flag and password counters at midnight — DAR 31 电能表挂起). Local time is
//! UTC plus a fixed offset (China has no daylight saving time); a day is 86 400 s (Unix time
//! ignores leap seconds).

use core::fmt;

const SECONDS_PER_DAY: i64 = 86_400;

/// A fixed offset from UTC, in minutes (−14:00 to +14:00).
///
/// ```
/// use classify::UtcOffset;
/// let offset: UtcOffset = "+08:00".parse().unwrap();
/// assert_eq!(offset.seconds(), 8 * 3600);
/// assert_eq!(offset.to_string(), "+08:00");
/// assert!("+15:00".parse::<UtcOffset>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UtcOffset {
    minutes: i16,
}

impl UtcOffset {
    /// UTC+08:00 (China Standard Time), the default.
    pub const CHINA: Self = Self { minutes: 480 };

    /// An offset in minutes, if within ±14:00.
    pub const fn from_minutes(minutes: i16) -> Option<Self> {
        if minutes >= -840 && minutes <= 840 {
            Some(Self { minutes })
        } else {
            None
        }
    }

    /// The offset in seconds.
    pub const fn seconds(self) -> i64 {
        // At most ±840 min, so the product is far inside i64.
        (self.minutes as i64).saturating_mul(60)
    }
}

impl Default for UtcOffset {
    fn default() -> Self {
        Self::CHINA
    }
}

impl fmt::Display for UtcOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minutes < 0 { '-' } else { '+' };
        let minutes = self.minutes.unsigned_abs();
        write!(f, "{sign}{:02}:{:02}", minutes / 60, minutes % 60)
    }
}

/// The error of parsing a malformed offset or time of day.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a valid {1}")]
pub struct BadTime(pub String, pub &'static str);

impl core::str::FromStr for UtcOffset {
    type Err = BadTime;

    /// `+08:00`, `-05:30`, `+0800` or `Z`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || BadTime(text.to_owned(), "UTC offset (+HH:MM)");
        if text == "Z" {
            return Ok(Self { minutes: 0 });
        }
        let (negative, rest) = match text.split_at_checked(1) {
            Some(("+", rest)) => (false, rest),
            Some(("-", rest)) => (true, rest),
            _ => return Err(bad()),
        };
        let (hours, minutes) = parse_hh_mm(rest)
            .filter(|&(_, minutes)| minutes < 60)
            .ok_or_else(bad)?;
        let total = hours
            .checked_mul(60)
            .and_then(|h| h.checked_add(minutes))
            .ok_or_else(bad)?;
        let total = i16::try_from(total).map_err(|_| bad())?;
        let signed = if negative {
            total.checked_neg().ok_or_else(bad)?
        } else {
            total
        };
        Self::from_minutes(signed).ok_or_else(bad)
    }
}

/// A time of day, in seconds after local midnight.
///
/// ```
/// use classify::LocalTime;
/// let at: LocalTime = "02:30".parse().unwrap();
/// assert_eq!(at.seconds(), 9000);
/// assert_eq!(at.to_string(), "02:30");
/// assert!("24:00".parse::<LocalTime>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime {
    seconds: u32,
}

impl LocalTime {
    /// `hours:minutes`, if a valid time of day.
    pub const fn new(hours: u32, minutes: u32) -> Option<Self> {
        if hours < 24 && minutes < 60 {
            Some(Self {
                // Both bounded above: at most 23·3600 + 59·60.
                seconds: hours
                    .saturating_mul(3600)
                    .saturating_add(minutes.saturating_mul(60)),
            })
        } else {
            None
        }
    }

    /// Seconds after midnight.
    pub const fn seconds(self) -> u32 {
        self.seconds
    }

    /// The next instant strictly after `now` (Unix seconds) at which the local clock
    /// (`UTC + offset`) shows this time of day.
    ///
    /// ```
    /// use classify::{LocalTime, UtcOffset};
    /// let at = LocalTime::new(2, 0).unwrap();
    /// // 2024-01-01 01:00 +08:00 is 2023-12-31 17:00 UTC = 1704042000.
    /// assert_eq!(at.next_after(1_704_042_000, UtcOffset::CHINA), 1_704_045_600);
    /// // Exactly at 02:00 local → the next day's 02:00.
    /// assert_eq!(at.next_after(1_704_045_600, UtcOffset::CHINA), 1_704_132_000);
    /// ```
    pub fn next_after(self, now: i64, offset: UtcOffset) -> i64 {
        let local = now.saturating_add(offset.seconds());
        let midnight = local
            .div_euclid(SECONDS_PER_DAY)
            .saturating_mul(SECONDS_PER_DAY);
        let mut candidate = midnight.saturating_add(i64::from(self.seconds));
        if candidate <= local {
            candidate = candidate.saturating_add(SECONDS_PER_DAY);
        }
        candidate.saturating_sub(offset.seconds())
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}",
            self.seconds / 3600,
            self.seconds % 3600 / 60
        )
    }
}

impl core::str::FromStr for LocalTime {
    type Err = BadTime;

    /// `HH:MM`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || BadTime(text.to_owned(), "time of day (HH:MM)");
        if !text.contains(':') {
            return Err(bad());
        }
        let (hours, minutes) = parse_hh_mm(text).ok_or_else(bad)?;
        Self::new(hours, minutes).ok_or_else(bad)
    }
}

/// `HH:MM` or `HHMM`, two digits each.
fn parse_hh_mm(text: &str) -> Option<(u32, u32)> {
    let (hours, minutes) = match text.split_once(':') {
        Some(parts) => parts,
        None => text.split_at_checked(2)?,
    };
    let two_digits = |part: &str| {
        (part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    Some((two_digits(hours)?, two_digits(minutes)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_parse() {
        assert_eq!("-05:30".parse::<UtcOffset>().unwrap().seconds(), -19_800);
        assert_eq!("+0800".parse::<UtcOffset>().unwrap(), UtcOffset::CHINA);
        assert_eq!("Z".parse::<UtcOffset>().unwrap().seconds(), 0);
        assert_eq!("-05:30".parse::<UtcOffset>().unwrap().to_string(), "-05:30");
        for bad in ["08:00", "+8:00", "+08:60", "+14:01", "", "+", "+08:0a"] {
            assert!(bad.parse::<UtcOffset>().is_err(), "{bad}");
        }
    }

    #[test]
    fn next_after_is_strictly_later_and_within_a_day() {
        let at = LocalTime::new(0, 30).unwrap();
        for offset in ["+08:00", "-05:30", "Z", "+14:00", "-14:00"] {
            let offset: UtcOffset = offset.parse().unwrap();
            for now in [-1_000_000_i64, 0, 1, 86_399, 1_700_000_000, 1_700_000_017] {
                let next = at.next_after(now, offset);
                assert!(next > now && next - now <= 86_400, "{now} {offset} {next}");
                let local = next + offset.seconds();
                assert_eq!(local.rem_euclid(86_400), 1800);
            }
        }
    }

    #[test]
    fn extreme_inputs_saturate() {
        let at = LocalTime::new(23, 59).unwrap();
        let _ = at.next_after(i64::MAX, UtcOffset::CHINA);
        let _ = at.next_after(i64::MIN, UtcOffset::from_minutes(-840).unwrap());
    }
}
