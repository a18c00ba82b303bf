//! Fixture tests for DL/T 645-2007 and Q/GDW 1376.1: every annotated hex file under
//! `fixtures/frames/dlt645/` and `fixtures/frames/gdw1376/` (with `invalid/` below them) is
//! decoded with `dlms_result::decode`, rendered and compared with the `.expected` file next to
//! it. `FEP_BLESS=1` rewrites the expected files instead. Every proper prefix of every
//! fixture must decode to an error (never a panic), with an offset inside the prefix.

mod common;

use std::path::{Path, PathBuf};

use common::{check, read_hex};
use dlms_result::test_util::render::render;
use dlms_result::{Protocol, decode};

fn fixture_dir(protocol: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/frames")
        .join(protocol)
}

/// Every `.hex` file under `dir`, recursively, sorted; fails if there is none.
fn hex_files(dir: &Path) -> Vec<PathBuf> {
    let files = common::hex_files(dir);
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
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
