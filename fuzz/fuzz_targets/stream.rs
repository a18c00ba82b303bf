//! Fuzz target `stream`: `FrameDecoder` fed in chunk sizes drawn from the first byte, against one piece and `FrameReader`
//! (`dlms_result::fuzz_support::stream`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fep_fuzz::check("stream", dlms_result::fuzz_support::stream(data));
});
