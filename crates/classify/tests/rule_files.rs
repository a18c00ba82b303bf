//! Rule-file fixtures (`fixtures/classify/rules/`): layering, validation with line and column, and
//! the security guardrail. See the README there for the `.expected` format.

use std::path::PathBuf;

use classify::{Failure, NoHistory, Op, Rng, RuleSet};
use dlms_result::ResultCode;

fn fixtures() -> Vec<(String, String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/classify/rules");
    let mut cases = Vec::new();
    for entry in
        std::fs::read_dir(&dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
    {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let expected_path = path.with_extension("expected");
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|error| panic!("{}: {error}", expected_path.display()));
        cases.push((name, text, expected));
    }
    cases.sort();
    assert!(
        cases.len() >= 10,
        "rule-file fixtures missing in {}",
        dir.display()
    );
    cases
}

fn check_verdicts(name: &str, rules: &RuleSet, lines: &[&str]) {
    assert!(
        !lines.is_empty(),
        "{name}: an ok case must check at least one verdict"
    );
    for line in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 7, "{name}: {line:?}");
        let failure = Failure::new(fields[0].parse().unwrap(), fields[1])
            .with_op(Op::from_id(fields[2]).unwrap())
            .with_result_code(
                (fields[3] != "-").then(|| ResultCode::new(fields[3].parse().unwrap())),
            );
        let verdict = rules.classify(&failure, &NoHistory, 1_700_000_000, &mut Rng::new(5));
        assert_eq!(
            (
                verdict.decision.as_str(),
                verdict.kind.as_str(),
                verdict.rule.to_string()
            ),
            (fields[4], fields[5], fields[6].to_owned()),
            "{name}: {line}"
        );
    }
}

/// Two dumps describe the same table (the header comment names the layers, so it differs).
fn assert_same_table(name: &str, first: &str, second: &str) {
    let body = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::to_owned)
            .collect()
    };
    let (first, second) = (body(first), body(second));
    if let Some(line) = first.iter().zip(&second).position(|(a, b)| a != b) {
        panic!(
            "{name}: dump line {} differs after a reload:\n  {}\n  {}",
            line + 1,
            first[line],
            second[line]
        );
    }
    assert_eq!(
        first.len(),
        second.len(),
        "{name}: dump lengths differ after a reload"
    );
}

#[test]
fn rule_file_fixtures() {
    for (name, text, expected) in fixtures() {
        let mut lines = expected.lines().filter(|line| !line.trim().is_empty());
        let outcome = RuleSet::with_overrides(&name, &text);
        match lines.next() {
            Some("error") => {
                let error = outcome
                    .err()
                    .unwrap_or_else(|| panic!("{name}: loaded, but an error was expected"));
                let want: Vec<&str> = lines.collect();
                let got: Vec<String> = error.diagnostics.iter().map(ToString::to_string).collect();
                assert_eq!(got, want, "{name}");
            }
            Some("ok") => {
                let rules = outcome.unwrap_or_else(|error| panic!("{name}: {error}"));
                let checks: Vec<&str> = lines.collect();
                check_verdicts(&name, &rules, &checks);
                // The effective table survives a dump and reload unchanged.
                let dumped = rules.dump_toml();
                let reloaded = RuleSet::from_layers(&[classify::Layer {
                    name: "dump",
                    text: &dumped,
                }])
                .unwrap_or_else(|error| panic!("{name}: the dump does not load: {error}"));
                assert_same_table(&name, &dumped, &reloaded.dump_toml());
                check_verdicts(&name, &reloaded, &checks);
            }
            other => {
                panic!("{name}: the .expected file must start with `ok` or `error`, not {other:?}")
            }
        }
    }
}
