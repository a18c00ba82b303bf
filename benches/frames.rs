//! Frame-decoding throughput (targets and numbers in `docs/performance.md`, "Frame decoding"):
//!
//! - `crc16_x25`: the CRC-16/X-25 of DL/T 698.45 alone, on 1 KiB and 64 KiB buffers (bytes/s);
//! - `decode_bytes` / `decode_frames`: [`dlms_result::decode`] (checksums verified) on each
//!   fixture family under `fixtures/frames/` and on the whole mix, in bytes/s and frames/s;
//!   `mix_decoder`: the mix through one [`Decoder`] that reuses its results list;
//! - `get_response_normal_30`: one typical 30-byte GET-Response-Normal (frames/s), with
//!   `decode` and with a reused [`Decoder`];
//! - `frame_decoder`: [`FrameDecoder`] over a large in-memory stream built from the fixture mix
//!   with garbage in between, fed in 64 KiB chunks (bytes/s), splitting only, splitting then
//!   decoding every frame ([`dlms_result::StreamFrame::decode`]), splitting then decoding
//!   through one [`Decoder`] (`split_decoder`), and finding and decoding each frame in one step
//!   ([`FrameDecoder::next_decoded`], `decode_in_place`);
//! - `frame_decoder_typical`: [`FrameDecoder`] and one [`Decoder`] over a stream of nothing but
//!   typical 30-byte GET responses (frames/s), split then decoded, and decoded in place.
//!
//! Targets: ≥ 1 GB/s per core on the mix, ≥ 10 M frames/s for 30-byte GET responses, the
//! stream decoder at the same rate. `cargo bench --bench frames` (add `-- --quick` for a short
//! run); `FEP_BENCH_STREAM_MIB=1024` streams 1 GiB instead of the default 16 MiB. Numbers are
//! recorded in `docs/performance.md`.

use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dlms_result::checksum::crc16_x25;
use dlms_result::test_util::dlt698::{FrameBuilder, GetResult, Response};
use dlms_result::test_util::render::read_annotated_hex;
use dlms_result::{DecodedItem, Decoder, FrameDecoder, StreamItem, decode};

/// The protocol families under `fixtures/frames/` (their `invalid/` frames are left out: the
/// mix measures frames that decode).
const FAMILIES: [&str; 3] = ["dlt698", "dlt645", "gdw1376"];

/// Stream chunk size, as a front-end reads a socket.
const CHUNK: usize = 64 * 1024;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every valid frame of one family, in file-name order.
fn family_frames(family: &str) -> Vec<Vec<u8>> {
    let dir = fixtures_dir().join("frames").join(family);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "hex"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no frames in {}", dir.display());
    files
        .iter()
        .map(|path| {
            let text = fs::read_to_string(path).expect("fixture is readable");
            let frame = read_annotated_hex(&text).expect("fixture is annotated hex");
            // A bench of frames that fail would measure the error path, not decoding.
            assert!(decode(&frame).is_ok(), "{} decodes", path.display());
            frame
        })
        .collect()
}

/// The noisy stream fixtures (garbage, bad checksums, false headers, wake-up runs).
fn noisy_streams() -> Vec<Vec<u8>> {
    let dir = fixtures_dir().join("streams");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "hex"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no streams in {}", dir.display());
    files
        .iter()
        .map(|path| {
            read_annotated_hex(&fs::read_to_string(path).expect("fixture is readable"))
                .expect("fixture is annotated hex")
        })
        .collect()
}

/// A typical front-end answer: GET-Response-Normal, voltage 20000201 = long-unsigned 2200
/// (220.0 V), single 6-byte server address, no trailer — 30 bytes on the wire.
fn get_response_normal_30() -> Vec<u8> {
    let apdu = Response::get_normal(0x2000_0201, GetResult::Data(&[0x12, 0x08, 0x98])).finish();
    let frame = FrameBuilder::response().build(&apdu);
    assert_eq!(frame.len(), 30);
    frame
}

/// Deterministic noise bytes (xorshift), never `68` or `FE` so that they are plain garbage.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            match state.to_le_bytes()[0] {
                0x68 | 0xFE => 0x55,
                b => b,
            }
        })
        .collect()
}

/// One period of the bench stream: every fixture frame, then a noisy stream fixture, then a
/// little random noise; about 7 % of its bytes are not frames.
fn stream_period(mix: &[Vec<u8>], noisy: &[Vec<u8>]) -> Vec<u8> {
    let mut period = Vec::new();
    for (round, stream) in noisy.iter().enumerate() {
        for frame in mix {
            period.extend_from_slice(frame);
        }
        period.extend_from_slice(stream);
        period.extend(noise(16, u64::try_from(round).unwrap_or(0) + 7));
    }
    period
}

/// Feeds `total` bytes of the periodic stream in [`CHUNK`]-byte chunks (a chunk may straddle
/// two periods) and drains the decoder after each; `each` sees every item. Holding one period
/// instead of the whole stream lets the bench stream 1 GiB without allocating it.
fn run_stream(period: &[u8], total: usize, mut each: impl FnMut(&StreamItem)) {
    feed_stream(period, total, |frames| {
        while let Some(item) = frames.next_item() {
            each(&item);
        }
    });
}

/// [`run_stream`] decoding each frame in place through `decoder`
/// ([`FrameDecoder::next_decoded`]); returns the number of results.
fn run_stream_in_place(period: &[u8], total: usize, decoder: &mut Decoder) -> usize {
    let mut results = 0;
    feed_stream(period, total, |frames| {
        while let Some(item) = frames.next_decoded(decoder) {
            if let DecodedItem::Frame(frame) = item
                && let Ok(decoded) = frame.decoded
            {
                results += decoded.results.len();
                decoder.recycle(decoded);
            }
        }
    });
    results
}

/// Feeds `total` bytes of the periodic stream in [`CHUNK`]-byte chunks, calling `drain` after
/// each and once more after the end of the stream.
fn feed_stream(period: &[u8], total: usize, mut drain: impl FnMut(&mut FrameDecoder)) {
    let mut frames = FrameDecoder::new();
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut at = 0;
    let mut fed = 0;
    while fed < total {
        chunk.clear();
        while chunk.len() < CHUNK.min(total - fed) {
            let want = (CHUNK.min(total - fed) - chunk.len()).min(period.len() - at);
            chunk.extend_from_slice(&period[at..at + want]);
            at = (at + want) % period.len();
        }
        fed += chunk.len();
        frames.push(&chunk);
        drain(&mut frames);
    }
    frames.finish();
    drain(&mut frames);
}

fn crc(c: &mut Criterion) {
    let mut group = c.benchmark_group("crc16_x25");
    for len in [1024, 64 * 1024] {
        let data = noise(len, 42);
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_function(format!("{}KiB", len / 1024), |b| {
            b.iter(|| crc16_x25(black_box(&data)));
        });
    }
    group.finish();
}

/// Decodes every frame; returns the number of results so nothing is optimised away.
fn decode_all(frames: &[Vec<u8>]) -> usize {
    frames
        .iter()
        .map(|frame| decode(black_box(frame)).map_or(0, |d| d.results.len()))
        .sum()
}

/// [`decode_all`] through one [`Decoder`], recycling every frame's results list.
fn decode_all_reusing(decoder: &mut Decoder, frames: &[Vec<u8>]) -> usize {
    let mut results = 0;
    for frame in frames {
        if let Ok(decoded) = decoder.decode(black_box(frame)) {
            results += decoded.results.len();
            decoder.recycle(decoded);
        }
    }
    results
}

fn decoding(c: &mut Criterion) {
    let families: Vec<(&str, Vec<Vec<u8>>)> = FAMILIES
        .iter()
        .map(|&family| (family, family_frames(family)))
        .collect();
    let mix: Vec<Vec<u8>> = families
        .iter()
        .flat_map(|(_, frames)| frames.iter().cloned())
        .collect();
    let sets: Vec<(&str, &[Vec<u8>])> = families
        .iter()
        .map(|(name, frames)| (*name, frames.as_slice()))
        .chain([("mix", mix.as_slice())])
        .collect();

    let mut decoder = Decoder::new();
    let mut group = c.benchmark_group("decode_bytes");
    for &(name, frames) in &sets {
        let bytes: usize = frames.iter().map(Vec::len).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(name, |b| b.iter(|| decode_all(frames)));
    }
    let bytes: usize = mix.iter().map(Vec::len).sum();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("mix_decoder", |b| {
        b.iter(|| decode_all_reusing(&mut decoder, &mix));
    });
    group.finish();

    let mut group = c.benchmark_group("decode_frames");
    for &(name, frames) in &sets {
        group.throughput(Throughput::Elements(frames.len() as u64));
        group.bench_function(name, |b| b.iter(|| decode_all(frames)));
    }
    group.throughput(Throughput::Elements(mix.len() as u64));
    group.bench_function("mix_decoder", |b| {
        b.iter(|| decode_all_reusing(&mut decoder, &mix));
    });
    group.finish();

    let typical = get_response_normal_30();
    let mut group = c.benchmark_group("get_response_normal_30");
    group.throughput(Throughput::Elements(1));
    group.bench_function("decode", |b| {
        b.iter(|| decode(black_box(&typical)).map_or(0, |d| d.results.len()));
    });
    group.bench_function("decoder", |b| {
        b.iter(|| decode_all_reusing(&mut decoder, core::slice::from_ref(&typical)));
    });
    group.finish();
}

fn stream(c: &mut Criterion) {
    let mix: Vec<Vec<u8>> = FAMILIES.iter().flat_map(|f| family_frames(f)).collect();
    let period = stream_period(&mix, &noisy_streams());
    let mib: usize = std::env::var("FEP_BENCH_STREAM_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let total = mib * 1024 * 1024;

    let mut group = c.benchmark_group("frame_decoder");
    group.throughput(Throughput::Bytes(total as u64));
    group.sample_size(10);
    group.bench_function(format!("split_{mib}MiB"), |b| {
        b.iter(|| {
            let mut frames = 0usize;
            run_stream(&period, total, |item| {
                frames += usize::from(matches!(item, StreamItem::Frame(_)));
            });
            frames
        });
    });
    group.bench_function(format!("split_decode_{mib}MiB"), |b| {
        b.iter(|| {
            let mut results = 0usize;
            run_stream(&period, total, |item| {
                if let StreamItem::Frame(frame) = item {
                    results += frame
                        .decode(&dlms_result::Limits::default())
                        .map_or(0, |d| d.results.len());
                }
            });
            results
        });
    });
    group.bench_function(format!("split_decoder_{mib}MiB"), |b| {
        let mut decoder = Decoder::new();
        b.iter(|| {
            let mut results = 0usize;
            run_stream(&period, total, |item| {
                if let StreamItem::Frame(frame) = item
                    && let Ok(decoded) = decoder.decode_stream_frame(frame)
                {
                    results += decoded.results.len();
                    decoder.recycle(decoded);
                }
            });
            results
        });
    });
    group.bench_function(format!("decode_in_place_{mib}MiB"), |b| {
        let mut decoder = Decoder::new();
        b.iter(|| run_stream_in_place(&period, total, &mut decoder));
    });
    group.finish();

    // A front-end's usual traffic: nothing but typical 30-byte GET responses, back to back,
    // split and decoded through one `Decoder` (frames/s, to compare with the 10 M frames/s
    // target of the single frame).
    let typical = get_response_normal_30();
    let frames = total / typical.len();
    let mut group = c.benchmark_group("frame_decoder_typical");
    group.throughput(Throughput::Elements(frames as u64));
    group.sample_size(10);
    group.bench_function(format!("split_decoder_{mib}MiB"), |b| {
        let mut decoder = Decoder::new();
        b.iter(|| {
            let mut results = 0usize;
            run_stream(&typical, frames * typical.len(), |item| {
                if let StreamItem::Frame(frame) = item
                    && let Ok(decoded) = decoder.decode_stream_frame(frame)
                {
                    results += decoded.results.len();
                    decoder.recycle(decoded);
                }
            });
            assert_eq!(results, frames, "every typical frame decodes");
            results
        });
    });
    group.bench_function(format!("decode_in_place_{mib}MiB"), |b| {
        let mut decoder = Decoder::new();
        b.iter(|| {
            let results = run_stream_in_place(&typical, frames * typical.len(), &mut decoder);
            assert_eq!(results, frames, "every typical frame decodes");
            results
        });
    });
    group.finish();
}

criterion_group!(benches, crc, decoding, stream);
criterion_main!(benches);
