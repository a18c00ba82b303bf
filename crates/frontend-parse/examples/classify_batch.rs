//! Streaming a batch file and classifying each failure inside the engine's worker threads, with
//! the results handed back in input order.
//!
//! ```text
//! cargo run -p frontend-parse --example classify_batch -- fixtures/batches/demo/collection-night.json
//! ```

use std::collections::BTreeMap;

use classify::{Code, Failure as Key, NoHistory, Op, Rng, RuleSet, Source};
use frontend_parse::failure::FailureCode;
use frontend_parse::{Engine, Entry, Input, Options};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fixtures/batches/demo/collection-night.json".to_string());
    let rules = RuleSet::builtin()?;
    let now = 1_700_000_000;
    let engine = Engine::new(Options {
        threads: 2,
        ..Options::default()
    })?;

    let mut decisions: BTreeMap<&str, u64> = BTreeMap::new();
    let mut first_lines = Vec::new();
    let summary = engine.run(
        [Input::path(&path)],
        // In a worker: decide every failure of the entry; collect (line, decision).
        |entry: &Entry<'_>, out: &mut Vec<(String, &'static str)>| {
            for (index, failure) in entry.failures().iter().enumerate() {
                let (source, code) = match failure.code {
                    FailureCode::Interface => {
                        (Source::Interface, failure.template.map_or("", |t| t.id()))
                    }
                    other => (Source::Frontend, other.as_str()),
                };
                let device = failure.dev_sn.and_then(|d| d.as_str()).unwrap_or("");
                let op = failure
                    .cmd_type
                    .and_then(|c| c.as_str())
                    .map_or(Op::Unknown, Op::from_cmd_type);
                let key = Key::with_code(source, Code::Text(code))
                    .with_result_code(failure.result_code)
                    .with_op(op)
                    .with_device(device, "");
                // Seed per failure position: the same output for any thread count.
                let mut rng = Rng::new(failure.location.offset ^ index as u64);
                let verdict = rules.classify(&key, &NoHistory, now, &mut rng);
                out.push((
                    format!(
                        "{device} {code} -> {} ({})",
                        verdict.decision.as_str(),
                        verdict.rule
                    ),
                    verdict.decision.as_str(),
                ));
            }
        },
        // On this thread, in input order.
        &mut |batch: Vec<(String, &'static str)>| {
            for (line, decision) in batch {
                *decisions.entry(decision).or_default() += 1;
                if first_lines.len() < 5 {
                    first_lines.push(line);
                }
            }
            Ok(())
        },
    )?;
    for line in &first_lines {
        println!("{line}");
    }
    println!(
        "{} elements, {} failures: {decisions:?}",
        summary.elements, summary.failures
    );
    Ok(())
}
