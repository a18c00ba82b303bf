//! Fuzz target `element`: any bytes → one `devDataList` element and its failures under both
//! response-flag readings (`frontend_parse::fuzz_support::parse_element`); the harness must
//! not panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = frontend_parse::fuzz_support::parse_element(data);
});
