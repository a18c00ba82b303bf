//! Replays the seeds (`fuzz/seeds/<target>/`) and regression inputs
//! (`fixtures/regressions/<target>/`) of the frontend-parse fuzz targets (`split`, `element`,
//! `error_text`, `batch`) through the harness functions the targets call
//! (`frontend_parse::fuzz_support`).
//!
//! The seeds are generated from `fixtures/batches/` and the error texts of
//! `fixtures/seeds/000_*`: `seeds_are_generated_from_the_fixtures` fails when they drift, and
//! `FEP_BLESS=1 cargo test --test fuzz_seeds_frontend` rewrites them.
//!
//! `fixtures/regressions/known/<target>/NAME.bin` are reported, not yet fixed failures: each
//! must still fail its harness with the message in `NAME.known`; once it passes, the test
//! says to move it to `fixtures/regressions/<target>/`. (They are kept out of the fuzz smoke
//! run, which replays `fixtures/regressions/<target>/` only.)

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use frontend_parse::fuzz_support;

/// A target and its harness (the same call as in `fuzz/fuzz_targets/<target>.rs`).
type Harness = fn(&[u8]) -> Result<(), String>;

const TARGETS: [(&str, Harness); 4] = [
    ("split", |d| fuzz_support::split(d).map(drop)),
    ("element", |d| fuzz_support::parse_element(d).map(drop)),
    ("error_text", |d| {
        fuzz_support::parse_text(&String::from_utf8_lossy(d)).map(drop)
    }),
    ("batch", |d| fuzz_support::run_batch(d).map(drop)),
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The files of `dir`, sorted; panics when the directory is missing or empty.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} is empty", dir.display());
    files
}

/// The batch fixtures (inputs only, not their expectations), as (name, bytes).
fn batches() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for kind in ["valid", "invalid"] {
        for path in files(&repo().join("fixtures/batches").join(kind)) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".summary.json") || name.ends_with(".failures.jsonl") {
                continue;
            }
            out.push((format!("{kind}-{name}"), fs::read(&path).unwrap()));
        }
    }
    out
}

/// The JSON documents of a batch file: the whole file, or one per line.
fn documents(bytes: &[u8]) -> Vec<serde_json::Value> {
    if let Ok(value) = serde_json::from_slice(bytes) {
        return vec![value];
    }
    bytes
        .split(|&b| b == b'\n')
        .filter_map(|line| serde_json::from_slice(line).ok())
        .collect()
}

/// Front-end error texts: `TK013…`-like codes at the start of a line's text, up to a quote,
/// a table bar or the end of the line.
fn error_texts(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let bytes = line.as_bytes();
        for start in 0..bytes.len().saturating_sub(5) {
            let code = &bytes[start..start + 5];
            let boundary = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
            if boundary
                && code[..2].iter().all(u8::is_ascii_uppercase)
                && code[2..].iter().all(u8::is_ascii_digit)
            {
                let rest = &line[start..];
                let end = rest.find(['"', '|', '`']).unwrap_or(rest.len());
                out.push(rest[..end].trim_end().to_owned());
            }
        }
    }
    out
}

fn generated_seeds() -> BTreeMap<&'static str, Vec<(String, Vec<u8>)>> {
    let batches = batches();
    let mut split = Vec::new();
    let mut element = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    for (name, bytes) in &batches {
        // The splitter's input: everything after each `"devDataList": [`.
        let mut from = 0;
        let mut index = 0;
        while let Some(at) = find(&bytes[from..], b"\"devDataList\"") {
            let key = from + at;
            if let Some(open) = bytes[key..].iter().position(|&b| b == b'[') {
                split.push((format!("{name}-{index}"), bytes[key + open + 1..].to_vec()));
                index += 1;
            }
            from = key + 1;
        }
        for (doc, value) in documents(bytes).iter().enumerate() {
            let Some(list) = value.get("devDataList").and_then(|v| v.as_array()) else {
                continue;
            };
            for (i, item) in list.iter().enumerate() {
                element.push((
                    format!("{name}-{doc}-{i}"),
                    serde_json::to_vec(item).unwrap(),
                ));
                if let Some(code) = item.get("errorCode").and_then(|v| v.as_str())
                    && !texts.iter().any(|t| t == code)
                {
                    texts.push(code.to_owned());
                }
            }
        }
    }
    for path in files(&repo().join("fixtures/seeds")) {
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("000_"))
        {
            for text in error_texts(&fs::read_to_string(&path).unwrap()) {
                if !texts.contains(&text) {
                    texts.push(text);
                }
            }
        }
    }
    let error_text = texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| (format!("text-{i:03}"), text.into_bytes()))
        .collect();
    BTreeMap::from([
        ("batch", batches),
        ("element", element),
        ("error_text", error_text),
        ("split", split),
    ])
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn seeds_are_generated_from_the_fixtures() {
    let bless = std::env::var_os("FEP_BLESS").is_some();
    for (target, seeds) in generated_seeds() {
        assert!(!seeds.is_empty(), "no seeds generated for {target}");
        let dir = repo().join("fuzz/seeds").join(target);
        if bless {
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            for (name, bytes) in &seeds {
                fs::write(dir.join(name), bytes).unwrap();
            }
            continue;
        }
        let committed: Vec<String> = files(&dir)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        let mut names: Vec<String> = seeds.iter().map(|(name, _)| name.clone()).collect();
        names.sort();
        assert_eq!(
            committed, names,
            "fuzz/seeds/{target} is out of date: run FEP_BLESS=1 cargo test --test fuzz_seeds_frontend"
        );
        for (name, bytes) in &seeds {
            assert_eq!(
                &fs::read(dir.join(name)).unwrap(),
                bytes,
                "fuzz/seeds/{target}/{name} is out of date (FEP_BLESS=1 regenerates it)"
            );
        }
    }
}

#[test]
fn every_seed_and_regression_passes_its_harness() {
    let mut regressions = 0;
    for (target, harness) in TARGETS {
        for path in files(&repo().join("fuzz/seeds").join(target)) {
            if let Err(violation) = harness(&fs::read(&path).unwrap()) {
                panic!("{target}: {}: {violation}", path.display());
            }
        }
        let dir = repo().join("fixtures/regressions").join(target);
        if !dir.exists() {
            continue;
        }
        for path in files(&dir) {
            if path.extension().is_some_and(|e| e == "txt") {
                continue;
            }
            assert!(
                path.extension().is_some_and(|e| e == "bin")
                    && fs::read_to_string(path.with_extension("txt"))
                        .is_ok_and(|text| !text.trim().is_empty()),
                "{}: regression inputs are NAME.bin with a NAME.txt comment",
                path.display()
            );
            if let Err(violation) = harness(&fs::read(&path).unwrap()) {
                panic!("{target}: {}: {violation}", path.display());
            }
            regressions += 1;
        }
    }
    assert!(regressions > 0, "no frontend-parse regression inputs");
}

#[test]
fn known_failures_still_fail() {
    let root = repo().join("fixtures/regressions/known");
    for (target, harness) in TARGETS {
        let dir = root.join(target);
        if !dir.exists() {
            continue;
        }
        for path in files(&dir) {
            if path.extension().is_none_or(|e| e != "bin") {
                continue;
            }
            let expected = fs::read_to_string(path.with_extension("known"))
                .unwrap_or_else(|e| panic!("{}: needs a .known file: {e}", path.display()));
            assert!(
                fs::read_to_string(path.with_extension("txt")).is_ok_and(|t| !t.trim().is_empty()),
                "{}: needs a .txt comment",
                path.display()
            );
            match harness(&fs::read(&path).unwrap()) {
                Ok(()) => panic!(
                    "{}: fixed; move it to fixtures/regressions/{target}/ and delete its .known file",
                    path.display()
                ),
                Err(violation) => assert!(
                    violation.contains(expected.trim()),
                    "{}: fails differently now: {violation}",
                    path.display()
                ),
            }
        }
    }
}
