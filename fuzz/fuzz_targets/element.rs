//! Fuzz target `element`: any bytes → one `devDataList` element, read by the fast scanner and
//! by simd-json alone (they must agree), and its failures under both response-flag readings
//! (`frontend_parse::fuzz_support::parse_element`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fep_fuzz::check("element", frontend_parse::fuzz_support::parse_element(data));
});
