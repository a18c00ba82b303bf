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

/// Whether every value the documentation shows is in the output: objects key by key, an
/// array's documented elements each in some element of the output's array (examples shorten
/// arrays), everything else equal. Shapes alone let an example show data that no run produces.
fn contained(documented: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (documented, actual) {
        (Value::Object(shown), Value::Object(real)) => {
            for (key, value) in shown {
                let child = format!("{path}.{key}");
                let real_value = real.get(key).ok_or_else(|| child.clone())?;
                contained(value, real_value, &child)?;
            }
            Ok(())
        }
        (Value::Array(shown), Value::Array(real)) => {
            for (index, value) in shown.iter().enumerate() {
                let child = format!("{path}[{index}]");
                if !real.iter().any(|r| contained(value, r, &child).is_ok()) {
                    return Err(child);
                }
            }
            Ok(())
        }
        (shown, real) if shown == real => Ok(()),
        _ => Err(path.to_string()),
    }
}

#[test]
fn documented_values_must_be_in_the_output() {
    let real: Value = serde_json::json!({"a": [{"b": 1, "c": [1, 2, 3]}, {"b": 2}], "d": "x"});
    let shortened = serde_json::json!({"a": [{"b": 2}], "d": "x"});
    assert_eq!(contained(&shortened, &real, ""), Ok(()));
    let invented = serde_json::json!({"a": [{"b": 3}]});
    assert_eq!(contained(&invented, &real, ""), Err(".a[0]".to_string()));
    let wrong = serde_json::json!({"a": [{"c": [4]}]});
    assert!(contained(&wrong, &real, "").is_err());
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
        if let Err(path) = contained(&documented, &actual, "") {
            panic!(
                "docs/cli.md `{marker}` shows a value the command does not print, at {path}:\n{}",
                serde_json::to_string_pretty(&actual).unwrap_or_default()
            );
        }
        checked += 1;
        rest = &rest[block_end..];
    }
    assert!(
        checked >= 6,
        "only {checked} documented examples were checked"
    );
}

/// The README's tour: one `$ fep …` command and the lines it printed.
struct TourStep {
    command: String,
    shown: Vec<String>,
}

/// The `$ …` commands of a code block and the lines shown after each.
fn transcript(block: &str) -> Vec<TourStep> {
    let mut steps: Vec<TourStep> = Vec::new();
    for line in block.lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            steps.push(TourStep {
                command: command.to_string(),
                shown: Vec::new(),
            });
        } else if let Some(step) = steps.last_mut()
            && !line.is_empty()
        {
            step.shown.push(line.to_string());
        }
    }
    steps
}

fn readme_tour() -> Vec<TourStep> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let tour = readme
        .split_once("## A 30-second tour")
        .expect("README has the tour")
        .1;
    transcript(tour.split("```").nth(1).expect("the tour's code block"))
}

/// Every fenced block of `docs/cli.md` that shows `$ fep …` commands.
fn cli_doc_transcripts() -> Vec<Vec<TourStep>> {
    let doc = std::fs::read_to_string(root().join("docs/cli.md")).expect("docs/cli.md");
    doc.split("```")
        .skip(1)
        .step_by(2)
        .map(transcript)
        .filter(|steps| steps.iter().any(|s| s.command.starts_with("fep ")))
        .collect()
}

/// Whether a documented line stands for an actual one: equal, or, where the documentation
/// abbreviates with `…`, every piece between the ellipses appears in order.
fn line_matches(shown: &str, actual: &str) -> bool {
    if !shown.contains('…') {
        return shown == actual;
    }
    let mut rest = actual;
    for piece in shown.split('…').map(str::trim).filter(|p| !p.is_empty()) {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

/// Every documented line matches an actual line, in order (`…` alone skips lines).
fn lines_match(shown: &[String], actual: &str) -> Result<(), String> {
    let mut actual_lines = actual.lines();
    for line in shown.iter().filter(|l| l.trim() != "…") {
        if !actual_lines.any(|a| line_matches(line, a)) {
            return Err(format!("not in the output: {line}\noutput:\n{actual}"));
        }
    }
    Ok(())
}

#[test]
fn readme_tour_is_real_output() {
    let steps = readme_tour();
    assert!(steps.len() >= 4, "the tour has {} commands", steps.len());
    check_transcript("README tour", &steps);
}

#[test]
fn cli_doc_transcripts_are_real_output() {
    let transcripts = cli_doc_transcripts();
    assert!(transcripts.len() >= 3, "{} transcripts", transcripts.len());
    for steps in &transcripts {
        check_transcript("docs/cli.md", steps);
    }
}

/// Runs each step and checks the lines it shows (`head -1 FILE` looks at the previous
/// command's standard output; `> FILE` means the shown lines are standard error).
fn check_transcript(document: &str, steps: &[TourStep]) {
    let scratch = Scratch::new("transcript");
    let mut last_stdout = String::new();
    for step in steps {
        if let Some(file) = step.command.strip_prefix("head -1 ") {
            // The documented record is wrapped and abbreviated: each `"key":value` shown must
            // be in the first line the previous command wrote to `file`.
            assert!(
                std::path::Path::new(file)
                    .extension()
                    .is_some_and(|e| e == "jsonl"),
                "{}",
                step.command
            );
            let first = last_stdout.lines().next().expect("a record");
            let shown = step.shown.join("");
            for field in shown
                .trim_start_matches('{')
                .trim_end_matches('}')
                .split(['…', ','])
                .map(str::trim)
                .filter(|f| f.contains(':'))
            {
                assert!(
                    first.contains(field),
                    "README's record shows {field} but fep wrote {first}"
                );
            }
            continue;
        }
        let command = step
            .command
            .strip_prefix("fep ")
            .unwrap_or_else(|| panic!("tour step is not a fep command: {}", step.command));
        // Output redirection becomes a captured stdout; named output files go to scratch.
        let (command, _redirect) = command.split_once(" > ").unwrap_or((command, ""));
        let args: Vec<String> = shell_words(command)
            .into_iter()
            .map(|a| {
                if std::path::Path::new(&a)
                    .extension()
                    .is_some_and(|e| e == "json")
                    && !a.starts_with("fixtures/")
                {
                    scratch.path(&a)
                } else {
                    a
                }
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = fep(&args);
        assert_eq!(run.status, 0, "{}: {}", step.command, run.stderr);
        let printed = if step.command.contains(" > ") {
            &run.stderr
        } else {
            &run.stdout
        };
        if let Err(e) = lines_match(&step.shown, printed) {
            panic!("{document} `{}` drifted:\n{e}", step.command);
        }
        last_stdout = run.stdout;
    }
}

/// Splits a documented command line like a shell: whitespace separates words, single quotes
/// keep spaces and are removed.
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut in_word = false;
    for c in command.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                in_word = true;
            }
            c if c.is_whitespace() && !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[test]
fn abbreviated_lines_match_only_what_they_show() {
    assert_eq!(
        shell_words("explain '终端1 在' --json ''"),
        ["explain", "终端1 在", "--json", ""]
    );
    assert!(line_matches("a … c", "a b c"));
    assert!(!line_matches("a … c", "a b"));
    assert!(!line_matches("a b", "a b c"));
    assert!(lines_match(&["x".into(), "…".into(), "z".into()], "x\ny\nz").is_ok());
    assert!(lines_match(&["z".into(), "x".into()], "x\ny\nz").is_err());
}
