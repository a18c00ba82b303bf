//! Attempt history: how often a device has failed with a code, and when it was last re-archived.
//!
//! The file format is JSONL, one object per device + source + code (see [`HistoryRecord`]); the
//! classifier reads it through [`HistoryView`], the executor writes it back with
//! [`History::record`] after acting on a verdict.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, BufRead, Write};

use serde::{Deserialize, Serialize};

use crate::code::Code;
use crate::decision::{Decision, Scope};
use crate::engine::Failure;
use crate::rules::CodeKey;
use crate::source::Source;
use crate::verdict::Verdict;

/// What the classifier needs to know about earlier attempts.
pub trait HistoryView {
    /// Failed attempts recorded so far for `(device, source, code)`.
    fn attempts(&self, device: &str, source: Source, code: Code<'_>) -> u32;
    /// The last re-archive of `device` in `scope`, Unix seconds.
    fn last_rearchive(&self, device: &str, scope: Scope) -> Option<i64>;
}

/// No history: every failure is a first attempt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoHistory;

impl HistoryView for NoHistory {
    fn attempts(&self, _device: &str, _source: Source, _code: Code<'_>) -> u32 {
        0
    }

    fn last_rearchive(&self, _device: &str, _scope: Scope) -> Option<i64> {
        None
    }
}

/// One line of the history file: a device's failures with one (source, code).
///
/// ```
/// use classify::{HistoryRecord, Source, Code};
/// let line = r#"{"device":"8000000042769980","source":"dar","code":"27","attempts":1,"rearchived_at":1700000000,"rearchive_scope":"terminal-archive"}"#;
/// let record = HistoryRecord::from_json(line).unwrap();
/// assert_eq!(record.source, Source::Dar);
/// assert_eq!(record.code.as_code(), Code::Number(27)); // numeric sources read "27" as 27
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRecord {
    /// The device (`devSn`).
    pub device: String,
    /// Its terminal (`commDevId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal: Option<String>,
    /// The source of the code (for a delegated front-end failure: `dar`).
    pub source: Source,
    /// The code (for a delegated front-end failure: the result code).
    pub code: CodeKey,
    /// Failed attempts so far.
    #[serde(default)]
    pub attempts: u32,
    /// The first failed attempt, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_at: Option<i64>,
    /// The last failed attempt, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_at: Option<i64>,
    /// The last re-archive made for this failure, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rearchived_at: Option<i64>,
    /// Its scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rearchive_scope: Option<Scope>,
}

impl HistoryRecord {
    /// A record with `attempts` failures and nothing else.
    pub fn new(device: &str, source: Source, code: Code<'_>, attempts: u32) -> Self {
        Self {
            device: device.to_owned(),
            terminal: None,
            source,
            code: CodeKey::from_code(source, code),
            attempts,
            first_at: None,
            last_at: None,
            rearchived_at: None,
            rearchive_scope: None,
        }
    }

    /// Parses one JSON line; codes of numeric sources given as text are read as numbers.
    ///
    /// # Errors
    /// The JSON error's text.
    pub fn from_json(line: &str) -> Result<Self, String> {
        let mut record: Self = serde_json::from_str(line).map_err(|error| error.to_string())?;
        record.code = CodeKey::from_code(record.source, record.code.as_code());
        Ok(record)
    }

    fn is_key(&self, source: Source, code: Code<'_>) -> bool {
        self.source == source && self.code.as_code() == code
    }
}

impl CodeKey {
    /// The owned key of a code, canonical for its source (numeric sources: numbers).
    pub fn from_code(source: Source, code: Code<'_>) -> Self {
        match code {
            Code::Number(number) => Self::Number(number),
            Code::Text(text) if source.numeric_codes() => match Code::parse(text) {
                Code::Number(number) => Self::Number(number),
                Code::Text(_) => Self::Text(text.to_owned()),
            },
            Code::Text(text) => Self::Text(text.to_owned()),
        }
    }
}

/// A line of a history file that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("history line {line}: {message}")]
pub struct HistoryError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Attempt history, indexed by device.
///
/// ```
/// use classify::{Failure, History, Rng, RuleSet, Source};
/// let rules = RuleSet::builtin()?;
/// let mut history = History::new();
/// let failure = Failure::new(Source::Frontend, "EA001").with_device("m1", "t1");
/// let now = 1_700_000_000;
/// let first = rules.classify(&failure, &history, now, &mut Rng::new(1));
/// assert_eq!(first.decision.as_str(), "re-archive");
/// history.record(&failure, &first, now);
/// // The same failure after the re-archive: the archive source is wrong.
/// let again = rules.classify(&failure, &history, now + 600, &mut Rng::new(1));
/// assert_eq!(again.decision.as_str(), "give-up");
/// assert_eq!(again.kind.as_str(), "archive-admin");
/// # Ok::<(), classify::RulesError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    devices: HashMap<String, Vec<HistoryRecord>, BuildHasherDefault<DeviceHasher>>,
}

impl History {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads a JSONL history; blank lines and `#` comments are skipped.
    ///
    /// # Errors
    /// The first unreadable line, or an I/O error as a [`HistoryError`] on its line.
    pub fn from_jsonl<R: BufRead>(reader: R) -> Result<Self, HistoryError> {
        let mut history = Self::new();
        for (index, line) in reader.lines().enumerate() {
            let number = index.saturating_add(1);
            let line = line.map_err(|error| HistoryError {
                line: number,
                message: error.to_string(),
            })?;
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let record = HistoryRecord::from_json(trimmed).map_err(|message| HistoryError {
                line: number,
                message,
            })?;
            history.insert(record);
        }
        Ok(history)
    }

    /// [`History::from_jsonl`] over a string.
    ///
    /// # Errors
    /// As [`History::from_jsonl`].
    pub fn parse_jsonl(text: &str) -> Result<Self, HistoryError> {
        Self::from_jsonl(text.as_bytes())
    }

    /// Adds a record, replacing the one with the same device, source and code.
    pub fn insert(&mut self, record: HistoryRecord) {
        let records = self.devices.entry(record.device.clone()).or_default();
        match records
            .iter_mut()
            .find(|known| known.is_key(record.source, record.code.as_code()))
        {
            Some(known) => *known = record,
            None => records.push(record),
        }
    }

    /// The record of `(device, source, code)`.
    pub fn get(&self, device: &str, source: Source, code: Code<'_>) -> Option<&HistoryRecord> {
        self.devices
            .get(device)?
            .iter()
            .find(|record| record.is_key(source, code))
    }

    /// Updates the history after acting on a verdict at `now`: a success removes the record; any
    /// other decision counts one more failed attempt, and a re-archive stamps its time and scope.
    pub fn record(&mut self, failure: &Failure<'_>, verdict: &Verdict<'_>, now: i64) {
        let (source, code) = failure.history_key(verdict);
        if verdict.decision == Decision::Success {
            if let Some(records) = self.devices.get_mut(failure.device) {
                records.retain(|record| !record.is_key(source, code));
                if records.is_empty() {
                    self.devices.remove(failure.device);
                }
            }
            return;
        }
        let records = self.devices.entry(failure.device.to_owned()).or_default();
        let known = records
            .iter()
            .position(|record| record.is_key(source, code));
        let position = if let Some(position) = known {
            position
        } else {
            records.push(HistoryRecord::new(failure.device, source, code, 0));
            records.len().saturating_sub(1)
        };
        if let Some(record) = records.get_mut(position) {
            record.attempts = record.attempts.saturating_add(1);
            record.first_at = record.first_at.or(Some(now));
            record.last_at = Some(now);
            if !failure.terminal.is_empty() {
                record.terminal = Some(failure.terminal.to_owned());
            }
            if let Some(scope) = verdict.scope {
                record.rearchived_at = Some(now);
                record.rearchive_scope = Some(scope);
            }
        }
    }

    /// Drops records whose last activity (attempt or re-archive) is older than `max_age_s`.
    pub fn prune(&mut self, now: i64, max_age_s: i64) {
        let horizon = now.saturating_sub(max_age_s);
        for records in self.devices.values_mut() {
            records.retain(|record| {
                let last = record.last_at.max(record.rearchived_at).or(record.first_at);
                last.is_none_or(|at| at >= horizon)
            });
        }
        self.devices.retain(|_, records| !records.is_empty());
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        self.devices.values().map(Vec::len).sum()
    }

    /// Whether there are no records.
    pub fn is_empty(&self) -> bool {
        self.devices.is_empty()
    }

    /// Every record, sorted by device, source and code.
    pub fn records(&self) -> Vec<&HistoryRecord> {
        let mut records: Vec<&HistoryRecord> = self.devices.values().flatten().collect();
        records.sort_by(|a, b| (&a.device, a.source, &a.code).cmp(&(&b.device, b.source, &b.code)));
        records
    }

    /// Writes the history as JSONL, sorted, one record per line.
    ///
    /// # Errors
    /// Errors of the writer.
    pub fn write_jsonl<W: Write>(&self, mut writer: W) -> io::Result<()> {
        for record in self.records() {
            serde_json::to_writer(&mut writer, record)?;
            writer.write_all(b"\n")?;
        }
        Ok(())
    }
}

/// A word-at-a-time multiplicative hash of the device id (the `FxHash` scheme): the history is
/// looked up once per verdict, and `SipHash` (the std default, built against hash flooding) costs
/// as much as the rest of a classification. History files are written by our own executor, not
/// by an adversary.
#[derive(Clone, Copy, Debug, Default)]
struct DeviceHasher(u64);

const SEED: u64 = 0x517C_C1B7_2722_0A95;

impl DeviceHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for DeviceHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0_u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut tail = [0_u8; 8];
        let rest = chunks.remainder();
        if let Some(target) = tail.get_mut(..rest.len()) {
            target.copy_from_slice(rest);
            self.add(u64::from_le_bytes(tail));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        let z = self.0;
        (z ^ (z >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9)
    }
}

impl HistoryView for History {
    fn attempts(&self, device: &str, source: Source, code: Code<'_>) -> u32 {
        self.get(device, source, code)
            .map_or(0, |record| record.attempts)
    }

    fn last_rearchive(&self, device: &str, scope: Scope) -> Option<i64> {
        self.devices
            .get(device)?
            .iter()
            .filter(|record| record.rearchive_scope == Some(scope))
            .filter_map(|record| record.rearchived_at)
            .max()
    }
}

impl<T: HistoryView + ?Sized> HistoryView for &T {
    fn attempts(&self, device: &str, source: Source, code: Code<'_>) -> u32 {
        (**self).attempts(device, source, code)
    }

    fn last_rearchive(&self, device: &str, scope: Scope) -> Option<i64> {
        (**self).last_rearchive(device, scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_round_trips_and_reports_bad_lines() {
        let text = "# comment\n\n{\"device\":\"m1\",\"source\":\"frontend\",\"code\":\"EL003\",\"attempts\":2,\"extra\":true}\n{\"device\":\"m1\",\"source\":\"dar\",\"code\":27,\"attempts\":1,\"rearchived_at\":5,\"rearchive_scope\":\"terminal-archive\"}\n";
        let history = History::parse_jsonl(text).unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(
            history.attempts("m1", Source::Frontend, Code::Text("EL003")),
            2
        );
        assert_eq!(history.attempts("m1", Source::Dar, Code::Number(27)), 1);
        assert_eq!(history.attempts("m2", Source::Dar, Code::Number(27)), 0);
        assert_eq!(
            history.last_rearchive("m1", Scope::TerminalArchive),
            Some(5)
        );
        assert_eq!(history.last_rearchive("m1", Scope::CommLayer), None);
        let mut out = Vec::new();
        history.write_jsonl(&mut out).unwrap();
        let again = History::parse_jsonl(core::str::from_utf8(&out).unwrap()).unwrap();
        assert_eq!(again, history);

        let error = History::parse_jsonl("{\"device\":\"m1\"}\n{oops").unwrap_err();
        assert_eq!(error.line, 1);
        let error = History::parse_jsonl("\n{\"device\":\"m\",\"source\":\"mars\",\"code\":1}")
            .unwrap_err();
        assert_eq!(error.line, 2);
    }

    #[test]
    fn prune_drops_old_records() {
        let mut history = History::new();
        let mut old = HistoryRecord::new("m1", Source::Dar, Code::Number(2), 1);
        old.last_at = Some(100);
        let mut fresh = HistoryRecord::new("m2", Source::Dar, Code::Number(2), 1);
        fresh.last_at = Some(10_000);
        history.insert(old);
        history.insert(fresh);
        history.prune(10_100, 1_000);
        assert_eq!(history.len(), 1);
        assert_eq!(history.attempts("m2", Source::Dar, Code::Number(2)), 1);
    }
}
