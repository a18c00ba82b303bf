//! Batch throughput, every stage compared in one run on the same in-memory `fep gen` batch
//! (targets in `docs/performance.md`, "Batch"):
//!
//! - `split`: the element splitter alone (the floor of the whole pipeline, per core);
//! - `engine_noop/{1,2}`: the engine (split, element scan, failure extraction) with a closure
//!   that does nothing, on 1 and 2 worker threads; `engine_noop_exact/{1,2}` the same with
//!   every element end found by the exact splitter (`SplitMode::Exact`) instead of guessed
//!   from the next element's anchor;
//! - `fep_batch/{1,2}`: the whole `fep batch` path (classification and JSONL records, written
//!   to a sink) on 1 and 2 threads;
//! - `serde_json_whole_document`: the baseline people use today, a typed `serde_json` parse of
//!   the whole document into borrowed structs holding the same fields;
//! - `long_elements/{fep_batch/{1,2},serde_json_whole_document}`: the same on six elements of
//!   over a megabyte each, which the engine splits and checks for damage as they grow;
//! - `value_kinds/<kind>`: `fep batch` on one thread over successful elements whose values are
//!   all of one kind (the escaped and raw texts, objects, arrays and numbers of
//!   `docs/performance.md`, "Escaped and non-ASCII strings"), to show what each costs;
//! - `error_texts/<text>`: one front-end error text parsed (code, template, parameters,
//!   details), written with the template's punctuation, with full-width punctuation, and
//!   with parameters.
//!
//! `cargo bench --bench batch` (add `-- --quick` for a short run). The input is generated in
//! memory and small (about 15 MB; `FEP_BENCH_BATCH_ELEMENTS=N` for another size) so that
//! `cargo test --benches` stays fast; the 1 GB end-to-end figures of `docs/performance.md` come
//! from `fep gen` files and `/usr/bin/time -v fep batch`.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::hint::black_box;
use std::io;
use std::marker::PhantomData;

use clap::Parser;
use criterion::measurement::WallTime;
use criterion::{
    BatchSize, BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main,
};
use fep::cli::{Cli, Command};
use fep::commands::batch::run_in_memory;
use frontend_parse::synth::{SynthOptions, write_batch};
use frontend_parse::text::parse_error_text;
use frontend_parse::{Engine, Entry, Input, Options, SplitMode};
use serde::de::{self, IgnoredAny, Visitor};
use serde::{Deserialize, Deserializer};

/// About 15 MB: 12,000 elements of 5–20 items, 30 % failing (the `fep gen` defaults), enough
/// for the engine to read several blocks and overlap splitting with parsing.
const DEFAULT_ELEMENTS: u64 = 12_000;

/// `FEP_BENCH_BATCH_ELEMENTS=N` changes the input size (the generated batch stays in memory).
fn elements() -> u64 {
    std::env::var("FEP_BENCH_BATCH_ELEMENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_ELEMENTS)
}

fn input(elements: u64) -> Vec<u8> {
    generate(&SynthOptions {
        elements,
        seed: 7,
        failure_rate: 0.3,
        items_per_element: (5, 20),
        documents: 1,
    })
}

/// A `fep gen` batch in memory.
fn generate(options: &SynthOptions) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_batch(options, &mut bytes).expect("writing to a Vec cannot fail");
    bytes
}

/// `succ`, `responseFlag`, `frameNum`: a string, a number or a boolean (read
/// tolerantly, as the engine does), kept as text so the baseline does no more work than reading it.
#[derive(Debug)]
#[expect(dead_code, reason = "the baseline only builds the values")]
enum Flex<'a> {
    Text(Cow<'a, str>),
    Int(i64),
    UInt(u64),
    Float(f64),
    Bool(bool),
    Null,
}

impl<'de: 'a, 'a> Deserialize<'de> for Flex<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FlexVisitor<'a>(PhantomData<Flex<'a>>);
        impl<'de: 'a, 'a> Visitor<'de> for FlexVisitor<'a> {
            type Value = Flex<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, a number, a boolean or null")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Flex<'a>, E> {
                Ok(Flex::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flex<'a>, E> {
                Ok(Flex::Text(Cow::Owned(v.to_owned())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Flex<'a>, E> {
                Ok(Flex::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Flex<'a>, E> {
                Ok(i64::try_from(v).map_or(Flex::UInt(v), Flex::Int))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Flex<'a>, E> {
                Ok(Flex::Float(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flex<'a>, E> {
                Ok(Flex::Bool(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Flex<'a>, E> {
                Ok(Flex::Null)
            }
        }
        deserializer.deserialize_any(FlexVisitor(PhantomData))
    }
}

/// The whole document, typed, with the fields `fep batch` reads (values skipped).
#[derive(Debug, Deserialize)]
#[expect(dead_code, reason = "the baseline only builds the values")]
struct Document<'a> {
    #[serde(rename = "devDataList", borrow)]
    dev_data_list: Vec<DevData<'a>>,
    #[serde(rename = "workId", borrow)]
    work_id: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[expect(dead_code, reason = "the baseline only builds the values")]
struct DevData<'a> {
    #[serde(borrow)]
    dev_sn: Option<Cow<'a, str>>,
    #[serde(borrow)]
    comm_dev_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    dev_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    cmd_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    error_code: Option<Cow<'a, str>>,
    #[serde(borrow)]
    succ: Option<Flex<'a>>,
    #[serde(borrow)]
    frame_num: Option<Flex<'a>>,
    #[serde(default, borrow)]
    data_item: Vec<Item<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[expect(dead_code, reason = "the baseline only builds the values")]
struct Item<'a> {
    #[serde(borrow)]
    data_item_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    response_flag: Option<Flex<'a>>,
    value: Option<IgnoredAny>,
}

/// `fep batch --quiet --now 1700000000 --threads N -` as the command line parses it.
fn batch_args(threads: usize) -> fep::cli::BatchArgs {
    let threads = threads.to_string();
    let cli = Cli::try_parse_from([
        "fep",
        "batch",
        "--quiet",
        "--progress",
        "never",
        "--now",
        "1700000000",
        "--threads",
        &threads,
    ])
    .expect("a valid command line");
    match cli.command {
        Command::Batch(args) => args,
        _ => unreachable!("parsed as batch"),
    }
}

fn bench(c: &mut Criterion) {
    let elements = elements();
    let element_count = usize::try_from(elements).expect("an in-memory batch");
    let data = input(elements);
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.sample_size(10);

    let array = data
        .iter()
        .position(|&b| b == b'[')
        .map_or(0, |open| open + 1);
    let events = frontend_parse::fuzz_support::split_fast_count(&data[array..]);
    assert!(events >= element_count, "the splitter finds every element");
    group.bench_function("split", |b| {
        b.iter(|| frontend_parse::fuzz_support::split_fast_count(black_box(&data[array..])));
    });

    for (threads, split, name) in [
        (1, SplitMode::Anchored, "engine_noop"),
        (2, SplitMode::Anchored, "engine_noop"),
        (1, SplitMode::Exact, "engine_noop_exact"),
        (2, SplitMode::Exact, "engine_noop_exact"),
    ] {
        let engine = Engine::new(Options {
            threads,
            split,
            ..Options::default()
        })
        .expect("a thread pool");
        let summary = engine
            .summarize([Input::bytes("batch", data.clone())])
            .expect("in-memory input");
        assert_eq!(summary.elements, elements);
        assert_eq!(summary.malformed, 0);
        group.bench_function(format!("{name}/{threads}"), |b| {
            b.iter_batched(
                || Input::bytes("batch", data.clone()),
                |input| {
                    engine
                        .run([input], |_: &Entry<'_>, (): &mut ()| {}, &mut |(): ()| {
                            Ok(())
                        })
                        .expect("in-memory input")
                },
                BatchSize::LargeInput,
            );
        });
    }

    bench_fep_batch(&mut group, &data, element_count / 10);
    let document: Document<'_> = serde_json::from_slice(&data).expect("a valid batch");
    assert_eq!(document.dev_data_list.len(), element_count);
    drop(document);
    bench_serde_json(&mut group, &data);
    group.finish();
}

/// `fep_batch/{1,2}`: the whole `fep batch` path over `data`, checked first to be clean and
/// to write more than `min_records` records.
fn bench_fep_batch(group: &mut BenchmarkGroup<'_, WallTime>, data: &[u8], min_records: usize) {
    for threads in [1, 2] {
        let args = batch_args(threads);
        let mut records = Vec::new();
        let status = run_in_memory(
            &args,
            vec![Input::bytes("batch", data.to_vec())],
            &mut records,
        );
        assert_eq!(status, fep::exit::Status::Clean);
        assert!(records.split(|&b| b == b'\n').count() > min_records);
        bench_run(group, &format!("fep_batch/{threads}"), &args, data);
    }
}

/// One benchmark of `fep batch` with `args` over `data`, the input copied for each run.
fn bench_run(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    args: &fep::cli::BatchArgs,
    data: &[u8],
) {
    group.bench_function(id, |b| {
        b.iter_batched(
            || vec![Input::bytes("batch", data.to_vec())],
            |inputs| run_in_memory(args, inputs, io::sink()),
            BatchSize::LargeInput,
        );
    });
}

/// `serde_json_whole_document`: the typed `serde_json` baseline over `data`.
fn bench_serde_json(group: &mut BenchmarkGroup<'_, WallTime>, data: &[u8]) {
    group.bench_function("serde_json_whole_document", |b| {
        b.iter(|| {
            let document: Document<'_> =
                serde_json::from_slice(black_box(data)).expect("a valid batch");
            document.dev_data_list.len()
        });
    });
}

/// Elements longer than the engine's damage check (1 MiB): six of 20 000–24 000 items, about
/// 9 MB. Such an element is read, split and searched for damage as it grows, over many
/// blocks (`docs/performance.md`, "Long elements").
fn long_elements(c: &mut Criterion) {
    let data = generate(&SynthOptions {
        elements: 6,
        seed: 11,
        failure_rate: 0.3,
        items_per_element: (20_000, 24_000),
        documents: 1,
    });
    let mut group = c.benchmark_group("long_elements");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.sample_size(10);
    bench_fep_batch(&mut group, &data, 1_000);
    bench_serde_json(&mut group, &data);
    group.finish();
}

/// The value kinds of `value_kinds`, each as the JSON text of one value.
const VALUE_KINDS: [(&str, &str); 6] = [
    ("number", "59165.17"),
    ("numeric_string", r#""243485852""#),
    // As `ensure_ascii` writers send Chinese text: nearly all escapes.
    (
        "ensure_ascii_text",
        r#""\u6e29\u5ea6 25\u00b0C, \"ok\" \\ path\\x""#,
    ),
    ("raw_chinese_text", r#""温度传感器故障""#),
    (
        "flat_object",
        r#"{"time":"2023-03-14 00:00:00","total":61310,"rates":[743,266,506,306]}"#,
    ),
    ("number_array", "[743.2,266.1]"),
];

/// A batch of `elements` successful elements of twelve items whose values are all `value`.
fn value_batch(value: &str, elements: u64) -> Vec<u8> {
    let item = format!(r#"{{"dataItemId":"2014-10200-000","responseFlag":0,"value":{value}}}"#);
    let items = vec![item; 12].join(",");
    let mut text = String::from(r#"{"devDataList":["#);
    for index in 0..elements {
        if index > 0 {
            text.push(',');
        }
        write!(
            text,
            r#"{{"cmdType":"GET_REQUEST_NORMAL","commDevId":"{}","dataItem":[{items}],"devSn":"8000000042655584","devType":"METER","endTime":"2023-03-14 16:08:22","frameNum":3,"operator":"464512747540251462","rop":"1/4","startTime":"2023-03-14 16:07:48","succ":1}}"#,
            1_147_186_138 + index
        )
        .expect("writing to a String cannot fail");
    }
    text.push_str("]}");
    text.into_bytes()
}

/// `value_kinds/<kind>`: one thread, 2 000 elements of each kind (2–4 MB).
fn value_kinds(c: &mut Criterion) {
    let mut group = c.benchmark_group("value_kinds");
    group.sample_size(10);
    let args = batch_args(1);
    for (kind, value) in VALUE_KINDS {
        let data = value_batch(value, 2_000);
        let mut records = Vec::new();
        let status = run_in_memory(&args, vec![Input::bytes(kind, data.clone())], &mut records);
        assert_eq!(status, fep::exit::Status::Clean, "{kind}");
        assert!(records.is_empty(), "{kind}: every element succeeds");
        group.throughput(Throughput::Bytes(data.len() as u64));
        bench_run(&mut group, kind, &args, &data);
    }
    group.finish();
}

/// The texts of `error_texts`: each failing element carries one.
const ERROR_TEXTS: [(&str, &str); 4] = [
    (
        "template_punctuation",
        "TK013前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效]}",
    ),
    (
        "full_width_punctuation",
        "TK013 前置返回对象的数据单元返回结果码异常，异常内容｛［拒绝读写］，［暂时失效］｝",
    ),
    (
        "parameters",
        "EA001 任务对应设备在通信层无档案，设备类型METER,设备 ID:8000000042769984请下装档案后重新发送",
    ),
    (
        "trailing_value",
        "ET003 通信层短时间内任务队列达到接收限值，当前队列长度120",
    ),
];

/// `error_texts/<text>`: `parse_error_text`, and the details read, as records use them.
fn error_texts(c: &mut Criterion) {
    let mut group = c.benchmark_group("error_texts");
    for (name, text) in ERROR_TEXTS {
        let parsed = parse_error_text(text);
        assert!(parsed.template_matched, "{name}");
        group.throughput(Throughput::Elements(1));
        group.bench_function(name, |b| {
            b.iter(|| {
                let parsed = parse_error_text(black_box(text));
                parsed.params.len() + parsed.details().count()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench, long_elements, value_kinds, error_texts);
criterion_main!(benches);
