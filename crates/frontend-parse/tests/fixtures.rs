//! Fixture batches under `fixtures/batches/{valid,invalid}` with their expected summaries
//! (`<file>.summary.json`) and failure records (`<file>.failures.jsonl`). `FEP_BLESS=1`
//! rewrites the expectations; review the diff.

mod common;

use std::path::{Path, PathBuf};

use frontend_parse::{Engine, Entry, Input, Options};

fn fixture_dir(kind: &str) -> PathBuf {
    common::fixture_path("batches").join(kind)
}

fn inputs(kind: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture_dir(kind))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            !name.ends_with(".summary.json") && !name.ends_with(".failures.jsonl")
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {kind}");
    files
}

/// The failure records as `fep batch` writes them, and the summary.
fn run(path: &Path, options: Options) -> (String, String) {
    let engine = Engine::new(options).unwrap();
    let mut records = String::new();
    let summary = engine
        .run(
            [Input::path(path)],
            |entry: &Entry<'_>, out: &mut String| {
                for failure in entry.failures() {
                    out.push_str(&serde_json::to_string(failure).unwrap());
                    out.push('\n');
                }
            },
            &mut |batch: String| {
                records.push_str(&batch);
                Ok(())
            },
        )
        .unwrap();
    common::check_identity(&summary);
    (
        records,
        serde_json::to_string_pretty(&summary).unwrap() + "\n",
    )
}

fn check(kind: &str, clean: bool) {
    let bless = std::env::var_os("FEP_BLESS").is_some();
    for path in inputs(kind) {
        let (records, summary) = run(
            &path,
            Options {
                threads: 2,
                ..Options::default()
            },
        );
        // The same with tiny blocks and one thread.
        let tiny = run(
            &path,
            Options {
                threads: 1,
                block_size: 7,
                batch_size: 64,
                ..Options::default()
            },
        );
        assert_eq!(
            tiny,
            (records.clone(), summary.clone()),
            "{}",
            path.display()
        );
        let parsed: frontend_parse::Summary = {
            let engine = Engine::new(Options::default()).unwrap();
            engine.summarize([Input::path(&path)]).unwrap()
        };
        assert_eq!(
            parsed.is_clean(),
            clean,
            "{}: {:?}",
            path.display(),
            parsed.malformed_samples
        );
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let summary_path = path.with_file_name(format!("{name}.summary.json"));
        let records_path = path.with_file_name(format!("{name}.failures.jsonl"));
        if bless {
            std::fs::write(&summary_path, &summary).unwrap();
            std::fs::write(&records_path, &records).unwrap();
        }
        let expected_summary = std::fs::read_to_string(&summary_path)
            .unwrap_or_else(|_| panic!("missing {}", summary_path.display()));
        let expected_records = std::fs::read_to_string(&records_path)
            .unwrap_or_else(|_| panic!("missing {}", records_path.display()));
        assert_eq!(summary, expected_summary, "{}", path.display());
        assert_eq!(records, expected_records, "{}", path.display());
    }
}

#[test]
fn valid_batches() {
    check("valid", true);
}

#[test]
fn invalid_batches() {
    check("invalid", false);
}

#[test]
fn seed_example_is_one_tk013_failure() {
    let (records, _) = run(
        &fixture_dir("valid").join("seed_example.json"),
        Options::default(),
    );
    let record: serde_json::Value = serde_json::from_str(records.trim()).unwrap();
    assert_eq!(record["code"], "TK013");
    assert_eq!(record["result_code"], 2);
    assert_eq!(record["result_name"], "暂时失效");
    assert_eq!(record["dataItemId"], "2014-10200-000");
    assert_eq!(record["commDevId"], "1147186771");
    assert_eq!(record["responseFlag"], 2);
}

/// `texts_escaped.json` is `texts_raw.json` written with every non-ASCII character escaped
/// (`json.dumps(…, ensure_ascii=True)`): Chinese error texts and values, long ones, quotes
/// and backslashes, an emoji (a surrogate pair when escaped), keys and control characters in
/// an object. Read the scanner's ways (raw text checked as UTF-8, escape-dense strings
/// settled from byte masks, the surrogate pair left to simd-json), both give the same failure
/// records but for their byte offsets.
#[test]
fn escaped_texts_read_as_their_raw_originals() {
    let records = |name: &str| -> Vec<serde_json::Value> {
        let (records, _) = run(&fixture_dir("valid").join(name), Options::default());
        records
            .lines()
            .map(|line| {
                let mut record: serde_json::Value = serde_json::from_str(line).unwrap();
                record.as_object_mut().unwrap().remove("offset");
                record
            })
            .collect()
    };
    let raw = records("texts_raw.json");
    assert_eq!(raw.len(), 5);
    assert_eq!(raw, records("texts_escaped.json"));
    assert_eq!(
        raw[0]["text"],
        "TK013前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效]}"
    );
}

#[test]
fn several_inputs_count_documents_across_inputs() {
    let valid = fixture_dir("valid");
    let engine = Engine::new(Options::default()).unwrap();
    let summary = engine
        .summarize([
            Input::path(valid.join("seed_example.json")),
            Input::path(valid.join("ndjson.jsonl")),
        ])
        .unwrap();
    assert_eq!(summary.inputs, 2);
    assert_eq!(summary.documents, 5);
    assert_eq!(summary.document_list.last().unwrap().doc, 4);
    assert_eq!(summary.document_list.last().unwrap().input, 1);
}

#[test]
fn missing_file_names_its_path() {
    let engine = Engine::new(Options::default()).unwrap();
    let error = engine
        .summarize([Input::path("/nonexistent/batch.json")])
        .unwrap_err();
    assert!(
        error.to_string().contains("/nonexistent/batch.json"),
        "{error}"
    );
}
