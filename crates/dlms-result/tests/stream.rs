//! Tests of the stream decoder: the annotated streams under `fixtures/streams/` give their
//! `.expected` items (`FEP_BLESS=1` rewrites them); the items are the same whatever the chunk
//! boundaries (every split point, byte by byte, random chunkings); on arbitrary bytes the
//! items tile the stream exactly (nothing lost, nothing reported twice), every frame passes
//! its protocol's link checks, and the buffer stays bounded.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use dlms_result::test_util::render::read_annotated_hex;
use dlms_result::test_util::{dlt645, dlt698, gdw1376};
use dlms_result::{
    DecodedItem, Decoder, FrameDecoder, FrameReader, GarbageReason, Limits, MAX_PREAMBLE, Protocol,
    StreamItem, decode,
};
use proptest::prelude::*;

fn stream_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/streams")
}

fn streams() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = fs::read_dir(stream_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "hex"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no streams in {}",
        stream_dir().display()
    );
    files
        .into_iter()
        .map(|path| {
            let bytes = read_annotated_hex(&fs::read_to_string(&path).unwrap()).unwrap();
            (path, bytes)
        })
        .collect()
}

/// Pushes `chunks` one by one, draining after each, then finishes and drains.
fn items_of<'a>(chunks: impl IntoIterator<Item = &'a [u8]>, limits: Limits) -> Vec<StreamItem> {
    let mut decoder = FrameDecoder::with_limits(limits);
    let mut items = Vec::new();
    for chunk in chunks {
        decoder.push(chunk);
        while let Some(item) = decoder.next_item() {
            items.push(item);
        }
        assert!(
            decoder.buffered_len() < limits.max_frame_len + MAX_PREAMBLE,
            "buffered {} bytes",
            decoder.buffered_len()
        );
    }
    decoder.finish();
    while let Some(item) = decoder.next_item() {
        items.push(item);
    }
    assert_eq!(decoder.next_item(), None);
    items
}

fn whole(bytes: &[u8]) -> Vec<StreamItem> {
    items_of([bytes], Limits::DEFAULT)
}

fn render(items: &[StreamItem]) -> String {
    let mut out = String::new();
    for item in items {
        match item {
            StreamItem::Frame(f) => {
                let decoded = match f.decode(&Limits::DEFAULT) {
                    Ok(d) => format!("service={} results={}", d.service, d.results.len()),
                    Err(e) => format!("error={}", e.kind().name()),
                };
                writeln!(
                    out,
                    "frame @{} {} preamble={} len={} {decoded}",
                    f.offset,
                    f.protocol,
                    f.preamble_len,
                    f.bytes.len()
                )
                .unwrap();
            }
            StreamItem::Garbage(g) => {
                writeln!(
                    out,
                    "garbage @{} len={} reason={}",
                    g.offset,
                    g.len,
                    g.reason.name()
                )
                .unwrap();
            }
            _ => unreachable!("a new item kind"),
        }
    }
    out
}

/// Every item covers `[offset, offset + len)` and together they tile `[0, total)` in order;
/// every frame passes its own protocol's link checks.
fn assert_tiles(items: &[StreamItem], stream: &[u8]) {
    let mut at = 0u64;
    for item in items {
        let (offset, len) = match item {
            StreamItem::Frame(f) => {
                assert_eq!(
                    &stream[usize::try_from(f.offset).unwrap()..][..f.bytes.len()],
                    &f.bytes[..]
                );
                assert!(f.preamble_len <= MAX_PREAMBLE);
                assert!(f.bytes[..f.preamble_len].iter().all(|&b| b == 0xFE));
                assert_eq!(f.frame()[0], 0x68);
                assert_eq!(
                    f.start_offset(),
                    f.offset + u64::try_from(f.preamble_len).unwrap()
                );
                let parsed = match f.protocol {
                    Protocol::Dlt645 => dlms_result::dlt645::Frame::parse(&f.bytes)
                        .map(|(fr, rest)| (fr.frame_len(), rest.len())),
                    Protocol::Gdw1376 => dlms_result::gdw1376::Frame::parse(&f.bytes)
                        .map(|(fr, rest)| (fr.frame_len(), rest.len())),
                    _ => dlms_result::dlt698::Frame::parse(&f.bytes)
                        .map(|(fr, rest)| (fr.frame_len(), rest.len())),
                };
                // 1376.1 AUX room is checked by the decoder, not the link layer.
                if let Ok((frame_len, rest)) = parsed {
                    assert_eq!((frame_len, rest), (f.frame().len(), 0));
                }
                (f.offset, u64::try_from(f.bytes.len()).unwrap())
            }
            StreamItem::Garbage(g) => {
                assert!(g.len > 0);
                (g.offset, g.len)
            }
            _ => unreachable!(),
        };
        assert_eq!(offset, at, "items must tile the stream");
        at += len;
    }
    assert_eq!(
        at,
        u64::try_from(stream.len()).unwrap(),
        "every byte is reported once"
    );
}

#[test]
fn streams_give_the_expected_items() {
    let bless = std::env::var_os("FEP_BLESS").is_some();
    for (path, bytes) in streams() {
        let items = whole(&bytes);
        assert_tiles(&items, &bytes);
        let actual = render(&items);
        let expected_path = path.with_extension("expected");
        if bless {
            fs::write(&expected_path, &actual).unwrap();
        } else {
            let expected = fs::read_to_string(&expected_path)
                .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
            assert_eq!(actual, expected, "{}", path.display());
        }
    }
}

#[test]
fn every_split_point_gives_the_same_items() {
    for (path, bytes) in streams() {
        let reference = whole(&bytes);
        for split in 0..=bytes.len() {
            let (a, b) = bytes.split_at(split);
            assert_eq!(
                items_of([a, b], Limits::DEFAULT),
                reference,
                "{} split at {split}",
                path.display()
            );
        }
        assert_eq!(
            items_of(bytes.chunks(1), Limits::DEFAULT),
            reference,
            "byte by byte"
        );
    }
}

#[test]
fn the_noisy_stream_finds_every_frame() {
    let (_, bytes) = streams()
        .into_iter()
        .find(|(p, _)| p.ends_with("synthetic-noisy-mixed.hex"))
        .unwrap();
    let items = whole(&bytes);
    let frames: Vec<_> = items
        .iter()
        .filter_map(|i| match i {
            StreamItem::Frame(f) => Some(f.protocol),
            _ => None,
        })
        .collect();
    assert_eq!(
        frames,
        [
            Protocol::Dlt645,
            Protocol::Gdw1376,
            Protocol::Dlt698,
            Protocol::Gdw1376, // hiding inside a false DL/T 645 header
            Protocol::Dlt645,
            Protocol::Gdw1376,
            Protocol::Dlt645,
        ]
    );
    let StreamItem::Garbage(last) = items.last().unwrap() else {
        panic!("{items:?}")
    };
    assert_eq!(last.reason, GarbageReason::Truncated);
    assert!(items.iter().any(|i| matches!(i,
        StreamItem::Garbage(g) if g.reason.name() == "checksum_mismatch")));
}

#[test]
fn a_header_claiming_more_than_the_limit_is_garbage() {
    let frame = dlt645::read_response([1, 0, 0, 0, 0, 0], 0x0001_0000, &[0; 40]);
    let small = Limits::DEFAULT.with_max_frame_len(32);
    let items = items_of([&frame[..]], small);
    assert!(
        items.iter().all(|i| matches!(i, StreamItem::Garbage(_))),
        "{items:?}"
    );
    assert_tiles(&items, &frame);
    let StreamItem::Garbage(first) = &items[0] else {
        unreachable!()
    };
    assert_eq!(first.reason.name(), "bad_length");
    // With room, the same bytes are one frame.
    assert!(matches!(&whole(&frame)[..], [StreamItem::Frame(_)]));
}

#[test]
fn long_garbage_is_reported_in_bounded_pieces() {
    let junk = vec![0x55; 1000];
    let limits = Limits::DEFAULT.with_max_frame_len(64);
    let items = items_of(junk.chunks(7), limits);
    assert_tiles(&items, &junk);
    assert_eq!(items.len(), 16); // 15 × 64 + 40
    assert_eq!(items, items_of([&junk[..]], limits));
}

#[test]
fn wake_up_runs() {
    // A long run: only the last MAX_PREAMBLE bytes are the preamble.
    let frame = gdw1376::deny_all().preamble(40).build();
    let items = whole(&frame);
    let [StreamItem::Garbage(g), StreamItem::Frame(f)] = &items[..] else {
        panic!("{items:?}")
    };
    assert_eq!((g.len, g.reason), (24, GarbageReason::NoFrameStart));
    assert_eq!(f.preamble_len, MAX_PREAMBLE);
    // Wake-up bytes at the end of the stream are a truncated frame.
    let items = whole(&[0xFE, 0xFE, 0xFE]);
    let [StreamItem::Garbage(g)] = &items[..] else {
        panic!("{items:?}")
    };
    assert_eq!((g.len, g.reason), (3, GarbageReason::Truncated));
    // Before `finish`, they wait.
    let mut decoder = FrameDecoder::new();
    decoder.push(&[0xFE; 3]);
    assert_eq!(decoder.next_item(), None);
    assert_eq!(decoder.buffered_len(), 3);
    assert_eq!(decoder.position(), 0);
}

#[test]
fn an_empty_stream_has_no_items() {
    assert!(whole(&[]).is_empty());
}

/// Reads at most `step` bytes per call, with an interruption before each read.
struct Trickle<'a> {
    bytes: &'a [u8],
    step: usize,
    interrupt: bool,
    fail_at_end: bool,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.interrupt = !self.interrupt;
        if self.interrupt {
            return Err(io::ErrorKind::Interrupted.into());
        }
        if self.bytes.is_empty() && self.fail_at_end {
            self.fail_at_end = false;
            return Err(io::Error::other("line dropped"));
        }
        let n = self.step.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

#[test]
fn frame_reader_matches_the_decoder() {
    for (_, bytes) in streams() {
        let reference = whole(&bytes);
        for step in [1, 3, 64, 10_000] {
            let reader = Trickle {
                bytes: &bytes,
                step,
                interrupt: false,
                fail_at_end: false,
            };
            let items: Vec<_> = FrameReader::new(reader).map(Result::unwrap).collect();
            assert_eq!(items, reference, "step {step}");
        }
        // An I/O error is reported, then what was buffered, then the end.
        let reader = Trickle {
            bytes: &bytes,
            step: 5,
            interrupt: false,
            fail_at_end: true,
        };
        let mut reader = FrameReader::new(reader);
        let mut items = Vec::new();
        let mut errors = 0;
        for item in &mut reader {
            match item {
                Ok(item) => items.push(item),
                Err(e) => {
                    assert_eq!(e.to_string(), "line dropped");
                    errors += 1;
                }
            }
        }
        assert_eq!(errors, 1);
        assert_eq!(items, reference);
        assert_eq!(
            reader.decoder().position(),
            u64::try_from(bytes.len()).unwrap()
        );
    }
}

/// One event of a reader, comparable across the two ways of reading: a frame by its place and
/// bytes, a garbage report, or an I/O error's message.
#[derive(Debug, PartialEq)]
enum Event {
    Frame(Protocol, u64, usize, Vec<u8>),
    Garbage(dlms_result::Garbage),
    Error(String),
}

#[test]
fn frame_reader_decodes_in_place_as_it_iterates() {
    fn trickle(bytes: &[u8], step: usize, fail_at_end: bool) -> Trickle<'_> {
        Trickle {
            bytes,
            step,
            interrupt: false,
            fail_at_end,
        }
    }
    for (_, bytes) in streams() {
        for (step, fail_at_end) in [(1, false), (3, true), (64, false), (10_000, true)] {
            let iterated: Vec<Event> = FrameReader::new(trickle(&bytes, step, fail_at_end))
                .map(|item| match item {
                    Ok(StreamItem::Frame(f)) => {
                        Event::Frame(f.protocol, f.offset, f.preamble_len, f.bytes.to_vec())
                    }
                    Ok(StreamItem::Garbage(g)) => Event::Garbage(g),
                    Ok(other) => panic!("unexpected item {other:?}"),
                    Err(e) => Event::Error(e.to_string()),
                })
                .collect();
            let mut reader = FrameReader::new(trickle(&bytes, step, fail_at_end));
            let mut decoder = Decoder::new();
            let mut in_place = Vec::new();
            while let Some(item) = reader.next_decoded(&mut decoder) {
                in_place.push(match item {
                    Ok(DecodedItem::Frame(frame)) => {
                        assert_eq!(frame.decoded, decode(frame.bytes), "step {step}");
                        let event = Event::Frame(
                            frame.protocol,
                            frame.offset,
                            frame.preamble_len,
                            frame.bytes.to_vec(),
                        );
                        if let Ok(decoded) = frame.decoded {
                            decoder.recycle(decoded);
                        }
                        event
                    }
                    Ok(DecodedItem::Garbage(g)) => Event::Garbage(g),
                    Ok(other) => panic!("unexpected item {other:?}"),
                    Err(e) => Event::Error(e.to_string()),
                });
            }
            assert_eq!(in_place, iterated, "step {step}");
            assert_eq!(
                iterated.contains(&Event::Error("line dropped".to_owned())),
                fail_at_end
            );
            assert!(reader.next_decoded(&mut decoder).is_none());
        }
    }
}

/// Splits `bytes` at the sorted, deduplicated `cuts`.
fn chunked<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut chunks = Vec::new();
    let mut at = 0;
    for cut in cuts {
        chunks.push(&bytes[at..cut]);
        at = cut;
    }
    chunks.push(&bytes[at..]);
    chunks
}

/// A stream of valid frames of all three protocols and noise, from a seed.
fn mixed_stream() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..12),
        (any::<u8>(), 0usize..5).prop_map(|(err, pre)| {
            dlt645::FrameBuilder::new([1, 2, 3, 4, 5, 6], 0xD1)
                .data(&[err])
                .preamble(pre)
                .build()
        }),
        (1u16..100, 1u16..200, 0u8..2)
            .prop_map(|(pn, fn_, err)| { gdw1376::confirm_each(0x0C, &[(pn, fn_, err)]).build() }),
        (any::<u32>(), any::<u8>()).prop_map(|(oad, dar)| {
            let apdu = dlt698::Response::get_normal(oad, dlt698::GetResult::Dar(dar)).finish();
            dlt698::FrameBuilder::response().build(&apdu)
        }),
        Just(vec![0x68]),
        Just(vec![0xFE, 0xFE]),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_chunkings_give_the_same_items(
        stream in mixed_stream(),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        let reference = whole(&stream);
        assert_tiles(&reference, &stream);
        prop_assert_eq!(items_of(chunked(&stream, &cuts), Limits::DEFAULT), reference);
    }

    #[test]
    fn arbitrary_bytes_tile_and_stay_bounded(
        stream in prop::collection::vec(any::<u8>(), 0..600),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
        max in 16usize..300,
    ) {
        let limits = Limits::DEFAULT.with_max_frame_len(max);
        let items = items_of(chunked(&stream, &cuts), limits);
        assert_tiles(&items, &stream);
        prop_assert_eq!(items, items_of([&stream[..]], limits));
    }
}
