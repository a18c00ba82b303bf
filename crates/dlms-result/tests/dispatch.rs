//! Tests of the protocol dispatcher (`decode`): frames whose bytes happen to match another
//! protocol's shape still decode as what they are, damaged frames report their own
//! protocol's error, and no input panics.

use dlms_result::test_util::dlt698::{FrameBuilder as Builder698, GetResult, Response};
use dlms_result::test_util::{dlt645, gdw1376};
use dlms_result::{AddressKind, DecodeErrorKind, Protocol, ResultCode, decode};
use proptest::prelude::*;

/// A DL/T 698.45 GET-Response whose server address puts `68` at byte 7 (the DL/T 645 shape
/// `68 A0…A5 68`) — and, with `at5`, also at byte 5 (the Q/GDW 1376.1 shape `68 L L 68`).
fn dlt698_lookalike(at5: bool) -> Vec<u8> {
    let address = if at5 {
        [0x68, 0x00, 0x68, 0x00, 0x00, 0x00]
    } else {
        [0x01, 0x00, 0x68, 0x00, 0x00, 0x00]
    };
    let apdu = Response::get_normal(0x4000_0200, GetResult::Dar(4)).finish();
    Builder698::response()
        .address(AddressKind::Single, 0, &address)
        .build(&apdu)
}

#[test]
fn a_dlt698_frame_that_looks_like_dlt645_still_decodes() {
    for at5 in [false, true] {
        let frame = dlt698_lookalike(at5);
        assert_eq!(frame[7], 0x68);
        let decoded = decode(&frame).unwrap();
        assert_eq!(decoded.protocol, Protocol::Dlt698);
        assert_eq!(decoded.results[0].code().map(ResultCode::get), Some(4));
    }
}

#[test]
fn a_damaged_lookalike_reports_its_own_error() {
    let mut frame = dlt698_lookalike(false);
    let fcs = frame.len() - 3;
    frame[fcs] ^= 0xFF;
    let e = decode(&frame).unwrap_err();
    assert!(
        matches!(e.kind(), DecodeErrorKind::FcsMismatch { .. }),
        "{e}"
    );
    assert_eq!(e.offset(), fcs);
}

#[test]
fn a_dlt645_frame_that_looks_like_gdw1376_still_decodes() {
    // Address bytes 12 34 12 34 68 99: `68 12 34 12 34 68` is the Q/GDW 1376.1 shape.
    let frame = dlt645::abnormal([0x12, 0x34, 0x12, 0x34, 0x68, 0x99], 0x11, 0x02);
    assert_eq!((frame[1] & 3, frame[5]), (2, 0x68));
    let decoded = decode(&frame).unwrap();
    assert_eq!(decoded.protocol, Protocol::Dlt645);
    assert_eq!(
        decoded.server_address.unwrap().to_string(),
        "9968341234 12".replace(' ', "")
    );
    // Damaged, it reports the DL/T 645 checksum, not a Q/GDW 1376.1 length error.
    let mut bad = frame.clone();
    bad[11] ^= 1;
    let e = decode(&bad).unwrap_err();
    assert!(
        matches!(e.kind(), DecodeErrorKind::ChecksumMismatch { .. }),
        "{e}"
    );
    assert_eq!(e.offset(), 11);
}

#[test]
fn damaged_frames_report_their_own_protocol() {
    let mut f645 = dlt645::read_response([1, 2, 3, 4, 5, 6], 0x0001_0000, &[1, 2, 3, 4]);
    let cs = f645.len() - 2;
    f645[cs] ^= 1;
    assert!(matches!(
        decode(&f645).unwrap_err().kind(),
        DecodeErrorKind::ChecksumMismatch { .. }
    ));
    let mut f1376 = gdw1376::deny_all().build();
    f1376[3] ^= 0x04;
    assert!(matches!(
        decode(&f1376).unwrap_err().kind(),
        DecodeErrorKind::LengthFieldsDiffer { .. }
    ));
    let f1376 = gdw1376::deny_all().build();
    let e = decode(&f1376[..f1376.len() - 1]).unwrap_err();
    assert!(e.is_truncated(), "{e}");
}

#[test]
fn preambles_starts_and_trailing_bytes() {
    assert_eq!(decode(&[]).unwrap_err().kind(), DecodeErrorKind::NoFrame);
    let e = decode(&[0xFE, 0xFE]).unwrap_err();
    assert_eq!(
        (e.offset(), e.kind()),
        (2, DecodeErrorKind::Truncated { needed: 1 })
    );
    let e = decode(&[0xFE, 0x10]).unwrap_err();
    assert_eq!(
        (e.offset(), e.kind()),
        (1, DecodeErrorKind::BadStart { found: 0x10 })
    );
    let mut frame = dlt645::acknowledge([1, 0, 0, 0, 0, 0], 0x14);
    frame.push(0x00);
    let e = decode(&frame).unwrap_err();
    assert_eq!(
        (e.offset(), e.kind()),
        (12, DecodeErrorKind::TrailingBytes { count: 1 })
    );
    let frame = gdw1376::confirm_all().preamble(3).build();
    let decoded = decode(&frame).unwrap();
    assert_eq!((decoded.preamble_len, decoded.frame_len), (3, 20));
    assert_eq!(decoded.results[0].offset, 3 + 14);
}

/// A valid frame of one of the three protocols.
fn any_frame() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        (
            any::<[u8; 6]>(),
            any::<u8>(),
            prop::collection::vec(any::<u8>(), 0..40)
        )
            .prop_map(|(a, c, d)| dlt645::FrameBuilder::new(a, c).data(&d).build()),
        (
            any::<u8>(),
            any::<u8>(),
            any::<u8>(),
            prop::collection::vec(any::<u8>(), 0..40)
        )
            .prop_map(|(c, afn, seq, d)| gdw1376::FrameBuilder::new(c, afn)
                .seq(seq & 0x7F)
                .data(&d)
                .build()),
        (any::<u32>(), any::<u8>()).prop_map(|(oad, dar)| Builder698::response()
            .build(&Response::get_normal(oad, GetResult::Dar(dar)).finish())),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Err(e) = decode(&bytes) {
            prop_assert!(e.offset() <= bytes.len());
        }
    }

    #[test]
    fn bytes_after_a_start_byte_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut framed = vec![0x68];
        framed.extend_from_slice(&bytes);
        if let Err(e) = decode(&framed) {
            prop_assert!(e.offset() <= framed.len());
        }
    }

    #[test]
    fn damaged_frames_never_panic(frame in any_frame(), at in any::<usize>(), xor in 1u8..) {
        let mut damaged = frame.clone();
        let at = at % damaged.len();
        damaged[at] ^= xor;
        if let Err(e) = decode(&damaged) {
            prop_assert!(e.offset() <= damaged.len());
        }
        for end in 0..frame.len() {
            prop_assert!(decode(&frame[..end]).is_err());
        }
    }
}
