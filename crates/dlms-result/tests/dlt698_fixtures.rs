//! Fixture tests for DL/T 698.45: every annotated hex file under `fixtures/frames/dlt698/`
//! (complete frames, decoded with `dlms_result::decode`) and `fixtures/apdu/dlt698/`
//! (APDU-only, decoded with `dlt698::decode_apdu`) is decoded, rendered and compared with the
//! `.expected` file next to it. `FEP_BLESS=1` rewrites the expected files instead.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{check, hex_files, read_hex};
use dlms_result::test_util::render::{read_annotated_hex, render, render_apdu};
use dlms_result::{Limits, dlt698};

fn fixtures(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(kind)
        .join("dlt698")
}

fn run(kind: &str, decode: impl Fn(&[u8]) -> String) -> usize {
    let files = hex_files(&fixtures(kind));
    assert!(
        !files.is_empty(),
        "no fixtures in {}",
        fixtures(kind).display()
    );
    let failures: Vec<String> = files
        .iter()
        .filter_map(|path| check(path, &decode(&read_hex(path))))
        .collect();
    assert!(
        failures.is_empty(),
        "{} mismatch(es):\n{}",
        failures.len(),
        failures.join("\n")
    );
    files.len()
}

#[test]
fn frames_decode_as_expected() {
    let n = run("frames", |bytes| render(&dlms_result::decode(bytes)));
    assert!(n >= 32 + 4, "{n} frame fixtures");
}

#[test]
fn apdus_decode_as_expected() {
    let n = run("apdu", |bytes| {
        render_apdu(&dlt698::decode_apdu(bytes, &Limits::default()))
    });
    assert!(n >= 17, "{n} APDU fixtures");
}

#[test]
fn negative_fixtures_are_errors_and_positive_ones_are_not() {
    for path in hex_files(&fixtures("frames")) {
        let bytes = read_hex(&path);
        let decoded = dlms_result::decode(&bytes);
        let invalid = path.parent().is_some_and(|p| p.ends_with("invalid"));
        assert_eq!(decoded.is_err(), invalid, "{}: {decoded:?}", path.display());
    }
    for path in hex_files(&fixtures("apdu")) {
        let bytes = read_hex(&path);
        assert!(
            dlt698::decode_apdu(&bytes, &Limits::default()).is_ok(),
            "{}",
            path.display()
        );
    }
}

/// Every vector of the research table (copied as `vectors.tsv`) is a fixture, byte for byte.
#[test]
fn every_vector_is_a_fixture() {
    let table = fs::read_to_string(fixtures("frames").join("vectors.tsv")).unwrap();
    let mut fixtures_bytes: Vec<Vec<u8>> = hex_files(&fixtures("frames"))
        .iter()
        .map(|p| read_hex(p))
        .collect();
    fixtures_bytes.extend(hex_files(&fixtures("apdu")).iter().map(|p| read_hex(p)));
    let mut rows = 0;
    for line in table.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let hex = line.split('\t').next().unwrap();
        let bytes = read_annotated_hex(hex).unwrap();
        assert!(
            fixtures_bytes.contains(&bytes),
            "vector without a fixture: {hex}"
        );
        rows += 1;
    }
    assert_eq!(rows, 49);
}

/// Every proper prefix of every fixture is an error, never a panic; error offsets stay within
/// the input.
#[test]
fn every_prefix_is_an_error() {
    for path in hex_files(&fixtures("frames")) {
        let bytes = read_hex(&path);
        for cut in 0..bytes.len() {
            let e = dlms_result::decode(&bytes[..cut])
                .expect_err(&format!("{} prefix {cut}", path.display()));
            assert!(e.offset() <= cut, "{} prefix {cut}: {e}", path.display());
        }
    }
    for path in hex_files(&fixtures("apdu")) {
        let bytes = read_hex(&path);
        for cut in 0..bytes.len() {
            let e = dlt698::decode_apdu(&bytes[..cut], &Limits::default())
                .expect_err(&format!("{} prefix {cut}", path.display()));
            assert!(e.offset() <= cut, "{} prefix {cut}: {e}", path.display());
        }
    }
}

/// The synthetic fragments reassemble into an APDU that decodes to its DARs.
#[test]
fn synthetic_fragments_reassemble() {
    let dir = fixtures("frames");
    let mut reassembler = dlt698::Reassembler::new(&Limits::default());
    let mut complete = None;
    for part in ["1-first", "2-middle", "3-last"] {
        let bytes = read_hex(&dir.join(format!("synthetic-link-fragment-reassembly-{part}.hex")));
        let (frame, rest) = dlt698::Frame::parse(&bytes).unwrap();
        assert!(rest.is_empty());
        if let dlt698::Progress::Complete(apdu) = reassembler.push(&frame).unwrap() {
            complete = Some(apdu);
        }
    }
    let apdu = complete.expect("the last fragment completes the APDU");
    let decoded = dlt698::decode_apdu(&apdu, &Limits::default()).unwrap();
    assert_eq!(decoded.service, "GET-Response-NormalList");
    let codes: Vec<_> = decoded
        .results
        .iter()
        .map(|r| r.code().map(dlms_result::ResultCode::get))
        .collect();
    assert_eq!(codes, [None, Some(4), Some(33)]);
}
