//! RELEASE-Response (`83`) and RELEASE-Notification (`84`).

use crate::parse::{PResult, u8};
use crate::status::ServiceStatus;

use super::super::axdr::{self, DATE_TIME_S_LEN};
use super::Cx;

/// RELEASE-Response after its PIID-ACD: 结果 ENUMERATED { 成功 (0) }.
pub(super) fn response<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (rest, result) = u8(input)?;
    cx.status = Some(ServiceStatus::Release(result));
    Ok((rest, ()))
}

/// RELEASE-Notification after its PIID-ACD: 应用连接建立时间, 服务器当前时间 (`date_time_s`
/// each).
pub(super) fn notification(input: &[u8]) -> PResult<'_, ()> {
    let (rest, ()) = axdr::skip(input, DATE_TIME_S_LEN)?;
    axdr::skip(rest, DATE_TIME_S_LEN)
}
