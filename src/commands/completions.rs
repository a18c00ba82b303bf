//! `fep completions SHELL`: a completion script generated from the clap definitions.

use std::io::{self, Write as _};

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::Status;

/// Writes the completion script for the shell to standard output.
///
/// The script is generated into memory first: `clap_complete` writing straight to standard
/// output panics when the reader goes away (`fep completions bash | head -1`), and a closed
/// pipe is not an error for a command whose output was merely cut short.
pub fn run(args: &CompletionsArgs) -> Status {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "fep", &mut script);
    let mut out = io::stdout().lock();
    match out.write_all(&script).and_then(|()| out.flush()) {
        Ok(()) => Status::Clean,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Status::Clean,
        Err(e) => {
            eprintln!("fep completions: cannot write output: {e}");
            Status::Failure
        }
    }
}
