//! One call for the common case: any frame of any supported protocol → its results.

use crate::checksum::{KNOWN, VERIFY};
use crate::dlt698::plain_frame::Shortcut;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::limits::Limits;
use crate::probe::Probe;
use crate::result::{AccessResult, Address, Direction, Fragment, Protocol};
use crate::shared_bytes::CheckedFrame;
use crate::status::ServiceStatus;
use crate::stream::StreamFrame;
use crate::{dlt645, dlt698, gdw1376};

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
    decode_reusing(input, limits, Vec::new(), None)
}

/// [`decode_with`], collecting the results into `spare` (an empty list whose allocation is
/// reused, see [`Decoder`]); `checked` is what the stream decoder vouches for about `input`.
#[expect(
    clippy::inline_always,
    reason = "a call level and a copy of the 88-byte result less in each of the five callers \
              (callgrind, instructions a frame through `Decoder::decode`: the 30-byte GET \
              response 574 -> 531, the fixture mix 768 -> 732)"
)]
#[inline(always)]
pub(crate) fn decode_reusing<'a>(
    input: &'a [u8],
    limits: &Limits,
    spare: Vec<AccessResult<'a>>,
    checked: Option<CheckedFrame>,
) -> Result<Decoded<'a>, DecodeError> {
    decode_filling::<true>(input, limits, spare, checked)
}

/// [`decode_reusing`] for a frame the plain-frame shortcut has already handed to the general
/// way (with the checksums it found matching in `checked`): the same answer, without asking
/// the shortcut again.
#[cold]
fn decode_reusing_general<'a>(
    input: &'a [u8],
    limits: &Limits,
    spare: Vec<AccessResult<'a>>,
    checked: Option<CheckedFrame>,
) -> Result<Decoded<'a>, DecodeError> {
    decode_filling::<false>(input, limits, spare, checked)
}

/// [`decode_reusing`], trying the plain-frame shortcut first when `SHORTCUT`.
#[expect(clippy::inline_always, reason = "see `decode_nested`")]
#[inline(always)]
fn decode_filling<'a, const SHORTCUT: bool>(
    input: &'a [u8],
    limits: &Limits,
    spare: Vec<AccessResult<'a>>,
    checked: Option<CheckedFrame>,
) -> Result<Decoded<'a>, DecodeError> {
    // The result is returned as it came, not taken apart and rebuilt: a `Decoded` is 88
    // bytes, and every move of it showed in the profile of a 30-byte frame.
    let result = decode_nested_with::<SHORTCUT>(input, limits, 0, spare, checked);
    let end = match &result {
        Ok(decoded) => decoded.preamble_len.saturating_add(decoded.frame_len),
        Err(_) => input.len(),
    };
    if end < input.len() {
        return with_trailing_bytes(input, result, end, limits, checked);
    }
    result
}

/// A frame that decoded as `result` but ends at `end`, before the end of `input`: the
/// reading that fills the input, or else a `TrailingBytes` error.
#[cold]
fn with_trailing_bytes<'a>(
    input: &'a [u8],
    result: Result<Decoded<'a>, DecodeError>,
    end: usize,
    limits: &Limits,
    checked: Option<CheckedFrame>,
) -> Result<Decoded<'a>, DecodeError> {
    let decoded = result?;
    filling_candidate(input, &decoded, limits, checked).ok_or(DecodeError::new(
        end,
        DecodeErrorKind::TrailingBytes {
            count: input.len().saturating_sub(end),
        },
    ))
}

/// [`decode_with`] for many frames in a row without allocating per frame: the list of results
/// handed back with [`Decoder::recycle`] is reused for the next frame.
///
/// [`decode`] returns each frame's results in a new `Vec`; allocating and freeing it is about
/// an eighth of the work of decoding a typical 30-byte GET response (`docs/performance.md`,
/// "Frame decoding"). A stream or batch loop that keeps one `Decoder` and recycles each
/// [`Decoded`] once it is done with it allocates only when a frame has more results than any
/// before it.
///
/// ```
/// use dlms_result::{Decoder, ResultCode};
/// // Two DL/T 698.45 SET-Responses: DAR 3 拒绝读写, then success.
/// let frames: [&[u8]; 2] = [
///     &[
///         0x68, 0x19, 0x00, 0xC3, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x78, 0xF4,
///         0x86, 0x01, 0x00, 0x40, 0x00, 0x03, 0x00, 0x03, 0x00, 0x00, 0xA9, 0x52, 0x16,
///     ],
///     &[
///         0x68, 0x19, 0x00, 0xC3, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x78, 0xF4,
///         0x86, 0x01, 0x00, 0x40, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0xCD, 0xBD, 0x16,
///     ],
/// ];
/// let mut decoder = Decoder::new();
/// let mut codes = Vec::new();
/// for frame in frames {
///     let decoded = decoder.decode(frame)?;
///     codes.extend(decoded.results.iter().filter_map(|r| r.code()));
///     decoder.recycle(decoded);
/// }
/// assert_eq!(codes, [ResultCode::READ_WRITE_DENIED, ResultCode::SUCCESS]);
/// # Ok::<(), dlms_result::DecodeError>(())
/// ```
#[derive(Debug, Default)]
pub struct Decoder {
    limits: Limits,
    /// An empty list whose allocation the next frame's results go into.
    spare: Vec<AccessResult<'static>>,
}

impl Decoder {
    /// A decoder with the default [`Limits`].
    pub fn new() -> Self {
        Self::with_limits(Limits::DEFAULT)
    }

    /// A decoder with explicit limits.
    pub const fn with_limits(limits: Limits) -> Self {
        Self {
            limits,
            spare: Vec::new(),
        }
    }

    /// The limits every frame is decoded with.
    pub const fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Decodes one frame exactly as [`decode_with`] does with this decoder's limits, putting
    /// the results into the list last given to [`Decoder::recycle`], if any.
    ///
    /// # Errors
    /// See [`decode`].
    pub fn decode<'a>(&mut self, input: &'a [u8]) -> Result<Decoded<'a>, DecodeError> {
        self.decode_marked(input, None)
    }

    /// Decodes a frame split off a stream, as [`StreamFrame::decode`] does with this
    /// decoder's limits, putting the results into the list last given to
    /// [`Decoder::recycle`], if any.
    ///
    /// # Errors
    /// See [`decode`].
    pub fn decode_stream_frame<'a>(
        &mut self,
        frame: &'a StreamFrame,
    ) -> Result<Decoded<'a>, DecodeError> {
        self.decode_marked(&frame.bytes, frame.bytes.checked())
    }

    /// Decodes `input` into the recycled results list; `checked` is what the stream decoder
    /// vouches for about it (for a frame decoded where it lies in the stream's buffer, see
    /// [`crate::FrameDecoder::next_decoded`]).
    #[expect(
        clippy::inline_always,
        reason = "as `decode_reusing`, which it only wraps: out of line it cost split-then-decode \
                  about 30 instructions a typical frame (callgrind)"
    )]
    #[inline(always)]
    pub(crate) fn decode_marked<'a>(
        &mut self,
        input: &'a [u8],
        checked: Option<CheckedFrame>,
    ) -> Result<Decoded<'a>, DecodeError> {
        decode_reusing(
            input,
            &self.limits,
            core::mem::take(&mut self.spare),
            checked,
        )
    }

    /// Decodes `frame`, one DL/T 698.45 frame from its start byte (no wake-up bytes) whose
    /// link layer the stream decoder has just checked, and whose bytes 5 and 7 are not `68`,
    /// so that DL/T 698.45 is its only candidate protocol ([`candidates`]). For such bytes
    /// [`decode_reusing`] with the stream's mark tries the plain-frame shortcut with the
    /// checksums known and, if that hands over, the general way with the checksums known
    /// and without the shortcut: so does this, without working out again what the stream
    /// decoder knows (wake-up bytes, candidates, the mark).
    pub(crate) fn decode_checked_698<'a>(
        &mut self,
        frame: &'a [u8],
    ) -> Result<Decoded<'a>, DecodeError> {
        let mut spare = core::mem::take(&mut self.spare);
        match dlt698::plain_frame::decode::<KNOWN>(frame, 0, &self.limits, &mut spare) {
            Shortcut::Decoded(decoded) => Ok(decoded),
            Shortcut::General { .. } => decode_reusing_general(
                frame,
                &self.limits,
                spare,
                Some(CheckedFrame {
                    protocol: Protocol::Dlt698,
                    start: 0,
                }),
            ),
        }
    }

    /// Takes back the results list of a frame decoded earlier (by this decoder or any other
    /// way), so that the next frame's results reuse its allocation.
    pub fn recycle(&mut self, decoded: Decoded<'_>) {
        if decoded.results.capacity() > self.spare.capacity() {
            self.spare = emptied(decoded.results);
        }
    }
}

/// The allocation of `list`, emptied, for results that borrow some other input.
///
/// A list of results borrowing one frame cannot hold results borrowing the next, but once it
/// is empty only its allocation is left. Collecting an emptied `Vec` through `filter_map`
/// into a `Vec` of an element type of the same size and alignment reuses its allocation
/// (the standard library collects such a `vec::IntoIter` in place), so this neither
/// allocates nor frees; `recycling_keeps_the_allocation` holds it to that.
#[expect(
    clippy::unnecessary_filter_map,
    reason = "`filter` cannot change the element type, which is the point"
)]
pub(crate) fn emptied<'b>(mut list: Vec<AccessResult<'_>>) -> Vec<AccessResult<'b>> {
    list.clear();
    list.into_iter().filter_map(|_| None).collect()
}

/// When the first protocol that decodes leaves bytes over, another candidate whose frame fills
/// the input exactly. A DL/T 698.45 frame whose SA holds `68` at byte 7 can start with a whole
/// DL/T 645 frame when the 645 length, checksum and end byte line up by chance (found by the
/// `frame_698` and `roundtrip_698` fuzz targets; `fixtures/regressions/frame_698/`): the input
/// is one frame, and the reading that explains all of it is that frame.
#[cold]
fn filling_candidate<'a>(
    input: &'a [u8],
    decoded: &Decoded<'a>,
    limits: &Limits,
    checked: Option<CheckedFrame>,
) -> Option<Decoded<'a>> {
    let start = decoded.preamble_len;
    candidates(input.get(start..).unwrap_or_default())
        .into_iter()
        .flatten()
        .filter(|&protocol| protocol != decoded.protocol)
        .filter_map(|protocol| {
            decode_as(
                protocol,
                input,
                start,
                limits,
                0,
                Vec::new(),
                known(checked, start),
            )
            .ok()
        })
        .find(|other| other.preamble_len.saturating_add(other.frame_len) == input.len())
}

/// Decodes the frame at the start of `input` (after any `FE` wake-up bytes), whatever its
/// protocol; offsets are relative to `input`. Bytes after the frame are left to the caller.
/// `nesting` counts the frames this one is carried in (transparent forwarding). The results
/// are collected into `spare`, an empty list whose allocation is reused; `checked` is what the
/// stream decoder vouches for about `input`.
#[expect(
    clippy::inline_always,
    reason = "a call level and a copy of the 88-byte result less: about 27 instructions a \
              frame (callgrind, `get_response_normal_30` in `benches/frames.rs`)"
)]
#[inline(always)]
pub(crate) fn decode_nested<'a>(
    input: &'a [u8],
    limits: &Limits,
    nesting: u8,
    spare: Vec<AccessResult<'a>>,
    checked: Option<CheckedFrame>,
) -> Result<Decoded<'a>, DecodeError> {
    decode_nested_with::<true>(input, limits, nesting, spare, checked)
}

/// [`decode_nested`], trying the plain-frame shortcut first when `SHORTCUT`.
#[expect(clippy::inline_always, reason = "see `decode_nested`")]
#[inline(always)]
fn decode_nested_with<'a, const SHORTCUT: bool>(
    input: &'a [u8],
    limits: &Limits,
    nesting: u8,
    spare: Vec<AccessResult<'a>>,
    checked: Option<CheckedFrame>,
) -> Result<Decoded<'a>, DecodeError> {
    if nesting > limits.max_nesting {
        return Err(DecodeError::new(
            0,
            DecodeErrorKind::DepthLimit {
                max: u16::from(limits.max_nesting),
            },
        ));
    }
    let start = wake_up_len(input);
    let frame = input.get(start..).unwrap_or_default();
    let known = known(checked, start);
    match frame.first() {
        None => Err(DecodeError::new(
            start,
            if start == 0 {
                DecodeErrorKind::NoFrame
            } else {
                DecodeErrorKind::Truncated { needed: 1 }
            },
        )),
        Some(&START) => {
            let order = candidates(frame);
            // The most plausible protocol decodes nearly every real frame: try it before
            // setting up the bookkeeping of failed candidates.
            let mut first_failure = None;
            let (mut spare, mut known) = (spare, known);
            if let [Some(first), ..] = order {
                if SHORTCUT && first == Protocol::Dlt698 {
                    // Most frames a front-end receives are plain responses: decoded in one
                    // pass, or left to the general way, which then also reports any error.
                    let shortcut = if known == Some(Protocol::Dlt698) {
                        dlt698::plain_frame::decode::<KNOWN>(input, start, limits, &mut spare)
                    } else {
                        dlt698::plain_frame::decode::<VERIFY>(input, start, limits, &mut spare)
                    };
                    match shortcut {
                        Shortcut::Decoded(decoded) => return Ok(decoded),
                        // Checksums computed once: the shortcut vouches for them, as the
                        // stream decoder does.
                        Shortcut::General {
                            checksums_match: true,
                        } => known = Some(Protocol::Dlt698),
                        Shortcut::General {
                            checksums_match: false,
                        } => {}
                    }
                }
                // Returned as it came, not taken apart and rebuilt (see `decode_reusing`).
                let result = decode_as(first, input, start, limits, nesting, spare, known);
                if result.is_ok() {
                    return result;
                }
                first_failure = result.err().map(|e| (first, e));
            }
            other_candidates(order, first_failure, input, start, limits, nesting, known)
        }
        Some(&found) => Err(DecodeError::new(start, DecodeErrorKind::BadStart { found })),
    }
}

/// The candidates after the first (which failed with `first_failure`), in order; when all
/// fail, the most telling error.
#[cold]
fn other_candidates<'a>(
    order: [Option<Protocol>; 3],
    first_failure: Option<(Protocol, DecodeError)>,
    input: &'a [u8],
    start: usize,
    limits: &Limits,
    nesting: u8,
    known: Option<Protocol>,
) -> Result<Decoded<'a>, DecodeError> {
    let mut failures: [Option<(Protocol, DecodeError)>; 3] = [first_failure, None, None];
    for (protocol, failure) in order.into_iter().zip(&mut failures).skip(1) {
        let Some(protocol) = protocol else { break };
        match decode_as(protocol, input, start, limits, nesting, Vec::new(), known) {
            Ok(decoded) => return Ok(decoded),
            Err(e) => *failure = Some((protocol, e)),
        }
    }
    let frame = input.get(start..).unwrap_or_default();
    Err(most_telling(&failures, frame, limits)
        .unwrap_or(DecodeError::new(start, DecodeErrorKind::NoFrame)))
}

/// Decodes the frame at `input[start]` as `protocol`, collecting its results into `spare`.
/// When `known` is `protocol`, the stream decoder vouches for its checksums
/// ([`known`]) and they are not computed again: DL/T 698.45 HCS and FCS, the CS of
/// DL/T 645-2007 and Q/GDW 1376.1. A mark of another protocol vouches for nothing here.
#[expect(
    clippy::inline_always,
    reason = "as for `decode_nested`: about 33 instructions a frame"
)]
#[inline(always)]
fn decode_as<'a>(
    protocol: Protocol,
    input: &'a [u8],
    start: usize,
    limits: &Limits,
    nesting: u8,
    spare: Vec<AccessResult<'a>>,
    known: Option<Protocol>,
) -> Result<Decoded<'a>, DecodeError> {
    let known = known == Some(protocol);
    // DL/T 645-2007 and Q/GDW 1376.1 take the choice as a flag, which picks their link
    // layer's constant parameter inside one copy of `decode_frame`: with a second copy of
    // `decode_frame` (its results code inlined into it), the compiler moved that code out of
    // line, and frames decoded with CS verified paid for it (callgrind, instructions a frame
    // through `Decoder::decode` on the fixtures against the code before: DL/T 645 +9,
    // Q/GDW 1376.1 +22 with a second copy; +2 and +9 with the flag).
    match protocol {
        Protocol::Gdw1376 => gdw1376::decode_frame(input, start, limits, nesting, spare, known),
        Protocol::Dlt645 => dlt645::decode_frame(input, start, limits, nesting, spare, known),
        Protocol::Dlt698 if known => {
            dlt698::decode_frame::<KNOWN>(input, start, limits, nesting, spare)
        }
        Protocol::Dlt698 => dlt698::decode_frame::<VERIFY>(input, start, limits, nesting, spare),
    }
}

/// The protocol whose checksums `checked` vouches for when the frame starts at `start`.
fn known(checked: Option<CheckedFrame>, start: usize) -> Option<Protocol> {
    checked
        .filter(|checked| checked.start == start)
        .map(|checked| checked.protocol)
}

/// Probes `frame` (starting at its `68`) as `protocol`.
pub(crate) fn probe_as(protocol: Protocol, frame: &[u8], limits: &Limits) -> Probe {
    match protocol {
        Protocol::Gdw1376 => gdw1376::probe(frame, limits),
        Protocol::Dlt645 => dlt645::probe(frame, limits),
        Protocol::Dlt698 => dlt698::probe(frame, limits),
    }
}

/// When every candidate failed, the error of the protocol the bytes most look like, judged
/// by how far its link layer got ([`plausibility`] of its probe); ties go to the earlier
/// candidate. So a DL/T 698.45 frame that merely looks like DL/T 645 reports its own error.
fn most_telling(
    failures: &[Option<(Protocol, DecodeError)>],
    frame: &[u8],
    limits: &Limits,
) -> Option<DecodeError> {
    let mut best: Option<(u8, DecodeError)> = None;
    for &(protocol, error) in failures.iter().flatten() {
        let rank = plausibility(probe_as(protocol, frame, limits));
        if best.is_none_or(|(top, _)| rank > top) {
            best = Some((rank, error));
        }
    }
    best.map(|(_, error)| error)
}

/// How strongly a link-layer probe says the bytes are a frame of its protocol:
///
/// 1. an intact link layer;
/// 2. a DL/T 698.45 FCS mismatch — its 16-bit HCS matched first;
/// 3. an 8-bit checksum mismatch — the whole frame its length declares is there;
/// 4. a frame cut short — the header so far is consistent;
/// 5. a failed HCS, end byte or Q/GDW 1376.1 length copy;
/// 6. an impossible length;
/// 7. anything else (the shape does not match).
pub(crate) fn plausibility(probe: Probe) -> u8 {
    match probe {
        Probe::Frame(_) => 6,
        Probe::NotAFrame(kind) => match kind {
            DecodeErrorKind::FcsMismatch { .. } => 5,
            DecodeErrorKind::ChecksumMismatch { .. } => 4,
            DecodeErrorKind::Truncated { .. } => 3,
            DecodeErrorKind::HcsMismatch { .. }
            | DecodeErrorKind::BadEnd { .. }
            | DecodeErrorKind::LengthFieldsDiffer { .. } => 2,
            DecodeErrorKind::BadLength { .. } => 1,
            _ => 0,
        },
        Probe::Incomplete => 3,
    }
}

/// The frame start byte shared by all three protocols.
const START: u8 = 0x68;

/// Wake-up bytes (`FE`) sent before a frame on RS-485 and IR links (DL/T 698.45 §5,
/// DL/T 645-2007 §4.2); none of the protocols counts them in its length or checksum.
pub(crate) fn wake_up_len(input: &[u8]) -> usize {
    input.iter().take_while(|&&b| b == 0xFE).count()
}

/// The protocols a frame starting with `68` may be, most plausible first, from cheap structural
/// checks only (checksums are verified by the decoders).
///
/// - Q/GDW 1376.1: `68 L L 68` with protocol id (bits 0–1 of L) `01` or `10`; the two length
///   fields are not compared here, so a frame whose copies differ reports that.
/// - DL/T 645-2007: `68 A0 … A5 68` — a second start byte after the 6 address bytes.
/// - DL/T 698.45: `68 L C …`, anything else.
///
/// A DL/T 698.45 frame can match the other two shapes by chance (its SA or C bytes happen to
/// look right), so 698.45 is always tried last rather than excluded.
fn candidates(frame: &[u8]) -> [Option<Protocol>; 3] {
    let looks_1376 = frame.get(5) == Some(&START)
        && frame
            .get(1)
            .is_some_and(|&l| matches!(l & 0b11, 0b01 | 0b10));
    let looks_645 = frame.get(7) == Some(&START);
    match (looks_1376, looks_645) {
        (true, true) => [
            Some(Protocol::Gdw1376),
            Some(Protocol::Dlt645),
            Some(Protocol::Dlt698),
        ],
        (true, false) => [Some(Protocol::Gdw1376), Some(Protocol::Dlt698), None],
        (false, true) => [Some(Protocol::Dlt645), Some(Protocol::Dlt698), None],
        (false, false) => [Some(Protocol::Dlt698), None, None],
    }
}

/// Holds the plain-frame shortcut to the general way on `input` (for the property tests and
/// the `frame` fuzz target): where the shortcut answers, the first candidate's decoder
/// (DL/T 698.45, as `decode_nested` calls it) answers the same, with checksums verified or
/// taken as known; where it hands over, it has added no result, and checksums it says match
/// give the same decoding whether computed again or not.
///
/// # Errors
/// A description of the disagreement.
pub(crate) fn check_plain_frame(input: &[u8], limits: &Limits) -> Result<(), String> {
    let start = wake_up_len(input);
    let at = input.get(start..).unwrap_or_default();
    if at.first() != Some(&START) || candidates(at)[0] != Some(Protocol::Dlt698) {
        return Ok(());
    }
    let general = |known| decode_as(Protocol::Dlt698, input, start, limits, 0, Vec::new(), known);
    let mut spare = Vec::new();
    match dlt698::plain_frame::decode::<VERIFY>(input, start, limits, &mut spare) {
        Shortcut::Decoded(decoded) => {
            let mut known_spare = Vec::new();
            match dlt698::plain_frame::decode::<KNOWN>(input, start, limits, &mut known_spare) {
                Shortcut::Decoded(known) if known == decoded => {}
                _ => return Err("the shortcut decodes differently with known checksums".into()),
            }
            let general = general(None);
            if general != Ok(decoded.clone()) {
                return Err(format!(
                    "the shortcut gives {decoded:?}, the general way {general:?}"
                ));
            }
        }
        Shortcut::General { checksums_match } => {
            if !spare.is_empty() {
                return Err("the shortcut handed over with results in the list".into());
            }
            if checksums_match && general(Some(Protocol::Dlt698)) != general(None) {
                return Err("checksums the shortcut vouched for decode differently".into());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_follow_the_cheap_shapes() {
        let p645 = [0x68, 1, 2, 3, 4, 5, 6, 0x68, 0x91];
        assert_eq!(
            candidates(&p645),
            [Some(Protocol::Dlt645), Some(Protocol::Dlt698), None]
        );
        let p1376 = [0x68, 0x32, 0x00, 0x32, 0x00, 0x68, 0xC9];
        assert_eq!(
            candidates(&p1376),
            [Some(Protocol::Gdw1376), Some(Protocol::Dlt698), None]
        );
        // Protocol id 00 or 11 is not Q/GDW 1376.1.
        let bad_id = [0x68, 0x33, 0x00, 0x33, 0x00, 0x68, 0xC9];
        assert_eq!(candidates(&bad_id), [Some(Protocol::Dlt698), None, None]);
        let both = [0x68, 0x32, 0x00, 0x32, 0x00, 0x68, 0x00, 0x68];
        assert_eq!(
            candidates(&both),
            [
                Some(Protocol::Gdw1376),
                Some(Protocol::Dlt645),
                Some(Protocol::Dlt698)
            ]
        );
        assert_eq!(candidates(&[0x68]), [Some(Protocol::Dlt698), None, None]);
    }

    #[test]
    fn plausibility_orders_the_link_failures() {
        let kinds = [
            Probe::Frame(12),
            Probe::NotAFrame(DecodeErrorKind::FcsMismatch {
                expected: 0,
                found: 1,
            }),
            Probe::NotAFrame(DecodeErrorKind::ChecksumMismatch {
                expected: 0,
                found: 1,
            }),
            Probe::Incomplete,
            Probe::NotAFrame(DecodeErrorKind::HcsMismatch {
                expected: 0,
                found: 1,
            }),
            Probe::NotAFrame(DecodeErrorKind::BadLength { declared: 9 }),
            Probe::NotAFrame(DecodeErrorKind::BadStart { found: 0 }),
        ];
        let ranks: Vec<u8> = kinds.into_iter().map(plausibility).collect();
        assert!(ranks.windows(2).all(|w| w[0] > w[1]), "{ranks:?}");
        assert_eq!(
            plausibility(Probe::NotAFrame(DecodeErrorKind::Truncated { needed: 1 })),
            plausibility(Probe::Incomplete)
        );
    }

    #[test]
    fn a_dlt698_frame_that_starts_with_a_dlt645_frame_decodes_as_itself() {
        // Found by the frame_698 fuzz target: 146 bytes of DL/T 698.45 whose first 60 bytes
        // are a valid DL/T 645 frame (SA holds 68 at byte 7; length, CS and 16 line up).
        let frame = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/regressions/frame_698/dlt698-starts-with-a-valid-645-frame.bin"
        ));
        assert_eq!(
            candidates(frame),
            [Some(Protocol::Dlt645), Some(Protocol::Dlt698), None]
        );
        let limits = Limits::DEFAULT;
        let first = decode_nested(frame, &limits, 0, Vec::new(), None).unwrap();
        assert_eq!((first.protocol, first.frame_len), (Protocol::Dlt645, 60));
        let decoded = decode(frame).unwrap();
        assert_eq!(decoded.protocol, Protocol::Dlt698);
        assert_eq!(decoded.frame_len, frame.len());
        // With a byte more, no candidate fills the input: the first reading's error stands.
        let mut longer = frame.to_vec();
        longer.push(0x16);
        let e = decode(&longer).unwrap_err();
        assert_eq!(
            (e.offset(), e.kind()),
            (60, DecodeErrorKind::TrailingBytes { count: 87 })
        );
    }

    /// A DL/T 645-2007 frame that Q/GDW 1376.1 reads, up to CS, as an AFN 00H F1
    /// confirmation: the 645 address `32 00 32 00 68 88` is the 1376.1 L, L, second `68` and
    /// C; the 645 second `68`, C, L and DATA are the 1376.1 A, AFN, SEQ and data unit; both
    /// readings end at the same CS and `16`. CS is the 645 sum, which is not the 1376.1 one
    /// (that leaves out `68 32 00 32 00 68`).
    fn dlt645_that_reads_as_1376() -> Vec<u8> {
        let mut frame = vec![
            0x68, 0x32, 0x00, 0x32, 0x00, 0x68, 0x88, 0x68, 0x91, 0x08, 0x33, 0x33, 0x00, 0x60,
            0x00, 0x00, 0x01, 0x00,
        ];
        frame.push(crate::checksum::sum8(&frame));
        frame.push(0x16);
        frame
    }

    #[test]
    fn a_mark_vouches_only_for_its_own_protocol() {
        let frame = dlt645_that_reads_as_1376();
        let limits = Limits::DEFAULT;
        assert_eq!(
            candidates(&frame),
            [
                Some(Protocol::Gdw1376),
                Some(Protocol::Dlt645),
                Some(Protocol::Dlt698)
            ]
        );
        let as_1376 =
            |known| decode_as(Protocol::Gdw1376, &frame, 0, &limits, 0, Vec::new(), known);
        // Its CS is not the 1376.1 sum, so only the DL/T 645 reading stands ...
        assert!(matches!(
            as_1376(None).map_err(|e| e.kind()),
            Err(DecodeErrorKind::ChecksumMismatch { .. })
        ));
        let expected = decode(&frame).unwrap();
        assert_eq!(
            (expected.protocol, expected.service),
            (Protocol::Dlt645, "read-data-response")
        );
        // ... but taken as known, the 1376.1 reading would decode: a DL/T 645 mark must not
        // spare the 1376.1 sum, which the dispatcher tries first.
        assert_eq!(
            as_1376(Some(Protocol::Gdw1376)).map(|d| d.service),
            Ok("AFN00-F1")
        );
        assert_eq!(as_1376(Some(Protocol::Dlt645)), as_1376(None));
        // The stream's probe of Q/GDW 1376.1 says no; DL/T 645's says yes, and marks it so.
        let mut stream = crate::FrameDecoder::new();
        stream.push(&frame);
        let Some(crate::StreamItem::Frame(split)) = stream.next_item() else {
            panic!("no frame")
        };
        assert_eq!(
            split.bytes.checked(),
            Some(CheckedFrame {
                protocol: Protocol::Dlt645,
                start: 0
            })
        );
        assert_eq!(split.decode(&limits), Ok(expected.clone()));
        assert_eq!(
            Decoder::new().decode_stream_frame(&split),
            Ok(expected.clone())
        );
        let mut stream = crate::FrameDecoder::new();
        stream.push(&frame);
        let mut decoder = Decoder::new();
        let Some(crate::DecodedItem::Frame(in_place)) = stream.next_decoded(&mut decoder) else {
            panic!("no frame")
        };
        assert_eq!(in_place.decoded, Ok(expected));
    }

    /// A DL/T 645-2007 or Q/GDW 1376.1 frame from the builders with random fields, after up
    /// to two wake-up bytes, sometimes with a byte changed (and then sometimes its CS summed
    /// again so that its link layer passes), cut, or followed by another byte.
    fn frame_645_or_1376() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use crate::test_util::{dlt645, gdw1376};
        use proptest::prelude::*;
        let dlt645 = (
            any::<[u8; 6]>(),
            any::<u8>(),
            prop::collection::vec(any::<u8>(), 0..24),
            0usize..3,
        )
            .prop_map(|(address, control, data, preamble)| {
                dlt645::FrameBuilder::new(address, control)
                    .data(&data)
                    .preamble(preamble)
                    .build()
            });
        let gdw1376 = (
            prop_oneof![Just(0x88u8), Just(0xA8), Just(0x4A), any::<u8>()],
            prop_oneof![Just(0x00u8), Just(0x0C), any::<u8>()],
            any::<u8>(),
            (0u16..4, 1u16..4),
            prop::collection::vec(any::<u8>(), 0..12),
            0usize..3,
        )
            .prop_map(|(control, afn, seq, (pn, fn_), data, preamble)| {
                gdw1376::FrameBuilder::new(control, afn)
                    .seq(seq)
                    .unit(pn, fn_)
                    .data(&data)
                    .preamble(preamble)
                    .build()
            });
        (
            prop_oneof![dlt645, gdw1376],
            prop::option::of((any::<prop::sample::Index>(), any::<u8>(), any::<bool>())),
            prop_oneof![4 => Just(None), 1 => any::<prop::sample::Index>().prop_map(Some)],
            prop::option::of(any::<u8>()),
        )
            .prop_map(|(mut frame, damage, cut, extra)| {
                if let Some((at, byte, sum_again)) = damage {
                    let at = at.index(frame.len());
                    frame[at] = byte;
                    if sum_again {
                        resum(&mut frame);
                    }
                }
                crate::test_util::damage_and_cut(&mut frame, None, cut);
                frame.extend(extra);
                frame
            })
    }

    /// Sums the CS of the frame in `input` again, as DL/T 645-2007 (`68 A×6 68 C L`) or
    /// else Q/GDW 1376.1 (`68 L L 68`) lays it out, where its L puts CS inside `input`.
    fn resum(input: &mut [u8]) {
        let start = wake_up_len(input);
        let frame = &mut input[start..];
        let (from, cs_at) = if frame.get(7) == Some(&START) {
            (0, 10 + usize::from(frame.get(9).copied().unwrap_or(0)))
        } else if let Some(&[low, high]) = frame.get(1..3) {
            (6, 6 + usize::from(u16::from_le_bytes([low, high]) >> 2))
        } else {
            return;
        };
        if cs_at < frame.len() {
            frame[cs_at] = crate::checksum::sum8(&frame[from..cs_at]);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]

        /// Where a DL/T 645-2007 or Q/GDW 1376.1 probe finds a frame (so its CS matches),
        /// decoding it with CS taken as known gives what summing it gives, whatever limits
        /// the probe and the decoder have.
        #[test]
        fn sums_the_probe_found_matching_decode_the_same_known(
            input in frame_645_or_1376(),
            probe_limit in proptest::option::of(0usize..64),
            decode_limit in proptest::option::of(0usize..64),
        ) {
            let limit = |max: Option<usize>| {
                max.map_or(Limits::DEFAULT, |max| Limits::DEFAULT.with_max_frame_len(max))
            };
            let (probe_limits, decode_limits) = (limit(probe_limit), limit(decode_limit));
            let start = wake_up_len(&input);
            for protocol in [Protocol::Dlt645, Protocol::Gdw1376] {
                if !matches!(probe_as(protocol, &input[start..], &probe_limits), Probe::Frame(_)) {
                    continue;
                }
                let decode = |known| {
                    decode_as(protocol, &input, start, &decode_limits, 0, Vec::new(), known)
                };
                proptest::prop_assert_eq!(decode(Some(protocol)), decode(None));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn a_reused_decoder_decodes_as_decode(
            inputs in proptest::collection::vec(
                proptest::collection::vec(proptest::num::u8::ANY, 0..60),
                1..8,
            ),
        ) {
            // Real frames among the random bytes, so that results lists get filled and reused.
            let frames = [
                crate::test_util::dlt698::FrameBuilder::response().build(
                    &crate::test_util::dlt698::Response::get_normal(
                        0x2000_0201,
                        crate::test_util::dlt698::GetResult::Dar(4),
                    )
                    .finish(),
                ),
                crate::test_util::dlt645::abnormal([1; 6], 0x11, 0x02),
                crate::test_util::gdw1376::deny_all().build(),
            ];
            let mut decoder = Decoder::new();
            for input in inputs.iter().chain(&frames).chain(inputs.iter().rev()) {
                let reused = decoder.decode(input);
                proptest::prop_assert_eq!(&reused, &decode(input));
                if let Ok(decoded) = reused {
                    decoder.recycle(decoded);
                }
            }
        }
    }

    #[test]
    fn a_decoder_reuses_its_results_list() {
        let frame = crate::test_util::dlt698::FrameBuilder::response().build(
            &crate::test_util::dlt698::Response::get_normal(
                0x2000_0201,
                crate::test_util::dlt698::GetResult::Dar(4),
            )
            .finish(),
        );
        let mut decoder = Decoder::new();
        let first = decoder.decode(&frame).unwrap();
        let at = first.results.as_ptr().addr();
        decoder.recycle(first);
        let copy = frame.clone();
        let second = decoder.decode(&copy).unwrap();
        assert_eq!(second.results.as_ptr().addr(), at);
        assert_eq!(second, decode(&frame).unwrap());
    }

    #[test]
    fn recycling_keeps_the_allocation() {
        let mut list = Vec::with_capacity(7);
        let input = [1u8, 2];
        list.push(AccessResult::new(
            crate::result::Target::Whole,
            crate::result::Outcome::Data(crate::result::DataRef::new(
                &input,
                crate::result::DataEncoding::Axdr,
            )),
            0,
        ));
        let at = list.as_ptr().addr();
        let reused: Vec<AccessResult<'static>> = emptied(list);
        assert!(reused.is_empty());
        assert_eq!((reused.capacity(), reused.as_ptr().addr()), (7, at));
    }

    #[test]
    fn nesting_is_limited() {
        let limits = Limits::DEFAULT;
        let e = decode_nested(
            &[0x68],
            &limits,
            limits.max_nesting.saturating_add(1),
            Vec::new(),
            None,
        )
        .unwrap_err();
        assert!(matches!(e.kind(), DecodeErrorKind::DepthLimit { .. }));
        assert_eq!(wake_up_len(&[0xFE, 0xFE, 0x68, 0xFE]), 2);
    }

    /// A DL/T 698.45 response frame around a random GET response, sometimes damaged.
    fn plain_candidate() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use crate::result::AddressKind;
        use crate::test_util::dlt698::FrameBuilder;
        use proptest::prelude::*;
        (
            dlt698::plain_strategies::apdu(),
            prop_oneof![3 => Just(0usize), 1 => 1usize..4],
            prop_oneof![
                3 => Just(vec![0x01, 0, 0, 0, 0, 0]),
                1 => prop::collection::vec(any::<u8>(), 1..=16),
            ],
            (
                prop::sample::select(vec![
                    AddressKind::Single,
                    AddressKind::Wildcard,
                    AddressKind::Group,
                    AddressKind::Broadcast,
                ]),
                0u8..4,
                any::<u8>(),
            ),
            prop_oneof![4 => Just(0xC3u8), 1 => any::<u8>()],
            prop::option::of((any::<prop::sample::Index>(), any::<u8>())),
            prop_oneof![
                4 => Just(None),
                1 => any::<prop::sample::Index>().prop_map(Some),
            ],
        )
            .prop_map(
                |(apdu, preamble, address, (kind, logical, client), control, damage, cut)| {
                    let mut frame = FrameBuilder::response()
                        .control(control)
                        .address(kind, logical, &address)
                        .client(client)
                        .preamble(preamble)
                        .build(&apdu);
                    crate::test_util::damage_and_cut(&mut frame, damage, cut);
                    frame
                },
            )
    }

    #[test]
    fn scrambled_and_fragment_frames_go_the_general_way() {
        use crate::result::FragmentPosition;
        use crate::test_util::dlt698::FrameBuilder;
        // Wire bytes that read as a plain GET response: scrambled, they are something else;
        // after a fragment header, they are part of an APDU.
        let plain: [u8; 11] = [
            0x85, 0x01, 0x07, 0x20, 0x00, 0x02, 0x00, 0x00, 0x04, 0x00, 0x00,
        ];
        let unscrambled: Vec<u8> = plain.iter().map(|b| b.wrapping_sub(0x33)).collect();
        let scrambled = FrameBuilder::response().scrambled(true).build(&unscrambled);
        let fragment = FrameBuilder::response()
            .fragment(1, FragmentPosition::Last)
            .build(&plain);
        // The fragment bit with the plain bytes where the fragment header goes.
        let fragment_bit = FrameBuilder::response().control(0xC3 | 0x20).build(&plain);
        for frame in [scrambled, fragment, fragment_bit] {
            let mut spare = Vec::new();
            let shortcut =
                dlt698::plain_frame::decode::<VERIFY>(&frame, 0, &Limits::DEFAULT, &mut spare);
            assert!(matches!(shortcut, Shortcut::General { .. }));
            let general = decode_as(
                Protocol::Dlt698,
                &frame,
                0,
                &Limits::DEFAULT,
                0,
                Vec::new(),
                None,
            );
            assert_eq!(decode(&frame), general);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        /// Where the plain-frame shortcut answers, it answers what the general way does
        /// ([`check_plain_frame`]).
        #[test]
        fn the_plain_frame_path_is_the_general_path(
            frame in plain_candidate(),
            trailing in proptest::collection::vec(proptest::num::u8::ANY, 0..2),
        ) {
            let mut input = frame;
            input.extend(trailing);
            if let Err(e) = check_plain_frame(&input, &Limits::default()) {
                panic!("{e}: {input:02X?}");
            }
        }
    }
}
