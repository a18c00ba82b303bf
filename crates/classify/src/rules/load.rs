//! Loading rule layers: parse each layer (`parse`), merge the layers, check the combination
//! (preset references, security guardrail, fallbacks, ties) and compile.

use std::collections::BTreeMap;

use crate::code::Code;
use crate::decision::RetryKind;
use crate::source::Source;

use super::diag::Sink;
use super::index::Index;
use super::parse::{RuleSite, parse_layer};
use super::{
    Action, CompiledRule, CompiledStage, Diagnostic, Layer, Preset, Rule, RuleSet, RulesError,
    SECURITY_RESULT_CODES, Settings,
};

/// The largest table the 16-bit index can address (and, since a dump numbers the distinct
/// (layer, precedence) ranks of its rules, the largest precedence a dump can write).
const MAX_RULES: usize = 60_000;

pub(super) fn load(layers: &[Layer<'_>]) -> Result<RuleSet, RulesError> {
    let mut diagnostics = Vec::new();
    let mut defs = Vec::with_capacity(layers.len());
    for (position, layer) in layers.iter().enumerate() {
        let mut sink = Sink::new(layer.name, layer.text);
        let def = parse_layer(&mut sink, position);
        diagnostics.append(&mut sink.diagnostics);
        defs.push(def);
    }
    // A layer with errors still contributes the rules it could read, so that the checks of the
    // combination below report their problems too (all problems in one run).
    let layers_failed = !diagnostics.is_empty();

    // Merge: settings override, presets by name, rules by id (replaced in place).
    let mut settings = Settings::default();
    let mut presets: BTreeMap<String, Preset> = BTreeMap::new();
    let mut rules: Vec<Rule> = Vec::new();
    let mut sites: Vec<RuleSite> = Vec::new();
    for def in defs {
        if let Some(offset) = def.utc_offset {
            settings.utc_offset = offset;
        }
        if let Some(window) = def.rearchive_window_s {
            settings.rearchive_window_s = window;
        }
        for preset in def.presets {
            presets.insert(preset.name.clone(), preset);
        }
        for (rule, site) in def.rules {
            let known = rules.iter().position(|known| known.id == rule.id);
            if let Some(position) = known {
                if let (Some(slot), Some(site_slot)) =
                    (rules.get_mut(position), sites.get_mut(position))
                {
                    *slot = rule;
                    *site_slot = site;
                }
            } else {
                rules.push(rule);
                sites.push(site);
            }
        }
    }
    let presets: Vec<Preset> = presets.into_values().collect();

    let report = |site: &RuleSite, message: String| -> Diagnostic {
        let name = layers.get(site.layer).map_or("", |layer| layer.name);
        Diagnostic {
            file: name.to_owned(),
            line: site.id.line,
            column: site.id.column,
            message,
        }
    };

    if rules.len() > MAX_RULES {
        diagnostics.push(Diagnostic {
            file: layers.last().map_or("", |layer| layer.name).to_owned(),
            line: 1,
            column: 1,
            message: format!("too many rules ({}; at most {MAX_RULES})", rules.len()),
        });
        return Err(RulesError { diagnostics });
    }

    // Preset references and their compatibility with the stage kind.
    let mut compiled = Vec::with_capacity(rules.len());
    for (rule, site) in rules.iter().zip(&sites) {
        let mut stages = Vec::with_capacity(rule.ladder.len());
        let mut refs = site.presets.iter();
        for stage in &rule.ladder {
            let mut policy = None;
            let mut preset_index = None;
            if let Some(name) = &stage.preset {
                let pos = refs.next().map_or(site.id, |(_, pos)| *pos);
                let located = RuleSite {
                    layer: site.layer,
                    id: pos,
                    presets: Vec::new(),
                };
                match presets.iter().position(|preset| &preset.name == name) {
                    None => diagnostics.push(report(
                        &located,
                        format!(
                            "rule `{}`: unknown preset `{name}` (known: {})",
                            rule.id,
                            presets
                                .iter()
                                .map(|p| p.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )),
                    Some(position) => {
                        let found = presets.get(position).map(|preset| preset.policy);
                        let calendar = found.is_some_and(|policy| policy.at.is_some());
                        let deferred = stage.action == Action::Retry(RetryKind::Deferred);
                        if matches!(stage.action, Action::Retry(_)) && calendar != deferred {
                            let problem = if deferred {
                                "a `deferred` retry needs a calendar preset (with `at`)"
                            } else {
                                "a calendar preset (with `at`) can only be used by a `deferred` retry"
                            };
                            diagnostics.push(report(
                                &located,
                                format!("rule `{}`: preset `{name}`: {problem}", rule.id),
                            ));
                        }
                        policy = found;
                        preset_index = u16::try_from(position).ok();
                    }
                }
            }
            stages.push(CompiledStage {
                action: stage.action,
                retries: stage.retries,
                policy,
                preset: preset_index,
            });
        }
        compiled.push(CompiledRule {
            stages,
            delegates: rule.delegate.is_some(),
            fallback: rule.is_fallback(),
            max_attempts: rule.max_attempts(),
        });
    }

    // Guardrail: security result codes are never retried (nor re-archived, which resends).
    for (rule, site) in rules.iter().zip(&sites) {
        if let Some(code) = retried_security_code(rule)
            && rule
                .justification
                .as_deref()
                .is_none_or(|text| text.trim().is_empty())
        {
            diagnostics.push(report(
                site,
                format!(
                    "rule `{}` retries security result code {code}: meters count password and MAC failures and lock or suspend (DAR 31); give up to `security`, or add `justification = \"…\"` saying why this retry is safe",
                    rule.id
                ),
            ));
        }
    }

    // Every source needs an unconstrained fallback so every input gets exactly one rule. (Not
    // checked when a layer failed: its missing rules would be reported again here.)
    for source in Source::ALL.into_iter().filter(|_| !layers_failed) {
        let has_fallback = rules.iter().any(|rule| {
            rule.source == source
                && rule.is_fallback()
                && rule.ops.is_empty()
                && rule.result_code.is_none()
        });
        if !has_fallback {
            diagnostics.push(Diagnostic {
                file: layers.last().map_or("", |layer| layer.name).to_owned(),
                line: 1,
                column: 1,
                message: format!(
                    "source `{source}` has no fallback rule (`fallback = true` without `op` or `result_code`)"
                ),
            });
        }
    }
    if !diagnostics.is_empty() {
        let layer_position = |file: &str| layers.iter().position(|layer| layer.name == file);
        diagnostics.sort_by_key(|d| (layer_position(&d.file), d.line, d.column));
        return Err(RulesError { diagnostics });
    }

    let ranks: Vec<(usize, u16)> = rules
        .iter()
        .zip(&sites)
        .map(|(rule, site)| (site.layer, rule.precedence))
        .collect();
    let index = match Index::build(&rules, &ranks) {
        Ok(index) => index,
        Err(ties) => {
            for tie in ties {
                let (Some(first), Some(second), Some(site)) = (
                    rules.get(tie.first),
                    rules.get(tie.second),
                    sites.get(tie.second),
                ) else {
                    continue;
                };
                diagnostics.push(report(
                    site,
                    format!(
                        "rules `{}` and `{}` tie for {}: same specificity and precedence in one layer; narrow one of them, give one a higher `precedence`, or reuse an id to replace a rule",
                        first.id, second.id, tie.example
                    ),
                ));
            }
            return Err(RulesError { diagnostics });
        }
    };

    Ok(RuleSet {
        settings,
        presets,
        rules,
        compiled,
        index,
        layers: layers.iter().map(|layer| layer.name.to_owned()).collect(),
        ranks,
    })
}

/// The first security result code the rule would retry or re-archive, if any.
fn retried_security_code(rule: &Rule) -> Option<i64> {
    if rule.source != Source::Dar || rule.is_fallback() {
        return None;
    }
    let resends = rule
        .ladder
        .iter()
        .any(|stage| matches!(stage.action, Action::Retry(_) | Action::ReArchive(_)));
    if !resends {
        return None;
    }
    SECURITY_RESULT_CODES
        .into_iter()
        .find(|&code| rule.codes.covers(Code::Number(code)))
}
