//! The stream harness: [`FrameDecoder`] over a noisy byte stream, fed in chunks.

use crate::{
    DecodeError, Decoded, DecodedItem, Decoder, FrameDecoder, FrameReader, Limits, MAX_PREAMBLE,
    Protocol, SharedBytes, StreamFrame, StreamItem, decode_with,
};

use super::checks::{check_error, check_results};

/// The stream decoder over `data[1..]`: fed in chunks whose sizes come from `data[0]`, then in
/// one piece, then through a [`FrameReader`], then decoding in place
/// ([`FrameDecoder::next_decoded`] in the chunks, [`FrameReader::next_decoded`]). All give the
/// same items, and a frame decoded in place decodes as the frame split off does; the items tile
/// the stream in order (nothing lost, nothing reported twice); every frame starts with its
/// `FE` preamble and `68`, and decodes with its offsets inside it; the decoder never buffers
/// more than one frame plus its preamble.
///
/// `data[0]` also chooses the limits: bit 7 set gives a small `max_frame_len` (64 bytes), so
/// that garbage reports and the buffering bound are exercised.
///
/// Returns the number of items.
///
/// # Errors
/// A description of the first broken invariant.
pub fn stream(data: &[u8]) -> Result<usize, String> {
    let Some((&control, stream)) = data.split_first() else {
        return Ok(0);
    };
    let limits = if control & 0x80 != 0 {
        Limits::DEFAULT.with_max_frame_len(64)
    } else {
        Limits::DEFAULT
    };
    let chunked = items(ChunkSizes::new(control, stream), limits)?;
    let whole = items(core::iter::once(stream), limits)?;
    if chunked != whole {
        return Err(format!(
            "stream: chunks (control {control:#04x}) give {chunked:?}, one piece gives {whole:?}"
        ));
    }
    let read: Result<Vec<StreamItem>, _> = FrameReader::with_limits(stream, limits).collect();
    match read {
        Ok(read) if read == whole => {}
        other => {
            return Err(format!(
                "stream: FrameReader gives {other:?}, the decoder {whole:?}"
            ));
        }
    }
    check_decoded_in_place(ChunkSizes::new(control, stream), limits, &whole)?;
    check_reader_in_place(stream, limits, &whole)?;
    check_tiling(&whole, stream, limits)?;
    Ok(whole.len())
}

/// Pushes the chunks one by one, draining after each, then finishes and drains; checks the
/// buffering bound after every drain.
fn items<'a>(
    chunks: impl IntoIterator<Item = &'a [u8]>,
    limits: Limits,
) -> Result<Vec<StreamItem>, String> {
    let bound = limits.max_frame_len.saturating_add(MAX_PREAMBLE);
    let mut decoder = FrameDecoder::with_limits(limits);
    let mut items = Vec::new();
    for chunk in chunks {
        decoder.push(chunk);
        items.extend(core::iter::from_fn(|| decoder.next_item()));
        if decoder.buffered_len() >= bound.max(1) {
            return Err(format!(
                "stream: {} bytes buffered while waiting (bound {bound})",
                decoder.buffered_len()
            ));
        }
    }
    decoder.finish();
    items.extend(core::iter::from_fn(|| decoder.next_item()));
    if decoder.buffered_len() != 0 || decoder.next_item().is_some() {
        return Err("stream: bytes left after the end of the stream".to_owned());
    }
    Ok(items)
}

/// [`FrameDecoder::next_decoded`] over the chunks gives `expected` (the items of
/// [`FrameDecoder::next_item`]), and each frame's decoding is the one
/// [`Decoder::decode_stream_frame`] gives for the frame split off. The decoder is drained
/// after each chunk and decodings are recycled, as a caller would.
fn check_decoded_in_place<'a>(
    chunks: impl IntoIterator<Item = &'a [u8]>,
    limits: Limits,
    expected: &[StreamItem],
) -> Result<(), String> {
    let mut frames = FrameDecoder::with_limits(limits);
    let (mut decoder, mut reference) = (Decoder::with_limits(limits), Decoder::with_limits(limits));
    let mut got = 0usize;
    let mut drain = |frames: &mut FrameDecoder| -> Result<(), String> {
        while let Some(item) = frames.next_decoded(&mut decoder) {
            let want = expected.get(got);
            if !same_item(&item, want) {
                return Err(format!(
                    "stream: item {got} decoded in place is {item:?}, expected {want:?}"
                ));
            }
            if let (DecodedItem::Frame(frame), Some(StreamItem::Frame(want))) = (item, want) {
                let split = reference.decode_stream_frame(want);
                if frame.decoded != split {
                    return Err(format!(
                        "stream: frame {got} decoded in place as {:?}, split off as {split:?}",
                        frame.decoded
                    ));
                }
                if let Ok(decoded) = split {
                    reference.recycle(decoded);
                }
                if let Ok(decoded) = frame.decoded {
                    decoder.recycle(decoded);
                }
            }
            got = got.saturating_add(1);
        }
        Ok(())
    };
    for chunk in chunks {
        frames.push(chunk);
        drain(&mut frames)?;
    }
    frames.finish();
    drain(&mut frames)?;
    if got != expected.len() {
        return Err(format!(
            "stream: {got} items decoded in place, {} expected",
            expected.len()
        ));
    }
    Ok(())
}

/// [`FrameReader::next_decoded`] over `stream` gives `expected`, each frame decoded as
/// [`decode_with`] decodes its bytes.
fn check_reader_in_place(
    stream: &[u8],
    limits: Limits,
    expected: &[StreamItem],
) -> Result<(), String> {
    let mut reader = FrameReader::with_limits(stream, limits);
    let mut decoder = Decoder::with_limits(limits);
    let mut got = 0usize;
    while let Some(item) = reader.next_decoded(&mut decoder) {
        let item = item.map_err(|e| format!("stream: reading a slice failed: {e}"))?;
        let decodes_as_its_bytes = match &item {
            DecodedItem::Frame(frame) => frame.decoded == decode_with(frame.bytes, &limits),
            _ => true,
        };
        if !same_item(&item, expected.get(got)) || !decodes_as_its_bytes {
            return Err(format!(
                "stream: FrameReader::next_decoded item {got} is {item:?}, expected {:?}",
                expected.get(got)
            ));
        }
        if let DecodedItem::Frame(frame) = item
            && let Ok(decoded) = frame.decoded
        {
            decoder.recycle(decoded);
        }
        got = got.saturating_add(1);
    }
    if got != expected.len() {
        return Err(format!(
            "stream: FrameReader::next_decoded gave {got} items, {} expected",
            expected.len()
        ));
    }
    Ok(())
}

/// Whether an item decoded in place is the item `want` that [`FrameDecoder::next_item`] gave:
/// the same garbage report, or a frame at the same place with the same bytes (its decoding is
/// compared by the callers).
fn same_item(item: &DecodedItem<'_>, want: Option<&StreamItem>) -> bool {
    match (item, want) {
        (DecodedItem::Garbage(garbage), Some(StreamItem::Garbage(want))) => garbage == want,
        (DecodedItem::Frame(frame), Some(StreamItem::Frame(want))) => {
            (frame.protocol, frame.offset, frame.preamble_len)
                == (want.protocol, want.offset, want.preamble_len)
                && frame.bytes == &*want.bytes
        }
        _ => false,
    }
}

/// The items cover `stream` exactly, in order; frames are what they claim to be.
fn check_tiling(items: &[StreamItem], stream: &[u8], limits: Limits) -> Result<(), String> {
    let mut at = 0u64;
    for item in items {
        let (offset, len) = match item {
            StreamItem::Frame(frame) => {
                let start = usize::try_from(frame.offset).unwrap_or(usize::MAX);
                let expected = stream.get(start..start.saturating_add(frame.bytes.len()));
                if expected != Some(frame.bytes.as_ref()) {
                    return Err(format!(
                        "stream: frame at {start} is not the stream's bytes"
                    ));
                }
                let preamble = frame.bytes.get(..frame.preamble_len).unwrap_or_default();
                if frame.preamble_len > MAX_PREAMBLE
                    || preamble.iter().any(|&b| b != 0xFE)
                    || frame.frame().first() != Some(&0x68)
                    || frame.frame().len() > limits.max_frame_len
                {
                    return Err(format!("stream: not a frame: {frame:?}"));
                }
                let full = decode_with(&frame.bytes, &limits);
                check_marked_decode(frame, &full, limits)?;
                match full {
                    Ok(decoded) => check_results(
                        "stream frame",
                        &frame.bytes,
                        decoded.preamble_len,
                        &decoded.results,
                    )?,
                    Err(error) => check_error("stream frame", &frame.bytes, &error)?,
                }
                (
                    frame.offset,
                    u64::try_from(frame.bytes.len()).unwrap_or(u64::MAX),
                )
            }
            StreamItem::Garbage(garbage) => {
                let cap = u64::try_from(limits.max_frame_len.max(1)).unwrap_or(u64::MAX);
                if garbage.len == 0 || garbage.len > cap {
                    return Err(format!("stream: garbage report of {} bytes", garbage.len));
                }
                (garbage.offset, garbage.len)
            }
        };
        if offset != at {
            return Err(format!(
                "stream: item at {offset}, expected {at}: {items:?}"
            ));
        }
        at = at.saturating_add(len);
    }
    if at != u64::try_from(stream.len()).unwrap_or(u64::MAX) {
        return Err(format!(
            "stream: items cover {at} of {} bytes",
            stream.len()
        ));
    }
    Ok(())
}

/// A frame the stream decoder split off decodes, skipping the checksums it vouches for,
/// exactly as its bytes do when checked in full (`full`): through [`StreamFrame::decode`]
/// and [`Decoder::decode_stream_frame`], with the decoder's limits and with a tighter
/// frame length limit, and after its public fields are changed.
fn check_marked_decode(
    frame: &StreamFrame,
    full: &Result<Decoded<'_>, DecodeError>,
    limits: Limits,
) -> Result<(), String> {
    let marked = frame.decode(&limits);
    if marked != *full {
        return Err(format!(
            "stream: StreamFrame::decode {marked:?} differs from decode_with {full:?}"
        ));
    }
    let mut decoder = Decoder::with_limits(limits);
    if decoder.decode_stream_frame(frame) != *full {
        return Err("stream: Decoder::decode_stream_frame differs from decode_with".to_owned());
    }
    let tight = limits.with_max_frame_len(frame.frame().len().saturating_sub(1));
    if frame.decode(&tight) != decode_with(&frame.bytes, &tight) {
        return Err("stream: StreamFrame::decode differs under a tighter limit".to_owned());
    }
    let mut moved = frame.clone();
    moved.preamble_len = moved.preamble_len.wrapping_add(1);
    moved.protocol = match moved.protocol {
        Protocol::Dlt698 => Protocol::Dlt645,
        _ => Protocol::Dlt698,
    };
    if moved.decode(&limits) != *full {
        return Err("stream: changing a frame's fields changed its decoding".to_owned());
    }
    // Other bytes in its place (here: its FCS or checksum byte changed) are checked in full.
    let mut damaged = frame.bytes.to_vec();
    let checksum_at = damaged.len().saturating_sub(2);
    if let Some(byte) = damaged.get_mut(checksum_at) {
        *byte ^= 0x01;
    }
    moved.bytes = SharedBytes::from(damaged);
    if moved.decode(&limits) != decode_with(&moved.bytes, &limits) {
        return Err("stream: other bytes in a frame were not checked in full".to_owned());
    }
    Ok(())
}

/// Splits a stream into chunks whose sizes follow a small xorshift sequence seeded by the
/// control byte: seed 0 feeds byte by byte, larger seeds allow larger chunks.
struct ChunkSizes<'a> {
    rest: &'a [u8],
    state: u8,
    max: usize,
}

impl<'a> ChunkSizes<'a> {
    fn new(control: u8, stream: &'a [u8]) -> Self {
        Self {
            rest: stream,
            state: control | 1,
            max: usize::from(control & 0x3F).saturating_add(1),
        }
    }
}

impl<'a> Iterator for ChunkSizes<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        self.state ^= self.state << 3;
        self.state ^= self.state >> 5;
        self.state ^= self.state << 1;
        let size = usize::from(self.state)
            .checked_rem(self.max)
            .unwrap_or(0)
            .saturating_add(1);
        let (chunk, rest) = self.rest.split_at_checked(size).unwrap_or((self.rest, &[]));
        self.rest = rest;
        Some(chunk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_the_stream() {
        let stream: Vec<u8> = (0..=255).collect();
        for control in [0u8, 1, 7, 0x3F, 0x80, 0xFF] {
            let chunks: Vec<&[u8]> = ChunkSizes::new(control, &stream).collect();
            assert_eq!(chunks.concat(), stream);
            assert!(chunks.iter().all(|c| !c.is_empty()));
        }
        assert!(ChunkSizes::new(0, &stream).all(|c| c.len() == 1));
    }
}
