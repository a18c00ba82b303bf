//! `fep`: decode and triage smart-metering front-end responses. See the library crate for the
//! subcommands.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = fep::cli::Cli::parse();
    fep::run(&cli).into()
}
