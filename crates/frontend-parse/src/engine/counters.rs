//! Per-batch counters, merged in input order into the run's totals.

use dlms_result::ResultCode;

use super::entry::Problem;
use crate::failure::{ExtractNotes, Failure, FailureCode};
use crate::text::FepCode;

/// Result codes counted in a dense array (0–258, the front-end code space); others go to a
/// small list.
const DENSE_RESULT_CODES: usize = 259;
/// Slots after the FEP codes: `interface`, `DAR`, `UNKNOWN`.
const FIXED_CODES: usize = 3;
/// Slots of `Counters::known_codes`: the FEP codes in table order, then the fixed ones.
const KNOWN_CODES: usize = FepCode::ALL.len().wrapping_add(FIXED_CODES);

/// Counters of a batch or a whole run.
#[derive(Clone, Debug)]
pub(crate) struct Counters {
    pub(crate) elements_ok: u64,
    pub(crate) elements_failed: u64,
    pub(crate) malformed: u64,
    pub(crate) structural: u64,
    pub(crate) failures: u64,
    pub(crate) envelopes: u64,
    pub(crate) flag_text_mismatches: u64,
    pub(crate) flag_anomalies: u64,
    /// Per code: the FEP codes in table order, then `interface`, `DAR`, `UNKNOWN`.
    known_codes: [u64; KNOWN_CODES],
    /// Unknown verbatim codes.
    pub(crate) other_codes: Vec<(Box<str>, u64)>,
    /// Per result code below [`DENSE_RESULT_CODES`]; empty in a batch's counters, whose
    /// result codes all go to `other_results`.
    dense_results: Vec<u64>,
    pub(crate) other_results: Vec<(u16, u64)>,
    /// Problems kept as samples (at most `sample_cap`).
    pub(crate) samples: Vec<Problem>,
    sample_cap: usize,
}

impl Counters {
    /// The counters of a whole run.
    pub(crate) fn new(sample_cap: usize) -> Self {
        Self {
            dense_results: vec![0; DENSE_RESULT_CODES],
            ..Self::for_batch(sample_cap)
        }
    }

    /// The counters of one batch, merged into a run's: result codes are kept as a list (a
    /// batch sees a few), so that a batch allocates and zeroes nothing up front (the dense
    /// array, zeroed for each of about 1 600 batches and merged slot by slot, was 1 % of a
    /// run: callgrind, 25.8 MB `fep gen` batch, `docs/performance.md`).
    pub(crate) fn for_batch(sample_cap: usize) -> Self {
        Self {
            elements_ok: 0,
            elements_failed: 0,
            malformed: 0,
            structural: 0,
            failures: 0,
            envelopes: 0,
            flag_text_mismatches: 0,
            flag_anomalies: 0,
            known_codes: [0; KNOWN_CODES],
            other_codes: Vec::new(),
            dense_results: Vec::new(),
            other_results: Vec::new(),
            samples: Vec::new(),
            sample_cap,
        }
    }

    pub(crate) fn record_element(&mut self, failures: &[Failure<'_>], notes: ExtractNotes) {
        if failures.is_empty() {
            bump(&mut self.elements_ok, 1);
        } else {
            bump(&mut self.elements_failed, 1);
        }
        bump(
            &mut self.flag_text_mismatches,
            u64::from(notes.flag_text_mismatches),
        );
        bump(&mut self.flag_anomalies, u64::from(notes.flag_anomaly));
        for failure in failures {
            self.record_failure(failure);
        }
    }

    pub(crate) fn record_envelope(&mut self, failure: &Failure<'_>) {
        bump(&mut self.envelopes, 1);
        self.record_failure(failure);
    }

    fn record_failure(&mut self, failure: &Failure<'_>) {
        bump(&mut self.failures, 1);
        let fixed = FepCode::ALL.len();
        let slot = match failure.code {
            FailureCode::Fep(code) => Some(code.index()),
            FailureCode::Interface => Some(fixed),
            FailureCode::Dar => Some(fixed.saturating_add(1)),
            FailureCode::Unknown => Some(fixed.saturating_add(2)),
            FailureCode::Other(code) => {
                add_keyed(&mut self.other_codes, code, 1);
                None
            }
        };
        if let Some(count) = slot.and_then(|slot| self.known_codes.get_mut(slot)) {
            bump(count, 1);
        }
        if let Some(code) = failure.result_code {
            self.record_result(code.get(), 1);
        }
    }

    fn record_result(&mut self, code: u16, count: u64) {
        match self.dense_results.get_mut(usize::from(code)) {
            Some(slot) => bump(slot, count),
            None => match self.other_results.iter_mut().find(|(c, _)| *c == code) {
                Some((_, slot)) => bump(slot, count),
                None => self.other_results.push((code, count)),
            },
        }
    }

    pub(crate) fn record_problem(&mut self, problem: &Problem) {
        if problem.kind.is_malformed_element() {
            bump(&mut self.malformed, 1);
        } else {
            bump(&mut self.structural, 1);
        }
        if self.samples.len() < self.sample_cap {
            self.samples.push(problem.clone());
        }
    }

    /// Adds `other` (which comes after `self` in input order).
    pub(crate) fn merge(&mut self, other: &Self) {
        bump(&mut self.elements_ok, other.elements_ok);
        bump(&mut self.elements_failed, other.elements_failed);
        bump(&mut self.malformed, other.malformed);
        bump(&mut self.structural, other.structural);
        bump(&mut self.failures, other.failures);
        bump(&mut self.envelopes, other.envelopes);
        bump(&mut self.flag_text_mismatches, other.flag_text_mismatches);
        bump(&mut self.flag_anomalies, other.flag_anomalies);
        for (mine, theirs) in self.known_codes.iter_mut().zip(&other.known_codes) {
            bump(mine, *theirs);
        }
        for (code, count) in &other.other_codes {
            add_keyed(&mut self.other_codes, code, *count);
        }
        for (mine, theirs) in self.dense_results.iter_mut().zip(&other.dense_results) {
            bump(mine, *theirs);
        }
        for &(code, count) in &other.other_results {
            self.record_result(code, count);
        }
        let room = self.sample_cap.saturating_sub(self.samples.len());
        self.samples
            .extend(other.samples.iter().take(room).cloned());
    }

    /// `(code, count)` for every code seen.
    pub(crate) fn by_code(&self) -> impl Iterator<Item = (&str, u64)> + '_ {
        let fixed = ["interface", "DAR", "UNKNOWN"];
        let names = FepCode::ALL.iter().map(|code| code.as_str()).chain(fixed);
        names
            .zip(self.known_codes.iter().copied())
            .chain(
                self.other_codes
                    .iter()
                    .map(|(code, count)| (&**code, *count)),
            )
            .filter(|&(_, count)| count > 0)
    }

    /// `(result code, count)` for every result code seen.
    pub(crate) fn by_result_code(&self) -> impl Iterator<Item = (ResultCode, u64)> + '_ {
        self.dense_results
            .iter()
            .enumerate()
            .filter(|&(_, &count)| count > 0)
            .map(|(code, &count)| {
                (
                    ResultCode::new(u16::try_from(code).unwrap_or(u16::MAX)),
                    count,
                )
            })
            .chain(
                self.other_results
                    .iter()
                    .map(|&(code, count)| (ResultCode::new(code), count)),
            )
    }
}

/// Distinct unknown codes kept per batch before they are pooled under `other`.
const MAX_OTHER_CODES: usize = 1000;

fn add_keyed(list: &mut Vec<(Box<str>, u64)>, code: &str, count: u64) {
    if let Some((_, slot)) = list.iter_mut().find(|(c, _)| &**c == code) {
        bump(slot, count);
    } else if list.len() < MAX_OTHER_CODES {
        list.push((code.into(), count));
    } else {
        add_keyed_pooled(list, count);
    }
}

fn add_keyed_pooled(list: &mut Vec<(Box<str>, u64)>, count: u64) {
    match list.iter_mut().find(|(c, _)| &**c == "other") {
        Some((_, slot)) => bump(slot, count),
        None => list.push(("other".into(), count)),
    }
}

fn bump(counter: &mut u64, by: u64) {
    *counter = counter.saturating_add(by);
}
