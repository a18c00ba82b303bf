//! # classify
//!
//! Turns every failure the metering front-end reports — its own task codes, interface errors,
//! DL/T 698.45 result codes (DAR) and the error codes of four device-cloud platforms — into one of four
//! decisions an operator can act on: **retry** (with a kind, a delay policy and an attempt
//! budget), **re-archive** (repair the device's archive in a scope, then resend), **give-up**
//! (with the owner who has to act) or **success** (nothing to do, or already applied).
//!
//! Everything is driven by one rule table, embedded as TOML (`src/rules/builtin.toml`) and
//! rendered as `docs/classification.md`; `--rules FILE` layers site overrides on top
//! ([`RuleSet::with_overrides`]). Rules are keyed by `(source, code)`, never by a bare number.
//!
//! Classification is a pure function of the failure, the attempt history, the rules, `now` and a
//! seeded RNG ([`RuleSet::classify`]); it allocates nothing. [`Planner`] turns the verdicts of a
//! task into a plan, and [`RuleSet::explain`] tells everything about one code.
//!
//! ```
//! use classify::{Failure, NoHistory, Op, Rng, RuleSet, Source};
//!
//! let rules = RuleSet::builtin()?;
//! let now = 1_700_000_000; // Unix seconds
//! let mut rng = Rng::new(42);
//!
//! // The meter did not answer: back off, 60 s with equal jitter for the first retry.
//! let verdict = rules.classify(&Failure::new(Source::Frontend, "EL003").with_op(Op::Read), &NoHistory, now, &mut rng);
//! assert_eq!((verdict.decision.as_str(), verdict.kind.as_str()), ("retry", "backoff"));
//! assert!((30..=60).contains(&verdict.delay_s));
//! assert_eq!(verdict.max_attempts, 5);
//!
//! // A wrong password is never retried: meters lock.
//! let verdict = rules.classify(&Failure::new(Source::Dar, "15"), &NoHistory, now, &mut rng);
//! assert_eq!((verdict.decision.as_str(), verdict.kind.as_str()), ("give-up", "security"));
//!
//! // The same number means different things on different platforms.
//! let forbidden = rules.classify(&Failure::new(Source::AliyunLiving, "403"), &NoHistory, now, &mut rng);
//! let rate = rules.classify(&Failure::new(Source::Onenet, "403"), &NoHistory, now, &mut rng);
//! assert_eq!(forbidden.decision.as_str(), "give-up");
//! assert_eq!(rate.kind.as_str(), "throttled");
//! # Ok::<(), classify::RulesError>(())
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::arithmetic_side_effects,
        clippy::unimplemented,
    )
)]

mod calendar;
mod catalog;
mod code;
mod decision;
mod engine;
mod explain;
#[doc(hidden)]
pub mod fuzz_support;
mod history;
mod plan;
mod policy;
mod rng;
mod rules;
mod source;
mod verdict;

pub use calendar::{BadTime, LocalTime, UtcOffset};
pub use catalog::{
    CATALOG_TOML, Catalog, CatalogEntry, CatalogError, ONENET_MODULES, onenet_module_zh,
};
pub use code::{Code, Op};
pub use decision::{Decision, Kind, Owner, RetryKind, Scope, SuccessKind};
pub use engine::Failure;
pub use explain::{Explanation, Names, StageExplanation, ladder_summary};
pub use history::{History, HistoryError, HistoryRecord, HistoryView, NoHistory};
pub use plan::{
    DecisionCounts, GiveUpGroup, MassFailure, PlanConfig, PlanUnit, PlannedUnit, Planner,
    RearchiveAction, RetryGroup, TaskPlan,
};
pub use policy::{DelayPolicy, Jitter};
pub use rng::Rng;
pub use rules::{
    Action, BUILTIN_NAME, BUILTIN_TOML, CodeKey, CodeMatch, Diagnostic, Layer, Presence, Preset,
    Provenance, Rule, RuleSet, RulesError, SECURITY_RESULT_CODES, Settings, Stage,
};
pub use source::{Source, UnknownSource};
pub use verdict::{RuleRef, Verdict};

/// The README's examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
