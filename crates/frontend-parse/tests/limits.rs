//! Limits and damage at scale: oversized elements, an unterminated string followed by
//! megabytes of elements, cut gzip streams, sink errors and document callbacks.

mod common;

use std::io::{self, Write};

use common::{check_identity, run_bytes, serials_of};
use frontend_parse::synth::{SynthOptions, write_batch};
use frontend_parse::{
    DocumentInfo, DocumentKind, Engine, EngineError, Entry, Input, Options, ProblemKind, Sink,
};

fn batch(elements: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_batch(
        &SynthOptions {
            elements,
            ..SynthOptions::default()
        },
        &mut bytes,
    )
    .unwrap();
    bytes
}

#[test]
fn oversized_element_is_skipped_and_the_rest_kept() {
    let big = format!(
        r#"{{"devSn":"big","dataItem":[{{"dataItemId":"a","responseFlag":0,"value":"{}"}}]}}"#,
        "x".repeat(5000)
    );
    let input = format!(
        r#"{{"devDataList":[{{"devSn":"a"}},{big},{{"devSn":"b","succ":"0"}}],"workId":"W"}}"#
    );
    for threads in [1, 2] {
        let options = Options {
            threads,
            block_size: 512,
            max_element_size: 1000,
            ..Options::default()
        };
        let (lines, summary) = run_bytes(options, input.as_bytes());
        check_identity(&summary);
        assert_eq!(serials_of(&lines), ["a", "b"], "{lines:#?}");
        assert_eq!(summary.malformed, 1);
        assert!(
            summary.malformed_samples[0]
                .reason
                .contains("larger than 1000")
        );
        assert_eq!(summary.work_ids, ["W"]);
        assert_eq!(summary.failures, 1);
    }
}

#[test]
fn unterminated_string_is_resynchronised_within_megabytes() {
    let mut bytes = batch(12_000);
    // Remove the closing quote of the 4th element's devSn: every quote after it flips.
    let mut seen = 0;
    let position = bytes
        .windows(8)
        .position(|w| {
            if w == b"\"devSn\":" {
                seen += 1;
            }
            seen == 4
        })
        .unwrap();
    let value_end = position
        + 8
        + bytes[position + 8..]
            .iter()
            .skip(1)
            .position(|&b| b == b'"')
            .unwrap()
        + 1;
    bytes.remove(value_end);
    assert!(bytes.len() > 3 << 20);
    let (lines, summary) = run_bytes(
        Options {
            threads: 2,
            ..Options::default()
        },
        &bytes,
    );
    check_identity(&summary);
    assert_eq!(summary.malformed, 1, "{:?}", summary.malformed_samples);
    assert_eq!(summary.elements, 12_000);
    assert_eq!(lines.iter().filter(|l| l.starts_with("E ")).count(), 11_999);
}

#[test]
fn cut_gzip_keeps_what_came_before() {
    let bytes = batch(2000);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&bytes).unwrap();
    let gz = encoder.finish().unwrap();
    let cut = &gz[..gz.len() / 2];
    let (lines, summary) = run_bytes(Options::default(), cut);
    check_identity(&summary);
    assert!(summary.elements > 100, "{summary:?}");
    assert!(!summary.is_clean());
    assert!(lines.iter().any(|l| l.contains("InputError")), "{lines:?}");
}

#[test]
fn sink_errors_stop_the_run() {
    let engine = Engine::new(Options::default()).unwrap();
    let result = engine.run(
        [Input::bytes("b", batch(100))],
        |_: &Entry<'_>, (): &mut ()| {},
        &mut |(): ()| Err(io::Error::other("disk full")),
    );
    assert!(matches!(result, Err(EngineError::Sink(_))));
}

#[derive(Default)]
struct Documents(Vec<(u64, Option<String>, DocumentKind, u64, bool)>);

impl Sink<()> for Documents {
    fn output(&mut self, (): ()) -> io::Result<()> {
        Ok(())
    }

    fn document(&mut self, document: &DocumentInfo<'_>) -> io::Result<()> {
        self.0.push((
            document.doc,
            document.work_id.map(str::to_owned),
            document.kind,
            document.elements,
            document.complete,
        ));
        Ok(())
    }
}

#[test]
fn documents_are_reported_with_their_work_id() {
    let input = concat!(
        r#"{"devDataList":[{"devSn":"1"},{"devSn":"2"}],"workId":"A"}"#,
        "\n",
        r#"{"code":400,"data":null,"message":"无配置信息","success":false,"timestamp":""}"#,
        "\n",
        r#"{"devDataList":[{"devSn":"3"}"#,
    );
    let engine = Engine::new(Options {
        block_size: 16,
        ..Options::default()
    })
    .unwrap();
    let mut documents = Documents::default();
    let summary = engine
        .run(
            [Input::bytes("d", input)],
            |_: &Entry<'_>, (): &mut ()| {},
            &mut documents,
        )
        .unwrap();
    assert_eq!(
        documents.0,
        [
            (0, Some("A".to_owned()), DocumentKind::Batch, 2, true),
            (1, None, DocumentKind::Envelope, 0, true),
            (2, None, DocumentKind::Batch, 1, false),
        ]
    );
    assert_eq!(summary.by_code["interface"], 1);
    assert_eq!(summary.structural_errors, 1);
    assert!(
        summary
            .malformed_samples
            .iter()
            .any(|p| p.reason == ProblemKind::UnexpectedEnd.describe())
    );
}

#[test]
fn status_reading_and_the_anomaly_warning() {
    let input = r#"{"devDataList":[{"devSn":"1","succ":"1","dataItem":[{"dataItemId":"a","responseFlag":1}]}]}"#;
    let (_, dar) = run_bytes(Options::default(), input.as_bytes());
    assert_eq!(dar.flag_anomalies, 1);
    assert!(
        dar.warnings
            .iter()
            .any(|w| w.contains("--response-flag status"))
    );
    let (_, status) = run_bytes(
        Options {
            response_flag: frontend_parse::ResponseFlagMode::Status,
            ..Options::default()
        },
        input.as_bytes(),
    );
    assert_eq!((status.failures, status.flag_anomalies), (0, 0));
}
