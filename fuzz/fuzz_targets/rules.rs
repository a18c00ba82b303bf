//! Fuzz target `rules`: any text → `RuleSet::with_overrides`, diagnostics inside the text, dump round trip
//! (`classify::fuzz_support::rules`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fep_fuzz::check("rules", classify::fuzz_support::rules(data));
});
