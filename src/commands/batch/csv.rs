//! `--format csv`: one row per failure, RFC 4180 quoting, a header row first.

use std::io::{self, Write};

use classify::Verdict;
use frontend_parse::failure::Failure;

/// The columns, in order.
pub(super) const COLUMNS: [&str; 23] = [
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
    "responseFlag",
    "decision",
    "kind",
    "delay_s",
    "not_before",
    "attempt",
    "max_attempts",
    "rule",
    "reason",
];

/// Writes the header row.
pub(super) fn write_header(out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "{}", COLUMNS.join(","))
}

/// Writes one failure's row.
pub(super) fn write_record(out: &mut Vec<u8>, failure: &Failure<'_>, verdict: &Verdict<'_>) {
    let opt = |v: Option<String>| v.unwrap_or_default();
    let params = failure
        .params
        .iter()
        .map(|(name, value)| format!("{}={value}", name.key()))
        .collect::<Vec<_>>()
        .join(";");
    let fields: [String; 23] = [
        failure.location.doc.to_string(),
        opt(failure.location.element.map(|e| e.to_string())),
        failure.location.offset.to_string(),
        opt(failure.location.work_id.map(str::to_string)),
        opt(failure.dev_sn.map(|f| f.to_string())),
        opt(failure.comm_dev_id.map(|f| f.to_string())),
        opt(failure.dev_type.map(|f| f.to_string())),
        opt(failure.cmd_type.map(|f| f.to_string())),
        opt(failure.data_item_id.map(|f| f.to_string())),
        failure.code.as_str().to_string(),
        opt(failure.result_code.map(|c| c.get().to_string())),
        opt(failure.result_name().map(str::to_string)),
        params,
        opt(failure.text.map(str::to_string)),
        opt(failure.response_flag.map(|f| f.to_string())),
        verdict.decision.as_str().to_string(),
        verdict.kind.as_str().to_string(),
        verdict.delay_s.to_string(),
        verdict.not_before.to_string(),
        verdict.attempt.to_string(),
        verdict.max_attempts.to_string(),
        verdict.rule.to_string(),
        verdict.reason_zh.to_string(),
    ];
    for (index, field) in fields.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        write_field(out, field);
    }
    out.push(b'\n');
}

/// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
fn write_field(out: &mut Vec<u8>, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        out.extend_from_slice(field.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(field.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        let mut out = Vec::new();
        write_field(&mut out, "a,b");
        out.push(b'|');
        write_field(&mut out, "say \"hi\"");
        out.push(b'|');
        write_field(&mut out, "plain 文本");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"a,b\"|\"say \"\"hi\"\"\"|plain 文本"
        );
    }
}
