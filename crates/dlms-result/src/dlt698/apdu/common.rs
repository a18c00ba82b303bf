//! Building blocks shared by the GET, REPORT, PROXY responses and the `FollowReport`:
//! Get-Result, A-ResultNormal, A-ResultRecord, DAR and SEQUENCE OF.

use crate::code::Dar;
use crate::error::DecodeErrorKind;
use crate::parse::{PResult, fail, u8};
use crate::result::{Outcome, Target};

use super::super::axdr;
use super::{Cx, axdr_data};

/// The smallest A-ResultNormal: OAD(4) + Get-Result CHOICE + DAR.
pub(super) const A_RESULT_NORMAL_MIN: usize = 6;
/// The smallest A-ResultRecord: OAD(4) + empty RCSD + `ResponseData` CHOICE + DAR.
pub(super) const A_RESULT_RECORD_MIN: usize = 7;

/// A DAR byte as an outcome: every byte is a valid DAR, unnamed ones are kept.
pub(super) fn dar_outcome(byte: u8) -> Outcome<'static> {
    Outcome::Code(Dar::new(byte).into())
}

/// A DAR (ENUMERATED, one byte).
pub(super) fn dar(input: &[u8]) -> PResult<'_, Outcome<'static>> {
    let (rest, byte) = u8(input)?;
    Ok((rest, dar_outcome(byte)))
}

/// SEQUENCE OF `item`, each at least `min_item_len` bytes.
pub(super) fn sequence_of<'a, 'l>(
    cx: &mut Cx<'a, 'l>,
    input: &'a [u8],
    min_item_len: usize,
    mut item: impl FnMut(&mut Cx<'a, 'l>, &'a [u8]) -> PResult<'a, ()>,
) -> PResult<'a, ()> {
    let (mut rest, n) = axdr::count(input, cx.limits, min_item_len)?;
    for _ in 0..n {
        (rest, ()) = item(cx, rest)?;
    }
    Ok((rest, ()))
}

/// Get-Result ::= CHOICE { 错误信息 [0] DAR, 数据 [1] Data } — DAR first, the opposite of the
/// DLMS Get-Data-Result order.
pub(super) fn get_result<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, Outcome<'a>> {
    let (rest, choice) = u8(input)?;
    match choice {
        0 => dar(rest),
        1 => {
            let (rest, value) = cx.walker.data(rest, cx.limits)?;
            Ok((rest, Outcome::Data(axdr_data(value))))
        }
        value => fail(
            input,
            DecodeErrorKind::InvalidChoice {
                field: "Get-Result",
                value,
            },
        ),
    }
}

/// A-ResultNormal ::= SEQUENCE { OAD, Get-Result }.
pub(super) fn a_result_normal<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (rest, oad) = axdr::oad(input)?;
    let (rest, outcome) = get_result(cx, rest)?;
    cx.push(input, Target::Oad(oad), outcome);
    Ok((rest, ()))
}

/// A-ResultRecord ::= SEQUENCE { OAD, RCSD, `ResponseData` CHOICE { [0] DAR, [1] SEQUENCE OF
/// A-RecordRow } }. A row has no length prefix: it is one `Data` per RCSD column, so the
/// rows are walked as rows × columns values. The data outcome covers every row.
pub(super) fn a_result_record<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (rest, oad) = axdr::oad(input)?;
    let (rest, columns) = axdr::rcsd(rest, cx.limits)?;
    let target = Target::Road {
        oad,
        columns: u16::try_from(columns).unwrap_or(u16::MAX),
    };
    let (after_choice, choice) = u8(rest)?;
    let (rest, outcome) = match choice {
        0 => dar(after_choice)?,
        1 => {
            let row_len = usize::try_from(columns).unwrap_or(usize::MAX);
            let (rows_at, rows) = axdr::count(after_choice, cx.limits, row_len)?;
            let (rest, values) =
                cx.walker
                    .values(rows_at, rows.saturating_mul(columns), cx.limits)?;
            (rest, Outcome::Data(axdr_data(values)))
        }
        value => {
            return fail(
                rest,
                DecodeErrorKind::InvalidChoice {
                    field: "ResponseData",
                    value,
                },
            );
        }
    };
    cx.push(input, target, outcome);
    Ok((rest, ()))
}

/// OPTIONAL Data: `00` absent, `01` + Data. Returns the value's bytes when present.
pub(super) fn optional_data<'a>(
    cx: &mut Cx<'a, '_>,
    input: &'a [u8],
) -> PResult<'a, Option<&'a [u8]>> {
    let (rest, present) = axdr::optional(input, "OPTIONAL Data")?;
    if present {
        let (rest, value) = cx.walker.data(rest, cx.limits)?;
        Ok((rest, Some(value)))
    } else {
        Ok((rest, None))
    }
}
