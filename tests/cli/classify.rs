//! `fep classify`.

use crate::util::fep_with_stdin;

#[test]
fn one_verdict_per_line_in_order() {
    let input = r#"{"source":"onenet","code":1021}
{"message":"终端1147186771在档案缓存中不存在"}
{"source":"dar","code":15}
{"source":"frontend","message":"TK013前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效]}"}
{"source":"video-cloud","code":"20001"}
"#;
    let run = fep_with_stdin(&["classify", "--now", "1700000000"], input);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let lines = run.json_lines();
    let got: Vec<(u64, &str)> = lines
        .iter()
        .map(|v| (v["line"].as_u64().unwrap(), v["decision"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (1, "retry"),
            (2, "re-archive"),
            (3, "give-up"),
            (4, "retry"),
            (5, "give-up")
        ]
    );
    assert_eq!(lines[3]["rule"], "frontend.TK013>dar.2");
}

#[test]
fn bad_lines_are_reported_and_skipped() {
    let input = "not json\n{\"code\":\"403\"}\n{\"source\":\"nowhere\",\"code\":1}\n{\"source\":\"dar\",\"code\":2}\n";
    let run = fep_with_stdin(&["classify", "--now", "1700000000"], input);
    assert_eq!(run.status, 1);
    let lines = run.json_lines();
    assert_eq!(lines.len(), 4);
    assert!(lines[0]["error"].is_string());
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("several sources")
    );
    assert!(lines[2]["error"].is_string());
    assert_eq!(lines[3]["decision"], "retry");
}

#[test]
fn same_seed_same_delays() {
    let input = "{\"source\":\"frontend\",\"code\":\"EL003\"}\n".repeat(5);
    let a = fep_with_stdin(&["classify", "--now", "1700000000", "--seed", "7"], &input);
    let b = fep_with_stdin(&["classify", "--now", "1700000000", "--seed", "7"], &input);
    assert_eq!(a.stdout, b.stdout);
}
