//! Helpers shared by the fixture tests: finding annotated hex files, reading them, and
//! comparing rendered output with the `.expected` file next to each.

use std::fs;
use std::path::{Path, PathBuf};

use dlms_result::test_util::render::read_annotated_hex;

/// Every `.hex` file under `dir`, recursively, sorted.
pub(crate) fn hex_files(dir: &Path) -> Vec<PathBuf> {
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
    files
}

/// The bytes of an annotated hex fixture.
pub(crate) fn read_hex(path: &Path) -> Vec<u8> {
    let text = fs::read_to_string(path).unwrap();
    read_annotated_hex(&text).unwrap_or_else(|| panic!("{}: not annotated hex", path.display()))
}

/// Compares `actual` with `<path>.expected` (or writes it under `FEP_BLESS=1`); returns a
/// description of the mismatch.
pub(crate) fn check(path: &Path, actual: &str) -> Option<String> {
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
