//! `docs/cli.md` shows real output; every example marked `<!-- check… -->` is produced again here
//! and must have exactly the fields the documentation shows (recursively; arrays by their first
//! element), so the documented JSON schemas cannot drift from the code.

use serde_json::Value;

use crate::util::{Scratch, fep, fep_with_stdin, root};

/// The structure of a JSON value: object keys (recursively), array element structure.
fn shape(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_path = format!("{path}.{key}");
                out.push(child_path.clone());
                // Maps keyed by data (codes, decisions) are documented by example, not by key.
                if !matches!(key.as_str(), "by_code" | "by_result_code" | "params") {
                    shape(child, &child_path, out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(first) = items.first() {
                shape(first, &format!("{path}[]"), out);
            }
        }
        _ => {}
    }
}

fn shapes_match(documented: &Value, actual: &Value) -> Result<(), String> {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    shape(documented, "", &mut a);
    shape(actual, "", &mut b);
    // An empty array in the documentation or the output says nothing about element fields.
    let prefixes_of_empty = |v: &Value| {
        let mut empty = Vec::new();
        collect_empty_arrays(v, "", &mut empty);
        empty
    };
    let empty: Vec<String> = prefixes_of_empty(documented)
        .into_iter()
        .chain(prefixes_of_empty(actual))
        .collect();
    let relevant = |p: &&String| !empty.iter().any(|e| p.starts_with(&format!("{e}[]")));
    let a: std::collections::BTreeSet<_> = a.iter().filter(relevant).collect();
    let b: std::collections::BTreeSet<_> = b.iter().filter(relevant).collect();
    if a == b {
        Ok(())
    } else {
        Err(format!(
            "documented only: {:?}\noutput only: {:?}",
            a.difference(&b).collect::<Vec<_>>(),
            b.difference(&a).collect::<Vec<_>>()
        ))
    }
}

fn collect_empty_arrays(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                collect_empty_arrays(child, &format!("{path}.{key}"), out);
            }
        }
        Value::Array(items) => match items.first() {
            None => out.push(path.to_string()),
            Some(first) => collect_empty_arrays(first, &format!("{path}[]"), out),
        },
        _ => {}
    }
}

#[test]
fn documented_json_matches_real_output() {
    let doc = std::fs::read_to_string(root().join("docs/cli.md")).expect("docs/cli.md");
    let scratch = Scratch::new("docs");
    let mut checked = 0;
    let mut rest = doc.as_str();
    while let Some(start) = rest.find("<!-- check") {
        rest = &rest[start..];
        let end = rest.find("-->").expect("marker closes");
        let marker = &rest[5..end].trim();
        let block_start = rest.find("```json\n").expect("json block follows") + 8;
        let block_end = block_start + rest[block_start..].find("```").expect("block closes");
        let documented: Value = serde_json::from_str(&rest[block_start..block_end])
            .unwrap_or_else(|e| panic!("{marker}: example is not JSON: {e}"));
        let (kind, command) = marker.split_once(':').expect("kind: command");
        let file = scratch.path(&format!("out{checked}.json"));
        let actual: Value = match kind {
            "check" | "check-summary" | "check-plan" => {
                let command = command.replace("{file}", &file);
                let args: Vec<&str> = command.split_whitespace().collect();
                let run = fep(&args);
                assert!(run.status <= 1, "{marker}: {}", run.stderr);
                if kind == "check" {
                    serde_json::from_str(run.stdout.lines().next().expect("output")).unwrap()
                } else {
                    serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap()
                }
            }
            "check-stdin" => {
                let (command, stdin) = command.split_once('|').expect("ARGS | STDIN");
                let args: Vec<&str> = command.split_whitespace().collect();
                let run = fep_with_stdin(&args, &format!("{}\n", stdin.trim()));
                assert_eq!(run.status, 0, "{marker}: {}", run.stderr);
                serde_json::from_str(run.stdout.lines().next().expect("output")).unwrap()
            }
            other => panic!("unknown marker kind {other}"),
        };
        if let Err(diff) = shapes_match(&documented, &actual) {
            panic!("docs/cli.md `{marker}` drifted from the output:\n{diff}");
        }
        checked += 1;
        rest = &rest[block_end..];
    }
    assert!(
        checked >= 6,
        "only {checked} documented examples were checked"
    );
}
