//! The failure rules (what counts as one failure of an element), as one pure function.

use dlms_result::ResultCode;

use super::{Failure, FailureCode, Location, ResponseFlagMode};
use crate::element::{DataItem, Element, ErrorCodeField};
use crate::text::{ErrorText, FepCode, Params, TextCode, parse_error_text};

/// What extraction noticed besides the failures, for the summary's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExtractNotes {
    /// Failures whose flag named a different result code than the text (the text won).
    pub flag_text_mismatches: u32,
    /// The element is marked successful (`succ` true, no `errorCode`) but carries flags the
    /// chosen reading calls failures: a hint that the front-end uses the other reading.
    pub flag_anomaly: bool,
}

/// Appends the failures of one element to `out`, in item order, and returns the notes.
///
/// The rules:
/// 1. `errorCode` present: for `TK013`, one failure per data item whose flag the `mode`
///    calls a failure; if none is, one per item with the result code named in the text;
///    with no items, one element-level failure. Any other code: one element-level failure.
/// 2. No `errorCode`, `succ` false: one `DAR` failure per failing item, else one
///    element-level `UNKNOWN` failure.
/// 3. No `errorCode`, `succ` true (or missing): one `DAR` failure per failing item.
///
/// With [`ResponseFlagMode::Dar`] the flag is the item's result code; where the text names a
/// different one the text wins and the mismatch is counted. A text listing several details
/// (`{[a],[b]}`) pairs them with the failing items in order when the counts agree; otherwise
/// a flag code that is among the details is kept, and the first named code is used.
///
/// ```
/// use frontend_parse::failure::{Location, ResponseFlagMode, extract_failures};
/// use frontend_parse::ElementParser;
///
/// let json = r#"{"devSn":"1","succ":"0","errorCode":"TK013前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效]}",
///                 "dataItem":[{"dataItemId":"a","responseFlag":0},{"dataItemId":"b","responseFlag":2}]}"#;
/// let location = Location { doc: 0, element: Some(0), offset: 0, work_id: None };
/// ElementParser::new().parse_with(json.as_bytes(), |element| {
///     let element = element.unwrap();
///     let mut failures = Vec::new();
///     let notes = extract_failures(&element, location, ResponseFlagMode::Dar, &mut failures);
///     assert_eq!(failures.len(), 1);
///     assert_eq!(failures[0].data_item_id.unwrap(), "b");
///     assert_eq!(failures[0].result_code.map(|c| c.get()), Some(2));
///     assert_eq!(notes.flag_text_mismatches, 0);
/// });
/// ```
pub fn extract_failures<'a>(
    element: &Element<'a>,
    location: Location<'a>,
    mode: ResponseFlagMode,
    out: &mut Vec<Failure<'a>>,
) -> ExtractNotes {
    let mut notes = ExtractNotes::default();
    let is_failing = |item: &DataItem<'_>| item.response_flag.is_some_and(|f| mode.is_failure(f));
    // Most elements have no failure: they leave before their text fields are read, which
    // for scanned strings is a conversion (`FieldSlot`).
    if element.error_code == ErrorCodeField::Absent
        && element.succ != Some(false)
        && !element.items().any(|item| is_failing(&item))
    {
        return notes;
    }
    let base = Failure {
        location,
        dev_sn: element.dev_sn(),
        comm_dev_id: element.comm_dev_id(),
        dev_type: element.dev_type(),
        cmd_type: element.cmd_type(),
        data_item_id: None,
        code: FailureCode::Unknown,
        result_code: None,
        params: Params::new(),
        text: None,
        response_flag: None,
        template: None,
    };
    match element.error_code {
        ErrorCodeField::Text(raw) => {
            let text = parse_error_text(raw);
            let base = Failure {
                code: match text.code {
                    TextCode::Fep(code) => FailureCode::Fep(code),
                    TextCode::Other(code) => FailureCode::Other(code),
                    TextCode::None => FailureCode::Unknown,
                },
                params: text.params,
                text: Some(raw),
                ..base
            };
            if text.code == TextCode::Fep(FepCode::Tk013) {
                tk013(element, &text, mode, &base, out, &mut notes);
            } else {
                out.push(Failure {
                    result_code: text.result_code(),
                    ..base
                });
            }
        }
        ErrorCodeField::Unreadable => out.push(base),
        ErrorCodeField::Absent => {
            let before = out.len();
            for item in element.items().filter(is_failing) {
                out.push(Failure {
                    data_item_id: item.data_item_id(),
                    code: FailureCode::Dar,
                    result_code: item.response_flag.and_then(|flag| mode.result_code(flag)),
                    response_flag: item.response_flag,
                    ..base
                });
            }
            let any_failing = out.len() > before;
            match element.succ {
                Some(false) if !any_failing => out.push(base),
                Some(true) if any_failing => notes.flag_anomaly = true,
                _ => {}
            }
        }
    }
    notes
}

/// Rule 1 for `TK013`: per failing item, else per item with the text's code, else one.
fn tk013<'a>(
    element: &Element<'a>,
    text: &ErrorText<'a>,
    mode: ResponseFlagMode,
    base: &Failure<'a>,
    out: &mut Vec<Failure<'a>>,
    notes: &mut ExtractNotes,
) {
    let failing = element
        .items()
        .filter(|item| item.response_flag.is_some_and(|f| mode.is_failure(f)))
        .count();
    let total = element.items().count();
    if total == 0 {
        out.push(Failure {
            result_code: text.result_code(),
            ..*base
        });
        return;
    }
    let (count, only_failing) = if failing > 0 {
        (failing, true)
    } else {
        (total, false)
    };
    let items = element
        .items()
        .filter(|item| !only_failing || item.response_flag.is_some_and(|f| mode.is_failure(f)));
    // One detail per item: the items take the details in order. Otherwise every item gets
    // the text's first code. Either is read once for the element, not once per item.
    let one_each = text.details().count() == count;
    let mut in_order = one_each.then(|| text.details());
    let text_wide = if one_each { None } else { text.result_code() };
    for item in items {
        let flag_code = if only_failing {
            item.response_flag.and_then(|flag| mode.result_code(flag))
        } else {
            None
        };
        let text_code = match &mut in_order {
            Some(details) => details.next().and_then(ResultCode::parse),
            None => text_wide,
        };
        let (result_code, mismatch) = resolve(text, !one_each, text_code, flag_code);
        if mismatch {
            notes.flag_text_mismatches = notes.flag_text_mismatches.saturating_add(1);
        }
        out.push(Failure {
            data_item_id: item.data_item_id(),
            result_code,
            response_flag: item.response_flag,
            ..*base
        });
    }
}

/// The result code of a failing item: the flag's code unless the text names another one
/// (then the text wins, and `true` reports the mismatch). `text_code` is the code the text
/// gives this item; `not_one_each` says the text does not name one code per item.
fn resolve(
    text: &ErrorText<'_>,
    not_one_each: bool,
    text_code: Option<ResultCode>,
    flag_code: Option<ResultCode>,
) -> (Option<ResultCode>, bool) {
    match (flag_code, text_code) {
        (Some(flag), Some(named_code)) if flag != named_code => {
            // Several details in another order than the items: the flag's code is named.
            if not_one_each && text.details().any(|d| ResultCode::parse(d) == Some(flag)) {
                (Some(flag), false)
            } else {
                (Some(named_code), true)
            }
        }
        (flag, named_code) => (named_code.or(flag), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::ElementParser;

    const LOCATION: Location<'static> = Location {
        doc: 0,
        element: Some(3),
        offset: 10,
        work_id: None,
    };

    /// (code, dataItemId, result code) of one failure.
    type Row = (String, Option<String>, Option<u16>);

    /// The rows of an element's failures, and the notes.
    fn run(json: &str, mode: ResponseFlagMode) -> (Vec<Row>, ExtractNotes) {
        ElementParser::new().parse_with(json.as_bytes(), |element| {
            let element = element.unwrap();
            let mut out = Vec::new();
            let notes = extract_failures(&element, LOCATION, mode, &mut out);
            let rows = out
                .iter()
                .map(|f| {
                    (
                        f.code.to_string(),
                        f.data_item_id.map(|id| id.to_string()),
                        f.result_code.map(ResultCode::get),
                    )
                })
                .collect();
            (rows, notes)
        })
    }

    fn row(code: &str, item: Option<&str>, result: Option<u16>) -> Row {
        (code.to_owned(), item.map(str::to_owned), result)
    }

    const TK013: &str = "TK013前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效]}";

    #[test]
    fn rule_1_tk013_per_failing_item() {
        let json = format!(
            r#"{{"succ":"0","errorCode":"{TK013}","dataItem":[{{"dataItemId":"a","responseFlag":0}},{{"dataItemId":"b","responseFlag":2}}]}}"#
        );
        let (rows, notes) = run(&json, ResponseFlagMode::Dar);
        assert_eq!(rows, [row("TK013", Some("b"), Some(2))]);
        assert_eq!(notes, ExtractNotes::default());
    }

    #[test]
    fn rule_1_text_wins_on_mismatch() {
        let json = format!(
            r#"{{"errorCode":"{TK013}","dataItem":[{{"dataItemId":"a","responseFlag":3}}]}}"#
        );
        let (rows, notes) = run(&json, ResponseFlagMode::Dar);
        assert_eq!(rows, [row("TK013", Some("a"), Some(2))]);
        assert_eq!(notes.flag_text_mismatches, 1);
    }

    #[test]
    fn rule_1_no_failing_flag_means_every_item_with_the_text_code() {
        let json = format!(
            r#"{{"errorCode":"{TK013}","dataItem":[{{"dataItemId":"a","responseFlag":0}},{{"dataItemId":"b"}}]}}"#
        );
        let (rows, _) = run(&json, ResponseFlagMode::Dar);
        assert_eq!(
            rows,
            [
                row("TK013", Some("a"), Some(2)),
                row("TK013", Some("b"), Some(2))
            ]
        );
    }

    #[test]
    fn rule_1_no_items_is_one_element_failure() {
        let json = format!(r#"{{"errorCode":"{TK013}","dataItem":[]}}"#);
        assert_eq!(
            run(&json, ResponseFlagMode::Dar).0,
            [row("TK013", None, Some(2))]
        );
    }

    #[test]
    fn rule_1_several_details_pair_with_items() {
        let json = r#"{"errorCode":"TK013前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效],[拒绝读写]}","dataItem":[{"dataItemId":"a","responseFlag":2},{"dataItemId":"b","responseFlag":3}]}"#;
        let (rows, notes) = run(json, ResponseFlagMode::Dar);
        assert_eq!(
            rows,
            [
                row("TK013", Some("a"), Some(2)),
                row("TK013", Some("b"), Some(3))
            ]
        );
        assert_eq!(notes.flag_text_mismatches, 0);
        // Three failing items, two details in another order: flags named in the text are kept.
        let json = r#"{"errorCode":"TK013前置返回对象的数据单元返回结果码异常,异常内容{[拒绝读写],[暂时失效]}","dataItem":[{"dataItemId":"a","responseFlag":2},{"dataItemId":"b","responseFlag":3},{"dataItemId":"c","responseFlag":9}]}"#;
        let (rows, notes) = run(json, ResponseFlagMode::Dar);
        assert_eq!(
            rows,
            [
                row("TK013", Some("a"), Some(2)),
                row("TK013", Some("b"), Some(3)),
                row("TK013", Some("c"), Some(3))
            ]
        );
        assert_eq!(notes.flag_text_mismatches, 1);
    }

    #[test]
    fn rule_1_status_reading_takes_the_code_from_the_text() {
        let json = format!(
            r#"{{"errorCode":"{TK013}","dataItem":[{{"dataItemId":"a","responseFlag":1}},{{"dataItemId":"b","responseFlag":0}}]}}"#
        );
        let (rows, notes) = run(&json, ResponseFlagMode::Status);
        assert_eq!(rows, [row("TK013", Some("b"), Some(2))]);
        assert_eq!(notes.flag_text_mismatches, 0);
    }

    #[test]
    fn rule_1_other_codes_are_element_level() {
        let json = r#"{"errorCode":"EL001 任务对应设备离线或无法连接，请在设备上线后重新发送","dataItem":[{"dataItemId":"a","responseFlag":2}]}"#;
        assert_eq!(
            run(json, ResponseFlagMode::Dar).0,
            [row("EL001", None, None)]
        );
        let json = r#"{"errorCode":"XY99 新错误"}"#;
        assert_eq!(
            run(json, ResponseFlagMode::Dar).0,
            [row("XY99", None, None)]
        );
        let json = r#"{"errorCode":"连接断开"}"#;
        assert_eq!(
            run(json, ResponseFlagMode::Dar).0,
            [row("UNKNOWN", None, None)]
        );
        let json = r#"{"errorCode":42}"#;
        assert_eq!(
            run(json, ResponseFlagMode::Dar).0,
            [row("UNKNOWN", None, None)]
        );
    }

    #[test]
    fn rule_2_failed_without_code() {
        let json = r#"{"succ":false,"dataItem":[{"dataItemId":"a","responseFlag":0},{"dataItemId":"b","responseFlag":"4"}]}"#;
        assert_eq!(
            run(json, ResponseFlagMode::Dar).0,
            [row("DAR", Some("b"), Some(4))]
        );
        let json = r#"{"succ":0,"dataItem":[{"dataItemId":"a","responseFlag":0}]}"#;
        assert_eq!(
            run(json, ResponseFlagMode::Dar).0,
            [row("UNKNOWN", None, None)]
        );
        let json = r#"{"succ":"0","dataItem":[{"dataItemId":"a","responseFlag":2}]}"#;
        assert_eq!(
            run(json, ResponseFlagMode::Status).0,
            [row("DAR", Some("a"), None)]
        );
    }

    #[test]
    fn rule_3_successful_element_with_failing_items() {
        let json = r#"{"succ":"1","dataItem":[{"dataItemId":"a","responseFlag":0},{"dataItemId":"b","responseFlag":33}]}"#;
        let (rows, notes) = run(json, ResponseFlagMode::Dar);
        assert_eq!(rows, [row("DAR", Some("b"), Some(33))]);
        assert!(notes.flag_anomaly);
        let json = r#"{"succ":true,"dataItem":[{"dataItemId":"a","responseFlag":0}]}"#;
        let (rows, notes) = run(json, ResponseFlagMode::Dar);
        assert!(rows.is_empty());
        assert!(!notes.flag_anomaly);
        // A status-style success read as DAR: every item "fails" with code 1.
        let json = r#"{"succ":"1","dataItem":[{"dataItemId":"a","responseFlag":1}]}"#;
        let (rows, notes) = run(json, ResponseFlagMode::Dar);
        assert_eq!(rows, [row("DAR", Some("a"), Some(1))]);
        assert!(notes.flag_anomaly);
        assert!(run(json, ResponseFlagMode::Status).0.is_empty());
        // Missing succ and no errorCode: successful unless items fail (no anomaly counted).
        let json = r#"{"dataItem":[{"dataItemId":"a","responseFlag":2}]}"#;
        let (rows, notes) = run(json, ResponseFlagMode::Dar);
        assert_eq!(rows, [row("DAR", Some("a"), Some(2))]);
        assert!(!notes.flag_anomaly);
    }

    #[test]
    fn failure_carries_context_and_serialises() {
        let json = format!(
            r#"{{"devSn":"8000000042769980","commDevId":1147186771,"devType":"METER","cmdType":"PROXY_TRANS_GET_REQUEST","errorCode":"{TK013}","dataItem":[{{"dataItemId":"2014-10200-000","responseFlag":2}}]}}"#
        );
        let line = ElementParser::new().parse_with(json.as_bytes(), |element| {
            let mut out = Vec::new();
            extract_failures(&element.unwrap(), LOCATION, ResponseFlagMode::Dar, &mut out);
            serde_json::to_string(&out[0]).unwrap()
        });
        assert_eq!(
            line,
            format!(
                r#"{{"doc":0,"element":3,"offset":10,"workId":null,"devSn":"8000000042769980","commDevId":"1147186771","devType":"METER","cmdType":"PROXY_TRANS_GET_REQUEST","dataItemId":"2014-10200-000","code":"TK013","result_code":2,"result_name":"暂时失效","params":{{}},"text":"{TK013}","responseFlag":2,"template":null}}"#
            )
        );
    }
}
