//! Fuzz target `roundtrip_698`: a structured DL/T 698.45 response (`arbitrary`) → the
//! `test_util` frame builders → `decode` → the same service, link facts, targets, codes and
//! data (`dlms_result::fuzz_support::roundtrip_698`).
#![no_main]

libfuzzer_sys::fuzz_target!(|spec: fep_fuzz::RoundTrip| {
    let spec = dlms_result::fuzz_support::RoundTrip698::from(&spec);
    fep_fuzz::check(
        "roundtrip_698",
        dlms_result::fuzz_support::roundtrip_698(&spec),
    );
});
