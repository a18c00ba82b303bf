//! `fep explain`, `fep rules`.

use crate::util::{Scratch, fep, fep_with_stdin};

#[test]
fn explain_json_fields() {
    for (args, source, code, decision) in [
        (vec!["EA001"], "frontend", "EA001", "re-archive"),
        (vec!["--source", "dar", "2"], "dar", "2", "retry"),
        (
            vec!["--source", "aliyun-living", "429"],
            "aliyun-living",
            "429",
            "retry",
        ),
        (
            vec!["终端123在档案缓存中不存在"],
            "interface",
            "终端xxx在档案缓存中不存在",
            "re-archive",
        ),
        (
            vec!["TK013前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效]}"],
            "frontend",
            "TK013",
            "retry",
        ),
        (vec!["--source", "dar", "15"], "dar", "15", "give-up"),
    ] {
        let mut all = vec!["explain", "--json"];
        all.extend(args.iter().copied());
        let run = fep(&all);
        assert_eq!(run.status, 0, "{args:?}: {}", run.stderr);
        let v = &run.json_lines()[0];
        assert_eq!(v["source"], source, "{args:?}");
        assert_eq!(v["code"], code, "{args:?}");
        assert_eq!(v["decision"], decision, "{args:?}");
        for field in [
            "kind",
            "max_attempts",
            "rule",
            "reason_zh",
            "reason_en",
            "names",
            "ladder",
        ] {
            assert!(v.get(field).is_some(), "{args:?} lacks {field}");
        }
    }
}

#[test]
fn explain_names_and_params() {
    let run = fep(&["explain", "--json", "终端1147186771在档案缓存中不存在"]);
    let v = &run.json_lines()[0];
    assert_eq!(v["params"]["terminal"], "1147186771");
    assert!(v["names"]["zh"].is_string());
    let run = fep(&["explain", "--json", "TK013…{[暂时失效]}"]);
    let v = &run.json_lines()[0];
    assert_eq!(v["rule"], "frontend.TK013>dar.2");
    assert_eq!(v["result_code"], 2);
}

#[test]
fn unknown_code_gets_the_fallback_and_exit_1() {
    let run = fep(&["explain", "ZZ999"]);
    assert_eq!(run.status, 1);
    assert!(run.stdout.contains("fallback"), "{}", run.stdout);
}

#[test]
fn ambiguous_number_is_explained_per_source() {
    let run = fep(&["explain", "--json", "403"]);
    let sources: Vec<String> = run
        .json_lines()
        .iter()
        .map(|v| v["source"].as_str().unwrap().to_string())
        .collect();
    assert!(sources.len() >= 2, "{sources:?}");
}

#[test]
fn rules_dump_round_trips_and_check_reports_positions() {
    let scratch = Scratch::new("rules");
    let dump = fep(&["rules", "--dump"]);
    assert_eq!(dump.status, 0);
    let path = scratch.path("dump.toml");
    std::fs::write(&path, &dump.stdout).unwrap();
    let check = fep(&["rules", "--check", &path]);
    assert_eq!(check.status, 0, "{}", check.stderr);
    let bad = scratch.path("bad.toml");
    std::fs::write(
        &bad,
        "[[rule]]\nid = \"dar.15\"\nsource = \"dar\"\ncode = 15\nladder = [{ do = \"retry\", kind = \"immediate\", preset = \"immediate\", retries = 1 }, { do = \"give-up\", owner = \"security\" }]\nreason_zh = \"x\"\nreason_en = \"x\"\n",
    )
    .unwrap();
    let check = fep(&["rules", "--check", &bad]);
    assert_eq!(check.status, 1);
    assert!(check.stderr.contains("bad.toml:2:"), "{}", check.stderr);
    // `-` reads the file from standard input, and names it `<stdin>` in positions.
    let piped = fep_with_stdin(&["rules", "--check", "-"], &dump.stdout);
    assert_eq!(piped.status, 0, "{}", piped.stderr);
    assert!(piped.stdout.contains("<stdin>: valid"), "{}", piped.stdout);
    let piped_bad = fep_with_stdin(
        &["rules", "--check", "-"],
        &std::fs::read_to_string(&bad).unwrap(),
    );
    assert_eq!(piped_bad.status, 1);
    assert!(
        piped_bad.stderr.contains("<stdin>:2:"),
        "{}",
        piped_bad.stderr
    );
    assert!(
        check.stderr.contains("security result code 15"),
        "{}",
        check.stderr
    );
}

#[test]
fn rules_markdown_is_the_generated_doc() {
    let run = fep(&["rules", "--markdown"]);
    let doc = std::fs::read_to_string(crate::util::root().join("docs/classification.md")).unwrap();
    assert_eq!(run.stdout, doc);
}
