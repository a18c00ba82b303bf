//! A deterministic synthetic batch generator (`fep gen`), for benches, load tests and the
//! property tests' ground truth.
//!
//! The output looks like real front-end batches (seed 000 §2.2): sorted keys (so `workId`
//! comes after the array), successes whose items carry values of several shapes, every
//! front-end code with realistic texts (ASCII and full-width punctuation, with and without a
//! space after the code), `DAR` failures, `UNKNOWN` failures, and strings with `\"`, `\\` and
//! `\uXXXX` escapes. It is written in constant memory to any [`io::Write`].

use std::collections::BTreeMap;
use std::io::{self, Write};

use dlms_result::ResultCode;

use crate::text::FepCode;

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct SynthOptions {
    /// Number of elements, over all documents.
    pub elements: u64,
    /// PRNG seed: the same options always give the same bytes.
    pub seed: u64,
    /// Share of elements that fail (0.0–1.0).
    pub failure_rate: f64,
    /// Inclusive range of data items per element.
    pub items_per_element: (u32, u32),
    /// Number of documents; more than one writes NDJSON (one document per line).
    pub documents: u64,
}

impl Default for SynthOptions {
    fn default() -> Self {
        Self {
            elements: 1000,
            seed: 1,
            failure_rate: 0.2,
            items_per_element: (1, 4),
            documents: 1,
        }
    }
}

/// What was generated, counted with the failure rules under `--response-flag dar`: the
/// ground truth a run over the output must reproduce.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SynthStats {
    /// Bytes written.
    pub bytes: u64,
    /// Documents written.
    pub documents: u64,
    /// Elements written.
    pub elements: u64,
    /// Elements with at least one failure.
    pub elements_failed: u64,
    /// Failures.
    pub failures: u64,
    /// Failures per code.
    pub by_code: BTreeMap<String, u64>,
    /// Failures per result code.
    pub by_result_code: BTreeMap<u16, u64>,
    /// The documents' `workId`s.
    pub work_ids: Vec<String>,
}

/// A tiny deterministic PRNG (SplitMix64): good enough for test data, no dependency.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator for `seed`.
    pub const fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`0` when `bound` is 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64().checked_rem(bound).unwrap_or(0)
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        let span = high.saturating_sub(low).saturating_add(1);
        low.saturating_add(self.below(span))
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        // 53 random bits → a uniform float in [0, 1).
        let unit =
            f64::from(u32::try_from(self.next_u64() >> 40).unwrap_or(0)) / f64::from(1u32 << 24);
        unit < p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let index = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items.get(index)
    }
}

const CMD_TYPES: [&str; 4] = [
    "PROXY_TRANS_GET_REQUEST",
    "GET_REQUEST_NORMAL",
    "GET_REQUEST_NORMAL_LIST",
    "SET_REQUEST_NORMAL",
];
const DATA_ITEMS: [&str; 6] = [
    "2014-10200-000",
    "0010-20200-000",
    "2000-20200-000",
    "4000-20200-000",
    "5004-20200-000",
    "2001-20200-000",
];
/// Result codes front-ends report for failing items (names from `dlms-result`).
const DARS: [u16; 10] = [1, 2, 3, 4, 6, 15, 22, 31, 33, 255];

/// How one element fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    Success,
    Fep(FepCode),
    Dar,
    Unknown,
}

/// Writes a synthetic batch to `out` and returns what it contains.
///
/// ```
/// use frontend_parse::synth::{SynthOptions, write_batch};
/// let mut bytes = Vec::new();
/// let stats = write_batch(&SynthOptions { elements: 10, ..SynthOptions::default() }, &mut bytes)?;
/// assert_eq!(stats.elements, 10);
/// assert_eq!(stats.bytes, bytes.len() as u64);
/// assert!(bytes.starts_with(b"{\"devDataList\":[{"));
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
/// Whatever `out` returns.
pub fn write_batch(options: &SynthOptions, out: impl Write) -> io::Result<SynthStats> {
    let mut out = Counting {
        inner: io::BufWriter::with_capacity(1 << 16, out),
        bytes: 0,
    };
    let mut rng = SplitMix64::new(options.seed);
    let mut stats = SynthStats::default();
    let documents = options.documents.max(1);
    let mut line = Vec::with_capacity(4096);
    for doc in 0..documents {
        let share = (options.elements.checked_div(documents).unwrap_or(0)).saturating_add(
            u64::from(doc < options.elements.checked_rem(documents).unwrap_or(0)),
        );
        out.write_all(b"{\"devDataList\":[")?;
        for index in 0..share {
            if index > 0 {
                out.write_all(b",")?;
            }
            line.clear();
            write_element(&mut rng, options, &mut line, &mut stats)?;
            out.write_all(&line)?;
        }
        let work_id = format!("0812{:010}", rng.below(10_000_000_000));
        writeln!(out, "],\"workId\":\"{work_id}\"}}")?;
        stats.work_ids.push(work_id);
        stats.documents = stats.documents.saturating_add(1);
    }
    out.inner.flush()?;
    stats.bytes = out.bytes;
    Ok(stats)
}

struct Counting<W: Write> {
    inner: io::BufWriter<W>,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.bytes = self.bytes.saturating_add(written as u64);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn count(stats: &mut SynthStats, code: &str, result: Option<u16>) {
    stats.failures = stats.failures.saturating_add(1);
    let entry = stats.by_code.entry(code.to_owned()).or_default();
    *entry = entry.saturating_add(1);
    if let Some(result) = result {
        let entry = stats.by_result_code.entry(result).or_default();
        *entry = entry.saturating_add(1);
    }
}

fn write_element(
    rng: &mut SplitMix64,
    options: &SynthOptions,
    out: &mut Vec<u8>,
    stats: &mut SynthStats,
) -> io::Result<()> {
    stats.elements = stats.elements.saturating_add(1);
    let fate = if rng.chance(options.failure_rate) {
        match rng.below(4) {
            0 => Fate::Dar,
            1 => Fate::Unknown,
            _ => Fate::Fep(*rng.pick(FepCode::ALL).unwrap_or(&FepCode::Tk013)),
        }
    } else {
        Fate::Success
    };
    let (low, high) = options.items_per_element;
    let items = rng.between(u64::from(low), u64::from(high.max(low)));
    // Which items fail (DAR and TK013 fates), with which result code.
    let failing_count = match fate {
        Fate::Dar | Fate::Fep(FepCode::Tk013) if items > 0 => rng.between(1, items),
        _ => 0,
    };
    let mut item_codes = Vec::with_capacity(usize::try_from(items).unwrap_or(0));
    for index in 0..items {
        let code = if index < failing_count {
            *rng.pick(&DARS).unwrap_or(&2)
        } else {
            0
        };
        item_codes.push(code);
    }
    let terminal = 1_147_186_000u64.saturating_add(rng.below(500));
    let meter = 8_000_000_042_000_000u64.saturating_add(rng.below(1_000_000));
    let cmd = rng.pick(&CMD_TYPES).unwrap_or(&"GET_REQUEST_NORMAL");
    write!(
        out,
        "{{\"cmdType\":\"{cmd}\",\"commDevId\":\"{terminal}\",\"dataItem\":["
    )?;
    for (index, code) in item_codes.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        let id = rng.pick(&DATA_ITEMS).unwrap_or(&"2014-10200-000");
        write!(out, "{{\"dataItemId\":\"{id}\",\"responseFlag\":{code}")?;
        if *code == 0 {
            out.extend_from_slice(b",\"value\":");
            write_value(rng, out)?;
        }
        out.push(b'}');
    }
    let meter_type = if rng.chance(0.9) { "METER" } else { "TERMINAL" };
    write!(
        out,
        "],\"devSn\":\"{meter}\",\"devType\":\"{meter_type}\",\"endTime\":\"2023-03-14 16:08:22\""
    )?;
    if let Fate::Fep(code) = fate {
        out.extend_from_slice(b",\"errorCode\":\"");
        write_text(rng, code, &item_codes, failing_count, out);
        out.push(b'"');
    }
    let succ = match (fate, rng.below(4)) {
        (Fate::Success, 0) => "1",
        (Fate::Success, 1) => "true",
        (Fate::Success, _) => "\"1\"",
        (_, 0) => "0",
        (_, 1) => "false",
        _ => "\"0\"",
    };
    write!(
        out,
        ",\"frameNum\":{},\"operator\":\"4645127475402{:05}\",\"rop\":\"1/4\",\"startTime\":\"2023-03-14 16:07:48\",\"succ\":{succ}}}",
        rng.between(1, 3),
        rng.below(100_000)
    )?;
    // The ground truth, by the failure rules under the DAR reading.
    let failed_codes = item_codes.iter().filter(|&&code| code != 0);
    match fate {
        Fate::Success => return Ok(()),
        // `succ` false without a failing item (no items at all): rule 2's UNKNOWN.
        Fate::Dar if failing_count == 0 => count(stats, "UNKNOWN", None),
        Fate::Dar => {
            for &code in failed_codes {
                count(stats, "DAR", Some(code));
            }
        }
        Fate::Unknown => count(stats, "UNKNOWN", None),
        Fate::Fep(FepCode::Tk013) if failing_count > 0 => {
            for &code in failed_codes {
                count(stats, "TK013", Some(code));
            }
        }
        Fate::Fep(FepCode::Tk013) => count(stats, "TK013", Some(2)),
        Fate::Fep(code) => count(stats, code.as_str(), None),
    }
    stats.elements_failed = stats.elements_failed.saturating_add(1);
    Ok(())
}

/// A front-end text for `code`, with the template's variables filled in and its punctuation
/// and spacing varied the way front-end versions vary them.
fn write_text(
    rng: &mut SplitMix64,
    code: FepCode,
    item_codes: &[u16],
    failing: u64,
    out: &mut Vec<u8>,
) {
    let body = code.template_body();
    let mut text = String::with_capacity(body.len().saturating_add(32));
    text.push_str(code.as_str());
    if rng.chance(0.3) {
        text.push(' ');
    }
    let body = if rng.chance(0.3) {
        body.replace(',', "，").replace(':', "：")
    } else {
        body.trim_start().to_owned()
    };
    if code == FepCode::Tk013 {
        let names: Vec<&str> = item_codes
            .iter()
            .take(usize::try_from(failing).unwrap_or(0))
            .filter_map(|&c| ResultCode::new(c).name_zh())
            .collect();
        let details = if names.is_empty() {
            "[暂时失效]".to_owned()
        } else if names.iter().all(|name| Some(name) == names.first()) {
            format!("[{}]", names.first().copied().unwrap_or("暂时失效"))
        } else {
            names
                .iter()
                .map(|name| format!("[{name}]"))
                .collect::<Vec<_>>()
                .join(",")
        };
        text.push_str(&body.replace("[xxx]", &details));
    } else {
        let mut filled = String::with_capacity(body.len());
        for (index, part) in body.split("xxx").enumerate() {
            if index > 0 {
                let value = match code.params().get(index.saturating_sub(1)) {
                    Some(crate::text::ParamName::DeviceType) => "METER".to_owned(),
                    Some(crate::text::ParamName::DeviceId) => {
                        format!("{}", 1_147_186_000u64.saturating_add(rng.below(500)))
                    }
                    Some(crate::text::ParamName::Protocol) => "DL/T645-2007".to_owned(),
                    Some(crate::text::ParamName::Sequence) => format!("{}", rng.below(256)),
                    _ => "参数\\\"addr\\\"为空".to_owned(),
                };
                filled.push_str(&value);
            }
            filled.push_str(part);
        }
        match code.trailing_param() {
            Some(crate::text::ParamName::QueueLength) => {
                filled.push_str(&rng.between(100, 2000).to_string());
            }
            Some(_) if code != FepCode::Tk08 => filled.push_str("dataItem不能为空"),
            _ => {}
        }
        text.push_str(&filled);
    }
    out.extend_from_slice(text.as_bytes());
}

/// A data item value of one of several shapes, some strings with escapes.
fn write_value(rng: &mut SplitMix64, out: &mut Vec<u8>) -> io::Result<()> {
    match rng.below(6) {
        0 => write!(out, "{}.{:02}", rng.below(100_000), rng.below(100)),
        1 => write!(out, "\"{}\"", rng.below(1_000_000_000)),
        2 => {
            let n = rng.between(1, 5);
            out.push(b'[');
            for index in 0..n {
                if index > 0 {
                    out.push(b',');
                }
                write!(out, "{}.{}", rng.below(1000), rng.below(10))?;
            }
            out.push(b']');
            Ok(())
        }
        3 => write!(
            out,
            "{{\"time\":\"2023-03-14 00:00:00\",\"total\":{},\"rates\":[{},{},{},{}]}}",
            rng.below(99_999),
            rng.below(999),
            rng.below(999),
            rng.below(999),
            rng.below(999)
        ),
        4 => {
            out.extend_from_slice(br#""\u6e29\u5ea6 25\u00b0C, \"ok\" \\ path\\x""#);
            Ok(())
        }
        _ => {
            out.extend_from_slice(b"null");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_valid_json() {
        let options = SynthOptions {
            elements: 300,
            seed: 7,
            failure_rate: 0.5,
            items_per_element: (0, 5),
            documents: 3,
        };
        let mut first = Vec::new();
        let stats = write_batch(&options, &mut first).unwrap();
        let mut second = Vec::new();
        assert_eq!(write_batch(&options, &mut second).unwrap(), stats);
        assert_eq!(first, second);
        assert_eq!(stats.documents, 3);
        assert_eq!(stats.elements, 300);
        let mut elements = 0;
        for line in first.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let doc: serde_json::Value = serde_json::from_slice(line).unwrap();
            elements += doc["devDataList"].as_array().unwrap().len();
            assert!(doc["workId"].is_string());
        }
        assert_eq!(elements, 300);
        assert!(stats.by_code.len() > 10, "{:?}", stats.by_code);
    }

    #[test]
    fn prng_ranges() {
        let mut rng = SplitMix64::new(3);
        for _ in 0..1000 {
            assert!(rng.below(7) < 7);
            let x = rng.between(2, 4);
            assert!((2..=4).contains(&x));
        }
        assert_eq!(rng.below(0), 0);
        assert!(!rng.chance(0.0));
        assert!(rng.chance(1.0));
    }
}
