//! The summary table `fep batch` prints on standard error at the end.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use dlms_result::ResultCode;
use frontend_parse::{FailureCode, Summary};

use crate::style::Painter;

/// Rows per "top" list.
const TOP: usize = 10;

/// The table: inputs and throughput, accounting, decisions, top codes with their Chinese
/// names, top result codes, malformed samples with offsets, warnings.
pub(super) fn summary_table(
    summary: &Summary,
    input_names: &[String],
    by_decision: &BTreeMap<&str, u64>,
    elapsed: Duration,
    p: Painter,
) -> String {
    let mut t = String::new();
    let seconds = elapsed.as_secs_f64().max(1e-6);
    #[allow(clippy::cast_precision_loss)] // rates for display
    let mb_s = summary.bytes as f64 / 1e6 / seconds;
    let _ = writeln!(
        t,
        "{} {} input(s), {} bytes, {} document(s) in {:.2} s ({mb_s:.0} MB/s)",
        p.bold("fep batch:"),
        summary.inputs,
        summary.bytes,
        summary.documents,
        seconds
    );
    let malformed = if summary.malformed > 0 {
        p.red(&summary.malformed.to_string())
    } else {
        summary.malformed.to_string()
    };
    let _ = writeln!(
        t,
        "  elements {}  ok {}  failed {}  malformed {malformed}  →  failures {}",
        summary.elements, summary.elements_ok, summary.elements_failed, summary.failures
    );
    let decisions: Vec<String> = ["retry", "re-archive", "give-up", "success"]
        .iter()
        .map(|d| {
            let n = by_decision.get(d).copied().unwrap_or(0);
            let text = format!("{d} {n}");
            match *d {
                "retry" => p.yellow(&text),
                "give-up" => p.red(&text),
                _ => p.green(&text),
            }
        })
        .collect();
    let _ = writeln!(t, "  decisions  {}", decisions.join("  "));
    if !summary.by_code.is_empty() {
        let _ = writeln!(t, "  top codes");
        for (code, count) in top(summary.by_code.iter().map(|(k, v)| (k.clone(), *v))) {
            let name = FailureCode::from_name(&code).description_zh().unwrap_or("");
            let _ = writeln!(t, "    {count:>10}  {code:<9} {}", p.dim(name));
        }
    }
    if !summary.by_result_code.is_empty() {
        let _ = writeln!(t, "  top result codes");
        for (code, count) in top(summary.by_result_code.iter().map(|(k, v)| (*k, *v))) {
            let name = ResultCode::new(code).name_zh().unwrap_or("(unnamed)");
            let _ = writeln!(t, "    {count:>10}  {code:<9} {name}");
        }
    }
    if summary.flag_text_mismatches > 0 {
        let _ = writeln!(
            t,
            "  responseFlag named another result code than the text {} time(s) (the text won)",
            summary.flag_text_mismatches
        );
    }
    for sample in &summary.malformed_samples {
        // With several inputs, document numbers run across them: name the file too.
        let file = match (summary.inputs > 1, input_names.get(sample.input)) {
            (true, Some(name)) => format!("{name}: "),
            (true, None) => format!("input {}: ", sample.input),
            (false, _) => String::new(),
        };
        let _ = writeln!(t, "  {} {file}{sample}", p.red("malformed:"));
    }
    for warning in &summary.warnings {
        let _ = writeln!(t, "  {} {warning}", p.yellow("warning:"));
    }
    t
}

/// The `TOP` largest counts, largest first, ties by key.
fn top<K: Ord>(items: impl Iterator<Item = (K, u64)>) -> Vec<(K, u64)> {
    let mut items: Vec<(K, u64)> = items.collect();
    items.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    items.truncate(TOP);
    items
}
