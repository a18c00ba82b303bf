//! Replays the fuzz seeds (`fuzz/seeds/<target>/`) and the regression inputs
//! (`fixtures/regressions/<target>/`) of the dlms-result fuzz targets through the same harness
//! functions the targets call (`dlms_result::fuzz_support`), so `cargo test` checks what the
//! fuzzer checks without cargo-fuzz.
//!
//! The seeds are generated from the fixtures: `seeds_are_generated_from_the_fixtures` fails
//! when they drift, and `FEP_BLESS=1 cargo test -p dlms-result --test fuzz_seeds` rewrites
//! them. Every regression input `NAME.bin` needs a `NAME.txt` saying what it found.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use dlms_result::fuzz_support::{
    self, Apdu698, Data698, Link698, Result698, RoundTrip698, Trailer698,
};
use dlms_result::test_util::render::read_annotated_hex;
use dlms_result::{Limits, Outcome, dlt698};
use proptest::prelude::*;

/// The byte-input targets of this crate and their harness.
type Harness = fn(&[u8]) -> Result<(), String>;

const TARGETS: [(&str, Harness); 9] = [
    ("frame", |d| fuzz_support::frame(d).map(drop)),
    ("frame_698", |d| fuzz_support::frame_698(d).map(drop)),
    ("frame_645", |d| fuzz_support::frame_645(d).map(drop)),
    ("frame_1376", |d| fuzz_support::frame_1376(d).map(drop)),
    ("stream", |d| fuzz_support::stream(d).map(drop)),
    ("apdu", |d| fuzz_support::apdu(d).map(drop)),
    ("data", |d| fuzz_support::data(d).map(drop)),
    ("reassembly", |d| fuzz_support::reassembly(d).map(drop)),
    // Structured input: its seeds are `arbitrary` bytes, replayed by `.ci/fuzz-smoke`; here the
    // same harness runs on built descriptions (see the round-trip tests below).
    ("roundtrip_698", |_| Ok(())),
];

/// Targets whose inputs are frames: regressions also replay with their checksums repaired.
const FRAME_TARGETS: [&str; 5] = ["frame", "frame_698", "frame_645", "frame_1376", "stream"];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The files of `dir`, sorted; panics when the directory is missing or empty.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} is empty", dir.display());
    files
}

/// The annotated hex files under `dir`, recursively, as (name, bytes).
fn hex_fixtures(dir: &Path, prefix: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for path in files(&dir) {
            if path.extension().is_some_and(|e| e == "hex") {
                let text = fs::read_to_string(&path).unwrap();
                let bytes = read_annotated_hex(&text)
                    .unwrap_or_else(|| panic!("{}: not annotated hex", path.display()));
                let stem = path.file_stem().unwrap().to_string_lossy();
                let sub = if dir.ends_with("invalid") {
                    "invalid-"
                } else {
                    ""
                };
                out.push((format!("{prefix}-{sub}{stem}"), bytes));
            }
        }
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The seeds of every target, generated from the fixtures.
fn generated_seeds() -> BTreeMap<&'static str, Vec<(String, Vec<u8>)>> {
    let fixtures = repo().join("fixtures");
    let frames_698 = hex_fixtures(&fixtures.join("frames/dlt698"), "dlt698");
    let frames_645 = hex_fixtures(&fixtures.join("frames/dlt645"), "dlt645");
    let frames_1376 = hex_fixtures(&fixtures.join("frames/gdw1376"), "gdw1376");
    let apdus = hex_fixtures(&fixtures.join("apdu/dlt698"), "apdu");
    let streams = hex_fixtures(&fixtures.join("streams"), "stream");

    let mut seeds = BTreeMap::new();
    let all_frames: Vec<_> = [&frames_698, &frames_645, &frames_1376]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    seeds.insert("frame", all_frames.clone());
    seeds.insert("frame_698", frames_698.clone());
    seeds.insert("frame_645", frames_645);
    seeds.insert("frame_1376", frames_1376);

    // Streams: each capture with three chunkings (byte by byte, up to 8, up to 64 bytes) and
    // once with the small frame limit; and all frame fixtures back to back.
    let mut stream_seeds = Vec::new();
    for (name, bytes) in &streams {
        for control in [0x00u8, 0x07, 0x3F, 0x85] {
            let mut seed = vec![control];
            seed.extend(bytes);
            stream_seeds.push((format!("{name}-{control:02x}"), seed));
        }
    }
    let mut back_to_back = vec![0x11];
    for (_, bytes) in &all_frames {
        back_to_back.extend(bytes);
    }
    stream_seeds.push(("all-frames-11".to_owned(), back_to_back));
    seeds.insert("stream", stream_seeds);

    // APDUs: the APDU fixtures and the APDU of every unfragmented DL/T 698.45 frame fixture.
    let mut apdu_seeds = apdus.clone();
    for (name, bytes) in &frames_698 {
        if let Ok((frame, _)) = dlt698::Frame::parse(bytes)
            && frame.fragment().is_none()
        {
            apdu_seeds.push((name.clone(), frame.apdu().into_owned()));
        }
    }
    seeds.insert("apdu", apdu_seeds.clone());

    // Data: every A-XDR value the fixtures return.
    let mut data_seeds: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, bytes) in &apdu_seeds {
        let Ok(apdu) = dlt698::decode_apdu(bytes, &Limits::default()) else {
            continue;
        };
        for (index, result) in apdu.results.iter().enumerate() {
            if let Outcome::Data(data) = result.outcome
                && data.first_tag().is_some()
                && !data.is_empty()
            {
                let value = data.value_bytes().into_owned();
                if !data_seeds.iter().any(|(_, seen)| *seen == value) {
                    data_seeds.push((format!("{name}-{index}"), value));
                }
            }
        }
    }
    seeds.insert("data", data_seeds);

    // Reassembly: each APDU fixture cut into a first, a middle and a last fragment (sequence
    // numbers 4094, 4095, 0: the wrap), with a confirm after the first.
    let mut reassembly_seeds = Vec::new();
    for (name, apdu) in &apdus {
        let third = apdu.len() / 3;
        let (first, rest) = apdu.split_at(third);
        let (middle, last) = rest.split_at(third);
        let mut seed = vec![0xFF];
        // First, explicit sequence 4094 (0xFFE): header high nibble 0xF, low byte 0xFE.
        seed.extend([0xF0, 0xFE, u8::try_from(first.len()).unwrap()]);
        seed.extend(first);
        seed.extend([0xF2, 0xFE, 0x00]); // confirm 4094, no data
        seed.extend([0x07, u8::try_from(middle.len()).unwrap()]); // middle, expected seq
        seed.extend(middle);
        seed.extend([0x05, u8::try_from(last.len()).unwrap()]); // last, expected seq
        seed.extend(last);
        reassembly_seeds.push((name.clone(), seed));
    }
    seeds.insert("reassembly", reassembly_seeds);

    // Round trip: `arbitrary` reads any bytes; a few deterministic patterns of several sizes
    // give it different first choices.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let roundtrip_seeds = [16usize, 64, 256, 1024]
        .into_iter()
        .enumerate()
        .map(|(index, len)| {
            let bytes = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state.to_le_bytes()[0]
                })
                .collect();
            (format!("pattern-{index}-{len}"), bytes)
        })
        .collect();
    seeds.insert("roundtrip_698", roundtrip_seeds);
    seeds
}

#[test]
fn seeds_are_generated_from_the_fixtures() {
    let bless = std::env::var_os("FEP_BLESS").is_some();
    let generated = generated_seeds();
    assert_eq!(generated.len(), TARGETS.len());
    for (target, seeds) in &generated {
        assert!(!seeds.is_empty(), "no seeds generated for {target}");
        let dir = repo().join("fuzz/seeds").join(target);
        if bless {
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            for (name, bytes) in seeds {
                fs::write(dir.join(name), bytes).unwrap();
            }
            continue;
        }
        let committed: Vec<String> = files(&dir)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        let expected: Vec<String> = seeds.iter().map(|(name, _)| name.clone()).collect();
        let mut sorted = expected.clone();
        sorted.sort();
        assert_eq!(
            committed, sorted,
            "fuzz/seeds/{target} is out of date: run FEP_BLESS=1 cargo test -p dlms-result --test fuzz_seeds"
        );
        for (name, bytes) in seeds {
            assert_eq!(
                &fs::read(dir.join(name)).unwrap(),
                bytes,
                "fuzz/seeds/{target}/{name} is out of date (FEP_BLESS=1 regenerates it)"
            );
        }
    }
}

fn replay(target: &str, harness: Harness, path: &Path, bytes: &[u8]) {
    if let Err(violation) = harness(bytes) {
        panic!("{target}: {}: {violation}", path.display());
    }
}

#[test]
fn every_seed_passes_its_harness() {
    let mut count = 0;
    for (target, harness) in TARGETS {
        for path in files(&repo().join("fuzz/seeds").join(target)) {
            replay(target, harness, &path, &fs::read(&path).unwrap());
            count += 1;
        }
    }
    assert!(count > 100, "only {count} seeds");
}

#[test]
fn every_regression_passes_its_harness() {
    let root = repo().join("fixtures/regressions");
    let mut replayed = 0;
    for (target, harness) in TARGETS {
        let dir = root.join(target);
        if !dir.exists() {
            continue;
        }
        for path in files(&dir) {
            if path.extension().is_some_and(|e| e == "txt") {
                continue;
            }
            assert!(
                path.extension().is_some_and(|e| e == "bin"),
                "{}: regression inputs are NAME.bin",
                path.display()
            );
            let comment = path.with_extension("txt");
            assert!(
                fs::read_to_string(&comment).is_ok_and(|text| !text.trim().is_empty()),
                "{}: every regression needs a comment saying what it found",
                comment.display()
            );
            let bytes = fs::read(&path).unwrap();
            replay(target, harness, &path, &bytes);
            if FRAME_TARGETS.contains(&target) {
                // Found with the checksum checks off: replay with valid checksums too, so
                // the same application-layer code runs in this normal build.
                for fixed in fuzz_support::repaired(&bytes) {
                    replay(target, harness, &path, &fixed);
                }
            }
            replayed += 1;
        }
    }
    assert!(
        replayed > 0,
        "no regression inputs under {}",
        root.display()
    );
}

/// Every regression directory belongs to a fuzz target (of this crate or another), so a typo
/// cannot silently skip one.
#[test]
fn regression_directories_name_targets() {
    let known = [
        "rules",
        "split",
        "element",
        "error_text",
        "batch", // classify, frontend-parse
        "known", // reported failures not yet fixed (see tests/fuzz_seeds_frontend.rs)
    ];
    let root = repo().join("fixtures/regressions");
    for entry in fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                TARGETS.iter().any(|(t, _)| *t == name) || known.contains(&name.as_str()),
                "{}: not a fuzz target",
                path.display()
            );
            if name != "known" {
                files(&path);
            }
        }
    }
}

// ---- Round trips --------------------------------------------------------------------------

fn link(preamble: u8, scrambled: bool) -> Link698 {
    Link698 {
        preamble,
        scrambled,
        kind: 0,
        logical: 0,
        address: vec![0x01, 0x00, 0x00, 0x00, 0x00, 0x00],
        client: 0x10,
    }
}

fn long_unsigned(value: u8) -> Data698 {
    Data698::Scalar {
        kind: 7,
        fill: value,
    }
}

fn nested() -> Data698 {
    Data698::Container {
        structure: true,
        items: vec![
            long_unsigned(9),
            Data698::Bytes {
                kind: 1,
                content: b"NO".to_vec(),
                long_length: true,
            },
            Data698::Bits {
                bits: 12,
                fill: 0xA5,
            },
            Data698::Container {
                structure: false,
                items: vec![
                    Data698::Scalar {
                        kind: 16,
                        fill: 0x20
                    };
                    3
                ],
            },
        ],
    }
}

/// One description of every APDU kind.
fn every_apdu() -> Vec<Apdu698> {
    let data = Result698::Data(nested());
    let dar = Result698::Dar(4);
    vec![
        Apdu698::GetNormal {
            oad: 0x2000_0200,
            result: data.clone(),
        },
        Apdu698::GetNormalList(vec![
            (0x2000_0200, data.clone()),
            (0x2014_0200, dar.clone()),
        ]),
        Apdu698::GetRecord {
            oad: 0x5004_0200,
            columns: vec![0x2021_0200, 0x0010_0200],
            rows: Ok(vec![long_unsigned(1), long_unsigned(2), long_unsigned(3)]),
        },
        Apdu698::GetRecord {
            oad: 0x5004_0200,
            columns: vec![0x2021_0200],
            rows: Err(6),
        },
        Apdu698::GetNextDar {
            last: true,
            block: 3,
            dar: 255,
        },
        Apdu698::SetNormal {
            oad: 0x4000_0200,
            dar: 3,
        },
        Apdu698::SetNormalList(vec![(0x4000_0200, 0), (0x4001_0200, 37)]),
        Apdu698::SetThenGetList(vec![(0x4000_0200, 0, 0x4000_0200, data.clone())]),
        Apdu698::ActionNormal {
            omd: 0x2000_0100,
            dar: 0,
            data: Some(long_unsigned(42)),
        },
        Apdu698::ActionNormalList(vec![
            (0x2000_0100, 22, None),
            (0x2001_0100, 0, Some(nested())),
        ]),
        Apdu698::ActionThenGetList(vec![(0x2000_0100, 1, None, 0x2000_0200, dar.clone())]),
        Apdu698::ReportList(vec![(0x3011_0200, data.clone())]),
        Apdu698::ProxyGetList(vec![
            (vec![1, 0, 0, 0, 0, 0], vec![(0x2000_0200, data)]),
            (vec![], vec![(0x2014_0200, dar)]),
        ]),
        Apdu698::ProxySetList(vec![(vec![9; 16], vec![(0x4000_0200, 3)])]),
        Apdu698::ProxyActionList(vec![(vec![2], vec![(0x2000_0100, 0, Some(nested()))])]),
        Apdu698::ProxyTransCommand {
            port: 0xF201_0201,
            dar: Some(33),
        },
        Apdu698::ProxyTransCommand {
            port: 0xF201_0201,
            dar: None,
        },
        Apdu698::SecurityDar(22),
    ]
}

#[test]
fn every_apdu_round_trips_with_every_link_and_trailer() {
    let trailers = [
        Trailer698::None,
        Trailer698::FollowReport(vec![
            (0x3320_0200, Result698::Data(nested())),
            (0x3011_0200, Result698::Dar(255)),
        ]),
        Trailer698::TimeTag([0x07, 0xE8, 1, 2, 3, 4, 5], [1, 0, 5]),
    ];
    let mut checked = 0;
    for apdu in every_apdu() {
        for trailer in &trailers {
            for (preamble, scrambled, security) in [
                (0, false, false),
                (4, true, false),
                (1, false, true),
                (2, true, true),
            ] {
                let spec = RoundTrip698 {
                    link: link(preamble, scrambled),
                    apdu: apdu.clone(),
                    trailer: trailer.clone(),
                    security,
                    mac: security.then(|| vec![0xAB; 4]),
                };
                let results = fuzz_support::roundtrip_698(&spec).unwrap_or_else(|e| panic!("{e}"));
                assert!(results.is_some_and(|n| n > 0), "{spec:?}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 18 * 3 * 4);
}

#[test]
fn every_address_kind_and_length_round_trips() {
    for kind in 0..4 {
        for logical in 0..4 {
            for len in [0usize, 1, 6, 16, 17] {
                let spec = RoundTrip698 {
                    link: Link698 {
                        preamble: 7,
                        scrambled: kind % 2 == 1,
                        kind,
                        logical,
                        address: (1..=u8::try_from(len).unwrap()).collect(),
                        client: kind.wrapping_mul(logical),
                    },
                    apdu: Apdu698::SetNormal { oad: 1, dar: 0 },
                    trailer: Trailer698::None,
                    security: false,
                    mac: None,
                };
                fuzz_support::roundtrip_698(&spec).unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
}

/// Regression of `roundtrip_698` (`fixtures/regressions/roundtrip_698/`): a built frame whose
/// first bytes are also a whole DL/T 645 frame (SA puts `68` at byte 7 and the 645 length in
/// byte 9; the content supplies the 645 checksum and end byte) still decodes as itself. One
/// value of the content byte under the 645 checksum makes that 645 reading valid in this
/// normal build.
#[test]
fn a_built_frame_that_starts_with_a_dlt645_frame_round_trips() {
    // 645 frame: 68 A0…A5 68 C L data CS 16 = bytes 0..32; the 698.45 SA (bytes 5..11) gives
    // its second 68 (byte 7), C and L.
    // C = 91 (read-data response, SA byte 3), L = 20 (SA byte 4).
    let address = vec![0x01, 0x00, 0x68, 0x91, 20, 0x00];
    let mut valid_645_prefixes = 0;
    for checksum in 0..=u8::MAX {
        let mut content = vec![0x16; 20];
        // The octet-string content starts at byte 24 (APDU 85 01 PIID OAD 01 09 len at 14..24):
        // content[6] is byte 30, the 645 CS; content[7] is byte 31, its 16.
        content[6] = checksum;
        let spec = RoundTrip698 {
            link: Link698 {
                preamble: 0,
                scrambled: false,
                kind: 0,
                logical: 0,
                address: address.clone(),
                client: 0x10,
            },
            apdu: Apdu698::GetNormal {
                oad: 0x4001_0200,
                result: Result698::Data(Data698::Bytes {
                    kind: 0,
                    content,
                    long_length: false,
                }),
            },
            trailer: Trailer698::None,
            security: false,
            mac: None,
        };
        let frame = fuzz_support::roundtrip_698_frame(&spec);
        if let Ok((prefix, rest)) = dlms_result::dlt645::Frame::parse(&frame) {
            assert_eq!((prefix.frame_len(), rest.len()), (32, frame.len() - 32));
            // On its own the prefix decodes as DL/T 645, so `decode` meets that reading first.
            let alone = dlms_result::decode(&frame[..32]).unwrap();
            assert_eq!(alone.protocol, dlms_result::Protocol::Dlt645);
            valid_645_prefixes += 1;
        }
        let results = fuzz_support::roundtrip_698(&spec).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(results, Some(1), "{spec:?}");
    }
    assert_eq!(valid_645_prefixes, 1);
}

/// Data descriptions up to a few levels deep.
fn data_698() -> impl Strategy<Value = Data698> {
    let leaf = prop_oneof![
        (any::<u8>(), any::<u8>()).prop_map(|(kind, fill)| Data698::Scalar { kind, fill }),
        (
            any::<u8>(),
            proptest::collection::vec(any::<u8>(), 0..300),
            any::<bool>()
        )
            .prop_map(|(kind, content, long_length)| Data698::Bytes {
                kind,
                content,
                long_length
            }),
        (any::<u8>(), any::<u8>()).prop_map(|(bits, fill)| Data698::Bits { bits, fill }),
    ];
    leaf.prop_recursive(12, 64, 8, |inner| {
        (any::<bool>(), proptest::collection::vec(inner, 0..8))
            .prop_map(|(structure, items)| Data698::Container { structure, items })
    })
}

fn result_698() -> impl Strategy<Value = Result698> {
    prop_oneof![
        any::<u8>().prop_map(Result698::Dar),
        data_698().prop_map(Result698::Data),
    ]
}

fn apdu_698() -> impl Strategy<Value = Apdu698> {
    let items = || proptest::collection::vec((any::<u32>(), result_698()), 0..5);
    let sets = || proptest::collection::vec((any::<u32>(), any::<u8>()), 0..5);
    let address = || proptest::collection::vec(any::<u8>(), 0..20);
    prop_oneof![
        (any::<u32>(), result_698()).prop_map(|(oad, result)| Apdu698::GetNormal { oad, result }),
        items().prop_map(Apdu698::GetNormalList),
        (
            any::<u32>(),
            proptest::collection::vec(any::<u32>(), 0..4),
            prop_oneof![
                proptest::collection::vec(data_698(), 0..9).prop_map(Ok),
                any::<u8>().prop_map(Err)
            ]
        )
            .prop_map(|(oad, columns, rows)| Apdu698::GetRecord { oad, columns, rows }),
        (any::<bool>(), any::<u16>(), any::<u8>())
            .prop_map(|(last, block, dar)| Apdu698::GetNextDar { last, block, dar }),
        (any::<u32>(), any::<u8>()).prop_map(|(oad, dar)| Apdu698::SetNormal { oad, dar }),
        (any::<u32>(), any::<u8>(), proptest::option::of(data_698()))
            .prop_map(|(omd, dar, data)| Apdu698::ActionNormal { omd, dar, data }),
        proptest::collection::vec(
            (
                address(),
                proptest::collection::vec(
                    (any::<u32>(), any::<u8>(), proptest::option::of(data_698())),
                    0..3
                )
            ),
            0..3
        )
        .prop_map(Apdu698::ProxyActionList),
        sets().prop_map(Apdu698::SetNormalList),
        proptest::collection::vec(
            (any::<u32>(), any::<u8>(), any::<u32>(), result_698()),
            0..4
        )
        .prop_map(Apdu698::SetThenGetList),
        proptest::collection::vec(
            (any::<u32>(), any::<u8>(), proptest::option::of(data_698())),
            0..4
        )
        .prop_map(Apdu698::ActionNormalList),
        proptest::collection::vec(
            (
                any::<u32>(),
                any::<u8>(),
                proptest::option::of(data_698()),
                any::<u32>(),
                result_698()
            ),
            0..4
        )
        .prop_map(Apdu698::ActionThenGetList),
        items().prop_map(Apdu698::ReportList),
        proptest::collection::vec((address(), items()), 0..3).prop_map(Apdu698::ProxyGetList),
        proptest::collection::vec((address(), sets()), 0..3).prop_map(Apdu698::ProxySetList),
        (any::<u32>(), proptest::option::of(any::<u8>()))
            .prop_map(|(port, dar)| Apdu698::ProxyTransCommand { port, dar }),
        any::<u8>().prop_map(Apdu698::SecurityDar),
    ]
}

fn spec_698() -> impl Strategy<Value = RoundTrip698> {
    let link = (
        any::<u8>(),
        any::<bool>(),
        any::<u8>(),
        any::<u8>(),
        proptest::collection::vec(any::<u8>(), 0..20),
        any::<u8>(),
    )
        .prop_map(
            |(preamble, scrambled, kind, logical, address, client)| Link698 {
                preamble,
                scrambled,
                kind,
                logical,
                address,
                client,
            },
        );
    let trailer = prop_oneof![
        Just(Trailer698::None),
        proptest::collection::vec((any::<u32>(), result_698()), 0..3)
            .prop_map(Trailer698::FollowReport),
        (any::<[u8; 7]>(), any::<[u8; 3]>()).prop_map(|(t, ti)| Trailer698::TimeTag(t, ti)),
    ];
    (
        link,
        apdu_698(),
        trailer,
        any::<bool>(),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..40)),
    )
        .prop_map(|(link, apdu, trailer, security, mac)| RoundTrip698 {
            link,
            apdu,
            trailer,
            security,
            mac,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_descriptions_round_trip(spec in spec_698()) {
        if let Err(e) = fuzz_support::roundtrip_698(&spec) {
            return Err(TestCaseError::fail(e));
        }
    }

    #[test]
    fn random_bytes_keep_every_invariant(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for (target, harness) in TARGETS {
            if let Err(e) = harness(&bytes) {
                return Err(TestCaseError::fail(format!("{target}: {e}")));
            }
        }
    }

    /// Frame-shaped random input: a start byte, a plausible length and valid checksums, so the
    /// harnesses get past the link layer in this normal build too.
    #[test]
    fn frame_shaped_bytes_keep_every_invariant(
        body in proptest::collection::vec(any::<u8>(), 0..300),
        preamble in 0usize..3,
    ) {
        let mut bytes = vec![0xFE; preamble];
        bytes.push(0x68);
        let length = u16::try_from(body.len() + 1).unwrap();
        bytes.extend(length.to_le_bytes());
        bytes.extend(&body);
        bytes.push(0x16);
        for candidate in std::iter::once(bytes.clone()).chain(fuzz_support::repaired(&bytes)) {
            for (target, harness) in &TARGETS[..4] {
                if let Err(e) = harness(&candidate) {
                    return Err(TestCaseError::fail(format!("{target}: {e}")));
                }
            }
        }
    }
}
