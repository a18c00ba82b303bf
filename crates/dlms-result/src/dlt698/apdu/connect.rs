//! CONNECT-Response (`82`): the negotiated connection parameters and a `ConnectResult`
//! (its own ENUMERATED, not a DAR), which becomes the service status.

use crate::parse::{PResult, u8};
use crate::status::{ConnectResult, ServiceStatus};

use super::super::axdr;
use super::Cx;

/// `FactoryVersion` (厂商版本信息): vendor code 4, software version 4, software date 6,
/// hardware version 4, hardware date 6, vendor extension 8 — fixed-size visible-strings
/// without length bytes.
const FACTORY_VERSION_LEN: usize = 32;

/// The fixed fields between `FactoryVersion` and the result: protocol version long-unsigned 2,
/// `ProtocolConformance` bit-string(64) 8, `FunctionConformance` bit-string(128) 16, server send
/// and receive frame sizes 2 + 2, receive window 1, max APDU size 2, connection timeout
/// double-long-unsigned 4.
const NEGOTIATED_LEN: usize = 2 + 8 + 16 + 2 + 2 + 1 + 2 + 4;

/// CONNECT-Response after its PIID-ACD.
pub(super) fn response<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (rest, ()) = axdr::skip(input, FACTORY_VERSION_LEN)?;
    let (rest, ()) = axdr::skip(rest, NEGOTIATED_LEN)?;
    // ConnectResponseInfo: 认证结果 ConnectResult + 认证附加信息 SecurityData OPTIONAL
    // (服务器随机数 RN, 服务器签名信息 MAC).
    let (rest, result) = u8(rest)?;
    cx.status = Some(ServiceStatus::Connect(ConnectResult(result)));
    let (rest, secured) = axdr::optional(rest, "OPTIONAL SecurityData")?;
    if !secured {
        return Ok((rest, ()));
    }
    let (rest, _random) = axdr::octet_string(rest)?;
    let (rest, _signature) = axdr::octet_string(rest)?;
    Ok((rest, ()))
}
