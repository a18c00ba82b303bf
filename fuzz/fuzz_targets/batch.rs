//! Fuzz target `batch`: any bytes → the whole batch engine, 1 and 2 threads, accounting identity
//! (`frontend_parse::fuzz_support::run_batch`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fep_fuzz::check("batch", frontend_parse::fuzz_support::run_batch(data));
});
