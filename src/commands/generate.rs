//! `fep gen`: a deterministic synthetic batch (a realistic mix of successes, every front-end
//! code, DAR failures, Chinese texts and escapes) for benches and load tests.

use std::fs::File;
use std::io::{self, BufWriter, Write};

use frontend_parse::synth::{SynthOptions, write_batch};

use crate::cli::GenArgs;
use crate::exit::Status;

/// Runs `fep gen`.
pub fn run(args: &GenArgs) -> Status {
    if !(0.0..=1.0).contains(&args.failure_rate) {
        eprintln!("fep gen: --failure-rate must be between 0 and 1");
        return Status::Failure;
    }
    if args.documents == 0 {
        eprintln!("fep gen: --documents must be at least 1");
        return Status::Failure;
    }
    let options = SynthOptions {
        elements: args.elements,
        seed: args.seed,
        failure_rate: args.failure_rate,
        items_per_element: args.items_per_element,
        documents: args.documents,
    };
    let output = crate::cli::output_file(args.output.as_deref());
    let result = match output {
        Some(path) => match File::create(path) {
            Ok(file) => write_batch(&options, BufWriter::with_capacity(1 << 20, file)),
            Err(e) => {
                eprintln!("fep gen: cannot create {}: {e}", path.display());
                return Status::Failure;
            }
        },
        None => write_batch(
            &options,
            BufWriter::with_capacity(1 << 20, io::stdout().lock()),
        ),
    };
    match result {
        Ok(stats) => {
            if output.is_some() {
                let _ = writeln!(
                    io::stderr(),
                    "fep gen: {} bytes, {} documents, {} elements ({} failed, {} failures)",
                    stats.bytes,
                    stats.documents,
                    stats.elements,
                    stats.elements_failed,
                    stats.failures
                );
            }
            Status::Clean
        }
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Status::Clean,
        Err(e) => {
            eprintln!("fep gen: cannot write: {e}");
            Status::Failure
        }
    }
}
