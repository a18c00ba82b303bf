//! Totality of the DL/T 698.45 decoders: arbitrary bytes never panic and every error points
//! inside the input; hostile sizes and nesting fail fast; built frames decode back to what
//! was built.

use std::time::{Duration, Instant};

use dlms_result::test_util::dlt698::{FrameBuilder, GetResult, Response};
use dlms_result::{AddressKind, DecodeErrorKind, Limits, Oad, Outcome, ResultCode, Target, dlt698};
use proptest::prelude::*;

/// Checks what every successful APDU decoding promises: offsets inside the input and data
/// views that are sub-slices of it.
fn check_apdu(input: &[u8], apdu: &dlt698::Apdu<'_>) {
    let range = input.as_ptr_range();
    for r in &apdu.results {
        assert!(
            r.offset < input.len(),
            "offset {} of {}",
            r.offset,
            input.len()
        );
        if let Outcome::Data(data) = r.outcome {
            let bytes = data.wire_bytes();
            assert!(range.start <= bytes.as_ptr() && bytes.as_ptr_range().end <= range.end);
        }
    }
}

/// APDU-shaped bytes: a defined tag (and choice) most of the time, then anything.
fn apdu_bytes() -> impl Strategy<Value = Vec<u8>> {
    let tags = prop::sample::select(vec![
        0x81u8, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x90, 0xEE, 0x05, 0x01,
    ]);
    (
        tags,
        0u8..9,
        any::<u8>(),
        prop::collection::vec(any::<u8>(), 0..96),
    )
        .prop_map(|(tag, choice, piid, body)| {
            let mut bytes = vec![tag, choice, piid];
            bytes.extend(body);
            bytes
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn frame_parse_is_total(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        match dlt698::Frame::parse(&bytes) {
            Ok((frame, rest)) => {
                prop_assert_eq!(frame.preamble_len() + frame.frame_len() + rest.len(), bytes.len());
            }
            Err(e) => prop_assert!(e.offset() <= bytes.len(), "{e}"),
        }
    }

    #[test]
    fn frame_parse_is_total_after_a_start_byte(mut bytes in prop::collection::vec(any::<u8>(), 1..300)) {
        bytes[0] = 0x68;
        if let Err(e) = dlt698::Frame::parse(&bytes) {
            prop_assert!(e.offset() <= bytes.len());
        }
    }

    #[test]
    fn decode_apdu_is_total(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        match dlt698::decode_apdu(&bytes, &Limits::default()) {
            Ok(apdu) => check_apdu(&bytes, &apdu),
            Err(e) => prop_assert!(e.offset() <= bytes.len(), "{e}"),
        }
    }

    #[test]
    fn decode_apdu_is_total_on_apdu_shaped_bytes(bytes in apdu_bytes()) {
        match dlt698::decode_apdu(&bytes, &Limits::default()) {
            Ok(apdu) => check_apdu(&bytes, &apdu),
            Err(e) => prop_assert!(e.offset() <= bytes.len(), "{e}"),
        }
    }

    #[test]
    fn data_walker_is_total(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        match dlt698::data_len(&bytes, &Limits::default()) {
            Ok(len) => prop_assert!(len >= 1 && len <= bytes.len()),
            Err(e) => prop_assert!(e.offset() <= bytes.len(), "{e}"),
        }
    }

    /// Damaged valid frames: any single byte changed, in a frame whose checksums are then
    /// made right again, decodes or fails cleanly.
    #[test]
    fn damaged_frames_are_total(at in 0usize..64, value in any::<u8>(), dar in any::<u8>()) {
        let apdu = Response::get_normal_list(&[
            (0x2000_0200, GetResult::Data(&[0x01, 0x02, 0x12, 0x09, 0x6D, 0x0A, 0x02, b'O', b'K'])),
            (0x2014_0200, GetResult::Dar(dar)),
        ]).finish();
        let mut damaged = apdu;
        let at = at % damaged.len();
        damaged[at] = value;
        let frame = FrameBuilder::response().build(&damaged);
        match dlms_result::decode(&frame) {
            Ok(d) => {
                for r in &d.results {
                    prop_assert!(r.offset < frame.len());
                }
            }
            Err(e) => prop_assert!(e.offset() <= frame.len(), "{e}"),
        }
    }

    /// Frames built from random parameters decode back to what was built.
    #[test]
    fn builder_round_trip(
        kind in prop::sample::select(vec![AddressKind::Single, AddressKind::Wildcard, AddressKind::Group, AddressKind::Broadcast]),
        logical in 0u8..4,
        address in prop::collection::vec(any::<u8>(), 1..=16),
        client in any::<u8>(),
        scrambled in any::<bool>(),
        preamble in 0usize..5,
        items in prop::collection::vec((any::<u32>(), prop::option::of(any::<u8>())), 1..20),
    ) {
        let data = [0x06, 0x00, 0x01, 0xE2, 0x40];
        let built: Vec<(u32, GetResult<'_>)> = items
            .iter()
            .map(|&(oad, dar)| (oad, dar.map_or(GetResult::Data(&data), GetResult::Dar)))
            .collect();
        let apdu = Response::get_normal_list(&built).finish();
        let frame = FrameBuilder::response()
            .address(kind, logical, &address)
            .client(client)
            .scrambled(scrambled)
            .preamble(preamble)
            .build(&apdu);
        let (parsed, rest) = dlt698::Frame::parse(&frame).unwrap();
        prop_assert!(rest.is_empty());
        let server = parsed.server_address();
        prop_assert_eq!(server.wire_bytes(), &address[..]);
        prop_assert_eq!(&*parsed.apdu(), &apdu[..]);
        let d = dlms_result::decode(&frame).unwrap();
        prop_assert_eq!(d.preamble_len, preamble);
        prop_assert_eq!(d.scrambled, scrambled);
        prop_assert_eq!(d.client_address, Some(client));
        let address_back = d.server_address.unwrap();
        prop_assert_eq!((address_back.kind(), address_back.logical()), (kind, logical));
        prop_assert_eq!(d.results.len(), items.len());
        for (r, &(oad, dar)) in d.results.iter().zip(&items) {
            prop_assert_eq!(r.target, Target::Oad(Oad(oad)));
            prop_assert_eq!(r.code(), dar.map(|b| ResultCode::new(u16::from(b))));
            let wire: Vec<u8> = frame[r.offset..r.offset + 4]
                .iter()
                .map(|b| if scrambled { b.wrapping_sub(0x33) } else { *b })
                .collect();
            prop_assert_eq!(&wire[..], &oad.to_be_bytes()[..]);
            if let Outcome::Data(value) = r.outcome {
                prop_assert_eq!(&*value.value_bytes(), &data[..]);
            }
        }
    }
}

fn assert_fast(started: Instant) {
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn hundred_thousand_nested_structures_hit_the_depth_limit() {
    let mut data = Vec::with_capacity(200_001);
    for _ in 0..100_000 {
        data.extend([0x02, 0x01]);
    }
    data.push(0x00);
    let e = dlt698::data_len(&data, &Limits::default()).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::DepthLimit { max: 64 });
    let apdu = Response::get_normal(0x4000_0200, GetResult::Data(&data)).finish();
    let e = dlt698::decode_apdu(&apdu, &Limits::default()).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::DepthLimit { max: 64 });
    assert_eq!(e.offset(), 8 + 64 * 2);
}

#[test]
fn four_gigabyte_lengths_fail_fast() {
    let started = Instant::now();
    for tag in [0x09u8, 0x0A, 0x0C, 0x04, 0x55] {
        let e = dlt698::data_len(
            &[tag, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00],
            &Limits::default(),
        )
        .unwrap_err();
        assert!(e.is_truncated(), "{e}");
    }
    let apdu = [
        0x85, 0x06, 0x01, 0x40, 0x01, 0x02, 0x00, 0x01, 0x84, 0xFF, 0xFF, 0xFF, 0xFF,
    ];
    assert!(
        dlt698::decode_apdu(&apdu, &Limits::default())
            .unwrap_err()
            .is_truncated()
    );
    assert_fast(started);
}

#[test]
fn a_count_of_65535_without_items_is_truncated() {
    let started = Instant::now();
    // GET-Response-NormalList claiming 65 535 results.
    let e =
        dlt698::decode_apdu(&[0x85, 0x02, 0x01, 0x82, 0xFF, 0xFF], &Limits::default()).unwrap_err();
    assert!(e.is_truncated(), "{e}");
    assert_eq!(e.offset(), 6);
    // An array claiming 65 535 values.
    let e = dlt698::data_len(&[0x01, 0x82, 0xFF, 0xFF], &Limits::default()).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::Truncated { needed: 65_535 });
    // Record rows × columns.
    let record = [
        0x85, 0x03, 0x01, 0x50, 0x04, 0x02, 0x00, 0x01, 0x00, 0x00, 0x10, 0x02, 0x00, 0x01, 0x82,
        0xFF, 0xFF,
    ];
    assert!(
        dlt698::decode_apdu(&record, &Limits::default())
            .unwrap_err()
            .is_truncated()
    );
    // Beyond max_items it is a limit instead.
    let e =
        dlt698::data_len(&[0x01, 0x84, 0x00, 0x01, 0x00, 0x01], &Limits::default()).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::TooManyItems { max: 65_536 });
    assert_fast(started);
}

#[test]
fn kilobyte_lengths_are_bounded() {
    // L = 0x7FFF: 16 383 KiB declared; the default 64 KiB limit refuses it at the L field.
    let frame = [0x68, 0xFF, 0x7F, 0xC3, 0x05, 0, 0, 0, 0, 0, 0, 0x10];
    let e = dlms_result::decode(&frame).unwrap_err();
    assert_eq!(
        (e.offset(), e.kind()),
        (
            1,
            DecodeErrorKind::BadLength {
                declared: 16_383 * 1024
            }
        )
    );
    // Frame::parse has no size limit: it reports what is missing.
    let e = dlt698::Frame::parse(&frame).unwrap_err();
    assert!(e.is_truncated());
}
