//! A sink that hands its written outputs back through `Sink::fresh_output` gets only outputs
//! it handed out, each at most once (a round split again after damage drops the outputs it
//! had parsed), filled with the same entries, in the same order, as a sink that lets the
//! engine make new ones: on well-formed, damaged and truncated batches (which
//! take the caller thread's paths: problems delivered directly, batches resumed after a
//! resynchronisation), with 1 and 2 threads.

mod common;

use std::collections::BTreeSet;
use std::io;

use common::{describe, fixture_path, run_bytes, small};
use frontend_parse::{Engine, Entry, Input, Options, Sink, Summary};

/// An output that remembers which fresh output it was.
#[derive(Debug, Default)]
struct Tagged {
    /// Set by the recycling sink; `None` would mean the engine made this output itself.
    tag: Option<u64>,
    lines: Vec<String>,
}

/// Hands out recycled outputs with new tags and checks what comes back.
#[derive(Default)]
struct RecyclingSink {
    next_tag: u64,
    outstanding: BTreeSet<u64>,
    spares: Vec<Vec<String>>,
    reused: u64,
    lines: Vec<String>,
}

impl Sink<Tagged> for RecyclingSink {
    fn output(&mut self, output: Tagged) -> io::Result<()> {
        let tag = output.tag.expect("an output the sink did not hand out");
        assert!(
            self.outstanding.remove(&tag),
            "output {tag} came back twice"
        );
        let mut lines = output.lines;
        self.lines.append(&mut lines);
        self.spares.push(lines);
        Ok(())
    }

    fn fresh_output(&mut self) -> Tagged {
        let tag = self.next_tag;
        self.next_tag += 1;
        self.outstanding.insert(tag);
        let lines = match self.spares.pop() {
            Some(spare) => {
                assert!(spare.is_empty());
                self.reused += u64::from(spare.capacity() > 0);
                spare
            }
            None => Vec::new(),
        };
        Tagged {
            tag: Some(tag),
            lines,
        }
    }
}

fn run_recycling(options: Options, bytes: &[u8]) -> (RecyclingSink, Summary) {
    let engine = Engine::new(options).unwrap();
    let mut sink = RecyclingSink::default();
    let summary = engine
        .run(
            vec![Input::bytes("test", bytes.to_vec())],
            |entry: &Entry<'_>, out: &mut Tagged| out.lines.push(describe(entry)),
            &mut sink,
        )
        .unwrap();
    (sink, summary)
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(fixture_path(&format!("batches/{path}"))).unwrap()
}

#[test]
fn recycled_outputs_carry_the_same_entries() {
    let inputs = [
        "valid/seed_example.json",
        "valid/ndjson.jsonl",
        "valid/mixed_bom_crlf.json",
        "valid/envelopes.jsonl",
        "invalid/malformed.json",
        "invalid/truncated.json",
        "invalid/damaged_ndjson.jsonl",
        "invalid/garbage.txt",
    ];
    let mut reused = 0;
    for path in inputs {
        let bytes = fixture(path);
        for threads in [1, 2] {
            for options in [
                small(threads),
                Options {
                    threads,
                    ..Options::default()
                },
            ] {
                let (expected, expected_summary) = run_bytes(options, &bytes);
                let (sink, summary) = run_recycling(options, &bytes);
                assert_eq!(sink.lines, expected, "{path}, {options:?}");
                assert_eq!(summary, expected_summary, "{path}, {options:?}");
                reused += sink.reused;
            }
        }
    }
    // The small options make many batches, so written outputs are handed out again.
    assert!(reused > 0);
}
