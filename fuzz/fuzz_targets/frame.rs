//! Fuzz target `frame`: any bytes → `dlms_result::decode`, cross-checked with the link layer of the protocol it finds
//! (`dlms_result::fuzz_support::frame`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fep_fuzz::check("frame", dlms_result::fuzz_support::frame(data));
});
