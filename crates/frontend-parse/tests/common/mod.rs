//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

use frontend_parse::{Engine, Entry, Input, Options, Summary};

/// One line per entry, describing what the closure saw, in delivery order.
pub fn describe(entry: &Entry<'_>) -> String {
    match entry {
        Entry::Element(element) => {
            let failures: Vec<String> = element
                .failures
                .iter()
                .map(|f| serde_json::to_string(f).unwrap())
                .collect();
            format!(
                "E doc={} el={:?} off={} sn={} failures=[{}]",
                element.location.doc,
                element.location.element,
                element.location.offset,
                element
                    .element
                    .dev_sn()
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                failures.join(",")
            )
        }
        Entry::Envelope(envelope) => {
            format!("V {}", serde_json::to_string(&envelope.failure).unwrap())
        }
        Entry::Problem(problem) => format!(
            "P doc={} el={:?} off={} {:?} {}",
            problem.doc, problem.element, problem.offset, problem.kind, problem.reason
        ),
        _ => "?".to_owned(),
    }
}

/// A path under the repository's `fixtures/`.
pub fn fixture_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(relative)
}

/// Runs the engine over `inputs` and returns the entry lines and the summary.
pub fn run_inputs(options: Options, inputs: Vec<Input>) -> (Vec<String>, Summary) {
    let engine = Engine::new(options).unwrap();
    let mut lines = Vec::new();
    let summary = engine
        .run(
            inputs,
            |entry: &Entry<'_>, out: &mut Vec<String>| out.push(describe(entry)),
            &mut |batch: Vec<String>| {
                lines.extend(batch);
                Ok(())
            },
        )
        .unwrap();
    (lines, summary)
}

/// Runs the engine over one in-memory input.
pub fn run_bytes(options: Options, bytes: &[u8]) -> (Vec<String>, Summary) {
    run_inputs(options, vec![Input::bytes("test", bytes.to_vec())])
}

/// Small blocks and batches, so that elements straddle blocks and rounds.
pub fn small(threads: usize) -> Options {
    Options {
        threads,
        block_size: 97,
        batch_size: 300,
        max_element_size: 1 << 16,
        ..Options::default()
    }
}

/// The accounting identity every summary must satisfy.
pub fn check_identity(summary: &Summary) {
    assert_eq!(
        summary.elements,
        summary.elements_ok + summary.elements_failed + summary.malformed,
        "{summary:?}"
    );
    let by_code: u64 = summary.by_code.values().sum();
    assert_eq!(by_code, summary.failures);
}

/// The `devSn`s of the element lines, in order.
pub fn serials_of(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter(|line| line.starts_with("E "))
        .filter_map(|line| Some(line.split(" sn=").nth(1)?.split(' ').next()?.to_owned()))
        .collect()
}
