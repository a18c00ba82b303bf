//! `fep frame`.

use crate::util::{fep, fep_with_stdin, fixture};

/// GET-Response-NormalList with item 2 failing with DAR 4 (600888 batch-read guide).
const NORMAL_LIST: &str = "683300C305000000000000007A01850200032000020001010312096D12096E12096F201402000004200F02000112138800001F8116";

#[test]
fn json_output_matches_the_documented_shape() {
    let run = fep(&["frame", "--json", NORMAL_LIST]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let lines = run.json_lines();
    assert_eq!(lines.len(), 1);
    let v = &lines[0];
    assert_eq!(v["input"], 1);
    assert_eq!(v["ok"], true);
    assert_eq!(v["protocol"], "dlt698.45");
    assert_eq!(v["apdu"], "GET-Response-NormalList");
    assert_eq!(v["server_address"], "000000000000");
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["target"], "20000200");
    assert!(results[0]["code"].is_null());
    assert_eq!(results[1]["target"], "20140200");
    assert_eq!(results[1]["code"], 4);
    assert_eq!(results[1]["name"], "对象未定义");
}

#[test]
fn bad_checksum_is_an_error_with_offset_and_exit_1() {
    let mut bad = NORMAL_LIST.to_string();
    bad.replace_range(bad.len() - 4..bad.len() - 2, "00");
    let run = fep(&["frame", "--json", NORMAL_LIST, &bad]);
    assert_eq!(run.status, 1);
    let lines = run.json_lines();
    assert_eq!(lines[0]["ok"], true);
    assert_eq!(lines[1]["input"], 2);
    assert_eq!(lines[1]["ok"], false);
    assert_eq!(lines[1]["error"]["kind"], "fcs_mismatch");
    assert_eq!(lines[1]["error"]["offset"], 50);
}

#[test]
fn unquoted_bytes_are_one_frame() {
    let spaced: Vec<String> = NORMAL_LIST
        .as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    let mut args = vec!["frame", "--json"];
    args.extend(spaced.iter().map(String::as_str));
    let run = fep(&args);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.json_lines().len(), 1);
}

#[test]
fn log_lines_on_stdin() {
    let log = format!(
        "2023-03-14 16:08:22.123 [INFO] 入库报文: {NORMAL_LIST} 长度:53\n# a comment\n\nnot a frame at all\n"
    );
    let run = fep_with_stdin(&["frame", "--json"], &log);
    assert_eq!(run.status, 1, "the second line is not a frame");
    let lines = run.json_lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["apdu"], "GET-Response-NormalList");
    assert_eq!(lines[1]["error"]["kind"], "invalid_hex");
}

#[test]
fn text_output_names_the_codes() {
    let run = fep(&["frame", NORMAL_LIST]);
    assert_eq!(run.status, 0);
    assert!(
        run.stdout.contains("GET-Response-NormalList"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("20140200"));
    assert!(run.stdout.contains("4 对象未定义"));
}

#[test]
fn input_file_and_missing_file() {
    let run = fep(&["frame", "--input", "no/such/file.log"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("no/such/file.log"), "{}", run.stderr);
    let _ = fixture("frames");
}

/// The three fragment fixtures of one GET-Response-NormalList, as plain hex lines.
fn fragment_lines() -> Vec<String> {
    ["1-first", "2-middle", "3-last"]
        .iter()
        .map(|part| {
            let path = fixture(&format!(
                "frames/dlt698/synthetic-link-fragment-reassembly-{part}.hex"
            ));
            let text = std::fs::read_to_string(&path).expect("fragment fixture");
            text.lines()
                .map(|line| line.split('#').next().unwrap_or(""))
                .collect::<String>()
                .split_whitespace()
                .collect()
        })
        .collect()
}

#[test]
fn fragments_in_consecutive_inputs_are_reassembled() {
    let lines = fragment_lines();
    let run = fep_with_stdin(&["frame", "--json"], &(lines.join("\n") + "\n"));
    assert_eq!(run.status, 0, "{}", run.stderr);
    let records = run.json_lines();
    assert_eq!(records.len(), 3);
    assert!(records[0].get("reassembled").is_none());
    assert!(records[1].get("reassembled").is_none());
    let whole = &records[2]["reassembled"];
    assert_eq!(whole["from_input"], 1);
    assert_eq!(whole["apdu"], "GET-Response-NormalList");
    let codes: Vec<&serde_json::Value> = whole["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| &r["code"])
        .collect();
    assert_eq!(codes, [&serde_json::Value::Null, &4.into(), &33.into()]);

    let text = fep_with_stdin(&["frame"], &(lines.join("\n") + "\n"));
    assert!(
        text.stdout
            .contains("reassembled GET-Response-NormalList (26 bytes from inputs #1–#3)"),
        "{}",
        text.stdout
    );
}

#[test]
fn a_fragment_sequence_gap_is_an_input_problem() {
    let lines = fragment_lines();
    // First, then last: the middle fragment is missing.
    let stdin = format!("{}\n{}\n", lines[0], lines[2]);
    let run = fep_with_stdin(&["frame", "--json"], &stdin);
    assert_eq!(run.status, 1, "{}", run.stdout);
    let records = run.json_lines();
    assert_eq!(records[1]["ok"], true, "the frame itself decodes");
    assert_eq!(records[1]["reassembled"]["ok"], false);
    assert_eq!(
        records[1]["reassembled"]["error"]["kind"],
        "fragment_sequence"
    );
}
