//! Delay policies: exponential backoff with jitter, or a local calendar point plus a spread.

use crate::calendar::{LocalTime, UtcOffset};
use crate::rng::Rng;

/// How a computed delay is randomised (AWS Architecture Blog, "Exponential Backoff And Jitter").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Jitter {
    /// No randomisation: exactly the computed delay.
    None,
    /// Uniform in `0..=delay`: spreads a fleet best, but may pick ~0 s.
    Full,
    /// `delay/2 + uniform(0..=delay/2)`: a guaranteed quiet period, for devices and relays that
    /// need time to recover.
    Equal,
}

impl Jitter {
    /// The id used in rule files.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Full => "full",
            Self::Equal => "equal",
        }
    }

    /// Parses an id of [`Jitter::as_str`].
    pub fn from_id(id: &str) -> Option<Self> {
        [Self::None, Self::Full, Self::Equal]
            .into_iter()
            .find(|jitter| jitter.as_str() == id)
    }

    fn apply(self, delay: u64, rng: &mut Rng) -> u64 {
        match self {
            Self::None => delay,
            Self::Full => rng.up_to(delay),
            Self::Equal => {
                let half = delay / 2;
                half.saturating_add(rng.up_to(delay.saturating_sub(half)))
            }
        }
    }
}

/// A delay policy, as named by a preset of the rule table.
///
/// * Backoff: the delay of the `k`-th retry of a stage (k = 0, 1, …) is
///   `min(cap_s, base_s · factor^k)`, then jittered.
/// * Calendar (`at` set, kind `deferred`): the delay runs to the next local `at` (UTC offset of
///   the rule set), plus `uniform(0..=spread_s)` so a fleet does not start at the same second.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct DelayPolicy {
    /// The first delay, in seconds.
    pub base_s: u32,
    /// The growth factor per retry (≥ 1).
    pub factor: f64,
    /// The largest delay before jitter, in seconds.
    pub cap_s: u32,
    /// The randomisation.
    pub jitter: Jitter,
    /// For calendar deferrals: the local time of day to wait for.
    #[serde(serialize_with = "serialize_local_time")]
    pub at: Option<LocalTime>,
    /// For calendar deferrals: the uniform spread after `at`, in seconds.
    pub spread_s: u32,
}

#[allow(
    clippy::ref_option,
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's serialize_with passes a reference"
)]
fn serialize_local_time<S: serde::Serializer>(
    at: &Option<LocalTime>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serializer.collect_str(at),
        None => serializer.serialize_none(),
    }
}

impl DelayPolicy {
    /// The delay before jitter for the `step`-th retry of a stage (0-based).
    pub fn nominal_s(&self, step: u32) -> u64 {
        let growth = self
            .factor
            .max(1.0)
            .powi(i32::try_from(step).unwrap_or(i32::MAX));
        let nominal = f64::from(self.base_s) * growth;
        let cap = f64::from(self.cap_s);
        // Float → integer `as` saturates (NaN → 0), and the value is clamped to the cap first.
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "clamped to [0, cap_s] first"
        )]
        let clamped = nominal.min(cap).max(0.0) as u64;
        clamped
    }

    /// The smallest and largest delay the policy can give for `step` (without calendar points;
    /// for a calendar policy this is the spread).
    pub fn bounds_s(&self, step: u32) -> (u64, u64) {
        if self.at.is_some() {
            return (0, u64::from(self.spread_s));
        }
        let nominal = self.nominal_s(step);
        match self.jitter {
            Jitter::None => (nominal, nominal),
            Jitter::Full => (0, nominal),
            Jitter::Equal => (nominal / 2, nominal),
        }
    }

    /// The concrete delay in seconds for the `step`-th retry at `now`.
    pub fn delay_s(&self, step: u32, now: i64, offset: UtcOffset, rng: &mut Rng) -> u64 {
        match self.at {
            Some(at) => {
                let until = at.next_after(now, offset).saturating_sub(now);
                let until = u64::try_from(until).unwrap_or(0);
                until.saturating_add(rng.up_to(u64::from(self.spread_s)))
            }
            None => self.jitter.apply(self.nominal_s(step), rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backoff(jitter: Jitter) -> DelayPolicy {
        DelayPolicy {
            base_s: 60,
            factor: 2.0,
            cap_s: 900,
            jitter,
            at: None,
            spread_s: 0,
        }
    }

    #[test]
    fn nominal_grows_and_caps() {
        let policy = backoff(Jitter::None);
        let steps: Vec<_> = (0..6).map(|k| policy.nominal_s(k)).collect();
        assert_eq!(steps, [60, 120, 240, 480, 900, 900]);
        assert_eq!(policy.nominal_s(u32::MAX), 900);
        let mut rng = Rng::new(1);
        assert_eq!(policy.delay_s(2, 0, UtcOffset::CHINA, &mut rng), 240);
    }

    #[test]
    fn jitter_stays_in_bounds() {
        let mut rng = Rng::new(9);
        for jitter in [Jitter::None, Jitter::Full, Jitter::Equal] {
            let policy = backoff(jitter);
            for step in 0..8 {
                let (low, high) = policy.bounds_s(step);
                for _ in 0..200 {
                    let delay = policy.delay_s(step, 1_700_000_000, UtcOffset::CHINA, &mut rng);
                    assert!((low..=high).contains(&delay), "{jitter:?} {step} {delay}");
                }
            }
        }
    }

    #[test]
    fn calendar_policy_waits_for_the_local_time() {
        let policy = DelayPolicy {
            base_s: 0,
            factor: 1.0,
            cap_s: 0,
            jitter: Jitter::Full,
            at: LocalTime::new(2, 0),
            spread_s: 3600,
        };
        let now = 1_704_042_000; // 01:00 local (+08:00)
        let mut rng = Rng::new(3);
        for _ in 0..100 {
            let delay = policy.delay_s(0, now, UtcOffset::CHINA, &mut rng);
            assert!((3600..=7200).contains(&delay), "{delay}");
        }
    }
}
