//! The trailer of every server APDU from `82` to `89` and of `EE` (DL/T 698.45 §7
//! Server-APDU): `FollowReport` OPTIONAL, `TimeTag` OPTIONAL. Reports piggy-backed on a
//! response can carry DARs too; their results go to `Section::FollowReport`.

use crate::error::DecodeErrorKind;
use crate::parse::{PResult, fail, u8};
use crate::result::Section;

use super::super::axdr::{self, DATE_TIME_S_LEN, TI_LEN};
use super::Cx;
use super::common::{self, A_RESULT_NORMAL_MIN, A_RESULT_RECORD_MIN};

/// `FollowReport` OPTIONAL, then `TimeTag` OPTIONAL (`date_time_s` + TI).
pub(super) fn trailer<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (rest, follow) = axdr::optional(input, "OPTIONAL FollowReport")?;
    let rest = if follow {
        cx.in_section(Section::FollowReport, |cx| follow_report(cx, rest))?
            .0
    } else {
        rest
    };
    let (rest, tagged) = axdr::optional(rest, "OPTIONAL TimeTag")?;
    if !tagged {
        return Ok((rest, ()));
    }
    let (rest, ()) = axdr::skip(rest, DATE_TIME_S_LEN)?;
    axdr::skip(rest, TI_LEN)
}

/// `FollowReport` ::= CHOICE { 若干个对象属性及其数据 [1] SEQUENCE OF A-ResultNormal,
/// 若干个记录型对象属性及其数据 [2] SEQUENCE OF A-ResultRecord }.
fn follow_report<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (rest, choice) = u8(input)?;
    match choice {
        1 => common::sequence_of(cx, rest, A_RESULT_NORMAL_MIN, common::a_result_normal),
        2 => common::sequence_of(cx, rest, A_RESULT_RECORD_MIN, common::a_result_record),
        value => fail(
            input,
            DecodeErrorKind::InvalidChoice {
                field: "FollowReport",
                value,
            },
        ),
    }
}
