//! A shortcut for the APDUs that make up most of a front-end's traffic: the `Normal` and
//! `NormalList` responses of GET, SET and ACTION and REPORT-Notification-List (DL/T 698.45 §7.3)
//! whose every result is a DAR,
//! or a DAR or one `Data` value for GET, with neither `FollowReport` nor `TimeTag`:
//!
//! ```text
//! 85 01 PIID  OAD(4) 00 DAR | 01 Data                  00 00
//! 86 01 PIID  OAD(4) DAR                               00 00
//! 87 01 PIID  OMD(4) DAR 00 | 01 scalar                00 00
//! 85|86|87 02 PIID  n  n × the item above              00 00      (n < 0x80)
//! 88 01 PIID-ACD  n  n × GET's item                    00 00      (REPORT-Notification-List)
//! ```
//!
//! The general decoder reaches the same results through the service table's dispatch, nom
//! combinators, the `Data` walker and the trailer parser: about 290 instructions for a typical
//! 30-byte GET response, a third of decoding the whole frame (`docs/performance.md`, "Frame
//! decoding"). This reads those fixed shapes directly, for [`super::super::plain_frame`].
//! Anything else, any doubt included, returns `None` and leaves the APDU to the general
//! decoder, which then also reports every error: so this path never decides an error, and where
//! it answers, it answers exactly what the general decoder would
//! (`the_plain_path_is_the_general_path`, a property test over well-formed, damaged and random
//! APDUs).

use crate::limits::Limits;
use crate::result::{AccessResult, Oad, Omd, Outcome, Section, Target, push_result};

use super::super::data::{DataWalker, scalar};
use super::axdr_data;
use super::common::dar_outcome;
use super::service::{self, Body, ServiceId};

/// How the items of a plain response are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Item {
    /// A-ResultNormal: OAD + Get-Result (DAR or `Data`).
    Get,
    /// OAD + DAR.
    Set,
    /// OMD + DAR + OPTIONAL `Data` (absent or scalar).
    Action,
}

/// The plain services, each with whether it is a list and how its items are laid out; looked
/// up in the one service table when the crate is built rather than on every APDU. GET first:
/// it is most of the traffic.
const PLAIN: [(ServiceId, bool, Item); 7] = [
    (found(service::find(Body::GetNormal)), false, Item::Get),
    (found(service::find(Body::GetNormalList)), true, Item::Get),
    // A terminal's active report: GET's list layout (DL/T 698.45 §7.3.7).
    (found(service::find(Body::ReportList)), true, Item::Get),
    (found(service::find(Body::SetNormal)), false, Item::Set),
    (found(service::find(Body::SetNormalList)), true, Item::Set),
    (
        found(service::find(Body::ActionNormal)),
        false,
        Item::Action,
    ),
    (
        found(service::find(Body::ActionNormalList)),
        true,
        Item::Action,
    ),
];

/// The lowest and highest APDU tag of [`PLAIN`], worked out when the crate is built.
const PLAIN_TAGS: (u8, u8) = {
    let (mut low, mut high) = (u8::MAX, u8::MIN);
    let mut rows: &[(ServiceId, bool, Item)] = &PLAIN;
    while let [(id, _, _), rest @ ..] = rows {
        if id.tag < low {
            low = id.tag;
        }
        if id.tag > high {
            high = id.tag;
        }
        rows = rest;
    }
    (low, high)
};

/// Whether an APDU with this tag can be a plain response: `false` rules [`response`] out
/// before the frame's addresses are read (`plain_frame`). Most frames the shortcut hands
/// to the general way leave here: a request, a security or proxy response, a link APDU.
pub(in crate::dlt698) const fn tag(tag: u8) -> bool {
    PLAIN_TAGS.0 <= tag && tag <= PLAIN_TAGS.1
}

/// A service the table must have; only ever evaluated for a constant, so a missing one stops
/// the build, never a run.
#[expect(
    clippy::panic,
    reason = "evaluated at compile time only: the panic is a build error"
)]
const fn found(id: Option<ServiceId>) -> ServiceId {
    match id {
        Some(id) => id,
        None => panic!("the service table lacks a plain response"),
    }
}

/// A-XDR `OPTIONAL` absent: the `FollowReport` and `TimeTag` bytes of a plain response.
const NO_TRAILER: [u8; 2] = [0, 0];

/// Appends the results of `apdu` (which sits at `base_offset` of the caller's input) to
/// `results` and returns the service name, when `apdu` is a plain response; otherwise leaves the
/// contents of `results` as they were (its allocation may have grown) and returns `None`.
pub(in crate::dlt698) fn response<'a>(
    apdu: &'a [u8],
    base_offset: usize,
    limits: &Limits,
    results: &mut Vec<AccessResult<'a>>,
) -> Option<&'static str> {
    let [tag, choice, _piid, body @ ..] = apdu else {
        return None;
    };
    let &(service, list, item) = PLAIN
        .iter()
        .find(|(id, _, _)| (id.tag, id.choice) == (*tag, *choice))?;
    let (count, items) = if list {
        let (&count, items) = body.split_first()?;
        // The short form of an A-XDR length only; the limit as `axdr::count` applies it.
        if count >= 0x80 || u32::from(count) > limits.max_items {
            return None;
        }
        (count, items)
    } else {
        (1, body)
    };
    // One loop per layout, each with its item parser inlined.
    let pushed = match item {
        Item::Get => push_items(
            apdu,
            base_offset,
            items,
            count,
            results,
            |apdu, at, input| a_result_normal(apdu, at, input, limits),
        ),
        Item::Set => push_items(apdu, base_offset, items, count, results, oad_dar),
        Item::Action => push_items(apdu, base_offset, items, count, results, omd_dar_data),
    };
    pushed.then_some(service.name)
}

/// Pushes the results of `count` items parsed by `item` from `items` (a suffix of `apdu`),
/// when exactly the two trailer bytes follow them; otherwise pushes nothing.
#[inline(always)]
#[expect(
    clippy::inline_always,
    reason = "one copy per item layout, each with its parser inlined: the per-item dispatch \
              of a shared loop cost the GET path about 17 instructions a frame"
)]
fn push_items<'a>(
    apdu: &'a [u8],
    base_offset: usize,
    items: &'a [u8],
    count: u8,
    results: &mut Vec<AccessResult<'a>>,
    mut item: impl FnMut(&'a [u8], usize, &'a [u8]) -> Option<(AccessResult<'a>, &'a [u8])>,
) -> bool {
    let before = results.len();
    let mut rest = items;
    for _ in 0..count {
        let Some((result, after)) = item(apdu, base_offset, rest) else {
            results.truncate(before);
            return false;
        };
        push_result(results, result);
        rest = after;
    }
    if rest != NO_TRAILER {
        results.truncate(before);
        return false;
    }
    true
}

/// A main-section result at `input`, a suffix of `apdu` (its offset is the length before it).
fn main_result<'a>(
    apdu: &[u8],
    base_offset: usize,
    input: &[u8],
    target: Target,
    outcome: Outcome<'a>,
) -> AccessResult<'a> {
    AccessResult {
        target,
        outcome,
        offset: apdu
            .len()
            .saturating_sub(input.len())
            .saturating_add(base_offset),
        section: Section::Main,
        via: None,
    }
}

/// SET-Response-Normal's item: OAD + DAR (the DAR is the whole result, `0` success).
fn oad_dar<'a>(
    apdu: &'a [u8],
    base_offset: usize,
    input: &'a [u8],
) -> Option<(AccessResult<'a>, &'a [u8])> {
    let [o0, o1, o2, o3, dar, rest @ ..] = input else {
        return None;
    };
    let target = Target::Oad(Oad(u32::from_be_bytes([*o0, *o1, *o2, *o3])));
    let outcome = dar_outcome(*dar);
    Some((main_result(apdu, base_offset, input, target, outcome), rest))
}

/// ACTION-Response-Normal's item: OMD + DAR + OPTIONAL `Data`, absent or one scalar (the
/// returned value is not kept, as in the general decoder).
fn omd_dar_data<'a>(
    apdu: &'a [u8],
    base_offset: usize,
    input: &'a [u8],
) -> Option<(AccessResult<'a>, &'a [u8])> {
    let [m0, m1, m2, m3, dar, optional, after_optional @ ..] = input else {
        return None;
    };
    let rest = match optional {
        0 => after_optional,
        1 => scalar(after_optional)?.1,
        _ => return None,
    };
    let target = Target::Omd(Omd(u32::from_be_bytes([*m0, *m1, *m2, *m3])));
    let outcome = dar_outcome(*dar);
    Some((main_result(apdu, base_offset, input, target, outcome), rest))
}

/// A-ResultNormal ::= SEQUENCE { OAD, Get-Result } with a DAR or one `Data`, at the start of
/// `input` (a suffix of `apdu`); the result and what follows it.
fn a_result_normal<'a>(
    apdu: &'a [u8],
    base_offset: usize,
    input: &'a [u8],
    limits: &Limits,
) -> Option<(AccessResult<'a>, &'a [u8])> {
    let [oi_high, oi_low, attribute, index, choice, after_choice @ ..] = input else {
        return None;
    };
    // Get-Result ::= CHOICE { DAR [0], Data [1] }.
    let (outcome, rest) = match choice {
        0 => {
            let (&dar, rest) = after_choice.split_first()?;
            (dar_outcome(dar), rest)
        }
        1 => {
            // A container (an array of readings, a structure) is walked here by the walker
            // the general decoder uses, with the same limits, rather than handed over: a GET
            // response of arrays or structures then costs about 450 instructions less (the
            // two such fixtures: 1 489 -> 989 and 1 349 -> 907; callgrind, `Decoder::decode`
            // over the DL/T 698.45 fixtures: 798.3 -> 771.2 a frame, a plain scalar GET
            // response +5). Any error of the walk hands the APDU over; the general decoder
            // reports it.
            let (value, rest) = if let Some(scalar) = scalar(after_choice) {
                scalar
            } else {
                container(after_choice, limits)?
            };
            (Outcome::Data(axdr_data(value)), rest)
        }
        _ => return None,
    };
    let target = Target::Oad(Oad(u32::from_be_bytes([
        *oi_high, *oi_low, *attribute, *index,
    ])));
    let result = main_result(apdu, base_offset, input, target, outcome);
    Some((result, rest))
}

/// One `Data` value that is not a scalar (an array, a structure), walked by the walker the
/// general decoder uses, with the same limits; `None` where the walk fails. Out of line, with
/// a walker of its own: a walker set up for every GET response cost the scalar path about
/// 20 instructions a frame.
#[inline(never)]
fn container<'a>(input: &'a [u8], limits: &Limits) -> Option<(&'a [u8], &'a [u8])> {
    // The walker's scratch list stays empty (no allocation) unless a value nests deeper than
    // its inline stack.
    let (rest, value) = DataWalker::default().values(input, 1, limits).ok()?;
    Some((value, rest))
}

/// Random GET, SET and ACTION responses for the property tests of the shortcuts (this one and
/// [`super::super::plain_frame`]): mostly plain, often almost plain, sometimes anything.
#[cfg(test)]
pub(crate) mod strategies {
    use proptest::prelude::*;

    use crate::limits::Limits;

    /// A `Data` value that is mostly one whole scalar, sometimes a well-formed container of
    /// scalars and containers (the shortcut walks those), a container of random bytes or an
    /// undefined tag, sometimes cut short.
    fn value() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![1 => any_value(), 1 => container()]
    }

    /// An array or structure of up to four scalars and containers, nested up to three deep.
    fn container() -> impl Strategy<Value = Vec<u8>> {
        let scalar = prop_oneof![
            any::<[u8; 2]>().prop_map(|b| vec![0x12, b[0], b[1]]),
            any::<u8>().prop_map(|b| vec![0x11, b]),
            Just(vec![0x00]),
            prop::collection::vec(any::<u8>(), 0..4).prop_map(|b| {
                let mut v = vec![0x09, u8::try_from(b.len()).unwrap_or(0)];
                v.extend(b);
                v
            }),
        ];
        scalar.prop_recursive(3, 16, 4, |inner| {
            (
                prop::sample::select(vec![0x01u8, 0x02]),
                prop::collection::vec(inner, 0..4),
            )
                .prop_map(|(tag, items)| {
                    let mut v = vec![tag, u8::try_from(items.len()).unwrap_or(0)];
                    for item in items {
                        v.extend(item);
                    }
                    v
                })
        })
    }

    /// Any tag with random content, cut to a whole value where the bytes hold one.
    fn any_value() -> impl Strategy<Value = Vec<u8>> {
        (
            prop::sample::select(vec![
                0u8, 1, 3, 4, 5, 6, 9, 10, 12, 15, 16, 17, 18, 20, 21, 22, 25, 26, 27, 28, 80, 81,
                85, 92, 2, 7, 0xFF,
            ]),
            prop::collection::vec(any::<u8>(), 0..12),
        )
            .prop_map(|(tag, content)| {
                let mut value = vec![tag];
                value.extend(content);
                // Cut to a whole value where the bytes hold one, as real responses do.
                if let Ok(len) = crate::dlt698::data_len(&value, &Limits::default()) {
                    value.truncate(len);
                }
                value
            })
    }

    /// A CHOICE or OPTIONAL byte (mostly a defined one), then a DAR, a value or random bytes,
    /// in any combination: a Get-Result, or an ACTION item's DAR-less tail.
    fn tagged() -> impl Strategy<Value = Vec<u8>> {
        let choice = prop_oneof![4 => 0u8..2, 1 => 2u8..4, 1 => any::<u8>()];
        let payload = prop_oneof![
            any::<u8>().prop_map(|dar| vec![dar]),
            value(),
            Just(Vec::new()),
            prop::collection::vec(any::<u8>(), 0..8),
        ];
        (choice, payload).prop_map(|(choice, payload)| {
            let mut bytes = vec![choice];
            bytes.extend(payload);
            bytes
        })
    }

    /// One item: its OAD or OMD, a DAR and the bytes after them; laid out per service by
    /// [`apdu`].
    fn item() -> impl Strategy<Value = ([u8; 4], u8, Vec<u8>)> {
        (any::<[u8; 4]>(), any::<u8>(), tagged())
    }

    /// A GET, SET or ACTION response APDU (or another tag), mostly well-formed, sometimes not.
    pub(crate) fn apdu() -> impl Strategy<Value = Vec<u8>> {
        (
            prop_oneof![
                4 => Just(0x85u8),
                1 => Just(0x86u8),
                1 => Just(0x87u8),
                1 => Just(0x88u8),
                1 => any::<u8>(),
            ],
            prop_oneof![2 => Just(1u8), 2 => Just(2u8), 1 => any::<u8>()],
            any::<u8>(),
            prop_oneof![
                3 => prop::collection::vec(item(), 1..=1),
                2 => prop::collection::vec(item(), 0..5),
            ],
            prop_oneof![Just(None), any::<u8>().prop_map(Some),],
            prop_oneof![
                4 => Just(vec![0u8, 0]),
                1 => prop::collection::vec(any::<u8>(), 0..4),
            ],
        )
            .prop_map(|(tag, choice, piid, items, count, trailer)| {
                let mut apdu = vec![tag, choice, piid];
                // Lists: GET, SET and ACTION choice 2, REPORT-Notification choice 1.
                if choice == 2 || (tag, choice) == (0x88, 1) {
                    let n = u8::try_from(items.len()).unwrap();
                    apdu.push(count.unwrap_or(n));
                }
                for (descriptor, dar, tail) in items {
                    apdu.extend(descriptor);
                    match tag {
                        // OAD + DAR.
                        0x86 => apdu.push(dar),
                        // OMD + DAR + OPTIONAL Data.
                        0x87 => {
                            apdu.push(dar);
                            apdu.extend(tail);
                        }
                        // OAD + Get-Result.
                        _ => apdu.extend(tail),
                    }
                }
                apdu.extend(trailer);
                apdu
            })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{Apdu, decode_in};
    use super::strategies;
    use crate::limits::Limits;
    use crate::result::AccessResult;
    use crate::test_util::render::read_annotated_hex;

    /// The tag test lets through exactly the tags of the plain services: none of them is
    /// sent the general way before its APDU is read, and no other tag costs the addresses.
    #[test]
    fn the_tag_test_is_the_tags_of_the_table() {
        for tag in 0..=u8::MAX {
            let plain = super::PLAIN.iter().any(|(id, _, _)| id.tag == tag);
            assert_eq!(super::tag(tag), plain, "{tag:#04x}");
        }
    }

    /// Where the shortcut answers for `apdu`, it answers what the general decoder does
    /// (results, service and status); where it does not, it adds nothing to the results.
    fn assert_same(apdu: &[u8], base_offset: usize, limits: &Limits, spare: bool) {
        // A spare list that already has room, as a `Decoder` hands over.
        let spare = || -> Vec<AccessResult<'_>> {
            if spare {
                Vec::with_capacity(7)
            } else {
                Vec::new()
            }
        };
        let general = decode_in(apdu, base_offset, limits, 0, spare());
        let mut results = spare();
        let capacity = results.capacity();
        match super::response(apdu, base_offset, limits, &mut results) {
            Some(service) => {
                let plain = Apdu {
                    service,
                    results,
                    status: None,
                };
                assert_eq!(Ok(plain), general, "{apdu:02X?}");
            }
            // Nothing added (the list may have got room for the general decoder to use).
            None => assert!(results.is_empty() && results.capacity() >= capacity),
        }
    }

    /// Whether the shortcut answers for `apdu` (the general decoder is not asked).
    fn plain(apdu: &[u8]) -> bool {
        super::response(apdu, 0, &Limits::default(), &mut Vec::new()).is_some()
    }

    #[test]
    fn plain_responses_take_the_shortcut_and_others_do_not() {
        let taken = [
            "85 01 07 20000200 01 12 0898 00 00",
            "85 01 07 20140200 00 04 00 00",
            "85 01 07 40010200 01 09 06 000000000001 00 00",
            "85 02 00 03 20000200 01 12 0898 20140200 00 04 200F0200 01 12 1388 00 00",
            "85 02 00 00 00 00",
            "86 01 00 40000300 00 00 00",
            "86 02 00 02 40000300 03 40000200 00 00 00",
            "87 01 00 80000100 00 00 00 00",
            "87 01 00 80000100 00 01 00 00 00",
            "87 02 00 02 F3000400 21 01 12 0001 F3000500 00 00 00 00",
            "88 01 03 02 20000200 01 12 0898 30110200 00 21 00 00",
            "85 01 07 20000200 01 01 03 12 096D 12 096E 12 096F 00 00",
            "85 02 00 02 20000200 01 02 02 12 0001 01 01 12 0002 20140200 00 04 00 00",
        ];
        for text in taken {
            let apdu = read_annotated_hex(text).unwrap();
            assert!(plain(&apdu), "{text}");
            assert_same(&apdu, 14, &Limits::default(), false);
        }
        let general = [
            // A container value cut short, a TimeTag, a FollowReport, a long-form count, a
            // record response, a SetThenGet response, an ACTION returning a container, an
            // OPTIONAL that is neither 0 nor 1, trailing bytes, a cut.
            "85 01 07 20000200 01 01 03 12 096D 12 096E 12 00 00",
            "85 01 07 20000200 01 12 0898 00 01 07E8 01 01 00 00 00 00 00 00",
            "85 01 07 20000200 01 12 0898 01 01 01 20140200 00 04 00",
            "85 02 00 81 01 20000200 01 12 0898 00 00",
            "85 03 00 60120300 01 00 00 00 00 00",
            "86 03 00 01 40000300 00 40000200 01 1C 07E8 01 01 00 00 00 00 00",
            "87 01 00 80000100 00 01 01 01 12 0001 00 00",
            "87 01 00 80000100 00 02 00 00",
            "86 01 00 40000300 00 00 00 00",
            "85 01 07 20000200 01 12 0898 00 00 00",
            "85 01 07 20000200 01 12 08",
        ];
        for text in general {
            let apdu = read_annotated_hex(text).unwrap();
            assert!(!plain(&apdu), "{text}");
            assert_same(&apdu, 0, &Limits::default(), true);
        }
    }

    #[test]
    fn every_data_tag_and_dar_byte_agrees() {
        for byte in 0..=u8::MAX {
            // The byte as a data tag with a few bytes of content, and as a DAR.
            let value = [
                0x85, 0x01, 0x07, 0x20, 0x00, 0x02, 0x00, 0x01, byte, 0x02, 0x08, 0x98, 0x00, 0x00,
            ];
            for cut in 9..=value.len() {
                assert_same(&value[..cut], 3, &Limits::default(), false);
                let mut padded = value[..cut].to_vec();
                padded.extend_from_slice(&[0, 0]);
                assert_same(&padded, 3, &Limits::default(), false);
            }
            let dar = [
                0x85, 0x01, 0x07, 0x20, 0x00, 0x02, 0x00, 0x00, byte, 0x00, 0x00,
            ];
            assert!(plain(&dar));
            assert_same(&dar, 0, &Limits::default(), false);
            // The byte as the Get-Result CHOICE, before a DAR and before a scalar.
            let choice = [
                0x85, 0x01, 0x07, 0x20, 0x00, 0x02, 0x00, byte, 0x04, 0x00, 0x00,
            ];
            assert_same(&choice, 0, &Limits::default(), false);
            let choice = [
                0x85, 0x01, 0x07, 0x20, 0x00, 0x02, 0x00, byte, 0x12, 0x08, 0x98, 0x00, 0x00,
            ];
            assert_same(&choice, 0, &Limits::default(), false);
        }
    }

    /// Containers are walked with the caller's limits: under every depth and item limit the
    /// shortcut answers what the general decoder does, and with the defaults it answers.
    #[test]
    fn containers_are_walked_with_the_general_limits() {
        let containers = [
            "85 01 07 20000200 01 01 03 12 096D 12 096E 12 096F 00 00",
            "85 01 07 20000200 01 02 02 01 02 12 0001 02 01 11 05 09 02 AABB 00 00",
            "85 02 00 02 20000200 01 01 01 01 01 01 01 12 0001 20140200 00 04 00 00",
            "88 01 03 02 20000200 01 02 02 1C 07E80101000000 06 00000001 30110200 00 21 00 00",
            "85 01 07 20000200 01 01 00 00 00",
        ];
        for text in containers {
            let apdu = read_annotated_hex(text).unwrap();
            assert!(plain(&apdu), "{text}");
            for max_depth in 0..6 {
                for max_items in [0, 1, 2, 3, u32::MAX] {
                    let limits = Limits::default()
                        .with_max_depth(max_depth)
                        .with_max_items(max_items);
                    assert_same(&apdu, 3, &limits, max_depth % 2 == 0);
                }
            }
        }
    }

    #[test]
    fn the_item_limit_is_the_general_one() {
        let apdu =
            read_annotated_hex("85 02 00 02 20000200 01 12 0898 20140200 00 04 00 00").unwrap();
        for max in 0..4 {
            assert_same(&apdu, 0, &Limits::default().with_max_items(max), false);
        }
        let one = Limits::default().with_max_items(1);
        assert!(super::response(&apdu, 0, &one, &mut Vec::new()).is_none());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn the_plain_path_is_the_general_path(
            apdu in strategies::apdu(),
            damage in prop::option::of((any::<prop::sample::Index>(), any::<u8>())),
            cut in prop::option::of(any::<prop::sample::Index>()),
            base_offset in 0usize..100,
            max_items in prop_oneof![Just(u32::MAX), 0u32..4],
            max_depth in prop_oneof![Just(64u16), 0u16..4],
            spare in any::<bool>(),
        ) {
            let mut apdu = apdu;
            crate::test_util::damage_and_cut(&mut apdu, damage, cut);
            let limits = Limits::default().with_max_items(max_items).with_max_depth(max_depth);
            assert_same(&apdu, base_offset, &limits, spare);
        }
    }
}
