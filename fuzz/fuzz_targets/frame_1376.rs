//! Fuzz target `frame_1376`: any bytes → `gdw1376::Frame::parse` and `decode`
//! (`dlms_result::fuzz_support::frame_1376`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fep_fuzz::check("frame_1376", dlms_result::fuzz_support::frame_1376(data));
});
