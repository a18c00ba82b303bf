//! REPORT-Notification (`88`) `TransData`; the List and `RecordList` forms are sequences of the
//! shared A-ResultNormal / A-ResultRecord.

use crate::parse::PResult;

use super::super::axdr;
use super::{Cx, trans};

/// `ReportNotificationTransData` ::= SEQUENCE { PIID-ACD, 数据来源端口号 OAD, 透明数据
/// SEQUENCE OF octet-string }: each octet-string is a forwarded frame of the port.
pub(super) fn trans_data<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (rest, port) = axdr::oad(input)?;
    let (mut rest, n) = axdr::count(rest, cx.limits, 1)?;
    for _ in 0..n {
        let (after, octets) = axdr::octet_string(rest)?;
        // Results without a position of their own (empty, raw) point at the port OAD.
        trans::forwarded(cx, port, input, octets);
        rest = after;
    }
    Ok((rest, ()))
}
