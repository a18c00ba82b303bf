//! Transparently forwarded frames (PROXY `TransCommand`, REPORT TransData): an octet-string
//! that usually holds a complete DL/T 698.45 or DL/T 645 frame of the device behind a port,
//! often with its own `FE` wake-up bytes. The inner frame is decoded by the protocol
//! dispatcher and its results are reported under the port.
//!
//! Choices made here, because real concentrators forward whatever the device answered:
//! - An empty octet-string is the front-end's result code 256 透传透明转发报文为空
//!   ([`ResultCode::PASSTHROUGH_EMPTY`]) for the port.
//! - Octets that are not a decodable frame, and a frame that decodes but carries no result
//!   (a link or error response), do not fail the outer frame: they give one result with
//!   `Outcome::Data` of the raw octets.
//! - Beyond [`Limits::max_nesting`](crate::Limits::max_nesting) frames deep the octets are
//!   not decoded: they also give the raw-octets result.
//! - Bytes after the inner frame's end byte are ignored.

use crate::code::ResultCode;
use crate::decode::decode_nested;
use crate::result::{Oad, Outcome, Target, Via};

use super::{Cx, axdr_data};

/// Reports the octets forwarded through `port` (whose OAD starts at `port_at`).
pub(super) fn forwarded<'a>(cx: &mut Cx<'a, '_>, port: Oad, port_at: &'a [u8], octets: &'a [u8]) {
    let route = Via::new(None, Some(port), None);
    if octets.is_empty() {
        cx.routed(route, |cx| {
            cx.push(
                port_at,
                Target::Oad(port),
                Outcome::Code(ResultCode::PASSTHROUGH_EMPTY),
            );
        });
        return;
    }
    let decoded = if cx.nesting < cx.limits.max_nesting {
        decode_nested(
            octets,
            cx.limits,
            cx.nesting.saturating_add(1),
            Vec::new(),
            None,
        )
        .ok()
    } else {
        None
    };
    let Some(decoded) = decoded.filter(|d| !d.results.is_empty()) else {
        cx.routed(route, |cx| {
            cx.push(port_at, Target::Oad(port), Outcome::Data(axdr_data(octets)));
        });
        return;
    };
    let shift = cx.offset(octets);
    let outer = Via::new(decoded.server_address, Some(port), Some(decoded.protocol));
    for mut result in decoded.results {
        result.offset = result.offset.saturating_add(shift);
        // A route the inner frame already has (it proxied further) is the more specific one;
        // the port and protocol fill whatever it leaves open.
        let via = result.via.map_or(outer, |inner| Via {
            tsa: inner.tsa.or(outer.tsa),
            port: inner.port.or(outer.port),
            inner_protocol: inner.inner_protocol.or(outer.inner_protocol),
        });
        result.via = Some(via);
        cx.results.push(result);
    }
}
