//! Fuzz target `apdu`: any bytes → `dlt698::decode_apdu` under default and small limits
//! (`dlms_result::fuzz_support::apdu`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fep_fuzz::check("apdu", dlms_result::fuzz_support::apdu(data));
});
