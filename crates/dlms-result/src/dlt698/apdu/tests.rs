//! Unit tests of the APDU decoders on the published vectors and hand-made edge cases; the
//! fixture suite (`tests/dlt698_fixtures.rs`) covers every vector end to end.

use super::*;
use crate::code::ResultCode;
use crate::test_util::render::read_annotated_hex;

fn hex(s: &str) -> Vec<u8> {
    read_annotated_hex(s).unwrap()
}

fn decode(bytes: &[u8]) -> Result<Apdu<'_>, DecodeError> {
    decode_apdu(bytes, &Limits::default())
}

fn codes(apdu: &Apdu<'_>) -> Vec<(String, Option<u16>, usize)> {
    apdu.results
        .iter()
        .map(|r| {
            (
                r.target.to_string(),
                r.code().map(ResultCode::get),
                r.offset,
            )
        })
        .collect()
}

#[test]
fn get_normal_list_mixed() {
    let bytes = hex(
        "85 02 00 03 20000200 01 01 03 12 096D 12 096E 12 096F 20140200 00 04 200F0200 01 12 1388 00 00",
    );
    let apdu = decode(&bytes).unwrap();
    assert_eq!(apdu.service, "GET-Response-NormalList");
    assert_eq!(
        codes(&apdu),
        [
            ("20000200".into(), None, 4),
            ("20140200".into(), Some(4), 20),
            ("200F0200".into(), None, 26),
        ]
    );
    let Outcome::Data(data) = apdu.results[0].outcome else {
        panic!()
    };
    assert_eq!(data.wire_bytes(), &bytes[9..20]);
    for cut in 0..bytes.len() {
        assert!(decode(&bytes[..cut]).is_err(), "prefix {cut}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    let e = decode(&longer).unwrap_err();
    assert_eq!(
        (e.offset(), e.kind()),
        (bytes.len(), DecodeErrorKind::TrailingBytes { count: 1 })
    );
}

#[test]
fn record_rows_and_road_target() {
    let bytes = hex(
        "85 03 03 50040200 02 00 20210200 00 00100200 01 01 1C 07E0 01 14 00 00 00 01 05 06 00000000 06 00000000 06 00000000 06 00000000 06 00000000 00 00",
    );
    let apdu = decode(&bytes).unwrap();
    assert_eq!(apdu.results.len(), 1);
    assert_eq!(
        apdu.results[0].target,
        Target::Road {
            oad: crate::result::Oad(0x5004_0200),
            columns: 2
        }
    );
    let Outcome::Data(rows) = apdu.results[0].outcome else {
        panic!()
    };
    assert_eq!(rows.len(), 8 + 2 + 25);
    assert_eq!(rows.first_tag(), Some(0x1C));
}

#[test]
fn next_block_dar_is_whole() {
    let bytes = hex("85 05 01 00 0003 00 0A 00 00");
    let apdu = decode(&bytes).unwrap();
    assert_eq!(apdu.service, "GET-Response-Next");
    assert_eq!(apdu.results[0].target, Target::Whole);
    assert_eq!(apdu.results[0].code(), Some(ResultCode::new(10)));
    assert_eq!(apdu.results[0].offset, 7);
}

#[test]
fn set_then_get_and_action_then_get_read_back() {
    let bytes = hex("86 03 01 01 40000200 07 40000200 01 1C 07E7 01 01 00 00 00 00 00");
    let apdu = decode(&bytes).unwrap();
    assert_eq!(apdu.results.len(), 2);
    assert_eq!(apdu.results[0].code(), Some(ResultCode::new(7)));
    assert_eq!(apdu.results[0].section, Section::Main);
    assert_eq!(apdu.results[1].section, Section::ReadBack);
    let bytes = hex(
        "87 03 07 01 00100100 00 00 00100200 01 01 05 06 00000000 06 00000000 06 00000000 06 00000000 06 00000000 00 00",
    );
    let apdu = decode(&bytes).unwrap();
    assert_eq!(apdu.service, "ACTION-Response-ActionThenGetNormalList");
    assert_eq!(
        codes(&apdu),
        [
            ("00100100".into(), Some(0), 4),
            ("00100200".into(), None, 10)
        ]
    );
    assert_eq!(apdu.results[1].section, Section::ReadBack);
}

#[test]
fn follow_report_results_are_marked() {
    let bytes = hex("85 01 42 20010200 01 12 00DC 01 01 01 20010200 00 04 00");
    let apdu = decode(&bytes).unwrap();
    assert_eq!(apdu.results.len(), 2);
    assert_eq!(apdu.results[1].section, Section::FollowReport);
    assert_eq!(apdu.results[1].code(), Some(ResultCode::OBJECT_UNDEFINED));
    let time_tagged = hex("86 01 01 40000200 00 00 01 07E7 01 01 00 00 00 01 0005");
    assert_eq!(decode(&time_tagged).unwrap().results.len(), 1);
}

#[test]
fn security_plain_recurses_with_absolute_offsets() {
    let inner = hex("86 01 01 40000200 21 00 00");
    let mut bytes = vec![0x90, 0x00, u8::try_from(inner.len()).unwrap()];
    bytes.extend(&inner);
    bytes.extend([0x01, 0x00, 0x04, 0xAA, 0xBB, 0xCC, 0xDD]);
    let apdu = decode(&bytes).unwrap();
    assert_eq!(apdu.service, "SECURITY-Response");
    assert_eq!(codes(&apdu), [("40000200".into(), Some(33), 6)]);
    // DAR choice and ciphertext.
    let bytes = hex("90 02 16 00");
    let apdu = decode(&bytes).unwrap();
    assert_eq!(codes(&apdu), [("*".into(), Some(22), 2)]);
    assert!(
        decode(&hex("90 01 01 AA 01 00 01 BB"))
            .unwrap()
            .results
            .is_empty()
    );
    // Nested plaintext beyond the nesting limit.
    let mut nested = hex("90 02 16 00");
    for _ in 0..10 {
        let mut outer = vec![0x90, 0x00, u8::try_from(nested.len()).unwrap()];
        outer.extend(&nested);
        outer.push(0x00);
        nested = outer;
    }
    let e = decode(&nested).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::DepthLimit { max: 4 });
    // An inner APDU that does not fill its octet-string.
    let e = decode(&hex("90 00 05 90 02 16 00 FF 00")).unwrap_err();
    assert_eq!(
        (e.offset(), e.kind()),
        (7, DecodeErrorKind::TrailingBytes { count: 1 })
    );
}

#[test]
fn statuses() {
    let bytes = hex("EE 03 02 00 00");
    let apdu = decode(&bytes).unwrap();
    assert_eq!(
        apdu.status,
        Some(ServiceStatus::Error(crate::status::ErrorType(2)))
    );
    assert!(apdu.results.is_empty());
    let bytes = hex("83 01 00 00 00");
    let apdu = decode(&bytes).unwrap();
    assert_eq!(apdu.status, Some(ServiceStatus::Release(0)));
    let bytes = hex("84 01 07E70101000000 07E70101000001 00 00");
    let apdu = decode(&bytes).unwrap();
    assert_eq!(apdu.service, "RELEASE-Notification");
}

#[test]
fn requests_and_unknown_tags_are_named() {
    assert_eq!(
        decode(&hex("05 01 01 40010200 00")).unwrap().service,
        "GET-Request-Normal"
    );
    assert_eq!(
        decode(&hex("01 00 00 00B4")).unwrap().service,
        "LINK-Request"
    );
    for tag in [0x00u8, 0x04, 0x11, 0x7F, 0x80, 0x91, 0xFF] {
        let bytes = [tag, 1, 2, 3];
        let apdu = decode(&bytes).unwrap();
        assert_eq!(apdu.service, UNKNOWN_APDU);
        assert!(apdu.results.is_empty());
    }
    let e = decode(&hex("85 09 01")).unwrap_err();
    assert_eq!(
        (e.offset(), e.kind()),
        (
            1,
            DecodeErrorKind::InvalidChoice {
                field: "GET-Response",
                value: 9
            }
        )
    );
    let e = decode(&hex("85 01 01 40010200 02 00 00")).unwrap_err();
    assert_eq!(
        (e.offset(), e.kind()),
        (
            7,
            DecodeErrorKind::InvalidChoice {
                field: "Get-Result",
                value: 2
            }
        )
    );
    assert!(decode(&[]).unwrap_err().is_truncated());
}
