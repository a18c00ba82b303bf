//! Property tests: random batches (built with `serde_json`) with random corruption. Every
//! element the corruption did not touch is reported exactly once and in order, the
//! accounting identity holds, and the output is the same for any thread count and block size.

mod common;

use common::{check_identity, run_bytes, small};
use frontend_parse::Options;
use proptest::prelude::*;
use serde_json::{Value, json};

/// An element with a unique serial `SN-<n>-<n>-X` (no single-byte edit of one serial gives
/// another).
fn element(n: usize, kind: u8, items: u8, value_shape: u8) -> Value {
    let texts = [
        "TK013前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效]}",
        "EL003 任务对应设备无响应或响应超时，请检查入库报文",
        "ET003 通信层短时间内任务队列达到接收限值，当前队列长度42",
        "a \"quoted\" text with \\ and {[brackets]}",
    ];
    let values = [
        json!(12.5),
        json!("x\"y\\z\u{e9}"),
        json!([1, [2, {"k": "}"}]]),
        json!({"a": {"b": null}}),
        Value::Null,
    ];
    let mut object = serde_json::Map::new();
    object.insert("devSn".into(), json!(format!("SN-{n}-{n}-X")));
    object.insert("commDevId".into(), json!(1_147_186_771u64 + n as u64));
    let data_items: Vec<Value> = (0..items)
        .map(|i| {
            json!({
                "dataItemId": format!("2014-{i}"),
                "responseFlag": (i + kind) % 3,
                "value": values[usize::from(value_shape + i) % values.len()].clone(),
            })
        })
        .collect();
    object.insert("dataItem".into(), Value::Array(data_items));
    if kind.is_multiple_of(2) {
        object.insert(
            "errorCode".into(),
            json!(texts[usize::from(kind / 2) % texts.len()]),
        );
    }
    object.insert(
        "succ".into(),
        match kind % 3 {
            0 => json!("0"),
            1 => json!(true),
            _ => json!(1),
        },
    );
    Value::Object(object)
}

#[derive(Clone, Debug)]
enum Corruption {
    /// Cut the element's text at a fraction of its length (drops the rest of it).
    Truncate(u8),
    /// Replace a byte with a structural character.
    Replace(u8, u8),
    /// Delete a byte.
    Delete(u8),
    /// Insert junk before the element.
    JunkBefore(u8),
}

fn corruption() -> impl Strategy<Value = Corruption> {
    prop_oneof![
        any::<u8>().prop_map(Corruption::Truncate),
        (any::<u8>(), 0..8u8).prop_map(|(at, with)| Corruption::Replace(at, with)),
        any::<u8>().prop_map(Corruption::Delete),
        (0..6u8).prop_map(Corruption::JunkBefore),
    ]
}

fn position(len: usize, fraction: u8) -> usize {
    (len.saturating_sub(1)) * usize::from(fraction) / 255
}

/// One generated element: kind, number of items, value shape, corruption.
type Spec = (u8, u8, u8, Option<Corruption>);

/// Builds the batch text; returns it and, per element, whether corruption touched it.
fn build(docs: &[Vec<Spec>], pretty: bool) -> (Vec<u8>, Vec<(String, bool)>) {
    let mut out = Vec::new();
    let mut expected = Vec::new();
    let mut n = 0;
    for doc in docs {
        out.extend_from_slice(b"{\"devDataList\":[");
        for (index, (kind, items, shape, corruption)) in doc.iter().enumerate() {
            if index > 0 {
                out.extend_from_slice(if pretty { b",\n  " } else { b"," });
            }
            let value = element(n, *kind, *items, *shape);
            let mut text = if pretty {
                serde_json::to_vec_pretty(&value).unwrap()
            } else {
                serde_json::to_vec(&value).unwrap()
            };
            let serial = format!("SN-{n}-{n}-X");
            n += 1;
            let mut touched = corruption.is_some();
            match corruption {
                None => {}
                Some(Corruption::Truncate(at)) => text.truncate(position(text.len(), *at)),
                Some(Corruption::Replace(at, with)) => {
                    let at = position(text.len(), *at);
                    text[at] = b"\"{}[],\\x"[usize::from(*with)];
                }
                Some(Corruption::Delete(at)) => {
                    text.remove(position(text.len(), *at));
                }
                Some(Corruption::JunkBefore(which)) => {
                    let junk: &[u8] =
                        [&b"null,"[..], b"xx", b"\"", b"\"str\",", b",", b"}"][usize::from(*which)];
                    out.extend_from_slice(junk);
                    // The element itself is intact; junk only damages the gap before it.
                    touched = false;
                }
            }
            out.extend_from_slice(&text);
            expected.push((serial, touched));
        }
        out.extend_from_slice(b"],\"workId\":\"W\"}\n");
    }
    (out, expected)
}

fn serials(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter(|line| line.starts_with("E "))
        .filter_map(|line| {
            let sn = line.split(" sn=").nth(1)?;
            Some(sn.split(' ').next()?.to_owned())
        })
        .collect()
}

fn element_strategy() -> impl Strategy<Value = Spec> {
    (
        0..8u8,
        0..4u8,
        0..5u8,
        prop::option::weighted(0.15, corruption()),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn untouched_elements_survive_corruption(
        docs in prop::collection::vec(prop::collection::vec(element_strategy(), 0..12), 1..4),
        pretty in any::<bool>(),
    ) {
        let (bytes, expected) = build(&docs, pretty);
        let (lines, summary) = run_bytes(small(2), &bytes);
        check_identity(&summary);
        let seen = serials(&lines);
        // Untouched elements: each exactly once, in order.
        let untouched: Vec<&String> = expected.iter().filter(|(_, t)| !t).map(|(s, _)| s).collect();
        let seen_untouched: Vec<&String> = seen.iter().filter(|s| untouched.contains(s)).collect();
        prop_assert_eq!(seen_untouched, untouched, "{}", String::from_utf8_lossy(&bytes));
        // Nothing is reported twice.
        let known: Vec<&String> = expected.iter().map(|(s, _)| s).collect();
        let mut unique: Vec<&String> = seen.iter().filter(|s| known.contains(s)).collect();
        let reported = unique.len();
        unique.sort();
        unique.dedup();
        prop_assert_eq!(unique.len(), reported);
        // Clean input is clean.
        if expected.iter().all(|(_, t)| !t) && !docs.iter().flatten().any(|e| e.3.is_some()) {
            prop_assert!(summary.is_clean(), "{:?}", summary.malformed_samples);
            prop_assert_eq!(summary.elements, expected.len() as u64);
        }
        // Same output for one thread and default blocks.
        let (other, other_summary) = run_bytes(Options { threads: 1, ..Options::default() }, &bytes);
        prop_assert_eq!(&other, &lines);
        prop_assert_eq!(other_summary, summary);
    }
}

#[test]
fn quote_junk_before_the_first_element() {
    let bytes = br#"{"devDataList":["{"commDevId":1147186771,"dataItem":[],"devSn":"SN-0-X","succ":true}],"workId":"W"}"#;
    let (lines, summary) = run_bytes(small(2), bytes);
    check_identity(&summary);
    assert_eq!(serials(&lines), ["SN-0-X"], "{lines:#?}");
}

#[test]
fn truncated_element_swallowing_the_next_one() {
    let bytes = r#"{"devDataList":[{"commDevId":1147186771,"dataItem":[{"dataItemId":"2014-0","responseFlag":1,"value":null},{"commDevId":1147186772,"dataItem":[],"devSn":"SN-1-X","errorCode":"TK013前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效]}","succ":"0"}],"workId":"W"}
"#;
    for options in [small(2), Options::default()] {
        let (lines, summary) = run_bytes(options, bytes.as_bytes());
        check_identity(&summary);
        assert_eq!(serials(&lines), ["SN-1-X"], "{lines:#?}");
    }
}
