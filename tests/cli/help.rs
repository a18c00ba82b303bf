//! `--help` shows examples: the ones that use the repository's fixtures must run as written, and
//! the completion script survives a reader that stops early.

use std::io::Read as _;
use std::process::{Command, Stdio};

use crate::util::{fep, root};

const SUBCOMMANDS: [&str; 7] = [
    "frame",
    "batch",
    "gen",
    "explain",
    "rules",
    "classify",
    "completions",
];

/// The `fep …` example lines of a help text.
fn examples(help: &str) -> Vec<String> {
    help.lines()
        .map(str::trim)
        .filter(|line| line.starts_with("fep "))
        .map(ToString::to_string)
        .collect()
}

#[test]
fn help_examples_on_fixtures_run_as_written() {
    let mut ran = 0;
    for subcommand in SUBCOMMANDS {
        let help = fep(&[subcommand, "--help"]);
        assert_eq!(help.status, 0, "{subcommand} --help: {}", help.stderr);
        for example in examples(&help.stdout) {
            // Examples on the user's own files (`big.json`, `site.toml`) and shell pipelines
            // are illustrations; those on shipped fixtures are promises.
            if !example.contains("fixtures/") || example.contains(['|', '>', '*']) {
                continue;
            }
            let args: Vec<&str> = example.split_whitespace().skip(1).collect();
            for path in args.iter().filter(|a| a.starts_with("fixtures/")) {
                assert!(root().join(path).is_file(), "`{example}`: no file {path}");
            }
            let run = fep(&args);
            assert_eq!(run.status, 0, "`{example}` failed: {}", run.stderr);
            assert!(!run.stdout.is_empty(), "`{example}` printed nothing");
            ran += 1;
        }
    }
    assert!(ran >= 2, "only {ran} help examples use fixtures");
}

#[test]
fn completions_survive_a_reader_that_stops_early() {
    for shell in ["bash", "zsh", "fish"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fep"))
            .args(["completions", shell])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("fep runs");
        // Close the pipe before (almost always) the script is written: the write fails with
        // a broken pipe, which must end the command quietly.
        drop(child.stdout.take());
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut stderr)
            .expect("stderr read");
        let status = child.wait().expect("fep finishes");
        assert_eq!(status.code(), Some(0), "{shell}: {stderr}");
        assert!(!stderr.contains("panicked"), "{shell}: {stderr}");
    }
    let whole = fep(&["completions", "bash"]);
    assert_eq!(whole.status, 0);
    assert!(whole.stdout.contains("fep"), "{}", whole.stdout);
}
