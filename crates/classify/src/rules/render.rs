//! The effective table as Markdown. The rendering of the builtin table *is*
//! `docs/classification.md`; a test keeps the two equal.

use core::fmt::Write as _;

use dlms_result::ResultCode;

use crate::catalog::Catalog;
use crate::code::{Code, Op};
use crate::decision::{Decision, Owner, RetryKind, Scope, SuccessKind};
use crate::source::Source;

use super::index::DAR_DENSE_MAX;
use super::{Action, CodeMatch, Rule, RuleSet, SECURITY_RESULT_CODES, Stage};

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn stage_text(stage: &Stage) -> String {
    let preset = stage
        .preset
        .as_deref()
        .map(|p| format!(" ({p})"))
        .unwrap_or_default();
    match stage.action {
        Action::Retry(kind) => format!("retry {kind}{preset} ×{}", stage.retries),
        Action::ReArchive(scope) => format!("re-archive {scope}{preset}"),
        Action::GiveUp(owner) => format!("give-up {owner}"),
        Action::Success(kind) => format!("success {kind}"),
    }
}

/// The ladder in one line: `retry backoff (device) ×3 → give-up field`.
pub(crate) fn ladder_text(rule: &Rule) -> String {
    if rule.delegate.is_some() {
        return String::from("→ the `dar` rule of the result code");
    }
    rule.ladder
        .iter()
        .map(stage_text)
        .collect::<Vec<_>>()
        .join(" → ")
}

fn matches_text(rule: &Rule) -> String {
    let codes = match &rule.codes {
        CodeMatch::Codes(codes) => codes
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", "),
        CodeMatch::Range(low, high) => format!("`{low}`–`{high}`"),
        CodeMatch::Fallback => String::from("*any other code*"),
    };
    let mut extra = Vec::new();
    if !rule.ops.is_empty() {
        extra.push(format!(
            "op {}",
            rule.ops
                .iter()
                .map(|op| op.as_str())
                .collect::<Vec<_>>()
                .join("/")
        ));
    }
    if let Some(presence) = rule.result_code {
        extra.push(format!("result code {}", presence.as_str()));
    }
    if extra.is_empty() {
        codes
    } else {
        format!("{codes} ({})", extra.join("; "))
    }
}

fn first_step(rules: &RuleSet, source: Source, code: Code<'_>) -> (String, String) {
    let rule = rules.rule_for(source, code, Op::Unknown, None);
    let step = rule.ladder.first().map(stage_text).unwrap_or_default();
    (step, rule.id.clone())
}

pub(super) fn render(rules: &RuleSet) -> String {
    let mut out = String::new();
    intro(&mut out, rules);
    for source in Source::ALL {
        let _ = writeln!(out, "\n## `{source}` — {}\n", source.describe());
        out.push_str("| Rule | Matches | Ladder | Max attempts | Reason | Why |\n|---|---|---|---|---|---|\n");
        for rule in rules.rules().iter().filter(|rule| rule.source == source) {
            let reason = format!("{}<br>{}", cell(&rule.reason_zh), cell(&rule.reason_en));
            let mut why = rule.why.as_deref().map(cell).unwrap_or_default();
            if let Some(justification) = &rule.justification {
                let _ = write!(why, " **Justification:** {}", cell(justification));
            }
            let max = if rule.delegate.is_some() {
                String::from("per DAR")
            } else {
                rule.max_attempts().to_string()
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {max} | {reason} | {why} |",
                rule.id,
                matches_text(rule),
                ladder_text(rule),
            );
        }
        codes_table(&mut out, rules, source);
    }
    out
}

fn codes_table(out: &mut String, rules: &RuleSet, source: Source) {
    match source {
        Source::Dar => {
            out.push_str("\n| DAR | 名称 | Name | First failure | Rule |\n|---|---|---|---|---|\n");
            for code in 0..=DAR_DENSE_MAX {
                let Some(info) = u16::try_from(code)
                    .ok()
                    .and_then(|c| ResultCode::new(c).info())
                else {
                    continue;
                };
                let (step, id) = first_step(rules, source, Code::Number(code));
                let _ = writeln!(
                    out,
                    "| {code} | {} | {} | {step} | `{id}` |",
                    cell(info.name_zh),
                    cell(info.name_en)
                );
            }
            let (step, id) = first_step(rules, source, Code::Number(37));
            let _ = writeln!(
                out,
                "| 37–254 | *(未命名)* | *(unnamed)* | {step} | `{id}` |"
            );
        }
        Source::Frontend | Source::Interface => {}
        platform => {
            let onenet = platform == Source::Onenet;
            if onenet {
                out.push_str("\n| Code | Module | 名称 | Name | First failure | Rule |\n|---|---|---|---|---|---|\n");
            } else {
                out.push_str(
                    "\n| Code | 名称 | Name | First failure | Rule |\n|---|---|---|---|---|\n",
                );
            }
            for entry in Catalog::embedded().of(platform) {
                let (step, id) = first_step(rules, platform, Code::Number(entry.code));
                let module = if onenet {
                    format!(" {} |", entry.module.as_deref().unwrap_or_default())
                } else {
                    String::new()
                };
                let _ = writeln!(
                    out,
                    "| {} |{module} {} | {} | {step} | `{id}` |",
                    entry.code,
                    cell(&entry.name_zh),
                    cell(entry.name_en.as_deref().unwrap_or("")),
                );
            }
        }
    }
}

fn vocabulary<T: Copy + core::fmt::Display>(
    out: &mut String,
    title: &str,
    all: &[T],
    describe: fn(T) -> &'static str,
) {
    let _ = writeln!(out, "\n| {title} | Meaning |\n|---|---|");
    for &value in all {
        let _ = writeln!(out, "| `{value}` | {} |", describe(value));
    }
}

fn intro(out: &mut String, rules: &RuleSet) {
    out.push_str(
        "# Failure classification: retry / re-archive / give-up\n\n\
         <!-- Generated by `classify::RuleSet::render_markdown` from `crates/classify/src/rules/builtin.toml`.\n     \
         Do not edit: change the table, then run `FEP_BLESS=1 cargo test -p classify --test docs`. -->\n\n\
         Every failure that `frontend-parse` or `dlms-result` reports gets exactly one rule of this table, keyed by\n\
         **(source, code)** — never by a bare number, because the same number means different things on different\n\
         platforms. `fep explain` shows the rule for one code, `fep rules --dump` prints the effective table (with\n\
         any `--rules FILE` overrides) as TOML, and `fep batch` adds a verdict to every failure. A *why* that\n\
         says **Must hold** names a decision class the built-in table guarantees (checked by\n\
         `crates/classify/tests/must_hold.rs`); site overrides may still change it.\n",
    );
    out.push_str("\n## Vocabulary\n");
    vocabulary(out, "Decision", Decision::ALL, Decision::describe);
    vocabulary(out, "Retry kind", RetryKind::ALL, RetryKind::describe);
    vocabulary(out, "Re-archive scope", Scope::ALL, Scope::describe);
    vocabulary(out, "Give-up owner", Owner::ALL, Owner::describe);
    vocabulary(out, "Success kind", SuccessKind::ALL, SuccessKind::describe);
    out.push_str(
        "\nA verdict carries `decision`, `kind` (the retry kind, re-archive scope, give-up owner or success kind),\n\
         `scope`, `owner`, the delay `preset` and `policy`, the concrete `delay_s` and `not_before` for this attempt,\n\
         `attempt`, `max_attempts`, the `rule` id (`frontend.TK013>dar.2` when TK013 is decided by its result\n\
         code), `reason_zh`, `reason_en` and whether the source's `fallback` rule matched.\n",
    );
    out.push_str(
        "\n## How a verdict is computed\n\n\
         1. **Lookup.** The rule is found by source and code in precomputed tables (DAR 0–258 indexed directly).\n   \
         When several rules match, the most specific wins: exact `code`/`codes` > `range` > `fallback`; then a rule\n   \
         with an `op` constraint (`read`, `set`, `action`, `recharge`) over one without; then one with a\n   \
         `result_code` constraint over one without; then the later layer; then the higher `precedence` (default 0).\n   \
         Two rules of one layer that still tie are a load error; an override with the same `id` replaces the rule.\n   \
         `fep rules --dump` writes one file whose `precedence` values keep the order of the layers it came from.\n   \
         A failure whose operation class is unknown only matches rules without an `op` constraint (the read path:\n   \
         the front-end's batches are reads).\n\
         2. **Delegation.** `frontend` `TK013` and `DAR` with a result code are decided per data unit by the `dar`\n   \
         rule of that result code; the verdict's rule id shows both (`frontend.TK013>dar.2`). Without a result\n   \
         code they have their own rules.\n\
         3. **Ladder.** A rule is an escalation ladder: retry stages, at most one re-archive, then give-up (or a\n   \
         single success). The failure's position on the ladder is the number of earlier failed attempts recorded\n   \
         in the history for the same device and (source, code) — for a delegated failure, (`dar`, result code).\n   \
         A retry stage answers its first `retries` failures; a re-archive stage answers one failure with a\n   \
         re-archive and the resend that follows it (after its preset's delay); the give-up stage answers the rest.\n\
         4. **Re-archive dedupe.** At most one re-archive per device and scope within `rearchive_window_s`: if the\n   \
         history shows one in the window, the stage is skipped, so the same failure after a re-archive gives up —\n   \
         to the archive admin when the rule says so (the source archive itself is wrong).\n\
         5. **Delay.** Backoff presets give `min(cap_s, base_s · factor^k)` for the k-th retry of a stage, then\n   \
         jitter (`none`; `full` = U(0..d); `equal` = d/2 + U(0..d/2)) from a seeded generator. Calendar presets\n   \
         wait for the next local `at` (UTC offset of the settings) plus U(0..`spread_s`). A server's retry-after,\n   \
         when given, is a lower bound. `not_before = now + delay_s`.\n\
         6. **Guardrail.** Security result codes ",
    );
    let codes: Vec<String> = SECURITY_RESULT_CODES
        .iter()
        .map(ToString::to_string)
        .collect();
    out.push_str(&codes.join(", "));
    out.push_str(
        " are never retried (nor re-archived, which resends):\n   \
         meters count password and MAC failures, lock after a few wrong passwords and suspend remote setting\n   \
         (DAR 31) after too many MAC failures. A rule file that retries one is rejected at load time with its line\n   \
         and column, unless the rule carries `justification = \"…\"`.\n\
         7. **More history never de-escalates.** Stages are ordered success < retry < re-archive < give-up.\n",
    );
    out.push_str(
        "\n## History file (JSONL)\n\n\
         `fep batch --history FILE` reads one JSON object per line, one line per device + source + code:\n\n\
         ```json\n\
         {\"device\":\"8000000042769980\",\"terminal\":\"1147186771\",\"source\":\"frontend\",\"code\":\"EL003\",\"attempts\":2,\"first_at\":1700000000,\"last_at\":1700003600}\n\
         {\"device\":\"8000000042769980\",\"source\":\"dar\",\"code\":27,\"attempts\":1,\"last_at\":1700003600,\"rearchived_at\":1700003600,\"rearchive_scope\":\"terminal-archive\"}\n\
         ```\n\n\
         | Field | Meaning |\n|---|---|\n\
         | `device` | the device (`devSn`), required |\n\
         | `terminal` | its terminal (`commDevId`), optional |\n\
         | `source`, `code` | the failure's source and code (a number for numeric sources); for a delegated `TK013`/`DAR` failure, `dar` and the result code |\n\
         | `attempts` | failed attempts so far (the ladder position of the next failure) |\n\
         | `first_at`, `last_at` | Unix seconds of the first and last failed attempt, optional |\n\
         | `rearchived_at`, `rearchive_scope` | Unix seconds and scope of the last re-archive made for this failure, optional |\n\n\
         Unknown fields are ignored; blank lines and lines starting with `#` are skipped. A success removes the line.\n",
    );
    let settings = rules.settings();
    let _ = write!(
        out,
        "\n## Settings\n\n| Setting | Value |\n|---|---|\n| `utc_offset` | `{}` |\n| `rearchive_window_s` | {} |\n",
        settings.utc_offset, settings.rearchive_window_s
    );
    out.push_str("\n## Delay presets\n\n| Preset | Policy | Why |\n|---|---|---|\n");
    for preset in rules.presets() {
        let policy = &preset.policy;
        let text = match policy.at {
            Some(at) => format!("next local {at} + U(0..{} s)", policy.spread_s),
            None => format!(
                "base {} s × {}^k, cap {} s, jitter {}",
                policy.base_s,
                policy.factor,
                policy.cap_s,
                policy.jitter.as_str()
            ),
        };
        let _ = writeln!(
            out,
            "| `{}` | {text} | {} |",
            preset.name,
            cell(preset.note.as_deref().unwrap_or(""))
        );
    }
    out.push_str(
        "\n## Rule files\n\n\
         `--rules FILE` is layered on top of this table (`fep rules --check FILE` validates it). The schema:\n\n\
         ```toml\n\
         schema = 1\n\n\
         [settings]                      # optional; overrides\n\
         utc_offset = \"+08:00\"\n\
         rearchive_window_s = 86400\n\n\
         [presets.slow-device]           # adds or replaces a preset\n\
         base_s = 300\n\
         factor = 2.0\n\
         cap_s = 3600\n\
         jitter = \"equal\"              # none | full | equal\n\
         # or a calendar preset:  at = \"02:00\"  spread_s = 10800\n\n\
         [[rule]]\n\
         id = \"site.EL003.slow\"         # same id as an existing rule = replace it\n\
         source = \"frontend\"\n\
         code = \"EL003\"                 # or codes = [..], range = [low, high], fallback = true\n\
         op = [\"read\"]                  # optional: read | set | action | recharge\n\
         # result_code = \"absent\"       # optional: present | absent\n\
         ladder = [\n  \
         { do = \"retry\", kind = \"backoff\", preset = \"slow-device\", retries = 5 },\n  \
         { do = \"re-archive\", scope = \"terminal-archive\", preset = \"after-rearchive\" },\n  \
         { do = \"give-up\", owner = \"field\" },\n\
         ]\n\
         reason_zh = \"…\"\n\
         reason_en = \"…\"\n\
         why = \"…\"                      # optional rationale\n\
         # justification = \"…\"         # required to retry a security result code\n\
         # precedence = 1               # optional: wins ties with equally specific rules of this file\n\
         ```\n",
    );
}
