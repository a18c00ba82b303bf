//! Classification throughput over the whole code mix: every code of every seed table (each rule's
//! codes, unnamed DARs, front-end codes with and without result codes, interface templates, write
//! operations, unknown codes), with no history and with a history of earlier attempts.
//! Target: ≥ 20 M verdicts/s on one core, no allocation per verdict.
//!
//! `cargo bench --bench classify` (add `-- --quick` for a short run).

use std::hint::black_box;

use classify::{
    Code, CodeMatch, Failure, History, HistoryRecord, NoHistory, Op, Rng, RuleSet, Scope, Source,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dlms_result::ResultCode;

struct Input {
    source: Source,
    code: String,
    result_code: Option<ResultCode>,
    op: Op,
    device: String,
}

fn mix(rules: &RuleSet) -> Vec<Input> {
    let mut inputs = Vec::new();
    let mut push = |source: Source, code: String, result_code: Option<u16>, op: Op| {
        let device = format!("80000000{:08}", inputs.len() % 512);
        inputs.push(Input {
            source,
            code,
            result_code: result_code.map(ResultCode::new),
            op,
            device,
        });
    };
    for rule in rules.rules() {
        let codes: Vec<String> = match &rule.codes {
            CodeMatch::Codes(codes) => codes.iter().map(ToString::to_string).collect(),
            CodeMatch::Range(low, high) => {
                (*low..=*high).step_by(16).map(|n| n.to_string()).collect()
            }
            CodeMatch::Fallback => vec![String::from("NOT-A-CODE"), String::from("987654")],
        };
        let op = rule.ops.first().copied().unwrap_or(Op::Read);
        for code in codes {
            let result_code = (rule.delegate.is_some()).then_some(2);
            push(rule.source, code, result_code, op);
        }
    }
    // TK013 over the whole result-code space, as the front-end reports it most.
    for result_code in (0..=36).chain(255..=258) {
        push(
            Source::Frontend,
            String::from("TK013"),
            Some(result_code),
            Op::Read,
        );
    }
    inputs
}

fn bench(c: &mut Criterion) {
    let rules = RuleSet::builtin().expect("the builtin table loads");
    let inputs = mix(&rules);
    let failures: Vec<Failure<'_>> = inputs
        .iter()
        .map(|input| {
            Failure::with_code(input.source, Code::parse(&input.code))
                .with_result_code(input.result_code)
                .with_op(input.op)
                .with_device(&input.device, "1147186771")
        })
        .collect();
    let mut history = History::new();
    for (index, failure) in failures.iter().enumerate().step_by(2) {
        let mut record = HistoryRecord::new(
            failure.device,
            failure.source,
            failure.code,
            u32::try_from(index % 5).unwrap_or(0),
        );
        if index % 6 == 0 {
            record.rearchived_at = Some(1_700_000_000 - 600);
            record.rearchive_scope = Some(Scope::TerminalArchive);
        }
        history.insert(record);
    }
    let now = 1_700_000_000;

    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(
        u64::try_from(failures.len()).unwrap_or(u64::MAX),
    ));
    group.bench_function("mix/no-history", |b| {
        let mut rng = Rng::new(42);
        b.iter(|| {
            let mut retries = 0_u32;
            for failure in &failures {
                let verdict = rules.classify(black_box(failure), &NoHistory, now, &mut rng);
                retries = retries.wrapping_add(u32::from(verdict.resends()));
            }
            black_box(retries)
        });
    });
    let empty = History::new();
    group.bench_function("mix/empty-history", |b| {
        let mut rng = Rng::new(42);
        b.iter(|| {
            let mut delay = 0_u64;
            for failure in &failures {
                let verdict = rules.classify(black_box(failure), &empty, now, &mut rng);
                delay = delay.wrapping_add(verdict.delay_s);
            }
            black_box(delay)
        });
    });
    group.bench_function("mix/history", |b| {
        let mut rng = Rng::new(42);
        b.iter(|| {
            let mut delay = 0_u64;
            for failure in &failures {
                let verdict = rules.classify(black_box(failure), &history, now, &mut rng);
                delay = delay.wrapping_add(verdict.delay_s);
            }
            black_box(delay)
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
