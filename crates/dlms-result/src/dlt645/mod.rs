//! DL/T 645-2007 (多功能电能表通信协议): frames, error words and results.
//!
//! A meter answers a command with a normal answer (data or an acknowledgement) or an
//! abnormal answer (C bit 6) carrying an error word whose bits map onto the result-code
//! space: see [`ERR_BITS`] and [`SERR_BITS`]. [`Frame`] is the borrowed view of one frame;
//! [`crate::decode`] turns a frame into its results.

mod control;
mod error_word;
mod frame;
mod results;

pub use control::{Control, Function};
pub use error_word::{ERR_BITS, ErrorBit, SERR_BITS, error_bits};
pub use frame::Frame;

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
    let results = results::results(&frame, start, spare)?;
    Ok(Decoded {
        protocol: Protocol::Dlt645,
        preamble_len: start,
        frame_len: frame.frame_len(),
        direction: frame.control().direction(),
        server_address: frame.address(),
        client_address: None,
        service: frame.control().service(),
        fragment: None,
        scrambled: false,
        status: None,
        results,
    })
}

/// Probes for a complete frame at `input[0]` (which must be the first `68`): `Frame(len)`
/// once the whole frame is there with its checksum and end byte right, `Incomplete` while
/// the bytes so far can still begin one, `NotAFrame` as soon as they cannot.
///
/// The answer only ever moves from `Incomplete` to one of the others as bytes are added, so a
/// stream decoder gets the same answer whatever the chunk boundaries.
pub(crate) fn probe(input: &[u8], limits: &Limits) -> Probe {
    match Frame::parse_at::<VERIFY>(input, 0, limits) {
        Ok(frame) => Probe::Frame(frame.frame_len()),
        // A complete parser reports a short input as truncated; every other error is
        // decided by bytes that are already there and cannot change.
        Err(e) => match e.kind() {
            DecodeErrorKind::Truncated { .. } => Probe::Incomplete,
            kind => Probe::NotAFrame(kind),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksum::sum8;

    #[test]
    fn probe_moves_only_from_incomplete() {
        let frame = [
            0x68, 0x37, 0x03, 0x00, 0x92, 0x81, 0x39, 0x68, 0xD1, 0x01, 0x35, 0x5D, 0x16,
        ];
        let limits = Limits::DEFAULT;
        for end in 0..frame.len() {
            let p = probe(&frame[..end], &limits);
            assert_eq!(p, Probe::Incomplete, "prefix {end}");
        }
        assert_eq!(probe(&frame, &limits), Probe::Frame(13));
        let mut longer = frame.to_vec();
        longer.push(0x68);
        assert_eq!(probe(&longer, &limits), Probe::Frame(13));
        let mut bad = frame;
        bad[11] = sum8(&bad[..11]).wrapping_add(1);
        assert!(matches!(probe(&bad, &limits), Probe::NotAFrame(_)));
        assert!(matches!(probe(&bad[..8], &limits), Probe::Incomplete));
        let mut not = frame;
        not[7] = 0;
        assert!(matches!(probe(&not[..8], &limits), Probe::NotAFrame(_)));
        assert!(matches!(probe(&[0x00], &limits), Probe::NotAFrame(_)));
    }
}
