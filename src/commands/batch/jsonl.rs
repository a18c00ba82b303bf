//! The JSONL failure record, written by hand: `{…failure…, …decision…}` on one line.
//!
//! Why not `serde_json::to_writer`: formatting was a sixth of the whole `fep batch` run
//! (`docs/performance.md`, "Batch"), mostly `serde_json` escaping the long reason texts byte by
//! byte. Here a string with nothing to escape (nearly all of them) is copied in one go. The
//! output is byte for byte `serde_json`'s compact form of [`Failure`]'s `Serialize` impl followed
//! by the decision fields; the tests hold the two to each other.

use std::io::Write as _;

use classify::{RuleSet, Verdict};
use dlms_result::ResultCode;
use frontend_parse::element::FieldText;
use frontend_parse::failure::Failure;
use frontend_parse::json_string::plain_prefix_len;

/// Appends one record and its newline to `out`; `tails` holds the ends of records of the
/// rule set that decided `verdict`.
pub(super) fn write_record(
    out: &mut Vec<u8>,
    failure: &Failure<'_>,
    verdict: &Verdict<'_>,
    tails: &RuleTails,
) {
    let location = &failure.location;
    out.extend_from_slice(b"{\"doc\":");
    push_u64(out, location.doc);
    out.extend_from_slice(b",\"element\":");
    push_option(out, location.element, push_u64);
    out.extend_from_slice(b",\"offset\":");
    push_u64(out, location.offset);
    out.extend_from_slice(b",\"workId\":");
    push_option(out, location.work_id, push_string);
    // Written out field by field: a loop over a table of the five text fields cost about
    // 100 instructions a record more (callgrind, 25.8 MB `fep gen` batch), building the table.
    out.extend_from_slice(b",\"devSn\":");
    push_option(out, failure.dev_sn, push_field);
    out.extend_from_slice(b",\"commDevId\":");
    push_option(out, failure.comm_dev_id, push_field);
    out.extend_from_slice(b",\"devType\":");
    push_option(out, failure.dev_type, push_field);
    out.extend_from_slice(b",\"cmdType\":");
    push_option(out, failure.cmd_type, push_field);
    out.extend_from_slice(b",\"dataItemId\":");
    push_option(out, failure.data_item_id, push_field);
    out.extend_from_slice(b",\"code\":");
    push_string(out, failure.code.as_str());
    out.extend_from_slice(b",\"result_code\":");
    push_option(
        out,
        failure.result_code.map(ResultCode::get),
        |out, code| {
            push_u64(out, u64::from(code));
        },
    );
    out.extend_from_slice(b",\"result_name\":");
    push_option(out, failure.result_name(), push_string);
    out.extend_from_slice(b",\"params\":{");
    for (index, (name, value)) in failure.params.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        push_string(out, name.key());
        out.push(b':');
        push_string(out, value);
    }
    out.extend_from_slice(b"},\"text\":");
    push_option(out, failure.text, push_string);
    out.extend_from_slice(b",\"responseFlag\":");
    push_option(out, failure.response_flag, push_i64);
    out.extend_from_slice(b",\"template\":");
    push_option(out, failure.template, |out, template| {
        push_string(out, template.id());
    });
    out.extend_from_slice(b",\"decision\":");
    push_string(out, verdict.decision.as_str());
    out.extend_from_slice(b",\"kind\":");
    push_string(out, verdict.kind.as_str());
    if let Some(scope) = verdict.scope {
        out.extend_from_slice(b",\"scope\":");
        push_string(out, scope.as_str());
    }
    if let Some(owner) = verdict.owner {
        out.extend_from_slice(b",\"owner\":");
        push_string(out, owner.as_str());
    }
    out.extend_from_slice(b",\"delay_s\":");
    push_u64(out, verdict.delay_s);
    out.extend_from_slice(b",\"not_before\":");
    push_i64(out, verdict.not_before);
    out.extend_from_slice(b",\"attempt\":");
    push_u64(out, u64::from(verdict.attempt));
    out.extend_from_slice(b",\"max_attempts\":");
    push_u64(out, u64::from(verdict.max_attempts));
    // `frontend.TK013>dar.2` or `frontend.EL001`, as `RuleRef`'s `Serialize` writes it.
    out.extend_from_slice(b",\"rule\":\"");
    if let Some(via) = verdict.rule.via {
        push_escaped(out, via);
        out.push(b'>');
    }
    match tails.get(verdict) {
        Some(tail) => out.extend_from_slice(tail),
        None => push_rule_end(out, verdict.rule.id, verdict.reason_zh, verdict.reason_en),
    }
}

/// The end of a record from the deciding rule's id on: `id","reason":"…","reason_en":"…"}`
/// and the newline.
fn push_rule_end(out: &mut Vec<u8>, id: &str, reason_zh: &str, reason_en: &str) {
    push_escaped(out, id);
    out.extend_from_slice(b"\",\"reason\":");
    push_string(out, reason_zh);
    out.extend_from_slice(b",\"reason_en\":");
    push_string(out, reason_en);
    out.extend_from_slice(b"}\n");
}

/// Each rule's [`push_rule_end`], written once per rule set: the two reasons are most of a
/// record's bytes and the same for every failure a rule decides, and escaping them again
/// for each record was about 470 instructions of its 4 000 (7 M of 305 M on the 25.8 MB
/// `fep gen` batch, callgrind; `docs/performance.md`).
#[derive(Debug)]
pub(super) struct RuleTails {
    /// By the rule's position in [`RuleSet::rules`].
    tails: Vec<RuleTail>,
}

/// One rule's end of record, with where its texts lie in the rule set.
#[derive(Debug)]
struct RuleTail {
    id: Place,
    reason_zh: Place,
    reason_en: Place,
    bytes: Box<[u8]>,
}

/// Where a string lies in memory: a verdict's texts are borrowed from its rule set, so a
/// verdict whose texts lie where the rule's do says what the rule says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Place {
    address: usize,
    len: usize,
}

impl Place {
    fn of(text: &str) -> Self {
        Self {
            address: text.as_ptr().addr(),
            len: text.len(),
        }
    }
}

impl RuleTails {
    /// The ends of records of every rule of `rules`.
    pub(super) fn new(rules: &RuleSet) -> Self {
        let tails = rules
            .rules()
            .iter()
            .map(|rule| {
                let mut bytes = Vec::new();
                push_rule_end(&mut bytes, &rule.id, &rule.reason_zh, &rule.reason_en);
                RuleTail {
                    id: Place::of(&rule.id),
                    reason_zh: Place::of(&rule.reason_zh),
                    reason_en: Place::of(&rule.reason_en),
                    bytes: bytes.into_boxed_slice(),
                }
            })
            .collect();
        Self { tails }
    }

    /// The end of `verdict`'s record, if it is its rule's: a verdict from another rule set,
    /// or whose texts were changed, is written the long way.
    pub(super) fn get(&self, verdict: &Verdict<'_>) -> Option<&[u8]> {
        let tail = self.tails.get(verdict.rule.position)?;
        let same = tail.id == Place::of(verdict.rule.id)
            && tail.reason_zh == Place::of(verdict.reason_zh)
            && tail.reason_en == Place::of(verdict.reason_en);
        same.then_some(&*tail.bytes)
    }
}

/// The value, or `null`.
fn push_option<T>(out: &mut Vec<u8>, value: Option<T>, push: impl FnOnce(&mut Vec<u8>, T)) {
    match value {
        Some(value) => push(out, value),
        None => out.extend_from_slice(b"null"),
    }
}

/// A number in decimal. `itoa` writes two digits a step from a table: seven numbers a record
/// digit by digit were about 5 % of writing it (callgrind, 25.8 MB `fep gen` batch).
fn push_u64(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

fn push_i64(out: &mut Vec<u8>, value: i64) {
    if value < 0 {
        out.push(b'-');
    }
    push_u64(out, value.unsigned_abs());
}

/// A field as `serde_json` writes [`FieldText`]: always a string (numbers and booleans in their
/// `Display` form, which has nothing to escape).
fn push_field(out: &mut Vec<u8>, field: FieldText<'_>) {
    match field {
        FieldText::Str(text) => push_string(out, text),
        other => {
            // Writing into a Vec cannot fail.
            let _ = write!(out, "\"{other}\"");
        }
    }
}

fn push_string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    push_escaped(out, text);
    out.push(b'"');
}

/// Hex digits of `\u00XX` escapes (`serde_json` writes them in lower case).
const HEX: &[u8; 16] = b"0123456789abcdef";

/// The string's contents, escaped as `serde_json` escapes them: a quote, a backslash and
/// the control characters (RFC 8259 §7); DEL and non-ASCII bytes are left as they are.
///
/// The plain runs are found sixteen bytes at a time ([`plain_prefix_len`]), with no byte
/// loop for the tail: records are mostly short strings (serials, ids, codes), where the
/// tail was most of the cost of a vectorised byte test.
#[inline]
fn push_escaped(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let plain = plain_prefix_len(bytes);
    // Nearly every string is plain: copied in one go, inline (a call's entry and exit were
    // a quarter of a record's string cost).
    if plain == bytes.len() {
        out.extend_from_slice(bytes);
    } else {
        push_escaped_from(out, bytes, plain);
    }
}

/// [`push_escaped`] for a string with something to escape at byte `plain`.
#[cold]
#[inline(never)]
fn push_escaped_from(out: &mut Vec<u8>, bytes: &[u8], mut plain: usize) {
    let mut rest = bytes;
    loop {
        out.extend_from_slice(rest.get(..plain).unwrap_or(rest));
        let Some((&byte, after)) = rest.get(plain..).and_then(<[u8]>::split_first) else {
            return;
        };
        rest = after;
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            control => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(control >> 4)],
                HEX[usize::from(control & 0xf)],
            ]),
        }
        plain = plain_prefix_len(rest);
    }
}

#[cfg(test)]
mod tests {
    use classify::{Failure as Key, NoHistory, Rng, RuleRef, RuleSet, Source};
    use frontend_parse::failure::{FailureCode, Location};
    use frontend_parse::synth::{SynthOptions, write_batch};
    use frontend_parse::text::FepCode;
    use frontend_parse::{Engine, Entry, Input, InterfaceTemplate, Options, ParamName, Params};
    use serde::Serialize;

    use super::*;

    /// The decision fields as the records had them when `serde_json` wrote them.
    #[derive(Serialize)]
    struct DecisionFields<'r> {
        decision: &'static str,
        kind: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        scope: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        owner: Option<&'static str>,
        delay_s: u64,
        not_before: i64,
        attempt: u32,
        max_attempts: u32,
        rule: RuleRef<'r>,
        reason: &'r str,
        reason_en: &'r str,
    }

    /// The reference: `serde_json`'s record, as `fep batch` wrote it before the hand writer.
    fn serde_record(failure: &Failure<'_>, verdict: &Verdict<'_>) -> String {
        let mut record = serde_json::to_string(failure).unwrap();
        record.pop();
        let fields = serde_json::to_string(&DecisionFields {
            decision: verdict.decision.as_str(),
            kind: verdict.kind.as_str(),
            scope: verdict.scope.map(classify::Scope::as_str),
            owner: verdict.owner.map(classify::Owner::as_str),
            delay_s: verdict.delay_s,
            not_before: verdict.not_before,
            attempt: verdict.attempt,
            max_attempts: verdict.max_attempts,
            rule: verdict.rule,
            reason: verdict.reason_zh,
            reason_en: verdict.reason_en,
        })
        .unwrap();
        record.push(',');
        record.push_str(&fields[1..]);
        record.push('\n');
        record
    }

    fn hand_record(failure: &Failure<'_>, verdict: &Verdict<'_>, tails: &RuleTails) -> String {
        let mut out = Vec::new();
        write_record(&mut out, failure, verdict, tails);
        String::from_utf8(out).unwrap()
    }

    fn verdict_for<'r>(rules: &'r RuleSet, failure: &Failure<'_>, seed: u64) -> Verdict<'r> {
        let key = Key::with_code(
            Source::Frontend,
            classify::Code::Text(failure.code.as_str()),
        )
        .with_result_code(failure.result_code)
        .with_device("8000000042769980", "1147186771");
        rules.classify(&key, &NoHistory, 1_700_000_000, &mut Rng::new(seed))
    }

    #[test]
    fn generated_batches_are_written_as_serde_json_writes_them() {
        let rules = crate::rules::load(None).unwrap();
        let tails = RuleTails::new(&rules);
        let options = SynthOptions {
            elements: 3_000,
            seed: 3,
            failure_rate: 0.6,
            items_per_element: (0, 8),
            documents: 3,
        };
        let mut batch = Vec::new();
        write_batch(&options, &mut batch).unwrap();
        let engine = Engine::new(Options {
            threads: 1,
            ..Options::default()
        })
        .unwrap();
        let mut records = 0usize;
        let summary = engine
            .run(
                [Input::bytes("batch", batch)],
                |entry: &Entry<'_>, out: &mut Vec<(String, String)>| {
                    for failure in entry.failures() {
                        let verdict = verdict_for(&rules, failure, failure.location.offset);
                        // Every verdict of the rule set takes its rule's written end.
                        assert!(tails.get(&verdict).is_some(), "{}", verdict.rule);
                        out.push((
                            hand_record(failure, &verdict, &tails),
                            serde_record(failure, &verdict),
                        ));
                    }
                },
                &mut |out: Vec<(String, String)>| {
                    for (hand, reference) in out {
                        assert_eq!(hand, reference);
                        records += 1;
                    }
                    Ok(())
                },
            )
            .unwrap();
        assert_eq!(records as u64, summary.failures);
        assert!(records > 1_000);
    }

    #[test]
    fn odd_values_are_written_as_serde_json_writes_them() {
        let rules = crate::rules::load(None).unwrap();
        let tails = RuleTails::new(&rules);
        let mut params = Params::new();
        params.insert(ParamName::DeviceType, "ME\"TER\\");
        params.insert(ParamName::DeviceId, "\u{1}\u{8}\u{c}\n\r\t\u{1f}\u{7f}é中");
        let texts = [
            "",
            "plain",
            "quote\" backslash\\ slash/",
            "\u{0}\u{1e}",
            "TK013前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效]}",
        ];
        let fields = [
            FieldText::Str("a\"b"),
            FieldText::Int(i64::MIN),
            FieldText::UInt(u64::MAX),
            FieldText::Float(1.5e300),
            FieldText::Float(-0.0),
            FieldText::Bool(true),
        ];
        for (index, text) in texts.iter().enumerate() {
            for (which, field) in fields.iter().enumerate() {
                let failure = Failure {
                    location: Location {
                        doc: u64::MAX,
                        element: (which % 2 == 0).then_some(index as u64),
                        offset: 0,
                        work_id: (which % 3 == 0).then_some(*text),
                    },
                    dev_sn: Some(*field),
                    comm_dev_id: (which % 2 == 1).then_some(*field),
                    dev_type: None,
                    cmd_type: Some(FieldText::Str(text)),
                    data_item_id: Some(*field),
                    code: match which % 4 {
                        0 => FailureCode::Fep(FepCode::Tk013),
                        1 => FailureCode::Other(text),
                        2 => FailureCode::Interface,
                        _ => FailureCode::Dar,
                    },
                    result_code: (which % 2 == 0).then_some(ResultCode::new(u16::MAX)),
                    params: if which % 2 == 0 {
                        params
                    } else {
                        Params::new()
                    },
                    text: Some(text),
                    response_flag: Some(if which % 2 == 0 { i64::MIN } else { 0 }),
                    template: (which % 2 == 1).then_some(InterfaceTemplate::ALL[0]),
                };
                let mut verdict = verdict_for(&rules, &failure, which as u64);
                verdict.reason_zh = text;
                verdict.not_before = -i64::try_from(index).unwrap();
                if which % 2 == 0 {
                    verdict.rule = RuleRef {
                        via: Some(text),
                        id: "dar.\"2\"",
                        position: verdict.rule.position,
                    };
                }
                assert_eq!(
                    hand_record(&failure, &verdict, &tails),
                    serde_record(&failure, &verdict)
                );
            }
        }
    }

    #[test]
    fn a_verdict_takes_its_rules_written_end_only_if_its_texts_are_the_rules() {
        let rules = crate::rules::load(None).unwrap();
        let tails = RuleTails::new(&rules);
        let failure = Failure {
            location: Location {
                doc: 0,
                element: Some(1),
                offset: 2,
                work_id: None,
            },
            dev_sn: None,
            comm_dev_id: None,
            dev_type: None,
            cmd_type: None,
            data_item_id: None,
            code: FailureCode::Fep(FepCode::El003),
            result_code: None,
            params: Params::new(),
            text: None,
            response_flag: None,
            template: None,
        };
        let verdict = verdict_for(&rules, &failure, 1);
        assert!(tails.get(&verdict).is_some());
        // The same texts elsewhere, a text changed, another rule set's copy of the rule, the
        // position of another rule: each written the long way, as serde_json writes it.
        let copy = verdict.reason_en.to_owned();
        let other = rules.clone();
        let mut variants = [verdict; 5];
        variants[0].reason_en = &copy;
        variants[1].reason_zh = "另一个原因";
        variants[2].rule.id = "frontend.EL003\"";
        variants[3] = verdict_for(&other, &failure, 1);
        variants[4].rule.position = verdict.rule.position + 1;
        for variant in &variants {
            assert!(tails.get(variant).is_none(), "{variant:?}");
            assert_eq!(
                hand_record(&failure, variant, &tails),
                serde_record(&failure, variant)
            );
        }
        assert_eq!(
            hand_record(&failure, &verdict, &tails),
            serde_record(&failure, &verdict)
        );
    }

    proptest::proptest! {
        /// Strings of every length around the 16-byte steps, with something to escape
        /// anywhere (or nowhere), are written as `serde_json` writes them.
        #[test]
        fn strings_are_escaped_as_serde_json_escapes_them(
            chars in proptest::collection::vec(
                proptest::sample::select(vec!['a', '"', '\\', '\n', '\u{1}', '\u{1f}', '\u{7f}', 'é', '中', '/']),
                0..48,
            ),
            plain_head in 0usize..20,
        ) {
            let text: String = "x".repeat(plain_head) + &chars.into_iter().collect::<String>();
            let mut out = Vec::new();
            push_string(&mut out, &text);
            proptest::prop_assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&text).unwrap()
            );
        }
    }

    #[test]
    fn integers_at_the_edges() {
        for value in [0, 1, 9, 10, 99, 100, u64::MAX / 10, u64::MAX] {
            let mut out = Vec::new();
            push_u64(&mut out, value);
            assert_eq!(out, value.to_string().as_bytes());
        }
        for value in [0, -1, -10, i64::MIN, i64::MAX] {
            let mut out = Vec::new();
            push_i64(&mut out, value);
            assert_eq!(out, value.to_string().as_bytes());
        }
    }
}
