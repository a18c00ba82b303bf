//! Inputs and their reading: opens a file, standard input or any reader, recognises gzip by
//! its magic bytes, and reads fixed-size blocks for the splitter, ahead on a reader thread or
//! on demand.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
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

/// What reading gives: a block of decompressed bytes, or the error that ended the input. The
/// end of input is `None` from [`BlockReader::next_block`].
pub(crate) type Block = io::Result<Filled>;

/// An opened input read in fixed-size blocks: ahead, by a thread of its own, or on demand,
/// on the thread that asks for the next block.
pub(crate) struct BlockReader {
    pub(crate) name: String,
    pub(crate) total: Option<u64>,
    pub(crate) read: Arc<AtomicU64>,
    mode: Mode,
}

enum Mode {
    /// At most `DEPTH` blocks wait in the channel, which bounds memory; emptied blocks come
    /// back through `recycle`.
    Ahead {
        blocks: Receiver<Block>,
        recycle: SyncSender<Vec<u8>>,
        thread: Option<JoinHandle<()>>,
    },
    /// Read when asked for.
    OnDemand(Mutex<OnDemand>),
}

/// The source and the emptied blocks waiting to be filled again.
struct OnDemand {
    blocks: Blocks,
    spares: Vec<Vec<u8>>,
}

/// Blocks read ahead (besides the one being split and the one being parsed).
const DEPTH: usize = 2;

/// Emptied blocks kept for reuse.
const SPARES: usize = DEPTH + 2;

impl BlockReader {
    /// Opens `input` (errors here name the input) and starts reading it: ahead, on a thread
    /// of its own, when `ahead`; otherwise block by block in [`BlockReader::next_block`].
    pub(crate) fn open(input: Input, block_size: usize, ahead: bool) -> io::Result<Self> {
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
        let mut blocks = Blocks::new(Box::new(counted), block_size.max(1));
        let mode = if ahead {
            let (block_tx, block_rx) = sync_channel::<Block>(DEPTH);
            let (recycle, recycled) = sync_channel::<Vec<u8>>(SPARES);
            let thread = std::thread::Builder::new()
                .name("fep-reader".to_owned())
                .spawn(move || {
                    while let Some(block) = blocks.next(recycled.try_recv().ok()) {
                        if block_tx.send(block).is_err() {
                            return;
                        }
                    }
                })?;
            Mode::Ahead {
                blocks: block_rx,
                recycle,
                thread: Some(thread),
            }
        } else {
            Mode::OnDemand(Mutex::new(OnDemand {
                blocks,
                spares: Vec::with_capacity(SPARES),
            }))
        };
        Ok(Self {
            name: input.name,
            total,
            read,
            mode,
        })
    }

    /// The next block; `None` at the end of the input.
    pub(crate) fn next_block(&self) -> Option<Block> {
        match &self.mode {
            Mode::Ahead { blocks, .. } => blocks.recv().ok(),
            Mode::OnDemand(state) => {
                let mut state = state.lock().ok()?;
                let spare = state.spares.pop();
                state.blocks.next(spare)
            }
        }
    }

    /// Gives an emptied block back for reuse.
    pub(crate) fn give_back(&self, block: Vec<u8>) {
        // Kept at its length: the reader overwrites it without zeroing it again. Beyond
        // `SPARES`, enough spares exist already.
        match &self.mode {
            Mode::Ahead { recycle, .. } => {
                let _ = recycle.try_send(block);
            }
            Mode::OnDemand(state) => {
                if let Ok(mut state) = state.lock()
                    && state.spares.len() < SPARES
                {
                    state.spares.push(block);
                }
            }
        }
    }

    /// Bytes read from the source so far.
    pub(crate) fn bytes_read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }
}

impl Drop for BlockReader {
    fn drop(&mut self) {
        if let Mode::Ahead { blocks, thread, .. } = &mut self.mode {
            // Closing the channel makes the thread stop at its next send. It is not joined:
            // it may be blocked reading standard input, which only the end of the process
            // ends.
            let (_, empty) = sync_channel(0);
            drop(core::mem::replace(blocks, empty));
            drop(thread.take());
        }
    }
}

/// The source cut into blocks.
struct Blocks {
    state: State,
    block_size: usize,
}

enum State {
    /// Nothing read yet: the first bytes tell whether the source is gzip.
    Unopened(Box<dyn Read + Send>),
    Reading(Box<dyn Read + Send>),
    /// The data read before this error went out as a block; the error comes next.
    Failed(io::Error),
    Ended,
}

impl Blocks {
    fn new(source: Box<dyn Read + Send>, block_size: usize) -> Self {
        Self {
            state: State::Unopened(source),
            block_size,
        }
    }

    /// The next block, read into `spare` (an emptied block) if given; `None` at the end.
    fn next(&mut self, spare: Option<Vec<u8>>) -> Option<Block> {
        let mut reader = match core::mem::replace(&mut self.state, State::Ended) {
            State::Ended => return None,
            State::Failed(error) => return Some(Err(error)),
            State::Reading(reader) => reader,
            State::Unopened(source) => {
                let mut buffered = BufReader::with_capacity(1 << 16, source);
                match buffered.fill_buf() {
                    Ok(head) if head.starts_with(&GZIP_MAGIC) => gzip_reader(buffered),
                    Ok(_) => Box::new(buffered),
                    Err(error) => return Some(Err(error)),
                }
            }
        };
        let block_size = self.block_size;
        let mut block = Filled::with_room(
            spare.unwrap_or_else(|| Vec::with_capacity(HEADROOM.saturating_add(block_size))),
            block_size,
        );
        let mut filled = 0usize;
        while filled < block_size {
            let Some(space) = block.data_mut().get_mut(filled..) else {
                break;
            };
            match reader.read(space) {
                Ok(0) => break,
                Ok(read) => filled = filled.saturating_add(read),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(error) if filled == 0 => return Some(Err(error)),
                Err(error) => {
                    self.state = State::Failed(error);
                    break;
                }
            }
        }
        block.truncate(filled);
        // A short block is the end (or precedes the error).
        if filled == block_size {
            self.state = State::Reading(reader);
        }
        (filled > 0).then_some(Ok(block))
    }
}

#[cfg(feature = "gzip")]
fn gzip_reader(source: impl Read + Send + 'static) -> Box<dyn Read + Send> {
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
fn gzip_reader(source: impl Read + Send + 'static) -> Box<dyn Read + Send> {
    Box::new(source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: impl Fn() -> Input, block_size: usize) -> (Vec<u8>, Option<io::ErrorKind>) {
        let mut both = [true, false].map(|ahead| {
            let reader = BlockReader::open(input(), block_size, ahead).unwrap();
            let mut out = Vec::new();
            let mut error = None;
            while let Some(block) = reader.next_block() {
                assert!(error.is_none(), "a block after the error");
                match block {
                    Ok(block) => {
                        assert!(block.data().len() <= block_size);
                        assert!(!block.data().is_empty());
                        out.extend_from_slice(block.data());
                        reader.give_back(block.into_vec());
                    }
                    Err(e) => error = Some(e.kind()),
                }
            }
            (out, error)
        });
        assert_eq!(both[0], both[1], "read ahead and on demand differ");
        core::mem::take(&mut both[0])
    }

    #[test]
    fn reads_in_blocks() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let (out, error) = read_all(|| Input::bytes("mem", data.clone()), 333);
        assert_eq!(out, data);
        assert_eq!(error, None);
        // A last block that is full.
        let (out, _) = read_all(|| Input::bytes("mem", data.clone()), 1000);
        assert_eq!(out, data);
        let (out, _) = read_all(|| Input::bytes("empty", Vec::new()), 16);
        assert!(out.is_empty());
    }

    /// Gives `data` in reads of at most 7 bytes, then fails.
    struct FailsAfter(io::Cursor<Vec<u8>>);

    impl Read for FailsAfter {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let len = buf.len().min(7);
            match self.0.read(&mut buf[..len])? {
                0 => Err(io::Error::new(io::ErrorKind::ConnectionReset, "gone")),
                read => Ok(read),
            }
        }
    }

    #[test]
    fn data_before_a_read_error_comes_first() {
        let data = b"{\"devDataList\":[{\"devSn\":\"1\"}".to_vec();
        for block_size in [1, 5, 16, 1000] {
            let (out, error) = read_all(
                || Input::reader("fails", FailsAfter(io::Cursor::new(data.clone()))),
                block_size,
            );
            assert_eq!(out, data, "block size {block_size}");
            assert_eq!(error, Some(io::ErrorKind::ConnectionReset));
        }
    }

    #[cfg(feature = "gzip")]
    #[test]
    fn decompresses_gzip_and_reports_corruption() {
        use std::io::Write;
        let data = b"{\"devDataList\":[]}\n".repeat(100);
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&data).unwrap();
        let gz = encoder.finish().unwrap();
        let (out, error) = read_all(|| Input::bytes("gz", gz.clone()), 64);
        assert_eq!(out, data);
        assert_eq!(error, None);
        let cut = gz[..gz.len() / 2].to_vec();
        let (out, error) = read_all(|| Input::bytes("cut", cut.clone()), 64);
        assert!(out.len() < data.len());
        assert!(error.is_some());
    }

    #[test]
    fn missing_file_is_an_open_error() {
        for ahead in [true, false] {
            let input = Input::path("/nonexistent/fep/input.json");
            assert!(BlockReader::open(input, 16, ahead).is_err());
        }
    }
}
