//! Placeholder, replaced by the protocol implementation.

use crate::decode::Decoded;
use crate::error::DecodeError;
use crate::limits::Limits;
use crate::probe::Probe;

/// Decodes the frame whose start byte is `input[start]`; offsets are relative to `input`.
pub(crate) fn decode_frame<'a>(
    input: &'a [u8],
    start: usize,
    limits: &Limits,
    nesting: u8,
) -> Result<Decoded<'a>, DecodeError> {
    let _ = (input, start, limits, nesting);
    todo!()
}

/// Probes for a complete frame at `input[0]`.
pub(crate) fn probe(input: &[u8], limits: &Limits) -> Probe {
    let _ = (input, limits);
    todo!()
}
