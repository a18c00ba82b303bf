//! Finding frames of all three protocols in a noisy serial or TCP byte stream: see
//! [`FrameDecoder`].

mod item;
mod reader;

use bytes::{Buf, BytesMut};

pub use item::{DecodedFrame, DecodedItem, Garbage, GarbageReason, StreamFrame, StreamItem};
pub use reader::FrameReader;

use crate::checksum::VERIFY;
use crate::decode::{Decoder, plausibility, probe_as};
use crate::dlt698;
use crate::error::DecodeErrorKind;
use crate::limits::Limits;
use crate::probe::Probe;
use crate::result::Protocol;
use crate::shared_bytes::{CheckedFrame, SharedBytes};

/// The most `FE` wake-up bytes kept as a frame's preamble; more are garbage. DL/T 645-2007
/// and DL/T 698.45 send up to four.
pub const MAX_PREAMBLE: usize = 16;

/// The order in which protocols are asked at a start byte: the shape checks of Q/GDW 1376.1
/// (`68 L L 68`) and DL/T 645-2007 (`68 A×6 68`) are specific, DL/T 698.45 (`68 L C …`)
/// takes what is left, as in [`crate::decode`].
const PROTOCOLS: [Protocol; 3] = [Protocol::Gdw1376, Protocol::Dlt645, Protocol::Dlt698];

/// The start byte shared by all three protocols.
const START: u8 = 0x68;
/// The wake-up byte.
const WAKE_UP: u8 = 0xFE;

/// A push-based frame finder over a noisy serial or TCP byte stream.
///
/// [`FrameDecoder`] takes chunks ([`FrameDecoder::push`]) and yields [`StreamItem`]s
/// ([`FrameDecoder::next_item`]): complete frames split off its buffer without copying, and
/// reports of the bytes it skipped. [`FrameDecoder::next_decoded`] yields the same items with
/// each frame decoded where it lies, which is faster when the frames need not outlive the
/// call. It
///
/// - skips bytes that cannot start a frame, and `FE` bytes not followed by a frame;
/// - at each start byte `68`, asks the link layer of Q/GDW 1376.1, DL/T 645-2007 and
///   DL/T 698.45, in that order, whether a frame starts there; a protocol's frame is taken
///   only once every protocol before it has said no, so the answer cannot depend on how much
///   of the stream has arrived;
/// - after a `68` that is not a frame (bad checksum, impossible length, …), searches again
///   from the byte after it, so a frame hiding inside garbage is found;
/// - buffers at most [`Limits::max_frame_len`] bytes of a frame plus
///   [`MAX_PREAMBLE`] wake-up bytes while waiting: a header that claims more is garbage;
/// - gives exactly the same items whatever the chunk boundaries.
///
/// Call [`FrameDecoder::finish`] at the end of the stream: a partial frame left in the buffer
/// is then reported as [`GarbageReason::Truncated`] (and searched for frames), never lost.
///
/// ```
/// use dlms_result::{FrameDecoder, GarbageReason, Protocol, StreamItem};
/// let frame = [
///     0x68, 0x37, 0x03, 0x00, 0x92, 0x81, 0x39, 0x68, 0xD1, 0x01, 0x35, 0x5D, 0x16,
/// ];
/// let mut decoder = FrameDecoder::new();
/// decoder.push(&[0x55, 0x55]);
/// decoder.push(&frame[..5]);
/// assert_eq!(decoder.next_item(), None); // needs more bytes
/// decoder.push(&frame[5..]);
/// let Some(StreamItem::Garbage(noise)) = decoder.next_item() else { panic!() };
/// assert_eq!((noise.offset, noise.len, noise.reason), (0, 2, GarbageReason::NoFrameStart));
/// let Some(StreamItem::Frame(found)) = decoder.next_item() else { panic!() };
/// assert_eq!((found.protocol, found.offset), (Protocol::Dlt645, 2));
/// assert_eq!(found.decode(&Default::default())?.service, "read-data-abnormal");
/// decoder.finish();
/// assert_eq!(decoder.next_item(), None);
/// # Ok::<(), dlms_result::DecodeError>(())
/// ```
#[derive(Debug, Default)]
pub struct FrameDecoder {
    /// Bytes not yet classified, after the first `handed_out`; `buf[handed_out]` is at stream
    /// offset `base`.
    buf: BytesMut,
    base: u64,
    /// The front bytes of `buf` that make up the frame [`FrameDecoder::next_decoded`] last
    /// handed out, borrowed: dropped from the buffer on the next call.
    handed_out: usize,
    limits: Limits,
    /// Skipped bytes not yet reported (they end right before `base`).
    pending: Option<Garbage>,
    ended: bool,
}

/// What comes next at the front of the buffer, found and not yet handed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// A frame of `protocol`, `len` bytes from its start byte, after `wake_up` wake-up bytes;
    /// `dlt698_alone` when it is a DL/T 698.45 frame at the front whose bytes 5 and 7 rule
    /// out the other protocols ([`dlt698_alone`]), from the fast path (the one case that
    /// matters for speed; any frame decodes correctly either way).
    Frame {
        protocol: Protocol,
        wake_up: usize,
        len: usize,
        dlt698_alone: bool,
    },
    /// A complete report of skipped bytes (already dropped from the buffer).
    Garbage(Garbage),
}

/// A DL/T 698.45 frame at the front of the buffer ([`FrameDecoder::front_698`]).
#[derive(Clone, Copy)]
enum Front698 {
    /// Whole and intact, this long.
    Intact(usize),
    /// The one candidate, but not whole and intact: the full round decides.
    NotIntact,
    /// Not the one candidate (or the stream is not at a frame start): the usual verdict.
    NotAlone,
}

/// What the bytes at a start byte are.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// A frame of this protocol and length starts here.
    Frame(Protocol, usize),
    /// More bytes are needed to decide.
    Wait,
    /// No frame starts here.
    Skip(GarbageReason),
}

impl FrameDecoder {
    /// A decoder with the default [`Limits`].
    pub fn new() -> Self {
        Self::with_limits(Limits::DEFAULT)
    }

    /// A decoder with explicit limits; only [`Limits::max_frame_len`] matters here.
    pub fn with_limits(limits: Limits) -> Self {
        Self {
            buf: BytesMut::new(),
            base: 0,
            handed_out: 0,
            limits,
            pending: None,
            ended: false,
        }
    }

    /// Appends a chunk of the stream. Call [`FrameDecoder::next_item`] until it returns
    /// `None` before pushing more, and the buffer stays below `max_frame_len + MAX_PREAMBLE`
    /// bytes.
    pub fn push(&mut self, chunk: &[u8]) {
        self.release();
        self.buf.extend_from_slice(chunk);
    }

    /// Marks the end of the stream: what is left is decided without waiting for more bytes.
    /// Bytes pushed afterwards are still decoded, without waiting either.
    pub fn finish(&mut self) {
        self.ended = true;
    }

    /// Bytes buffered and not yet classified.
    pub fn buffered_len(&self) -> usize {
        self.buf.len().saturating_sub(self.handed_out)
    }

    /// Stream offset of the first byte not yet classified.
    pub const fn position(&self) -> u64 {
        self.base
    }

    /// The next frame or garbage report, or `None` when more bytes are needed (or, after
    /// [`FrameDecoder::finish`], when the stream is exhausted).
    pub fn next_item(&mut self) -> Option<StreamItem> {
        Some(match self.find_next()? {
            Found::Frame {
                protocol,
                wake_up,
                len,
                ..
            } => StreamItem::Frame(self.split_frame(protocol, wake_up, len)),
            Found::Garbage(garbage) => StreamItem::Garbage(garbage),
        })
    }

    /// [`FrameDecoder::next_item`] with the frame decoded in place by `decoder`, in one step:
    /// the same items, the same frames, and for each frame what
    /// [`Decoder::decode_stream_frame`] gives for it, without splitting it off the buffer.
    ///
    /// The item borrows this decoder's buffer, so it is dropped before the next call; hand its
    /// [`crate::Decoded`] back with [`Decoder::recycle`] and a whole stream decodes without
    /// allocating per frame. A frame split off as a [`StreamFrame`] can outlive the call (it
    /// holds a reference-counted buffer), but splitting it off and decoding it as a second
    /// step takes about a quarter more work for a typical 30-byte response
    /// (`benches/frames.rs`, `frame_decoder_typical`; docs/performance.md).
    ///
    /// ```
    /// use dlms_result::{DecodedItem, Decoder, FrameDecoder, ResultCode};
    /// // A DL/T 698.45 SET-Response: DAR 3 拒绝读写, after two wake-up bytes.
    /// let stream = [
    ///     0xFE, 0xFE, 0x68, 0x19, 0x00, 0xC3, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ///     0x78, 0xF4, 0x86, 0x01, 0x00, 0x40, 0x00, 0x03, 0x00, 0x03, 0x00, 0x00, 0xA9, 0x52,
    ///     0x16,
    /// ];
    /// let (mut frames, mut decoder) = (FrameDecoder::new(), Decoder::new());
    /// frames.push(&stream);
    /// let mut codes = Vec::new();
    /// while let Some(item) = frames.next_decoded(&mut decoder) {
    ///     if let DecodedItem::Frame(frame) = item {
    ///         assert_eq!((frame.offset, frame.preamble_len), (0, 2));
    ///         let decoded = frame.decoded?;
    ///         codes.extend(decoded.results.iter().filter_map(|r| r.code()));
    ///         decoder.recycle(decoded);
    ///     }
    /// }
    /// assert_eq!(codes, [ResultCode::READ_WRITE_DENIED]);
    /// # Ok::<(), dlms_result::DecodeError>(())
    /// ```
    pub fn next_decoded(&mut self, decoder: &mut Decoder) -> Option<DecodedItem<'_>> {
        let found = self.find_next()?;
        Some(self.hand_out(found, decoder))
    }

    /// The next item, found but not handed out: the frame is still at the front of the
    /// buffer. (Finding and handing out are two steps so that [`FrameReader::next_decoded`]
    /// can read more input between them without holding a borrow of the buffer.)
    #[expect(
        clippy::inline_always,
        reason = "with three callers the compiler kept it out of line: a call and the item \
                  returned through memory, about 32 instructions a typical frame through \
                  `next_decoded` and 39 through `next_item` (callgrind)"
    )]
    #[inline(always)]
    pub(crate) fn find_next(&mut self) -> Option<Found> {
        self.release();
        match self.front_698() {
            Front698::Intact(len) => Some(Found::Frame {
                protocol: Protocol::Dlt698,
                wake_up: 0,
                len,
                dlt698_alone: true,
            }),
            front => self.next_found(front),
        }
    }

    /// Hands out the item [`FrameDecoder::find_next`] found, its frame decoded by `decoder`
    /// where it lies; the frame's bytes leave the buffer on the next call.
    #[inline]
    pub(crate) fn hand_out(&mut self, found: Found, decoder: &mut Decoder) -> DecodedItem<'_> {
        let (protocol, wake_up, len, dlt698_alone) = match found {
            Found::Frame {
                protocol,
                wake_up,
                len,
                dlt698_alone,
            } => (protocol, wake_up, len, dlt698_alone),
            Found::Garbage(garbage) => return DecodedItem::Garbage(garbage),
        };
        let total = wake_up.saturating_add(len);
        let offset = self.base;
        self.base = self.base.saturating_add(as_u64(total));
        self.handed_out = total;
        let bytes = self.buf.get(..total).unwrap_or_default();
        // The link layer's checksums were computed over these bytes just now.
        let decoded = if dlt698_alone {
            decoder.decode_checked_698(bytes)
        } else {
            decoder.decode_marked(
                bytes,
                Some(CheckedFrame {
                    protocol,
                    start: wake_up,
                }),
            )
        };
        DecodedItem::Frame(DecodedFrame {
            protocol,
            offset,
            preamble_len: wake_up,
            bytes,
            decoded,
        })
    }

    /// What the front of the buffer holds when the stream is healthy there (nothing pending,
    /// no wake-up bytes, a start byte) and neither Q/GDW 1376.1 nor DL/T 645-2007 can be
    /// there ([`dlt698_alone`]), so that DL/T 698.45 is the one protocol the round of probes
    /// would ask: the length of its frame when its probe's first, one-pass check
    /// ([`dlt698::intact_len`], the whole frame with both CRCs) passes. The round would then
    /// answer this frame too (`the_fast_path_gives_the_general_loops_items`), so the most
    /// common frame of a stream is found without the round's bookkeeping: about 60
    /// instructions of the ≈ 490 a typical 30-byte frame cost to split off before
    /// (`benches/frames.rs`, `frame_decoder_typical`).
    #[inline]
    fn front_698(&self) -> Front698 {
        if self.pending.is_some() || self.buf.first() != Some(&START) || !dlt698_alone(&self.buf) {
            return Front698::NotAlone;
        }
        dlt698::intact_len::<VERIFY>(&self.buf, &self.limits)
            .map_or(Front698::NotIntact, Front698::Intact)
    }

    /// Drops the frame last handed out by [`FrameDecoder::next_decoded`] from the buffer.
    fn release(&mut self) {
        if self.handed_out > 0 {
            self.buf.advance(self.handed_out.min(self.buf.len()));
            self.handed_out = 0;
        }
    }

    /// The next frame or garbage report, as [`FrameDecoder::next_item`] describes, when the
    /// front of the buffer is not an intact DL/T 698.45 frame (`front`, which
    /// [`FrameDecoder::front_698`] found); the frame is still at the front of the buffer.
    /// (The callers ask [`FrameDecoder::front_698`] first, inlined: the one case of a
    /// healthy stream then costs no call; `benches/frames.rs`, `frame_decoder_typical`.)
    fn next_found(&mut self, front: Front698) -> Option<Found> {
        // Fast path: in a healthy stream the buffer starts with the next frame's start byte,
        // with no garbage waiting to be reported. That case is decided here, in a function
        // small enough to be cheap to enter; everything else goes round the general loop,
        // which starts from the same verdict instead of probing again. The general loop's
        // first round reaches exactly this decision for this buffer (no wake-up bytes, a `68`
        // first, nothing pending), so the items do not change (`benches/frames.rs`,
        // `frame_decoder`). Counting wake-up bytes here as well cost more than it saved.
        let mut first_verdict = None;
        if self.pending.is_none() && self.buf.first() == Some(&START) {
            let verdict = match front {
                Front698::Intact(len) => Verdict::Frame(Protocol::Dlt698, len),
                // The fast verdict would ask the same one-pass check again before the full
                // round; with the other two protocols ruled out the two verdicts agree.
                Front698::NotIntact => self.full_verdict(&self.buf),
                Front698::NotAlone => self.verdict(&self.buf),
            };
            if let Verdict::Frame(protocol, len) = verdict
                && len > 0
                && len <= self.buf.len()
            {
                return Some(Found::Frame {
                    protocol,
                    wake_up: 0,
                    len,
                    dlt698_alone: false,
                });
            }
            first_verdict = Some(verdict);
        }
        self.next_found_in_general(first_verdict)
    }

    /// [`FrameDecoder::next_found`] for any buffer. `first_verdict` is the verdict at the
    /// start of the buffer when it starts with a start byte, already asked for.
    fn next_found_in_general(&mut self, mut first_verdict: Option<Verdict>) -> Option<Found> {
        loop {
            let wake_up = self.buf.iter().take_while(|&&b| b == WAKE_UP).count();
            if wake_up > MAX_PREAMBLE {
                // Only the last MAX_PREAMBLE wake-up bytes can be a preamble.
                let excess = wake_up.saturating_sub(MAX_PREAMBLE);
                if let Some(full) = self.skip(excess, GarbageReason::NoFrameStart) {
                    return Some(Found::Garbage(full));
                }
                continue;
            }
            let Some(&first) = self.buf.get(wake_up) else {
                // Empty, or only wake-up bytes so far.
                if !self.ended {
                    return None;
                }
                if wake_up > 0 {
                    if let Some(full) = self.skip(wake_up, GarbageReason::Truncated) {
                        return Some(Found::Garbage(full));
                    }
                    continue;
                }
                return self.pending.take().map(Found::Garbage);
            };
            if first != START {
                // Everything up to the next byte that could begin a frame is garbage.
                let junk = self
                    .buf
                    .get(wake_up..)
                    .unwrap_or_default()
                    .iter()
                    .position(|&b| b == START || b == WAKE_UP)
                    .unwrap_or(self.buf.len().saturating_sub(wake_up));
                let run = wake_up.saturating_add(junk.max(1));
                if let Some(full) = self.skip(run, GarbageReason::NoFrameStart) {
                    return Some(Found::Garbage(full));
                }
                continue;
            }
            let candidate = self.buf.get(wake_up..).unwrap_or_default();
            let verdict = match first_verdict.take() {
                // Only the first round can see the buffer the verdict was asked for.
                Some(verdict) => verdict,
                None => self.verdict(candidate),
            };
            match verdict {
                Verdict::Wait => return None,
                Verdict::Frame(_, len) if len == 0 || len > candidate.len() => {
                    // A probe must never claim bytes that are not there; treat it as no frame.
                    let reason =
                        GarbageReason::BadFrame(DecodeErrorKind::BadLength { declared: len });
                    if let Some(garbage) = self.skip_start(wake_up, reason) {
                        return Some(Found::Garbage(garbage));
                    }
                }
                Verdict::Frame(protocol, len) => {
                    if let Some(garbage) = self.pending.take() {
                        // Report the garbage first; the frame is found again next call.
                        return Some(Found::Garbage(garbage));
                    }
                    return Some(Found::Frame {
                        protocol,
                        wake_up,
                        len,
                        dlt698_alone: false,
                    });
                }
                Verdict::Skip(reason) => {
                    if let Some(garbage) = self.skip_start(wake_up, reason) {
                        return Some(Found::Garbage(garbage));
                    }
                }
            }
        }
    }

    /// Splits off the frame of `len` bytes that `protocol` found after `wake_up` wake-up
    /// bytes at the front of the buffer.
    fn split_frame(&mut self, protocol: Protocol, wake_up: usize, len: usize) -> StreamFrame {
        let total = wake_up.saturating_add(len);
        let offset = self.base;
        self.base = self.base.saturating_add(as_u64(total));
        // The probe just computed the frame's checksums; the mark lets decoding skip
        // computing them again (`benches/frames.rs`, `split_decode`).
        let checked = CheckedFrame {
            protocol,
            start: wake_up,
        };
        let bytes = SharedBytes::checked_frame(self.buf.split_to(total).freeze(), checked);
        StreamFrame {
            protocol,
            offset,
            preamble_len: wake_up,
            bytes,
        }
    }

    /// Skips a start byte that begins no frame, with the wake-up bytes before it: they join
    /// the garbage before, and the `68` starts a new report; the search goes on from the
    /// byte after it. Returns a report that is complete.
    fn skip_start(&mut self, wake_up: usize, reason: GarbageReason) -> Option<Garbage> {
        if wake_up > 0 {
            // The `68` is probed again on the next round, without the wake-up bytes.
            return self.skip(wake_up, GarbageReason::NoFrameStart);
        }
        let previous = self.pending.take();
        self.pending = Some(Garbage {
            offset: self.base,
            len: 0,
            reason,
        });
        let full = self.skip(1, reason);
        match (previous, full) {
            (Some(previous), full) => {
                if full.is_some() {
                    self.pending = full;
                }
                Some(previous)
            }
            (None, full) => full,
        }
    }

    /// What the bytes at a start byte are, asking each protocol in [`PROTOCOLS`] order.
    ///
    /// Fast path: a protocol whose fixed start bytes are already contradicted
    /// ([`ruled_out`]) can only say `NotAFrame`, so the first protocol not ruled out is probed
    /// alone, and if it finds a frame that is the answer the full round would give. This
    /// spares a DL/T 698.45 frame two failing probes (Q/GDW 1376.1, DL/T 645-2007), about a
    /// quarter of the per-frame cost (`benches/frames.rs`, `frame_decoder` group). Anything
    /// else takes the full round, which also ranks the failures.
    fn verdict(&self, candidate: &[u8]) -> Verdict {
        let first = PROTOCOLS
            .into_iter()
            .find(|&protocol| !ruled_out(protocol, candidate));
        if let Some(protocol) = first
            && let Probe::Frame(len) = probe_as(protocol, candidate, &self.limits)
        {
            return Verdict::Frame(protocol, len);
        }
        self.full_verdict(candidate)
    }

    /// [`FrameDecoder::verdict`] without the fast path: every protocol's probe, in order.
    fn full_verdict(&self, candidate: &[u8]) -> Verdict {
        let mut most_telling: Option<(u8, GarbageReason)> = None;
        for protocol in PROTOCOLS {
            let probe = probe_as(protocol, candidate, &self.limits);
            let reason = match probe {
                Probe::Frame(len) => return Verdict::Frame(protocol, len),
                Probe::Incomplete if !self.ended => return Verdict::Wait,
                Probe::Incomplete => GarbageReason::Truncated,
                Probe::NotAFrame(kind) => GarbageReason::BadFrame(kind),
            };
            let rank = plausibility(probe);
            if most_telling.is_none_or(|(top, _)| rank > top) {
                most_telling = Some((rank, reason));
            }
        }
        Verdict::Skip(most_telling.map_or(GarbageReason::NoFrameStart, |(_, reason)| reason))
    }

    /// Drops `n` bytes from the front of the buffer into the pending garbage report (a new
    /// one with `reason` if there is none). A report that reaches `max_frame_len` bytes is
    /// returned so that reports stay bounded; the rest of the run is skipped on later calls.
    fn skip(&mut self, n: usize, reason: GarbageReason) -> Option<Garbage> {
        let cap = as_u64(self.limits.max_frame_len.max(1));
        let mut complete = None;
        if self.pending.is_some_and(|p| p.len >= cap) {
            complete = self.pending.take();
        }
        let pending = self.pending.get_or_insert(Garbage {
            offset: self.base,
            len: 0,
            reason,
        });
        let taken = as_u64(n).min(cap.saturating_sub(pending.len));
        pending.len = pending.len.saturating_add(taken);
        self.base = self.base.saturating_add(taken);
        let taken = usize::try_from(taken).unwrap_or(usize::MAX);
        self.buf.advance(taken.min(self.buf.len()));
        if complete.is_none() && pending.len >= cap {
            complete = self.pending.take();
        }
        complete
    }
}

/// Whether the bytes at a start byte already contradict `protocol`'s fixed start bytes, so
/// that its probe must say `NotAFrame` whatever follows: the second `68` of Q/GDW 1376.1
/// (`68 L L 68`, offset 5) or of DL/T 645-2007 (`68 A0…A5 68`, offset 7) is there and is
/// something else. Both probes read every byte before it without any other way to stop
/// early, so they cannot answer `Incomplete` then. DL/T 698.45 has no second start byte.
fn ruled_out(protocol: Protocol, candidate: &[u8]) -> bool {
    let second_start = match protocol {
        Protocol::Gdw1376 => 5,
        Protocol::Dlt645 => 7,
        Protocol::Dlt698 => return false,
    };
    candidate.get(second_start).is_some_and(|&b| b != START)
}

/// Whether the bytes at a start byte rule out both Q/GDW 1376.1 and DL/T 645-2007
/// ([`ruled_out`]), leaving DL/T 698.45 the one protocol a frame there can be: bytes 5 and 7
/// are there and are not `68`. [`crate::decode`] then has DL/T 698.45 as its one candidate
/// too.
fn dlt698_alone(candidate: &[u8]) -> bool {
    ruled_out(Protocol::Gdw1376, candidate) && ruled_out(Protocol::Dlt645, candidate)
}

/// A length as a stream offset.
fn as_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(decoder: &mut FrameDecoder) -> Vec<StreamItem> {
        core::iter::from_fn(|| decoder.next_item()).collect()
    }

    /// [`FrameDecoder::next_item`] through the general loop alone.
    fn general_item(decoder: &mut FrameDecoder) -> Option<StreamItem> {
        Some(match decoder.next_found_in_general(None)? {
            Found::Frame {
                protocol,
                wake_up,
                len,
                ..
            } => StreamItem::Frame(decoder.split_frame(protocol, wake_up, len)),
            Found::Garbage(garbage) => StreamItem::Garbage(garbage),
        })
    }

    proptest::proptest! {
        #[test]
        fn the_fast_verdict_is_the_full_verdict(
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..40),
            second_starts in proptest::num::u8::ANY,
            ended in proptest::bool::ANY,
        ) {
            // Start bytes where the protocols put them (some of the time), so that all three
            // probes get past their shape checks, and random bytes everywhere else.
            let mut candidate = vec![START];
            candidate.extend(&body);
            for (bit, at) in [(0, 5), (1, 7)] {
                if second_starts & (1 << bit) != 0
                    && let Some(b) = candidate.get_mut(at)
                {
                    *b = START;
                }
            }
            let mut decoder = FrameDecoder::new();
            decoder.ended = ended;
            for end in 1..=candidate.len() {
                let prefix = &candidate[..end];
                proptest::prop_assert_eq!(decoder.verdict(prefix), decoder.full_verdict(prefix));
            }
        }
    }

    #[test]
    fn the_fast_verdict_agrees_on_real_frames() {
        use crate::test_util::{dlt645, dlt698, gdw1376};
        let frames = [
            dlt645::abnormal([0x68; 6], 0x11, 0x02),
            dlt645::read_response([1, 2, 3, 4, 5, 6], 0x0001_0000, &[0x68, 0x68]),
            gdw1376::deny_all().build(),
            dlt698::FrameBuilder::response().build(
                &dlt698::Response::get_normal(0x2000_0201, dlt698::GetResult::Dar(4)).finish(),
            ),
            // A 698.45 frame whose SA puts a 68 where 645 expects its second start byte.
            dlt698::FrameBuilder::response()
                .address(crate::AddressKind::Single, 0, &[1, 2, 0x68, 4, 5, 6])
                .build(&dlt698::Response::set_normal(0x4000_0200, 3).finish()),
        ];
        for ended in [false, true] {
            let mut decoder = FrameDecoder::new();
            decoder.ended = ended;
            for frame in &frames {
                for end in 1..=frame.len() {
                    let prefix = &frame[..end];
                    assert_eq!(decoder.verdict(prefix), decoder.full_verdict(prefix));
                }
                assert!(matches!(decoder.verdict(frame), Verdict::Frame(..)));
            }
        }
    }

    fn dlt698_frame(dar: u8) -> Vec<u8> {
        use crate::test_util::dlt698;
        dlt698::FrameBuilder::response()
            .build(&dlt698::Response::get_normal(0x2000_0201, dlt698::GetResult::Dar(dar)).finish())
    }

    /// Each piece's noise, then its wake-up bytes, then a frame chosen by `kind`: DL/T 645
    /// (0), Q/GDW 1376.1 (1), and DL/T 698.45 frames: with a `68` in the server address where
    /// DL/T 645 (2) or Q/GDW 1376.1 (5) has its second start byte, with an APDU the
    /// plain-frame shortcut leaves to the general way (3), with an APDU that does not decode
    /// (4), or else a plain GET-Response with DAR `kind`.
    fn noisy_stream(pieces: &[(Vec<u8>, u8, usize)]) -> Vec<u8> {
        use crate::test_util::dlt698::{FrameBuilder, GetResult, Response};
        let mut stream = Vec::new();
        for (noise, kind, wake_up) in pieces {
            stream.extend(noise);
            stream.extend(core::iter::repeat_n(WAKE_UP, *wake_up));
            stream.extend(match kind {
                0 => crate::test_util::dlt645::abnormal([1; 6], 0x11, 0x02),
                1 => crate::test_util::gdw1376::deny_all().build(),
                2 | 5 => {
                    let sa: [u8; 6] = if *kind == 2 {
                        // DL/T 645 would read a length of 0x60 at byte 9: until that many
                        // bytes have arrived, its probe cannot say no.
                        [1, 2, START, 4, 0x60, 6]
                    } else {
                        [START, 2, 3, 4, 5, 6]
                    };
                    FrameBuilder::response()
                        .address(crate::AddressKind::Single, 0, &sa)
                        .build(&Response::set_normal(0x4000_0200, 3).finish())
                }
                // A TimeTag: the plain-response shortcut hands it over (a structure, as
                // before, is now walked by the shortcut itself).
                3 => FrameBuilder::response().build(
                    &Response::get_normal(
                        0x2000_0200,
                        GetResult::Data(&[0x02, 0x01, 0x12, 0x08, 0x98]),
                    )
                    .with_time_tag([0x07, 0xE8, 1, 1, 0, 0, 0], [0, 0, 0]),
                ),
                4 => FrameBuilder::response().build(&[0x85, 0x01]),
                _ => dlt698_frame(*kind),
            });
        }
        stream
    }

    /// Pieces for [`noisy_stream`]: up to 11 bytes of noise, a frame kind, up to 2 wake-up
    /// bytes; one to seven of them.
    fn noisy_pieces() -> impl proptest::strategy::Strategy<Value = Vec<(Vec<u8>, u8, usize)>> {
        proptest::collection::vec(
            (
                proptest::collection::vec(proptest::num::u8::ANY, 0..12),
                0u8..10,
                0usize..3,
            ),
            1..8,
        )
    }

    proptest::proptest! {
        #[test]
        fn decoding_in_place_gives_the_items_and_their_decodings(
            pieces in noisy_pieces(),
            chunk in 1usize..64,
            steps in proptest::collection::vec(0u8..4, 1..16),
            stream_limit in proptest::option::of(0usize..40),
            decoder_limit in proptest::option::of(0usize..40),
        ) {
            // The same stream through `next_item` alone, and through `next_item` and
            // `next_decoded` taken in turns, a few items after each push (not always all
            // that are ready), so that pushes come while a decoded frame's bytes are still
            // at the front of the buffer.
            let stream = noisy_stream(&pieces);
            let limit = |max: Option<usize>| {
                max.map_or(Limits::DEFAULT, |max| Limits::DEFAULT.with_max_frame_len(max))
            };
            let (stream_limits, decoder_limits) = (limit(stream_limit), limit(decoder_limit));
            // The items, and how many are ready after each push.
            let mut reference = FrameDecoder::with_limits(stream_limits);
            let (mut expected, mut ready) = (Vec::new(), Vec::new());
            for piece in stream.chunks(chunk) {
                reference.push(piece);
                expected.extend(drain(&mut reference));
                ready.push(expected.len());
            }
            reference.finish();
            expected.extend(drain(&mut reference));

            let mut frames = FrameDecoder::with_limits(stream_limits);
            let mut decoder = Decoder::with_limits(decoder_limits);
            let mut reference = Decoder::with_limits(decoder_limits);
            let (mut got, mut fed, mut pushes) = (0, 0, 0);
            let mut steps = steps.iter().cycle();
            let mut pieces = stream.chunks(chunk);
            loop {
                let piece = pieces.next();
                match piece {
                    Some(piece) => {
                        frames.push(piece);
                        fed += piece.len();
                        pushes += 1;
                    }
                    None => frames.finish(),
                }
                let take = steps.next().copied().unwrap_or(0);
                let mut taken = 0;
                while piece.is_none() || taken < take {
                    taken += 1;
                    let item = if taken % 2 == 0 {
                        frames.next_item()
                    } else {
                        match frames.next_decoded(&mut decoder) {
                            None => None,
                            Some(DecodedItem::Garbage(garbage)) => {
                                Some(StreamItem::Garbage(garbage))
                            }
                            Some(DecodedItem::Frame(frame)) => {
                                let Some(StreamItem::Frame(split)) = expected.get(got) else {
                                    return Err(proptest::test_runner::TestCaseError::fail(
                                        format!("item {got}: a frame, expected {:?}",
                                            expected.get(got)),
                                    ));
                                };
                                proptest::prop_assert_eq!(
                                    (frame.protocol, frame.offset, frame.preamble_len),
                                    (split.protocol, split.offset, split.preamble_len)
                                );
                                proptest::prop_assert_eq!(frame.bytes, &*split.bytes);
                                proptest::prop_assert_eq!(
                                    &frame.decoded,
                                    &reference.decode_stream_frame(split)
                                );
                                proptest::prop_assert_eq!(
                                    &frame.decoded,
                                    &crate::decode_with(frame.bytes, &decoder_limits)
                                );
                                if let Ok(decoded) = frame.decoded {
                                    decoder.recycle(decoded);
                                }
                                Some(StreamItem::Frame(split.clone()))
                            }
                        }
                    };
                    let Some(item) = item else {
                        // Nothing more until the next push: exactly what is ready then.
                        if piece.is_some() {
                            proptest::prop_assert_eq!(Some(&got), ready.get(pushes - 1));
                        }
                        break;
                    };
                    proptest::prop_assert_eq!(Some(&item), expected.get(got), "item {}", got);
                    // Every byte up to the item's end is accounted for; after a frame, none
                    // beyond it; the bytes handed out are no longer counted as buffered.
                    let (offset, len, frame) = match &item {
                        StreamItem::Frame(frame) => {
                            (frame.offset, as_u64(frame.bytes.len()), true)
                        }
                        StreamItem::Garbage(garbage) => (garbage.offset, garbage.len, false),
                    };
                    let end = offset.saturating_add(len);
                    proptest::prop_assert!(frames.position() >= end);
                    proptest::prop_assert!(!frame || frames.position() == end);
                    proptest::prop_assert_eq!(
                        frames.position().saturating_add(as_u64(frames.buffered_len())),
                        as_u64(fed)
                    );
                    got += 1;
                }
                if piece.is_none() {
                    break;
                }
            }
            proptest::prop_assert_eq!(got, expected.len());
        }
    }

    proptest::proptest! {
        #[test]
        fn a_split_frame_decodes_as_its_bytes(
            pieces in noisy_pieces(),
            max_frame_len in 0usize..40,
        ) {
            // Frames of all three protocols, some with wake-up bytes, between random bytes.
            let stream = noisy_stream(&pieces);
            let mut decoder = FrameDecoder::new();
            decoder.push(&stream);
            decoder.finish();
            let tight = Limits::DEFAULT.with_max_frame_len(max_frame_len);
            for item in drain(&mut decoder) {
                if let StreamItem::Frame(frame) = item {
                    for limits in [Limits::DEFAULT, tight] {
                        let full = crate::decode_with(&frame.bytes, &limits);
                        proptest::prop_assert_eq!(&frame.decode(&limits), &full);
                        let mut reused = Decoder::with_limits(limits);
                        proptest::prop_assert_eq!(&reused.decode_stream_frame(&frame), &full);
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_fast_path_gives_the_general_loops_items(
            pieces in noisy_pieces(),
            chunk in 1usize..64,
        ) {
            // Frames with and without wake-up bytes between random bytes (some of them `68`
            // or `FE`), fed in chunks so that frames arrive in pieces.
            let stream = noisy_stream(&pieces);
            let mut fast = FrameDecoder::new();
            let mut general = FrameDecoder::new();
            let (mut fast_items, mut general_items) = (Vec::new(), Vec::new());
            for piece in stream.chunks(chunk) {
                fast.push(piece);
                general.push(piece);
                fast_items.extend(core::iter::from_fn(|| fast.next_item()));
                general_items.extend(core::iter::from_fn(|| general_item(&mut general)));
                // The same items, found as soon: the fast path never decides before the
                // general loop would.
                proptest::prop_assert_eq!(&fast_items, &general_items);
            }
            fast.finish();
            general.finish();
            fast_items.extend(drain(&mut fast));
            general_items.extend(core::iter::from_fn(|| general_item(&mut general)));
            proptest::prop_assert_eq!(fast_items, general_items);
        }
    }

    #[test]
    fn other_bytes_in_a_split_frame_are_checked_in_full() {
        let good = dlt698_frame(4);
        let mut decoder = FrameDecoder::new();
        decoder.push(&good);
        let Some(StreamItem::Frame(frame)) = decoder.next_item() else {
            panic!("no frame")
        };
        assert_eq!(frame.bytes.checked().map(|c| c.start), Some(0));
        assert!(frame.decode(&Limits::DEFAULT).is_ok());
        // HCS at 12–13, FCS at len−3 … len−2.
        for (at, hcs) in [(12, true), (good.len() - 2, false)] {
            let mut bad = good.clone();
            bad[at] ^= 1;
            let mut changed = frame.clone();
            changed.bytes = SharedBytes::from(bad);
            let e = changed.decode(&Limits::DEFAULT).unwrap_err();
            if hcs {
                assert!(
                    matches!(e.kind(), DecodeErrorKind::HcsMismatch { .. }),
                    "{e}"
                );
            } else {
                assert!(
                    matches!(e.kind(), DecodeErrorKind::FcsMismatch { .. }),
                    "{e}"
                );
            }
        }
        // The mark describes the bytes, not the public fields around them.
        let mut moved = frame.clone();
        moved.preamble_len = 3;
        moved.protocol = Protocol::Dlt645;
        assert_eq!(moved.decode(&Limits::DEFAULT), crate::decode(&good));
        // Equal bytes compare equal, marked or not.
        assert_eq!(frame.bytes, SharedBytes::from(good));
    }

    /// Every DL/T 645-2007 and Q/GDW 1376.1 frame under `fixtures/frames/` (the `invalid/`
    /// ones too: a bad CS, a bad end byte, cut short, …), with the protocol of its directory
    /// and whether it is one of the valid ones.
    fn fixtures_645_1376() -> &'static [(Protocol, bool, Vec<u8>)] {
        static FRAMES: std::sync::LazyLock<Vec<(Protocol, bool, Vec<u8>)>> =
            std::sync::LazyLock::new(|| {
                let root =
                    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/frames");
                let mut frames = Vec::new();
                for (dir, protocol, valid) in [
                    ("dlt645", Protocol::Dlt645, true),
                    ("dlt645/invalid", Protocol::Dlt645, false),
                    ("gdw1376", Protocol::Gdw1376, true),
                    ("gdw1376/invalid", Protocol::Gdw1376, false),
                ] {
                    let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
                        .unwrap()
                        .map(|entry| entry.unwrap().path())
                        .filter(|path| path.extension().is_some_and(|ext| ext == "hex"))
                        .collect();
                    paths.sort();
                    assert!(!paths.is_empty(), "no fixtures in {dir}");
                    for path in paths {
                        let text = std::fs::read_to_string(&path).unwrap();
                        let bytes = crate::test_util::render::read_annotated_hex(&text).unwrap();
                        frames.push((protocol, valid, bytes));
                    }
                }
                frames
            });
        &FRAMES
    }

    /// Sets the CS of the `protocol` frame in `bytes` (after any wake-up bytes) to the sum of
    /// what it covers, where its L puts CS inside `bytes`: a changed frame whose link layer
    /// may pass again.
    fn reseal(bytes: &mut [u8], protocol: Protocol) {
        use crate::checksum::sum8;
        let start = crate::decode::wake_up_len(bytes);
        let frame = &mut bytes[start..];
        let (from, cs_at) = match protocol {
            // DL/T 645-2007: 68 A×6 68 C L DATA CS 16, CS over everything before it.
            Protocol::Dlt645 => match frame.get(9) {
                Some(&len) => (0, 10 + usize::from(len)),
                None => return,
            },
            // Q/GDW 1376.1: 68 L L 68 user-data CS 16, L bits 2–15 the user data length.
            Protocol::Gdw1376 => match frame.get(1..3) {
                Some(l) => (6, 6 + usize::from(u16::from_le_bytes([l[0], l[1]]) >> 2)),
                None => return,
            },
            Protocol::Dlt698 => return,
        };
        if cs_at < frame.len() {
            frame[cs_at] = sum8(&frame[from..cs_at]);
        }
    }

    /// One piece of a stream of DL/T 645-2007 and Q/GDW 1376.1 fixture frames: noise, wake-up
    /// bytes, the fixture, sometimes a byte changed (and then sometimes its CS made right
    /// again) or cut short.
    #[expect(clippy::type_complexity, reason = "a proptest strategy tuple")]
    fn fixture_pieces() -> impl proptest::strategy::Strategy<
        Value = Vec<(
            Vec<u8>,
            usize,
            proptest::sample::Index,
            Option<(proptest::sample::Index, u8, bool)>,
            Option<proptest::sample::Index>,
        )>,
    > {
        use proptest::prelude::*;
        proptest::collection::vec(
            (
                proptest::collection::vec(any::<u8>(), 0..6),
                0usize..3,
                any::<proptest::sample::Index>(),
                prop_oneof![
                    2 => Just(None),
                    2 => (any::<proptest::sample::Index>(), any::<u8>(), any::<bool>()).prop_map(Some),
                ],
                prop_oneof![8 => Just(None), 1 => any::<proptest::sample::Index>().prop_map(Some)],
            ),
            1..8,
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// DL/T 645-2007 and Q/GDW 1376.1 frames found in a stream carry the stream's mark
        /// (their CS is then not summed again) and decode exactly as their bytes do through
        /// `decode_with`, which sums it: whole fixtures, the invalid ones, changed ones (CS
        /// made right again or not), cut ones, and the frame length limit of the decoder
        /// tighter or looser than the stream's.
        #[test]
        fn marked_645_and_1376_frames_decode_as_their_bytes(
            pieces in fixture_pieces(),
            chunk in 1usize..48,
            stream_limit in proptest::option::of(0usize..80),
            decoder_limit in proptest::option::of(0usize..80),
        ) {
            let fixtures = fixtures_645_1376();
            let mut stream = Vec::new();
            for (noise, wake_up, which, damage, cut) in &pieces {
                let (protocol, _, fixture) = &fixtures[which.index(fixtures.len())];
                let mut frame = fixture.clone();
                if let Some((at, byte, sealed)) = damage {
                    let at = at.index(frame.len());
                    frame[at] = *byte;
                    if *sealed {
                        reseal(&mut frame, *protocol);
                    }
                }
                if let Some(cut) = cut {
                    frame.truncate(cut.index(frame.len() + 1));
                }
                stream.extend(noise);
                stream.extend(core::iter::repeat_n(WAKE_UP, *wake_up));
                stream.extend(frame);
            }
            let limit = |max: Option<usize>| {
                max.map_or(Limits::DEFAULT, |max| Limits::DEFAULT.with_max_frame_len(max))
            };
            let (stream_limits, decoder_limits) = (limit(stream_limit), limit(decoder_limit));

            // Decoded in place.
            let mut frames = FrameDecoder::with_limits(stream_limits);
            let mut decoder = Decoder::with_limits(decoder_limits);
            let mut in_place = Vec::new();
            let mut check = |frames: &mut FrameDecoder| -> Result<(), proptest::test_runner::TestCaseError> {
                while let Some(item) = frames.next_decoded(&mut decoder) {
                    if let DecodedItem::Frame(frame) = item {
                        let full = crate::decode_with(frame.bytes, &decoder_limits);
                        proptest::prop_assert_eq!(&frame.decoded, &full, "{:02X?}", frame.bytes);
                        in_place.push(frame.bytes.to_vec());
                        if let Ok(decoded) = frame.decoded {
                            decoder.recycle(decoded);
                        }
                    }
                }
                Ok(())
            };
            for piece in stream.chunks(chunk) {
                frames.push(piece);
                check(&mut frames)?;
            }
            frames.finish();
            check(&mut frames)?;

            // Split off, then decoded from the marked bytes.
            let mut frames = FrameDecoder::with_limits(stream_limits);
            let mut split = Vec::new();
            for piece in stream.chunks(chunk) {
                frames.push(piece);
                split.extend(drain(&mut frames));
            }
            frames.finish();
            split.extend(drain(&mut frames));
            let mut reused = Decoder::with_limits(decoder_limits);
            let mut split_bytes = Vec::new();
            for item in split {
                let StreamItem::Frame(frame) = item else { continue };
                proptest::prop_assert_eq!(
                    frame.bytes.checked(),
                    Some(CheckedFrame { protocol: frame.protocol, start: frame.preamble_len })
                );
                let full = crate::decode_with(&frame.bytes, &decoder_limits);
                proptest::prop_assert_eq!(&frame.decode(&decoder_limits), &full);
                proptest::prop_assert_eq!(&reused.decode_stream_frame(&frame), &full);
                split_bytes.push(frame.bytes.to_vec());
            }
            proptest::prop_assert_eq!(in_place, split_bytes);
        }
    }

    #[test]
    fn every_645_and_1376_fixture_is_found_marked_and_decodes_as_its_bytes() {
        let mut marked = 0;
        for (protocol, valid, fixture) in fixtures_645_1376() {
            let mut decoder = FrameDecoder::new();
            decoder.push(&[0x55, 0x68]);
            decoder.push(fixture);
            decoder.finish();
            let frames: Vec<StreamFrame> = drain(&mut decoder)
                .into_iter()
                .filter_map(|item| match item {
                    StreamItem::Frame(frame) => Some(frame),
                    StreamItem::Garbage(_) => None,
                })
                .collect();
            for frame in &frames {
                assert_eq!(frame.decode(&Limits::DEFAULT), crate::decode(&frame.bytes));
            }
            if *valid {
                let [frame] = &frames[..] else {
                    panic!("{fixture:02X?}: {frames:?}")
                };
                assert_eq!(frame.protocol, *protocol);
                assert_eq!(&*frame.bytes, &fixture[..]);
                assert!(frame.bytes.checked().is_some());
                assert!(frame.decode(&Limits::DEFAULT).is_ok());
                marked += 1;
            }
        }
        assert!(marked >= 30, "{marked}");
    }

    #[test]
    fn a_wrong_sum_is_reported_off_the_stream() {
        use crate::test_util::{dlt645, gdw1376};
        for good in [
            dlt645::abnormal([1; 6], 0x11, 0x02),
            gdw1376::confirm_each(0x04, &[(1, 10, 0), (2, 10, 1)]).build(),
        ] {
            let mut decoder = FrameDecoder::new();
            decoder.push(&good);
            let Some(StreamItem::Frame(frame)) = decoder.next_item() else {
                panic!("no frame")
            };
            assert!(frame.bytes.checked().is_some());
            assert_eq!(frame.decode(&Limits::DEFAULT), crate::decode(&good));
            // CS sits before the end byte.
            let cs_at = good.len() - 2;
            let mut bad = good.clone();
            bad[cs_at] = bad[cs_at].wrapping_add(1);
            let is_sum_error = |result: Result<crate::Decoded<'_>, crate::DecodeError>| {
                let e = result.unwrap_err();
                e.offset() == cs_at
                    && e.kind()
                        == DecodeErrorKind::ChecksumMismatch {
                            expected: good[cs_at],
                            found: bad[cs_at],
                        }
            };
            // Plain decoding, a reused decoder, and a stream frame whose bytes were replaced
            // (they carry no mark) all sum CS.
            assert!(is_sum_error(crate::decode(&bad)));
            assert!(is_sum_error(Decoder::new().decode(&bad)));
            let mut changed = frame.clone();
            changed.bytes = SharedBytes::from(bad.clone());
            assert!(is_sum_error(changed.decode(&Limits::DEFAULT)));
            assert!(is_sum_error(Decoder::new().decode_stream_frame(&changed)));
            // The stream does not take it for a frame.
            let mut decoder = FrameDecoder::new();
            decoder.push(&bad);
            decoder.finish();
            assert!(
                drain(&mut decoder)
                    .iter()
                    .all(|item| matches!(item, StreamItem::Garbage(_)))
            );
        }
    }

    #[test]
    fn the_smallest_limit_still_tiles() {
        let stream = [0x68, 0x00, 0xFE, 0x68, 0x16, 0x55];
        let mut decoder = FrameDecoder::with_limits(Limits::DEFAULT.with_max_frame_len(0));
        decoder.push(&stream);
        decoder.finish();
        let items = drain(&mut decoder);
        let total: u64 = items
            .iter()
            .map(|i| match i {
                StreamItem::Garbage(g) => g.len,
                StreamItem::Frame(f) => as_u64(f.bytes.len()),
            })
            .sum();
        assert_eq!(total, as_u64(stream.len()));
        assert!(
            items
                .iter()
                .all(|i| matches!(i, StreamItem::Garbage(g) if g.len == 1))
        );
    }

    #[test]
    fn pending_garbage_comes_before_the_frame() {
        let frame = [
            0x68, 0x37, 0x03, 0x00, 0x92, 0x81, 0x39, 0x68, 0xD1, 0x01, 0x35, 0x5D, 0x16,
        ];
        let mut decoder = FrameDecoder::new();
        decoder.push(&[0x00]);
        decoder.push(&frame);
        let items = drain(&mut decoder);
        assert!(
            matches!(&items[..], [StreamItem::Garbage(_), StreamItem::Frame(f)] if f.offset == 1)
        );
        assert_eq!(decoder.position(), 14);
        assert_eq!(decoder.buffered_len(), 0);
    }
}
