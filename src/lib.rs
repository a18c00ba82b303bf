//! # fep
//!
//! The `fep` command-line tool as a library: the subcommands are thin layers over the workspace
//! crates — [`dlms_result`] (frames → result codes), [`frontend_parse`] (batches and error texts
//! → failures) and [`classify`] (failures → retry / re-archive / give-up). The binary only parses
//! arguments and calls [`run`]; benches and tests call the same functions.
#![forbid(unsafe_code)]

pub mod cli;
pub mod commands;
pub mod exit;
pub mod hex;
pub mod input;
pub mod rules;
pub mod style;
pub mod triage;

use crate::cli::{Cli, Command};
use crate::exit::Status;
use crate::style::Painter;

/// Runs a parsed command line.
pub fn run(cli: &Cli) -> Status {
    let stdout_painter = Painter::new(style::use_color(cli.color, style::stdout_is_terminal()));
    match &cli.command {
        Command::Frame(args) => commands::frame::run(args, stdout_painter),
        Command::Batch(args) => commands::batch::run(args, cli.color),
        Command::Gen(args) => commands::generate::run(args),
        Command::Explain(args) => commands::explain::run(args, stdout_painter),
        Command::Rules(args) => commands::rules::run(args, stdout_painter),
        Command::Classify(args) => commands::classify::run(args),
        Command::Completions(args) => commands::completions::run(args),
    }
}
