//! `fep explain`: everything the rule table says about one code — names, decision, delays,
//! attempts, the rule and its reason.

use std::io::{self, Write};

use classify::{Explanation, Op};
use serde_json::Value;

use crate::cli::ExplainArgs;
use crate::exit::Status;
use crate::style::Painter;
use crate::triage::{self, Resolved};

/// Runs `fep explain`.
pub fn run(args: &ExplainArgs, painter: Painter) -> Status {
    let rules = match crate::rules::load(args.rules.as_deref()) {
        Ok(rules) => rules,
        Err(e) => {
            eprintln!("fep explain: {e}");
            return Status::Failure;
        }
    };
    let op = args.op.unwrap_or(Op::Unknown);
    let resolved = triage::resolve(args.source, &args.code);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut status = Status::Clean;
    for r in &resolved {
        let result_code = args
            .result_code
            .or(r.result_code.map(dlms_result::ResultCode::get));
        let explanation = rules.explain(r.source, r.classify_code(), result_code, op);
        if explanation.fallback {
            status = Status::InputProblems;
        }
        let written = if args.json {
            writeln!(out, "{}", to_json(r, &explanation))
        } else {
            write_text(&mut out, r, &explanation, painter, resolved.len() > 1)
        };
        if let Err(e) = written {
            if e.kind() == io::ErrorKind::BrokenPipe {
                break;
            }
            eprintln!("fep explain: cannot write output: {e}");
            return Status::Failure;
        }
    }
    status
}

/// The `--json` object: the rule table's explanation, with the front-end's own names for
/// front-end and interface codes and any variables extracted from the message.
fn to_json(resolved: &Resolved, explanation: &Explanation<'_>) -> Value {
    let mut value = serde_json::to_value(explanation).unwrap_or(Value::Null);
    if let Some(object) = value.as_object_mut() {
        if let Some(names) = object.get_mut("names").and_then(Value::as_object_mut) {
            if names.get("zh").is_none_or(Value::is_null) {
                names.insert("zh".into(), resolved.name_zh.into());
            }
            if names.get("en").is_none_or(Value::is_null) {
                names.insert("en".into(), resolved.name_en.into());
            }
        }
        let params: serde_json::Map<String, Value> = resolved
            .params
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect();
        object.insert("params".into(), Value::Object(params));
    }
    value
}

fn write_text(
    out: &mut impl Write,
    resolved: &Resolved,
    e: &Explanation<'_>,
    p: Painter,
    several: bool,
) -> io::Result<()> {
    if several {
        writeln!(
            out,
            "{}",
            p.dim(&format!("— as a code of {} —", e.source.as_str()))
        )?;
    }
    let name_zh = e.names.zh.or(resolved.name_zh);
    let name_en = e.names.en.or(resolved.name_en);
    writeln!(
        out,
        "{:<10} {} ({})",
        "source",
        e.source.as_str(),
        e.source.describe()
    )?;
    write!(out, "{:<10} {}", "code", p.bold(&e.code))?;
    if let Some(zh) = name_zh {
        write!(out, "  {zh}")?;
    }
    if let Some(en) = name_en {
        write!(out, "  {}", p.dim(en))?;
    }
    writeln!(out)?;
    if let Some(module) = e.names.module {
        writeln!(
            out,
            "{:<10} {module} {}",
            "module",
            e.names.module_zh.unwrap_or("")
        )?;
    }
    for (name, value) in &resolved.params {
        writeln!(out, "{:<10} {name} = {value}", "param")?;
    }
    if let Some(rc) = e.result_code {
        let names = [e.result_names.zh, e.result_names.en]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("  ");
        writeln!(out, "{:<10} {rc} {names}", "result")?;
    }
    let decision = match e.decision.as_str() {
        "retry" => p.yellow("retry"),
        "give-up" => p.red("give-up"),
        other => p.green(other),
    };
    writeln!(out, "{:<10} {decision} ({})", "decision", e.kind.as_str())?;
    if e.delay_max_s > 0 {
        let preset = e
            .preset
            .map(|name| format!("  preset {name}"))
            .unwrap_or_default();
        writeln!(
            out,
            "{:<10} {}{preset}",
            "delay",
            delay_range(e.delay_min_s, e.delay_max_s)
        )?;
    }
    writeln!(out, "{:<10} {}", "attempts", e.max_attempts)?;
    let ladder: Vec<String> = e
        .ladder
        .iter()
        .map(|stage| {
            let times = if stage.retries > 1 {
                format!(" ×{}", stage.retries)
            } else {
                String::new()
            };
            format!("{} {}{times}", stage.decision.as_str(), stage.kind.as_str())
        })
        .collect();
    writeln!(out, "{:<10} {}", "ladder", ladder.join(" → "))?;
    writeln!(
        out,
        "{:<10} {}  {}",
        "rule",
        p.bold(&e.rule),
        p.dim(&e.provenance)
    )?;
    if e.fallback {
        writeln!(
            out,
            "{:<10} {}",
            "note",
            p.yellow("unknown code: the source's fallback rule decides")
        )?;
    }
    writeln!(out, "{:<10} {}", "reason", e.reason_zh)?;
    writeln!(out, "{:<10} {}", "", e.reason_en)?;
    if let Some(why) = e.why {
        writeln!(out, "{:<10} {why}", "why")?;
    }
    if let Some(justification) = e.justification {
        writeln!(out, "{:<10} {justification}", "justified")?;
    }
    Ok(())
}

/// `30–60 s`, `2 min`, `1.5–4.5 h`.
pub fn delay_range(min: u64, max: u64) -> String {
    if min == max {
        human_seconds(max)
    } else {
        format!("{}–{}", human_seconds(min), human_seconds(max))
    }
}

fn human_seconds(s: u64) -> String {
    #[allow(clippy::cast_precision_loss)] // delays are far below 2^52 seconds
    let f = s as f64;
    match s {
        0..120 => format!("{s} s"),
        120..7200 => trim_float(f / 60.0, "min"),
        7200..172_800 => trim_float(f / 3600.0, "h"),
        _ => trim_float(f / 86_400.0, "d"),
    }
}

fn trim_float(value: f64, unit: &str) -> String {
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {unit}")
}
