//! Frame boundary probing, shared by the stream decoder and the protocol dispatcher.

use crate::error::DecodeErrorKind;

/// What the bytes at the start of a buffer are, as far as one protocol can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Probe {
    /// A complete frame of this many bytes starts here (start byte to end byte inclusive),
    /// with its checksums verified.
    Frame(usize),
    /// The bytes so far are a plausible beginning of a frame; more are needed.
    Incomplete,
    /// No frame of this protocol starts here.
    NotAFrame(DecodeErrorKind),
}
