//! The rule table: embedded default, layered overrides, validation, dense lookup, dump and
//! Markdown rendering.
//!
//! # Matching and specificity
//!
//! A rule matches a failure by source, then by code (`code`/`codes` exact, `range` inclusive for
//! numeric sources, or `fallback` for any code of the source), optionally by operation class
//! (`op`) and by whether the failure carries a result code (`result_code = "present"|"absent"`).
//! When several rules match, the most specific wins, compared in this order:
//!
//! 1. the code match: exact (`code`/`codes`) > `range` > `fallback`;
//! 2. an `op` constraint > none;
//! 3. a `result_code` constraint > none;
//! 4. the later layer (an override file beats the builtin table).
//!
//! Two different rules of the same layer that tie on all four for some input are a load error.
//! A rule whose `id` already exists in an earlier layer replaces it in place.

mod diag;
mod dump;
mod index;
mod load;
mod parse;
mod raw;
mod render;

pub(crate) use render::ladder_text;

use crate::calendar::UtcOffset;
use crate::code::{Code, Op};
use crate::decision::{Decision, Owner, RetryKind, Scope, SuccessKind};
use crate::policy::DelayPolicy;
use crate::source::Source;

pub use diag::{Diagnostic, RulesError};

use index::Index;

/// The embedded default rule table.
pub const BUILTIN_TOML: &str = include_str!("builtin.toml");

/// The layer name of the embedded table in diagnostics and provenance.
pub const BUILTIN_NAME: &str = "builtin";

/// The DL/T 698.45 result codes that are never retried automatically: password (15), security
/// authentication and ESAM/MAC (20, 22, 23), decryption and signature (28, 29, 30) and ESAM
/// command errors (34, 35). Meters count MAC and password failures and suspend remote setting
/// (DAR 31) or lock; a rule that retries or re-archives one of these is rejected at load time
/// unless it carries a `justification`.
pub const SECURITY_RESULT_CODES: [i64; 9] = [15, 20, 22, 23, 28, 29, 30, 34, 35];

/// One rule file's text and name.
#[derive(Clone, Copy, Debug)]
pub struct Layer<'a> {
    /// The name used in diagnostics and provenance (a path, or `builtin`).
    pub name: &'a str,
    /// The TOML text.
    pub text: &'a str,
}

impl Layer<'static> {
    /// The embedded default table.
    pub const BUILTIN: Self = Self {
        name: BUILTIN_NAME,
        text: BUILTIN_TOML,
    };
}

/// Global settings of a rule set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Settings {
    /// The local time used for calendar deferrals.
    #[serde(serialize_with = "serialize_display")]
    pub utc_offset: UtcOffset,
    /// At most one re-archive per device and scope within this many seconds.
    pub rearchive_window_s: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            utc_offset: UtcOffset::CHINA,
            rearchive_window_s: 86_400,
        }
    }
}

fn serialize_display<T: core::fmt::Display, S: serde::Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// A named delay policy.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Preset {
    /// The name rules refer to.
    pub name: String,
    /// The policy.
    pub policy: DelayPolicy,
    /// Why these numbers.
    pub note: Option<String>,
}

/// An owned failure code in a rule.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(untagged)]
pub enum CodeKey {
    /// A numeric code.
    Number(i64),
    /// A textual code.
    Text(String),
}

impl CodeKey {
    /// The borrowed form.
    pub fn as_code(&self) -> Code<'_> {
        match self {
            Self::Number(number) => Code::Number(*number),
            Self::Text(text) => Code::Text(text),
        }
    }
}

impl core::fmt::Display for CodeKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Display::fmt(&self.as_code(), f)
    }
}

/// Which codes of its source a rule matches.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CodeMatch {
    /// Exactly these codes (`code = …` or `codes = […]`).
    Codes(Vec<CodeKey>),
    /// Every number in `low..=high` (`range = [low, high]`).
    Range(i64, i64),
    /// Any code no more specific rule matches (`fallback = true`).
    Fallback,
}

impl CodeMatch {
    /// The specificity level: 2 exact, 1 range, 0 fallback.
    pub const fn level(&self) -> u8 {
        match self {
            Self::Codes(_) => 2,
            Self::Range(..) => 1,
            Self::Fallback => 0,
        }
    }

    /// Whether the match covers a code (fallback covers every code).
    pub fn covers(&self, code: Code<'_>) -> bool {
        match self {
            Self::Codes(codes) => codes.iter().any(|key| key.as_code() == code),
            Self::Range(low, high) => code.number().is_some_and(|n| (*low..=*high).contains(&n)),
            Self::Fallback => true,
        }
    }
}

/// A rule's constraint on the failure's result code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Presence {
    /// Only failures that carry a result code.
    Present,
    /// Only failures without one.
    Absent,
}

impl Presence {
    /// The id used in rule files.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Absent => "absent",
        }
    }
}

/// What a ladder stage does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Retry with this kind.
    Retry(RetryKind),
    /// Re-archive in this scope, then resend after the stage's delay.
    ReArchive(Scope),
    /// Give up to this owner.
    GiveUp(Owner),
    /// Count as success.
    Success(SuccessKind),
}

impl Action {
    /// The decision of the stage.
    pub const fn decision(self) -> Decision {
        match self {
            Self::Retry(_) => Decision::Retry,
            Self::ReArchive(_) => Decision::ReArchive,
            Self::GiveUp(_) => Decision::GiveUp,
            Self::Success(_) => Decision::Success,
        }
    }
}

/// One stage of a rule's escalation ladder.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Stage {
    /// What to do.
    pub action: Action,
    /// The delay preset (retry and re-archive stages).
    pub preset: Option<String>,
    /// How many failures the stage answers (retry stages; 1 for the others).
    pub retries: u32,
}

/// Where a rule was defined.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Provenance {
    /// The layer's name.
    pub layer: String,
    /// The line of the rule's `id`.
    pub line: usize,
}

impl core::fmt::Display for Provenance {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}:{}", self.layer, self.line)
    }
}

/// One rule of the effective table.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Rule {
    /// The unique id (`frontend.EL003`, `dar.2`, `onenet.offline`).
    pub id: String,
    /// The source whose codes it matches.
    pub source: Source,
    /// The codes it matches.
    pub codes: CodeMatch,
    /// The operation classes it is limited to (empty: any).
    pub ops: Vec<Op>,
    /// Its constraint on the failure's result code.
    pub result_code: Option<Presence>,
    /// `Some(Source::Dar)`: the failure is decided by the `dar` rule of its result code.
    pub delegate: Option<Source>,
    /// The escalation ladder (empty for delegating rules).
    pub ladder: Vec<Stage>,
    /// Operator text in Chinese: what happened, who acts, the evidence.
    pub reason_zh: String,
    /// The same in English.
    pub reason_en: String,
    /// The design rationale.
    pub why: Option<String>,
    /// Why a rule may retry a security result code (see [`SECURITY_RESULT_CODES`]).
    pub justification: Option<String>,
    /// Breaks ties between rules of equal specificity in one layer: the higher wins (0 unless
    /// the file says otherwise; the dump writes it to keep the order of its source layers).
    #[serde(skip_serializing_if = "is_zero")]
    pub precedence: u16,
    /// Where it was defined.
    pub provenance: Provenance,
}

impl Rule {
    /// The specificity key (code level, op constrained, result code constrained); then the
    /// later layer and the higher [`Rule::precedence`] win.
    pub fn specificity(&self) -> (u8, bool, bool) {
        (
            self.codes.level(),
            !self.ops.is_empty(),
            self.result_code.is_some(),
        )
    }

    /// Whether the rule applies to a failure of its source with this code, op and result-code
    /// presence.
    pub fn matches(&self, code: Code<'_>, op: Op, has_result_code: bool) -> bool {
        self.applies_in(op, has_result_code) && self.codes.covers(code)
    }

    /// Whether the rule's op and result-code constraints admit a failure of this op and
    /// result-code presence (its codes aside).
    pub(crate) fn applies_in(&self, op: Op, has_result_code: bool) -> bool {
        let op_ok = self.ops.is_empty() || self.ops.contains(&op);
        let presence_ok = match self.result_code {
            None => true,
            Some(Presence::Present) => has_result_code,
            Some(Presence::Absent) => !has_result_code,
        };
        op_ok && presence_ok
    }

    /// Whether this is its source's fallback rule.
    pub fn is_fallback(&self) -> bool {
        self.codes == CodeMatch::Fallback
    }

    /// The maximum number of tries the ladder allows, counting the original one: 1 + the
    /// retries of every retry stage + 1 per re-archive stage (its follow-up resend).
    pub fn max_attempts(&self) -> u32 {
        self.ladder
            .iter()
            .fold(1_u32, |total, stage| match stage.action {
                Action::Retry(_) => total.saturating_add(stage.retries),
                Action::ReArchive(_) => total.saturating_add(1),
                Action::GiveUp(_) | Action::Success(_) => total,
            })
    }
}

/// A compiled stage: the policy copied out of its preset for the hot path.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CompiledStage {
    pub(crate) action: Action,
    pub(crate) retries: u32,
    pub(crate) policy: Option<DelayPolicy>,
    pub(crate) preset: Option<u16>,
}

/// A compiled rule.
#[derive(Clone, Debug)]
pub(crate) struct CompiledRule {
    pub(crate) stages: Vec<CompiledStage>,
    pub(crate) delegates: bool,
    pub(crate) fallback: bool,
    pub(crate) max_attempts: u32,
}

/// The effective rule table: the builtin table with any override layers applied, validated and
/// compiled into dense lookup tables.
///
/// ```
/// use classify::{RuleSet, Source, Code, Op};
/// let rules = RuleSet::builtin()?;
/// let rule = rules.rule_for(Source::Frontend, Code::Text("EA001"), Op::Read, None);
/// assert_eq!(rule.id, "frontend.EA001");
/// # Ok::<(), classify::RulesError>(())
/// ```
#[derive(Clone, Debug)]
pub struct RuleSet {
    settings: Settings,
    presets: Vec<Preset>,
    rules: Vec<Rule>,
    compiled: Vec<CompiledRule>,
    index: Index,
    layers: Vec<String>,
    /// Per rule: its layer and precedence, the tie-breakers after specificity.
    ranks: Vec<(usize, u16)>,
}

impl RuleSet {
    /// The embedded default table alone.
    ///
    /// # Errors
    /// Only if the embedded table is invalid, which the crate's tests rule out.
    pub fn builtin() -> Result<Self, RulesError> {
        Self::from_layers(&[Layer::BUILTIN])
    }

    /// The builtin table with one override file on top (`--rules FILE`).
    ///
    /// ```
    /// let overrides = r#"
    /// [[rule]]
    /// id = "dar.2"
    /// source = "dar"
    /// code = 2
    /// ladder = [{ do = "retry", kind = "backoff", preset = "device", retries = 5 }, { do = "give-up", owner = "field" }]
    /// reason_zh = "暂时失效：退避重试 5 次。"
    /// reason_en = "Temporary failure: backoff ×5."
    /// "#;
    /// let rules = classify::RuleSet::with_overrides("site.toml", overrides)?;
    /// let rule = rules.rule_for(classify::Source::Dar, classify::Code::Number(2), classify::Op::Read, None);
    /// assert_eq!(rule.max_attempts(), 6);
    /// assert_eq!(rule.provenance.layer, "site.toml");
    /// # Ok::<(), classify::RulesError>(())
    /// ```
    ///
    /// # Errors
    /// Every problem in the file (or in the combination), with line and column.
    pub fn with_overrides(name: &str, text: &str) -> Result<Self, RulesError> {
        Self::from_layers(&[Layer::BUILTIN, Layer { name, text }])
    }

    /// Layers applied in order: later layers replace rules with the same id, add new rules and
    /// presets, and override settings. The result must give every source a fallback rule.
    ///
    /// # Errors
    /// Every problem found, with file, line and column.
    pub fn from_layers(layers: &[Layer<'_>]) -> Result<Self, RulesError> {
        load::load(layers)
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The presets, by name.
    pub fn presets(&self) -> &[Preset] {
        &self.presets
    }

    /// A preset by name.
    pub fn preset(&self, name: &str) -> Option<&Preset> {
        self.presets.iter().find(|preset| preset.name == name)
    }

    /// Every rule, in table order (builtin order, replacements in place, additions last).
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// A rule by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.id == id)
    }

    /// The names of the layers, in order.
    pub fn layers(&self) -> &[String] {
        &self.layers
    }

    /// The rule that decides `(source, code)` for an operation class and an optional result code,
    /// without delegation (a TK013 with a result code gives the delegating rule).
    pub fn rule_for(
        &self,
        source: Source,
        code: Code<'_>,
        op: Op,
        result_code: Option<u16>,
    ) -> &Rule {
        let index = self.index.lookup(source, code, op, result_code.is_some());
        self.rule_at(index)
    }

    /// The sources that have a non-fallback rule for `code`, to guess a source when the user gave
    /// none (`fep explain EA001` → `frontend`).
    pub fn sources_for(&self, code: &str) -> Vec<Source> {
        let code = Code::parse(code);
        Source::ALL
            .into_iter()
            .filter(|&source| {
                self.rules.iter().any(|rule| {
                    rule.source == source && !rule.is_fallback() && rule.codes.covers(code)
                })
            })
            .collect()
    }

    pub(crate) fn rule_at(&self, index: u16) -> &Rule {
        let fallback = self.rules.first();
        match self.rules.get(usize::from(index)).or(fallback) {
            Some(rule) => rule,
            // A loaded rule set always has rules (every source needs a fallback); the index only
            // holds valid positions.
            None => unreachable_rule(),
        }
    }

    pub(crate) fn compiled_at(&self, index: u16) -> Option<&CompiledRule> {
        self.compiled.get(usize::from(index))
    }

    pub(crate) fn lookup(
        &self,
        source: Source,
        code: Code<'_>,
        op: Op,
        has_result_code: bool,
    ) -> u16 {
        self.index.lookup(source, code, op, has_result_code)
    }

    pub(crate) fn preset_name(&self, index: Option<u16>) -> Option<&str> {
        index
            .and_then(|index| self.presets.get(usize::from(index)))
            .map(|preset| preset.name.as_str())
    }

    /// The effective table as TOML (`fep rules --dump`); loading it alone gives the same table.
    pub fn dump_toml(&self) -> String {
        dump::dump(self)
    }

    /// The effective table as Markdown: this is `docs/classification.md`.
    pub fn render_markdown(&self) -> String {
        render::render(self)
    }
}

/// For `skip_serializing_if`: a default precedence is not written.
#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde passes a reference"
)]
fn is_zero(value: &u16) -> bool {
    *value == 0
}

#[cold]
fn unreachable_rule() -> &'static Rule {
    static EMPTY: std::sync::LazyLock<Rule> = std::sync::LazyLock::new(|| Rule {
        id: String::from("internal.empty"),
        source: Source::Frontend,
        codes: CodeMatch::Fallback,
        ops: Vec::new(),
        result_code: None,
        delegate: None,
        ladder: vec![Stage {
            action: Action::GiveUp(Owner::FrontendOps),
            preset: None,
            retries: 1,
        }],
        reason_zh: String::from("规则表为空。"),
        reason_en: String::from("The rule table is empty."),
        why: None,
        justification: None,
        precedence: 0,
        provenance: Provenance {
            layer: String::new(),
            line: 0,
        },
    });
    &EMPTY
}
