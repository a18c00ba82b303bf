//! Escalation from history (`fixtures/classify/escalation.tsv`) and the history round trip of an
//! executor that records every verdict.

use std::path::PathBuf;

use classify::{
    Code, Decision, Failure, History, HistoryRecord, NoHistory, Op, Rng, RuleSet, Scope, Source,
};
use dlms_result::ResultCode;

const NOW: i64 = 1_700_000_000;

#[test]
fn escalation_fixture() {
    let rules = RuleSet::builtin().unwrap();
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/classify/escalation.tsv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut rows = 0;
    for (index, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.starts_with("source\t") || line.trim().is_empty() {
            continue;
        }
        rows += 1;
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 9, "line {}", index + 1);
        let failure = Failure::new(f[0].parse().unwrap(), f[1])
            .with_op(Op::from_id(f[2]).unwrap())
            .with_result_code((f[3] != "-").then(|| ResultCode::new(f[3].parse().unwrap())))
            .with_device("8000000042769980", "1147186771");
        let probe = rules.classify(&failure, &NoHistory, NOW, &mut Rng::new(0));
        let (source, code) = failure.history_key(&probe);
        let mut history = History::new();
        history.insert(HistoryRecord::new(
            failure.device,
            source,
            code,
            f[4].parse().unwrap(),
        ));
        if f[5] != "-" {
            let (scope, age) = f[5].split_once(':').unwrap();
            let mut other =
                HistoryRecord::new(failure.device, Source::Frontend, Code::Text("OTHER"), 1);
            other.rearchive_scope = Some(Scope::from_id(scope).unwrap());
            other.rearchived_at = Some(NOW - age.parse::<i64>().unwrap());
            history.insert(other);
        }
        let verdict = rules.classify(&failure, &history, NOW, &mut Rng::new(9));
        assert_eq!(
            (
                verdict.decision.as_str(),
                verdict.kind.as_str(),
                verdict.rule.to_string()
            ),
            (f[6], f[7], f[8].to_owned()),
            "line {}: {line}",
            index + 1
        );
    }
    assert!(rows >= 30, "escalation fixture nearly empty");
}

/// An executor that records every verdict walks each ladder to its end, re-archives at most once
/// per device and scope, and forgets a failure on success.
#[test]
fn recorded_history_walks_the_ladder() {
    let rules = RuleSet::builtin().unwrap();
    let failure = Failure::new(Source::Frontend, "EL003")
        .with_op(Op::Read)
        .with_device("m1", "t1");
    let mut history = History::new();
    let mut now = NOW;
    let mut trail = Vec::new();
    for _ in 0..7 {
        let verdict = rules.classify(&failure, &history, now, &mut Rng::new(1));
        trail.push(format!("{}:{}", verdict.decision, verdict.kind));
        history.record(&failure, &verdict, now);
        now = verdict.not_before.max(now + 60);
    }
    assert_eq!(
        trail,
        [
            "retry:backoff",
            "retry:backoff",
            "retry:backoff",
            "re-archive:terminal-archive",
            "give-up:field",
            "give-up:field",
            "give-up:field"
        ]
    );
    let record = history
        .get("m1", Source::Frontend, Code::Text("EL003"))
        .unwrap();
    assert_eq!(record.attempts, 7);
    assert_eq!(record.rearchive_scope, Some(Scope::TerminalArchive));
    assert_eq!(record.terminal.as_deref(), Some("t1"));

    // A success of the same key removes it.
    let ok = Failure::dar(ResultCode::SUCCESS).with_device("m1", "t1");
    let success = rules.classify(&ok, &history, now, &mut Rng::new(1));
    assert_eq!(success.decision, Decision::Success);
    history.record(&ok, &success, now);
    assert!(
        history
            .get("m1", Source::Frontend, Code::Text("EL003"))
            .is_some(),
        "other keys stay"
    );
    let dar2 = Failure::new(Source::Frontend, "TK013")
        .with_result_code(Some(ResultCode::new(2)))
        .with_device("m1", "t1");
    let verdict = rules.classify(&dar2, &history, now, &mut Rng::new(1));
    history.record(&dar2, &verdict, now);
    assert_eq!(
        history.attempts_of("m1", Source::Dar, Code::Number(2)),
        1,
        "TK013 counts under its DAR"
    );
    let cleared = Failure::dar(ResultCode::new(2)).with_device("m1", "t1");
    let fake_success = classify::Verdict {
        decision: Decision::Success,
        ..verdict
    };
    history.record(&cleared, &fake_success, now);
    assert_eq!(history.attempts_of("m1", Source::Dar, Code::Number(2)), 0);

    // The JSONL round trip keeps everything.
    let mut out = Vec::new();
    history.write_jsonl(&mut out).unwrap();
    assert_eq!(History::from_jsonl(&out[..]).unwrap(), history);
}

trait AttemptsOf {
    fn attempts_of(&self, device: &str, source: Source, code: Code<'_>) -> u32;
}

impl AttemptsOf for History {
    fn attempts_of(&self, device: &str, source: Source, code: Code<'_>) -> u32 {
        classify::HistoryView::attempts(self, device, source, code)
    }
}
