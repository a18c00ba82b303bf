//! ACTION-Response (`87`): OMD + DAR + OPTIONAL return Data per method, and the read-back
//! of `ActionThenGet`.

use crate::parse::PResult;
use crate::result::{Section, Target};

use super::super::axdr;
use super::Cx;
use super::common::{self, A_RESULT_NORMAL_MIN};

/// OMD(4) + DAR(1) + OPTIONAL marker(1).
pub(super) const OMD_DAR_DATA_MIN: usize = 6;
/// OMD + DAR + OPTIONAL Data + the read-back A-ResultNormal.
pub(super) const ACTION_THEN_GET_MIN: usize = OMD_DAR_DATA_MIN + A_RESULT_NORMAL_MIN;

/// `ActionResponseNormal` and each item of `ActionResponseNormalList`: OMD + DAR + OPTIONAL Data.
/// The result is the DAR (`0` success); the optional return value is walked but not kept
/// ("no data" `00` and "Data null" `01 00` both mean nothing to report).
pub(super) fn omd_dar_data<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (rest, omd) = axdr::omd(input)?;
    let (rest, outcome) = common::dar(rest)?;
    let (rest, _returned) = common::optional_data(cx, rest)?;
    cx.push(input, Target::Omd(omd), outcome);
    Ok((rest, ()))
}

/// Each item of `ActionThenGetResponseNormalList`: the action's result, then the read-back
/// A-ResultNormal (`Section::ReadBack`).
pub(super) fn action_then_get<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (rest, ()) = omd_dar_data(cx, input)?;
    cx.in_section(Section::ReadBack, |cx| common::a_result_normal(cx, rest))
}
