//! The engine against the generator's ground truth, with many block, batch and thread
//! settings: same counts, same output.

mod common;

use common::{check_identity, run_bytes, small};
use frontend_parse::Options;
use frontend_parse::synth::{SynthOptions, write_batch};

fn generate(options: &SynthOptions) -> (Vec<u8>, frontend_parse::synth::SynthStats) {
    let mut bytes = Vec::new();
    let stats = write_batch(options, &mut bytes).unwrap();
    (bytes, stats)
}

#[test]
fn summary_matches_the_ground_truth() {
    for (documents, rate, seed) in [(1, 0.3, 1), (5, 0.9, 2), (1, 0.0, 3), (3, 1.0, 4)] {
        let synth = SynthOptions {
            elements: 400,
            seed,
            failure_rate: rate,
            items_per_element: (0, 6),
            documents,
        };
        let (bytes, stats) = generate(&synth);
        let (_, summary) = run_bytes(Options::default(), &bytes);
        check_identity(&summary);
        assert!(summary.is_clean(), "{:?}", summary.malformed_samples);
        assert_eq!(summary.bytes, stats.bytes);
        assert_eq!(summary.documents, stats.documents);
        assert_eq!(summary.elements, stats.elements);
        assert_eq!(summary.elements_failed, stats.elements_failed);
        assert_eq!(summary.failures, stats.failures);
        assert_eq!(summary.by_code, stats.by_code);
        assert_eq!(summary.by_result_code, stats.by_result_code);
        assert_eq!(summary.work_ids, stats.work_ids);
        assert_eq!(summary.flag_text_mismatches, 0);
        assert_eq!(summary.flag_anomalies, 0);
    }
}

#[test]
fn output_is_identical_for_any_threads_blocks_and_batches() {
    let (bytes, _) = generate(&SynthOptions {
        elements: 300,
        seed: 9,
        failure_rate: 0.5,
        items_per_element: (0, 4),
        documents: 2,
    });
    let (reference, reference_summary) = run_bytes(
        Options {
            threads: 1,
            ..Options::default()
        },
        &bytes,
    );
    assert_eq!(reference.len() as u64, reference_summary.elements);
    for options in [
        small(1),
        small(2),
        small(3),
        Options {
            threads: 2,
            block_size: 4096,
            batch_size: 1,
            ..Options::default()
        },
        Options {
            threads: 2,
            block_size: 1,
            batch_size: 50_000,
            ..Options::default()
        },
    ] {
        let (lines, summary) = run_bytes(options, &bytes);
        assert_eq!(lines, reference, "{options:?}");
        assert_eq!(summary, reference_summary, "{options:?}");
    }
}

#[test]
fn gzip_input_is_recognised() {
    use std::io::Write;
    let (bytes, stats) = generate(&SynthOptions {
        elements: 200,
        ..SynthOptions::default()
    });
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&bytes).unwrap();
    let gz = encoder.finish().unwrap();
    let (plain_lines, _) = run_bytes(small(2), &bytes);
    let (lines, summary) = run_bytes(small(2), &gz);
    assert_eq!(lines, plain_lines);
    assert_eq!(summary.failures, stats.failures);
    assert_eq!(summary.bytes, stats.bytes);
}
