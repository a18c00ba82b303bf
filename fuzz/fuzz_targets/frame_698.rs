//! Fuzz target `frame_698`: any bytes → `dlt698::Frame::parse`, its APDU, `decode` and a `Reassembler`
//! (`dlms_result::fuzz_support::frame_698`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fep_fuzz::check("frame_698", dlms_result::fuzz_support::frame_698(data));
});
