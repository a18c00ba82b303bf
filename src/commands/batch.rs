//! `fep batch`: stream devDataList batches, classify every failure inside the workers, write one
//! record per failure in input order, and finish with a summary (and optionally a task plan).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use classify::{
    Failure as Key, History, HistoryView, NoHistory, PlanConfig, PlanUnit, Planner, Rng, RuleSet,
    Source, TaskPlan, Verdict,
};
use frontend_parse::element::FieldText;
use frontend_parse::failure::Failure;
use frontend_parse::{
    DocumentInfo, Engine, EngineError, Entry, Input, Options, Progress, ResponseFlagMode, Sink,
    Summary,
};
use serde::Serialize;

use crate::cli::{BatchArgs, BatchFormat, FlagReading};
use crate::exit::Status;
use crate::style::{self, Painter};
use crate::triage;

mod csv;
mod jsonl;
mod progress;
mod report;

/// The output buffer's size: writes at least this large bypass it.
const DIRECT_WRITE: usize = 16 << 10;

/// Record buffers kept for reuse: a round has up to 64 batches (two 2 MiB blocks in 64 KiB
/// batches). Reused buffers save growing each batch's buffer from nothing and the page faults
/// of memory the allocator had given back (1 GB, 2 threads: `docs/performance.md`, "Batch").
const MAX_SPARE_RECORDS: usize = 128;

/// A record buffer grown larger than this by an unusual batch is not kept.
const MAX_KEPT_RECORDS: usize = 1 << 20;

/// The decisions in the order the summary lists them.
const DECISIONS: [&str; 4] = ["retry", "re-archive", "give-up", "success"];

/// Runs `fep batch`.
pub fn run(args: &BatchArgs, color: style::ColorChoice) -> Status {
    match Batch::prepare(args) {
        Ok(batch) => batch.execute(args, color),
        Err(message) => {
            eprintln!("fep batch: {message}");
            Status::Failure
        }
    }
}

/// Runs `fep batch` on in-memory inputs (`args.inputs` is ignored), writing the records to
/// `out`: the whole command path without files, for the `batch` bench.
#[doc(hidden)]
pub fn run_in_memory(args: &BatchArgs, inputs: Vec<Input>, out: impl Write) -> Status {
    match Batch::prepare(args) {
        Ok(mut batch) => {
            batch.inputs = inputs;
            batch.write_to(args, style::ColorChoice::Never, out)
        }
        Err(message) => {
            eprintln!("fep batch: {message}");
            Status::Failure
        }
    }
}

/// What stays fixed for a run: the rules, the history, the clock.
struct Decider {
    rules: RuleSet,
    history: Option<History>,
    now: i64,
    seed: u64,
}

impl Decider {
    fn history(&self) -> &dyn HistoryView {
        match &self.history {
            Some(history) => history,
            None => &NoHistory,
        }
    }

    /// Decides one failure. The jitter RNG is seeded from the failure's position, so the
    /// delays do not depend on which worker decides (output is identical for any --threads).
    fn decide<'r>(&'r self, failure: &Failure<'_>, index: usize) -> Verdict<'r> {
        let (source, code) = triage::failure_key(failure.code, failure.template, failure.text);
        let device = field_str(failure.dev_sn.as_ref());
        let terminal = field_str(failure.comm_dev_id.as_ref());
        let op = triage::op_of(failure.cmd_type.as_ref().and_then(FieldText::as_str));
        let code = if source.numeric_codes() {
            classify::Code::parse(code)
        } else {
            classify::Code::Text(code)
        };
        let key = Key::with_code(source, code)
            .with_result_code(failure.result_code)
            .with_op(op)
            .with_device(&device, &terminal);
        let position = failure.location.doc.rotate_left(40)
            ^ failure.location.element.unwrap_or(u64::MAX).rotate_left(16)
            ^ index as u64;
        let mut rng = Rng::new(self.seed ^ position.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        self.rules
            .classify(&key, self.history(), self.now, &mut rng)
    }
}

/// A `devSn` / `commDevId` as text (numbers are written out).
fn field_str<'a>(field: Option<&FieldText<'a>>) -> Cow<'a, str> {
    match field {
        Some(FieldText::Str(text)) => Cow::Borrowed(text),
        Some(other) => Cow::Owned(other.to_string()),
        None => Cow::Borrowed(""),
    }
}

/// What one batch of elements produces in a worker.
#[derive(Default)]
struct BatchOut<'r> {
    /// Formatted records.
    bytes: Vec<u8>,
    /// Failures per decision, in `DECISIONS` order.
    decisions: [u64; 4],
    /// Elements seen (for the progress bar).
    elements: u64,
    /// Plan units (only with --plan), in order.
    plan: Vec<PlanRecord<'r>>,
    /// Meters seen (only with --plan): doc, terminal, device.
    meters: Vec<(u64, String, String)>,
}

/// An owned plan unit with its verdict, carried from a worker to the planner.
struct PlanRecord<'r> {
    doc: u64,
    terminal: String,
    device: String,
    data_item: Option<String>,
    source: Source,
    code: String,
    result_code: Option<u16>,
    verdict: Verdict<'r>,
}

struct Batch {
    decider: Decider,
    engine: Engine,
    inputs: Vec<Input>,
    format: BatchFormat,
    plan: bool,
}

impl Batch {
    fn prepare(args: &BatchArgs) -> Result<Self, String> {
        let rules = crate::rules::load(args.decide.rules.as_deref()).map_err(|e| e.to_string())?;
        let history = args.decide.load_history()?;
        if !(0.0..=1.0).contains(&args.mass_share) {
            return Err("--mass-share must be between 0 and 1".into());
        }
        let options = Options {
            threads: args.threads,
            max_element_size: args.max_element_size,
            response_flag: match args.response_flag {
                FlagReading::Dar => ResponseFlagMode::Dar,
                FlagReading::Status => ResponseFlagMode::Status,
            },
            ..Options::default()
        };
        let engine = Engine::new(options).map_err(|e| e.to_string())?;
        let inputs = if args.inputs.is_empty() {
            vec![Input::stdin()]
        } else {
            args.inputs.iter().map(|a| Input::from_arg(a)).collect()
        };
        Ok(Self {
            decider: Decider {
                rules,
                history,
                now: args.decide.now(),
                seed: args.decide.seed,
            },
            engine,
            inputs,
            format: args.format,
            plan: args.plan.is_some(),
        })
    }

    fn execute(self, args: &BatchArgs, color: style::ColorChoice) -> Status {
        let writer: Box<dyn Write> = match &args.output {
            Some(path) => match File::create(path) {
                Ok(file) => Box::new(file),
                Err(e) => {
                    eprintln!("fep batch: cannot create {}: {e}", path.display());
                    return Status::Failure;
                }
            },
            None => Box::new(io::stdout().lock()),
        };
        self.write_to(args, color, writer)
    }

    /// Streams the inputs, writing the records to `writer`, then the summary and plan files.
    fn write_to(self, args: &BatchArgs, color: style::ColorChoice, writer: impl Write) -> Status {
        let started = Instant::now();
        // Batch outputs (tens of KB each) are at least this large and go straight to the
        // writer: copying them into a larger buffer first was a memcpy of all the output on
        // the thread that delivers it in order, while the other threads waited for the next
        // round (`docs/performance.md`, "Batch"). Smaller outputs are still gathered.
        let mut writer = BufWriter::with_capacity(DIRECT_WRITE, writer);
        if self.format == BatchFormat::Csv
            && let Err(e) = csv::write_header(&mut writer)
        {
            return write_error(&e);
        }
        let progress = progress::Bar::new(args.progress, args.quiet, &self.inputs);
        let mut sink = OrderedSink {
            writer,
            decisions: [0; 4],
            planner: self.plan.then(|| {
                Planner::new(PlanConfig {
                    mass_share: args.mass_share,
                    ..PlanConfig::default()
                })
            }),
            work_ids: BTreeMap::new(),
            progress,
            spare_records: Vec::new(),
        };
        let format = self.format;
        let plan = self.plan;
        let decider = &self.decider;
        let result = self.engine.run(
            self.inputs,
            |entry: &Entry<'_>, out: &mut BatchOut<'_>| work(decider, format, plan, entry, out),
            &mut sink,
        );
        sink.progress.finish();
        let summary = match result {
            Ok(summary) => summary,
            Err(EngineError::Sink(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
                return Status::Clean;
            }
            Err(e) => {
                eprintln!("fep batch: {e}");
                return Status::Failure;
            }
        };
        if let Err(e) = sink.writer.flush() {
            return write_error(&e);
        }
        let by_decision: BTreeMap<&str, u64> = DECISIONS.into_iter().zip(sink.decisions).collect();
        let plans = sink.planner.take().map(|planner| {
            let mut plans = planner.finish();
            for plan in &mut plans {
                if let Some(work_id) = plan
                    .work_id
                    .strip_prefix("doc:")
                    .and_then(|doc| doc.parse::<u64>().ok())
                    .and_then(|doc| sink.work_ids.get(&doc))
                {
                    plan.work_id.clone_from(work_id);
                }
            }
            plans
        });
        let mut status = if summary.is_clean() {
            Status::Clean
        } else {
            Status::InputProblems
        };
        if let Some(path) = &args.summary
            && let Err(e) = write_json(
                path,
                &SummaryOut {
                    summary: &summary,
                    by_decision: &by_decision,
                },
            )
        {
            eprintln!("fep batch: cannot write {}: {e}", path.display());
            status = Status::Failure;
        }
        if let (Some(path), Some(plans)) = (&args.plan, &plans)
            && let Err(e) = write_json(path, &PlanOut { plans })
        {
            eprintln!("fep batch: cannot write {}: {e}", path.display());
            status = Status::Failure;
        }
        if !args.quiet {
            let painter = Painter::new(style::use_color(color, style::stderr_is_terminal()));
            let table = report::summary_table(
                &summary,
                &args.inputs,
                &by_decision,
                started.elapsed(),
                painter,
            );
            let _ = io::stderr().write_all(table.as_bytes());
        }
        status
    }
}

fn write_error(e: &io::Error) -> Status {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Status::Clean
    } else {
        eprintln!("fep batch: cannot write output: {e}");
        Status::Failure
    }
}

/// The `--summary` JSON: the engine's summary plus the decisions.
#[derive(Serialize)]
struct SummaryOut<'a> {
    #[serde(flatten)]
    summary: &'a Summary,
    by_decision: &'a BTreeMap<&'static str, u64>,
}

/// The `--plan` JSON.
#[derive(Serialize)]
struct PlanOut<'a> {
    plans: &'a [TaskPlan],
}

fn write_json(path: &Path, value: &impl Serialize) -> io::Result<()> {
    let mut file = BufWriter::new(File::create(path)?);
    serde_json::to_writer_pretty(&mut file, value)?;
    file.write_all(b"\n")?;
    file.flush()
}

/// The per-entry work, in a worker: decide every failure and format its record.
fn work<'r>(
    decider: &'r Decider,
    format: BatchFormat,
    plan: bool,
    entry: &Entry<'_>,
    out: &mut BatchOut<'r>,
) {
    if let Entry::Element(element) = entry {
        out.elements += 1;
        if plan {
            // Every meter counts towards its terminal's share (mass failures), failed or not.
            let device = field_str(element.element.dev_sn.as_ref()).into_owned();
            let terminal = field_str(element.element.comm_dev_id.as_ref()).into_owned();
            out.meters.push((element.location.doc, terminal, device));
        }
    }
    for (index, failure) in entry.failures().iter().enumerate() {
        let verdict = decider.decide(failure, index);
        if let Some(slot) = DECISIONS
            .iter()
            .position(|d| *d == verdict.decision.as_str())
            && let Some(count) = out.decisions.get_mut(slot)
        {
            *count += 1;
        }
        match format {
            BatchFormat::Jsonl => jsonl::write_record(&mut out.bytes, failure, &verdict),
            BatchFormat::Csv => csv::write_record(&mut out.bytes, failure, &verdict),
        }
        if plan {
            let (source, code) = triage::failure_key(failure.code, failure.template, failure.text);
            out.plan.push(PlanRecord {
                doc: failure.location.doc,
                terminal: field_str(failure.comm_dev_id.as_ref()).into_owned(),
                device: field_str(failure.dev_sn.as_ref()).into_owned(),
                data_item: failure.data_item_id.as_ref().map(ToString::to_string),
                source,
                code: code.to_string(),
                result_code: failure.result_code.map(dlms_result::ResultCode::get),
                verdict,
            });
        }
    }
}

/// Receives batch outputs in input order on the main thread.
struct OrderedSink<W: Write> {
    writer: W,
    decisions: [u64; 4],
    planner: Option<Planner>,
    work_ids: BTreeMap<u64, String>,
    progress: progress::Bar,
    /// Emptied record buffers of written outputs, most recent last, for the next batches.
    spare_records: Vec<Vec<u8>>,
}

impl<'r, W: Write> Sink<BatchOut<'r>> for OrderedSink<W> {
    fn output(&mut self, out: BatchOut<'r>) -> io::Result<()> {
        self.writer.write_all(&out.bytes)?;
        let mut records = out.bytes;
        if records.capacity() <= MAX_KEPT_RECORDS && self.spare_records.len() < MAX_SPARE_RECORDS {
            records.clear();
            self.spare_records.push(records);
        }
        for (total, add) in self.decisions.iter_mut().zip(out.decisions) {
            *total += add;
        }
        self.progress.elements(out.elements);
        if let Some(planner) = &mut self.planner {
            // Plans are keyed by document until the document's workId is known (it usually
            // follows the array); `execute` renames them at the end.
            for (doc, terminal, device) in &out.meters {
                planner.observe(&format!("doc:{doc}"), terminal, device);
            }
            for record in &out.plan {
                let work_id = format!("doc:{}", record.doc);
                let unit = PlanUnit {
                    work_id: &work_id,
                    terminal: &record.terminal,
                    device: &record.device,
                    data_item: record.data_item.as_deref(),
                    source: record.source,
                    code: if record.source.numeric_codes() {
                        classify::Code::parse(&record.code)
                    } else {
                        classify::Code::Text(&record.code)
                    },
                    result_code: record.result_code,
                };
                planner.add(&unit, &record.verdict);
            }
        }
        Ok(())
    }

    fn fresh_output(&mut self) -> BatchOut<'r> {
        BatchOut {
            bytes: self.spare_records.pop().unwrap_or_default(),
            ..BatchOut::default()
        }
    }

    fn document(&mut self, document: &DocumentInfo<'_>) -> io::Result<()> {
        if let Some(work_id) = document.work_id {
            self.work_ids.insert(document.doc, work_id.to_string());
        }
        Ok(())
    }

    fn progress(&mut self, progress: &Progress<'_>) {
        self.progress.bytes(progress);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sink() -> OrderedSink<Vec<u8>> {
        OrderedSink {
            writer: Vec::new(),
            decisions: [0; 4],
            planner: None,
            work_ids: BTreeMap::new(),
            progress: progress::Bar::new(crate::cli::ProgressChoice::Never, true, &[]),
            spare_records: Vec::new(),
        }
    }

    fn written(sink: &mut OrderedSink<Vec<u8>>, records: Vec<u8>) {
        let out = BatchOut {
            bytes: records,
            ..BatchOut::default()
        };
        sink.output(out).unwrap();
    }

    #[test]
    fn written_record_buffers_are_handed_out_again_empty() {
        let mut sink = sink();
        let mut records = Vec::with_capacity(40_000);
        records.extend_from_slice(b"{\"doc\":0}\n");
        let kept = records.as_ptr();
        written(&mut sink, records);
        assert_eq!(sink.writer, b"{\"doc\":0}\n");
        let fresh = sink.fresh_output();
        assert!(fresh.bytes.is_empty());
        assert_eq!(fresh.bytes.as_ptr(), kept);
        assert!(fresh.bytes.capacity() >= 40_000);
        // None left: a new, unallocated buffer.
        assert_eq!(sink.fresh_output().bytes.capacity(), 0);
    }

    #[test]
    fn oversized_buffers_and_extra_spares_are_dropped() {
        let mut sink = sink();
        written(&mut sink, Vec::with_capacity(MAX_KEPT_RECORDS + 1));
        assert!(sink.spare_records.is_empty());
        for _ in 0..MAX_SPARE_RECORDS + 5 {
            written(&mut sink, Vec::with_capacity(16));
        }
        assert_eq!(sink.spare_records.len(), MAX_SPARE_RECORDS);
    }
}
