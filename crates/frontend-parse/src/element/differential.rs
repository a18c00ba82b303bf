//! Differential tests: the fast scanner (`scan.rs`, with its simd-json fallback) and simd-json
//! alone must read every input to the same [`Element`] or both reject it with the same error.
//! The scanner only ever gives up to simd-json, so any difference is a scanner bug.

use proptest::prelude::*;

use super::{Element, ElementError, ElementParser};
use crate::fuzz_support::describe_element;

/// What a reader made of one input, in comparable form.
#[derive(Debug, PartialEq)]
enum Reading {
    Element(String),
    Error(ElementError),
}

fn reading(result: Result<Element<'_>, ElementError>) -> Reading {
    match result {
        Ok(element) => Reading::Element(describe_element(&element)),
        Err(error) => Reading::Error(error),
    }
}

/// Both readings of `bytes`, and whether the scanner read it itself (no fallback).
fn both(parser: &mut ElementParser, bytes: &[u8]) -> (Reading, Reading, bool) {
    let before = parser.fallbacks();
    let fast = parser.parse_with(bytes, reading);
    let scanned = parser.fallbacks() == before;
    let reference = parser.parse_with_simd_json(bytes, reading);
    (fast, reference, scanned)
}

/// Which bytes of `json` belong to a string, its quotes included.
fn in_strings(json: &[u8]) -> Vec<bool> {
    let mut inside = Vec::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for &byte in json {
        let opens = !in_string && byte == b'"';
        inside.push(in_string || opens);
        if opens {
            in_string = true;
        } else if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        }
    }
    inside
}

/// One element of a `fep gen` batch (every shape the generator writes: successes with values
/// of every kind, every front-end code, escapes, Chinese texts, `succ` in three spellings).
fn generated_elements(seed: u64, count: u64) -> Vec<Vec<u8>> {
    let options = crate::synth::SynthOptions {
        elements: count,
        seed,
        failure_rate: 0.5,
        items_per_element: (0, 6),
        documents: 1,
    };
    let mut batch = Vec::new();
    crate::synth::write_batch(&options, &mut batch).unwrap();
    let array = batch.iter().position(|&b| b == b'[').unwrap() + 1;
    let inside = in_strings(&batch);
    let mut elements = Vec::new();
    let mut depth = 0usize;
    let mut start = 0usize;
    for (at, &byte) in batch.iter().enumerate().skip(array) {
        if inside[at] {
            continue;
        }
        match byte {
            b'{' | b'[' => {
                if depth == 0 {
                    start = at;
                }
                depth += 1;
            }
            b'}' | b']' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    elements.push(batch[start..=at].to_vec());
                }
            }
            b']' => break,
            _ => {}
        }
    }
    assert_eq!(elements.len() as u64, count);
    elements
}

#[test]
fn generated_elements_are_read_alike_and_without_fallback() {
    let mut parser = ElementParser::new();
    for element in generated_elements(11, 400) {
        let (fast, reference, scanned) = both(&mut parser, &element);
        assert_eq!(fast, reference, "{}", String::from_utf8_lossy(&element));
        assert!(matches!(fast, Reading::Element(_)));
        // Generated data is what the scanner is for: it must not fall back on it.
        assert!(
            scanned,
            "fell back on {}",
            String::from_utf8_lossy(&element)
        );
    }
}

#[test]
fn edge_cases_are_read_alike() {
    let mut parser = ElementParser::new();
    let cases: &[&[u8]] = &[
        br#"{"devSn":"a\"b","commDevId":12,"devType":true,"cmdType":-3,"frameNum":"7","succ":"1"}"#,
        br#"{"devSn":"\u00e9\u4e2d","errorCode":"TK013\u524d\u7f6e{[\u6682\u65f6\u5931\u6548]}"}"#,
        br#"{"devSn":"\ud83d\ude00","succ":0}"#,
        br#"{"frameNum":1.5,"succ":1.0}"#,
        br#"{"frameNum":1e2,"succ":false}"#,
        br#"{"frameNum":-0,"succ":"true"}"#,
        br#"{"frameNum":18446744073709551615}"#,
        br#"{"frameNum":18446744073709551616}"#,
        br#"{"frameNum":-9223372036854775808}"#,
        br#"{"frameNum":99999999999999999}"#,
        br#"{"dataItem":{"dataItemId":"x","responseFlag":"2"}}"#,
        br#"{"dataItem":"x"}"#,
        br#"{"dataItem":[{ "dataItemId" : "a" ,"responseFlag" :1, "value":2}]}"#,
        br#"{"dataItem":[{"dataItemIdx":"a","responseFlag\u0031":1,"value" :[]}]}"#,
        br#"{"dataItem":[{"value":{"dataItemId":"in","responseFlag":5},"dataItemId":"out"}]}"#,
        br#"{"dataItem":[{"dataItemId":"a","dataItemId":"b","responseFlag":1,"responseFlag":0}]}"#,
        br#"{"dataItem":["a",{"responseFlag":1},null,[1,2],{"dataItemId":3.5}]}"#,
        br#"{"dataItem":[{"dataItemId":"a","devSn":"1","succ":"0","cmdType":"c"}]}"#,
        br#"{"dataItem":[{"a":1}],"dataItem":[{"dataItemId":"b","responseFlag":4}]}"#,
        // Flags as strings (escaped, spaced, fractional), booleans and null; ids of every kind.
        br#"{"dataItem":[{"responseFlag":"\u0033","dataItemId":7},{"responseFlag":" 2 "}]}"#,
        br#"{"dataItem":[{"responseFlag":"2.0","dataItemId":true},{"responseFlag":"x"}]}"#,
        br#"{"dataItem":[{"responseFlag":true,"dataItemId":null},{"responseFlag":null}]}"#,
        br#"{"dataItem":[{"responseFlag":-4,"dataItemId":"\u00e9a"},"\u4e2d",""]}"#,
        br#"{"dataItem":[{"dataItemId":"\u00e9","dataItemId":"\u4e2d\u6587"}]}"#,
        // The usual item shape with one thing off (the literal path must hand these over).
        br#"{"dataItem":[{"dataItemId":"a","responseFlag":00,"value":1}]}"#,
        br#"{"dataItem":[{"dataItemId":"a","responseFlag":01,"value":1}]}"#,
        br#"{"dataItem":[{"dataItemId":"a","responseFlag":255,"value":1},{"dataItemId":"b","responseFlag":12345,"value":1}]}"#,
        br#"{"dataItem":[{"dataItemId":"a","responseFlag":2.5,"value":1},{"dataItemId":"b","responseFlag":1e2,"value":1}]}"#,
        br#"{"dataItem":[{"dataItemId":"a","responseFlag":-1,"value":1},{"dataItemId":"b","responseFlag":-0,"value":1}]}"#,
        br#"{"dataItem":[{"dataItemId":"a","responseFlag":3,"value":[1,{"b":"c"}] },{"dataItemId":"b","responseFlag":0,"value":1,"x":2}]}"#,
        br#"{"dataItem":[{"dataItemId":"a\"b","responseFlag":3,"value":1},{"dataItemId":"","responseFlag":4,"value":null}]}"#,
        br#"{"dataItem":[{"dataItemId":"a","responseFlag":99999999999999999999,"value":1}]}"#,
        br#"{"dataItem":[{"dataItemId":"a","responseFlag":3,"value":}]}"#,
        br#"{"dataItem":[{"dataItemId":"a","responseFlag":3,"value":1"#,
        br#"{"dataItem":[{"dataItemId":"a","responseFlag":3,"value":1,}]}"#,
        br#"{"dataItem":[{"dataItemId":"a","responseFlag":3,"value"#,
        b"{\"dataItem\":[{\"dataItemId\":\"\xe4\xb8\xad\",\"responseFlag\":4,\"value\":null}]}",
        b"{\"dataItem\":[{\"dataItemId\":\"\xe4\xb8\",\"responseFlag\":3,\"value\":1}]}",
        b"{\"dataItem\":[{\"dataItemId\":\"a\x01\",\"responseFlag\":3,\"value\":1}]}",
        b"{\"dataItem\":[{\"dataItemId\":\"a\",\"responseFlag\":3,\"value\":\n1\n}]}",
        br#"{"devDataList":[],"workId":"w"}"#,
        br#"{"d\u0065vSn":"1"}"#,
        br#"{"errorCode":"  "}"#,
        br#"{"errorCode":{"a":[]}}"#,
        br#"{"errorCode":0.0}"#,
        br#"{"x":[1,-1.25,0.5e-3,true,false,null,"s\\\/\b\f\n\r\t"],"succ":"0"}"#,
        b"{\"x\":\"\x01\"}",
        b"{\"devSn\":\"\xff\"}",
        b"{\"devSn\":\"\xe4\xb8\"}",
        b" {\"succ\":1} ",
        b"\t{\"succ\":1}\r\n",
        b"{\"succ\" : 1 , \"devSn\" :\"1\"\n}",
        b"{}",
        b"[]",
        b"\"s\"",
        b"",
        b"{",
        b"{\"a\":[}",
        b"{\"a\":1,}",
        b"{\"a\":tru}",
        b"{\"a\":01}",
        b"{\"a\":-}",
        b"{\"a\":.5}",
        b"{\"a\":1.}",
        b"{\"a\" 1}",
        b"{\"a\":1 \"b\":2}",
        b"{\"a\":\"\\x\"}",
        b"{\"a\":\"\\u12\"}",
        b"{\"a\":\"\\udc00\"}",
        b"{\"succ\":1}}",
        b"{\"succ\":1},{\"succ\":2}",
    ];
    for case in cases {
        let (fast, reference, _) = both(&mut parser, case);
        assert_eq!(fast, reference, "{}", String::from_utf8_lossy(case));
    }
    let deep = format!("{{\"x\":{}1{}}}", "[".repeat(100), "]".repeat(100));
    let (fast, reference, _) = both(&mut parser, deep.as_bytes());
    assert_eq!(fast, reference);
    let too_deep = format!("{{\"x\":{}1{}}}", "[".repeat(200), "]".repeat(200));
    let (fast, reference, _) = both(&mut parser, too_deep.as_bytes());
    assert_eq!(fast, reference);
    assert!(matches!(fast, Reading::Error(_)));
}

/// `element` with `gap` written before and after every structural byte outside strings
/// (`{ } [ ] , :`), but not around the element itself (bytes around the object are left to
/// simd-json by design).
fn spaced_out(element: &[u8], gap: &[u8]) -> Vec<u8> {
    let inside = in_strings(element);
    let mut out = Vec::new();
    for (&byte, inside) in element.iter().zip(inside) {
        if !inside && matches!(byte, b'{' | b'}' | b'[' | b']' | b',' | b':') {
            out.extend_from_slice(gap);
            out.push(byte);
            out.extend_from_slice(gap);
        } else {
            out.push(byte);
        }
    }
    out.drain(..gap.len());
    out.truncate(out.len() - gap.len());
    out
}

/// Whitespace of every kind (RFC 8259 §2) between every two tokens is read as the compact
/// element is, by the scanner itself; a control byte that is not whitespace, or DEL, there
/// is an error both readers report alike.
#[test]
fn spaced_out_elements_are_read_alike() {
    let mut parser = ElementParser::new();
    for element in generated_elements(12, 60) {
        let (compact, _, _) = both(&mut parser, &element);
        for gap in [&b" "[..], b"\t", b"\n", b"\r", b"\r\n \t", b"  "] {
            let spaced = spaced_out(&element, gap);
            let (fast, reference, scanned) = both(&mut parser, &spaced);
            assert_eq!(fast, reference, "{}", String::from_utf8_lossy(&spaced));
            assert_eq!(fast, compact, "{}", String::from_utf8_lossy(&spaced));
            assert!(scanned, "fell back on {}", String::from_utf8_lossy(&spaced));
        }
        for gap in [
            &b"\x0b"[..],
            b"\x0c",
            b"\x00",
            b" \x1f",
            b"\x7f",
            b"\xc2\xa0",
        ] {
            let spaced = spaced_out(&element, gap);
            let (fast, reference, _) = both(&mut parser, &spaced);
            assert_eq!(fast, reference, "{}", String::from_utf8_lossy(&spaced));
            assert!(
                matches!(fast, Reading::Error(_)),
                "{}",
                String::from_utf8_lossy(&spaced)
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    /// Objects among item values made of keys, scalars, number arrays and what the flat
    /// object path must leave to the general walk (escaped keys, nested objects, whitespace,
    /// missing, doubled or trailing separators): the scanner reads them as simd-json does.
    #[test]
    fn objects_among_values_are_read_alike(
        entries in prop::collection::vec(
            (
                prop::sample::select(vec!["\"time\"", "\"k\\u0031\"", "\"\"", "\"\u{e9}\"", "time", ""]),
                prop::sample::select(vec![":", ":", ":", "", " :", "::"]),
                prop::sample::select(vec![
                    "\"2023-03-14 00:00:00\"", "61310", "-0.5", "1e5", "01", "null", "true",
                    "fals", "[743,266,506]", "[1,]", "[]", "{}", "{\"a\":1}", "\"\\u6e29\"",
                    "\"a\u{1}\"", "", " 1",
                ]),
                prop::sample::select(vec![",", ",", ",", "", ",,", " ,"]),
            ),
            0..5,
        ),
        close in prop::sample::select(vec!["}", "}", " }", "", "]"]),
    ) {
        let pieces: Vec<String> = entries
            .iter()
            .map(|(key, colon, value, comma)| format!("{key}{colon}{value}{comma}"))
            .collect();
        let mut body = pieces.concat();
        // Mostly without the separator after the last entry; sometimes with it.
        if entries.len() % 2 == 1 && body.ends_with(',') {
            body.pop();
        }
        let value = format!("{{{body}{close}");
        let element = format!(
            "{{\"dataItem\":[{{\"dataItemId\":\"a\",\"responseFlag\":0,\"value\":{value}}}],\"succ\":1}}"
        );
        let mut parser = ElementParser::new();
        let (fast, reference, _) = both(&mut parser, element.as_bytes());
        prop_assert_eq!(fast, reference, "{}", element);
    }
}

#[test]
fn flat_objects_are_read_by_the_scanner_itself() {
    let mut parser = ElementParser::new();
    for value in [
        r#"{"time":"2023-03-14 00:00:00","total":61310,"rates":[743,266,506,306]}"#,
        r#"{"a":null,"b":true,"c":false,"d":-1.5,"e":"\u6e29x","f":[0]}"#,
        r#"{"a":{"b":1},"c":2}"#,
        r#"{ "a":1}"#,
        "{}",
    ] {
        let element = format!(
            r#"{{"dataItem":[{{"dataItemId":"a","responseFlag":0,"value":{value}}}],"succ":1}}"#
        );
        let (fast, reference, scanned) = both(&mut parser, element.as_bytes());
        assert_eq!(fast, reference, "{element}");
        assert!(matches!(fast, Reading::Element(_)), "{element}");
        assert!(scanned, "fell back on {element}");
    }
}

/// Bytes that change JSON structure or meaning when they land somewhere.
const INTERESTING: &[u8] = b"\"\\{}[],:0123456789-.eE+tfnu \t\n\x01\x7f\xc3\xa9\xe4\xff/bx";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    /// Generated elements with random damage (bytes replaced, inserted, removed, the end cut):
    /// whatever the damage, both readers agree.
    #[test]
    fn damaged_elements_are_read_alike(
        seed in 0u64..1000,
        which in 0usize..8,
        edits in prop::collection::vec((0usize..4, any::<prop::sample::Index>(), 0usize..INTERESTING.len()), 1..4),
    ) {
        let elements = generated_elements(seed, 8);
        let mut bytes = elements[which].clone();
        for (kind, at, pick) in edits {
            if bytes.is_empty() {
                break;
            }
            let at = at.index(bytes.len());
            let byte = INTERESTING[pick];
            match kind {
                0 => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                2 => {
                    bytes.remove(at);
                }
                _ => bytes.truncate(at),
            }
        }
        let mut parser = ElementParser::new();
        let (fast, reference, _) = both(&mut parser, &bytes);
        prop_assert_eq!(fast, reference, "{}", String::from_utf8_lossy(&bytes));
    }
}
