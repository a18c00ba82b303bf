//! Unit tests of the `Data` walker: every tag, every RSD / MS choice, hostile sizes and nesting.

use super::table::{DATA_TYPES, Shape};
use super::*;
use crate::parse::to_decode_error;

fn len_of(bytes: &[u8]) -> Result<usize, crate::DecodeError> {
    data(bytes, &Limits::default())
        .map(|(_, value)| value.len())
        .map_err(|e| to_decode_error(bytes, 0, e))
}

#[test]
fn table_is_sorted_unique_and_indexed() {
    assert!(DATA_TYPES.windows(2).all(|w| w[0].tag < w[1].tag));
    for tag in 0..=u8::MAX {
        let row = DATA_TYPES.iter().find(|t| t.tag == tag);
        assert_eq!(data_type_name(tag), row.map(|t| t.name), "tag {tag}");
        // The walker's table of shapes is the table's.
        assert_eq!(shape(tag), row.map(|t| t.shape), "tag {tag}");
    }
    for undefined in [7u8, 8, 11, 13, 14, 19, 29, 79, 97, 255] {
        assert_eq!(data_type_name(undefined), None);
        let e = len_of(&[undefined, 0, 0]).unwrap_err();
        assert_eq!(e.kind(), DecodeErrorKind::InvalidDataTag { tag: undefined });
        assert_eq!(e.offset(), 0);
    }
}

#[test]
fn every_fixed_size_type_takes_its_size() {
    for t in DATA_TYPES {
        if let Shape::Fixed(n) = t.shape {
            let mut bytes = vec![t.tag];
            bytes.extend(std::iter::repeat_n(0xEE, n));
            assert_eq!(len_of(&bytes).unwrap(), n + 1, "{}", t.name);
            if n > 0 {
                let e = len_of(&bytes[..n]).unwrap_err();
                assert!(e.is_truncated(), "{}", t.name);
            }
        }
    }
}

#[test]
fn variable_types() {
    // visible-string with a non-minimal length 82 00 07 ("NO TEST").
    assert_eq!(
        len_of(&[
            0x0A, 0x82, 0x00, 0x07, b'N', b'O', b' ', b'T', b'E', b'S', b'T'
        ])
        .unwrap(),
        11
    );
    // bit-string of 9 bits = 2 bytes.
    assert_eq!(len_of(&[0x04, 0x09, 0xFF, 0x80, 0xAA]).unwrap(), 4);
    assert_eq!(len_of(&[0x04, 0x00]).unwrap(), 2);
    // structure { long-unsigned, array [unsigned, unsigned] }
    assert_eq!(
        len_of(&[0x02, 0x02, 0x12, 0, 1, 0x01, 0x02, 0x11, 1, 0x11, 2, 0xFF]).unwrap(),
        11
    );
    // ROAD 50040200 with 2 OADs.
    assert_eq!(
        len_of(&[0x52, 0x50, 0x04, 0x02, 0x00, 0x02, 0, 0, 0, 0, 1, 1, 1, 1]).unwrap(),
        14
    );
    // Region: unit + long-unsigned + long-unsigned.
    assert_eq!(len_of(&[0x58, 0x00, 0x12, 0, 1, 0x12, 0, 2]).unwrap(), 8);
    // CSD ROAD with 0 OADs, then RCSD with 2 CSDs.
    assert_eq!(len_of(&[0x5B, 0x01, 1, 2, 3, 4, 0x00]).unwrap(), 7);
    assert_eq!(
        len_of(&[0x60, 0x02, 0x00, 1, 2, 3, 4, 0x01, 1, 2, 3, 4, 0x00]).unwrap(),
        13
    );
    // SID and SID_MAC.
    assert_eq!(len_of(&[0x5D, 1, 2, 3, 4, 0x02, 0xAA, 0xBB]).unwrap(), 8);
    assert_eq!(
        len_of(&[0x5E, 1, 2, 3, 4, 0x01, 0xAA, 0x02, 0xBB, 0xCC]).unwrap(),
        10
    );
    // TSA, MAC, RN octet-strings.
    for tag in [0x55, 0x56, 0x57] {
        assert_eq!(len_of(&[tag, 0x02, 0x01, 0x02]).unwrap(), 4);
    }
}

#[test]
fn rsd_every_selector() {
    let dts = [0x07, 0xE7, 1, 2, 3, 4, 5];
    let ti = [0x01, 0x00, 0x0F];
    let mut cases: Vec<(Vec<u8>, usize)> = vec![
        (vec![0x5A, 0x00], 2),
        (vec![0x5A, 0x01, 0x20, 0x21, 0x02, 0x00, 0x11, 0x05], 8),
        (
            vec![0x5A, 0x02, 0x20, 0x21, 0x02, 0x00, 0x11, 1, 0x11, 2, 0x00],
            11,
        ),
        (
            vec![
                0x5A, 0x03, 0x01, 0x20, 0x21, 0x02, 0x00, 0x11, 1, 0x11, 2, 0x00,
            ],
            12,
        ),
    ];
    for selector in [4u8, 5] {
        let mut v = vec![0x5A, selector];
        v.extend(dts);
        v.push(0x01); // MS all users
        cases.push((v.clone(), v.len()));
    }
    for selector in [6u8, 7, 8] {
        let mut v = vec![0x5A, selector];
        v.extend(dts);
        v.extend(dts);
        v.extend(ti);
        v.extend([0x02, 0x02, 0x01, 0x02]); // MS user types [1, 2]
        cases.push((v.clone(), v.len()));
    }
    cases.push((vec![0x5A, 0x09, 0x01], 3));
    cases.push((vec![0x5A, 0x0A, 0x01, 0x00], 4));
    for (bytes, len) in cases {
        assert_eq!(len_of(&bytes).unwrap(), len, "{bytes:02X?}");
        for cut in 0..bytes.len() {
            assert!(
                len_of(&bytes[..cut]).is_err(),
                "prefix {cut} of {bytes:02X?}"
            );
        }
    }
    let e = len_of(&[0x5A, 0x0B]).unwrap_err();
    assert_eq!(
        e.kind(),
        DecodeErrorKind::InvalidChoice {
            field: "RSD",
            value: 11
        }
    );
}

#[test]
fn ms_every_choice() {
    let cases: [(&[u8], usize); 8] = [
        (&[0x5C, 0x00], 2),
        (&[0x5C, 0x01], 2),
        (&[0x5C, 0x02, 0x02, 1, 2], 5),
        (&[0x5C, 0x03, 0x02, 0x02, 0x05, 0x01, 0x01, 0xAA], 8),
        (&[0x5C, 0x04, 0x01, 0x00, 0x01], 5),
        (&[0x5C, 0x05, 0x01, 0x00, 0x11, 1, 0x11, 2], 8),
        (
            &[0x5C, 0x06, 0x01, 0x01, 0x55, 0x01, 0xAA, 0x55, 0x01, 0xBB],
            10,
        ),
        (&[0x5C, 0x07, 0x01, 0x02, 0x12, 0, 1, 0x12, 0, 2], 10),
    ];
    for (bytes, len) in cases {
        assert_eq!(len_of(bytes).unwrap(), len, "{bytes:02X?}");
    }
    let e = len_of(&[0x5C, 0x08]).unwrap_err();
    assert_eq!(
        e.kind(),
        DecodeErrorKind::InvalidChoice {
            field: "MS",
            value: 8
        }
    );
}

#[test]
fn deep_nesting_is_a_depth_limit_not_a_stack_overflow() {
    let mut bytes = Vec::new();
    for _ in 0..100_000 {
        bytes.extend([0x02, 0x01]);
    }
    bytes.push(0x00);
    let e = len_of(&bytes).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::DepthLimit { max: 64 });
    assert_eq!(e.offset(), 64 * 2);
    // Exactly at the limit is fine.
    let mut ok = Vec::new();
    for _ in 0..64 {
        ok.extend([0x01, 0x01]);
    }
    ok.push(0x00);
    assert_eq!(len_of(&ok).unwrap(), ok.len());
    // A deep Region chain is limited the same way.
    let mut regions = Vec::new();
    for _ in 0..1_000 {
        regions.extend([0x58, 0x00]);
    }
    assert_eq!(
        len_of(&regions).unwrap_err().kind(),
        DecodeErrorKind::DepthLimit { max: 64 }
    );
    // A huge depth limit still walks iteratively, without growing the call stack.
    let limits = Limits::default().with_max_depth(u16::MAX);
    let deep = &bytes[bytes.len() - 2 * 60_000 - 1..];
    let (_, value) = data(deep, &limits).unwrap();
    assert_eq!(value.len(), deep.len());
}

#[test]
fn declared_sizes_never_outrun_the_input() {
    // A 4-byte length claiming 4 GB.
    let e = len_of(&[0x09, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00]).unwrap_err();
    assert!(e.is_truncated());
    // A bit-string claiming 4 G bits.
    assert!(
        len_of(&[0x04, 0x84, 0xFF, 0xFF, 0xFF, 0xFF])
            .unwrap_err()
            .is_truncated()
    );
    // An array of 65 535 items with none present.
    let e = len_of(&[0x01, 0x82, 0xFF, 0xFF]).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::Truncated { needed: 65_535 });
    // More items than the limit.
    let e = data(
        &[0x01, 0x05, 0, 0, 0, 0, 0],
        &Limits::default().with_max_items(4),
    )
    .unwrap_err();
    assert_eq!(
        to_decode_error(&[], 0, e).kind(),
        DecodeErrorKind::TooManyItems { max: 4 }
    );
    // Indefinite length form.
    let e = len_of(&[0x09, 0x80]).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::InvalidLengthForm { first: 0x80 });
    assert_eq!(e.offset(), 1);
}

#[test]
fn several_values() {
    let bytes = [0x11, 0x01, 0x00, 0x12, 0x00, 0x02, 0xAB];
    let (rest, values) = DataWalker::default()
        .values(&bytes, 3, &Limits::default())
        .unwrap();
    assert_eq!(values.len(), 6);
    assert_eq!(rest, [0xAB]);
    let (rest, values) = DataWalker::default()
        .values(&bytes, 0, &Limits::default())
        .unwrap();
    assert!(values.is_empty());
    assert_eq!(rest.len(), bytes.len());
}

/// `structure { <d levels deeper>, long-unsigned }` down to an `unsigned` at depth 0.
fn nested_pairs(depth: usize) -> Vec<u8> {
    if depth == 0 {
        return vec![0x11, 0x05];
    }
    let mut bytes = vec![0x02, 0x02];
    bytes.extend(nested_pairs(depth - 1));
    bytes.extend([0x12, 0x00, 0x01]);
    bytes
}

#[test]
fn the_inline_stack_spills_and_comes_back() {
    // Depths around and beyond the inline part of the stack: each level has a sibling after
    // its deep child, so the walk pops from the spill vector back into the inline array and
    // goes on. One walker is reused, as within an APDU.
    let mut walker = DataWalker::default();
    for depth in (0..48).chain([20, 3, 17, 16, 15, 0]) {
        let mut bytes = nested_pairs(depth);
        let len = bytes.len();
        bytes.push(0xAB);
        let (rest, value) = walker.data(&bytes, &Limits::default()).unwrap();
        assert_eq!((value.len(), rest), (len, &[0xAB][..]), "depth {depth}");
    }
    // The depth limit counts inline and spilled tasks alike.
    let limits = Limits::default().with_max_depth(20);
    assert!(walker.data(&nested_pairs(20), &limits).is_ok());
    let too_deep = nested_pairs(21);
    let e = walker.data(&too_deep, &limits).unwrap_err();
    assert_eq!(
        to_decode_error(&[], 0, e).kind(),
        DecodeErrorKind::DepthLimit { max: 20 }
    );
}

#[test]
fn the_scalar_shortcut_agrees_with_the_full_walk() {
    // Every tag, short and long length forms, every truncation: the shortcut in `data` gives
    // exactly what the full walk gives (`values(…, 1, …)` never takes the shortcut).
    let limits = Limits::default();
    for tag in 0..=u8::MAX {
        for second in [0x00, 0x01, 0x03, 0x0A, 0x7F, 0x80, 0x81, 0x82, 0xFF] {
            let mut bytes = vec![tag, second];
            bytes.extend((0u8..20).map(|i| i.wrapping_mul(37)));
            for cut in 0..=bytes.len() {
                let input = &bytes[..cut];
                let fast = DataWalker::default().data(input, &limits);
                let full = DataWalker::default().values(input, 1, &limits);
                assert_eq!(fast, full, "{input:02X?}");
            }
        }
    }
}

/// A `Data` value for the walker's property test: scalars (whole or cut), other leaves and
/// random bytes, nested in arrays and structures whose count is mostly right.
fn nested_value() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        4 => (
            prop::sample::select(vec![0u8, 3, 4, 5, 6, 9, 10, 15, 16, 17, 18, 20, 22, 25, 28, 85, 92]),
            prop::collection::vec(any::<u8>(), 0..10),
        )
            .prop_map(|(tag, content)| {
                let mut value = vec![tag];
                value.extend(content);
                if let Ok((rest, _)) = data(&value, &Limits::default()) {
                    let len = value.len() - rest.len();
                    value.truncate(len);
                }
                value
            }),
        1 => prop::collection::vec(any::<u8>(), 0..6),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        (
            prop::sample::select(vec![1u8, 2]),
            prop::collection::vec(inner, 0..6),
            prop::option::weighted(0.1, any::<u8>()),
        )
            .prop_map(|(tag, items, count)| {
                let mut value = vec![tag, count.unwrap_or(u8::try_from(items.len()).unwrap())];
                value.extend(items.concat());
                value
            })
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

    /// The runs of scalars give exactly the walk without them: the bytes walked, the rest, or
    /// the same error at the same place, for any limits.
    #[test]
    fn scalar_runs_walk_as_the_full_walk(
        values in proptest::collection::vec(nested_value(), 1..4),
        count in 0u32..5,
        damage in proptest::option::of((proptest::prelude::any::<proptest::sample::Index>(), proptest::prelude::any::<u8>())),
        cut in proptest::option::of(proptest::prelude::any::<proptest::sample::Index>()),
        max_depth in proptest::prop_oneof![proptest::strategy::Just(u16::MAX), 0u16..4],
        max_items in proptest::prop_oneof![proptest::strategy::Just(u32::MAX), 0u32..6],
    ) {
        let mut bytes = values.concat();
        crate::test_util::damage_and_cut(&mut bytes, damage, cut);
        let limits = Limits::default().with_max_depth(max_depth).with_max_items(max_items);
        let runs = DataWalker::default().walk::<true>(&bytes, count, &limits);
        let full = DataWalker::default().walk::<false>(&bytes, count, &limits);
        proptest::prop_assert_eq!(runs, full, "{:02X?}", bytes);
    }
}
