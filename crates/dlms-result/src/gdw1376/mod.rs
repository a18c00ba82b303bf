//! Q/GDW 1376.1 (电力用户用电信息采集系统通信协议 第1部分：主站与采集终端通信协议):
//! frames, data unit identifiers and the confirm / deny answers.
//!
//! AFN 00H is how a terminal confirms or denies a request: F1 全部确认 is success, F2
//! 全部否认 is result code 258 (终端否认) for the whole request, F3 confirms or denies each data
//! unit. [`Frame`] is the borrowed view of one frame; [`crate::decode`] turns a frame into
//! its results. What this module takes from which source, and what it assumes, is written
//! down in `docs/protocols-645-1376.md`.

mod address;
mod afn;
mod control;
mod frame;
mod results;
mod unit;

pub use address::TerminalAddress;
pub use afn::{AFNS, AfnInfo, afn_info};
pub use control::{Control, Seq};
pub use frame::{Frame, ProtocolId};
pub use unit::ALL_POINTS;

use crate::checksum::{KNOWN, VERIFY};
use crate::decode::Decoded;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::limits::Limits;
use crate::probe::Probe;
use crate::result::{AccessResult, Protocol};

/// Decodes the frame whose first `68` is `input[start]`; offsets are relative to `input`.
/// Bytes after the end byte are left to the caller. The results are collected into `spare`,
/// an empty list whose allocation is reused. With `checksums_known` the stream decoder
/// vouches for CS (`shared_bytes::CheckedFrame`), which is then not summed again; everything
/// else is checked as usual. (A flag rather than a constant parameter: see
/// `decode::decode_as`.)
pub(crate) fn decode_frame<'a>(
    input: &'a [u8],
    start: usize,
    limits: &Limits,
    _nesting: u8,
    spare: Vec<AccessResult<'a>>,
    checksums_known: bool,
) -> Result<Decoded<'a>, DecodeError> {
    let frame = if checksums_known {
        Frame::parse_at::<KNOWN>(input, start, limits)
    } else {
        Frame::parse_at::<VERIFY>(input, start, limits)
    }?;
    let (service, results) = results::results(&frame, start, limits, spare)?;
    Ok(Decoded {
        protocol: Protocol::Gdw1376,
        preamble_len: start,
        frame_len: frame.frame_len(),
        direction: frame.direction(),
        server_address: frame.address(),
        client_address: Some(frame.terminal_address().master()),
        service,
        fragment: None,
        scrambled: false,
        status: None,
        results,
    })
}

/// Probes for a complete frame at `input[0]` (which must be the first `68`), checking the
/// link layer only: start bytes, length fields, checksum and end byte. `Incomplete` while
/// the bytes so far can still begin a frame; the answer never changes once it is `Frame` or
/// `NotAFrame`, whatever bytes follow.
pub(crate) fn probe(input: &[u8], limits: &Limits) -> Probe {
    match Frame::link_len(input, limits) {
        Ok(len) => Probe::Frame(len),
        Err(e) => match e.kind() {
            DecodeErrorKind::Truncated { .. } => Probe::Incomplete,
            kind => Probe::NotAFrame(kind),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOGIN: [u8; 20] = [
        0x68, 0x32, 0x00, 0x32, 0x00, 0x68, 0xC9, 0x05, 0x21, 0xB2, 0xA1, 0x00, 0x02, 0x79, 0x00,
        0x00, 0x01, 0x00, 0xBE, 0x16,
    ];

    #[test]
    fn probe_moves_only_from_incomplete() {
        let limits = Limits::DEFAULT;
        for end in 0..LOGIN.len() {
            assert_eq!(
                probe(&LOGIN[..end], &limits),
                Probe::Incomplete,
                "prefix {end}"
            );
        }
        assert_eq!(probe(&LOGIN, &limits), Probe::Frame(20));
        let mut bad = LOGIN;
        bad[3] = 0;
        assert!(matches!(probe(&bad[..5], &limits), Probe::NotAFrame(_)));
        let small = Limits::DEFAULT.with_max_frame_len(19);
        assert!(matches!(probe(&LOGIN[..2], &small), Probe::Incomplete));
        assert!(matches!(probe(&LOGIN[..3], &small), Probe::NotAFrame(_)));
    }
}
