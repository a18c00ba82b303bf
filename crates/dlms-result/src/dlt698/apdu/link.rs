//! LINK-Response (`81`, sent by the client to answer a login / heartbeat / logout): result
//! byte and three `date_time` stamps; no `FollowReport` / `TimeTag`.

use crate::parse::{PResult, u8};
use crate::status::{LinkResult, ServiceStatus};

use super::super::axdr::{self, DATE_TIME_LEN};
use super::Cx;

/// LINK-Response after its PIID: 结果 Result(bit-string 8), 请求时间, 收到时间, 响应时间
/// (`date_time` each).
pub(super) fn response<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (mut rest, result) = u8(input)?;
    for _ in 0..3 {
        (rest, ()) = axdr::skip(rest, DATE_TIME_LEN)?;
    }
    cx.status = Some(ServiceStatus::Link(LinkResult(result)));
    Ok((rest, ()))
}
