//! The `serde` representation of the output types (feature `serde`), checked on real frames:
//! exact JSON for a few, and for every fixture that the JSON says what the Rust values say.

use std::path::{Path, PathBuf};

use dlms_result::test_util::render::read_annotated_hex;
use dlms_result::{
    DecodeError, DecodeErrorKind, FrameDecoder, Limits, Outcome, ResultCode, StreamItem, decode,
    dlt698,
};
use serde_json::{Value, json};

fn fixture(relative: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/frames")
        .join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    read_annotated_hex(&text).unwrap_or_else(|| panic!("{}: not annotated hex", path.display()))
}

fn to_value(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).expect("every output type serializes")
}

#[test]
fn get_response_normal_list_with_a_dar() {
    let bytes = fixture("dlt698/600888-get-response-normallist-dar4.hex");
    let decoded = decode(&bytes).expect("fixture decodes");
    let value = to_value(&decoded);
    assert_eq!(value["protocol"], "dlt698.45");
    assert_eq!(value["direction"], "from_server");
    assert_eq!(value["service"], "GET-Response-NormalList");
    assert_eq!(value["scrambled"], false);
    assert_eq!(value["fragment"], Value::Null);
    assert_eq!(value["frame_len"], decoded.frame_len);
    let results = value["results"].as_array().expect("results array");
    assert_eq!(results.len(), decoded.results.len());
    let failure = results
        .iter()
        .find(|r| r["outcome"]["code"] == 4)
        .expect("the DAR 4 result");
    assert_eq!(
        failure["outcome"],
        json!({"code": 4, "name_zh": "对象未定义", "name_en": "object undefined"})
    );
    assert_eq!(failure["target"]["kind"], "oad");
    assert_eq!(failure["section"], "main");
    let data = results
        .iter()
        .find(|r| r["outcome"].get("data").is_some())
        .expect("a data result");
    let hex = data["outcome"]["data"]["hex"].as_str().expect("hex string");
    assert_eq!(data["outcome"]["data"]["encoding"], "axdr");
    assert_eq!(
        u64::try_from(hex.len()).unwrap(),
        2 * data["outcome"]["data"]["len"].as_u64().unwrap()
    );
    assert!(
        hex.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
    );
}

#[test]
fn address_is_shown_most_significant_first() {
    let bytes = fixture("dlt645/csharptest-read-abnormal-no-data.hex");
    let decoded = decode(&bytes).expect("fixture decodes");
    let value = to_value(&decoded);
    assert_eq!(
        value["server_address"],
        json!({"address": "123456789012", "kind": "single", "logical": 0})
    );
    assert_eq!(value["protocol"], "dlt645-2007");
    assert_eq!(value["results"][0]["outcome"]["code"], 257);
    assert_eq!(value["results"][0]["outcome"]["name_zh"], "无请求数据");
}

#[test]
fn proxy_results_carry_the_tsa_and_connect_results_their_status() {
    let proxy = fixture("dlt698/synthetic-proxy-response-getlist-dar33.hex");
    let decoded = decode(&proxy).expect("fixture decodes");
    let value = to_value(&decoded);
    let via: Vec<&Value> = value["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["via"])
        .collect();
    assert!(
        via.iter().all(|v| v["tsa"]["address"].is_string()),
        "{value}"
    );

    let connect = fixture("dlt698/nuc97x-connect-response-allowed.hex");
    let decoded = decode(&connect).expect("fixture decodes");
    let value = to_value(&decoded);
    assert_eq!(
        value["status"],
        json!({"service": "connect", "code": 0, "name_zh": "允许建立应用连接", "name_en": "connection allowed"})
    );
}

#[test]
fn errors_have_offset_kind_category_and_message() {
    let error = DecodeError::new(17, DecodeErrorKind::NoFrame);
    let value = to_value(&error);
    assert_eq!(value["offset"], 17);
    assert_eq!(value["kind"], DecodeErrorKind::NoFrame.name());
    assert_eq!(value["category"], "malformed");
    assert_eq!(value["message"], DecodeErrorKind::NoFrame.to_string());

    let mut damaged = fixture("dlt698/600888-get-response-normallist-dar4.hex");
    let last = damaged.len() - 2;
    damaged[last] ^= 0xFF; // the FCS's high byte
    let error = decode(&damaged).expect_err("checksum fails");
    let value = to_value(&error);
    assert_eq!(value["category"], "checksum");
    assert_eq!(value["offset"], error.offset());
}

#[test]
fn stream_items_and_reassembly_progress() {
    let frame = fixture("dlt645/csharptest-read-abnormal-no-data.hex");
    let mut stream = b"xx".to_vec();
    stream.extend_from_slice(&frame);
    let mut decoder = FrameDecoder::new();
    decoder.push(&stream);
    decoder.finish();
    let items: Vec<StreamItem> = std::iter::from_fn(|| decoder.next_item()).collect();
    let values: Vec<Value> = items.iter().map(to_value).collect();
    assert_eq!(
        values[0],
        json!({"garbage": {"offset": 0, "len": 2, "reason": "no_frame_start"}})
    );
    let StreamItem::Frame(_) = &items[1] else {
        panic!("second item is the frame: {items:?}")
    };
    assert_eq!(values[1]["frame"]["offset"], 2);
    assert_eq!(values[1]["frame"]["protocol"], "dlt645-2007");
    assert_eq!(
        values[1]["frame"]["hex"].as_str().unwrap().len(),
        2 * frame.len()
    );

    let limits = Limits::default();
    let mut reassembler = dlt698::Reassembler::new(&limits);
    let names = [
        "dlt698/synthetic-link-fragment-reassembly-1-first.hex",
        "dlt698/synthetic-link-fragment-reassembly-2-middle.hex",
        "dlt698/synthetic-link-fragment-reassembly-3-last.hex",
    ];
    let states: Vec<Value> = names
        .iter()
        .map(|name| {
            let bytes = fixture(name);
            let (frame, _rest) = dlt698::Frame::parse(&bytes).expect("fragment parses");
            to_value(&reassembler.push(&frame).expect("in order"))
        })
        .collect();
    assert_eq!(states[0], json!({"state": "pending", "seq": 4094}));
    assert_eq!(states[1], json!({"state": "pending", "seq": 4095}));
    assert_eq!(states[2]["state"], "complete");
    assert!(states[2]["apdu_hex"].as_str().unwrap().starts_with("85"));
}

#[test]
fn every_fixture_serializes_with_the_same_results() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/frames");
    let mut checked = 0;
    for family in ["dlt698", "dlt645", "gdw1376"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(family))
            .expect("fixture directory")
            .map(|entry| entry.expect("entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == "hex"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let bytes = read_annotated_hex(&text).unwrap();
            let value = match decode(&bytes) {
                Ok(decoded) => {
                    let value = to_value(&decoded);
                    let results = value["results"].as_array().unwrap();
                    assert_eq!(results.len(), decoded.results.len(), "{path:?}");
                    for (json, result) in results.iter().zip(&decoded.results) {
                        assert_eq!(json["offset"], result.offset, "{path:?}");
                        match result.outcome {
                            Outcome::Code(code) => {
                                assert_eq!(json["outcome"]["code"], code.get(), "{path:?}");
                                assert_eq!(
                                    json["outcome"]["name_zh"].as_str(),
                                    code.name_zh(),
                                    "{path:?}"
                                );
                            }
                            Outcome::Data(data) => {
                                assert_eq!(json["outcome"]["data"]["len"], data.len());
                            }
                            _ => {}
                        }
                    }
                    value
                }
                Err(error) => to_value(&error),
            };
            assert!(value.is_object(), "{path:?}");
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} fixtures");
    // Unknown codes are kept in the JSON too.
    assert_eq!(
        to_value(&ResultCode::new(200)),
        json!(200),
        "a result code is its number"
    );
}
