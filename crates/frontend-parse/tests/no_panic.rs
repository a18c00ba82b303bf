//! Arbitrary bytes never panic anything, and the fast splitter always agrees with the
//! reference one.

use frontend_parse::fuzz_support;
use proptest::prelude::*;

/// Bytes drawn mostly from JSON's structural characters, so that the interesting paths
/// (strings, escapes, nesting, gaps) are hit often.
fn jsonish() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(b"{}[]\",:\\ \n0aex".to_vec()),
            any::<u8>(),
        ],
        0..400,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn splitters_agree(data in jsonish()) {
        prop_assert!(fuzz_support::split(&data).is_ok(), "{:?}", fuzz_support::split(&data));
    }

    #[test]
    fn element_readers_agree_and_never_panic(data in jsonish()) {
        let reading = fuzz_support::parse_element(&data);
        prop_assert!(reading.is_ok(), "{:?}", reading);
    }

    #[test]
    fn text_parser_never_panics(text in ".{0,80}", suffix in "(TK013|EA002 |ET003|XY12)?[，,：:{}\\[\\]［］｛｝xxx 0-9]{0,20}") {
        prop_assert!(fuzz_support::parse_text(&text).is_ok());
        let joined = format!("{suffix}{text}");
        prop_assert!(fuzz_support::parse_text(&joined).is_ok());
    }

    #[test]
    fn engine_never_panics(data in jsonish()) {
        let wrapped = [b"{\"devDataList\":[".as_slice(), &data].concat();
        prop_assert!(fuzz_support::run_batch(&wrapped).is_ok(), "{:?}", fuzz_support::run_batch(&wrapped));
        prop_assert!(fuzz_support::run_batch(&data).is_ok());
    }
}

#[test]
fn splitter_agrees_on_long_generated_batches() {
    use frontend_parse::synth::{SynthOptions, write_batch};
    let mut bytes = Vec::new();
    write_batch(
        &SynthOptions {
            elements: 300,
            ..SynthOptions::default()
        },
        &mut bytes,
    )
    .unwrap();
    let start = bytes.iter().position(|&b| b == b'[').unwrap() + 1;
    assert!(fuzz_support::split(&bytes[start..]).unwrap() >= 300);
}
