//! SET-Response (`86`): a bare DAR per OAD, and the read-back of `SetThenGet`.

use crate::parse::PResult;
use crate::result::{Section, Target};

use super::super::axdr;
use super::Cx;
use super::common::{self, A_RESULT_NORMAL_MIN};

/// OAD(4) + DAR(1).
pub(super) const OAD_DAR_LEN: usize = 5;
/// OAD + DAR + the read-back A-ResultNormal.
pub(super) const SET_THEN_GET_MIN: usize = OAD_DAR_LEN + A_RESULT_NORMAL_MIN;

/// `SetResponseNormal` and each item of `SetResponseNormalList`: OAD + DAR (no CHOICE: the DAR
/// is the whole result, `0` meaning success).
pub(super) fn oad_dar<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (rest, oad) = axdr::oad(input)?;
    let (rest, outcome) = common::dar(rest)?;
    cx.push(input, Target::Oad(oad), outcome);
    Ok((rest, ()))
}

/// Each item of `SetThenGetResponseNormalList`: the set's OAD + DAR, then the read-back
/// A-ResultNormal (`Section::ReadBack`).
pub(super) fn set_then_get<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (rest, ()) = oad_dar(cx, input)?;
    cx.in_section(Section::ReadBack, |cx| common::a_result_normal(cx, rest))
}
