//! `fep classify`: JSONL failures in (`{"source":…,"code":…,"message":…}`), one verdict per line
//! out, so any pipeline can use the rule table.

use std::io::{self, BufRead, Write};

use classify::{Failure, History, HistoryView, NoHistory, Op, Rng, Source};
use dlms_result::ResultCode;
use serde_json::{Map, Value};

use crate::cli::ClassifyArgs;
use crate::exit::Status;
use crate::input;
use crate::triage::{self, Resolved};

/// Runs `fep classify`.
pub fn run(args: &ClassifyArgs) -> Status {
    let rules = match crate::rules::load(args.decide.rules.as_deref()) {
        Ok(rules) => rules,
        Err(e) => {
            eprintln!("fep classify: {e}");
            return Status::Failure;
        }
    };
    let history = match args.decide.load_history() {
        Ok(history) => history,
        Err(e) => {
            eprintln!("fep classify: {e}");
            return Status::Failure;
        }
    };
    let path = args.input.clone().unwrap_or_else(|| "-".into());
    let reader = match input::open_text(&path) {
        Ok(reader) => reader,
        Err(e) => {
            eprintln!("fep classify: {e}");
            return Status::Failure;
        }
    };
    let now = args.decide.now();
    let mut rng = Rng::new(args.decide.seed);
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut status = Status::Clean;
    let view: &dyn HistoryView = match &history {
        Some(history) => history,
        None => &NoHistory,
    };
    for (index, line) in reader.lines().enumerate() {
        let line_no = index + 1;
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                eprintln!("fep classify: {}: line {line_no}: {e}", path.display());
                return Status::Failure;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let record = match one(&line, line_no, &rules, view, now, &mut rng) {
            Ok(record) => record,
            Err(message) => {
                status = Status::InputProblems;
                eprintln!(
                    "fep classify: {}: line {line_no}: {message}",
                    path.display()
                );
                let mut error = Map::new();
                error.insert("line".into(), line_no.into());
                error.insert("error".into(), message.into());
                Value::Object(error)
            }
        };
        let written = serde_json::to_writer(&mut out, &record)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out));
        if let Err(e) = written {
            if e.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("fep classify: cannot write output: {e}");
                return Status::Failure;
            }
            return status;
        }
    }
    match out.flush() {
        Ok(()) => status,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => status,
        Err(e) => {
            eprintln!("fep classify: cannot write output: {e}");
            Status::Failure
        }
    }
}

fn text_field(object: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(format!(
            "`{key}` must be a string or a number, found {other}"
        )),
    }
}

fn one(
    line: &str,
    line_no: usize,
    rules: &classify::RuleSet,
    history: &dyn HistoryView,
    now: i64,
    rng: &mut Rng,
) -> Result<Value, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let object = value
        .as_object()
        .ok_or_else(|| "expected a JSON object".to_string())?;
    let source = text_field(object, "source")?
        .map(|s| s.parse::<Source>().map_err(|e| e.to_string()))
        .transpose()?;
    let code = text_field(object, "code")?;
    let message = text_field(object, "message")?;
    // The message carries the code for front-end texts and interface errors; an explicit code
    // wins when both are given.
    let text = match (&code, &message, source) {
        (Some(code), _, _) if source != Some(Source::Interface) => code.clone(),
        (_, Some(message), _) => message.clone(),
        (Some(code), None, _) => code.clone(),
        (None, None, _) => return Err("needs `code` or `message`".to_string()),
    };
    let mut resolved: Resolved = triage::resolve(source, &text)
        .into_iter()
        .next()
        .ok_or_else(|| "cannot resolve the code".to_string())?;
    if source.is_none() && triage::resolve(None, &text).len() > 1 {
        return Err(format!(
            "`{text}` is a code of several sources; give `source` (one of {})",
            Source::ALL.map(Source::as_str).join(", ")
        ));
    }
    if resolved.source == Source::Frontend
        && resolved.result_code.is_none()
        && let Some(message) = &message
    {
        resolved.result_code = frontend_parse::parse_error_text(message).result_code();
    }
    if let Some(rc) = object.get("result_code").and_then(Value::as_u64) {
        resolved.result_code = u16::try_from(rc).ok().map(ResultCode::new);
    }
    let op = match text_field(object, "op")? {
        Some(op) => Op::from_id(&op).ok_or_else(|| {
            format!("unknown `op` {op:?}; expected read, set, action, recharge or unknown")
        })?,
        None => triage::op_of(text_field(object, "cmdType")?.as_deref()),
    };
    let device = text_field(object, "device")?.unwrap_or_default();
    let terminal = text_field(object, "terminal")?.unwrap_or_default();
    let failure = Failure::with_code(resolved.source, resolved.classify_code())
        .with_result_code(resolved.result_code)
        .with_op(op)
        .with_device(&device, &terminal);
    let verdict = rules.classify(&failure, history, now, rng);
    let mut record = Map::new();
    record.insert("line".into(), line_no.into());
    record.insert("source".into(), resolved.source.as_str().into());
    record.insert("code".into(), resolved.code.clone().into());
    record.insert(
        "result_code".into(),
        resolved.result_code.map(ResultCode::get).into(),
    );
    if let Value::Object(fields) = serde_json::to_value(verdict).map_err(|e| e.to_string())? {
        record.extend(fields);
    }
    Ok(Value::Object(record))
}

/// Loads `--history FILE`, if given.
///
/// # Errors
/// The file cannot be read or a line is not a history record (with its line number).
pub fn load_history(path: Option<&std::path::Path>) -> Result<Option<History>, String> {
    let Some(path) = path else {
        return Ok(None);
    };
    let reader = input::open_text(path).map_err(|e| e.to_string())?;
    History::from_jsonl(reader)
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}
