//! PROXY-Response (`89`): results of the devices behind a proxy (concentrator, terminal).
//! Every result is routed through the target server address (TSA) it belongs to; responses
//! carry no per-target timeout (requests do).

use crate::error::DecodeErrorKind;
use crate::parse::{PResult, fail, u8};
use crate::result::{Target, Via};

use super::super::axdr;
use super::common::{self, A_RESULT_NORMAL_MIN};
use super::{Cx, action, set, trans};

/// The smallest proxied target: a TSA (length, flag, one address byte) and an empty
/// SEQUENCE OF.
const TARGET_MIN: usize = 4;

/// One proxied target: TSA + SEQUENCE OF `item`, every result routed through the TSA.
fn target<'a, 'l>(
    cx: &mut Cx<'a, 'l>,
    input: &'a [u8],
    min_item_len: usize,
    item: fn(&mut Cx<'a, 'l>, &'a [u8]) -> PResult<'a, ()>,
) -> PResult<'a, ()> {
    let (rest, tsa) = axdr::tsa(input)?;
    cx.routed(Via::new(Some(tsa), None, None), |cx| {
        common::sequence_of(cx, rest, min_item_len, item)
    })
}

/// SEQUENCE OF targets.
fn targets<'a, 'l>(
    cx: &mut Cx<'a, 'l>,
    input: &'a [u8],
    min_item_len: usize,
    item: fn(&mut Cx<'a, 'l>, &'a [u8]) -> PResult<'a, ()>,
) -> PResult<'a, ()> {
    common::sequence_of(cx, input, TARGET_MIN, |cx, at| {
        target(cx, at, min_item_len, item)
    })
}

/// `ProxyGetResponseList`: SEQUENCE OF { TSA, SEQUENCE OF A-ResultNormal }.
pub(super) fn get_list<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    targets(cx, input, A_RESULT_NORMAL_MIN, common::a_result_normal)
}

/// `ProxyGetResponseRecord`: TSA + A-ResultRecord.
pub(super) fn get_record<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (rest, tsa) = axdr::tsa(input)?;
    cx.routed(Via::new(Some(tsa), None, None), |cx| {
        common::a_result_record(cx, rest)
    })
}

/// `ProxySetResponseList`: SEQUENCE OF { TSA, SEQUENCE OF { OAD, DAR } }.
pub(super) fn set_list<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    targets(cx, input, set::OAD_DAR_LEN, set::oad_dar)
}

/// `ProxySetThenGetResponseList`: SEQUENCE OF { TSA, SEQUENCE OF { OAD, DAR, A-ResultNormal } }.
pub(super) fn set_then_get_list<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    targets(cx, input, set::SET_THEN_GET_MIN, set::set_then_get)
}

/// `ProxyActionResponseList`: SEQUENCE OF { TSA, SEQUENCE OF { OMD, DAR, OPTIONAL Data } }.
pub(super) fn action_list<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    targets(cx, input, action::OMD_DAR_DATA_MIN, action::omd_dar_data)
}

/// `ProxyActionThenGetResponseList`: SEQUENCE OF { TSA, SEQUENCE OF { OMD, DAR, OPTIONAL Data,
/// A-ResultNormal } }.
pub(super) fn action_then_get_list<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    targets(
        cx,
        input,
        action::ACTION_THEN_GET_MIN,
        action::action_then_get,
    )
}

/// `ProxyTransCommandResponse`: 端口 OAD + `TransResult` CHOICE { [0] DAR (e.g. the device did
/// not answer), [1] octet-string (the device's answer frame) }.
pub(super) fn trans_command<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (rest, port) = axdr::oad(input)?;
    let (after_choice, choice) = u8(rest)?;
    match choice {
        0 => {
            let (rest, outcome) = common::dar(after_choice)?;
            cx.routed(Via::new(None, Some(port), None), |cx| {
                cx.push(input, Target::Oad(port), outcome);
            });
            Ok((rest, ()))
        }
        1 => {
            let (rest, octets) = axdr::octet_string(after_choice)?;
            trans::forwarded(cx, port, input, octets);
            Ok((rest, ()))
        }
        value => fail(
            rest,
            DecodeErrorKind::InvalidChoice {
                field: "TransResult",
                value,
            },
        ),
    }
}
