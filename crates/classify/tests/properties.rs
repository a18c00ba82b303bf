//! Property tests over the builtin table: totality and uniqueness, the security guardrail,
//! determinism, delay bounds and monotone escalation.

use std::sync::LazyLock;

use classify::{
    Code, Decision, Failure, History, HistoryRecord, NoHistory, Op, Rng, RuleSet,
    SECURITY_RESULT_CODES, Scope, Source,
};
use dlms_result::ResultCode;
use proptest::prelude::*;

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::builtin().unwrap());

fn source() -> impl Strategy<Value = Source> {
    prop::sample::select(Source::ALL.to_vec())
}

fn op() -> impl Strategy<Value = Op> {
    prop::sample::select(Op::ALL.to_vec())
}

/// Codes that hit rules and codes that do not: seed codes, numbers around them, texts.
fn code_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (-5_i64..300).prop_map(|n| n.to_string()),
        prop::sample::select(vec![
            "TK013",
            "TK08",
            "C001",
            "EA001",
            "EL003",
            "ET003",
            "EP006",
            "DAR",
            "UNKNOWN",
            "429",
            "604",
            "1021",
            "100053",
            "20005",
            "无配置信息",
            "终端xxx在档案缓存中不存在",
        ])
        .prop_map(str::to_owned),
        (any::<i64>()).prop_map(|n| n.to_string()),
        "\\PC{0,12}",
    ]
}

fn result_code() -> impl Strategy<Value = Option<ResultCode>> {
    prop_oneof![
        Just(None),
        (0_u16..=300).prop_map(|n| Some(ResultCode::new(n)))
    ]
}

fn history(
    device: &str,
    source: Source,
    code: Code<'_>,
    attempts: u32,
    rearchive: Option<(Scope, i64)>,
) -> History {
    let mut history = History::new();
    let mut record = HistoryRecord::new(device, source, code, attempts);
    if let Some((scope, at)) = rearchive {
        record.rearchived_at = Some(at);
        record.rearchive_scope = Some(scope);
    }
    history.insert(record);
    history
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Every input gets exactly one rule: the one the index names matches the input, and no other
    /// matching rule is as specific.
    #[test]
    fn every_input_gets_exactly_one_rule(source in source(), code in code_text(), op in op(), rc in result_code()) {
        let code = Code::parse(&code);
        let rule = RULES.rule_for(source, code, op, rc.map(ResultCode::get));
        let canonical = match code { Code::Text(t) if source.numeric_codes() => Code::parse(t), other => other };
        prop_assert_eq!(rule.source, source);
        prop_assert!(rule.matches(canonical, op, rc.is_some()), "{} does not match", rule.id);
        let best = rule.specificity();
        let rivals: Vec<&str> = RULES
            .rules()
            .iter()
            .filter(|other| other.id != rule.id && other.source == source && other.matches(canonical, op, rc.is_some()))
            .filter(|other| other.specificity() >= best)
            .map(|other| other.id.as_str())
            .collect();
        prop_assert!(rivals.is_empty(), "{} ties with {:?}", rule.id, rivals);
    }

    /// Classification is total: any input, any clock, any history gives a verdict that names an
    /// existing rule.
    #[test]
    fn classification_is_total(
        source in source(), code in code_text(), op in op(), rc in result_code(),
        now in any::<i64>(), attempts in any::<u32>(), retry_after in any::<Option<u32>>(), seed in any::<u64>(),
    ) {
        let failure = Failure::new(source, &code).with_op(op).with_result_code(rc).with_device("m", "t").with_retry_after(retry_after);
        let history = history("m", source, failure.code, attempts, Some((Scope::TerminalArchive, now)));
        let verdict = RULES.classify(&failure, &history, now, &mut Rng::new(seed));
        prop_assert!(RULES.rule(verdict.rule.id).is_some());
        prop_assert_eq!(verdict.kind.decision(), verdict.decision);
        prop_assert_eq!(verdict.not_before, now.saturating_add_unsigned(verdict.delay_s));
        if verdict.resends() {
            prop_assert!(verdict.attempt < verdict.max_attempts, "{:?}", verdict);
        } else {
            prop_assert_eq!(verdict.delay_s, 0);
        }
    }

    /// Security result codes are never retried nor re-archived, whatever the op, the history or
    /// the path (bare DAR, TK013, DAR item).
    #[test]
    fn security_codes_are_never_retried(
        index in 0..SECURITY_RESULT_CODES.len(), op in op(), attempts in 0_u32..100, via in 0..3, now in any::<i64>(),
    ) {
        let rc = ResultCode::new(u16::try_from(SECURITY_RESULT_CODES[index]).unwrap());
        let failure = match via {
            0 => Failure::dar(rc),
            1 => Failure::new(Source::Frontend, "TK013").with_result_code(Some(rc)),
            _ => Failure::new(Source::Frontend, "DAR").with_result_code(Some(rc)),
        }
        .with_op(op)
        .with_device("m", "t");
        let history = history("m", Source::Dar, Code::Number(i64::from(rc.get())), attempts, None);
        let verdict = RULES.classify(&failure, &history, now, &mut Rng::new(1));
        prop_assert_eq!(verdict.decision, Decision::GiveUp);
        prop_assert_eq!(verdict.kind.as_str(), "security");
    }

    /// The same seed gives the same verdict; the delay stays inside the policy's bounds.
    #[test]
    fn verdicts_are_deterministic_and_delays_bounded(
        source in source(), code in code_text(), op in op(), rc in result_code(),
        now in -10_000_000_000_i64..10_000_000_000, attempts in 0_u32..60, seed in any::<u64>(),
    ) {
        let failure = Failure::new(source, &code).with_op(op).with_result_code(rc).with_device("m", "t");
        // The history counts a delegated failure under its result code.
        let probe = RULES.classify(&failure, &NoHistory, now, &mut Rng::new(0));
        let (key_source, key_code) = failure.history_key(&probe);
        let history = history("m", key_source, key_code, attempts, None);
        let first = RULES.classify(&failure, &history, now, &mut Rng::new(seed));
        let second = RULES.classify(&failure, &history, now, &mut Rng::new(seed));
        prop_assert_eq!(first, second);
        if let Some(policy) = first.policy {
            if policy.at.is_some() {
                prop_assert!(
                    first.delay_s >= 1 && first.delay_s <= 86_400 + u64::from(policy.spread_s),
                    "{:?}", first
                );
            } else {
                // The step within the deciding stage: the attempts the earlier stages answered
                // are subtracted (no re-archive in this history, so each re-archive stage
                // answered one).
                let rule = RULES.rule(first.rule.id).unwrap();
                let earlier: u32 = rule.ladder[..usize::from(first.stage)].iter().map(|stage| stage.retries).sum();
                let step = if first.decision == Decision::Retry { attempts - earlier } else { 0 };
                let (low, high) = policy.bounds_s(step);
                prop_assert!((low..=high).contains(&first.delay_s), "{:?} step {}", first, step);
                prop_assert!(high <= u64::from(policy.cap_s));
            }
        }
    }

    /// More history never de-escalates: more failed attempts, or a recent re-archive, never give
    /// an earlier decision.
    #[test]
    fn more_history_never_de_escalates(
        source in source(), code in code_text(), op in op(), rc in result_code(),
        fewer in 0_u32..80, extra in 0_u32..80, scope in prop::sample::select(Scope::ALL.to_vec()),
    ) {
        let now = 1_700_000_000;
        let failure = Failure::new(source, &code).with_op(op).with_result_code(rc).with_device("m", "t");
        let probe = RULES.classify(&failure, &NoHistory, now, &mut Rng::new(0));
        let (key_source, key_code) = failure.history_key(&probe);
        let less = history("m", key_source, key_code, fewer, None);
        let more = history("m", key_source, key_code, fewer.saturating_add(extra), None);
        let more_rearchived = history("m", key_source, key_code, fewer.saturating_add(extra), Some((scope, now - 60)));
        let a = RULES.classify(&failure, &less, now, &mut Rng::new(0));
        let b = RULES.classify(&failure, &more, now, &mut Rng::new(0));
        let c = RULES.classify(&failure, &more_rearchived, now, &mut Rng::new(0));
        prop_assert!(a.decision.rank() <= b.decision.rank(), "{:?} then {:?}", a, b);
        prop_assert!(b.decision.rank() <= c.decision.rank(), "{:?} then {:?}", b, c);
        prop_assert!(a.stage <= b.stage && b.stage <= c.stage);
    }
}

#[test]
fn retry_delays_follow_the_exact_backoff_sequence() {
    // EL003 (device preset: 60 s × 2^k, cap 900 s, equal jitter): k-th retry in [d/2, d].
    let failure = Failure::new(Source::Frontend, "EL003")
        .with_op(Op::Read)
        .with_device("m", "t");
    for (attempts, nominal) in [(0_u32, 60_u64), (1, 120), (2, 240)] {
        let history = history("m", Source::Frontend, Code::Text("EL003"), attempts, None);
        for seed in 0..200 {
            let verdict = RULES.classify(&failure, &history, 0, &mut Rng::new(seed));
            assert_eq!(verdict.decision, Decision::Retry);
            assert!(
                (nominal / 2..=nominal).contains(&verdict.delay_s),
                "{attempts}: {}",
                verdict.delay_s
            );
        }
    }
}

/// Every exact code of every built-in rule, under every op and with and without a result
/// code, resolves to a matching rule that no matching rule outranks; so do the same codes
/// cut or lengthened by a byte, which share their first bytes with a rule's code (interface
/// templates share their first eight bytes, `终端xx`, by the dozen) without being it.
#[test]
fn every_exact_code_and_its_neighbours_resolve_to_the_most_specific_rule() {
    let mut keys: Vec<(Source, String)> = Vec::new();
    for rule in RULES.rules() {
        if let classify::CodeMatch::Codes(codes) = &rule.codes {
            for code in codes {
                let text = code.to_string();
                let mut shorter = text.clone();
                shorter.pop();
                keys.push((rule.source, format!("{text}0")));
                keys.push((rule.source, shorter));
                keys.push((rule.source, text));
            }
        }
    }
    assert!(keys.len() > 300, "{} keys", keys.len());
    let mut exact_hits = 0;
    for (source, text) in &keys {
        let code = Code::parse(text);
        let canonical = match code {
            Code::Text(t) if source.numeric_codes() => Code::parse(t),
            other => other,
        };
        for op in Op::ALL {
            for rc in [None, Some(2)] {
                let rule = RULES.rule_for(*source, code, op, rc);
                assert!(
                    rule.matches(canonical, op, rc.is_some()),
                    "{source:?} {text} {op}: {} does not match",
                    rule.id
                );
                let best = rule.specificity();
                let outranked = RULES.rules().iter().any(|other| {
                    other.source == *source
                        && other.matches(canonical, op, rc.is_some())
                        && other.specificity() > best
                });
                assert!(
                    !outranked,
                    "{source:?} {text} {op}: {} is outranked",
                    rule.id
                );
                exact_hits += usize::from(rule.codes.level() == 2);
            }
        }
    }
    assert!(exact_hits > 0);
}
