//! Decoding meter frames from a TCP stream with `FrameReader` (a `FrameDecoder` over any
//! `io::Read`): garbage is skipped and reported, frames of all three protocols are found
//! whatever the TCP segment boundaries, and every failing access is printed.
//!
//! ```text
//! cargo run -p dlms-result --example tcp_frames              # a built-in demo server
//! cargo run -p dlms-result --example tcp_frames -- HOST:PORT # a real concentrator / simulator
//! ```

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use dlms_result::{FrameReader, Limits, StreamItem};

/// What the demo server sends: line noise, a GET-Response-NormalList with DAR 4 on its second
/// item, a DL/T 645 abnormal answer (ERR 0x02, 无请求数据), then a SET-Response with DAR 3.
const DEMO: &str = "00 FF 13 \
    68 33 00 C3 05 00 00 00 00 00 00 00 7A 01 85 02 00 03 20 00 02 00 01 01 03 12 09 6D 12 09 6E \
    12 09 6F 20 14 02 00 00 04 20 0F 02 00 01 12 13 88 00 00 1F 81 16 \
    FE FE FE FE 68 18 55 60 06 00 00 68 D1 01 35 AA 16 \
    68 19 00 C3 05 00 00 00 00 00 00 00 78 F4 86 01 00 40 00 03 00 03 00 00 A9 52 16";

fn main() -> std::io::Result<()> {
    let address = match std::env::args().nth(1) {
        Some(address) => address,
        None => demo_server()?,
    };
    let stream = TcpStream::connect(&address)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let limits = Limits::default();
    for item in FrameReader::with_limits(stream, limits) {
        match item? {
            StreamItem::Frame(frame) => match frame.decode(&limits) {
                Ok(decoded) => {
                    println!(
                        "@{} {} {} from {}",
                        frame.start_offset(),
                        decoded.protocol,
                        decoded.service,
                        decoded
                            .server_address
                            .map(|a| a.to_string())
                            .unwrap_or_default()
                    );
                    for failure in decoded.failures() {
                        if let Some(code) = failure.code() {
                            println!("    {} -> {code}", failure.target);
                        }
                    }
                }
                Err(e) => println!("@{} undecodable frame: {e}", frame.start_offset()),
            },
            StreamItem::Garbage(garbage) => {
                println!(
                    "@{} skipped {} byte(s): {}",
                    garbage.offset,
                    garbage.len,
                    garbage.reason.name()
                );
            }
            _ => {}
        }
    }
    Ok(())
}

/// Serves `DEMO` once on a local port, in 5-byte TCP segments, and returns the address.
fn demo_server() -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let address = listener.local_addr()?.to_string();
    let bytes: Vec<u8> = DEMO
        .split_whitespace()
        .filter_map(|pair| u8::from_str_radix(pair, 16).ok())
        .collect();
    std::thread::spawn(move || {
        if let Ok((mut socket, _)) = listener.accept() {
            let _ = socket.set_nodelay(true);
            for segment in bytes.chunks(5) {
                if socket.write_all(segment).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    });
    Ok(address)
}
