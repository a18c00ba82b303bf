//! Output must not depend on the read block size, the thread count or where blocks are read:
//! the element cap and resynchronisation after leading garbage give the same entries and
//! summary whatever the blocks (the fixed `batch` regressions under
//! `fixtures/regressions/batch/`). Nor on how element ends are found: every run here is
//! made with both split modes (`SplitMode`), anchored guesses and exact splitting.

mod common;

use common::{check_identity, fixture_path, run_bytes, serials_of};
use frontend_parse::{DocumentKind, Options, ReadAhead, SplitMode, Summary};

/// Block sizes that cut the inputs below in different places (61 is the fuzz harness's).
const BLOCK_SIZES: [usize; 4] = [1, 61, 4096, 2 << 20];

/// Runs `bytes` with every block size and 1 and 2 threads; asserts that all runs agree and
/// returns the entry lines and summary.
fn same_for_all_blocks(bytes: &[u8], max_element_size: usize) -> (Vec<String>, Summary) {
    same_for_blocks(bytes, max_element_size, &BLOCK_SIZES)
}

/// [`same_for_all_blocks`] with the given block sizes.
fn same_for_blocks(
    bytes: &[u8],
    max_element_size: usize,
    block_sizes: &[usize],
) -> (Vec<String>, Summary) {
    let reference = run_bytes(
        Options {
            threads: 1,
            max_element_size,
            ..Options::default()
        },
        bytes,
    );
    check_identity(&reference.1);
    for &block_size in block_sizes {
        for threads in [1, 2] {
            for read_ahead in [ReadAhead::Thread, ReadAhead::OnDemand] {
                for split in [SplitMode::Anchored, SplitMode::Exact] {
                    let options = Options {
                        threads,
                        block_size,
                        batch_size: 128,
                        max_element_size,
                        read_ahead,
                        split,
                        ..Options::default()
                    };
                    let run = run_bytes(options, bytes);
                    assert_eq!(
                        run, reference,
                        "block size {block_size}, {threads} threads, {read_ahead:?}, {split:?}"
                    );
                }
            }
        }
    }
    reference
}

fn regression(name: &str) -> Vec<u8> {
    let path = fixture_path("regressions/batch").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A fixed `batch` regression: it passes the fuzz harness, and every block size in
/// `block_sizes` (1 and 2 threads each) gives the output of the default blocks.
fn replay_regression(name: &str, block_sizes: &[usize]) -> (Vec<String>, Summary) {
    let bytes = regression(name);
    frontend_parse::fuzz_support::run_batch(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    same_for_blocks(&bytes, 4096, block_sizes)
}

fn element(serial: &str, value_len: usize) -> String {
    format!(
        r#"{{"devSn":"{serial}","succ":"1","dataItem":[{{"dataItemId":"a","responseFlag":0,"value":"{}"}}]}}"#,
        "x".repeat(value_len)
    )
}

#[test]
fn element_over_the_cap_inside_one_block_is_too_large() {
    let cap = 1000;
    let input = format!(
        r#"{{"devDataList":[{},{},{}],"workId":"W"}}"#,
        element("a", 10),
        element("big", cap),
        element("b", 10)
    );
    let (lines, summary) = same_for_all_blocks(input.as_bytes(), cap);
    let offset = input.find(r#"{"devSn":"big""#).unwrap();
    assert_eq!(
        lines
            .iter()
            .filter(|line| line.starts_with("P "))
            .collect::<Vec<_>>(),
        [&format!(
            "P doc=0 el=Some(1) off={offset} TooLarge element larger than {cap} bytes: skipped"
        )]
    );
    assert_eq!((summary.elements, summary.malformed), (3, 1));
}

#[test]
fn element_exactly_at_the_cap_is_parsed() {
    let probe = element("c", 0).len();
    let cap = element("c", 300).len();
    assert!(cap > probe);
    let input = format!(r#"{{"devDataList":[{}]}}"#, element("c", 300));
    let (_, summary) = same_for_all_blocks(input.as_bytes(), cap);
    assert_eq!((summary.elements_ok, summary.malformed), (1, 0));
    let (_, summary) = same_for_all_blocks(input.as_bytes(), cap - 1);
    assert_eq!((summary.elements_ok, summary.malformed), (0, 1));
}

#[test]
fn deeply_nested_element_over_the_cap_is_too_large() {
    let depth = 5000;
    let input = format!(
        r#"{{"devDataList":[{}{}]}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let (lines, _) = same_for_all_blocks(input.as_bytes(), 4096);
    assert!(lines[0].contains("TooLarge"), "{lines:?}");
}

#[test]
fn fixed_cap_regressions_replay() {
    for name in [
        "element-over-the-cap-in-one-block.bin",
        "duplicate-keys-and-10000-digit-number.bin",
        "json-nested-100000-deep.bin",
    ] {
        let (lines, _) = replay_regression(name, &BLOCK_SIZES);
        assert!(
            lines.iter().any(|line| line.contains("TooLarge")),
            "{name}: {lines:?}"
        );
    }
}

#[test]
fn document_after_leading_garbage_starts_at_its_brace() {
    // Cut at every block size: the `{` after the garbage is a document whatever the blocks.
    let input = r#"this is not{"devDataList":[    ,              ],             ]"#;
    let (lines, summary) = same_for_all_blocks(input.as_bytes(), 4096);
    assert_eq!(
        lines,
        [
            "P doc=0 el=None off=0 Syntax unexpected bytes between documents",
            "P doc=0 el=None off=31 StrayComma stray comma",
            "P doc=0 el=None off=61 Syntax expected a key",
        ]
    );
    assert_eq!(summary.document_list.len(), 1);
    assert_eq!(summary.document_list[0].offset, 11);
}

#[test]
fn ndjson_document_after_damage_is_found_at_any_block_size() {
    // Damage inside a document, then a document on the next line: the line start must be
    // recognised even when the buffer was cut right before it.
    let input = concat!(
        r#"{"devDataList":[{"devSn":"1"},{"devSn":"2","x":[}],"workId":"A"}"#,
        "\n",
        r#"{"devDataList":[{"devSn":"3"}],"workId":"B"}"#,
        "\n",
        r#"{"devDataList":[{"devSn":"4"},{"devSn":"5","x":[}]}"#,
        r#" {"workId":"C","devDataList":[{"devSn":"6"}]}"#
    );
    let (_, summary) = same_for_all_blocks(input.as_bytes(), 4096);
    let offsets: Vec<u64> = summary.document_list.iter().map(|doc| doc.offset).collect();
    let second = u64::try_from(input.find(r#"{"devDataList":[{"devSn":"3""#).unwrap()).unwrap();
    assert!(offsets.contains(&second), "{offsets:?}");
}

#[test]
fn fixed_garbage_regressions_replay() {
    for name in [
        "garbage-then-stray-comma-across-blocks.bin",
        "document-offset-after-garbage-depends-on-blocks.bin",
    ] {
        let (_, summary) = replay_regression(name, &BLOCK_SIZES);
        assert_eq!(summary.document_list[0].offset, 11, "{name}");
    }
}

#[test]
fn unfinished_junk_is_reported_at_its_first_byte_whatever_the_blocks() {
    let junk = format!("文{}\"tail", " ".repeat(6000));
    let input = format!(r#"{{"devDataList":[{}{junk}"#, " ".repeat(3000));
    let (lines, _) = same_for_all_blocks(input.as_bytes(), 4096);
    let at = input.find('文').unwrap();
    assert_eq!(
        problems(&lines),
        [format!(
            "P doc=0 el=Some(0) off={at} Junk not an element: \"文\""
        )]
    );
}

#[test]
fn fixed_resynchronisation_regressions_replay() {
    for name in [
        "oversized-element-then-damage-after-it.bin",
        "garbage-then-many-documents-then-damage.bin",
        "whitespace-run-over-the-cap-before-junk.bin",
        "short-junk-then-spaces-over-the-cap.bin",
    ] {
        let (lines, _) = replay_regression(name, &BLOCK_SIZES);
        assert!(
            problems(&lines)
                .iter()
                .any(|line| line.contains("not an element: ")),
            "{name}: {lines:?}"
        );
    }
}

/// How the generated documents end: outer keys after the array (which an anomaly inside it
/// must not let count when they are read depends on the blocks), a second array.
const TAILS: [&str; 3] = [
    r#"],"workId":"W"}"#,
    r#"],"code":400,"message":"m","success":false,"workId":"W"}"#,
    r#"],"devDataList":[{"devSn":"t"}],"workId":"W"}"#,
];

/// Pieces of an input: valid elements of any size around the cap, garbage, stray commas,
/// broken elements and line breaks, between and inside documents.
fn piece(kind: u8, size: usize) -> String {
    match kind % 11 {
        0 | 1 => element(&format!("s{size}"), size),
        2 => "garbage ".to_owned(),
        3 => ",".to_owned(),
        4 => "\n".to_owned(),
        5 => r#"{"devSn":"broken","x":[}"#.to_owned(),
        6 => format!(r#"{{"devDataList":[{}"#, element("d", size / 2)),
        // Anchors where no element ends: a nested one in a valid element, one in a broken
        // element (a string that does not close), an element failing before a nested one.
        7 => format!(
            r#"{{"devSn":"n{size}","dataItem":[{{"dataItemId":"a","value":[{{"a":1}},{{"devSn":"x","succ":0}}]}}]}}"#
        ),
        8 => format!(r#"{{"devSn":"q{size}","x":"open}},{{"devSn":"inside","succ":0}}"#),
        9 => format!(r#"{{"devSn":"f{size}","succ":0,"errorCode":"EL001 离线","dataItem":[]}}"#),
        _ => "]}".to_owned(),
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 48,
        ..proptest::prelude::ProptestConfig::default()
    })]

    #[test]
    fn output_does_not_depend_on_blocks(
        prefix in proptest::option::of("[a-z ]{1,20}"),
        pieces in proptest::collection::vec((0u8..11, 0usize..700), 0..12),
        tail in 0usize..TAILS.len(),
    ) {
        let mut input = prefix.unwrap_or_default();
        input.push_str(r#"{"devDataList":["#);
        let body: Vec<String> = pieces.iter().map(|&(kind, size)| piece(kind, size)).collect();
        input.push_str(&body.join(","));
        input.push_str(TAILS[tail]);
        same_for_all_blocks(input.as_bytes(), 512);
    }
}

/// The problem lines of a run.
fn problems(lines: &[String]) -> Vec<&str> {
    lines
        .iter()
        .filter(|line| line.starts_with("P "))
        .map(String::as_str)
        .collect()
}

#[test]
fn key_over_the_limit_is_too_long_whatever_the_blocks() {
    let cap = 300;
    // The limit counts the key with its quotes.
    let input = |key_len: usize| format!(r#"{{"{}":1,"devDataList":[]}}"#, " ".repeat(key_len - 2));
    let (lines, summary) = same_for_all_blocks(input(cap).as_bytes(), cap);
    assert_eq!(problems(&lines), Vec::<&str>::new());
    assert_eq!(summary.document_list.len(), 1);
    for key_len in [cap + 1, cap + 2, 3 * cap, 20 * cap] {
        let (lines, _) = same_for_all_blocks(input(key_len).as_bytes(), cap);
        assert_eq!(
            problems(&lines),
            ["P doc=0 el=None off=1 Syntax key too long"],
            "key of {key_len} bytes"
        );
    }
}

/// A top-level value of `len` bytes.
fn document_value(shape: &str, len: usize) -> String {
    match shape {
        "string" => format!(r#""{}""#, "m".repeat(len - 2)),
        "number" => "9".repeat(len),
        "object" => format!(r#"{{"a":"{}"}}"#, "m".repeat(len - 8)),
        _ => format!("[{}]", " ".repeat(len - 2)),
    }
}

#[test]
fn document_value_over_the_limit_is_too_large_whatever_the_blocks() {
    let cap = 300;
    for shape in ["string", "number", "object", "array"] {
        let input = |len: usize| {
            format!(
                r#"{{"code":400,"message":{},"success":false}}"#,
                document_value(shape, len)
            )
        };
        let offset = input(cap).find(r#""message":"#).unwrap() + 10;
        let (lines, summary) = same_for_all_blocks(input(cap).as_bytes(), cap);
        assert_eq!(problems(&lines), Vec::<&str>::new(), "{shape} at the limit");
        assert_eq!(summary.document_list.len(), 1, "{shape} at the limit");
        for len in [cap + 1, cap + 2, 3 * cap, 20 * cap] {
            let (lines, _) = same_for_all_blocks(input(len).as_bytes(), cap);
            assert_eq!(
                problems(&lines),
                [format!(
                    "P doc=0 el=None off={offset} Syntax document value too large or unterminated"
                )],
                "{shape} of {len} bytes"
            );
        }
    }
}

#[test]
fn fixed_document_limit_regressions_replay() {
    for (name, expected) in [
        (
            "key-over-the-limit-inside-one-block.bin",
            "P doc=0 el=None off=1 Syntax key too long",
        ),
        (
            "envelope-value-over-the-limit-inside-one-block.bin",
            "P doc=0 el=None off=46 Syntax document value too large or unterminated",
        ),
    ] {
        let (lines, _) = replay_regression(name, &BLOCK_SIZES);
        assert_eq!(problems(&lines), [expected], "{name}");
    }
}

#[test]
fn corrupt_gzip_checksum_is_reported_whatever_the_blocks() {
    // Besides the usual sizes, block sizes around the decompressed length (958 bytes), where
    // the checksum error arrives right after the last data block or with it.
    let (lines, summary) = replay_regression(
        "corrupt-gzip-checksum-reported-by-one-block-size.bin",
        &[1, 61, 4096, 2 << 20, 500, 957, 958, 959, 2000],
    );
    assert_eq!(
        problems(&lines),
        [
            "P doc=0 el=Some(0) off=37 InvalidElement invalid JSON at byte 0: InvalidUtf8 at character 0",
            "P doc=1 el=Some(0) off=650 InvalidElement invalid JSON at byte 0: InvalidUtf8 at character 0",
            "P doc=0 el=None off=958 InputError input ends early: corrupt gzip stream does not have a matching checksum",
        ]
    );
    assert_eq!(summary.document_list.len(), 4);
}

#[test]
fn a_bom_cut_by_the_first_blocks_is_still_a_bom() {
    let input = format!("\u{feff}{{\"devDataList\":[{}]}}", element("1", 10));
    let (lines, summary) = same_for_all_blocks(input.as_bytes(), 4096);
    assert!(problems(&lines).is_empty(), "{lines:?}");
    assert_eq!(summary.elements_ok, 1);
}

#[test]
fn a_cut_gzip_stream_ends_at_the_same_byte_whatever_the_blocks() {
    // 4 MiB of output: one-byte blocks would take a minute.
    let (lines, summary) = replay_regression(
        "cut-gzip-stream-read-in-different-sizes.bin",
        &[61, 4096, 2 << 20],
    );
    assert!(
        problems(&lines)
            .iter()
            .any(|line| line.contains("incomplete deflate stream")),
        "{lines:?}"
    );
    assert!(summary.bytes > 4_000_000);
}

#[test]
fn elements_larger_than_the_block_headroom_straddle_blocks_intact() {
    // The unsplit tail of a buffer goes into the next block's 64 KiB headroom when it fits,
    // and into a separate buffer when it does not: elements of 40 KB and 150 KB around
    // 64 KiB blocks take both ways, and the output must not notice.
    let mut input = String::from(r#"{"devDataList":["#);
    for (index, size) in [40_000usize, 150_000, 10, 70_000, 40_000, 200_000, 5]
        .iter()
        .enumerate()
    {
        if index > 0 {
            input.push(',');
        }
        let value = "v".repeat(*size);
        input.push_str(r#"{"devSn":""#);
        input.push_str(&index.to_string());
        input.push_str(r#"","succ":"0","dataItem":[{"dataItemId":"a","responseFlag":3,"value":""#);
        input.push_str(&value);
        input.push_str(r#""}]}"#);
    }
    input.push_str(r#"],"workId":"W"}"#);
    let (lines, summary) =
        same_for_blocks(input.as_bytes(), 1 << 20, &[64 << 10, 100_000, 2 << 20]);
    assert_eq!(summary.elements, 7);
    assert_eq!(summary.malformed, 0);
    assert_eq!(lines.len(), 7, "{lines:?}");
}

/// An element of `items` data items (about 60 bytes each), failed.
fn many_items(serial: usize, items: usize) -> String {
    use std::fmt::Write as _;
    let mut element = format!(r#"{{"devSn":"{serial}","succ":"0","dataItem":["#);
    for item in 0..items {
        if item > 0 {
            element.push(',');
        }
        write!(
            element,
            r#"{{"dataItemId":"{item:08}","responseFlag":{},"value":{{"v":[{item}]}}}}"#,
            item % 3
        )
        .unwrap();
    }
    element.push_str("]}");
    element
}

#[test]
fn elements_past_the_damage_check_are_split_as_they_grow_whatever_the_blocks() {
    // Elements over a megabyte wait for half their length again before they are split once
    // more (not once a block), and the search for damage inside them runs meanwhile: whole
    // elements come out whole, and an unterminated string inside a long one is still found,
    // for any blocks.
    let big = many_items(1, 22_000);
    let bigger = many_items(3, 45_000);
    assert!(big.len() > 1 << 20 && bigger.len() > 2 << 20);
    let mut damaged = many_items(5, 22_000);
    let cut = damaged.find(r#""00010000""#).unwrap();
    damaged.remove(cut + 9);
    let input = format!(
        r#"{{"devDataList":[{},{big},{},{bigger},{},{damaged},{},{}],"workId":"W"}}"#,
        element("0", 10),
        element("2", 10),
        element("4", 10),
        element("6", 10),
        element("7", 10),
    );
    let (lines, summary) =
        same_for_blocks(input.as_bytes(), 16 << 20, &[64 << 10, 256 << 10, 2 << 20]);
    assert_eq!(summary.malformed, 1, "{:?}", summary.malformed_samples);
    assert_eq!(summary.work_ids, ["W"]);
    assert_eq!(serials_of(&lines), ["0", "1", "2", "3", "4", "6", "7"]);
}

#[test]
fn a_read_error_while_a_long_element_grows_comes_after_what_was_read_before_it() {
    // The input ends early (a gzip stream cut 150 KB after a 2 MB element) while the engine
    // reads on to let that element grow: the elements read before the error are reported
    // before it, as when every block is split as it comes (reporting the error when it was
    // read put it right after the first element).
    use std::io::Write as _;
    let mut input = String::from(r#"{"devDataList":["#);
    input.push_str(&element("0", 10));
    input.push(',');
    input.push_str(&many_items(1, 36_000));
    let long_end = input.len();
    for serial in 2..6_000 {
        input.push(',');
        input.push_str(&element(&serial.to_string(), 10));
    }
    input.push_str("]}");
    assert!(long_end > 2 << 20 && input.len() > long_end + 300_000);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder
        .write_all(&input.as_bytes()[..long_end + 150_000])
        .unwrap();
    encoder.flush().unwrap();
    let cut = encoder.get_ref().len();
    encoder
        .write_all(&input.as_bytes()[long_end + 150_000..])
        .unwrap();
    let gz = encoder.finish().unwrap();
    let (lines, summary) = same_for_blocks(&gz[..cut], 16 << 20, &[64 << 10, 256 << 10, 2 << 20]);
    assert!(!summary.is_clean());
    let serials = serials_of(&lines);
    assert!(serials.len() > 1_000, "{}", serials.len());
    assert_eq!(serials[..2], ["0", "1"]);
    let error = lines.iter().position(|line| line.contains("InputError"));
    let last_element = lines.iter().rposition(|line| line.starts_with("E "));
    // Only the last whole element comes after the error: a round holds its last element
    // back until the next event is known, which here is the end of the input.
    assert_eq!(
        error.map(|line| line + 1),
        last_element,
        "error at {error:?}, last element at {last_element:?}"
    );
}

/// Outer keys after an anomaly inside the array/// Outer keys after an anomaly inside the array/// Outer keys after an anomaly inside the array (here an invalid element whose document
/// ends there, the rest of the input skipped) do not make the document an interface
/// error envelope: whether the round had read them when the anomaly was resolved depended
/// on where the blocks ended (found by the `batch` fuzz target:
/// `fixtures/regressions/batch/envelope-key-after-an-anomaly-read-by-one-block-size.bin`).
#[test]
fn keys_after_an_anomaly_count_whatever_the_blocks() {
    let (_, summary) = replay_regression(
        "envelope-key-after-an-anomaly-read-by-one-block-size.bin",
        &[1, 7, 13, 24, 32, 40, 48, 61, 64, 4096],
    );
    assert_eq!(summary.document_list.len(), 1);
    assert_eq!(summary.document_list[0].kind, DocumentKind::Other);
    for tail in [
        r#"],"success":false,"code":400,"message":"m"}"#,
        r#"],"devDataList":[{"devSn":"2"}],"workId":"W"}"#,
        r#"],"workId":"W","code":500}"#,
    ] {
        let input = format!("{{\u{1}{{\"devSn\":\"1\"}},{{\"devSn\":\"\u{1}\"}}\n{{}}{tail}");
        same_for_blocks(input.as_bytes(), 4096, &[1, 5, 16, 29, 37, 61, 4096]);
    }
}

/// An element that fails to parse is local damage when the event after it is an element
/// that parses; a round that held that element back for the next round (so that its own
/// last element has a successor) must still show it as the successor, or the failure would
/// be resynchronised instead, and an NDJSON-looking `{"code":…` on the next line taken for a
/// new document, depending on where blocks end (found by the `batch` fuzz target:
/// `fixtures/regressions/batch/failed-element-before-a-held-back-one.bin`).
#[test]
fn a_failed_element_is_judged_by_its_successor_whatever_the_blocks() {
    let (lines, summary) = replay_regression(
        "failed-element-before-a-held-back-one.bin",
        &[1, 7, 20, 32, 56, 61, 64, 4096],
    );
    assert_eq!(summary.documents, 1, "{lines:?}");
    let input =
        "{\"devDataList\":[{\"cm\"},\r\n{\"code\":\"TK0\",\"succ\":0},{\"devSn\":\"3\"}]}\n";
    let sizes: Vec<usize> = (1..=input.len()).collect();
    let (lines, summary) = same_for_blocks(input.as_bytes(), 4096, &sizes);
    assert_eq!(summary.documents, 1, "{lines:?}");
    assert_eq!(summary.elements, 3, "{lines:?}");
}

/// A failed element whose successor (here the array's `]`) lies past the hold limit (the
/// element cap, 4 096 bytes here), behind a run of whitespace: a round may end before the
/// successor or not, depending on the blocks, so no run uses it, and the failure is
/// judged as damage by every run alike.
#[test]
fn a_failed_element_whose_successor_is_past_the_hold_limit_is_judged_the_same_whatever_the_blocks()
{
    let (lines, summary) = replay_regression(
        "failed-element-then-whitespace-past-the-hold-limit.bin",
        &[1, 7, 61, 64, 4096],
    );
    assert_eq!(summary.malformed, 1, "{lines:?}");
    for (gap, reported_end) in [(4_000, true), (4_100, false), (5_000, false)] {
        let input = format!(
            r#"{{"devDataList":[{{"devSn":"1","x":}}{}]"#,
            " ".repeat(gap)
        );
        let (lines, summary) = same_for_blocks(input.as_bytes(), 4096, &[1, 7, 61, 64, 1000]);
        assert_eq!(summary.malformed, 1, "{gap}: {lines:?}");
        // Within the limit the `]` is used, and the unfinished document is reported.
        assert_eq!(
            summary.structural_errors == 1,
            reported_end,
            "{gap}: {lines:?}"
        );
    }
}

/// Anchors (`},{"devSn"`) where no element ends: nested in a valid element's value, inside a
/// broken element's unclosed string, and after a failing element. The guessed pieces do not
/// read, the engine splits again exactly from them, and the output is the exact split's.
#[test]
fn anchors_where_no_element_ends_give_the_exact_split() {
    let nested = r#"{"devSn":"nested","dataItem":[{"dataItemId":"a","value":[{"a":1},{"devSn":"x","succ":0}]}]}"#;
    let broken = r#"{"devSn":"broken","x":"open},{"devSn":"inside","succ":0}"#;
    let failing = r#"{"devSn":"failing","succ":0,"errorCode":"EL001 离线","dataItem":[]}"#;
    let plain = |n: usize| element(&format!("p{n}"), n);
    let input = format!(
        r#"{{"devDataList":[{},{nested},{},{broken},{},{failing},{nested},{}],"workId":"W"}}"#,
        plain(1),
        plain(2),
        plain(3),
        plain(4),
    );
    let (lines, summary) = same_for_all_blocks(input.as_bytes(), 4096);
    // The nested elements read whole; the broken one is damage, and resynchronisation
    // finds the element its string held.
    assert_eq!(
        serials_of(&lines),
        [
            "p1", "nested", "p2", "inside", "p3", "failing", "nested", "p4"
        ],
        "{lines:?}"
    );
    assert_eq!(summary.malformed, 1, "{lines:?}");
}
