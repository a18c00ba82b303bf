//! Parsing one rule layer: the raw TOML with spans, every field checked with its line and
//! column. The combination of layers is checked by `load`.

use std::collections::BTreeMap;

use toml::Spanned;

use crate::calendar::{LocalTime, UtcOffset};
use crate::code::{Code, Op};
use crate::decision::{Owner, RetryKind, Scope, SuccessKind};
use crate::policy::{DelayPolicy, Jitter};
use crate::source::Source;

use super::diag::{Pos, Sink};
use super::raw::{RawCode, RawFile, RawPreset, RawRule, RawStage};
use super::{Action, CodeKey, CodeMatch, Presence, Preset, Provenance, Rule, Stage};

/// The most retries one stage may grant (48 half-hour polls is a day; 1000 is a month of them).
const MAX_RETRIES: i64 = 1000;
/// The longest delay a preset may give: a week.
const MAX_DELAY_S: i64 = 7 * 86_400;
/// Where a merged rule's parts were written, for diagnostics after the merge.
#[derive(Clone, Debug)]
pub(super) struct RuleSite {
    pub(super) layer: usize,
    pub(super) id: Pos,
    pub(super) presets: Vec<(String, Pos)>,
}

#[derive(Default)]
pub(super) struct LayerDef {
    pub(super) utc_offset: Option<UtcOffset>,
    pub(super) rearchive_window_s: Option<u32>,
    pub(super) presets: Vec<Preset>,
    pub(super) rules: Vec<(Rule, RuleSite)>,
}

pub(super) fn parse_layer(sink: &mut Sink<'_>, layer: usize) -> LayerDef {
    let raw: RawFile = match toml::from_str(sink.text) {
        Ok(raw) => raw,
        Err(error) => {
            let offset = error.span().map_or(0, |span| span.start);
            let message = error.message().trim().to_owned();
            sink.error_at(offset, message);
            return LayerDef::default();
        }
    };
    let mut def = LayerDef::default();
    if let Some(schema) = &raw.schema
        && *schema.get_ref() != 1
    {
        sink.error_at(
            schema.span().start,
            format!("unsupported schema {} (this is schema 1)", schema.get_ref()),
        );
    }
    if let Some(settings) = &raw.settings {
        if let Some(offset) = &settings.utc_offset {
            match offset.get_ref().parse::<UtcOffset>() {
                Ok(parsed) => def.utc_offset = Some(parsed),
                Err(error) => sink.error_at(offset.span().start, error.to_string()),
            }
        }
        if let Some(window) = &settings.rearchive_window_s {
            def.rearchive_window_s = bounded(sink, window, "rearchive_window_s", 1, 30 * 86_400);
        }
    }
    for (name, preset) in &raw.presets {
        if let Some(parsed) = parse_preset(sink, name, preset) {
            def.presets.push(parsed);
        }
    }
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for rule in &raw.rule {
        let id = rule.get_ref().id.get_ref().as_str();
        if let Some(first_line) = seen.get(id) {
            sink.error_at(
                rule.get_ref().id.span().start,
                format!("duplicate rule id `{id}` (first defined on line {first_line})"),
            );
            continue;
        }
        seen.insert(id, sink.pos(rule.get_ref().id.span().start).line);
        if let Some(parsed) = parse_rule(sink, rule.get_ref(), layer) {
            def.rules.push(parsed);
        }
    }
    def
}

fn bounded(
    sink: &mut Sink<'_>,
    value: &Spanned<i64>,
    field: &str,
    low: i64,
    high: i64,
) -> Option<u32> {
    let number = *value.get_ref();
    if (low..=high).contains(&number) {
        u32::try_from(number).ok()
    } else {
        sink.error_at(
            value.span().start,
            format!("`{field}` must be between {low} and {high}, not {number}"),
        );
        None
    }
}

fn parse_preset(
    sink: &mut Sink<'_>,
    name: &Spanned<String>,
    preset: &Spanned<RawPreset>,
) -> Option<Preset> {
    let before = sink.diagnostics.len();
    let start = name.span().start;
    let valid_name = !name.get_ref().is_empty()
        && name
            .get_ref()
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid_name {
        sink.error_at(
            start,
            format!(
                "preset name `{}` must be lower-case letters, digits and `-`",
                name.get_ref()
            ),
        );
    }
    let raw = preset.get_ref();
    let policy = if let Some(at) = &raw.at {
        for (present, field) in [
            (raw.base_s.is_some(), "base_s"),
            (raw.factor.is_some(), "factor"),
            (raw.cap_s.is_some(), "cap_s"),
            (raw.jitter.is_some(), "jitter"),
        ] {
            if present {
                sink.error_at(
                    preset.span().start,
                    format!("preset `{}`: a calendar preset (`at`) takes only `spread_s`, not `{field}`", name.get_ref()),
                );
            }
        }
        let at_time = match at.get_ref().parse::<LocalTime>() {
            Ok(parsed) => Some(parsed),
            Err(error) => {
                sink.error_at(at.span().start, error.to_string());
                None
            }
        };
        let spread = match &raw.spread_s {
            Some(spread) => bounded(sink, spread, "spread_s", 0, 86_400),
            None => Some(0),
        };
        DelayPolicy {
            base_s: 0,
            factor: 1.0,
            cap_s: 0,
            jitter: Jitter::Full,
            at: at_time,
            spread_s: spread.unwrap_or(0),
        }
    } else {
        if let Some(spread) = &raw.spread_s {
            sink.error_at(
                spread.span().start,
                format!("preset `{}`: `spread_s` needs `at`", name.get_ref()),
            );
        }
        let base = if let Some(base) = &raw.base_s {
            bounded(sink, base, "base_s", 0, MAX_DELAY_S)
        } else {
            sink.error_at(
                preset.span().start,
                format!("preset `{}` needs `base_s` (or `at`)", name.get_ref()),
            );
            None
        };
        let cap = match &raw.cap_s {
            Some(cap) => bounded(sink, cap, "cap_s", 0, MAX_DELAY_S),
            None => base,
        };
        if let (Some(base), Some(cap), Some(span)) =
            (base, cap, raw.cap_s.as_ref().map(Spanned::span))
            && cap < base
        {
            sink.error_at(
                span.start,
                format!(
                    "preset `{}`: cap_s {cap} is below base_s {base}",
                    name.get_ref()
                ),
            );
        }
        let factor = raw
            .factor
            .as_ref()
            .map_or(1.0, |factor| factor.get_ref().as_f64());
        if !(1.0..=10.0).contains(&factor) {
            let offset = raw
                .factor
                .as_ref()
                .map_or(start, |factor| factor.span().start);
            sink.error_at(
                offset,
                format!(
                    "preset `{}`: factor must be between 1 and 10",
                    name.get_ref()
                ),
            );
        }
        let jitter = match &raw.jitter {
            Some(jitter) => Jitter::from_id(jitter.get_ref()).or_else(|| {
                sink.error_at(
                    jitter.span().start,
                    format!("unknown jitter `{}` (none, full, equal)", jitter.get_ref()),
                );
                None
            }),
            None => Some(Jitter::None),
        };
        DelayPolicy {
            base_s: base.unwrap_or(0),
            factor,
            cap_s: cap.unwrap_or(0),
            jitter: jitter.unwrap_or(Jitter::None),
            at: None,
            spread_s: 0,
        }
    };
    (sink.diagnostics.len() == before).then(|| Preset {
        name: name.get_ref().clone(),
        policy,
        note: raw.note.clone(),
    })
}

fn parse_rule(sink: &mut Sink<'_>, raw: &RawRule, layer: usize) -> Option<(Rule, RuleSite)> {
    let before = sink.diagnostics.len();
    let id = raw.id.get_ref();
    let id_offset = raw.id.span().start;
    let valid_id = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if !valid_id {
        sink.error_at(
            id_offset,
            format!("rule id `{id}` must be ASCII letters, digits, `.`, `-` and `_`"),
        );
    }
    let source = match raw.source.get_ref().parse::<Source>() {
        Ok(source) => Some(source),
        Err(error) => {
            sink.error_at(raw.source.span().start, error.to_string());
            None
        }
    };

    let codes = source.and_then(|source| parse_codes(sink, raw, source, id_offset));
    let ops = parse_ops(sink, raw);
    let result_code =
        raw.result_code
            .as_ref()
            .and_then(|presence| match presence.get_ref().as_str() {
                "present" => Some(Presence::Present),
                "absent" => Some(Presence::Absent),
                other => {
                    sink.error_at(
                        presence.span().start,
                        format!("`result_code` must be \"present\" or \"absent\", not `{other}`"),
                    );
                    None
                }
            });

    let delegate = raw.delegate.as_ref().and_then(|delegate| {
        let offset = delegate.span().start;
        if delegate.get_ref() != "dar" {
            sink.error_at(offset, format!("rules can only delegate to `dar`, not `{}`", delegate.get_ref()));
            return None;
        }
        if source == Some(Source::Dar) {
            sink.error_at(offset, "a `dar` rule cannot delegate to `dar`");
        }
        if result_code != Some(Presence::Present) {
            sink.error_at(offset, "a delegating rule needs `result_code = \"present\"` (delegation is by result code)");
        }
        if raw.ladder.is_some() {
            sink.error_at(offset, "a delegating rule has no `ladder`: the `dar` rule of the result code decides");
        }
        Some(Source::Dar)
    });

    let mut presets = Vec::new();
    let ladder = match (&raw.ladder, delegate) {
        (Some(ladder), _) => parse_ladder(sink, ladder, &mut presets),
        (None, Some(_)) => Vec::new(),
        (None, None) => {
            sink.error_at(
                id_offset,
                format!("rule `{id}` needs a `ladder` (or `delegate = \"dar\"`)"),
            );
            Vec::new()
        }
    };

    for (text, field) in [(&raw.reason_zh, "reason_zh"), (&raw.reason_en, "reason_en")] {
        if text.get_ref().trim().is_empty() || text.get_ref().contains('\n') {
            sink.error_at(
                text.span().start,
                format!("`{field}` must be one non-empty line"),
            );
        }
    }
    if let Some(justification) = &raw.justification
        && justification.get_ref().trim().is_empty()
    {
        sink.error_at(
            justification.span().start,
            "`justification` must say why the retry is safe",
        );
    }

    let precedence = raw.precedence.as_ref().map_or(0, |precedence| {
        u16::try_from(*precedence.get_ref()).unwrap_or_else(|_| {
            sink.error_at(
                precedence.span().start,
                "`precedence` must be between 0 and 65535",
            );
            0
        })
    });

    if sink.diagnostics.len() != before {
        return None;
    }
    let (Some(source), Some(codes)) = (source, codes) else {
        return None;
    };
    let rule = Rule {
        id: id.clone(),
        source,
        codes,
        ops,
        result_code,
        delegate,
        ladder,
        reason_zh: raw.reason_zh.get_ref().clone(),
        reason_en: raw.reason_en.get_ref().clone(),
        why: raw.why.as_ref().map(|why| why.get_ref().clone()),
        justification: raw
            .justification
            .as_ref()
            .map(|text| text.get_ref().clone()),
        precedence,
        provenance: Provenance {
            layer: sink.file.to_owned(),
            line: sink.pos(id_offset).line,
        },
    };
    Some((
        rule,
        RuleSite {
            layer,
            id: sink.pos(id_offset),
            presets,
        },
    ))
}

fn parse_codes(
    sink: &mut Sink<'_>,
    raw: &RawRule,
    source: Source,
    id_offset: usize,
) -> Option<CodeMatch> {
    let given = [
        raw.code.is_some(),
        raw.codes.is_some(),
        raw.range.is_some(),
        raw.fallback.is_some(),
    ];
    if given.iter().filter(|&&present| present).count() != 1 {
        sink.error_at(
            id_offset,
            "a rule needs exactly one of `code`, `codes`, `range` or `fallback = true`",
        );
        return None;
    }
    let key = |sink: &mut Sink<'_>, code: &Spanned<RawCode>| -> Option<CodeKey> {
        let offset = code.span().start;
        match (code.get_ref(), source.numeric_codes()) {
            (RawCode::Number(number), true) => Some(CodeKey::Number(*number)),
            (RawCode::Text(text), true) => match Code::parse(text) {
                Code::Number(number) => Some(CodeKey::Number(number)),
                Code::Text(_) => {
                    sink.error_at(
                        offset,
                        format!("`{source}` codes are numbers, not `{text}`"),
                    );
                    None
                }
            },
            (RawCode::Text(text), false) => {
                if text.trim().is_empty() || text.trim() != text {
                    sink.error_at(
                        offset,
                        "a code must be non-empty without surrounding spaces",
                    );
                    None
                } else if Code::parse(text).number().is_some() {
                    sink.error_at(
                        offset,
                        format!("`{source}` codes are texts, not numbers (`{text}`)"),
                    );
                    None
                } else {
                    Some(CodeKey::Text(text.clone()))
                }
            }
            (RawCode::Number(number), false) => {
                sink.error_at(
                    offset,
                    format!("`{source}` codes are texts, not numbers ({number})"),
                );
                None
            }
        }
    };
    if let Some(code) = &raw.code {
        return key(sink, code).map(|key| CodeMatch::Codes(vec![key]));
    }
    if let Some(codes) = &raw.codes {
        if codes.get_ref().is_empty() {
            sink.error_at(codes.span().start, "`codes` must not be empty");
            return None;
        }
        let mut keys = Vec::with_capacity(codes.get_ref().len());
        let mut ok = true;
        for code in codes.get_ref() {
            match key(sink, code) {
                Some(parsed) if keys.contains(&parsed) => {
                    sink.error_at(code.span().start, format!("code {parsed} is listed twice"));
                    ok = false;
                }
                Some(parsed) => keys.push(parsed),
                None => ok = false,
            }
        }
        return ok.then_some(CodeMatch::Codes(keys));
    }
    if let Some(range) = &raw.range {
        let offset = range.span().start;
        if !source.numeric_codes() {
            sink.error_at(
                offset,
                format!("`range` needs a numeric source; `{source}` codes are texts"),
            );
            return None;
        }
        return match range.get_ref()[..] {
            [low, high] if low <= high => Some(CodeMatch::Range(low, high)),
            _ => {
                sink.error_at(offset, "`range` must be [low, high] with low <= high");
                None
            }
        };
    }
    match &raw.fallback {
        Some(flag) if *flag.get_ref() => Some(CodeMatch::Fallback),
        Some(flag) => {
            sink.error_at(flag.span().start, "`fallback` must be true (or left out)");
            None
        }
        None => None,
    }
}

fn parse_ops(sink: &mut Sink<'_>, raw: &RawRule) -> Vec<Op> {
    let Some(ops) = &raw.op else {
        return Vec::new();
    };
    if ops.get_ref().is_empty() {
        sink.error_at(
            ops.span().start,
            "`op` must not be empty (leave it out to match any operation)",
        );
    }
    let mut parsed = Vec::new();
    for op in ops.get_ref() {
        match Op::from_id(op.get_ref()).filter(|&op| op != Op::Unknown) {
            Some(value) if parsed.contains(&value) => {
                sink.error_at(op.span().start, format!("op `{value}` is listed twice"));
            }
            Some(value) => parsed.push(value),
            None => sink.error_at(
                op.span().start,
                format!(
                    "unknown op `{}` (read, set, action, recharge)",
                    op.get_ref()
                ),
            ),
        }
    }
    parsed.sort();
    parsed
}

fn parse_ladder(
    sink: &mut Sink<'_>,
    ladder: &Spanned<Vec<Spanned<RawStage>>>,
    presets: &mut Vec<(String, Pos)>,
) -> Vec<Stage> {
    let stages: Vec<Stage> = ladder
        .get_ref()
        .iter()
        .filter_map(|stage| parse_stage(sink, stage, presets))
        .collect();
    let offset = ladder.span().start;
    if ladder.get_ref().is_empty() {
        sink.error_at(offset, "`ladder` must not be empty");
        return stages;
    }
    if stages.len() != ladder.get_ref().len() {
        return stages;
    }
    let success = stages
        .iter()
        .any(|stage| matches!(stage.action, Action::Success(_)));
    if success && stages.len() != 1 {
        sink.error_at(offset, "a `success` stage must be the whole ladder");
    }
    if stages.windows(2).any(
        |pair| matches!(pair, [a, b] if a.action.decision().rank() > b.action.decision().rank()),
    ) {
        sink.error_at(
            offset,
            "ladder stages must escalate: retry stages, then at most one re-archive, then give-up",
        );
    }
    let rearchives = stages
        .iter()
        .filter(|stage| matches!(stage.action, Action::ReArchive(_)))
        .count();
    if rearchives > 1 {
        sink.error_at(offset, "a ladder has at most one re-archive stage");
    }
    let gives_up = stages
        .iter()
        .filter(|stage| matches!(stage.action, Action::GiveUp(_)))
        .count();
    let ends = stages
        .last()
        .is_some_and(|stage| matches!(stage.action, Action::GiveUp(_) | Action::Success(_)));
    if !ends || gives_up > 1 {
        sink.error_at(
            offset,
            "a ladder ends with exactly one give-up stage (or is a single success stage)",
        );
    }
    stages
}

fn parse_stage(
    sink: &mut Sink<'_>,
    stage: &Spanned<RawStage>,
    presets: &mut Vec<(String, Pos)>,
) -> Option<Stage> {
    let raw = stage.get_ref();
    let offset = stage.span().start;
    let before = sink.diagnostics.len();
    let action_id = raw.action.get_ref().as_str();
    let forbid = |sink: &mut Sink<'_>, present: bool, field: &str| {
        if present {
            sink.error_at(offset, format!("a `{action_id}` stage takes no `{field}`"));
        }
    };
    let named = |sink: &mut Sink<'_>,
                 value: &Option<Spanned<String>>,
                 field: &str|
     -> Option<(String, usize)> {
        if let Some(value) = value {
            Some((value.get_ref().clone(), value.span().start))
        } else {
            sink.error_at(offset, format!("a `{action_id}` stage needs `{field}`"));
            None
        }
    };
    let action = match action_id {
        "retry" => {
            forbid(sink, raw.scope.is_some(), "scope");
            forbid(sink, raw.owner.is_some(), "owner");
            named(sink, &raw.kind, "kind").and_then(|(kind, at)| {
                RetryKind::from_id(&kind).map(Action::Retry).or_else(|| {
                    sink.error_at(
                        at,
                        format!(
                            "unknown retry kind `{kind}` ({})",
                            RetryKind::IDS.trim_end()
                        ),
                    );
                    None
                })
            })
        }
        "re-archive" => {
            forbid(sink, raw.kind.is_some(), "kind");
            forbid(sink, raw.owner.is_some(), "owner");
            forbid(sink, raw.retries.is_some(), "retries");
            named(sink, &raw.scope, "scope").and_then(|(scope, at)| {
                Scope::from_id(&scope).map(Action::ReArchive).or_else(|| {
                    sink.error_at(
                        at,
                        format!("unknown scope `{scope}` ({})", Scope::IDS.trim_end()),
                    );
                    None
                })
            })
        }
        "give-up" => {
            forbid(sink, raw.kind.is_some(), "kind");
            forbid(sink, raw.scope.is_some(), "scope");
            forbid(sink, raw.preset.is_some(), "preset");
            forbid(sink, raw.retries.is_some(), "retries");
            named(sink, &raw.owner, "owner").and_then(|(owner, at)| {
                Owner::from_id(&owner).map(Action::GiveUp).or_else(|| {
                    sink.error_at(
                        at,
                        format!("unknown owner `{owner}` ({})", Owner::IDS.trim_end()),
                    );
                    None
                })
            })
        }
        "success" => {
            forbid(sink, raw.scope.is_some(), "scope");
            forbid(sink, raw.owner.is_some(), "owner");
            forbid(sink, raw.preset.is_some(), "preset");
            forbid(sink, raw.retries.is_some(), "retries");
            named(sink, &raw.kind, "kind").and_then(|(kind, at)| {
                SuccessKind::from_id(&kind)
                    .map(Action::Success)
                    .or_else(|| {
                        sink.error_at(
                            at,
                            format!(
                                "unknown success kind `{kind}` ({})",
                                SuccessKind::IDS.trim_end()
                            ),
                        );
                        None
                    })
            })
        }
        other => {
            sink.error_at(
                raw.action.span().start,
                format!("unknown stage `{other}` (retry, re-archive, give-up, success)"),
            );
            None
        }
    };
    let needs_preset = matches!(action, Some(Action::Retry(_) | Action::ReArchive(_)));
    let preset = if needs_preset {
        named(sink, &raw.preset, "preset")
    } else {
        None
    };
    let retries = match (&raw.retries, action) {
        (Some(retries), Some(Action::Retry(_))) => {
            bounded(sink, retries, "retries", 1, MAX_RETRIES)
        }
        (None, Some(Action::Retry(_))) => {
            sink.error_at(offset, "a `retry` stage needs `retries`");
            None
        }
        _ => Some(1),
    };
    if sink.diagnostics.len() != before {
        return None;
    }
    let preset = preset.map(|(name, at)| {
        presets.push((name.clone(), sink.pos(at)));
        name
    });
    Some(Stage {
        action: action?,
        preset,
        retries: retries?,
    })
}
