//! `fep batch`, `fep gen`.

use crate::util::{Scratch, fep, fixture};

#[test]
fn seed_example_record_has_every_documented_field() {
    let run = fep(&[
        "batch",
        "--now",
        "1700000000",
        "--quiet",
        &fixture("batches/valid/seed_example.json"),
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let lines = run.json_lines();
    assert_eq!(lines.len(), 1);
    let v = &lines[0];
    for field in [
        "doc",
        "element",
        "offset",
        "workId",
        "devSn",
        "commDevId",
        "devType",
        "cmdType",
        "dataItemId",
        "code",
        "result_code",
        "result_name",
        "params",
        "text",
        "decision",
        "kind",
        "delay_s",
        "max_attempts",
        "rule",
        "reason",
    ] {
        assert!(v.get(field).is_some(), "missing {field}: {v}");
    }
    assert_eq!(v["code"], "TK013");
    assert_eq!(v["result_code"], 2);
    assert_eq!(v["result_name"], "暂时失效");
    assert_eq!(v["devSn"], "8000000042769980");
    assert_eq!(v["decision"], "retry");
    assert_eq!(v["rule"], "frontend.TK013>dar.2");
}

#[test]
fn summary_plan_and_csv() {
    let scratch = Scratch::new("batch");
    let batch = scratch.path("gen.json");
    let gen_run = fep(&[
        "gen",
        "--elements",
        "300",
        "--seed",
        "3",
        "--output",
        &batch,
    ]);
    assert_eq!(gen_run.status, 0, "{}", gen_run.stderr);
    let summary = scratch.path("summary.json");
    let plan = scratch.path("plan.json");
    let run = fep(&[
        "batch",
        "--now",
        "1700000000",
        "--quiet",
        "--summary",
        &summary,
        "--plan",
        &plan,
        &batch,
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(summary["elements"], 300);
    let elements = summary["elements"].as_u64().unwrap();
    let accounted = summary["elements_ok"].as_u64().unwrap()
        + summary["elements_failed"].as_u64().unwrap()
        + summary["malformed"].as_u64().unwrap();
    assert_eq!(elements, accounted);
    let failures = summary["failures"].as_u64().unwrap();
    assert_eq!(run.json_lines().len() as u64, failures);
    let by_decision = summary["by_decision"].as_object().unwrap();
    let decided: u64 = by_decision.values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(decided, failures);
    for key in ["retry", "re-archive", "give-up", "success"] {
        assert!(by_decision.contains_key(key), "{key}");
    }
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    let plans = plan["plans"].as_array().unwrap();
    assert!(!plans.is_empty());
    assert!(
        !plans[0]["work_id"].as_str().unwrap().starts_with("doc:"),
        "{}",
        plans[0]["work_id"]
    );

    let csv = fep(&[
        "batch",
        "--now",
        "1700000000",
        "--quiet",
        "--format",
        "csv",
        &batch,
    ]);
    let mut rows = csv.stdout.lines();
    assert!(
        rows.next()
            .unwrap()
            .starts_with("doc,element,offset,workId,devSn")
    );
    assert_eq!(rows.count() as u64, failures);
}

#[test]
fn threads_do_not_change_output() {
    let scratch = Scratch::new("threads");
    let batch = scratch.path("gen.json");
    assert_eq!(
        fep(&["gen", "--elements", "2000", "--output", &batch]).status,
        0
    );
    let one = fep(&[
        "batch",
        "--now",
        "1700000000",
        "--quiet",
        "--threads",
        "1",
        &batch,
    ]);
    let four = fep(&[
        "batch",
        "--now",
        "1700000000",
        "--quiet",
        "--threads",
        "4",
        &batch,
    ]);
    assert_eq!(one.status, 0);
    assert_eq!(one.stdout, four.stdout);
}

#[test]
fn malformed_input_exit_1_and_missing_file_exit_2() {
    let run = fep(&[
        "batch",
        "--quiet",
        &fixture("batches/invalid/truncated.json"),
    ]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let run = fep(&["batch", "--quiet", "no/such/batch.json"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("no/such/batch.json"), "{}", run.stderr);
}

#[test]
fn gen_is_deterministic() {
    let a = fep(&["gen", "--elements", "50", "--seed", "9"]);
    let b = fep(&["gen", "--elements", "50", "--seed", "9"]);
    assert_eq!(a.status, 0);
    assert_eq!(a.stdout, b.stdout);
    assert!(a.stdout.starts_with("{\"devDataList\":["));
}

#[test]
fn malformed_samples_name_their_file_when_there_are_several() {
    let good = fixture("batches/valid/seed_example.json");
    let bad = fixture("batches/invalid/malformed.json");
    let run = fep(&["batch", "--now", "1700000000", &good, &bad]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let samples: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("malformed:"))
        .collect();
    assert!(!samples.is_empty(), "{}", run.stderr);
    for sample in samples {
        assert!(sample.contains(&format!("{bad}: document 1")), "{sample}");
    }
}

#[test]
fn an_output_that_cannot_be_written_is_exit_2() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    let scratch = Scratch::new("full");
    let batch = scratch.path("gen.json");
    // Small output (written at the end) and output of several megabytes (written while the
    // input is still being read).
    assert_eq!(
        fep(&["gen", "--elements", "8000", "--output", &batch]).status,
        0
    );
    for input in [fixture("batches/valid/seed_example.json"), batch] {
        for threads in ["1", "2"] {
            let run = fep(&[
                "batch",
                "--quiet",
                "--threads",
                threads,
                "--output",
                "/dev/full",
                &input,
            ]);
            assert_eq!(run.status, 2, "{input}: {}", run.stderr);
            assert!(
                run.stderr.contains("cannot write output"),
                "{input}: {}",
                run.stderr
            );
        }
    }
}

#[test]
fn summary_and_plan_dash_are_standard_output() {
    let scratch = Scratch::new("batch-dash");
    let input = fixture("batches/demo/collection-night.json");
    let base = ["batch", "--quiet", "--now", "1700000000"];
    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        args.push(&input);
        fep(&args)
    };
    let (records, summary, plan) = (
        scratch.path("records.jsonl"),
        scratch.path("summary.json"),
        scratch.path("plan.json"),
    );
    let files = with(&["--summary", &summary, "--plan", &plan]);
    assert_eq!(files.status, 0, "{}", files.stderr);
    for (flag, file) in [("--summary", &summary), ("--plan", &plan)] {
        let dash = with(&["--output", &records, flag, "-"]);
        assert_eq!(dash.status, 0, "{flag}: {}", dash.stderr);
        assert_eq!(
            dash.stdout,
            std::fs::read_to_string(file).unwrap(),
            "{flag}"
        );
        assert_eq!(std::fs::read_to_string(&records).unwrap(), files.stdout);
    }
    // Two things on standard output would interleave: a usage error before any input is read,
    // and no file named `-`.
    for extra in [
        &["--summary", "-"][..],
        &["--output", "-", "--plan", "-"],
        &["--output", &records, "--summary", "-", "--plan", "-"],
    ] {
        let run = with(extra);
        assert_eq!(run.status, 2, "{extra:?}");
        assert!(run.stdout.is_empty(), "{extra:?}");
        assert!(run.stderr.contains("standard output"), "{}", run.stderr);
    }
    assert!(!std::path::Path::new("-").exists());
}

#[test]
fn output_dash_is_standard_output() {
    let input = fixture("batches/valid/seed_example.json");
    let plain = fep(&["batch", "--quiet", "--now", "1700000000", &input]);
    let dash = fep(&[
        "batch",
        "--quiet",
        "--now",
        "1700000000",
        "--output",
        "-",
        &input,
    ]);
    assert_eq!(plain.status, 0, "{}", plain.stderr);
    assert_eq!(dash.status, 0, "{}", dash.stderr);
    assert!(!plain.stdout.is_empty());
    assert_eq!(dash.stdout, plain.stdout);
    let generated = fep(&["gen", "--elements", "5", "--seed", "1", "--output", "-"]);
    assert_eq!(generated.status, 0, "{}", generated.stderr);
    assert_eq!(
        generated.stdout,
        fep(&["gen", "--elements", "5", "--seed", "1"]).stdout
    );
}
