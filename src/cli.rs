//! Command-line definitions (clap). Each subcommand's behaviour lives in `commands/`.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::style::ColorChoice;

/// Decode and triage smart-metering front-end (前置) responses.
#[derive(Debug, Parser)]
#[command(name = "fep", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// When to use colours: auto (terminal and no `NO_COLOR`), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode DL/T 698.45, DL/T 645-2007 and Q/GDW 1376.1 frames and list their result codes.
    #[command(after_help = FRAME_EXAMPLES)]
    Frame(FrameArgs),
    /// Stream devDataList batches: one record per failure with its decision, and a summary.
    #[command(after_help = BATCH_EXAMPLES)]
    Batch(BatchArgs),
    /// Write a deterministic synthetic devDataList batch (for benches and load tests).
    #[command(after_help = GEN_EXAMPLES)]
    Gen(GenArgs),
    /// Explain a code: names, decision, delays, attempts, the rule and its reason.
    #[command(after_help = EXPLAIN_EXAMPLES)]
    Explain(ExplainArgs),
    /// Show the effective rule table, dump it as TOML or Markdown, or check an override file.
    #[command(after_help = RULES_EXAMPLES)]
    Rules(RulesArgs),
    /// Classify JSONL failures (`{"source":…,"code":…,"message":…}`): one verdict per line.
    #[command(after_help = CLASSIFY_EXAMPLES)]
    Classify(ClassifyArgs),
    /// Print a shell completion script.
    #[command(after_help = "Example:\n  fep completions bash > /etc/bash_completion.d/fep")]
    Completions(CompletionsArgs),
}

const FRAME_EXAMPLES: &str = "\
Each argument, or each line of standard input / --input, is one frame: hex with or without
spaces, with 0x prefixes, or a front-end log line (入库报文 …) with text around the hex.

Examples:
  fep frame 68 17 00 43 05 07 09 19 05 16 20 00 15 60 05 01 01 40 01 02 00 00 C6 07 16
  fep frame --json 681900C3050000000000000078F486010040000300030000A95216
  fep frame --input fixtures/frames/sample.log
  grep 入库报文 fep.log | fep frame --json

Exit status: 0 every frame decoded, 1 some did not, 2 usage or I/O error.";

const BATCH_EXAMPLES: &str = "\
Inputs are JSON documents {\"devDataList\":[…],\"workId\":…}, NDJSON (one per line), or interface
error envelopes; gzip is recognised; `-` or no FILE reads standard input. Failures are written in
input order, whatever --threads.

Examples:
  fep batch fixtures/batches/valid/seed_example.json
  fep batch night/*.json.gz --output failures.jsonl --summary summary.json
  fep batch big.json --format csv --output failures.csv --threads 2
  fep batch big.json --history attempts.jsonl --plan plan.json --now 1700000000
  zcat big.json.gz | fep batch - --quiet

Exit status: 0 all input parsed, 1 malformed or truncated input was reported and skipped
(results still written), 2 usage or I/O error.";

const GEN_EXAMPLES: &str = "\
Examples:
  fep gen --elements 1000 > small.json
  fep gen --elements 800000 --seed 7 --failure-rate 0.3 --output batch-1g.json
  fep gen --elements 100 --items-per-element 1..3 --documents 4";

const EXPLAIN_EXAMPLES: &str = "\
CODE is a code, a front-end error text, an interface message or a result-code name; without
--source, the source is recognised (a bare number known to several platforms is explained for
each of them).

Examples:
  fep explain EA001
  fep explain --source dar 2
  fep explain 暂时失效
  fep explain --source aliyun-living 429
  fep explain '终端123在档案缓存中不存在'
  fep explain 'TK013前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效]}'
  fep explain --json --op set EL003

Exit status: 0 a rule matched, 1 only a fallback rule matched (unknown code), 2 usage error.";

const RULES_EXAMPLES: &str = "\
Examples:
  fep rules                         one line per rule: id, ladder, where it is defined
  fep rules --dump > site.toml      the effective table as TOML (a valid rule file)
  fep rules --markdown              the table as docs/classification.md renders it
  fep rules --check site.toml       validate an override file (errors as file:line:column)
  fep rules --dump | fep rules --check -   the dump is itself a valid rule file
  fep rules --rules site.toml       the table with site.toml layered on the builtin one

Exit status: 0 ok, 1 the checked file is invalid, 2 usage or I/O error.";

const CLASSIFY_EXAMPLES: &str = "\
Each input line is a JSON object with `source` (frontend, interface, dar, aliyun-living,
video-cloud, iot-core, onenet), `code` and/or `message`, and optionally `result_code`, `op`
(read, set, action, recharge) or `cmdType`, `device`, `terminal`.

Examples:
  echo '{\"source\":\"onenet\",\"code\":1021}' | fep classify
  echo '{\"message\":\"终端1147186771在档案缓存中不存在\"}' | fep classify
  fep classify failures.jsonl --history attempts.jsonl --now 1700000000

Exit status: 0 every line classified, 1 some lines were not (reported and skipped), 2 usage or
I/O error.";

/// `fep frame`.
#[derive(Debug, Args)]
pub struct FrameArgs {
    /// One JSON object per input frame instead of text.
    #[arg(long)]
    pub json: bool,
    /// Read frames from this file, one per line (`-` for standard input).
    #[arg(long, short, value_name = "FILE", conflicts_with = "hex")]
    pub input: Option<PathBuf>,
    /// Frames as hex, one per argument (quote frames with spaces). Arguments of one byte each
    /// (`fep frame 68 17 00 …`) are joined into one frame. Without any, lines are read from
    /// standard input.
    #[arg(value_name = "HEX")]
    pub hex: Vec<String>,
}

/// `fep completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Options shared by everything that decides: the rule table, the attempt history, the clock
/// and the jitter seed.
#[derive(Debug, Args)]
pub struct DecideArgs {
    /// Layer a utility's rule overrides (TOML) on the builtin table.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Earlier attempts per device and code (JSONL, see docs/cli.md); without it every failure is
    /// a first attempt.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// The decision time, Unix seconds (default: now). Fix it for reproducible output.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub now: Option<i64>,
    /// Seed of the jitter RNG: the same seed gives the same delays.
    #[arg(long, value_name = "SEED", default_value_t = 1)]
    pub seed: u64,
}

impl DecideArgs {
    /// `--now`, or the current time.
    pub fn now(&self) -> i64 {
        self.now.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        })
    }

    /// `--history`, loaded.
    ///
    /// # Errors
    /// The file cannot be read or a line is not a history record.
    pub fn load_history(&self) -> Result<Option<classify::History>, String> {
        crate::commands::classify::load_history(self.history.as_deref())
    }
}

/// `fep explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The source of the code (default: recognised from the code).
    #[arg(long, value_parser = parse_source)]
    pub source: Option<classify::Source>,
    /// The operation class of the failed request.
    #[arg(long, value_parser = parse_op)]
    pub op: Option<classify::Op>,
    /// The result code a front-end code carries (TK013 / DAR), if not in the text.
    #[arg(long, value_name = "N")]
    pub result_code: Option<u16>,
    /// One JSON object (per source) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Layer a utility's rule overrides (TOML) on the builtin table.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// The code, text, message or name.
    #[arg(value_name = "CODE")]
    pub code: String,
}

/// `fep rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print the effective table as TOML.
    #[arg(long, conflicts_with_all = ["markdown", "check"])]
    pub dump: bool,
    /// Print the effective table as Markdown.
    #[arg(long, conflicts_with = "check")]
    pub markdown: bool,
    /// Validate an override file on top of the builtin table (`-` reads standard input).
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,
    /// Layer a utility's rule overrides (TOML) on the builtin table.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

/// `fep classify`.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// JSONL input (`-` or nothing for standard input).
    #[arg(value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Rules, history, clock, seed.
    #[command(flatten)]
    pub decide: DecideArgs,
}

fn parse_source(text: &str) -> Result<classify::Source, String> {
    text.parse::<classify::Source>().map_err(|e| e.to_string())
}

fn parse_op(text: &str) -> Result<classify::Op, String> {
    classify::Op::from_id(text)
        .ok_or_else(|| format!("unknown op `{text}`; expected read, set, action, recharge"))
}

/// Output formats of `fep batch`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum BatchFormat {
    /// One JSON object per failure.
    #[default]
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
}

/// How `responseFlag` is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum FlagReading {
    /// The flag is the item's result code (DAR); 0 is success.
    #[default]
    Dar,
    /// The flag is a status: 1 is success, anything else a failure (the code comes from the text).
    Status,
}

/// When to show the progress bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressChoice {
    /// On a terminal, for inputs larger than 64 MiB (or of unknown size).
    #[default]
    Auto,
    /// Always (on standard error).
    Always,
    /// Never.
    Never,
}

/// `fep batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Input files (`-` for standard input; none: standard input).
    #[arg(value_name = "FILE")]
    pub inputs: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = BatchFormat::Jsonl)]
    pub format: BatchFormat,
    /// Write failure records here instead of standard output (`-`: standard output).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the summary as JSON here (`-`: standard output, with the records in a file).
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Write the task plan (per workId) as JSON here (`-`: standard output, with the records in
    /// a file).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Threads that parse, the main one included (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// How to read `responseFlag`.
    #[arg(long, value_enum, default_value_t = FlagReading::Dar)]
    pub response_flag: FlagReading,
    /// Elements larger than this many bytes are reported as malformed and skipped.
    #[arg(long, value_name = "BYTES", default_value_t = 16 << 20)]
    pub max_element_size: usize,
    /// Share of one terminal's meters failing the same way that makes a mass failure (--plan).
    #[arg(long, value_name = "SHARE", default_value_t = 0.5)]
    pub mass_share: f64,
    /// No summary table on standard error.
    #[arg(long, short)]
    pub quiet: bool,
    /// Progress bar on standard error.
    #[arg(long, value_enum, default_value_t = ProgressChoice::Auto)]
    pub progress: ProgressChoice,
    /// Rules, history, clock, seed.
    #[command(flatten)]
    pub decide: DecideArgs,
}

/// `fep gen`.
#[derive(Debug, Args)]
pub struct GenArgs {
    /// Elements to write.
    #[arg(long, value_name = "N")]
    pub elements: u64,
    /// Seed: the same seed and options give the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Share of failed elements (0–1).
    #[arg(long, value_name = "R", default_value_t = 0.3)]
    pub failure_rate: f64,
    /// Data items per element, as `A..B` (inclusive).
    #[arg(long, value_name = "A..B", default_value = "5..20", value_parser = parse_range)]
    pub items_per_element: (u32, u32),
    /// Documents to spread the elements over (NDJSON, one per line, when more than one).
    #[arg(long, default_value_t = 1)]
    pub documents: u64,
    /// Write here instead of standard output (`-`: standard output).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn parse_range(text: &str) -> Result<(u32, u32), String> {
    let (a, b) = text
        .split_once("..")
        .ok_or_else(|| format!("expected A..B, found `{text}`"))?;
    let a: u32 = a.trim().parse().map_err(|e| format!("`{a}`: {e}"))?;
    let b: u32 = b
        .trim()
        .trim_start_matches('=')
        .parse()
        .map_err(|e| format!("`{b}`: {e}"))?;
    if a > b {
        return Err(format!("empty range {a}..{b}"));
    }
    Ok((a, b))
}

/// An `--output` path, or `None` for standard output (no option, or `-`).
pub fn output_file(output: Option<&Path>) -> Option<&Path> {
    output.filter(|path| !is_standard_output(path))
}

/// Whether an output path names standard output (`-`).
pub fn is_standard_output(path: &Path) -> bool {
    path == Path::new("-")
}
