//! A stable, line-oriented text rendering of a decoding, for `.expected` fixture files.

use core::fmt::Write as _;

use crate::{AccessResult, DecodeError, Decoded, Outcome, Section, ServiceStatus};

/// Renders a decoding (or its error) as stable text, one fact per line.
///
/// ```text
/// protocol dlt698.45
/// service GET-Response-NormalList
/// direction from-server
/// server_address 000000000000 single logical=0
/// client_address 0
/// preamble 0
/// frame_len 53
/// scrambled false
/// result @17 20000200 data len=10 tag=1
/// result @30 20140200 code=4 对象未定义
/// ```
pub fn render(decoded: &Result<Decoded<'_>, DecodeError>) -> String {
    let mut out = String::new();
    match decoded {
        Err(e) => {
            let _ = writeln!(out, "error {} @{}", e.kind().name(), e.offset());
            let _ = writeln!(out, "message {e}");
        }
        Ok(d) => {
            let _ = writeln!(out, "protocol {}", d.protocol);
            let _ = writeln!(out, "service {}", d.service);
            let _ = writeln!(out, "direction {:?}", d.direction);
            match &d.server_address {
                Some(a) => {
                    let _ = writeln!(
                        out,
                        "server_address {a} {:?} logical={}",
                        a.kind(),
                        a.logical()
                    );
                }
                None => out.push_str("server_address -\n"),
            }
            match d.client_address {
                Some(ca) => {
                    let _ = writeln!(out, "client_address {ca}");
                }
                None => out.push_str("client_address -\n"),
            }
            let _ = writeln!(out, "preamble {}", d.preamble_len);
            let _ = writeln!(out, "frame_len {}", d.frame_len);
            let _ = writeln!(out, "scrambled {}", d.scrambled);
            if let Some(f) = d.fragment {
                let _ = writeln!(out, "fragment seq={} {}", f.seq, f.position.name());
            }
            if let Some(status) = d.status {
                let _ = writeln!(out, "status {}", render_status(status));
            }
            for r in &d.results {
                out.push_str(&render_result(r));
                out.push('\n');
            }
        }
    }
    out
}

fn render_status(status: ServiceStatus) -> String {
    match status {
        ServiceStatus::Connect(c) => format!("connect {c}"),
        ServiceStatus::Link(l) => format!(
            "link raw=0x{:02x} code={} clock_trusted={}",
            l.0,
            l.code(),
            l.clock_trusted()
        ),
        ServiceStatus::Error(e) => format!("error {e}"),
        ServiceStatus::Release(r) => format!("release {r}"),
    }
}

/// Renders a decoded DL/T 698.45 APDU (APDU-only fixtures) or its error, in the same line
/// format as [`render`]: `service`, optional `status`, then one `result` line each.
pub fn render_apdu(decoded: &Result<crate::dlt698::Apdu<'_>, DecodeError>) -> String {
    let mut out = String::new();
    match decoded {
        Err(e) => {
            let _ = writeln!(out, "error {} @{}", e.kind().name(), e.offset());
            let _ = writeln!(out, "message {e}");
        }
        Ok(apdu) => {
            let _ = writeln!(out, "service {}", apdu.service);
            if let Some(status) = apdu.status {
                let _ = writeln!(out, "status {}", render_status(status));
            }
            for r in &apdu.results {
                out.push_str(&render_result(r));
                out.push('\n');
            }
        }
    }
    out
}

/// One result on one line: `result @offset target outcome [section] [via …]`.
pub fn render_result(r: &AccessResult<'_>) -> String {
    let mut line = format!("result @{} {}", r.offset, r.target);
    match r.outcome {
        Outcome::Code(code) => {
            let _ = write!(line, " code={code}");
        }
        Outcome::Data(data) => {
            let _ = write!(line, " data len={}", data.len());
            if let Some(tag) = data.first_tag() {
                let _ = write!(line, " tag={tag}");
            }
        }
    }
    match r.section {
        Section::Main => {}
        Section::ReadBack => line.push_str(" read-back"),
        Section::FollowReport => line.push_str(" follow-report"),
    }
    if let Some(via) = r.via {
        line.push_str(" via");
        if let Some(tsa) = via.tsa {
            let _ = write!(line, " tsa={tsa}");
        }
        if let Some(port) = via.port {
            let _ = write!(line, " port={port}");
        }
        if let Some(p) = via.inner_protocol {
            let _ = write!(line, " inner={p}");
        }
    }
    line
}

/// Reads annotated hex text: hex byte pairs separated by any whitespace, `#` comments to the
/// end of the line. Returns `None` on anything else.
pub fn read_annotated_hex(text: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    for line in text.lines() {
        let code = line.split('#').next().unwrap_or("");
        for token in code.split_whitespace() {
            if token.len() % 2 != 0 {
                return None;
            }
            let mut chars = token.as_bytes().chunks(2);
            for pair in &mut chars {
                let s = core::str::from_utf8(pair).ok()?;
                bytes.push(u8::from_str_radix(s, 16).ok()?);
            }
        }
    }
    Some(bytes)
}
