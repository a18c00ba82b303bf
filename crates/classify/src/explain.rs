//! Everything `fep explain` prints about one code.

use dlms_result::ResultCode;

use crate::catalog::{Catalog, onenet_module_zh};
use crate::code::{Code, Op};
use crate::decision::{Decision, Kind, Owner, Scope};
use crate::policy::DelayPolicy;
use crate::rules::{Action, Rule, RuleSet, Stage};
use crate::source::Source;

/// The names of a code: from the platform catalog, or `dlms_result` for result codes. Front-end
/// and interface codes are named by `frontend-parse`, so they have none here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Names {
    /// Chinese name.
    pub zh: Option<&'static str>,
    /// English name.
    pub en: Option<&'static str>,
    /// `onenet` service module id.
    pub module: Option<&'static str>,
    /// `onenet` service module name (Chinese).
    pub module_zh: Option<&'static str>,
    /// The seed's suggested fix.
    pub hint_zh: Option<&'static str>,
}

impl Names {
    /// The names of `(source, code)`.
    ///
    /// ```
    /// use classify::{Names, Source, Code};
    /// assert_eq!(Names::of(Source::Dar, Code::Number(2)).zh, Some("暂时失效"));
    /// assert_eq!(Names::of(Source::AliyunLiving, Code::Number(429)).en, Some("too many requests."));
    /// assert_eq!(Names::of(Source::Onenet, Code::Number(604)).module, Some("coap"));
    /// assert_eq!(Names::of(Source::Frontend, Code::Text("EL003")), Names::default());
    /// ```
    pub fn of(source: Source, code: Code<'_>) -> Self {
        let Some(number) = code.number() else {
            return Self::default();
        };
        match source {
            Source::Frontend | Source::Interface => Self::default(),
            Source::Dar => u16::try_from(number)
                .ok()
                .and_then(|number| ResultCode::new(number).info())
                .map(|info| Self {
                    zh: Some(info.name_zh),
                    en: Some(info.name_en),
                    ..Self::default()
                })
                .unwrap_or_default(),
            platform => Catalog::embedded()
                .get(platform, number)
                .map(|entry| {
                    let module = entry.module.as_deref();
                    Self {
                        zh: Some(entry.name_zh.as_str()),
                        en: entry.name_en.as_deref(),
                        module,
                        module_zh: module.and_then(onenet_module_zh),
                        hint_zh: entry.hint_zh.as_deref(),
                    }
                })
                .unwrap_or_default(),
        }
    }
}

/// One stage of the ladder, as explained.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StageExplanation<'r> {
    /// The stage's decision.
    pub decision: Decision,
    /// Its kind (retry kind, scope, owner or success kind).
    pub kind: Kind,
    /// How many failures it answers.
    pub retries: u32,
    /// The delay preset.
    pub preset: Option<&'r str>,
    /// The delay policy.
    pub policy: Option<DelayPolicy>,
}

/// Everything `fep explain` prints for one code. Serialises as the `--json` object.
///
/// ```
/// use classify::{Op, RuleSet, Source, Code};
/// let rules = RuleSet::builtin()?;
/// let explanation = rules.explain(Source::Dar, Code::Number(2), None, Op::Read);
/// assert_eq!(explanation.names.zh, Some("暂时失效"));
/// assert_eq!(explanation.decision.as_str(), "retry");
/// assert_eq!(explanation.kind.as_str(), "backoff");
/// assert_eq!((explanation.delay_min_s, explanation.delay_max_s), (30, 60));
/// assert_eq!(explanation.max_attempts, 4);
/// assert_eq!(explanation.rule, "dar.2");
/// assert!(!explanation.fallback);
///
/// // TK013 carrying 暂时失效 is delegated; an unknown code gets the fallback rule.
/// let tk013 = rules.explain(Source::Frontend, Code::Text("TK013"), Some(2), Op::Unknown);
/// assert_eq!(tk013.rule, "frontend.TK013>dar.2");
/// assert_eq!(tk013.result_names.zh, Some("暂时失效"));
/// assert!(rules.explain(Source::Onenet, Code::Number(9999), None, Op::Unknown).fallback);
/// # Ok::<(), classify::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Explanation<'r> {
    /// The source.
    pub source: Source,
    /// The code as given (canonical: numbers as numbers).
    pub code: String,
    /// The result code, when given.
    pub result_code: Option<u16>,
    /// The operation class assumed.
    pub op: Op,
    /// The code's names.
    pub names: Names,
    /// The result code's names (`dlms_result`), when a result code was given.
    pub result_names: Names,
    /// The first failure's decision.
    pub decision: Decision,
    /// Its kind.
    pub kind: Kind,
    /// Its re-archive scope.
    pub scope: Option<Scope>,
    /// Its give-up owner.
    pub owner: Option<Owner>,
    /// Its delay preset.
    pub preset: Option<&'r str>,
    /// Its delay policy.
    pub policy: Option<DelayPolicy>,
    /// The first failure's smallest delay in seconds (for a calendar deferral: after the local time).
    pub delay_min_s: u64,
    /// Its largest delay in seconds.
    pub delay_max_s: u64,
    /// The most tries the rule allows, counting the original one.
    pub max_attempts: u32,
    /// The rule id (`frontend.TK013>dar.2` when delegated).
    pub rule: String,
    /// Where the rule was defined (`builtin:123`).
    pub provenance: String,
    /// The operator text in Chinese.
    pub reason_zh: &'r str,
    /// The operator text in English.
    pub reason_en: &'r str,
    /// The rationale.
    pub why: Option<&'r str>,
    /// The justification of a rule that retries a security code.
    pub justification: Option<&'r str>,
    /// Whether the source's fallback rule matched (an unknown code).
    pub fallback: bool,
    /// Whether the code was decided by the `dar` rule of its result code.
    pub delegated: bool,
    /// The whole escalation ladder.
    pub ladder: Vec<StageExplanation<'r>>,
}

fn stage_kind(stage: &Stage) -> Kind {
    match stage.action {
        Action::Retry(kind) => Kind::Retry(kind),
        Action::ReArchive(scope) => Kind::ReArchive(scope),
        Action::GiveUp(owner) => Kind::GiveUp(owner),
        Action::Success(kind) => Kind::Success(kind),
    }
}

impl RuleSet {
    /// Explains `(source, code)` for an operation class and an optional result code: names, the
    /// first failure's decision and delay range, the ladder, the rule and its reasons.
    pub fn explain(
        &self,
        source: Source,
        code: Code<'_>,
        result_code: Option<u16>,
        op: Op,
    ) -> Explanation<'_> {
        let code = match code {
            Code::Text(text) if source.numeric_codes() => Code::parse(text),
            other => other,
        };
        let mut rule = self.rule_for(source, code, op, result_code);
        let mut via = None;
        if let (Some(_), Some(number)) = (rule.delegate, result_code) {
            via = Some(rule.id.as_str());
            rule = self.rule_for(
                Source::Dar,
                Code::Number(i64::from(number)),
                op,
                Some(number),
            );
        }
        let ladder: Vec<StageExplanation<'_>> = rule
            .ladder
            .iter()
            .map(|stage| self.explain_stage(stage))
            .collect();
        let first = ladder.first().cloned();
        let (delay_min_s, delay_max_s) = first
            .as_ref()
            .and_then(|stage| stage.policy)
            .map_or((0, 0), |policy| policy.bounds_s(0));
        let kind = first
            .as_ref()
            .map_or(Kind::GiveUp(Owner::FrontendOps), |stage| stage.kind);
        Explanation {
            source,
            code: code.to_string(),
            result_code,
            op,
            names: Names::of(source, code),
            result_names: result_code.map_or_else(Names::default, |number| {
                Names::of(Source::Dar, Code::Number(i64::from(number)))
            }),
            decision: kind.decision(),
            kind,
            scope: match kind {
                Kind::ReArchive(scope) => Some(scope),
                _ => None,
            },
            owner: match kind {
                Kind::GiveUp(owner) => Some(owner),
                _ => None,
            },
            preset: first.as_ref().and_then(|stage| stage.preset),
            policy: first.as_ref().and_then(|stage| stage.policy),
            delay_min_s,
            delay_max_s,
            max_attempts: rule.max_attempts(),
            rule: via.map_or_else(|| rule.id.clone(), |via| format!("{via}>{}", rule.id)),
            provenance: rule.provenance.to_string(),
            reason_zh: &rule.reason_zh,
            reason_en: &rule.reason_en,
            why: rule.why.as_deref(),
            justification: rule.justification.as_deref(),
            fallback: rule.is_fallback(),
            delegated: via.is_some(),
            ladder,
        }
    }

    fn explain_stage<'r>(&'r self, stage: &'r Stage) -> StageExplanation<'r> {
        let preset = stage.preset.as_deref().and_then(|name| self.preset(name));
        StageExplanation {
            decision: stage.action.decision(),
            kind: stage_kind(stage),
            retries: stage.retries,
            preset: preset.map(|preset| preset.name.as_str()),
            policy: preset.map(|preset| preset.policy),
        }
    }
}

/// The rule's ladder in one line, as in `docs/classification.md`
/// (`retry backoff (device) ×3 → give-up field`).
pub fn ladder_summary(rule: &Rule) -> String {
    crate::rules::ladder_text(rule)
}
