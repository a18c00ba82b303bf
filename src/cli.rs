//! Command-line definitions (clap). Each subcommand's behaviour lives in `commands/`.

use std::path::PathBuf;

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
    /// Validate an override file on top of the builtin table.
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
