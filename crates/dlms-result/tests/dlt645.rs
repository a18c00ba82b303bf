//! DL/T 645-2007: every ERR byte and SERR word, every function's answers, the frame view, and
//! builder → decode round trips.

use dlms_result::dlt645::{self, Function};
use dlms_result::test_util::dlt645::{
    FrameBuilder, abnormal, acknowledge, read_request, read_response, security_abnormal,
};
use dlms_result::{
    AddressKind, DataEncoding, DataId, Direction, Outcome, Protocol, ResultCode, Target, decode,
};
use proptest::prelude::*;

const METER: [u8; 6] = [0x12, 0x90, 0x78, 0x56, 0x34, 0x12];

/// ERR bit → result code, written out independently of the crate's table.
const ERR_CODES: [u16; 8] = [255, 257, 15, 16, 17, 18, 19, 255];
/// SERR bit → result code.
const SERR_CODES: [u16; 16] = [
    255, 21, 22, 23, 24, 25, 26, 27, 31, 255, 255, 255, 255, 255, 255, 255,
];

fn expected_codes(word: u16, table: &[u16]) -> Vec<u16> {
    let codes: Vec<u16> = (0..table.len())
        .filter(|bit| word & (1 << bit) != 0)
        .map(|bit| table[bit])
        .collect();
    if codes.is_empty() { vec![255] } else { codes }
}

fn codes(frame: &[u8]) -> Vec<u16> {
    let decoded = decode(frame).unwrap();
    assert!(
        decoded
            .results
            .iter()
            .all(|r| r.target == Target::Whole && r.offset == 10)
    );
    decoded
        .results
        .iter()
        .map(|r| r.code().unwrap().get())
        .collect()
}

#[test]
fn every_err_byte_of_every_function() {
    for function in (0u8..32).filter(|&f| f != 0x03) {
        for err in 0..=u8::MAX {
            let frame = abnormal(METER, function, err);
            let decoded = decode(&frame).unwrap();
            assert!(
                decoded.service.ends_with("-abnormal"),
                "{}",
                decoded.service
            );
            assert_eq!(decoded.direction, Direction::FromServer);
            assert_eq!(
                codes(&frame),
                expected_codes(u16::from(err), &ERR_CODES),
                "function {function:#04x} ERR {err:#04x}"
            );
            let (view, _) = dlt645::Frame::parse(&frame).unwrap();
            assert_eq!(view.error_word(), Some(u16::from(err)));
        }
    }
}

#[test]
fn every_serr_word() {
    for serr in 0..=u16::MAX {
        let frame = security_abnormal(METER, serr);
        assert_eq!(
            codes(&frame),
            expected_codes(serr, &SERR_CODES),
            "SERR {serr:#06x}"
        );
    }
    assert_eq!(
        decode(&security_abnormal(METER, 0x08)).unwrap().service,
        "security-abnormal"
    );
}

#[test]
fn every_function_answers() {
    for &function in Function::ALL {
        let code = function.get();
        let frame = FrameBuilder::new(METER, 0x80 | code)
            .data_id(0x0400_0102)
            .data(&[1, 2, 3])
            .build();
        let decoded = decode(&frame).unwrap();
        let name = function.name().unwrap();
        assert_eq!(decoded.service, format!("{name}-response"));
        let [result] = &decoded.results[..] else {
            panic!("{decoded:?}")
        };
        match code {
            0x03 | 0x11 | 0x12 => {
                assert_eq!(result.target, Target::Di(DataId(0x0400_0102)));
                let Outcome::Data(data) = result.outcome else {
                    panic!()
                };
                assert_eq!(data.value_bytes().as_ref(), [1, 2, 3]);
                assert_eq!(result.offset, 10);
            }
            0x13 => {
                assert_eq!(result.target, Target::Whole);
                assert!(matches!(result.outcome, Outcome::Data(d) if d.len() == 7));
            }
            _ => {
                assert_eq!(result.code().map(ResultCode::get), Some(0), "{name}");
                assert_eq!(result.offset, 8);
            }
        }
        let request = FrameBuilder::new(METER, code).data_id(1).build();
        let decoded = decode(&request).unwrap();
        assert_eq!(decoded.service, format!("{name}-request"));
        assert!(decoded.results.is_empty());
        assert_eq!(decoded.direction, Direction::FromClient);
    }
    assert_eq!(
        decode(&acknowledge(METER, 0x14)).unwrap().service,
        "write-data-response"
    );
    assert!(
        decode(&read_request(METER, 0x0001_0000))
            .unwrap()
            .results
            .is_empty()
    );
}

#[test]
fn unknown_functions_are_kept() {
    for code in (0u8..32).filter(|&c| Function::new(c).name().is_none()) {
        let frame = FrameBuilder::new(METER, 0x80 | code).data(&[9, 8]).build();
        let decoded = decode(&frame).unwrap();
        assert_eq!(decoded.service, "unknown-response");
        assert!(matches!(decoded.results[0].outcome, Outcome::Data(d) if d.len() == 2));
    }
}

#[test]
fn frame_view() {
    let frame = FrameBuilder::new([0xAA; 6], 0xB1)
        .data_id(0x0001_0000)
        .data(&[0x11])
        .preamble(2)
        .build();
    let (view, rest) = dlt645::Frame::parse(&frame).unwrap();
    assert!(rest.is_empty());
    assert_eq!(view.preamble_len(), 2);
    assert_eq!(view.frame_len(), frame.len() - 2);
    assert_eq!(view.address().unwrap().kind(), AddressKind::Wildcard);
    assert_eq!(view.address_bytes(), [0xAA; 6]);
    assert!(view.control().has_follow_up());
    assert_eq!(view.control().function(), Function::READ_DATA);
    assert_eq!(view.data().encoding(), DataEncoding::Dlt645);
    assert_eq!(
        view.data().value_bytes().as_ref(),
        [0x00, 0x00, 0x01, 0x00, 0x11]
    );
    assert_eq!(view.data_wire()[0], 0x33);
    assert_eq!(view.checksum(), frame[frame.len() - 2]);
    assert_eq!(view.error_word(), None);
    assert!(format!("{view:?}").contains("read-data-response"));
}

proptest! {
    #[test]
    fn read_answers_round_trip(
        address in any::<[u8; 6]>(),
        id in any::<u32>(),
        value in prop::collection::vec(any::<u8>(), 0..=251),
        preamble in 0usize..5,
    ) {
        let frame = FrameBuilder::new(address, 0x91)
            .data_id(id)
            .data(&value)
            .preamble(preamble)
            .build();
        let decoded = decode(&frame).unwrap();
        prop_assert_eq!(decoded.protocol, Protocol::Dlt645);
        prop_assert_eq!(decoded.preamble_len, preamble);
        prop_assert_eq!(decoded.frame_len, 16 + value.len());
        let server = decoded.server_address.unwrap();
        prop_assert_eq!(server.wire_bytes(), &address[..]);
        prop_assert_eq!(decoded.results.len(), 1);
        let result = decoded.results[0];
        prop_assert_eq!(result.target, Target::Di(DataId(id)));
        prop_assert_eq!(result.offset, preamble + 10);
        let Outcome::Data(data) = result.outcome else { panic!() };
        let values = data.value_bytes();
        prop_assert_eq!(values.as_ref(), &value[..]);
        let shorter = read_response(address, id, &value);
        prop_assert_eq!(&frame[preamble..], &shorter[..]);
    }

    #[test]
    fn any_frame_decodes_or_fails_cleanly(
        address in any::<[u8; 6]>(),
        control in any::<u8>(),
        data in prop::collection::vec(any::<u8>(), 0..=255),
    ) {
        let frame = FrameBuilder::new(address, control).data(&data).build();
        match decode(&frame) {
            Ok(decoded) => prop_assert_eq!(decoded.protocol, Protocol::Dlt645),
            // Only a read answer without its DI can fail.
            Err(e) => prop_assert_eq!(e.kind().name(), "bad_length"),
        }
    }

    #[test]
    fn parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Err(e) = dlt645::Frame::parse(&bytes) {
            prop_assert!(e.offset() <= bytes.len());
        }
    }
}
