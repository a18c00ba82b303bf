//! Fuzz target `frame_645`: any bytes → `dlt645::Frame::parse` and `decode`
//! (`dlms_result::fuzz_support::frame_645`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fep_fuzz::check("frame_645", dlms_result::fuzz_support::frame_645(data));
});
