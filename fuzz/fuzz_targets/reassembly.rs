//! Fuzz target `reassembly`: link-layer fragments → `Reassembler`, against a reference model
//! (`dlms_result::fuzz_support::reassembly`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fep_fuzz::check("reassembly", dlms_result::fuzz_support::reassembly(data));
});
