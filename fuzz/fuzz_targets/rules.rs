//! Fuzz target `rules`: any text → a rule file layered on the builtin table's settings, presets
//! and fallbacks (`RuleSet::from_layers`), diagnostics inside the text, dump round trip
//! (`classify::fuzz_support::rules_compact`; the seed replay also runs it over the whole
//! builtin table, as `RuleSet::with_overrides` does).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fep_fuzz::check("rules", classify::fuzz_support::rules_compact(data));
});
