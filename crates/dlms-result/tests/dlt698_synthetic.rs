//! Synthetic DL/T 698.45 coverage built with the test frame builder: every DAR byte 0–255 in
//! every position a DAR can take, through whole frames decoded by `dlms_result::decode`.

use dlms_result::test_util::dlt698::{
    FrameBuilder, GetResult, Response, TransResult, security_dar, security_plain, tsa,
};
use dlms_result::{
    Address, Dar, DataEncoding, Decoded, Limits, Oad, Omd, Outcome, Protocol, ResultCode, Section,
    Target, dlt698,
};

const ALL_DARS: core::ops::RangeInclusive<u8> = 0..=u8::MAX;

fn decode_borrowed(frame: &[u8]) -> Decoded<'_> {
    dlms_result::decode(frame).unwrap_or_else(|e| panic!("{e}: {frame:02X?}"))
}

/// The facts of a decoding, owned, so frames can be built and checked in one expression.
#[derive(Debug)]
struct Checked {
    service: &'static str,
    server_address: Option<Address>,
    client_address: Option<u8>,
    results: Vec<Item>,
}

#[derive(Debug, Clone, Copy)]
struct Item {
    target: Target,
    offset: usize,
    section: Section,
    via: Option<dlms_result::Via>,
    code: Option<ResultCode>,
    data: Option<usize>,
}

impl Item {
    fn code(&self) -> Option<ResultCode> {
        self.code
    }
}

impl Checked {
    fn failures(&self) -> impl Iterator<Item = &Item> {
        self.results
            .iter()
            .filter(|r| r.code.is_some_and(|c| !c.is_success()))
    }
}

fn decode(frame: &[u8]) -> Checked {
    let d = decode_borrowed(frame);
    Checked {
        service: d.service,
        server_address: d.server_address,
        client_address: d.client_address,
        results: d
            .results
            .iter()
            .map(|r| Item {
                target: r.target,
                offset: r.offset,
                section: r.section,
                via: r.via,
                code: r.code(),
                data: match r.outcome {
                    Outcome::Data(data) => Some(data.len()),
                    _ => None,
                },
            })
            .collect(),
    }
}

// Wrapped like `AccessResult::code`, so results compare directly.
#[allow(clippy::unnecessary_wraps)]
fn code(byte: u8) -> Option<ResultCode> {
    Some(ResultCode::from(Dar::new(byte)))
}

/// Offset of the APDU in a frame from `FrameBuilder::response()` (6-byte SA).
const APDU_AT: usize = 14;

#[test]
fn get_normal_list_every_dar() {
    for dar in ALL_DARS {
        let apdu = Response::get_normal_list(&[
            (0x2000_0200, GetResult::Data(&[0x12, 0x09, 0x6D])),
            (0x2014_0200, GetResult::Dar(dar)),
        ])
        .finish();
        let frame = FrameBuilder::response().build(&apdu);
        let d = decode(&frame);
        assert_eq!(d.service, "GET-Response-NormalList");
        assert_eq!(d.results.len(), 2);
        assert_eq!(d.results[0].code(), None);
        let r = &d.results[1];
        assert_eq!(r.code(), code(dar), "DAR {dar}");
        assert_eq!(r.target, Target::Oad(Oad(0x2014_0200)));
        assert_eq!(r.offset, APDU_AT + 4 + 4 + 4);
        assert_eq!(&frame[r.offset..r.offset + 4], [0x20, 0x14, 0x02, 0x00]);
        assert_eq!(d.failures().count(), usize::from(dar != 0));
    }
}

#[test]
fn get_normal_and_record_and_next_every_dar() {
    for dar in ALL_DARS {
        let apdu = Response::get_normal(0x4001_0200, GetResult::Dar(dar)).finish();
        let d = dlt698::decode_apdu(&apdu, &Limits::default())
            .unwrap()
            .results;
        assert_eq!(d[0].code(), code(dar));
        let record =
            Response::get_record(0x5004_0200, &[0x2021_0200, 0x0010_0200], Err(dar)).finish();
        let d = decode(&FrameBuilder::response().build(&record));
        assert_eq!(d.results[0].code(), code(dar));
        assert_eq!(
            d.results[0].target,
            Target::Road {
                oad: Oad(0x5004_0200),
                columns: 2
            }
        );
        let next = Response::get_next_dar(false, 7, dar).finish();
        let d = decode(&FrameBuilder::response().build(&next));
        assert_eq!(d.service, "GET-Response-Next");
        assert_eq!(d.results[0].target, Target::Whole);
        assert_eq!(d.results[0].code(), code(dar));
        assert_eq!(d.results[0].offset, APDU_AT + 7);
    }
}

#[test]
fn set_normal_list_and_set_then_get_every_dar() {
    for dar in ALL_DARS {
        let d = decode(
            &FrameBuilder::response().build(&Response::set_normal(0x4000_0200, dar).finish()),
        );
        assert_eq!(d.service, "SET-Response-Normal");
        assert_eq!(d.results[0].code(), code(dar));
        let list = Response::set_normal_list(&[(0x4000_0200, 0), (0x4001_0200, dar)]).finish();
        let d = decode(&FrameBuilder::response().build(&list));
        assert_eq!(d.results[1].code(), code(dar));
        assert_eq!(d.results[1].offset, APDU_AT + 4 + 5);
        let then_get =
            Response::set_then_get_list(&[(0x4000_0200, dar, 0x4000_0200, GetResult::Dar(dar))])
                .finish();
        let d = decode(&FrameBuilder::response().build(&then_get));
        assert_eq!(d.service, "SET-Response-SetThenGetNormalList");
        assert_eq!(d.results.len(), 2);
        assert_eq!(
            (d.results[0].code(), d.results[0].section),
            (code(dar), Section::Main)
        );
        assert_eq!(
            (d.results[1].code(), d.results[1].section),
            (code(dar), Section::ReadBack)
        );
    }
}

#[test]
fn action_every_dar_with_and_without_data() {
    for dar in ALL_DARS {
        for data in [None, Some(&[0x00][..]), Some(&[0x12, 0x00, 0x2A][..])] {
            let d = decode(
                &FrameBuilder::response()
                    .build(&Response::action_normal(0x4000_7F00, dar, data).finish()),
            );
            assert_eq!(d.results.len(), 1);
            assert_eq!(d.results[0].target, Target::Omd(Omd(0x4000_7F00)));
            assert_eq!(d.results[0].code(), code(dar));
        }
        let list = Response::action_normal_list(&[
            (0x6000_8300, dar, None),
            (0x6000_8300, 0, Some(&[0x00])),
        ])
        .finish();
        let d = decode(&FrameBuilder::response().build(&list));
        assert_eq!(d.results[0].code(), code(dar));
        assert_eq!(d.results[1].code(), code(0));
        let then_get = Response::action_then_get_list(&[(
            0x0010_0100,
            dar,
            None,
            0x0010_0200,
            GetResult::Dar(dar),
        )])
        .finish();
        let d = decode(&FrameBuilder::response().build(&then_get));
        assert_eq!(d.results[1].section, Section::ReadBack);
        assert_eq!(d.results[1].code(), code(dar));
    }
}

fn single(wire: &[u8]) -> Address {
    Address::new(wire, dlms_result::AddressKind::Single, 0).unwrap()
}

#[test]
fn proxy_lists_every_dar_routed_through_their_tsa() {
    let meter_a = [0x01, 0x00, 0x00, 0x00, 0x00, 0x00];
    let meter_b = [0x02, 0x00, 0x00, 0x00, 0x00, 0x00];
    for dar in ALL_DARS {
        let get = Response::proxy_get_list(&[
            (&meter_a, &[(0x0010_0200, GetResult::Dar(dar))]),
            (
                &meter_b,
                &[
                    (0x0010_0200, GetResult::Data(&[0x06, 0, 0, 0, 1])),
                    (0x2000_0200, GetResult::Dar(dar)),
                ],
            ),
        ])
        .finish();
        let d = decode(&FrameBuilder::response().build(&get));
        assert_eq!(d.service, "PROXY-Response-GetList");
        let routes: Vec<_> = d
            .results
            .iter()
            .map(|r| (r.code(), r.via.and_then(|v| v.tsa)))
            .collect();
        assert_eq!(
            routes,
            [
                (code(dar), Some(single(&meter_a))),
                (None, Some(single(&meter_b))),
                (code(dar), Some(single(&meter_b)))
            ]
        );
        let set = Response::proxy_set_list(&[(&meter_a, &[(0x4000_0200, dar)])]).finish();
        let d = decode(&FrameBuilder::response().build(&set));
        assert_eq!(
            (d.results[0].code(), d.results[0].via.unwrap().tsa),
            (code(dar), Some(single(&meter_a)))
        );
        let action =
            Response::proxy_action_list(&[(&meter_b, &[(0x4000_7F00, dar, None)])]).finish();
        let d = decode(&FrameBuilder::response().build(&action));
        assert_eq!(d.results[0].target, Target::Omd(Omd(0x4000_7F00)));
        assert_eq!(
            (d.results[0].code(), d.results[0].via.unwrap().tsa),
            (code(dar), Some(single(&meter_b)))
        );
        // The TSA is where the builder put it: octet-string length 7, flag 05, 6 bytes.
        assert_eq!(tsa(&meter_a)[..2], [0x07, 0x05]);
    }
}

#[test]
fn follow_report_every_dar() {
    for dar in ALL_DARS {
        let apdu = Response::set_normal(0x4000_0200, 0).with_follow_report(&[
            (0x2001_0200, GetResult::Dar(dar)),
            (0x2001_0400, GetResult::Data(&[0x12, 0x00, 0xDC])),
        ]);
        let d = decode(&FrameBuilder::response().build(&apdu));
        assert_eq!(d.results.len(), 3);
        assert_eq!(d.results[0].section, Section::Main);
        assert_eq!(
            (d.results[1].code(), d.results[1].section),
            (code(dar), Section::FollowReport)
        );
        assert_eq!(d.results[2].section, Section::FollowReport);
    }
    let tagged = Response::get_normal(0x4000_0200, GetResult::Dar(3))
        .with_time_tag([0x07, 0xE7, 1, 2, 3, 4, 5], [1, 0, 15]);
    assert_eq!(
        decode(&FrameBuilder::response().build(&tagged)).results[0].code(),
        code(3)
    );
}

#[test]
fn security_wrapped_every_dar() {
    for dar in ALL_DARS {
        let inner = Response::get_normal_list(&[(0x4000_0200, GetResult::Dar(dar))]).finish();
        for mac in [None, Some(&[0x1F, 0x97, 0x49, 0x0A][..])] {
            let d = decode(&FrameBuilder::response().build(&security_plain(&inner, mac)));
            assert_eq!(d.service, "SECURITY-Response");
            assert_eq!(d.results[0].code(), code(dar));
            // tag, choice, length, then the inner APDU's own layout.
            assert_eq!(d.results[0].offset, APDU_AT + 3 + 4);
        }
        let d = decode(&FrameBuilder::response().build(&security_dar(dar, None)));
        assert_eq!(
            (d.results[0].target, d.results[0].code()),
            (Target::Whole, code(dar))
        );
    }
}

#[test]
fn trans_command_every_dar_and_inner_frames() {
    let port = 0xF201_0201;
    for dar in ALL_DARS {
        let d = decode(
            &FrameBuilder::response()
                .build(&Response::proxy_trans_command(port, TransResult::Dar(dar)).finish()),
        );
        assert_eq!(d.results[0].code(), code(dar));
        assert_eq!(d.results[0].target, Target::Oad(Oad(port)));
        assert_eq!(d.results[0].via.unwrap().port, Some(Oad(port)));

        let meter = [0x12, 0x90, 0x78, 0x56, 0x34, 0x12];
        let inner = FrameBuilder::response()
            .address(dlms_result::AddressKind::Single, 0, &meter)
            .preamble(4)
            .build(&Response::get_normal(0x4001_0200, GetResult::Dar(dar)).finish());
        let outer = FrameBuilder::response()
            .build(&Response::proxy_trans_command(port, TransResult::Octets(&inner)).finish());
        let d = decode(&outer);
        let r = &d.results[0];
        assert_eq!(r.code(), code(dar));
        assert_eq!(r.target, Target::Oad(Oad(0x4001_0200)));
        // tag, choice, PIID, port(4), TransResult choice, length; then the inner frame.
        let inner_at = APDU_AT + 3 + 4 + 1 + 1;
        assert_eq!(r.offset, inner_at + 4 + APDU_AT + 3);
        assert_eq!(&outer[r.offset..r.offset + 4], [0x40, 0x01, 0x02, 0x00]);
        let via = r.via.unwrap();
        assert_eq!(
            (via.tsa, via.port, via.inner_protocol),
            (
                Some(single(&meter)),
                Some(Oad(port)),
                Some(Protocol::Dlt698)
            )
        );
    }
    // Empty octet-string: 256; octets that are no frame: the raw octets.
    let d = decode(
        &FrameBuilder::response()
            .build(&Response::proxy_trans_command(port, TransResult::Octets(&[])).finish()),
    );
    assert_eq!(d.results[0].code(), Some(ResultCode::PASSTHROUGH_EMPTY));
    let frame = FrameBuilder::response()
        .build(&Response::proxy_trans_command(port, TransResult::Octets(&[0x68, 0x01])).finish());
    let d = decode_borrowed(&frame);
    let Outcome::Data(raw) = d.results[0].outcome else {
        panic!("{d:?}")
    };
    assert_eq!(raw.wire_bytes(), [0x68, 0x01]);
    // REPORT TransData forwards too.
    let inner = FrameBuilder::response().build(&Response::set_normal(0x4000_0200, 5).finish());
    let d = decode(
        &FrameBuilder::report().build(&Response::report_trans_data(port, &[&inner, &[]]).finish()),
    );
    let codes: Vec<_> = d.results.iter().map(Item::code).collect();
    assert_eq!(codes, [code(5), Some(ResultCode::PASSTHROUGH_EMPTY)]);
}

#[test]
fn nesting_is_bounded() {
    // A TransCommand inside a TransCommand inside …: beyond max_nesting, the octets stay raw.
    let mut frame = FrameBuilder::response().build(&Response::set_normal(0x4000_0200, 7).finish());
    for _ in 0..8 {
        frame = FrameBuilder::response().build(
            &Response::proxy_trans_command(0xF201_0201, TransResult::Octets(&frame)).finish(),
        );
    }
    let d = decode(&frame);
    assert_eq!(d.results.len(), 1);
    assert!(d.results[0].data.is_some(), "{d:?}");
    // Within the limit the DAR comes out.
    let mut frame = FrameBuilder::response().build(&Response::set_normal(0x4000_0200, 7).finish());
    for _ in 0..3 {
        frame = FrameBuilder::response().build(
            &Response::proxy_trans_command(0xF201_0201, TransResult::Octets(&frame)).finish(),
        );
    }
    assert_eq!(decode(&frame).results[0].code(), code(7));
}

#[test]
fn scrambled_frames_every_dar() {
    for dar in ALL_DARS {
        let apdu = Response::get_normal_list(&[
            (0x2000_0200, GetResult::Data(&[0x12, 0x09, 0x6D])),
            (0x4000_0200, GetResult::Dar(dar)),
        ])
        .finish();
        let frame = FrameBuilder::response().scrambled(true).build(&apdu);
        let d = decode_borrowed(&frame);
        assert!(d.scrambled);
        assert_eq!(d.results[1].code(), code(dar));
        let Outcome::Data(data) = d.results[0].outcome else {
            panic!()
        };
        assert_eq!(data.encoding(), DataEncoding::AxdrScrambled);
        assert_eq!(&*data.value_bytes(), [0x12, 0x09, 0x6D]);
        let at = d.results[0].offset + 5;
        assert!(
            std::ptr::eq(data.wire_bytes().as_ptr(), frame[at..].as_ptr()),
            "borrows the input"
        );
    }
}

#[test]
fn every_address_kind_length_and_logical_address() {
    use dlms_result::AddressKind::{Broadcast, Group, Single, Wildcard};
    let apdu = Response::set_normal(0x4000_0200, 0).finish();
    for kind in [Single, Wildcard, Group, Broadcast] {
        for logical in 0..=3 {
            for len in 1..=16 {
                let wire: Vec<u8> = (1..=len).collect();
                let frame = FrameBuilder::response()
                    .address(kind, logical, &wire)
                    .client(0x7F)
                    .build(&apdu);
                let d = decode(&frame);
                let address = d.server_address.unwrap();
                assert_eq!(
                    (address.kind(), address.logical(), address.wire_bytes()),
                    (kind, logical, &wire[..])
                );
                assert_eq!(d.client_address, Some(0x7F));
                assert_eq!(d.results[0].offset, 8 + usize::from(len) + 3);
            }
        }
    }
}

#[test]
fn trans_command_with_inner_dlt645_frames() {
    use dlms_result::test_util::dlt645;
    let port = 0xF201_0201;
    let meter = [0x01, 0x00, 0x00, 0x00, 0x00, 0x00];
    // Every single error bit of a 645 abnormal read response, behind FE wake-up bytes.
    for (bit, expected) in [
        (0x01u8, 255u16),
        (0x02, 257),
        (0x04, 15),
        (0x08, 16),
        (0x10, 17),
        (0x20, 18),
        (0x40, 19),
    ] {
        let mut inner = vec![0xFE; 4];
        inner.extend(dlt645::abnormal(meter, 0x11, bit));
        let outer = FrameBuilder::response()
            .build(&Response::proxy_trans_command(port, TransResult::Octets(&inner)).finish());
        let d = decode(&outer);
        assert_eq!(d.results.len(), 1, "{d:?}");
        let r = &d.results[0];
        assert_eq!(r.code(), Some(ResultCode::new(expected)));
        let via = r.via.unwrap();
        assert_eq!(
            (via.port, via.inner_protocol),
            (Some(Oad(port)), Some(Protocol::Dlt645))
        );
        assert_eq!(
            via.tsa.map(|a| a.to_string()),
            Some("000000000001".to_string())
        );
        assert!(r.offset >= APDU_AT + 9 && r.offset < outer.len());
    }
    // A normal 645 read response is a success with its data identifier.
    let inner = dlt645::read_response(meter, 0x0001_0000, &[0x00, 0x00, 0x12, 0x34]);
    let outer = FrameBuilder::response()
        .build(&Response::proxy_trans_command(port, TransResult::Octets(&inner)).finish());
    let d = decode(&outer);
    assert_eq!(d.results.len(), 1);
    assert_eq!(d.failures().count(), 0);
    assert_eq!(
        d.results[0].via.unwrap().inner_protocol,
        Some(Protocol::Dlt645)
    );
}
