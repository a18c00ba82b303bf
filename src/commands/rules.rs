//! `fep rules`: the effective rule table — listed, dumped as TOML, rendered as Markdown, or a
//! utility's override file checked.

use std::io::{self, Write};

use crate::cli::RulesArgs;
use crate::exit::Status;
use crate::style::Painter;

/// Runs `fep rules`.
pub fn run(args: &RulesArgs, painter: Painter) -> Status {
    if let Some(path) = &args.check {
        return check(path, painter);
    }
    let rules = match crate::rules::load(args.rules.as_deref()) {
        Ok(rules) => rules,
        Err(e) => {
            eprintln!("fep rules: {e}");
            return Status::Failure;
        }
    };
    let text = if args.dump {
        rules.dump_toml()
    } else if args.markdown {
        rules.render_markdown()
    } else {
        list(&rules, painter)
    };
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Status::Clean,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Status::Clean,
        Err(e) => {
            eprintln!("fep rules: cannot write output: {e}");
            Status::Failure
        }
    }
}

/// Validates an override file on top of the builtin table: `ok` and the rule count, or every
/// problem as `file:line:column: message`.
fn check(path: &std::path::Path, painter: Painter) -> Status {
    let (name, loaded) = if path == std::path::Path::new("-") {
        (
            crate::rules::STDIN_NAME.to_string(),
            crate::rules::load_stdin(),
        )
    } else {
        (path.display().to_string(), crate::rules::load(Some(path)))
    };
    match loaded {
        Ok(rules) => {
            println!(
                "{} {name}: valid; the effective table has {} rules",
                painter.green("ok"),
                rules.rules().len()
            );
            Status::Clean
        }
        Err(crate::rules::LoadError::Invalid(e)) => {
            for d in &e.diagnostics {
                eprintln!("{} {d}", painter.red("error:"));
            }
            Status::InputProblems
        }
        Err(e) => {
            eprintln!("fep rules: {e}");
            Status::Failure
        }
    }
}

/// One line per rule: id, what it matches, its ladder.
fn list(rules: &classify::RuleSet, painter: Painter) -> String {
    let mut out = String::new();
    let width = rules.rules().iter().map(|r| r.id.len()).max().unwrap_or(10);
    for rule in rules.rules() {
        let ladder = classify::ladder_summary(rule);
        let id = format!("{:<width$}", rule.id);
        out.push_str(&painter.bold(&id));
        out.push_str("  ");
        out.push_str(&ladder);
        out.push_str("  ");
        out.push_str(&painter.dim(&format!(
            "{}:{}",
            rule.provenance.layer, rule.provenance.line
        )));
        out.push('\n');
    }
    out
}
