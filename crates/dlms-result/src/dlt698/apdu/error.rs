//! ERROR-Response (`EE`): the server could not handle the request APDU at all. Its error
//! type (1 APDU无法解析, 2 服务不支持, 255 其他) is not a DAR: it becomes the service status.

use crate::parse::{PResult, u8};
use crate::status::{ErrorType, ServiceStatus};

use super::Cx;

/// ERROR-Response after its PIID-ACD: 异常类型 ENUMERATED.
pub(super) fn response<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (rest, kind) = u8(input)?;
    cx.status = Some(ServiceStatus::Error(ErrorType(kind)));
    Ok((rest, ()))
}
