//! What the stream decoder yields: frames and reports of skipped bytes.

use crate::decode::{Decoded, decode_reusing};
use crate::error::{DecodeError, DecodeErrorKind};
use crate::limits::Limits;
use crate::result::Protocol;
use crate::shared_bytes::SharedBytes;

/// One item of a byte stream, in stream order.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamItem {
    /// A complete frame whose link layer checks passed.
    Frame(StreamFrame),
    /// Bytes that are not part of any frame, skipped.
    Garbage(Garbage),
}

/// A complete frame split off the stream (zero-copy) with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamFrame {
    /// The protocol whose link layer the frame passed (start bytes, length, checksums, end
    /// byte). The application layer is not checked until the frame is decoded.
    pub protocol: Protocol,
    /// Stream offset of the first byte of `bytes` (the first wake-up byte, if any).
    pub offset: u64,
    /// How many `FE` wake-up bytes precede the start byte.
    pub preamble_len: usize,
    /// The wake-up bytes and the frame, from the first `FE` (or the start byte) through the
    /// end byte.
    pub bytes: SharedBytes,
}

impl StreamFrame {
    /// The frame without its wake-up bytes.
    pub fn frame(&self) -> &[u8] {
        self.bytes.get(self.preamble_len..).unwrap_or_default()
    }

    /// Stream offset of the start byte `68`.
    pub fn start_offset(&self) -> u64 {
        let preamble = u64::try_from(self.preamble_len).unwrap_or(u64::MAX);
        self.offset.saturating_add(preamble)
    }

    /// Decodes the frame (wake-up bytes included; offsets count from `bytes[0]`): the same
    /// answer as [`crate::decode_with`] on `bytes`. Checksums the stream decoder computed over
    /// these very bytes are not computed again; bytes put here any other way are checked in
    /// full. [`crate::Decoder::decode_stream_frame`] does the same without allocating.
    ///
    /// # Errors
    /// See [`crate::decode`].
    pub fn decode(&self, limits: &Limits) -> Result<Decoded<'_>, DecodeError> {
        decode_reusing(&self.bytes, limits, Vec::new(), self.bytes.checked())
    }
}

/// One item of a byte stream with its frame already decoded: what
/// [`crate::FrameDecoder::next_decoded`] yields. It borrows the decoder's buffer, so it is
/// used (and its [`Decoded`] handed back with [`crate::Decoder::recycle`]) before the next
/// call.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodedItem<'a> {
    /// A complete frame whose link layer checks passed, and what decoding it gave.
    Frame(DecodedFrame<'a>),
    /// Bytes that are not part of any frame, skipped.
    Garbage(Garbage),
}

/// A complete frame found in the stream, decoded in place: the [`StreamFrame`] that
/// [`crate::FrameDecoder::next_item`] would have split off, and the answer
/// [`crate::Decoder::decode_stream_frame`] would have given for it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodedFrame<'a> {
    /// The protocol whose link layer the frame passed (as [`StreamFrame::protocol`]).
    pub protocol: Protocol,
    /// Stream offset of the first byte of `bytes` (the first wake-up byte, if any).
    pub offset: u64,
    /// How many `FE` wake-up bytes precede the start byte.
    pub preamble_len: usize,
    /// The wake-up bytes and the frame, from the first `FE` (or the start byte) through the
    /// end byte.
    pub bytes: &'a [u8],
    /// The frame decoded (offsets count from `bytes[0]`). An error means the link layer
    /// passed but the rest did not, e.g. an APDU that does not parse.
    pub decoded: Result<Decoded<'a>, DecodeError>,
}

/// A run of skipped bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Garbage {
    /// Stream offset of the first skipped byte.
    pub offset: u64,
    /// How many bytes were skipped.
    pub len: u64,
    /// Why the run's first byte was skipped.
    pub reason: GarbageReason,
}

/// Why bytes were skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GarbageReason {
    /// The bytes cannot start a frame: no start byte `68`, or `FE` bytes not followed by one.
    NoFrameStart,
    /// A start byte `68` whose frame failed the link checks of every protocol; the most
    /// telling failure (a frame checksum before a header checksum or end byte before a
    /// length before the rest).
    /// The bytes after that `68` are searched again, so a frame hiding inside is found.
    BadFrame(DecodeErrorKind),
    /// A frame cut short by the end of the stream ([`crate::FrameDecoder::finish`]).
    Truncated,
}

impl GarbageReason {
    /// A stable snake-case name: `no_frame_start`, `truncated`, or the decode error's name
    /// (`checksum_mismatch`, …).
    pub const fn name(&self) -> &'static str {
        match self {
            Self::NoFrameStart => "no_frame_start",
            Self::BadFrame(kind) => kind.name(),
            Self::Truncated => "truncated",
        }
    }
}
