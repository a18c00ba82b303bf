//! Harness functions for the fuzz targets in `fuzz/` and for replaying their seeds and
//! regressions in `cargo test` (not a stable API).
//!
//! Each function takes arbitrary input, never panics, and returns `Err(description)` when an
//! invariant is broken; the fuzz target turns that into a panic, a test into a failure.
//! The fuzz target calls [`rules_compact`] (fast); the seed replay runs it and [`rules`] (the
//! fuzzed file over the whole builtin table, as `fep` loads site overrides).

use std::sync::OnceLock;

use dlms_result::ResultCode;

use crate::{Failure, Layer, NoHistory, Op, Rng, RuleSet, RulesError, Source};

/// The layer name the harness gives the fuzzed rule file.
pub const FUZZ_LAYER: &str = "fuzz.toml";

/// The layer name of [`compact_builtin`].
pub const COMPACT_LAYER: &str = "builtin-compact";

/// The builtin table cut down to what every rule file may refer to: its settings, all its
/// presets and its fallback rules (one per source), as a dump. Derived from the builtin table
/// at first use, so it cannot drift from it.
///
/// Why: the builtin table is 77 KB of TOML with 146 rules; parsing it (twice with the dump
/// round trip) on every input held the `rules` fuzz target to a few executions per second.
/// Over this base the fuzzed file goes through the same parser, merge and checks.
pub fn compact_builtin() -> &'static str {
    static COMPACT: OnceLock<String> = OnceLock::new();
    COMPACT.get_or_init(|| match RuleSet::builtin() {
        Ok(builtin) => compact(&builtin.dump_toml()),
        // Unreachable (a test loads the builtin table); the full text still works as a base.
        Err(_) => crate::BUILTIN_TOML.to_owned(),
    })
}

/// A dump with only its header (settings, presets) and its fallback rules.
fn compact(dump: &str) -> String {
    const RULE: &str = "\n[[rule]]\n";
    let mut blocks = dump.split(RULE);
    let mut out = blocks.next().unwrap_or_default().to_owned();
    for block in blocks.filter(|block| block.lines().any(|line| line == "fallback = true")) {
        out.push_str(RULE);
        out.push_str(block);
    }
    out
}

/// What the rule loader made of a fuzzed rule file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RulesOutcome {
    /// The file loaded on top of the builtin table; this many rules in the effective table.
    Loaded(usize),
    /// The file was rejected with this many diagnostics.
    Rejected(usize),
}

/// Any bytes (read as UTF-8, invalid sequences replaced) → a rule file layered on the builtin
/// table with [`RuleSet::with_overrides`].
///
/// - Rejected: there is at least one diagnostic, each names the builtin table or the fuzzed
///   file, and its line and column lie inside that text.
/// - Loaded: the effective table survives a dump and reload unchanged (same dump, same
///   verdicts for a fixed set of failures), and classifying never panics.
///
/// # Errors
/// A description of the first broken invariant.
pub fn rules(data: &[u8]) -> Result<RulesOutcome, String> {
    rules_over(Layer::BUILTIN, data)
}

/// [`rules`] with the fuzzed file layered on [`compact_builtin`] instead of the whole builtin
/// table: the same invariants, about a hundred times faster (what the fuzz target calls; the
/// seed replay runs both).
///
/// # Errors
/// A description of the first broken invariant.
pub fn rules_compact(data: &[u8]) -> Result<RulesOutcome, String> {
    rules_over(
        Layer {
            name: COMPACT_LAYER,
            text: compact_builtin(),
        },
        data,
    )
}

/// The fuzzed file (as [`rules`] reads it) layered on `base`.
fn rules_over(base: Layer<'_>, data: &[u8]) -> Result<RulesOutcome, String> {
    let text = String::from_utf8_lossy(data);
    match RuleSet::from_layers(&[
        base,
        Layer {
            name: FUZZ_LAYER,
            text: &text,
        },
    ]) {
        Err(error) => {
            check_diagnostics(&error, base, &text)?;
            Ok(RulesOutcome::Rejected(error.diagnostics.len()))
        }
        Ok(rules) => {
            check_dump_round_trip(&rules)?;
            Ok(RulesOutcome::Loaded(rules.rules().len()))
        }
    }
}

/// Every diagnostic points inside the text of the layer it names.
fn check_diagnostics(error: &RulesError, base: Layer<'_>, fuzzed: &str) -> Result<(), String> {
    if error.diagnostics.is_empty() {
        return Err("rules: an error without diagnostics".to_owned());
    }
    for diagnostic in &error.diagnostics {
        let text = match diagnostic.file.as_str() {
            FUZZ_LAYER => fuzzed,
            name if name == base.name => base.text,
            other => {
                return Err(format!(
                    "rules: a diagnostic names the unknown file {other:?}"
                ));
            }
        };
        if !inside(text, diagnostic.line, diagnostic.column) {
            return Err(format!(
                "rules: {diagnostic} lies outside the text ({} lines)",
                text.split('\n').count()
            ));
        }
        if diagnostic.message.trim().is_empty() {
            return Err(format!("rules: an empty message at {diagnostic}"));
        }
    }
    let _ = error.to_string();
    Ok(())
}

/// Whether 1-based `line` and `column` (in characters) name a position of `text`: a character
/// of the line or the end of the line.
fn inside(text: &str, line: usize, column: usize) -> bool {
    let Some(index) = line.checked_sub(1) else {
        return false;
    };
    match text.split('\n').nth(index) {
        Some(content) => (1..=content.chars().count().saturating_add(1)).contains(&column),
        None => false,
    }
}

/// Failures that exercise every source, numeric and text codes, ops and the DAR delegation.
fn probes() -> Vec<Failure<'static>> {
    let codes = [
        "0", "1", "2", "15", "255", "403", "EL003", "EA001", "TK013", "x",
    ];
    let ops = [Op::Unknown, Op::Read, Op::Set, Op::Action, Op::Recharge];
    let mut failures = Vec::new();
    for (index, source) in Source::ALL.into_iter().enumerate() {
        for code in codes {
            let op = ops.get(index.checked_rem(ops.len()).unwrap_or(0)).copied();
            failures.push(Failure::new(source, code).with_op(op.unwrap_or_default()));
        }
    }
    for code in [0u16, 4, 15, 33, 200, 256, 258] {
        failures.push(Failure::dar(ResultCode::new(code)));
        failures.push(
            Failure::new(Source::Frontend, "TK013").with_result_code(Some(ResultCode::new(code))),
        );
    }
    failures
}

/// The dump of the effective table loads alone into the same table.
fn check_dump_round_trip(rules: &RuleSet) -> Result<(), String> {
    let dumped = rules.dump_toml();
    let reloaded = RuleSet::from_layers(&[Layer {
        name: "dump",
        text: &dumped,
    }])
    .map_err(|error| {
        format!("rules: the dump of a loaded table does not load: {error}\n{dumped}")
    })?;
    let body = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|line| !line.starts_with('#'))
            .map(str::to_owned)
            .collect()
    };
    let again = reloaded.dump_toml();
    if body(&dumped) != body(&again) {
        return Err(format!(
            "rules: the table changes through a dump and reload:\n{dumped}\n---\n{again}"
        ));
    }
    let now = 1_700_000_000;
    for failure in probes() {
        let first = rules.classify(&failure, &NoHistory, now, &mut Rng::new(7));
        let second = reloaded.classify(&failure, &NoHistory, now, &mut Rng::new(7));
        if (first.decision, first.kind, first.delay_s, first.rule.id)
            != (second.decision, second.kind, second.delay_s, second.rule.id)
        {
            return Err(format!(
                "rules: {failure:?} gives {first:?} before and {second:?} after a dump and reload"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_inside_the_text() {
        assert!(inside("", 1, 1));
        assert!(inside("ab\ncd", 2, 3));
        assert!(!inside("ab\ncd", 2, 4));
        assert!(!inside("ab\ncd", 3, 1));
        assert!(!inside("ab", 0, 1));
        assert!(!inside("ab", 1, 0));
        assert!(inside("码\n", 1, 2));
    }

    #[test]
    fn the_compact_base_is_the_builtin_header_and_fallbacks() {
        let builtin = RuleSet::builtin().unwrap();
        let compact = RuleSet::from_layers(&[Layer {
            name: COMPACT_LAYER,
            text: compact_builtin(),
        }])
        .unwrap();
        let fallbacks: Vec<&str> = builtin
            .rules()
            .iter()
            .filter(|rule| rule.is_fallback())
            .map(|rule| rule.id.as_str())
            .collect();
        let kept: Vec<&str> = compact
            .rules()
            .iter()
            .map(|rule| rule.id.as_str())
            .collect();
        assert_eq!(kept, fallbacks);
        assert!(kept.len() >= Source::ALL.len(), "{kept:?}");
        assert_eq!(compact.presets(), builtin.presets());
        assert_eq!(compact.settings(), builtin.settings());
        assert!(compact_builtin().len() * 5 < crate::BUILTIN_TOML.len());
    }

    #[test]
    fn the_empty_file_and_garbage() {
        assert!(matches!(rules_compact(b""), Ok(RulesOutcome::Loaded(_))));
        assert!(matches!(
            rules_compact(b"[[rule]\n"),
            Ok(RulesOutcome::Rejected(_))
        ));
        assert_eq!(
            rules(b""),
            Ok(RulesOutcome::Loaded(
                RuleSet::builtin().unwrap().rules().len()
            ))
        );
        assert!(matches!(rules(b"[[rule]\n"), Ok(RulesOutcome::Rejected(_))));
        assert!(matches!(
            rules(&[0xFF, 0xFE, b'=']),
            Ok(RulesOutcome::Rejected(_))
        ));
    }
}
