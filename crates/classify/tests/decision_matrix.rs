//! `fixtures/classify/decision-matrix.tsv`: the expected first-failure verdict of every seed code.

use std::collections::BTreeSet;
use std::path::PathBuf;

use classify::{Catalog, Failure, NoHistory, Op, Rng, RuleSet, Source};
use dlms_result::ResultCode;

struct Row {
    line: usize,
    source: Source,
    code: String,
    op: Op,
    result_code: Option<u16>,
    decision: String,
    kind: String,
    rule: String,
}

fn rows() -> Vec<Row> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/classify/decision-matrix.tsv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.starts_with("source\t") || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 7, "line {}: {line:?}", index + 1);
        rows.push(Row {
            line: index + 1,
            source: fields[0].parse().unwrap(),
            code: fields[1].to_owned(),
            op: Op::from_id(fields[2])
                .unwrap_or_else(|| panic!("line {}: op {}", index + 1, fields[2])),
            result_code: (fields[3] != "-").then(|| fields[3].parse().unwrap()),
            decision: fields[4].to_owned(),
            kind: fields[5].to_owned(),
            rule: fields[6].to_owned(),
        });
    }
    assert!(
        rows.len() > 350,
        "the decision matrix is (nearly) empty: {} rows",
        rows.len()
    );
    rows
}

#[test]
fn every_row_gets_its_expected_verdict() {
    let rules = RuleSet::builtin().unwrap();
    let mut failures = Vec::new();
    for row in rows() {
        let failure = Failure::new(row.source, &row.code)
            .with_op(row.op)
            .with_result_code(row.result_code.map(ResultCode::new));
        let verdict = rules.classify(&failure, &NoHistory, 1_700_000_000, &mut Rng::new(7));
        let got = (
            verdict.decision.to_string(),
            verdict.kind.to_string(),
            verdict.rule.to_string(),
        );
        let expected = (row.decision.clone(), row.kind.clone(), row.rule.clone());
        if got != expected {
            failures.push(format!(
                "line {}: {} {} op {}: expected {expected:?}, got {got:?}",
                row.line, row.source, row.code, row.op
            ));
        }
        // The explanation agrees with the verdict.
        let explanation = rules.explain(
            row.source,
            classify::Code::parse(&row.code),
            row.result_code,
            row.op,
        );
        assert_eq!(explanation.decision, verdict.decision, "line {}", row.line);
        assert_eq!(
            explanation.rule,
            verdict.rule.to_string(),
            "line {}",
            row.line
        );
        assert_eq!(explanation.fallback, verdict.fallback, "line {}", row.line);
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_matrix_covers_every_seed_code() {
    let covered: BTreeSet<(Source, String)> = rows()
        .into_iter()
        .filter(|row| row.op == Op::Unknown && row.result_code.is_none())
        .map(|row| (row.source, row.code))
        .collect();
    let mut expected: Vec<(Source, String)> = Vec::new();
    for entry in Catalog::embedded().entries() {
        expected.push((entry.source, entry.code.to_string()));
    }
    for code in (0..=36).chain(255..=258) {
        expected.push((Source::Dar, code.to_string()));
    }
    for code in [
        "TK013", "TK08", "C001", "ET001", "ET002", "ET003", "EA001", "EA002", "EL001", "EL002",
        "EL003", "EP001", "EP002", "EP003", "EP004", "EP005", "EP006", "EP007", "EP008", "EP009",
        "DAR", "UNKNOWN",
    ] {
        expected.push((Source::Frontend, code.to_owned()));
    }
    for template in [
        "不支持的电表协议类型:xxx",
        "bizCode不能为空",
        "设备列表不能为空",
        "数据项不能为空",
        "无配置信息",
        "终端xxx在档案缓存中不存在",
        "电表xxx在档案缓存中不存在",
        "2.0规范转换异常",
    ] {
        expected.push((Source::Interface, template.to_owned()));
    }
    let missing: Vec<_> = expected
        .iter()
        .filter(|key| !covered.contains(*key))
        .collect();
    assert!(
        missing.is_empty(),
        "not in the decision matrix: {missing:?}"
    );
}
