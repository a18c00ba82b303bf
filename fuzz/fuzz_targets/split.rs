//! Fuzz target `split`: `devDataList` array content → the fast splitter against the reference splitter
//! (`frontend_parse::fuzz_support::split`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fep_fuzz::check("split", frontend_parse::fuzz_support::split(data));
});
