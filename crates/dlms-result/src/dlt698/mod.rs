//! DL/T 698.45 (面向对象的用电信息数据交换协议): link frames, link-layer fragments, and every
//! APDU a front-end receives, down to the data-access result (DAR) of each item.
//!
//! - [`Frame`]: a validated, borrowed view of one link frame (HCS / FCS checked, scrambling
//!   and fragment header understood).
//! - [`decode_apdu`]: one APDU → its service name, results and status.
//! - [`Reassembler`]: link-layer fragments → the complete APDU.
//! - [`data_len`]: where a `Data` value ends, found by walking its type tags.
//!
//! Most callers use [`crate::decode`], which recognises the protocol and returns the results
//! of a whole frame.

mod address;
mod apdu;
mod axdr;
mod control;
mod data;
mod fragment;
mod frame;
pub(crate) mod plain_frame;
mod reassembly;
mod scramble;

#[cfg(test)]
pub(crate) use apdu::plain_strategies;
pub use apdu::{Apdu, UNKNOWN_APDU, decode_apdu, service_names};
pub use control::Control;
pub use data::data_type_name;
pub use frame::Frame;
pub use reassembly::{Progress, Reassembler};

/// Encodes a fragment format field, for the frame builders.
#[cfg(any(test, feature = "test-util"))]
pub(crate) use fragment::encode as fragment_header;
pub(crate) use frame::intact_len;

use crate::checksum::VERIFY;
use crate::decode::{Decoded, emptied};
use crate::error::{DecodeError, DecodeErrorKind};
use crate::limits::Limits;
use crate::parse::to_decode_error;
use crate::probe::Probe;
use crate::result::{AccessResult, FragmentPosition, Protocol};

/// The service name of a frame that carries a link-layer fragment: the APDU is only known
/// once the fragments are reassembled (see [`Reassembler`]).
pub const LINK_FRAGMENT: &str = "link-fragment";

/// The length in bytes of the `Data` value (type tag included) at the start of `input`.
///
/// ```
/// use dlms_result::{Limits, dlt698};
/// // structure { long-unsigned 0x1388, visible-string "NO" with a non-minimal length }
/// let data = [0x02, 0x02, 0x12, 0x13, 0x88, 0x0A, 0x82, 0x00, 0x02, b'N', b'O', 0xFF];
/// assert_eq!(dlt698::data_len(&data, &Limits::default()), Ok(11));
/// ```
///
/// # Errors
/// `Truncated`, `InvalidDataTag`, `InvalidLengthForm`, `InvalidChoice` (RSD, MS, CSD),
/// `DepthLimit`, `TooManyItems`; offsets count from `input[0]`.
pub fn data_len(input: &[u8], limits: &Limits) -> Result<usize, DecodeError> {
    match data::data(input, limits) {
        Ok((_, value)) => Ok(value.len()),
        Err(e) => Err(to_decode_error(input, 0, e)),
    }
}

/// The longest link user data of a scrambled frame descrambled into a buffer on the stack
/// (longer data is copied to the heap); the scrambled fixture frames are far shorter.
const SCRAMBLED_ON_STACK: usize = 256;

/// Decodes the frame whose start byte is `input[start]` (`start` wake-up bytes before it);
/// offsets are relative to `input`. Bytes after the end byte are the caller's concern. The
/// results are collected into `spare`, an empty list whose allocation is reused; HCS and FCS
/// are computed unless `CHECKSUMS_KNOWN` ([`crate::checksum::KNOWN`]).
pub(crate) fn decode_frame<'a, const CHECKSUMS_KNOWN: bool>(
    input: &'a [u8],
    start: usize,
    limits: &Limits,
    nesting: u8,
    spare: Vec<AccessResult<'a>>,
) -> Result<Decoded<'a>, DecodeError> {
    let at_start = input.get(start..).unwrap_or_default();
    let layout = frame::scan::<CHECKSUMS_KNOWN>(at_start, limits).map_err(|e| e.shifted(start))?;
    let frame = Frame::from_layout(at_start, &layout, start)?;
    let apdu_at = start.saturating_add(frame.apdu_offset());
    let (service, results, status) = match frame.fragment() {
        Some(fragment) => {
            let data_len = frame.user_data().len().saturating_sub(fragment::HEADER_LEN);
            if fragment.position == FragmentPosition::Confirm && data_len > 0 {
                return Err(DecodeError::new(
                    apdu_at,
                    DecodeErrorKind::TrailingBytes { count: data_len },
                ));
            }
            (LINK_FRAGMENT, spare, None)
        }
        None if frame.control().is_scrambled() => {
            let wire = frame.user_data();
            // The descrambled copy on the stack when it fits, and the results collected into
            // `spare`'s allocation (`emptied`: the results borrow the copy until `remap`, which
            // collects in place, moves them onto `wire`): a heap copy and a results list
            // allocated, grown and freed per scrambled frame cost about 290 instructions a
            // scrambled frame (callgrind, `Decoder::decode` over the DL/T 698.45 fixtures, two
            // of them scrambled: 810.5 -> 798.3 a frame).
            let mut on_stack = [0u8; SCRAMBLED_ON_STACK];
            let on_heap;
            let plain: &[u8] = if let Some(copy) = on_stack.get_mut(..wire.len()) {
                scramble::descramble_into(wire, copy);
                copy
            } else {
                on_heap = scramble::descramble(wire);
                &on_heap
            };
            let apdu = apdu::decode_in(plain, apdu_at, limits, nesting, emptied(spare))?;
            (
                apdu.service,
                scramble::remap(apdu.results, plain, wire),
                apdu.status,
            )
        }
        None => {
            let apdu = apdu::decode_in(frame.user_data(), apdu_at, limits, nesting, spare)?;
            (apdu.service, apdu.results, apdu.status)
        }
    };
    Ok(Decoded {
        protocol: Protocol::Dlt698,
        preamble_len: start,
        frame_len: frame.frame_len(),
        direction: frame.control().direction(),
        server_address: Some(frame.server_address()),
        client_address: Some(frame.client_address()),
        service,
        fragment: frame.fragment(),
        scrambled: frame.control().is_scrambled(),
        status,
        results,
    })
}

/// Probes for a complete frame at `input[0]` (a `68`): `Frame(len)` when the whole frame is
/// there with valid HCS, FCS and end byte; `Incomplete` while every byte so far is consistent
/// with a frame (the HCS is checked as soon as it has arrived); `NotAFrame` otherwise.
pub(crate) fn probe(input: &[u8], limits: &Limits) -> Probe {
    // A complete, intact frame in one pass (nearly every frame of a stream); `scan` judges the
    // rest and says why.
    if let Some(total) = intact_len::<VERIFY>(input, limits) {
        return Probe::Frame(total);
    }
    match frame::scan::<VERIFY>(input, limits) {
        Ok(layout) => Probe::Frame(layout.total),
        Err(e) if e.is_truncated() => Probe::Incomplete,
        Err(e) => Probe::NotAFrame(e.kind()),
    }
}

#[cfg(test)]
mod tests;
