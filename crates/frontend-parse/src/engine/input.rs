//! Inputs and the reader thread: opens a file, standard input or any reader, recognises
//! gzip by its magic bytes, and reads fixed-size blocks ahead of the splitter.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use super::window::{Filled, HEADROOM};

/// gzip's magic bytes (RFC 1952 §2.3.1).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

enum Source {
    Path(PathBuf),
    Stdin,
    Reader(Box<dyn Read + Send>),
}

/// One input of a run: a file, standard input, or any reader.
pub struct Input {
    name: String,
    source: Source,
}

impl fmt::Debug for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Input")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Input {
    /// A file.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        Self {
            name: path.display().to_string(),
            source: Source::Path(path),
        }
    }

    /// Standard input (named `-`).
    pub fn stdin() -> Self {
        Self {
            name: "-".to_owned(),
            source: Source::Stdin,
        }
    }

    /// A command-line argument: `-` is standard input, anything else a path.
    pub fn from_arg(arg: &str) -> Self {
        if arg == "-" {
            Self::stdin()
        } else {
            Self::path(arg)
        }
    }

    /// Any reader, under a name used in messages.
    pub fn reader(name: impl Into<String>, reader: impl Read + Send + 'static) -> Self {
        Self {
            name: name.into(),
            source: Source::Reader(Box::new(reader)),
        }
    }

    /// Bytes in memory.
    pub fn bytes(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self::reader(name, io::Cursor::new(bytes.into()))
    }

    /// The name: the path, `-`, or the given name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A reader that counts the bytes it delivers (for progress on compressed input).
struct Counted<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.count.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}

/// What the reader thread sends: a block of decompressed bytes, or the error that ended the
/// input. The end of input is the channel closing.
pub(crate) type Block = io::Result<Filled>;

/// An opened input being read ahead by its own thread into fixed-size blocks. At most
/// `DEPTH` blocks wait in the channel, which bounds memory; emptied blocks come back for
/// reuse.
pub(crate) struct BlockReader {
    pub(crate) name: String,
    pub(crate) total: Option<u64>,
    pub(crate) read: Arc<AtomicU64>,
    blocks: Receiver<Block>,
    recycle: SyncSender<Vec<u8>>,
    thread: Option<JoinHandle<()>>,
}

/// Blocks read ahead (besides the one being split and the one being parsed).
const DEPTH: usize = 2;

impl BlockReader {
    /// Opens `input` (errors here name the input) and starts reading it.
    pub(crate) fn open(input: Input, block_size: usize) -> io::Result<Self> {
        let read = Arc::new(AtomicU64::new(0));
        let (raw, total): (Box<dyn Read + Send>, Option<u64>) = match input.source {
            Source::Path(path) => {
                let file = File::open(&path)?;
                let total = file
                    .metadata()
                    .ok()
                    .filter(std::fs::Metadata::is_file)
                    .map(|m| m.len());
                (Box::new(file), total)
            }
            Source::Stdin => (Box::new(io::stdin()), None),
            Source::Reader(reader) => (reader, None),
        };
        let counted = Counted {
            inner: raw,
            count: Arc::clone(&read),
        };
        let (block_tx, blocks) = sync_channel::<Block>(DEPTH);
        let (recycle, recycled) = sync_channel::<Vec<u8>>(DEPTH.saturating_add(2));
        let block_size = block_size.max(1);
        let thread = std::thread::Builder::new()
            .name("fep-reader".to_owned())
            .spawn(move || read_blocks(counted, block_size, &block_tx, &recycled))?;
        Ok(Self {
            name: input.name,
            total,
            read,
            blocks,
            recycle,
            thread: Some(thread),
        })
    }

    /// The next block; `None` at the end of the input.
    pub(crate) fn next_block(&self) -> Option<Block> {
        self.blocks.recv().ok()
    }

    /// Gives an emptied block back for reuse.
    pub(crate) fn give_back(&self, block: Vec<u8>) {
        // Kept at its length: the reader overwrites it without zeroing it again. A full channel just means enough spares exist already.
        let _ = self.recycle.try_send(block);
    }

    /// Bytes read from the source so far.
    pub(crate) fn bytes_read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }
}

impl Drop for BlockReader {
    fn drop(&mut self) {
        // Closing the channel makes the thread stop at its next send. It is not joined: it
        // may be blocked reading standard input, which only the end of the process ends.
        let (_, empty) = sync_channel(0);
        drop(core::mem::replace(&mut self.blocks, empty));
        drop(self.thread.take());
    }
}

fn read_blocks(
    source: impl Read + 'static,
    block_size: usize,
    blocks: &SyncSender<Block>,
    recycled: &Receiver<Vec<u8>>,
) {
    let mut buffered = BufReader::with_capacity(1 << 16, source);
    let is_gzip = match buffered.fill_buf() {
        Ok(head) => head.starts_with(&GZIP_MAGIC),
        Err(error) => {
            let _ = blocks.send(Err(error));
            return;
        }
    };
    let mut reader: Box<dyn Read> = if is_gzip {
        gzip_reader(buffered)
    } else {
        Box::new(buffered)
    };
    loop {
        let mut block = Filled::with_room(
            recycled
                .try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(HEADROOM.saturating_add(block_size))),
            block_size,
        );
        let mut filled = 0usize;
        let mut error = None;
        while filled < block_size {
            let Some(space) = block.data_mut().get_mut(filled..) else {
                break;
            };
            match reader.read(space) {
                Ok(0) => break,
                Ok(read) => filled = filled.saturating_add(read),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        block.truncate(filled);
        let ended = filled < block_size;
        if filled > 0 && blocks.send(Ok(block)).is_err() {
            return;
        }
        if let Some(error) = error {
            let _ = blocks.send(Err(error));
            return;
        }
        if ended {
            return;
        }
    }
}

#[cfg(feature = "gzip")]
fn gzip_reader(source: impl Read + 'static) -> Box<dyn Read> {
    Box::new(FixedReads::new(flate2::read::MultiGzDecoder::new(source)))
}

/// The size of every read from the gzip decoder.
#[cfg(feature = "gzip")]
const DECODER_READ: usize = 1 << 16;

/// Reads its source only in [`DECODER_READ`]-byte requests, whatever the caller asks for.
/// How much a decoder hands out before it reports a cut or corrupt stream depends on the sizes
/// of the reads it is given; with fixed reads the data before the error, and the error's
/// offset, do not depend on the block size.
#[cfg(feature = "gzip")]
struct FixedReads<R> {
    source: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

#[cfg(feature = "gzip")]
impl<R: Read> FixedReads<R> {
    fn new(source: R) -> Self {
        Self {
            source,
            buf: vec![0; DECODER_READ],
            start: 0,
            end: 0,
        }
    }
}

#[cfg(feature = "gzip")]
impl<R: Read> Read for FixedReads<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.start == self.end {
            self.start = 0;
            self.end = self.source.read(&mut self.buf)?.min(self.buf.len());
        }
        let available = self.buf.get(self.start..self.end).unwrap_or_default();
        let len = available.len().min(out.len());
        if let (Some(to), Some(from)) = (out.get_mut(..len), available.get(..len)) {
            to.copy_from_slice(from);
        }
        self.start = self.start.saturating_add(len);
        Ok(len)
    }
}

/// Without the `gzip` feature, gzip input is passed through (and fails to parse as JSON).
#[cfg(not(feature = "gzip"))]
fn gzip_reader(source: impl Read + 'static) -> Box<dyn Read> {
    Box::new(source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: Input, block_size: usize) -> (Vec<u8>, Option<io::ErrorKind>) {
        let reader = BlockReader::open(input, block_size).unwrap();
        let mut out = Vec::new();
        let mut error = None;
        while let Some(block) = reader.next_block() {
            match block {
                Ok(block) => {
                    assert!(block.data().len() <= block_size);
                    out.extend_from_slice(block.data());
                    reader.give_back(block.into_vec());
                }
                Err(e) => error = Some(e.kind()),
            }
        }
        (out, error)
    }

    #[test]
    fn reads_in_blocks() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let (out, error) = read_all(Input::bytes("mem", data.clone()), 333);
        assert_eq!(out, data);
        assert_eq!(error, None);
        let (out, _) = read_all(Input::bytes("empty", Vec::new()), 16);
        assert!(out.is_empty());
    }

    #[cfg(feature = "gzip")]
    #[test]
    fn decompresses_gzip_and_reports_corruption() {
        use std::io::Write;
        let data = b"{\"devDataList\":[]}\n".repeat(100);
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&data).unwrap();
        let gz = encoder.finish().unwrap();
        let (out, error) = read_all(Input::bytes("gz", gz.clone()), 64);
        assert_eq!(out, data);
        assert_eq!(error, None);
        let cut = gz[..gz.len() / 2].to_vec();
        let (out, error) = read_all(Input::bytes("cut", cut), 64);
        assert!(out.len() < data.len());
        assert!(error.is_some());
    }

    #[test]
    fn missing_file_is_an_open_error() {
        assert!(BlockReader::open(Input::path("/nonexistent/fep/input.json"), 16).is_err());
    }
}
