//! The verdict: what to do with one failure, and why.

use core::fmt;

use crate::decision::{Decision, Kind, Owner, Scope};
use crate::policy::DelayPolicy;

/// The id of the rule that decided, with the delegating rule in front when a front-end code was
/// decided by its result code: `frontend.TK013>dar.2`. Serialises as that string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RuleRef<'r> {
    /// The delegating rule (`frontend.TK013`), if any.
    pub via: Option<&'r str>,
    /// The deciding rule.
    pub id: &'r str,
    /// The deciding rule's position in [`RuleSet::rules`](crate::RuleSet::rules): an index
    /// into tables built once per rule set (`fep batch` keeps there the end of a record that
    /// only the rule decides).
    pub position: usize,
}

impl fmt::Display for RuleRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(via) = self.via {
            write!(f, "{via}>")?;
        }
        f.write_str(self.id)
    }
}

impl serde::Serialize for RuleRef<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.via {
            Some(_) => serializer.collect_str(self),
            None => serializer.serialize_str(self.id),
        }
    }
}

/// What to do with one failure. Borrows its texts from the [`RuleSet`](crate::RuleSet): making a
/// verdict allocates nothing.
///
/// Serialised (e.g. by `fep classify`) as one JSON object:
///
/// ```
/// use classify::{Failure, NoHistory, Rng, RuleSet, Source};
/// let rules = RuleSet::builtin()?;
/// let verdict = rules.classify(&Failure::new(Source::Frontend, "EA001"), &NoHistory, 1_700_000_000, &mut Rng::new(1));
/// let json = serde_json::to_value(verdict).unwrap();
/// assert_eq!(json["decision"], "re-archive");
/// assert_eq!(json["kind"], "comm-layer");
/// assert_eq!(json["scope"], "comm-layer");
/// assert_eq!(json["rule"], "frontend.EA001");
/// assert_eq!(json["policy"]["base_s"], 120);
/// # Ok::<(), classify::RulesError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Verdict<'r> {
    /// `success`, `retry`, `re-archive` or `give-up`.
    pub decision: Decision,
    /// The retry kind, re-archive scope, give-up owner or success kind.
    pub kind: Kind,
    /// The re-archive scope (re-archive only).
    pub scope: Option<Scope>,
    /// Who has to act (give-up only).
    pub owner: Option<Owner>,
    /// The delay preset of the resend (retry and re-archive).
    pub preset: Option<&'r str>,
    /// The delay policy of the resend (retry and re-archive).
    pub policy: Option<DelayPolicy>,
    /// Seconds from `now` until the resend (0 for give-up and success).
    pub delay_s: u64,
    /// `now + delay_s`, Unix seconds: the earliest time to resend.
    pub not_before: i64,
    /// This failure's attempt number (1 for the first failure).
    pub attempt: u32,
    /// The most tries the rule allows, counting the original one.
    pub max_attempts: u32,
    /// The ladder stage that decided (0-based).
    pub stage: u8,
    /// The deciding rule.
    pub rule: RuleRef<'r>,
    /// The operator text in Chinese.
    pub reason_zh: &'r str,
    /// The operator text in English.
    pub reason_en: &'r str,
    /// Whether the source's fallback rule decided (an unknown code).
    pub fallback: bool,
    /// Whether a front-end code was decided by the `dar` rule of its result code.
    pub delegated: bool,
}

impl Verdict<'_> {
    /// Whether the failure should be sent again (retry, or re-archive then resend).
    pub const fn resends(&self) -> bool {
        matches!(self.decision, Decision::Retry | Decision::ReArchive)
    }
}
