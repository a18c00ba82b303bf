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
    // While the APDU has no results yet (a forwarded frame is usually its only item), the
    // inner frame's results go into the APDU's own list, which becomes theirs: the list a
    // `Decoder` reuses, where a list of their own cost an allocation, its growth and its free
    // for every forwarded frame (callgrind, `Decoder::decode` over the DL/T 698.45 fixtures:
    // 811.8 -> 798.8 instructions a frame; the fixture mix 669.4 -> 660.3). Either way the
    // APDU ends with the same results: the inner ones, each moved by the same shift and route
    // (`each_forwarded_frame_reads_as_it_does_alone`).
    let into_own = cx.results.is_empty();
    let decoded = if cx.nesting < cx.limits.max_nesting {
        let spare = if into_own {
            core::mem::take(&mut cx.results)
        } else {
            Vec::new()
        };
        decode_nested(octets, cx.limits, cx.nesting.saturating_add(1), spare, None).ok()
    } else {
        None
    };
    let mut decoded = match decoded {
        Some(decoded) if !decoded.results.is_empty() => decoded,
        other => {
            // No results: the list is empty either way; keep its allocation if there is one.
            if let (true, Some(decoded)) = (into_own, other) {
                cx.results = decoded.results;
            }
            cx.routed(route, |cx| {
                cx.push(port_at, Target::Oad(port), Outcome::Data(axdr_data(octets)));
            });
            return;
        }
    };
    let shift = cx.offset(octets);
    let outer = Via::new(decoded.server_address, Some(port), Some(decoded.protocol));
    for result in &mut decoded.results {
        result.offset = result.offset.saturating_add(shift);
        // A route the inner frame already has (it proxied further) is the more specific one;
        // the port and protocol fill whatever it leaves open.
        let via = result.via.map_or(outer, |inner| Via {
            tsa: inner.tsa.or(outer.tsa),
            port: inner.port.or(outer.port),
            inner_protocol: inner.inner_protocol.or(outer.inner_protocol),
        });
        result.via = Some(via);
    }
    if into_own {
        cx.results = decoded.results;
    } else {
        cx.results.append(&mut decoded.results);
    }
}

#[cfg(test)]
mod tests {
    use crate::dlt698::decode_apdu;
    use crate::limits::Limits;

    /// A DL/T 698.45 GET-Response-Normal with DAR 3 (the inner frame of the fixture
    /// `synthetic-report-notification-transdata-inner-dar3`).
    const GET_DAR3: [u8; 28] = [
        0x68, 0x1A, 0x00, 0xC3, 0x05, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x00, 0x52, 0x55, 0x85,
        0x01, 0x01, 0x00, 0x10, 0x02, 0x00, 0x00, 0x03, 0x00, 0x00, 0x15, 0x65, 0x16,
    ];
    /// A DL/T 645-2007 read answer.
    const READ_645: [u8; 19] = [
        0x68, 0x37, 0x03, 0x00, 0x92, 0x81, 0x39, 0x68, 0x91, 0x07, 0x33, 0x33, 0x36, 0x35, 0x33,
        0x33, 0x33, 0x58, 0x16,
    ];
    /// Bytes that are no frame: forwarded as raw data.
    const GARBAGE: [u8; 3] = [1, 2, 3];

    /// REPORT-Notification-TransData on port F2090201 forwarding `payloads`.
    fn report(payloads: &[&[u8]]) -> Vec<u8> {
        let mut apdu = vec![0x88, 0x03, 0x01, 0xF2, 0x09, 0x02, 0x01];
        apdu.push(u8::try_from(payloads.len()).unwrap());
        for payload in payloads {
            apdu.push(u8::try_from(payload.len()).unwrap());
            apdu.extend_from_slice(payload);
        }
        apdu.extend([0, 0]);
        apdu
    }

    /// A forwarded frame's results are the same whether the APDU has results before it (the
    /// inner frame's own list, appended) or not (the APDU's list, handed to the inner frame):
    /// each payload of a report reads as in a report of its own, a frame moved to where it
    /// lies.
    #[test]
    fn each_forwarded_frame_reads_as_it_does_alone() {
        let limits = Limits::default();
        let payloads: [&[u8]; 4] = [&GET_DAR3, &READ_645, &GARBAGE, &[]];
        let alone: Vec<Vec<u8>> = payloads.iter().map(|p| report(&[p])).collect();
        for first in 0..payloads.len() {
            for second in 0..payloads.len() {
                for third in 0..payloads.len() {
                    let picked = [first, second, third];
                    let all = report(&picked.map(|i| payloads[i]));
                    let together = decode_apdu(&all, &limits).unwrap().results;
                    let mut expected = Vec::new();
                    let mut shift = 0;
                    for i in picked {
                        // Raw and empty payloads' results point at the port OAD, which does
                        // not move; a frame's results move with it.
                        let moved = if i < 2 { shift } else { 0 };
                        for mut result in decode_apdu(&alone[i], &limits).unwrap().results {
                            result.offset += moved;
                            expected.push(result);
                        }
                        shift += 1 + payloads[i].len();
                    }
                    assert_eq!(together, expected, "{picked:?}");
                }
            }
        }
    }
}
