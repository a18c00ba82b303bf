//! `fep batch`: stream devDataList batches, classify every failure inside the workers, write one
//! record per failure in input order, and finish with a summary (and optionally a task plan).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use classify::{
    Failure as Key, History, HistoryView, NoHistory, Op, PlanConfig, PlanUnit, Planner, Rng,
    RuleSet, Source, TaskPlan, Verdict,
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
mod writer;

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
pub fn run_in_memory(args: &BatchArgs, inputs: Vec<Input>, out: impl Write + Send) -> Status {
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
    /// The ends of JSONL records, written once per rule of `rules`.
    tails: jsonl::RuleTails,
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

    /// Decides one failure, whose `cmdType` is of class `op`. The jitter RNG is seeded from
    /// the failure's position, so the delays do not depend on which worker decides (output is
    /// identical for any --threads).
    fn decide<'r>(&'r self, failure: &Failure<'_>, index: usize, op: Op) -> Verdict<'r> {
        let (source, code) = triage::failure_key(failure.code, failure.template, failure.text);
        let device = field_str(failure.dev_sn.as_ref());
        let terminal = field_str(failure.comm_dev_id.as_ref());
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
        // One writer per stream: records, summary and plan on standard output together would
        // interleave into something no reader can take apart.
        let on_stdout: Vec<&str> = [
            (
                "the records",
                crate::cli::output_file(args.output.as_deref()).is_none(),
            ),
            (
                "--summary",
                args.summary
                    .as_deref()
                    .is_some_and(crate::cli::is_standard_output),
            ),
            (
                "--plan",
                args.plan
                    .as_deref()
                    .is_some_and(crate::cli::is_standard_output),
            ),
        ]
        .into_iter()
        .filter_map(|(what, stdout)| stdout.then_some(what))
        .collect();
        if let [first, second, ..] = on_stdout.as_slice() {
            return Err(format!(
                "{first} and {second} would both go to standard output; give one of them a file \
                 (--output FILE for the records)"
            ));
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
                tails: jsonl::RuleTails::new(&rules),
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
        let writer: Box<dyn Write + Send> = match crate::cli::output_file(args.output.as_deref()) {
            Some(path) => match File::create(path) {
                Ok(file) => Box::new(file),
                Err(e) => {
                    eprintln!("fep batch: cannot create {}: {e}", path.display());
                    return Status::Failure;
                }
            },
            None => Box::new(io::stdout()),
        };
        self.write_to(args, color, writer)
    }

    /// Streams the inputs, writing the records to `output`, then the summary and plan files.
    fn write_to(
        self,
        args: &BatchArgs,
        color: style::ColorChoice,
        output: impl Write + Send,
    ) -> Status {
        let started = Instant::now();
        std::thread::scope(|scope| {
            let records = writer::RecordWriter::start(scope, output);
            self.write_records(args, color, records, started)
        })
    }

    fn write_records(
        self,
        args: &BatchArgs,
        color: style::ColorChoice,
        mut records: writer::RecordWriter<'_>,
        started: Instant,
    ) -> Status {
        if self.format == BatchFormat::Csv {
            let mut header = Vec::new();
            if let Err(e) = csv::write_header(&mut header).and_then(|()| records.write(header)) {
                return write_error(&e);
            }
        }
        let progress = progress::Bar::new(args.progress, args.quiet, &self.inputs);
        let mut sink = OrderedSink {
            records,
            decisions: [0; 4],
            planner: self.plan.then(|| {
                Planner::new(PlanConfig {
                    mass_share: args.mass_share,
                    ..PlanConfig::default()
                })
            }),
            work_ids: BTreeMap::new(),
            progress,
        };
        let format = self.format;
        let plan = self.plan;
        let decider = &self.decider;
        let result = self.engine.run(
            self.inputs,
            |entry: &Entry<'_>, out: &mut BatchOut<'_>| work(decider, format, plan, entry, out),
            &mut sink,
        );
        let OrderedSink {
            records,
            decisions,
            mut planner,
            work_ids,
            progress,
        } = sink;
        progress.finish();
        let written = records.finish();
        let summary = match result {
            // The writer's own error explains why it stopped taking records.
            Err(EngineError::Sink(e)) => return write_error(&written.err().unwrap_or(e)),
            Err(e) => {
                eprintln!("fep batch: {e}");
                return Status::Failure;
            }
            Ok(summary) => summary,
        };
        if let Err(e) = written {
            return write_error(&e);
        }
        let by_decision: BTreeMap<&str, u64> = DECISIONS.into_iter().zip(decisions).collect();
        let plans = planner.take().map(|planner| {
            let mut plans = planner.finish();
            for plan in &mut plans {
                if let Some(work_id) = plan
                    .work_id
                    .strip_prefix("doc:")
                    .and_then(|doc| doc.parse::<u64>().ok())
                    .and_then(|doc| work_ids.get(&doc))
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
            eprintln!("fep batch: cannot write {}: {e}", destination(path));
            status = Status::Failure;
        }
        if let (Some(path), Some(plans)) = (&args.plan, &plans)
            && let Err(e) = write_json(path, &PlanOut { plans })
        {
            eprintln!("fep batch: cannot write {}: {e}", destination(path));
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

/// An output path as error messages name it.
fn destination(path: &Path) -> String {
    match crate::cli::output_file(Some(path)) {
        Some(path) => path.display().to_string(),
        None => "standard output".to_owned(),
    }
}

/// Writes `value` as pretty JSON to the file `path`, or to standard output for `-`.
fn write_json(path: &Path, value: &impl Serialize) -> io::Result<()> {
    let out: Box<dyn Write> = match crate::cli::output_file(Some(path)) {
        Some(path) => Box::new(File::create(path)?),
        None => Box::new(io::stdout().lock()),
    };
    let mut out = BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, value)?;
    out.write_all(b"\n")?;
    out.flush()
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
            let device = field_str(element.element.dev_sn().as_ref()).into_owned();
            let terminal = field_str(element.element.comm_dev_id().as_ref()).into_owned();
            out.meters.push((element.location.doc, terminal, device));
        }
    }
    // The failures of one element share its `cmdType`: its class is found once, not per
    // failure (reading the text was about 2 % of a run; `benches/batch.rs`).
    let mut class: Option<(Option<&str>, Op)> = None;
    for (index, failure) in entry.failures().iter().enumerate() {
        let cmd_type = failure.cmd_type.as_ref().and_then(FieldText::as_str);
        let op = match class {
            Some((known, op)) if known == cmd_type => op,
            _ => {
                let op = triage::op_of(cmd_type);
                class = Some((cmd_type, op));
                op
            }
        };
        let verdict = decider.decide(failure, index, op);
        if let Some(slot) = DECISIONS
            .iter()
            .position(|d| *d == verdict.decision.as_str())
            && let Some(count) = out.decisions.get_mut(slot)
        {
            *count += 1;
        }
        match format {
            BatchFormat::Jsonl => {
                jsonl::write_record(&mut out.bytes, failure, &verdict, &decider.tails);
            }
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
struct OrderedSink<'scope> {
    records: writer::RecordWriter<'scope>,
    decisions: [u64; 4],
    planner: Option<Planner>,
    work_ids: BTreeMap<u64, String>,
    progress: progress::Bar,
}

impl<'r> Sink<BatchOut<'r>> for OrderedSink<'_> {
    fn output(&mut self, out: BatchOut<'r>) -> io::Result<()> {
        self.records.write(out.bytes)?;
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
            bytes: self.records.spare(),
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
    use clap::Parser as _;
    use dlms_result::ResultCode;

    use super::*;
    use crate::cli::{Cli, Command};

    /// The record ends written once per rule are found for the verdicts of a run's rule set,
    /// which moved into the `Decider` after they were written (the JSONL writer's fast path:
    /// a miss would cost speed, not correctness, and no output test would see it).
    #[test]
    fn a_runs_verdicts_take_the_record_ends_written_for_its_rules() {
        let cli = Cli::try_parse_from(["fep", "batch", "--now", "1700000000"]).unwrap();
        let Command::Batch(args) = cli.command else {
            unreachable!("parsed as batch")
        };
        let batch = Batch::prepare(&args).unwrap();
        let decider = &batch.decider;
        for (source, code, result_code) in [
            (Source::Frontend, "EL003", None),
            (Source::Frontend, "TK013", Some(ResultCode::new(2))),
            (Source::Dar, "33", Some(ResultCode::new(33))),
            (Source::Frontend, "XY999", None),
        ] {
            let failure = Key::new(source, code).with_result_code(result_code);
            let verdict =
                decider
                    .rules
                    .classify(&failure, decider.history(), decider.now, &mut Rng::new(1));
            assert!(decider.tails.get(&verdict).is_some(), "{}", verdict.rule);
        }
    }
}
