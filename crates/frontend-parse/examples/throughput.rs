//! Throughput measurements (release build):
//! `cargo run --release -p frontend-parse --features gen --example throughput -- gen FILE ELEMENTS`
//! `… -- split FILE` (splitter only), `… -- run FILE [THREADS]` (the whole engine).

#![expect(clippy::cast_precision_loss, reason = "MB/s figures need no exactness")]

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen") => {
            let path = args.get(1).ok_or("missing FILE")?;
            let elements: u64 = args.get(2).ok_or("missing ELEMENTS")?.parse()?;
            let options = frontend_parse::synth::SynthOptions {
                elements,
                ..Default::default()
            };
            let file = std::fs::File::create(path)?;
            let stats = frontend_parse::synth::write_batch(&options, file)?;
            println!("{} bytes, {} elements", stats.bytes, stats.elements);
        }
        Some("split") => {
            let path = args.get(1).ok_or("missing FILE")?;
            let data = std::fs::read(path)?;
            let start = data.iter().position(|&b| b == b'[').ok_or("no array")? + 1;
            for _ in 0..3 {
                let clock = Instant::now();
                let count = frontend_parse::fuzz_support::split_fast_count(&data[start..]);
                let secs = clock.elapsed().as_secs_f64();
                println!(
                    "split: {count} events, {:.0} MB/s",
                    data.len() as f64 / secs / 1e6
                );
            }
        }
        Some("run") => {
            let path = args.get(1).ok_or("missing FILE")?;
            let threads: usize = args.get(2).map_or(Ok(0), |t| t.parse())?;
            let jsonl = args.get(3).is_some_and(|a| a == "jsonl");
            let engine = frontend_parse::Engine::new(frontend_parse::Options {
                threads,
                ..Default::default()
            })?;
            let clock = Instant::now();
            let mut written = 0u64;
            let summary = engine.run(
                [frontend_parse::Input::path(path)],
                |entry: &frontend_parse::Entry<'_>, out: &mut Vec<u8>| {
                    if jsonl {
                        for failure in entry.failures() {
                            serde_json::to_writer(&mut *out, failure).ok();
                            out.push(b'\n');
                        }
                    }
                },
                &mut |out: Vec<u8>| {
                    written += out.len() as u64;
                    Ok(())
                },
            )?;
            let secs = clock.elapsed().as_secs_f64();
            println!(
                "{:.0} MB/s ({} bytes in {secs:.2} s, {} elements, {} failures, {written} bytes of JSONL)",
                summary.bytes as f64 / secs / 1e6,
                summary.bytes,
                summary.elements,
                summary.failures
            );
            if args.get(3).is_some_and(|a| a == "summary") {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            }
        }
        _ => return Err("usage: throughput gen FILE N | split FILE | run FILE [THREADS]".into()),
    }
    Ok(())
}
