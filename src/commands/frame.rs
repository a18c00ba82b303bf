//! `fep frame`: decode frames given as hex (arguments, a file or standard input) and print
//! their results, as text or one JSON object per input.

use std::io::{self, BufRead, Write};

use dlms_result::dlt698::{self, Progress, Reassembler};
use dlms_result::{AccessResult, DecodeError, Decoded, Limits, Outcome, Protocol, Section};
use serde::Serialize;

use crate::cli::FrameArgs;
use crate::exit::Status;
use crate::hex::{self, HexError};
use crate::input;
use crate::style::Painter;

/// Runs `fep frame`.
pub fn run(args: &FrameArgs, painter: Painter) -> Status {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut printer = Printer {
        json: args.json,
        painter,
        status: Status::Clean,
        count: 0,
        reassembler: Reassembler::new(&Limits::default()),
        fragments_from: None,
    };
    let result = if let Some(path) = &args.input {
        match input::open_text(path) {
            Ok(reader) => printer.lines(reader, &mut out),
            Err(e) => {
                eprintln!("fep frame: {e}");
                return Status::Failure;
            }
        }
    } else if args.hex.is_empty() {
        printer.lines(io::stdin().lock(), &mut out)
    } else {
        let mut result = Ok(());
        for text in joined_arguments(&args.hex) {
            result = printer.one(&text, &mut out);
            if result.is_err() {
                break;
            }
        }
        result
    };
    match result.and_then(|()| out.flush()) {
        Ok(()) => printer.status,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => printer.status,
        Err(e) => {
            eprintln!("fep frame: cannot write output: {e}");
            Status::Failure
        }
    }
}

/// Arguments of one byte each (a frame typed without quotes) form one frame; otherwise each
/// argument is a frame.
fn joined_arguments(args: &[String]) -> Vec<String> {
    let one_byte = |a: &String| {
        let digits = a.trim_start_matches("0x").trim_start_matches("0X");
        digits.len() <= 2 && !digits.contains(char::is_whitespace)
    };
    if args.len() > 1 && args.iter().all(one_byte) {
        vec![args.join(" ")]
    } else {
        args.to_vec()
    }
}

struct Printer {
    json: bool,
    painter: Painter,
    status: Status,
    count: usize,
    /// DL/T 698.45 link-layer fragments (分帧) in consecutive inputs are put back together:
    /// the APDU's results only exist once the last fragment has arrived.
    reassembler: Reassembler,
    /// The input that carried the first fragment of the APDU being collected.
    fragments_from: Option<usize>,
}

/// An APDU put together from fragments, decoded.
struct Reassembled {
    /// The input of the first fragment.
    from: usize,
    /// The APDU's length in bytes.
    len: usize,
    decoded: Result<(&'static str, Vec<JsonResult>), DecodeError>,
}

impl Printer {
    fn lines(&mut self, reader: impl BufRead, out: &mut impl Write) -> io::Result<()> {
        for line in reader.lines() {
            let line = line?;
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            self.one(&line, out)?;
        }
        Ok(())
    }

    fn one(&mut self, text: &str, out: &mut impl Write) -> io::Result<()> {
        self.count += 1;
        let input = self.count;
        let bytes = match hex::frame_from_line(text) {
            Ok(bytes) => bytes,
            Err(e) => {
                self.status = self.status.and(Status::InputProblems);
                return self.hex_error(input, e, out);
            }
        };
        let decoded = dlms_result::decode(&bytes);
        if decoded.is_err() {
            self.status = self.status.and(Status::InputProblems);
        }
        let reassembly = match &decoded {
            Ok(d) => self.reassemble(input, &bytes, d),
            Err(_) => None,
        };
        if self.json {
            let mut record = match &decoded {
                Ok(d) => JsonFrame::ok(input, d),
                Err(e) => JsonFrame::error(input, e),
            };
            record.reassembled = reassembly.as_ref().map(JsonReassembled::from);
            serde_json::to_writer(&mut *out, &record)?;
            writeln!(out)
        } else {
            match &decoded {
                Ok(d) => self.text_ok(input, d, out)?,
                Err(e) => writeln!(out, "#{input} {} {e}", self.painter.red("error:"))?,
            }
            match &reassembly {
                Some(r) => self.text_reassembled(r, out),
                None => Ok(()),
            }
        }
    }

    /// Feeds a DL/T 698.45 fragment frame to the reassembler; returns the decoded APDU when
    /// this fragment completed it, or the reassembly error (a sequence gap, a middle fragment
    /// without a first) — which is an input problem.
    fn reassemble(&mut self, input: usize, bytes: &[u8], d: &Decoded<'_>) -> Option<Reassembled> {
        let fragment = d.fragment?;
        if d.protocol != Protocol::Dlt698 {
            return None;
        }
        let frame_bytes = bytes.get(d.preamble_len..)?;
        let (frame, _) = dlt698::Frame::parse(frame_bytes).ok()?;
        if fragment.position == dlms_result::FragmentPosition::First {
            self.fragments_from = Some(input);
        }
        let from = self.fragments_from.unwrap_or(input);
        match self.reassembler.push(&frame) {
            Ok(Progress::Complete(apdu)) => {
                self.fragments_from = None;
                let decoded = dlt698::decode_apdu(&apdu, &Limits::default()).map(|a| {
                    let results = a.results.iter().map(JsonResult::from_result).collect();
                    (a.service, results)
                });
                if decoded.is_err() {
                    self.status = self.status.and(Status::InputProblems);
                }
                Some(Reassembled {
                    from,
                    len: apdu.len(),
                    decoded,
                })
            }
            Ok(_) => None,
            Err(e) => {
                self.fragments_from = None;
                self.status = self.status.and(Status::InputProblems);
                Some(Reassembled {
                    from,
                    len: 0,
                    decoded: Err(e),
                })
            }
        }
    }

    fn text_reassembled(&self, r: &Reassembled, out: &mut impl Write) -> io::Result<()> {
        let p = self.painter;
        match &r.decoded {
            Ok((service, results)) => {
                writeln!(
                    out,
                    "   {} {} ({} bytes from inputs #{}–#{})",
                    p.dim("reassembled"),
                    p.bold(service),
                    r.len,
                    r.from,
                    self.count
                )?;
                if results.is_empty() {
                    writeln!(out, "   {}", p.dim("(no results)"))?;
                }
                for result in results {
                    let target = result.target.as_deref().unwrap_or("*");
                    let outcome = match (result.code, result.name) {
                        (Some(0), name) => p.green(&format!("0 {}", name.unwrap_or(""))),
                        (Some(code), name) => {
                            p.red(&format!("{code} {}", name.unwrap_or("(unnamed)")))
                        }
                        (None, _) => p.green("data"),
                    };
                    writeln!(out, "   {target:<10} {outcome}")?;
                }
                Ok(())
            }
            Err(e) => writeln!(
                out,
                "   {} {e} (fragments from input #{})",
                p.red("reassembly error:"),
                r.from
            ),
        }
    }

    fn hex_error(&self, input: usize, e: HexError, out: &mut impl Write) -> io::Result<()> {
        if self.json {
            let record = JsonFrame {
                input,
                ok: false,
                error: Some(JsonError {
                    kind: "invalid_hex",
                    offset: None,
                    message: e.to_string(),
                }),
                ..JsonFrame::default()
            };
            serde_json::to_writer(&mut *out, &record)?;
            writeln!(out)
        } else {
            writeln!(out, "#{input} {} {e}", self.painter.red("error:"))
        }
    }

    fn text_ok(&self, input: usize, d: &Decoded<'_>, out: &mut impl Write) -> io::Result<()> {
        let p = self.painter;
        write!(out, "#{input} {} {}", d.protocol, p.bold(d.service))?;
        if let Some(address) = &d.server_address {
            write!(out, "  server {address}")?;
        }
        if let Some(f) = d.fragment {
            write!(out, "  fragment {} seq {}", f.position.name(), f.seq)?;
        }
        if let Some(status) = d.status {
            write!(out, "  {}", status_text(status))?;
        }
        writeln!(out)?;
        if d.results.is_empty() && d.fragment.is_none() && d.status.is_none() {
            writeln!(out, "   {}", p.dim("(no results)"))?;
        }
        for r in &d.results {
            let target = r.target.to_string();
            let outcome = match (r.outcome.code(), r.outcome) {
                (Some(code), _) if code.is_success() => p.green(&code.to_string()),
                (Some(code), _) => p.red(&code.to_string()),
                (None, Outcome::Data(data)) => p.green(&format!("data ({} bytes)", data.len())),
                (None, _) => p.green("data"),
            };
            write!(out, "   {target:<10} {outcome}")?;
            if let Some(extra) = result_context(r) {
                write!(out, "  {}", p.dim(&extra))?;
            }
            writeln!(out)?;
        }
        Ok(())
    }
}

fn status_text(status: dlms_result::ServiceStatus) -> String {
    use dlms_result::ServiceStatus;
    match status {
        ServiceStatus::Connect(c) => format!("connect result {c}"),
        ServiceStatus::Link(l) => format!(
            "link result {} {}",
            l.code(),
            l.name_zh().unwrap_or("(unnamed)")
        ),
        ServiceStatus::Error(e) => format!("error response {e}"),
        ServiceStatus::Release(r) => format!("release result {r}"),
        _ => format!("{status:?}"),
    }
}

fn result_context(r: &AccessResult<'_>) -> Option<String> {
    let mut parts = Vec::new();
    match r.section {
        Section::ReadBack => parts.push("read-back".to_string()),
        Section::FollowReport => parts.push("follow-report".to_string()),
        _ => {}
    }
    if let Some(via) = r.via {
        if let Some(tsa) = via.tsa {
            parts.push(format!("tsa {tsa}"));
        }
        if let Some(port) = via.port {
            parts.push(format!("port {port}"));
        }
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// One line of `fep frame --json` (schema in `docs/cli.md`).
#[derive(Debug, Default, Serialize)]
struct JsonFrame {
    input: usize,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    protocol: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    apdu: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    server_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fragment: Option<JsonFragment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<JsonStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    results: Option<Vec<JsonResult>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<JsonError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reassembled: Option<JsonReassembled>,
}

/// The APDU completed by this input's fragment (or why reassembly failed).
#[derive(Debug, Serialize)]
struct JsonReassembled {
    from_input: usize,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    apdu: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    len: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    results: Option<Vec<JsonResult>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<JsonError>,
}

impl From<&Reassembled> for JsonReassembled {
    fn from(r: &Reassembled) -> Self {
        match &r.decoded {
            Ok((service, results)) => Self {
                from_input: r.from,
                ok: true,
                apdu: Some(service),
                len: Some(r.len),
                results: Some(results.clone()),
                error: None,
            },
            Err(e) => Self {
                from_input: r.from,
                ok: false,
                apdu: None,
                len: None,
                results: None,
                error: Some(JsonError {
                    kind: e.kind().name(),
                    offset: Some(e.offset()),
                    message: e.kind().to_string(),
                }),
            },
        }
    }
}

#[derive(Debug, Serialize)]
struct JsonFragment {
    seq: u16,
    position: &'static str,
}

#[derive(Debug, Serialize)]
struct JsonStatus {
    service: &'static str,
    code: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
struct JsonResult {
    target: Option<String>,
    code: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'static str>,
    offset: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    section: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tsa: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<String>,
}

#[derive(Debug, Serialize)]
struct JsonError {
    kind: &'static str,
    offset: Option<usize>,
    message: String,
}

impl JsonFrame {
    fn ok(input: usize, d: &Decoded<'_>) -> Self {
        Self {
            input,
            ok: true,
            protocol: Some(d.protocol.name()),
            apdu: Some(d.service),
            server_address: d.server_address.map(|a| a.to_string()),
            fragment: d.fragment.map(|f| JsonFragment {
                seq: f.seq,
                position: f.position.name(),
            }),
            status: d.status.map(json_status),
            results: Some(d.results.iter().map(JsonResult::from_result).collect()),
            error: None,
            reassembled: None,
        }
    }

    fn error(input: usize, e: &DecodeError) -> Self {
        Self {
            input,
            ok: false,
            error: Some(JsonError {
                kind: e.kind().name(),
                offset: Some(e.offset()),
                message: e.kind().to_string(),
            }),
            ..Self::default()
        }
    }
}

fn json_status(status: dlms_result::ServiceStatus) -> JsonStatus {
    use dlms_result::ServiceStatus;
    let (service, code, name) = match status {
        ServiceStatus::Connect(c) => ("connect", c.0, c.name_zh()),
        ServiceStatus::Link(l) => ("link", l.code(), l.name_zh()),
        ServiceStatus::Error(e) => ("error", e.0, e.name_zh()),
        ServiceStatus::Release(r) => ("release", r, None),
        _ => ("other", 0, None),
    };
    JsonStatus {
        service,
        code,
        name,
    }
}

impl JsonResult {
    fn from_result(r: &AccessResult<'_>) -> Self {
        let code = r.outcome.code();
        let (code, name) = (
            code.map(dlms_result::ResultCode::get),
            code.and_then(dlms_result::ResultCode::name_zh),
        );
        let target = match r.target {
            dlms_result::Target::Whole => None,
            target => Some(target.to_string()),
        };
        let section = match r.section {
            Section::ReadBack => Some("read-back"),
            Section::FollowReport => Some("follow-report"),
            _ => None,
        };
        Self {
            target,
            code,
            name,
            offset: r.offset,
            section,
            tsa: r.via.and_then(|v| v.tsa).map(|a| a.to_string()),
            port: r.via.and_then(|v| v.port).map(|p| p.to_string()),
        }
    }
}
