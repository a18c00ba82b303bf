//! GET-Response (`85`) bodies beyond the shared A-ResultNormal / A-ResultRecord:
//! `GetResponseNext` (application-level blocks) and `GetResponseMD5`.

use crate::error::DecodeErrorKind;
use crate::parse::{PResult, be_u16, fail, u8};
use crate::result::{Outcome, Target};

use super::super::axdr;
use super::common::{self, A_RESULT_NORMAL_MIN, A_RESULT_RECORD_MIN};
use super::{Cx, axdr_data};

/// `GetResponseNext` ::= SEQUENCE { PIID-ACD, 末帧标志 BOOLEAN, 分帧序号 long-unsigned,
/// 分帧响应 CHOICE { [0] DAR, [1] SEQUENCE OF A-ResultNormal, [2] SEQUENCE OF A-ResultRecord } }.
/// A DAR here (e.g. 10 分帧传输已取消) answers for the whole block: `Target::Whole`.
pub(super) fn next<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (rest, _last_block) = u8(input)?;
    let (rest, _block_seq) = be_u16(rest)?;
    let (after_choice, choice) = u8(rest)?;
    match choice {
        0 => {
            let (rest, outcome) = common::dar(after_choice)?;
            cx.push(after_choice, Target::Whole, outcome);
            Ok((rest, ()))
        }
        1 => common::sequence_of(
            cx,
            after_choice,
            A_RESULT_NORMAL_MIN,
            common::a_result_normal,
        ),
        2 => common::sequence_of(
            cx,
            after_choice,
            A_RESULT_RECORD_MIN,
            common::a_result_record,
        ),
        value => fail(
            rest,
            DecodeErrorKind::InvalidChoice {
                field: "GetResponseNext",
                value,
            },
        ),
    }
}

/// `GetResponseMD5` ::= SEQUENCE { PIID-ACD, OAD, CHOICE { [0] DAR, [1] octet-string } }.
/// The data outcome is the digest's bytes (the octet-string's content).
pub(super) fn md5<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (rest, oad) = axdr::oad(input)?;
    let (after_choice, choice) = u8(rest)?;
    let (rest, outcome) = match choice {
        0 => common::dar(after_choice)?,
        1 => {
            let (rest, digest) = axdr::octet_string(after_choice)?;
            (rest, Outcome::Data(axdr_data(digest)))
        }
        value => {
            return fail(
                rest,
                DecodeErrorKind::InvalidChoice {
                    field: "GetResponseMD5",
                    value,
                },
            );
        }
    };
    cx.push(input, Target::Oad(oad), outcome);
    Ok((rest, ()))
}
