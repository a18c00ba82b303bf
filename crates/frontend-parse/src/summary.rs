//! The run's summary (`fep batch --summary`), computed by the library with a deterministic
//! key order.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::{DocumentKind, Problem};
use crate::failure::ResponseFlagMode;

/// One document in the summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocumentSummary {
    /// Document index.
    pub doc: u64,
    /// Index of its input.
    pub input: usize,
    /// Byte offset in its input.
    pub offset: u64,
    /// Its `workId`.
    #[serde(rename = "workId")]
    pub work_id: Option<String>,
    /// Batch, envelope or other.
    pub kind: DocumentKind,
    /// Entries of its `devDataList`.
    pub elements: u64,
    /// Whether its structure was read to its end undamaged.
    pub complete: bool,
}

/// What a run found. `elements = elements_ok + elements_failed + malformed` always holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Inputs read.
    pub inputs: u64,
    /// Bytes read (after decompression).
    pub bytes: u64,
    /// Documents (batches, envelopes and others).
    pub documents: u64,
    /// Entries of all `devDataList`s.
    pub elements: u64,
    /// Elements without failures.
    pub elements_ok: u64,
    /// Elements with at least one failure.
    pub elements_failed: u64,
    /// Entries that were skipped as malformed.
    pub malformed: u64,
    /// Failures (per data item or per element, plus one per interface envelope).
    pub failures: u64,
    /// Interface error envelopes.
    pub envelopes: u64,
    /// Failures per code (`TK013`, `DAR`, `interface`, unknown codes verbatim…).
    pub by_code: BTreeMap<String, u64>,
    /// Failures per result code.
    pub by_result_code: BTreeMap<u16, u64>,
    /// Distinct `workId`s in order of appearance.
    pub work_ids: Vec<String>,
    /// Every document (up to the listing cap).
    #[serde(rename = "documents_detail")]
    pub document_list: Vec<DocumentSummary>,
    /// Failures whose flag named another result code than the text (the text won).
    pub flag_text_mismatches: u64,
    /// Elements marked successful whose flags the chosen reading calls failures.
    pub flag_anomalies: u64,
    /// Damage that cost no element (missing or stray commas, syntax outside
    /// `devDataList`, truncated documents).
    pub structural_errors: u64,
    /// The `responseFlag` reading used.
    pub response_flag: ResponseFlagMode,
    /// The first problems, in input order.
    pub malformed_samples: Vec<Problem>,
    /// Hints for the reader (e.g. the other `responseFlag` reading).
    pub warnings: Vec<String>,
}

impl Summary {
    /// Whether everything parsed: nothing malformed, no structural damage.
    pub fn is_clean(&self) -> bool {
        self.malformed == 0 && self.structural_errors == 0
    }
}
