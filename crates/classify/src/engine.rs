//! Pure classification: failure + history + rules + `now` + a seeded RNG → verdict.
//!
//! No I/O, no clock, no allocation: the rule is found in precomputed tables, the verdict borrows
//! its texts from the rule set, and the history is read through [`HistoryView`].

use dlms_result::ResultCode;

use crate::code::{Code, Op};
use crate::decision::{Decision, Kind, Owner};
use crate::history::HistoryView;
use crate::rng::Rng;
use crate::rules::{Action, CompiledRule, CompiledStage, RuleSet};
use crate::source::Source;
use crate::verdict::{RuleRef, Verdict};

/// One failure to classify. Borrows its strings from the caller.
///
/// ```
/// use classify::{Failure, Op, Source};
/// use dlms_result::ResultCode;
/// let failure = Failure::new(Source::Frontend, "TK013")
///     .with_result_code(Some(ResultCode::TEMPORARY_FAILURE))
///     .with_op(Op::Read)
///     .with_device("8000000042769980", "1147186771");
/// assert_eq!(failure.result_code, Some(ResultCode::new(2)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failure<'a> {
    /// The source of the code.
    pub source: Source,
    /// The code (see [`Code::parse`]).
    pub code: Code<'a>,
    /// The result code the failure carries (TK013 / DAR failures of a data unit).
    pub result_code: Option<ResultCode>,
    /// The operation class of the failed request.
    pub op: Op,
    /// The device (`devSn`): the history key. Empty if unknown.
    pub device: &'a str,
    /// Its terminal (`commDevId`). Empty if unknown.
    pub terminal: &'a str,
    /// A server's retry-after in seconds, if it gave one: a lower bound for the delay.
    pub retry_after_s: Option<u32>,
}

impl<'a> Failure<'a> {
    /// A failure with `code` (parsed with [`Code::parse`]) and nothing else known.
    pub fn new(source: Source, code: &'a str) -> Self {
        Self::with_code(source, Code::parse(code))
    }

    /// A failure with an already-parsed code.
    pub const fn with_code(source: Source, code: Code<'a>) -> Self {
        Self {
            source,
            code,
            result_code: None,
            op: Op::Unknown,
            device: "",
            terminal: "",
            retry_after_s: None,
        }
    }

    /// A bare result code (source `dar`).
    pub fn dar(result_code: ResultCode) -> Self {
        let mut failure = Self::with_code(Source::Dar, Code::Number(i64::from(result_code.get())));
        failure.result_code = Some(result_code);
        failure
    }

    /// Sets the result code.
    #[must_use]
    pub const fn with_result_code(mut self, result_code: Option<ResultCode>) -> Self {
        self.result_code = result_code;
        self
    }

    /// Sets the operation class.
    #[must_use]
    pub const fn with_op(mut self, op: Op) -> Self {
        self.op = op;
        self
    }

    /// Sets the device and its terminal.
    #[must_use]
    pub const fn with_device(mut self, device: &'a str, terminal: &'a str) -> Self {
        self.device = device;
        self.terminal = terminal;
        self
    }

    /// Sets a server-given retry-after.
    #[must_use]
    pub const fn with_retry_after(mut self, seconds: Option<u32>) -> Self {
        self.retry_after_s = seconds;
        self
    }

    /// The (source, code) under which the history counts this failure: the result code for a
    /// delegated front-end failure (`TK013` with DAR 2 is counted as `dar` 2), else its own.
    pub fn history_key(&self, verdict: &Verdict<'_>) -> (Source, Code<'a>) {
        match (verdict.delegated, self.result_code) {
            (true, Some(result_code)) => (Source::Dar, Code::Number(i64::from(result_code.get()))),
            _ => (self.source, self.code),
        }
    }
}

impl RuleSet {
    /// Classifies one failure.
    ///
    /// * `history`: earlier attempts ([`NoHistory`](crate::NoHistory) for a first attempt);
    /// * `now`: Unix seconds (calendar deferrals and `not_before`);
    /// * `rng`: jitter; the same seed gives the same verdict.
    ///
    /// ```
    /// use classify::{Failure, History, HistoryRecord, NoHistory, Rng, RuleSet, Source, Code};
    /// use dlms_result::ResultCode;
    /// let rules = RuleSet::builtin()?;
    /// let now = 1_700_000_000;
    ///
    /// // TK013 with 暂时失效 is decided by the DAR 2 rule: backoff.
    /// let tk013 = Failure::new(Source::Frontend, "TK013")
    ///     .with_result_code(Some(ResultCode::TEMPORARY_FAILURE))
    ///     .with_device("8000000042769980", "1147186771");
    /// let first = rules.classify(&tk013, &NoHistory, now, &mut Rng::new(1));
    /// assert_eq!(first.decision.as_str(), "retry");
    /// assert_eq!(first.kind.as_str(), "backoff");
    /// assert_eq!(first.rule.to_string(), "frontend.TK013>dar.2");
    /// assert!((30..=60).contains(&first.delay_s));
    ///
    /// // After three failed retries the device goes to field service.
    /// let mut history = History::new();
    /// history.insert(HistoryRecord::new("8000000042769980", Source::Dar, Code::Number(2), 3));
    /// let later = rules.classify(&tk013, &history, now, &mut Rng::new(1));
    /// assert_eq!(later.decision.as_str(), "give-up");
    /// assert_eq!(later.kind.as_str(), "field");
    /// # Ok::<(), classify::RulesError>(())
    /// ```
    pub fn classify<H: HistoryView + ?Sized>(
        &self,
        failure: &Failure<'_>,
        history: &H,
        now: i64,
        rng: &mut Rng,
    ) -> Verdict<'_> {
        let has_result_code = failure.result_code.is_some();
        let mut position = self.lookup(failure.source, failure.code, failure.op, has_result_code);
        let mut via = None;
        let mut key = (failure.source, failure.code);
        if let (Some(compiled), Some(result_code)) =
            (self.compiled_at(position), failure.result_code)
            && compiled.delegates
        {
            via = Some(self.rule_at(position).id.as_str());
            let code = Code::Number(i64::from(result_code.get()));
            key = (Source::Dar, code);
            position = self.lookup(Source::Dar, code, failure.op, true);
        }
        let rule = self.rule_at(position);
        let attempts = history.attempts(failure.device, key.0, key.1);
        let base = Verdict {
            decision: Decision::GiveUp,
            kind: Kind::GiveUp(Owner::FrontendOps),
            scope: None,
            owner: None,
            preset: None,
            policy: None,
            delay_s: 0,
            not_before: now,
            attempt: attempts.saturating_add(1),
            max_attempts: 1,
            stage: 0,
            rule: RuleRef {
                via,
                id: rule.id.as_str(),
                position: usize::from(position),
            },
            reason_zh: rule.reason_zh.as_str(),
            reason_en: rule.reason_en.as_str(),
            fallback: false,
            delegated: via.is_some(),
        };
        let Some(compiled) = self.compiled_at(position) else {
            // Unreachable for a loaded rule set: every index names a compiled rule.
            return Verdict {
                owner: Some(Owner::FrontendOps),
                ..base
            };
        };
        let base = Verdict {
            max_attempts: compiled.max_attempts,
            fallback: compiled.fallback,
            ..base
        };
        self.walk(compiled, base, failure, history, attempts, now, rng)
    }

    /// Walks the ladder to the stage that answers the `attempts + 1`-th failure.
    #[allow(clippy::too_many_arguments, reason = "internal step of classify")]
    fn walk<'r, H: HistoryView + ?Sized>(
        &'r self,
        compiled: &'r CompiledRule,
        base: Verdict<'r>,
        failure: &Failure<'_>,
        history: &H,
        attempts: u32,
        now: i64,
        rng: &mut Rng,
    ) -> Verdict<'r> {
        let window = i64::from(self.settings().rearchive_window_s);
        let mut position = attempts;
        let mut last = base;
        for (index, stage) in compiled.stages.iter().enumerate() {
            let stage_index = u8::try_from(index).unwrap_or(u8::MAX);
            match stage.action {
                Action::Retry(kind) => {
                    if position < stage.retries {
                        let delay = self.delay(stage, position, failure, now, rng);
                        return Verdict {
                            decision: Decision::Retry,
                            kind: Kind::Retry(kind),
                            preset: self.preset_name(stage.preset),
                            policy: stage.policy,
                            delay_s: delay,
                            not_before: now.saturating_add_unsigned(delay),
                            stage: stage_index,
                            ..base
                        };
                    }
                    position = position.saturating_sub(stage.retries);
                }
                Action::ReArchive(scope) => {
                    // One re-archive per device and scope per window: a recent one means this
                    // failure came back after it, so the stage is spent.
                    let recent = history
                        .last_rearchive(failure.device, scope)
                        .is_some_and(|at| now.saturating_sub(at) < window);
                    if recent {
                        continue;
                    }
                    if position == 0 {
                        let delay = self.delay(stage, 0, failure, now, rng);
                        return Verdict {
                            decision: Decision::ReArchive,
                            kind: Kind::ReArchive(scope),
                            scope: Some(scope),
                            preset: self.preset_name(stage.preset),
                            policy: stage.policy,
                            delay_s: delay,
                            not_before: now.saturating_add_unsigned(delay),
                            stage: stage_index,
                            ..base
                        };
                    }
                    position = position.saturating_sub(1);
                }
                Action::GiveUp(owner) => {
                    return Verdict {
                        decision: Decision::GiveUp,
                        kind: Kind::GiveUp(owner),
                        owner: Some(owner),
                        stage: stage_index,
                        ..base
                    };
                }
                Action::Success(kind) => {
                    return Verdict {
                        decision: Decision::Success,
                        kind: Kind::Success(kind),
                        stage: stage_index,
                        ..base
                    };
                }
            }
            last = Verdict {
                stage: stage_index,
                ..base
            };
        }
        // Unreachable for a loaded rule set: every ladder ends with give-up or success.
        Verdict {
            owner: Some(Owner::FrontendOps),
            ..last
        }
    }

    fn delay(
        &self,
        stage: &CompiledStage,
        step: u32,
        failure: &Failure<'_>,
        now: i64,
        rng: &mut Rng,
    ) -> u64 {
        let computed = stage.policy.map_or(0, |policy| {
            policy.delay_s(step, now, self.settings().utc_offset, rng)
        });
        computed.max(failure.retry_after_s.map_or(0, u64::from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::NoHistory;

    #[test]
    fn unknown_codes_hit_the_source_fallback() {
        let rules = RuleSet::builtin().unwrap();
        for source in Source::ALL {
            let failure = Failure::new(source, "ZZ-not-a-code");
            let verdict = rules.classify(&failure, &NoHistory, 0, &mut Rng::new(0));
            assert!(verdict.fallback, "{source}");
            assert_eq!(verdict.rule.id, format!("{source}.fallback"));
        }
    }

    #[test]
    fn retry_after_is_a_lower_bound() {
        let rules = RuleSet::builtin().unwrap();
        let failure = Failure::new(Source::AliyunLiving, "429").with_retry_after(Some(5000));
        let verdict = rules.classify(&failure, &NoHistory, 0, &mut Rng::new(0));
        assert_eq!(verdict.delay_s, 5000);
        assert_eq!(verdict.not_before, 5000);
    }
}
