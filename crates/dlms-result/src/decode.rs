//! One call for the common case: any frame of any supported protocol → its results.

use crate::error::{DecodeError, DecodeErrorKind};
use crate::limits::Limits;
use crate::result::{AccessResult, Address, Direction, Fragment, Protocol};
use crate::status::ServiceStatus;

/// A decoded frame: link-layer facts plus every access result it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decoded<'a> {
    /// The protocol the frame was decoded as.
    pub protocol: Protocol,
    /// Wake-up bytes (`FE`) skipped before the start byte.
    pub preamble_len: usize,
    /// The frame's length from its start byte to its end byte, inclusive.
    pub frame_len: usize,
    /// Who sent the frame.
    pub direction: Direction,
    /// The server (meter / terminal) address.
    pub server_address: Option<Address>,
    /// The client (master / front-end) address, where the frame carries one.
    pub client_address: Option<u8>,
    /// The service, e.g. `GET-Response-NormalList`, `read-data-response`, `AFN00-F2`.
    pub service: &'static str,
    /// The link-layer fragment header, for a DL/T 698.45 fragment frame.
    pub fragment: Option<Fragment>,
    /// Whether the link user data was scrambled (DL/T 698.45 SC = 1).
    pub scrambled: bool,
    /// The service-level outcome (CONNECT, LINK, ERROR, RELEASE), where there is one.
    pub status: Option<ServiceStatus>,
    /// Every access result, in wire order.
    pub results: Vec<AccessResult<'a>>,
}

impl Decoded<'_> {
    /// The results that carry a non-zero result code.
    pub fn failures(&self) -> impl Iterator<Item = &AccessResult<'_>> {
        self.results.iter().filter(|r| r.outcome.is_failure())
    }
}

/// Decodes one frame of DL/T 698.45, DL/T 645-2007 or Q/GDW 1376.1 (recognised by its
/// structure), skipping any wake-up bytes, with the default [`Limits`]. Bytes after the frame
/// are an error; use [`crate::FrameDecoder`] for streams.
///
/// # Errors
/// A [`DecodeError`] with the byte offset and the kind of the first problem.
pub fn decode(input: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    decode_with(input, &Limits::default())
}

/// [`decode`] with explicit limits.
///
/// # Errors
/// See [`decode`].
pub fn decode_with<'a>(input: &'a [u8], limits: &Limits) -> Result<Decoded<'a>, DecodeError> {
    let _ = (input, limits, DecodeErrorKind::NoFrame);
    todo!("protocol dispatch")
}
