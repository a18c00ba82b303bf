//! Unit tests of the frame-level entry points.

use super::*;
use crate::result::Direction;
use crate::test_util::render::read_annotated_hex;

fn hex(s: &str) -> Vec<u8> {
    read_annotated_hex(s).unwrap()
}

const NORMAL_LIST: &str = "68 33 00 C3 05 00 00 00 00 00 00 00 7A 01 85 02 00 03 20 00 02 00 01 01 03 12 09 6D \
    12 09 6E 12 09 6F 20 14 02 00 00 04 20 0F 02 00 01 12 13 88 00 00 1F 81 16";

#[test]
fn decode_frame_normal_list() {
    let bytes = hex(&format!("FE FE {NORMAL_LIST}"));
    let d = decode_frame::<VERIFY>(&bytes, 2, &Limits::default(), 0, Vec::new()).unwrap();
    assert_eq!(d.service, "GET-Response-NormalList");
    assert_eq!(d.preamble_len, 2);
    assert_eq!(d.frame_len, 53);
    assert_eq!(d.direction, Direction::FromServer);
    assert_eq!(d.results.len(), 3);
    assert_eq!(d.results[0].offset, 2 + 14 + 4);
    assert_eq!(d.results[1].offset, 2 + 14 + 20);
    assert_eq!(
        d.results[1].code(),
        Some(crate::ResultCode::OBJECT_UNDEFINED)
    );
    assert_eq!(probe(&bytes[2..], &Limits::default()), Probe::Frame(53));
}

#[test]
fn probe_classifies_prefixes_and_garbage() {
    let bytes = hex(NORMAL_LIST);
    for cut in 0..bytes.len() {
        assert_eq!(
            probe(&bytes[..cut], &Limits::default()),
            Probe::Incomplete,
            "cut {cut}"
        );
    }
    let mut bad_hcs = bytes.clone();
    bad_hcs[12] ^= 0xFF;
    // As soon as the HCS is there, it decides.
    for cut in 14..=bad_hcs.len() {
        assert!(matches!(
            probe(&bad_hcs[..cut], &Limits::default()),
            Probe::NotAFrame(DecodeErrorKind::HcsMismatch { .. })
        ));
    }
    let small = Limits::default().with_max_frame_len(20);
    assert!(matches!(
        probe(&bytes, &small),
        Probe::NotAFrame(DecodeErrorKind::BadLength { .. })
    ));
    assert!(matches!(
        probe(&[0x16], &Limits::default()),
        Probe::NotAFrame(DecodeErrorKind::BadStart { .. })
    ));
}

#[test]
fn scrambled_response_borrows_the_wire() {
    // GET-Response-Normal 40010200 → octet-string(2) 12 34, scrambled (C = 0xCB).
    let apdu = [
        0x85, 0x01, 0x01, 0x40, 0x01, 0x02, 0x00, 0x01, 0x09, 0x02, 0x12, 0x34, 0x00, 0x00,
    ];
    let bytes = crate::test_util::dlt698::FrameBuilder::response()
        .scrambled(true)
        .build(&apdu);
    let d = decode_frame::<VERIFY>(&bytes, 0, &Limits::default(), 0, Vec::new()).unwrap();
    assert!(d.scrambled);
    assert_eq!(d.service, "GET-Response-Normal");
    let crate::Outcome::Data(data) = d.results[0].outcome else {
        panic!()
    };
    assert_eq!(data.encoding(), crate::DataEncoding::AxdrScrambled);
    let at = d.results[0].offset + 5;
    assert_eq!(data.wire_bytes(), &bytes[at..at + 4]);
    assert_eq!(&*data.value_bytes(), &[0x09, 0x02, 0x12, 0x34]);
}

#[test]
fn data_len_reports_offsets() {
    assert_eq!(data_len(&[0x00], &Limits::default()), Ok(1));
    let e = data_len(&[0x01, 0x02, 0x11, 0x01, 0x07], &Limits::default()).unwrap_err();
    assert_eq!(
        (e.offset(), e.kind()),
        (4, DecodeErrorKind::InvalidDataTag { tag: 7 })
    );
}

/// A scrambled frame decodes as the same frame unscrambled, with its data on the wire bytes,
/// whether its user data is descrambled on the stack or (longer than `SCRAMBLED_ON_STACK`)
/// on the heap, through a `Decoder` whose results list held an earlier frame's results, and
/// with the same error where its APDU does not decode.
#[test]
fn scrambled_frames_decode_as_their_values_on_either_side_of_the_stack_buffer() {
    use crate::test_util::dlt698::{FrameBuilder, GetResult, Response, octet_string};
    let mut decoder = crate::Decoder::new();
    let many: Vec<(u32, GetResult<'_>)> = (0..9).map(|i| (i, GetResult::Dar(4))).collect();
    let earlier = FrameBuilder::response().build(&Response::get_normal_list(&many).finish());
    let lengths = (0..=300).chain([500, 1000]);
    for len in lengths {
        let content: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
        let data = octet_string(&content);
        let items = [
            (0x4001_0200, GetResult::Data(&data)),
            (0x2000_0201, GetResult::Dar(0x21)),
        ];
        let apdu = Response::get_normal_list(&items).finish();
        // The whole APDU, and one cut inside the octet string (an error in the APDU).
        let cut = apdu.len().saturating_sub(8).max(1);
        for apdu in [&apdu[..], &apdu[..cut]] {
            let plain = FrameBuilder::response().build(apdu);
            let scrambled = FrameBuilder::response().scrambled(true).build(apdu);
            let expected = crate::decode(&plain);
            let kept = decoder.decode(&earlier).unwrap();
            decoder.recycle(kept);
            for got in [crate::decode(&scrambled), decoder.decode(&scrambled)] {
                match (&expected, got) {
                    (Err(e), Err(g)) => {
                        assert_eq!((e.offset(), e.kind()), (g.offset(), g.kind()), "len {len}");
                    }
                    (Ok(e), Ok(g)) => {
                        assert!(g.scrambled);
                        assert_eq!((g.service, g.frame_len), (e.service, e.frame_len));
                        assert_eq!(g.results.len(), e.results.len(), "len {len}");
                        for (g, e) in g.results.iter().zip(&e.results) {
                            assert_eq!(
                                (g.offset, g.target, g.code()),
                                (e.offset, e.target, e.code())
                            );
                            if let (crate::Outcome::Data(g), crate::Outcome::Data(e)) =
                                (g.outcome, e.outcome)
                            {
                                assert_eq!(g.encoding(), crate::DataEncoding::AxdrScrambled);
                                assert_eq!(&*g.value_bytes(), e.wire_bytes(), "len {len}");
                                let at =
                                    g.wire_bytes().as_ptr() as usize - scrambled.as_ptr() as usize;
                                assert_eq!(g.wire_bytes(), &scrambled[at..at + e.len()]);
                            }
                        }
                    }
                    (e, g) => panic!("len {len}: {e:?} against {g:?}"),
                }
            }
        }
    }
}
