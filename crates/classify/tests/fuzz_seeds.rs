//! Replays the seeds (`fuzz/seeds/rules/`) and regression inputs
//! (`fixtures/regressions/rules/`) of the `rules` fuzz target through the harness it calls
//! (`classify::fuzz_support::rules_compact`) and through `rules` (the same checks over the whole
//! builtin table), plus prefixes and mutations of every rule-file fixture.
//!
//! The seeds are the rule-file fixtures and the builtin table:
//! `seeds_are_generated_from_the_fixtures` fails when they drift, and
//! `FEP_BLESS=1 cargo test -p classify --test fuzz_seeds` rewrites them.

use std::fs;
use std::path::{Path, PathBuf};

use classify::fuzz_support::{RulesOutcome, rules, rules_compact};
use proptest::prelude::*;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
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

/// The seeds: every rule-file fixture and the builtin table.
fn generated_seeds() -> Vec<(String, Vec<u8>)> {
    let mut seeds: Vec<(String, Vec<u8>)> = files(&repo().join("fixtures/classify/rules"))
        .into_iter()
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&path).unwrap())
        })
        .collect();
    seeds.push((
        "builtin.toml".to_owned(),
        classify::BUILTIN_TOML.as_bytes().to_vec(),
    ));
    seeds.sort();
    seeds
}

/// Both harnesses; the outcome over the whole builtin table.
fn check(what: &str, data: &[u8]) -> RulesOutcome {
    rules_compact(data).unwrap_or_else(|violation| panic!("{what} (compact base): {violation}"));
    rules(data).unwrap_or_else(|violation| panic!("{what}: {violation}"))
}

/// Both harnesses, for proptest.
fn both(data: &[u8]) -> Result<(), String> {
    rules_compact(data).map_err(|e| format!("compact base: {e}"))?;
    rules(data).map(drop)
}

#[test]
fn seeds_are_generated_from_the_fixtures() {
    let dir = repo().join("fuzz/seeds/rules");
    let seeds = generated_seeds();
    assert!(seeds.len() > 5);
    if std::env::var_os("FEP_BLESS").is_some() {
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in &seeds {
            fs::write(dir.join(name), bytes).unwrap();
        }
        return;
    }
    let committed: Vec<String> = files(&dir)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let names: Vec<String> = seeds.iter().map(|(name, _)| name.clone()).collect();
    assert_eq!(
        committed, names,
        "fuzz/seeds/rules is out of date: run FEP_BLESS=1 cargo test -p classify --test fuzz_seeds"
    );
    for (name, bytes) in &seeds {
        assert_eq!(
            &fs::read(dir.join(name)).unwrap(),
            bytes,
            "fuzz/seeds/rules/{name} is out of date (FEP_BLESS=1 regenerates it)"
        );
    }
}

#[test]
fn every_seed_passes_the_harness() {
    let mut loaded = 0;
    for path in files(&repo().join("fuzz/seeds/rules")) {
        if let RulesOutcome::Loaded(_) =
            check(&path.display().to_string(), &fs::read(&path).unwrap())
        {
            loaded += 1;
        }
    }
    // The builtin table and the `ok` fixtures load (and went through the dump round trip).
    assert!(loaded >= 4, "only {loaded} seeds loaded");
}

#[test]
fn every_regression_passes_the_harness() {
    let dir = repo().join("fixtures/regressions/rules");
    let mut replayed = 0;
    for path in files(&dir) {
        if path.extension().is_some_and(|e| e == "txt") {
            continue;
        }
        assert!(
            path.extension().is_some_and(|e| e == "bin"),
            "{}: regression inputs are NAME.bin",
            path.display()
        );
        let comment = path.with_extension("txt");
        assert!(
            fs::read_to_string(&comment).is_ok_and(|text| !text.trim().is_empty()),
            "{}: every regression needs a comment saying what it found",
            comment.display()
        );
        check(&path.display().to_string(), &fs::read(&path).unwrap());
        replayed += 1;
    }
    assert!(replayed > 0);
}

/// Every prefix (in steps, to bound the time) of every seed: cut strings, tables and arrays.
#[test]
fn prefixes_of_every_seed_pass_the_harness() {
    for (name, bytes) in generated_seeds() {
        let step = (bytes.len() / 40).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            check(&format!("{name}[..{cut}]"), &bytes[..cut]);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_pass_the_harness(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Err(e) = both(&bytes) {
            return Err(TestCaseError::fail(e));
        }
    }

    /// A fixture with a few bytes replaced: mostly still TOML, often no longer a valid rule.
    #[test]
    fn mutated_seeds_pass_the_harness(
        seed in 0usize..100,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let seeds = generated_seeds();
        let (name, mut bytes) = seeds[seed % seeds.len()].clone();
        for (at, byte) in edits {
            let at = at.index(bytes.len().max(1));
            if let Some(slot) = bytes.get_mut(at) {
                *slot = byte;
            }
        }
        if let Err(e) = both(&bytes) {
            return Err(TestCaseError::fail(format!("{name}: {e}")));
        }
    }
}
