//! Harness functions for the fuzz targets in `fuzz/` and for replaying their seeds and
//! regressions in `cargo test` (not a stable API).
//!
//! Each function takes arbitrary input, never panics, and returns `Err(description)` when an
//! invariant is broken; the fuzz target turns that into a panic, a test into a failure.

use dlms_result::ResultCode;

use crate::{Failure, Layer, NoHistory, Op, Rng, RuleSet, RulesError, Source};

/// The layer name the harness gives the fuzzed rule file.
pub const FUZZ_LAYER: &str = "fuzz.toml";

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
    let text = String::from_utf8_lossy(data);
    match RuleSet::with_overrides(FUZZ_LAYER, &text) {
        Err(error) => {
            check_diagnostics(&error, &text)?;
            Ok(RulesOutcome::Rejected(error.diagnostics.len()))
        }
        Ok(rules) => {
            check_dump_round_trip(&rules)?;
            Ok(RulesOutcome::Loaded(rules.rules().len()))
        }
    }
}

/// Every diagnostic points inside the text of the layer it names.
fn check_diagnostics(error: &RulesError, fuzzed: &str) -> Result<(), String> {
    if error.diagnostics.is_empty() {
        return Err("rules: an error without diagnostics".to_owned());
    }
    for diagnostic in &error.diagnostics {
        let text = match diagnostic.file.as_str() {
            FUZZ_LAYER => fuzzed,
            crate::BUILTIN_NAME => crate::BUILTIN_TOML,
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
    fn the_empty_file_and_garbage() {
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
