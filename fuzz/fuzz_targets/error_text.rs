//! Fuzz target `error_text`: any text (invalid UTF-8 replaced) → the front-end error-text and
//! interface-message parsers; every extracted value is a slice of the text
//! (`frontend_parse::fuzz_support::parse_text`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    fep_fuzz::check(
        "error_text",
        frontend_parse::fuzz_support::parse_text(&text),
    );
});
