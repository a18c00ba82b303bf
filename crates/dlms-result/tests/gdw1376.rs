//! Q/GDW 1376.1: every confirm / deny form, every F3 error flag, data units of other AFNs,
//! the frame view, limits, and builder → decode round trips.

use dlms_result::gdw1376::{self, ALL_POINTS, ProtocolId};
use dlms_result::test_util::gdw1376::{FrameBuilder, confirm_all, confirm_each, deny_all, unit_id};
use dlms_result::{
    DataUnit, DecodeErrorKind, Direction, Limits, Outcome, Protocol, ResultCode, Target, decode,
    decode_with,
};
use proptest::prelude::*;

fn summary(frame: &[u8]) -> (String, Vec<(String, Option<u16>)>) {
    let decoded = decode(frame).unwrap();
    assert_eq!(decoded.protocol, Protocol::Gdw1376);
    let results = decoded
        .results
        .iter()
        .map(|r| (r.target.to_string(), r.code().map(ResultCode::get)))
        .collect();
    (decoded.service.to_string(), results)
}

#[test]
fn confirm_and_deny_all_in_every_form() {
    let forms: [fn(FrameBuilder) -> FrameBuilder; 6] = [
        |b| b,
        |b| b.preamble(4),
        |b| b.event_counters([1, 0]),
        |b| b.time_tag([1, 2, 3, 4, 5, 6]),
        |b| b.event_counters([0, 9]).time_tag([0; 6]).seq(0x71),
        |b| b.protocol_id(0b01),
    ];
    for form in forms {
        let (service, results) = summary(&form(confirm_all()).build());
        assert_eq!(service, "AFN00-F1");
        assert_eq!(results, [("*".to_string(), Some(0))]);
        let (service, results) = summary(&form(deny_all()).build());
        assert_eq!(service, "AFN00-F2");
        assert_eq!(results, [("*".to_string(), Some(258))]);
    }
    // The master confirms a terminal's report the same way (downlink, PRM = 0).
    let from_master = FrameBuilder::new(0x0B, 0x00).unit(0, 1).build();
    let decoded = decode(&from_master).unwrap();
    assert_eq!(decoded.direction, Direction::FromClient);
    assert_eq!(decoded.results[0].code(), Some(ResultCode::SUCCESS));
}

#[test]
fn every_f3_error_flag() {
    for err in 0..=u8::MAX {
        let frame = confirm_each(0x05, &[(1, 1, err)]).build();
        let (service, results) = summary(&frame);
        assert_eq!(service, "AFN00-F3");
        let code = if err == 0 { 0 } else { 258 };
        assert_eq!(
            results,
            [("AFN05/p1/F1".to_string(), Some(code))],
            "ERR {err}"
        );
    }
}

#[test]
fn f3_offsets_and_targets() {
    let frame = confirm_each(0x04, &[(0, 1, 0), (9, 33, 1)]).build();
    let decoded = decode(&frame).unwrap();
    let offsets: Vec<_> = decoded.results.iter().map(|r| r.offset).collect();
    assert_eq!(offsets, [19, 24]);
    assert_eq!(
        decoded.results[1].target,
        Target::DataUnit(DataUnit::new(0x04, 9, 33))
    );
    assert_eq!(decoded.failures().count(), 1);
}

#[test]
fn other_afns_report_the_units_of_their_first_identifier() {
    // Uplink answer: p1..p3 × F129, F130 share the data.
    let frame = FrameBuilder::new(0x88, 0x0D)
        .data(&[0b0000_0111, 0x01, 0b0000_0011, 0x10])
        .data(&[0x55; 30])
        .build();
    let (service, results) = summary(&frame);
    assert_eq!(service, "AFN0D-response");
    let targets: Vec<_> = results.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        targets,
        [
            "AFN0D/p1/F129",
            "AFN0D/p1/F130",
            "AFN0D/p2/F129",
            "AFN0D/p2/F130",
            "AFN0D/p3/F129",
            "AFN0D/p3/F130"
        ]
    );
    let decoded = decode(&frame).unwrap();
    assert!(
        decoded
            .results
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Data(d) if d.len() == 30))
    );
    // A terminal's own report (PRM = 1), every valid point.
    let frame = FrameBuilder::new(0xC4, 0x0E)
        .data(&[0xFF, 0x00, 0x01, 0x00])
        .build();
    let (service, results) = summary(&frame);
    assert_eq!(service, "AFN0E-report");
    assert_eq!(results[0].0, format!("AFN0E/p{ALL_POINTS}/F1"));
    // A request has no results; neither has an uplink frame without data units.
    assert_eq!(
        summary(&FrameBuilder::new(0x4B, 0x0C).unit(1, 2).build()).1,
        []
    );
    assert_eq!(summary(&FrameBuilder::new(0x88, 0x0C).build()).1, []);
    // Unknown AFNs are kept.
    let (service, results) = summary(&FrameBuilder::new(0x88, 0x77).unit(0, 1).build());
    assert_eq!(service, "AFN-unknown-response");
    assert_eq!(results[0].0, "AFN77/p0/F1");
}

#[test]
fn errors_inside_the_data_units() {
    let e = decode(&FrameBuilder::new(0x80, 0x00).build()).unwrap_err();
    assert_eq!(
        (e.offset(), e.kind()),
        (14, DecodeErrorKind::Truncated { needed: 4 })
    );
    let e = decode(&FrameBuilder::new(0x80, 0x00).data(&[0, 0, 0, 0]).build()).unwrap_err();
    assert!(matches!(
        e.kind(),
        DecodeErrorKind::InvalidChoice { field: "DT1", .. }
    ));
    let e = decode(&FrameBuilder::new(0x80, 0x00).unit(0, 3).build()).unwrap_err();
    assert_eq!(
        (e.offset(), e.kind()),
        (18, DecodeErrorKind::Truncated { needed: 1 })
    );
    // 16 identifiers naming 64 units each: more than a small item limit.
    let mut units = vec![0x00];
    for _ in 0..16 {
        units.extend_from_slice(&[0xFF, 0x01, 0xFF, 0x00, 0x01]);
    }
    let frame = FrameBuilder::new(0x80, 0x00)
        .unit(0, 3)
        .data(&units)
        .build();
    assert_eq!(decode(&frame).unwrap().results.len(), 1024);
    let e = decode_with(&frame, &Limits::DEFAULT.with_max_items(100)).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::TooManyItems { max: 100 });
}

#[test]
fn frame_view() {
    let frame = FrameBuilder::new(0x88, 0x0C)
        .address([0x05, 0x21, 0xB2, 0xA1, 0x05])
        .unit(0, 2)
        .data(&[1, 2, 3, 4, 5, 6])
        .event_counters([7, 8])
        .time_tag([9, 10, 11, 12, 13, 14])
        .build();
    let (view, rest) = gdw1376::Frame::parse(&frame).unwrap();
    assert!(rest.is_empty());
    assert_eq!(view.protocol_id(), ProtocolId::Gdw1376);
    assert!(view.control().acd());
    assert!(view.seq().has_time_tag());
    assert_eq!(view.afn(), 0x0C);
    assert_eq!(view.data_units(), [0, 0, 2, 0, 1, 2, 3, 4, 5, 6]);
    assert_eq!(view.event_counters(), Some([7, 8]));
    assert_eq!(view.time_tag(), Some([9, 10, 11, 12, 13, 14]));
    let a = view.terminal_address();
    assert_eq!(
        (a.division(), a.terminal(), a.master(), a.is_group()),
        (0x2105, 0xA1B2, 2, true)
    );
    assert_eq!(view.address().unwrap().to_string(), "2105A1B2");
    let decoded = decode(&frame).unwrap();
    assert_eq!(decoded.client_address, Some(2));
    assert_eq!(gdw1376::afn_info(0x0C).unwrap().name_zh, "请求1类数据");
    assert!(format!("{view:?}").contains("afn: 0C"));
}

#[test]
fn unit_ids_round_trip_through_the_builder() {
    for pn in [0u16, 1, 8, 9, 2040] {
        for fn_ in [1u16, 8, 9, 248, 2048] {
            let frame = FrameBuilder::new(0x88, 0x0C)
                .data(&unit_id(pn, fn_))
                .build();
            let decoded = decode(&frame).unwrap();
            assert_eq!(
                decoded.results[0].target,
                Target::DataUnit(DataUnit::new(0x0C, pn, fn_))
            );
        }
    }
}

proptest! {
    #[test]
    fn f3_round_trip(
        afn in any::<u8>(),
        units in prop::collection::vec((0u16..=2040, 1u16..=248, any::<u8>()), 1..40),
        ec in prop::option::of(any::<[u8; 2]>()),
        tp in prop::option::of(any::<[u8; 6]>()),
    ) {
        let mut builder = confirm_each(afn, &units);
        if let Some(ec) = ec { builder = builder.event_counters(ec); }
        if let Some(tp) = tp { builder = builder.time_tag(tp); }
        let frame = builder.build();
        let decoded = decode(&frame).unwrap();
        let expected: Vec<_> = units
            .iter()
            .map(|&(pn, fn_, err)| {
                let code = if err == 0 { ResultCode::SUCCESS } else { ResultCode::TERMINAL_DENIED };
                (Target::DataUnit(DataUnit::new(afn, pn, fn_)), Some(code))
            })
            .collect();
        let actual: Vec<_> = decoded.results.iter().map(|r| (r.target, r.code())).collect();
        prop_assert_eq!(actual, expected);
    }

    #[test]
    fn any_user_data_decodes_or_fails_cleanly(
        control in any::<u8>(),
        afn in any::<u8>(),
        seq in any::<u8>(),
        body in prop::collection::vec(any::<u8>(), 0..120),
    ) {
        let frame = FrameBuilder::new(control, afn).seq(seq).data(&body).build();
        if let Err(e) = decode(&frame) {
            prop_assert!(e.offset() <= frame.len());
            let checksum = matches!(e.kind(), DecodeErrorKind::ChecksumMismatch { .. });
            prop_assert!(!checksum);
        }
    }

    #[test]
    fn parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Err(e) = gdw1376::Frame::parse(&bytes) {
            prop_assert!(e.offset() <= bytes.len());
        }
    }
}
