//! Fixture tests for DL/T 645-2007 and Q/GDW 1376.1: every annotated hex file under
//! `fixtures/frames/dlt645/` and `fixtures/frames/gdw1376/` (with `invalid/` below them) is
//! decoded with `dlms_result::decode`, rendered and compared with the `.expected` file next to
//! it. `FEP_BLESS=1` rewrites the expected files instead. Every proper prefix of every
//! fixture must decode to an error (never a panic), with an offset inside the prefix.

use std::fs;
use std::path::{Path, PathBuf};

use dlms_result::test_util::render::{read_annotated_hex, render};
use dlms_result::{Protocol, decode};

fn fixture_dir(protocol: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/frames")
        .join(protocol)
}

/// Every `.hex` file under `dir`, recursively, sorted; fails if there is none.
fn hex_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "hex") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

fn read_hex(path: &Path) -> Vec<u8> {
    let text = fs::read_to_string(path).unwrap();
    read_annotated_hex(&text).unwrap_or_else(|| panic!("{}: not annotated hex", path.display()))
}

/// Compares `actual` with `<path>.expected` (or writes it under `FEP_BLESS=1`).
fn check(path: &Path, actual: &str) -> Option<String> {
    let expected_path = path.with_extension("expected");
    if std::env::var_os("FEP_BLESS").is_some() {
        fs::write(&expected_path, actual).unwrap();
        return None;
    }
    match fs::read_to_string(&expected_path) {
        Ok(expected) if expected == actual => None,
        Ok(expected) => Some(format!(
            "{}:\n--- expected\n{expected}--- actual\n{actual}",
            path.display()
        )),
        Err(e) => Some(format!("{}: {e}", expected_path.display())),
    }
}

/// Decodes every fixture of `protocol`; valid ones (outside `invalid/`) must decode as
/// `expected_protocol`, invalid ones must fail. Returns the number of fixtures.
fn run(protocol: &str, expected_protocol: Protocol) -> usize {
    let files = hex_files(&fixture_dir(protocol));
    let mut failures = Vec::new();
    for path in &files {
        let bytes = read_hex(path);
        let decoded = decode(&bytes);
        let invalid = path.components().any(|c| c.as_os_str() == "invalid");
        match &decoded {
            Ok(_) if invalid => {
                failures.push(format!("{}: decoded but is invalid", path.display()));
            }
            Ok(d) if d.protocol != expected_protocol => {
                failures.push(format!("{}: decoded as {}", path.display(), d.protocol));
            }
            Err(e) if !invalid => failures.push(format!("{}: {e}", path.display())),
            _ => {}
        }
        failures.extend(check(path, &render(&decoded)));
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    files.len()
}

#[test]
fn dlt645_fixtures_decode_as_expected() {
    let n = run("dlt645", Protocol::Dlt645);
    assert!(n >= 20, "{n} DL/T 645 fixtures");
}

#[test]
fn gdw1376_fixtures_decode_as_expected() {
    let n = run("gdw1376", Protocol::Gdw1376);
    assert!(n >= 20, "{n} Q/GDW 1376.1 fixtures");
}

#[test]
fn every_prefix_of_every_fixture_is_an_error() {
    for protocol in ["dlt645", "gdw1376"] {
        for path in hex_files(&fixture_dir(protocol)) {
            let bytes = read_hex(&path);
            for end in 0..bytes.len() {
                let prefix = &bytes[..end];
                let e = decode(prefix).expect_err(&format!("{} prefix {end}", path.display()));
                assert!(
                    e.offset() <= end,
                    "{}: offset {} > {end}",
                    path.display(),
                    e.offset()
                );
            }
        }
    }
}
