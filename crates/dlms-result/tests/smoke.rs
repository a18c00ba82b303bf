//! The test-util feature is visible to integration tests.
#[test]
fn annotated_hex_reader() {
    let bytes =
        dlms_result::test_util::render::read_annotated_hex("68 17 # start, L\n00 43\n").unwrap();
    assert_eq!(bytes, [0x68, 0x17, 0x00, 0x43]);
}
