//! `fep completions SHELL`: a completion script generated from the clap definitions.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::Status;

/// Writes the completion script for the shell to standard output.
pub fn run(args: &CompletionsArgs) -> Status {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "fep", &mut std::io::stdout());
    Status::Clean
}
