//! Fuzz target `data`: any bytes → the `Data` walker `dlt698::data_len`
//! (`dlms_result::fuzz_support::data`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fep_fuzz::check("data", dlms_result::fuzz_support::data(data));
});
