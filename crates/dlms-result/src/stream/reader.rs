//! [`FrameReader`]: a [`FrameDecoder`] over any [`std::io::Read`].

use std::io::{self, Read};

use crate::decode::Decoder;
use crate::limits::Limits;

use super::{DecodedItem, FrameDecoder, StreamItem};

/// Reads a byte stream in chunks and yields its items; at end of input, a trailing partial
/// frame is reported as truncated garbage.
///
/// After an I/O error the iterator yields the error, then whatever is still buffered (as if
/// the stream had ended), then stops.
///
/// ```
/// use dlms_result::{FrameReader, StreamItem};
/// // Noise, then a DL/T 645-2007 abnormal answer with its wake-up bytes.
/// let stream: &[u8] = &[
///     0x00, 0x11, 0xFE, 0xFE, 0x68, 0x37, 0x03, 0x00, 0x92, 0x81, 0x39, 0x68, 0xD1, 0x01,
///     0x35, 0x5D, 0x16,
/// ];
/// let items: Vec<_> = FrameReader::new(stream).collect::<Result<_, _>>()?;
/// assert!(matches!(&items[0], StreamItem::Garbage(g) if g.len == 2));
/// assert!(matches!(&items[1], StreamItem::Frame(f) if f.preamble_len == 2 && f.offset == 2));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct FrameReader<R> {
    reader: R,
    decoder: FrameDecoder,
    chunk: Box<[u8]>,
    ended: bool,
}

/// Bytes read per call to the reader.
const CHUNK_LEN: usize = 8 * 1024;

impl<R: Read> FrameReader<R> {
    /// A reader with the default [`Limits`].
    pub fn new(reader: R) -> Self {
        Self::with_limits(reader, Limits::DEFAULT)
    }

    /// A reader with explicit limits.
    pub fn with_limits(reader: R, limits: Limits) -> Self {
        Self {
            reader,
            decoder: FrameDecoder::with_limits(limits),
            chunk: vec![0; CHUNK_LEN].into_boxed_slice(),
            ended: false,
        }
    }

    /// The underlying reader.
    pub fn into_inner(self) -> R {
        self.reader
    }

    /// The decoder, e.g. to see its stream position.
    pub const fn decoder(&self) -> &FrameDecoder {
        &self.decoder
    }

    /// The next item with its frame decoded in place by `decoder`
    /// ([`FrameDecoder::next_decoded`]): the items the iterator gives, in the same order, with
    /// the same errors, each frame decoded as [`Decoder::decode_stream_frame`] decodes it. The
    /// item borrows the reader's buffer until the next call.
    ///
    /// ```
    /// use dlms_result::{DecodedItem, Decoder, FrameReader};
    /// // Noise, then a DL/T 645-2007 abnormal answer with its wake-up bytes.
    /// let stream: &[u8] = &[
    ///     0x00, 0x11, 0xFE, 0xFE, 0x68, 0x37, 0x03, 0x00, 0x92, 0x81, 0x39, 0x68, 0xD1, 0x01,
    ///     0x35, 0x5D, 0x16,
    /// ];
    /// let (mut reader, mut decoder) = (FrameReader::new(stream), Decoder::new());
    /// let mut services = Vec::new();
    /// while let Some(item) = reader.next_decoded(&mut decoder) {
    ///     if let DecodedItem::Frame(frame) = item? {
    ///         let decoded = frame.decoded.expect("decodes");
    ///         services.push(decoded.service);
    ///         decoder.recycle(decoded);
    ///     }
    /// }
    /// assert_eq!(services, ["read-data-abnormal"]);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn next_decoded(&mut self, decoder: &mut Decoder) -> Option<io::Result<DecodedItem<'_>>> {
        loop {
            if let Some(found) = self.decoder.find_next() {
                return Some(Ok(self.decoder.hand_out(found, decoder)));
            }
            if self.ended {
                return None;
            }
            if let Err(e) = self.fill() {
                return Some(Err(e));
            }
        }
    }

    /// Reads the next chunk into the decoder; at the end of the input, or after an error
    /// (returned), marks the end of the stream.
    fn fill(&mut self) -> io::Result<()> {
        match self.reader.read(&mut self.chunk) {
            Ok(0) => {
                self.decoder.finish();
                self.ended = true;
            }
            Ok(n) => self.decoder.push(self.chunk.get(..n).unwrap_or_default()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                self.decoder.finish();
                self.ended = true;
                return Err(e);
            }
        }
        Ok(())
    }
}

impl<R: Read> Iterator for FrameReader<R> {
    type Item = io::Result<StreamItem>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.decoder.next_item() {
                return Some(Ok(item));
            }
            if self.ended {
                return None;
            }
            if let Err(e) = self.fill() {
                return Some(Err(e));
            }
        }
    }
}
