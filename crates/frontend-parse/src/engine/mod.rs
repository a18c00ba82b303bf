//! The streaming engine: reads inputs in blocks, splits `devDataList` elements on the
//! caller's thread, parses batches of them on the caller's thread and a private pool of
//! helper threads (where the caller's closure runs), and hands the per-batch outputs back in
//! input order.
//!
//! Memory is bounded by the block size, the element cap and the batch outputs of one round,
//! never by the input's size. Output is identical for any number of threads: batches are cut
//! by bytes, rounds by the block size, and outputs are delivered in input order.

mod counters;
mod driver;
mod entry;
mod input;
mod resync;
mod window;
mod worker;

use std::collections::HashSet;
use std::fmt;
use std::io;
use std::marker::PhantomData;
use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use counters::Counters;
use driver::{DocState, Driver, Event, Mode, Round, RoundStop, SkipState};
use input::BlockReader;
use resync::{Anchor, DocumentAnchors, find_anchor, line_start_after};
use window::Window;
use worker::{BatchContext, BatchResult, Stop, WorkerState, too_large_reason};

pub use entry::{
    DocumentInfo, DocumentKind, ElementEntry, Entry, EnvelopeEntry, Problem, ProblemKind, Progress,
};
pub use input::Input;

use crate::failure::{Location, ResponseFlagMode};
use crate::split::Expect;
use crate::summary::{DocumentSummary, Summary};

/// The UTF-8 byte order mark, tolerated at the start of an input.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The block size that [`Options::block_size`] `0` stands for: 128 KiB a thread, at least
/// 256 KiB and at most 2 MiB.
///
/// Small blocks keep the buffer that `read` copies into (from the page cache) in the core's
/// L2 cache (512 KiB on the machine of `docs/performance.md`), where the splitter then reads
/// it: on 1 GB with 2 threads and 32 KiB batches, 256 KiB blocks against 2 MiB took 55 %
/// less system time (0.20–0.22 against 0.46–0.47 s) and 7–12 % less wall time, with 10
/// against 14 MB of peak memory and byte-identical output; 128 KiB and 512 KiB blocks did
/// not do as well, and reading 2 MiB blocks 256 KiB at a time saved nothing (the buffer, not
/// the size of a read, is what matters; "Batch", "Blocks that stay in the cache"). But a
/// round of parsing is at most two blocks, cut into batches of [`Options::batch_size`], so
/// the block also bounds how many threads a round can keep busy: 128 KiB a thread gives
/// each thread eight 32 KiB batches a round.
fn auto_block_size(threads: usize) -> usize {
    const PER_THREAD: usize = 128 << 10;
    PER_THREAD.saturating_mul(threads).clamp(256 << 10, 2 << 20)
}

/// After a resynchronisation the next rounds are small (then grow back), so that damage
/// costs little re-parsing however often it happens.
const SMALL_ROUND: usize = 64 << 10;

/// An element still open after this many bytes is checked for structural damage (an
/// unterminated string makes the rest of the input look like one element).
const SUSPECT_LEN: usize = 1 << 20;

/// An unfinished element longer than [`SUSPECT_LEN`] is split again once its bytes have
/// grown by this fraction (a half), not once a block: each split of it is a round and a
/// damage check (the splitter itself goes on where it stopped, `split::Known`). Once a block
/// cost 9.5 % more instructions on 4.4 MB elements (callgrind, `docs/performance.md`, "Long
/// elements"); the buffer holds at most half an element more (14 MB more at the peak there).
const LARGE_ELEMENT_GROWTH: usize = 2;

/// How many bytes of junk its problem quotes.
const JUNK_PREVIEW: usize = 40;

/// How the engine runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// Threads that parse, the calling thread included; `0` means one per available core.
    pub threads: usize,
    /// Bytes read per block; each block also carries 64 KiB of headroom for the previous
    /// block's unfinished element. `0`, the default, chooses from the number of threads that
    /// parse: 128 KiB a thread, at least 256 KiB and at most 2 MiB, so that the block stays
    /// in the core's cache while one or two threads split and parse it, and a round (at
    /// most two blocks) still has eight batches of 32 KiB for every thread
    /// (`docs/performance.md`, "Batch"). Peak memory grows with it.
    pub block_size: usize,
    /// Element bytes per batch handed to a worker. With several threads the last batches of
    /// each round are smaller (down to an eighth of this), so that the threads finish the
    /// round together.
    pub batch_size: usize,
    /// Elements larger than this are reported as malformed and skipped unread.
    pub max_element_size: usize,
    /// How `responseFlag` is read.
    pub response_flag: ResponseFlagMode,
    /// Problems kept in the summary's `malformed_samples`.
    pub max_samples: usize,
    /// `work_ids` and `documents_detail` list at most this many entries.
    pub max_listed: usize,
    /// Where the input is read.
    pub read_ahead: ReadAhead,
    /// How element ends are found.
    pub split: SplitMode,
}

/// How the ends of `devDataList` elements are found. Both give the same output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SplitMode {
    /// Where elements are compact, an element ends at the `}` right before the next one's
    /// `,{"<element key>"`, found by looking for `}` alone; the element reader checks each
    /// guess, and from a guess that does not read the split is made again exactly. Elsewhere
    /// (spaced-out elements, the array's last element, long elements), as [`Exact`]. The
    /// split then takes about half the instructions of an exact one (`docs/performance.md`,
    /// "Elements split at their successor's anchor").
    ///
    /// [`Exact`]: SplitMode::Exact
    #[default]
    Anchored,
    /// Every element's end found by tracking strings and counting brackets.
    Exact,
}

/// Where an input's blocks are read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReadAhead {
    /// [`ReadAhead::Thread`] when the parsing threads leave a core free, otherwise
    /// [`ReadAhead::OnDemand`].
    #[default]
    Auto,
    /// A thread of its own reads up to two blocks ahead. Reading then overlaps parsing, on a
    /// core that parsing leaves free.
    Thread,
    /// The thread that splits reads each block when it needs the next one, while the other
    /// threads parse. With every core parsing, a reader thread can only take turns with them:
    /// reading on demand ran as fast, with 1.5 % less CPU time and 6.6 MB less memory (the
    /// blocks read ahead; 1 GB, 2 threads on 2 cores: `docs/performance.md`, "Batch").
    OnDemand,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            threads: 0,
            block_size: 0,
            // 32 KiB: a round of two 256 KiB blocks (the block for 2 threads) is then 16
            // batches, so the threads finish a round close together. With 64 KiB batches the
            // 8 batches of such a round left the helpers idle at its end (1 GB on 2 threads:
            // 1.06 s against 1.01 s; the criterion bench lost 10–15 %). Batch outputs stay
            // below the allocator's mmap threshold (no page faults per batch; 256 KiB batches
            // ran at 247 MB/s where 64 KiB ran at 303 MB/s: `docs/performance.md`, "Batch").
            batch_size: 32 << 10,
            max_element_size: 16 << 20,
            response_flag: ResponseFlagMode::Dar,
            max_samples: 20,
            max_listed: 10_000,
            read_ahead: ReadAhead::Auto,
            split: SplitMode::Anchored,
        }
    }
}

/// Why a run stopped early.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// An input could not be opened.
    #[error("{input}: {source}")]
    Open {
        /// The input's name.
        input: String,
        /// The cause.
        source: io::Error,
    },
    /// An input failed while being read (not a data error: those are reported and skipped).
    #[error("{input}: read error: {source}")]
    Read {
        /// The input's name.
        input: String,
        /// The cause.
        source: io::Error,
    },
    /// The sink failed.
    #[error("writing output: {0}")]
    Sink(#[source] io::Error),
    /// The worker threads could not be started.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// Receives the per-batch outputs in input order, on the caller's thread.
pub trait Sink<O> {
    /// One batch's output (the closure's writes for a run of consecutive entries).
    ///
    /// # Errors
    /// An error stops the run ([`EngineError::Sink`]).
    fn output(&mut self, output: O) -> io::Result<()>;

    /// An empty output for the next batch to write into. By default a new one; a sink that
    /// keeps the buffers of the outputs it has written hands them back here, emptied, so that
    /// batches neither allocate nor grow their buffers from nothing (nor touch memory the
    /// allocator has given back to the system since).
    fn fresh_output(&mut self) -> O
    where
        O: Default,
    {
        O::default()
    }

    /// A finished document, after every output holding its entries.
    ///
    /// # Errors
    /// An error stops the run ([`EngineError::Sink`]).
    fn document(&mut self, document: &DocumentInfo<'_>) -> io::Result<()> {
        let _ = document;
        Ok(())
    }

    /// Progress, after each block read.
    fn progress(&mut self, progress: &Progress<'_>) {
        let _ = progress;
    }
}

/// Any `FnMut(O) -> io::Result<()>` is a sink.
impl<O, F: FnMut(O) -> io::Result<()>> Sink<O> for F {
    fn output(&mut self, output: O) -> io::Result<()> {
        self(output)
    }
}

/// The streaming engine. Build it once (it owns its thread pool) and run it over inputs.
///
/// ```
/// use frontend_parse::{Engine, Entry, Input, Options};
///
/// let batch = r#"{"devDataList":[
///   {"devSn":"1","succ":"1","dataItem":[{"dataItemId":"a","responseFlag":0}]},
///   {"devSn":"2","succ":"0","errorCode":"TK013前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效]}",
///    "dataItem":[{"dataItemId":"b","responseFlag":2}]}
/// ],"workId":"W"}"#;
/// let engine = Engine::new(Options { threads: 2, ..Options::default() })?;
/// let mut lines = Vec::new();
/// let summary = engine.run(
///     [Input::bytes("example", batch)],
///     // Runs in the workers: turn each entry's failures into output lines.
///     |entry: &Entry<'_>, out: &mut Vec<String>| {
///         for failure in entry.failures() {
///             out.push(format!("{} {}", failure.code, failure.result_code.unwrap()));
///         }
///     },
///     // Runs on this thread, in input order.
///     &mut |batch: Vec<String>| {
///         lines.extend(batch);
///         Ok(())
///     },
/// )?;
/// assert_eq!(lines, ["TK013 2 暂时失效"]);
/// assert_eq!((summary.elements, summary.elements_failed, summary.failures), (2, 1, 1));
/// assert_eq!(summary.work_ids, ["W"]);
/// # Ok::<(), frontend_parse::EngineError>(())
/// ```
pub struct Engine {
    options: Options,
    /// The threads besides the caller's that parse; `None` for one thread.
    helpers: Option<rayon::ThreadPool>,
    states: Mutex<Vec<WorkerState>>,
    /// Whether inputs are read ahead by a thread of their own.
    reads_ahead: bool,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("options", &self.options)
            .field("threads", &self.threads())
            .field("reads_ahead", &self.reads_ahead)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// An engine that parses on `options.threads` threads: the caller's and a pool of
    /// helpers.
    ///
    /// # Errors
    /// [`EngineError::Threads`] when the pool cannot be built.
    pub fn new(options: Options) -> Result<Self, EngineError> {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let threads = if options.threads == 0 {
            cores
        } else {
            options.threads
        };
        let reads_ahead = match options.read_ahead {
            ReadAhead::Thread => true,
            ReadAhead::OnDemand => false,
            ReadAhead::Auto => threads < cores,
        };
        // The caller's thread parses too (after splitting ahead): `threads` busy threads in
        // all, not one more than asked, and no hand-offs at all with one thread.
        let helpers = match threads.saturating_sub(1) {
            0 => None,
            count => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(count)
                    .thread_name(|index| format!("fep-worker-{index}"))
                    .build()
                    .map_err(|error| EngineError::Threads(error.to_string()))?,
            ),
        };
        let options = Options {
            block_size: match options.block_size {
                0 => auto_block_size(threads),
                size => size,
            },
            batch_size: options.batch_size.max(1),
            max_element_size: options.max_element_size.max(1),
            ..options
        };
        Ok(Self {
            options,
            helpers,
            states: Mutex::new(Vec::new()),
            reads_ahead,
        })
    }

    /// The options in force.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The threads that parse: the caller's and the helpers.
    fn threads(&self) -> usize {
        self.helpers
            .as_ref()
            .map_or(1, |helpers| helpers.current_num_threads().saturating_add(1))
    }

    /// Streams `inputs` in order. `work` runs in the workers for every entry (element,
    /// envelope, problem) and writes into the output of the entry's batch; `sink` receives
    /// the outputs in input order on this thread. Returns the summary.
    ///
    /// # Errors
    /// An input that cannot be opened or read, a failing sink, or no threads.
    pub fn run<O, W, S>(
        &self,
        inputs: impl IntoIterator<Item = Input>,
        work: W,
        sink: &mut S,
    ) -> Result<Summary, EngineError>
    where
        O: Default + Send,
        W: Fn(&Entry<'_>, &mut O) + Sync,
        S: Sink<O> + ?Sized,
    {
        let mut run = Run {
            engine: self,
            work: &work,
            sink,
            counters: Counters::new(self.options.max_samples),
            inputs: 0,
            bytes: 0,
            documents: 0,
            other_documents: 0,
            next_doc: 0,
            work_ids: Vec::new(),
            seen_work_ids: HashSet::new(),
            work_ids_cut: false,
            document_list: Vec::new(),
            main: WorkerState::default(),
            output: PhantomData,
        };
        for (index, input) in inputs.into_iter().enumerate() {
            run.input(index, input)?;
        }
        Ok(run.summary())
    }

    /// Streams `inputs` for the summary only.
    ///
    /// # Errors
    /// As [`Engine::run`].
    pub fn summarize(
        &self,
        inputs: impl IntoIterator<Item = Input>,
    ) -> Result<Summary, EngineError> {
        self.run(
            inputs,
            |_: &Entry<'_>, (): &mut ()| {},
            &mut |(): ()| Ok(()),
        )
    }

    fn take_state(&self) -> WorkerState {
        self.states
            .lock()
            .ok()
            .and_then(|mut states| states.pop())
            .unwrap_or_default()
    }

    fn put_state(&self, state: WorkerState) {
        if let Ok(mut states) = self.states.lock() {
            states.push(state);
        }
    }
}

/// The state of one run.
struct Run<'a, O, W, S: ?Sized> {
    engine: &'a Engine,
    work: &'a W,
    sink: &'a mut S,
    counters: Counters,
    inputs: u64,
    bytes: u64,
    documents: u64,
    other_documents: u64,
    next_doc: u64,
    work_ids: Vec<String>,
    seen_work_ids: HashSet<String>,
    work_ids_cut: bool,
    document_list: Vec<DocumentSummary>,
    /// The caller's thread's own parser, for resynchronisation and re-runs.
    main: WorkerState,
    output: PhantomData<fn() -> O>,
}

/// What the walk over a round decided.
enum Outcome {
    Done,
    /// Splitting restarts at this position (the driver was reset).
    Restart(usize),
}

/// One batch's place in a round's parsing.
#[expect(
    clippy::large_enum_variant,
    reason = "a round's slots live in one vector; boxing the result would allocate per batch"
)]
enum Slot<O> {
    /// Not claimed yet: the empty output it will write into.
    Empty(O),
    /// Being parsed.
    Taken,
    /// Parsed.
    Done(BatchResult<O>),
}

/// How an anomaly was resolved.
enum Resolution {
    /// The boundaries after it are sound: go on with the next event.
    Continue,
    /// Split again from this position.
    Restart(usize),
}

/// A buffer position to split from.
#[derive(Clone, Copy)]
struct View<'b> {
    buf: &'b [u8],
    cursor: usize,
    eof: bool,
}

/// Work done on the caller's thread while the workers parse a round: the next block read and
/// the next round split, valid if the round ends without resynchronisation.
enum Speculation {
    /// Nothing prepared.
    None,
    /// The next round, split in the same buffer.
    Same {
        driver: Driver,
        round: Round,
        split: (usize, RoundStop),
    },
    /// The next buffer (the tail of this one and the next block) and its first round.
    Next {
        buf: Window,
        base: u64,
        tail: usize,
        driver: Driver,
        round: Round,
        split: (usize, RoundStop),
    },
    /// The reader's answer when it was not a block (end of input or an error).
    Block(Option<input::Block>),
}

/// The stream of one input: its buffer and position.
struct Stream {
    buf: Window,
    /// Offset of `buf[0]` in the input.
    base: u64,
    cursor: usize,
    eof: bool,
    /// Whether `buf[0]` is at a line start of the input (for document anchors, which the
    /// dropped front of the buffer must not change).
    starts_line: bool,
}

impl Stream {
    /// Drops the first `consumed` bytes of the buffer, keeping the line-start state.
    fn drop_front(&mut self, consumed: usize) {
        let consumed = self.carry_line_start(consumed);
        self.buf.drop_front(consumed);
        self.base = self.base.saturating_add(consumed as u64);
        self.cursor = 0;
    }

    /// Makes `buf`, which starts at input offset `base` inside the current buffer, the buffer
    /// (the next round prepared ahead); returns the old one.
    fn replace_front(&mut self, buf: Window, base: u64) -> Window {
        let dropped = usize::try_from(base.saturating_sub(self.base)).unwrap_or(usize::MAX);
        self.carry_line_start(dropped);
        self.base = base;
        self.cursor = 0;
        core::mem::replace(&mut self.buf, buf)
    }

    /// Updates the line-start state for dropping the buffer's first `count` bytes (clamped
    /// to the buffer); returns the clamped count.
    fn carry_line_start(&mut self, count: usize) -> usize {
        let count = count.min(self.buf.len());
        let dropped = self.buf.get(..count).unwrap_or_default();
        self.starts_line = line_start_after(dropped, self.starts_line);
        count
    }

    /// How document anchors are found: anywhere between documents, else at line starts.
    fn document_anchors(&self, doc_open: bool) -> DocumentAnchors {
        if doc_open {
            DocumentAnchors::AtLineStart {
                buf_starts_line: self.starts_line,
            }
        } else {
            DocumentAnchors::Anywhere
        }
    }

    /// The input offset of buffer position `pos`.
    fn offset_of(&self, pos: usize) -> u64 {
        self.base.saturating_add(pos as u64)
    }

    fn view(&self) -> View<'_> {
        View {
            buf: &self.buf,
            cursor: self.cursor,
            eof: self.eof,
        }
    }
}

impl<O, W, S> Run<'_, O, W, S>
where
    O: Default + Send,
    W: Fn(&Entry<'_>, &mut O) + Sync,
    S: Sink<O> + ?Sized,
{
    fn options(&self) -> &Options {
        &self.engine.options
    }

    fn input(&mut self, index: usize, input: Input) -> Result<(), EngineError> {
        let name = input.name().to_owned();
        let reader = BlockReader::open(input, self.options().block_size, self.engine.reads_ahead)
            .map_err(|source| EngineError::Open {
            input: name.clone(),
            source,
        })?;
        self.inputs = self.inputs.saturating_add(1);
        let mut stream = Stream {
            buf: Window::default(),
            base: 0,
            cursor: 0,
            eof: false,
            starts_line: true,
        };
        let mut driver = Driver::new(
            self.next_doc,
            self.options().max_element_size,
            self.options().split,
        );
        let mut round = Round::default();
        let block_size = self.options().block_size;
        let max_element = self.options().max_element_size;
        let suspect = suspect_len(max_element);
        // A round may take the whole buffer (the unsplit tail of the last block and a new
        // block): with a budget of one block, every block gave a full round and a tiny one,
        // and during the tiny one the helpers idled while this thread split the next block
        // (2 threads on 1 GB: 3.3 → 2.9 s, `docs/performance.md`, "Batch").
        let full_round = block_size.saturating_mul(2).max(SMALL_ROUND);
        let mut budget = full_round;
        let mut searched_to = 0u64;
        let mut started = false;
        let mut need_data = true;
        let mut presplit: Option<(usize, RoundStop)> = None;
        let mut pending_block: Option<Option<input::Block>> = None;
        let mut spares = Spares::default();
        // Bytes from the cursor to read before splitting again, and whether a block was
        // already read towards them (see `LARGE_ELEMENT_GROWTH`).
        let (mut fill_to, mut filling) = (0usize, false);
        loop {
            if need_data {
                if stream.eof {
                    if self.at_end(index, &mut stream, &mut driver)? {
                        need_data = false;
                        continue;
                    }
                    break;
                }
                let block = pending_block.take().unwrap_or_else(|| reader.next_block());
                if filling && !matches!(block, Some(Ok(_))) {
                    // A read error or the end is taken once what was read before it is
                    // split, as when every block is split as it comes: the order of the
                    // output does not depend on how much was read at once.
                    pending_block = Some(block);
                    (fill_to, filling) = (0, false);
                    need_data = false;
                    continue;
                }
                self.fetch(index, &reader, &mut stream, block)?;
                if !stream.eof && stream.buf.len().saturating_sub(stream.cursor) < fill_to {
                    filling = true;
                    continue;
                }
                (fill_to, filling) = (0, false);
                if !started && !stream.buf.is_empty() {
                    if stream.buf.len() < BOM.len() && BOM.starts_with(&stream.buf) && !stream.eof {
                        // The first block ends inside what may be a BOM: decide with more.
                        continue;
                    }
                    started = true;
                    if stream.buf.starts_with(BOM) {
                        stream.cursor = BOM.len();
                    }
                }
                need_data = false;
                continue;
            }
            match driver.mode {
                Mode::Search => {
                    need_data = self.search(index, &mut stream, &mut driver)?;
                    continue;
                }
                Mode::Skip(mut skip) => {
                    let rest = stream.buf.get(stream.cursor..).unwrap_or_default();
                    if let Some(len) = skip.scan(rest) {
                        stream.cursor = stream.cursor.saturating_add(len);
                        driver.mode = Mode::Array(Expect::CommaOrEnd);
                    } else {
                        stream.cursor = stream.buf.len();
                        driver.mode = Mode::Skip(skip);
                        need_data = true;
                    }
                    continue;
                }
                _ => {}
            }
            round.base = stream.base;
            let (resume, stop) = match presplit.take() {
                Some(split) => split,
                None => {
                    split_with_successor(&mut driver, stream.view(), budget, suspect, &mut round)
                }
            };
            let next_budget = budget.saturating_mul(2).min(full_round);
            let mut speculation = Speculation::None;
            let mut after_split = Some(driver.clone());
            let outcome = {
                let view = View {
                    buf: &stream.buf,
                    cursor: resume,
                    eof: stream.eof,
                };
                let (base, reader, spares) = (stream.base, &reader, &mut spares);
                let pending = &mut pending_block;
                // A block read ahead before a restart (the read error or the end that followed
                // the data) comes first: reading past it would lose it, and whether a read
                // error reaches the output would then depend on where blocks end.
                let mut next_block = || pending.take().unwrap_or_else(|| reader.next_block());
                let mut prepare = || {
                    if let Some(after_split) = after_split.take() {
                        speculation = speculate(
                            view,
                            base,
                            stop,
                            after_split,
                            &mut next_block,
                            spares,
                            (next_budget, suspect),
                        );
                    }
                };
                self.walk(index, &stream, &round, &mut driver, &mut prepare)?
            };
            match outcome {
                Outcome::Restart(at) => {
                    // Keep what was read ahead; the prepared split is void.
                    match speculation {
                        Speculation::Next { buf, tail, .. } => {
                            let fresh = buf.get(tail..).unwrap_or_default();
                            self.bytes = self.bytes.saturating_add(fresh.len() as u64);
                            stream.buf.extend_from_slice(fresh);
                            reader.give_back(buf.into_vec());
                            self.progress(index, &reader);
                        }
                        Speculation::Block(block) => pending_block = Some(block),
                        Speculation::None | Speculation::Same { .. } => {}
                    }
                    stream.cursor = at;
                    budget = SMALL_ROUND;
                    continue;
                }
                Outcome::Done => budget = next_budget,
            }
            match speculation {
                Speculation::Same {
                    driver: next_driver,
                    round: next_round,
                    split,
                } => {
                    stream.cursor = resume;
                    driver = next_driver;
                    spares.round = core::mem::replace(&mut round, next_round);
                    presplit = Some(split);
                    continue;
                }
                Speculation::Next {
                    buf,
                    base,
                    tail,
                    driver: next_driver,
                    round: next_round,
                    split,
                } => {
                    self.bytes = self
                        .bytes
                        .saturating_add(buf.len().saturating_sub(tail) as u64);
                    reader.give_back(stream.replace_front(buf, base).into_vec());
                    driver = next_driver;
                    spares.round = core::mem::replace(&mut round, next_round);
                    presplit = Some(split);
                    self.progress(index, &reader);
                    continue;
                }
                Speculation::Block(block) => {
                    stream.cursor = resume;
                    pending_block = Some(block);
                    need_data = true;
                    continue;
                }
                Speculation::None => {}
            }
            stream.cursor = resume;
            match stop {
                RoundStop::Budget => {}
                RoundStop::Damage => driver.mode = Mode::Search,
                RoundStop::NeedMore { open } => {
                    // Measured from the unfinished element itself (not from the cursor, which
                    // may precede whitespace and commas by an amount that depends on where
                    // rounds ended): the same bytes give the same decision for any block size.
                    let Some(start) = first_content(&stream) else {
                        // Only whitespace (and commas, which the splitter judges) so far: no
                        // element is pending. Whitespace means nothing anywhere outside a
                        // string, so it is dropped rather than kept in the buffer.
                        let rest = stream.buf.get(stream.cursor..).unwrap_or_default();
                        let blank = rest
                            .iter()
                            .position(|&b| !crate::split::is_json_whitespace(b))
                            .unwrap_or(rest.len());
                        stream.cursor = stream.cursor.saturating_add(blank);
                        need_data = true;
                        continue;
                    };
                    let pending = stream.buf.len().saturating_sub(start);
                    if open && pending > max_element {
                        // Skipping starts at the element.
                        stream.cursor = start;
                        let problem = Self::element_problem(
                            index,
                            stream.offset_of(start),
                            &mut driver,
                            ProblemKind::TooLarge,
                            too_large_reason(max_element),
                        );
                        self.deliver(&problem)?;
                        driver.mode = Mode::Skip(SkipState::new());
                        continue;
                    }
                    let in_array = matches!(driver.mode, Mode::Array(_));
                    if in_array && pending > suspect {
                        // An element or a gap this long is probably an unterminated string:
                        // look for elements inside it.
                        let from = usize::try_from(searched_to.saturating_sub(stream.base))
                            .unwrap_or(0)
                            .max(start.saturating_add(1));
                        let anchor = find_anchor(
                            &stream.buf,
                            from,
                            false,
                            max_element,
                            &mut self.main.parser,
                            stream.document_anchors(driver.doc.is_some()),
                        );
                        let kind = if open {
                            ProblemKind::Damaged
                        } else {
                            ProblemKind::Junk
                        };
                        let reason = unfinished_reason(kind, stream.buf.get(start..));
                        match anchor {
                            Anchor::Element(_) | Anchor::Document(_) => {
                                let problem = Self::element_problem(
                                    index,
                                    stream.offset_of(start),
                                    &mut driver,
                                    kind,
                                    reason,
                                );
                                self.deliver(&problem)?;
                                stream.cursor = self.follow(anchor, &stream, &mut driver)?;
                                continue;
                            }
                            Anchor::NeedMore(at) if !open && pending > max_element => {
                                // A gap as long as the element cap: give it up and search on.
                                let problem = Self::element_problem(
                                    index,
                                    stream.offset_of(start),
                                    &mut driver,
                                    kind,
                                    reason,
                                );
                                self.deliver(&problem)?;
                                stream.cursor = at;
                                driver.mode = Mode::Search;
                            }
                            Anchor::NeedMore(at) => {
                                searched_to = stream.offset_of(at);
                            }
                            Anchor::None => {}
                        }
                    }
                    if open && pending > suspect {
                        // Split again only once the unfinished element's bytes have grown
                        // by half (see `LARGE_ELEMENT_GROWTH`).
                        fill_to = stream
                            .buf
                            .len()
                            .saturating_sub(stream.cursor)
                            .saturating_add(pending / LARGE_ELEMENT_GROWTH);
                    }
                    need_data = true;
                }
            }
        }
        self.next_doc = driver.next_doc;
        Ok(())
    }

    /// Drops what was consumed and appends the next block.
    fn fetch(
        &mut self,
        index: usize,
        reader: &BlockReader,
        stream: &mut Stream,
        block: Option<input::Block>,
    ) -> Result<(), EngineError> {
        stream.drop_front(stream.cursor);
        match block {
            Some(Ok(block)) => {
                self.bytes = self.bytes.saturating_add(block.data().len() as u64);
                if stream.buf.is_empty() {
                    let spent = core::mem::replace(&mut stream.buf, Window::from_block(block));
                    reader.give_back(spent.into_vec());
                } else {
                    stream.buf.extend_from_slice(block.data());
                    reader.give_back(block.into_vec());
                }
            }
            Some(Err(error)) if is_data_error(&error) => {
                stream.eof = true;
                let problem = Problem {
                    doc: self.next_doc,
                    element: None,
                    offset: stream.offset_of(stream.buf.len()),
                    input: index,
                    kind: ProblemKind::InputError,
                    reason: format!("input ends early: {error}"),
                };
                self.deliver(&problem)?;
            }
            Some(Err(source)) => {
                return Err(EngineError::Read {
                    input: reader.name.clone(),
                    source,
                });
            }
            None => stream.eof = true,
        }
        self.progress(index, reader);
        Ok(())
    }

    fn progress(&mut self, index: usize, reader: &BlockReader) {
        self.sink.progress(&Progress {
            input: index,
            name: &reader.name,
            read: reader.bytes_read(),
            total: reader.total,
        });
    }

    /// The input ended. Returns `true` when there is more to split (resynchronised inside
    /// an unfinished element).
    fn at_end(
        &mut self,
        index: usize,
        stream: &mut Stream,
        driver: &mut Driver,
    ) -> Result<bool, EngineError> {
        let offset = stream.offset_of(stream.buf.len());
        match driver.mode {
            Mode::TopLevel => return Ok(false),
            Mode::Array(_) if first_content(stream).is_some() => {
                // An unfinished element, or junk whose quote swallowed the rest: look for
                // elements inside before calling it truncated.
                let start = first_content(stream).unwrap_or(stream.cursor);
                stream.cursor = start;
                let open = matches!(stream.buf.get(start), Some(b'{' | b'['));
                let anchor = find_anchor(
                    &stream.buf,
                    start.saturating_add(1),
                    true,
                    self.options().max_element_size,
                    &mut self.main.parser,
                    stream.document_anchors(driver.doc.is_some()),
                );
                let found = matches!(anchor, Anchor::Element(_) | Anchor::Document(_));
                let kind = match (found, open) {
                    (true, true) => Some(ProblemKind::Damaged),
                    (true, false) => Some(ProblemKind::Junk),
                    (false, true) => Some(ProblemKind::Truncated),
                    (false, false) => None,
                };
                let problem = match kind {
                    Some(kind) => {
                        let reason = unfinished_reason(kind, stream.buf.get(start..));
                        Self::element_problem(index, stream.offset_of(start), driver, kind, reason)
                    }
                    None => Problem {
                        doc: driver.doc.as_ref().map_or(driver.next_doc, |doc| doc.doc),
                        element: None,
                        offset,
                        input: index,
                        kind: ProblemKind::UnexpectedEnd,
                        reason: ProblemKind::UnexpectedEnd.describe().to_owned(),
                    },
                };
                self.deliver(&problem)?;
                if found {
                    stream.cursor = self.follow(anchor, stream, driver)?;
                    return Ok(true);
                }
            }
            Mode::Search | Mode::Skip(_) => {}
            Mode::Array(_) | Mode::Key { .. } | Mode::CommaOrEnd => {
                let problem = Problem {
                    doc: driver.doc.as_ref().map_or(driver.next_doc, |doc| doc.doc),
                    element: None,
                    offset,
                    input: index,
                    kind: ProblemKind::UnexpectedEnd,
                    reason: ProblemKind::UnexpectedEnd.describe().to_owned(),
                };
                self.deliver(&problem)?;
            }
        }
        if let Some(doc) = driver.doc.take() {
            self.finish_document(index, &doc, false)?;
        }
        driver.mode = Mode::TopLevel;
        stream.cursor = stream.buf.len();
        Ok(false)
    }

    /// One resynchronisation step in [`Mode::Search`]; `true` when more data is needed.
    fn search(
        &mut self,
        index: usize,
        stream: &mut Stream,
        driver: &mut Driver,
    ) -> Result<bool, EngineError> {
        let anchor = find_anchor(
            &stream.buf,
            stream.cursor,
            stream.eof,
            self.options().max_element_size,
            &mut self.main.parser,
            stream.document_anchors(driver.doc.is_some()),
        );
        match anchor {
            Anchor::NeedMore(at) => {
                stream.cursor = at;
                Ok(true)
            }
            Anchor::None => {
                if let Some(doc) = driver.doc.take() {
                    self.finish_document(index, &doc, false)?;
                }
                driver.mode = Mode::TopLevel;
                stream.cursor = stream.buf.len();
                Ok(true)
            }
            Anchor::Element(_) | Anchor::Document(_) => {
                stream.cursor = self.follow(anchor, stream, driver)?;
                Ok(false)
            }
        }
    }

    /// Continues at an element or document anchor; returns the new cursor.
    fn follow(
        &mut self,
        anchor: Anchor,
        stream: &Stream,
        driver: &mut Driver,
    ) -> Result<usize, EngineError> {
        match anchor {
            Anchor::Element(at) => {
                if driver.doc.is_none() {
                    // Elements found outside any document: they get one of their own.
                    driver.doc = Some(DocState {
                        doc: driver.next_doc,
                        offset: stream.offset_of(at),
                        has_array: true,
                        in_object: true,
                        ..DocState::default()
                    });
                    driver.next_doc = driver.next_doc.saturating_add(1);
                }
                driver.mode = Mode::Array(Expect::Value);
                Ok(at)
            }
            Anchor::Document(at) => {
                if let Some(doc) = driver.doc.take() {
                    // The damaged document ends where the next one starts.
                    let input = self.current_input();
                    self.finish_document(input, &doc, false)?;
                }
                driver.mode = Mode::TopLevel;
                Ok(at)
            }
            Anchor::NeedMore(at) => {
                driver.mode = Mode::Search;
                Ok(at)
            }
            Anchor::None => Ok(stream.buf.len()),
        }
    }

    fn current_input(&self) -> usize {
        usize::try_from(self.inputs.saturating_sub(1)).unwrap_or(0)
    }

    /// A problem for the unfinished element at input offset `offset` (it takes the next
    /// index).
    fn element_problem(
        index: usize,
        offset: u64,
        driver: &mut Driver,
        kind: ProblemKind,
        reason: String,
    ) -> Problem {
        let (doc, element) = match driver.doc.as_mut() {
            Some(doc) => {
                let element = doc.next_index;
                doc.next_index = element.saturating_add(1);
                (doc.doc, Some(element))
            }
            None => (driver.next_doc, None),
        };
        Problem {
            doc,
            element,
            offset,
            input: index,
            kind,
            reason,
        }
    }

    /// Reports a problem found on the caller's thread, through the closure and the sink.
    fn deliver(&mut self, problem: &Problem) -> Result<(), EngineError> {
        let mut output = self.sink.fresh_output();
        (self.work)(&Entry::Problem(problem), &mut output);
        self.counters.record_problem(problem);
        self.sink.output(output).map_err(EngineError::Sink)
    }

    fn finish_document(
        &mut self,
        input: usize,
        doc: &DocState,
        complete: bool,
    ) -> Result<(), EngineError> {
        self.documents = self.documents.saturating_add(1);
        let kind = if doc.has_array {
            DocumentKind::Batch
        } else if doc.is_envelope() {
            DocumentKind::Envelope
        } else {
            self.other_documents = self.other_documents.saturating_add(1);
            DocumentKind::Other
        };
        let max_listed = self.options().max_listed;
        if let Some(work_id) = &doc.work_id
            && !self.seen_work_ids.contains(work_id)
        {
            if self.work_ids.len() < max_listed {
                self.seen_work_ids.insert(work_id.clone());
                self.work_ids.push(work_id.clone());
            } else {
                self.work_ids_cut = true;
            }
        }
        if self.document_list.len() < max_listed {
            self.document_list.push(DocumentSummary {
                doc: doc.doc,
                input,
                offset: doc.offset,
                work_id: doc.work_id.clone(),
                kind,
                elements: doc.next_index,
                complete,
            });
        }
        let info = DocumentInfo {
            doc: doc.doc,
            input,
            offset: doc.offset,
            work_id: doc.work_id.as_deref(),
            kind,
            elements: doc.next_index,
            complete,
        };
        self.sink.document(&info).map_err(EngineError::Sink)
    }

    /// Parses a round's batches in the pool and walks the results in input order.
    fn walk(
        &mut self,
        input: usize,
        stream: &Stream,
        round: &Round,
        driver: &mut Driver,
        prepare: &mut dyn FnMut(),
    ) -> Result<Outcome, EngineError> {
        let batches = batches(
            &round.events,
            self.options().batch_size,
            self.engine.threads(),
        );
        if batches.is_empty() {
            prepare();
            return Ok(Outcome::Done);
        }
        let context = BatchContext {
            buf: &stream.buf,
            round,
            input,
            mode: self.options().response_flag,
            sample_cap: self.options().max_samples,
            max_element: self.options().max_element_size,
            buf_starts_line: stream.starts_line,
        };
        let outputs = batches.iter().map(|_| self.sink.fresh_output()).collect();
        let results = self.parse_batches(&context, &batches, outputs, prepare);
        for (result, range) in results.into_iter().zip(batches) {
            let Some(result) = result else {
                continue;
            };
            let mut stop = self.take_result(input, round, range.start, range.end, result)?;
            while let Some(found) = stop {
                match self.resolve(input, stream, round, driver, &context, &found)? {
                    Resolution::Restart(at) => return Ok(Outcome::Restart(at)),
                    Resolution::Continue => {
                        let rest = found.event.saturating_add(1)..range.end;
                        let output = self.sink.fresh_output();
                        let result = context.run(rest.clone(), &mut self.main, self.work, output);
                        stop = self.take_result(input, round, rest.start, rest.end, result)?;
                    }
                }
            }
        }
        Ok(Outcome::Done)
    }

    /// Parses the batches on the helpers and, once it has read and split ahead (`prepare`),
    /// on the caller's thread too: each thread claims the next unclaimed batch until none is
    /// left, so no thread idles while a batch waits. Which thread parses a batch changes
    /// nothing in its result.
    fn parse_batches(
        &self,
        context: &BatchContext<'_>,
        batches: &[Range<usize>],
        outputs: Vec<O>,
        prepare: &mut dyn FnMut(),
    ) -> Vec<Option<BatchResult<O>>> {
        // Each slot holds its batch's empty output until a thread claims the batch, then the
        // batch's result.
        let slots: Vec<Mutex<Slot<O>>> = outputs
            .into_iter()
            .map(|output| Mutex::new(Slot::Empty(output)))
            .collect();
        let next = AtomicUsize::new(0);
        let engine = self.engine;
        let work = self.work;
        let claim_all = || {
            let mut state = engine.take_state();
            loop {
                let claimed = next.fetch_add(1, Ordering::Relaxed);
                let (Some(range), Some(slot)) = (batches.get(claimed), slots.get(claimed)) else {
                    break;
                };
                let Ok(mut slot) = slot.lock() else {
                    continue;
                };
                if let Slot::Empty(output) = core::mem::replace(&mut *slot, Slot::Taken) {
                    *slot = Slot::Done(context.run(range.clone(), &mut state, work, output));
                }
            }
            engine.put_state(state);
        };
        if let Some(helpers) = &engine.helpers {
            helpers.in_place_scope(|scope| {
                let wanted = helpers.current_num_threads().min(batches.len());
                for _ in 0..wanted {
                    scope.spawn(|_| claim_all());
                }
                prepare();
                claim_all();
            });
        } else {
            prepare();
            claim_all();
        }
        slots
            .into_iter()
            .map(|slot| match slot.into_inner() {
                Ok(Slot::Done(result)) => Some(result),
                _ => None,
            })
            .collect()
    }

    /// Delivers a batch's output and counts, and finishes the documents that ended in it
    /// (up to its stop). Returns the stop.
    fn take_result(
        &mut self,
        input: usize,
        round: &Round,
        start: usize,
        end: usize,
        result: BatchResult<O>,
    ) -> Result<Option<Stop>, EngineError> {
        self.sink.output(result.output).map_err(EngineError::Sink)?;
        self.counters.merge(&result.counters);
        let done = result.stop.as_ref().map_or(end, |stop| stop.event);
        for event in round.events.get(start..done).unwrap_or_default() {
            if let Event::DocEnd { slot } = *event
                && let Some(doc) = round.doc(slot)
            {
                self.finish_document(input, doc, true)?;
            }
        }
        Ok(result.stop)
    }

    /// Reports the anomaly a batch stopped at and finds where splitting can go on.
    fn resolve(
        &mut self,
        input: usize,
        stream: &Stream,
        round: &Round,
        driver: &mut Driver,
        context: &BatchContext<'_>,
        stop: &Stop,
    ) -> Result<Resolution, EngineError> {
        let Some(&event) = round.events.get(stop.event) else {
            return Ok(Resolution::Continue);
        };
        if let Event::Element {
            slot, index, start, ..
        } = event
            && round.rests_on_a_guess(stop.event)
        {
            // The guess may be wrong (`split::split_anchored`): split again from the element
            // exactly, with its document as it was there; the elements after it are parsed
            // again from the new split, and what they gave is dropped.
            let doc = round.doc_at_event(Some(slot), Some(index), stop.event);
            driver.split_exactly_from(stream.offset_of(start), doc);
            return Ok(Resolution::Restart(start));
        }
        let doc_number = |slot: u32| round.doc(slot).map_or(driver.next_doc, |doc| doc.doc);
        let (slot, start, next_index, problem) = match event {
            Event::Element {
                slot, index, start, ..
            } => {
                let location = Location {
                    doc: doc_number(slot),
                    element: Some(index),
                    offset: stream.offset_of(start),
                    work_id: None,
                };
                let problem = match &stop.error {
                    Some(error) => context.element_problem(location, error),
                    None => Problem {
                        doc: location.doc,
                        element: location.element,
                        offset: location.offset,
                        input,
                        kind: ProblemKind::Damaged,
                        reason: ProblemKind::Damaged.describe().to_owned(),
                    },
                };
                (Some(slot), start, Some(index.saturating_add(1)), problem)
            }
            Event::Junk {
                slot,
                index,
                start,
                end,
            } => {
                let problem = Problem {
                    doc: doc_number(slot),
                    element: Some(index),
                    offset: stream.offset_of(start),
                    input,
                    kind: ProblemKind::Junk,
                    reason: junk_reason(stream.buf.get(start..end).unwrap_or_default()),
                };
                (Some(slot), start, Some(index.saturating_add(1)), problem)
            }
            Event::Damage {
                slot,
                pos,
                kind,
                reason,
            } => {
                let problem = Problem {
                    doc: slot.map_or(driver.next_doc, doc_number),
                    element: None,
                    offset: stream.offset_of(pos),
                    input,
                    kind,
                    reason: reason.to_owned(),
                };
                (slot, pos, None, problem)
            }
            _ => return Ok(Resolution::Continue),
        };
        self.deliver(&problem)?;
        // A document where an element was expected is itself the place to go on from.
        let nested_document = stop
            .error
            .as_ref()
            .is_some_and(|error| error.kind == crate::element::ElementErrorKind::NestedDocument);
        let search_from = if nested_document {
            start
        } else {
            start.saturating_add(1)
        };
        let anchor = find_anchor(
            &stream.buf,
            search_from,
            stream.eof,
            self.options().max_element_size,
            &mut self.main.parser,
            stream.document_anchors(slot.and_then(|slot| round.doc(slot)).is_some()),
        );
        if let (Anchor::Element(at), Some(Event::Element { start: next, .. })) =
            (anchor, round.events.get(stop.event.saturating_add(1)))
            && at == *next
        {
            return Ok(Resolution::Continue);
        }
        // Split again from the anchor, with the document as it was at the anomaly.
        driver.reopen(round.doc_at_event(slot, next_index, stop.event));
        let at = self.follow(anchor, stream, driver)?;
        if anchor == Anchor::None {
            if let Some(doc) = driver.doc.take() {
                self.finish_document(input, &doc, false)?;
            }
            driver.mode = Mode::TopLevel;
        }
        Ok(Resolution::Restart(at))
    }

    fn summary(self) -> Summary {
        let counters = &self.counters;
        let options = &self.engine.options;
        let mut warnings = Vec::new();
        if counters.flag_anomalies > 0 {
            let mode = options.response_flag;
            warnings.push(format!(
                "{} elements marked successful carry responseFlag values that --response-flag {mode} reads as failures; if this front-end uses the other convention, try --response-flag {}",
                counters.flag_anomalies,
                mode.other()
            ));
        }
        if counters.flag_text_mismatches > 0 {
            warnings.push(format!(
                "{} failures: the error text names another result code than responseFlag (the text was used)",
                counters.flag_text_mismatches
            ));
        }
        if counters.malformed > 0 || counters.structural > 0 {
            warnings.push(format!(
                "{} malformed elements and {} structural errors were skipped (see malformed_samples)",
                counters.malformed, counters.structural
            ));
        }
        if self.other_documents > 0 {
            warnings.push(format!(
                "{} documents have neither devDataList nor an interface error envelope",
                self.other_documents
            ));
        }
        if self.work_ids_cut || self.documents > self.document_list.len() as u64 {
            warnings.push(format!(
                "work_ids and documents_detail list at most {} entries",
                options.max_listed
            ));
        }
        Summary {
            inputs: self.inputs,
            bytes: self.bytes,
            documents: self.documents,
            elements: counters
                .elements_ok
                .saturating_add(counters.elements_failed)
                .saturating_add(counters.malformed),
            elements_ok: counters.elements_ok,
            elements_failed: counters.elements_failed,
            malformed: counters.malformed,
            failures: counters.failures,
            envelopes: counters.envelopes,
            by_code: counters
                .by_code()
                .map(|(code, count)| (code.to_owned(), count))
                .collect(),
            by_result_code: counters
                .by_result_code()
                .map(|(code, count)| (code.get(), count))
                .collect(),
            work_ids: self.work_ids,
            document_list: self.document_list,
            flag_text_mismatches: counters.flag_text_mismatches,
            flag_anomalies: counters.flag_anomalies,
            structural_errors: counters.structural,
            response_flag: options.response_flag,
            malformed_samples: counters.samples.clone(),
            warnings,
        }
    }
}

/// How far from its start an unfinished element, or one held back for its successor
/// ([`split_with_successor`]'s hold limit), is kept before the checks for damaged or
/// oversized elements take over.
pub(crate) fn suspect_len(max_element: usize) -> usize {
    SUSPECT_LEN.min(max_element)
}

/// Splits a round so that its last element's successor is known: whether an element that
/// fails to parse is local damage is judged by the event after it, so a round never ends
/// right after an element (unless the input ended). The last element is held back for the
/// next round instead, and kept as the round's `held_back`, the successor of the event
/// before it; a round whose only element ends at the budget is split further.
fn split_with_successor(
    driver: &mut Driver,
    view: View<'_>,
    budget: usize,
    hold_limit: usize,
    round: &mut Round,
) -> (usize, RoundStop) {
    let snapshot = driver.clone();
    let mut budget = budget;
    loop {
        let (resume, stop) = driver.split_round(view.buf, view.cursor, budget, round);
        if view.eof || !matches!(round.events.last(), Some(Event::Element { .. })) {
            return (resume, stop);
        }
        let elements = round
            .events
            .iter()
            .filter(|event| matches!(event, Event::Element { .. }))
            .count();
        let Some(&Event::Element {
            index, start, end, ..
        }) = round.events.last()
        else {
            return (resume, stop);
        };
        if stop == RoundStop::Budget && elements < 2 {
            // Holding back the only element would make no progress: take more, at least to
            // the element after it. (Doubling alone split an element many times the budget
            // over and over: a 4.5 MB element four more times with a 512 KiB round.)
            budget = budget
                .saturating_mul(2)
                .max(end.saturating_sub(view.cursor).saturating_add(1));
            driver.clone_from(&snapshot);
            continue;
        }
        // Past the hold limit the engine's checks for oversized or damaged elements take
        // over (they must look at the unfinished element itself).
        if stop != RoundStop::Budget && view.buf.len().saturating_sub(start) > hold_limit {
            return (resume, stop);
        }
        // Held back, but still the successor of the event before it: an element that fails
        // just before a held-back one must be judged as it is when both are in one round,
        // or whether it is local damage would depend on where blocks end (regression
        // `batch/failed-element-before-a-held-back-one`).
        round.held_back = round.events.pop();
        if let Some(doc) = driver.doc.as_mut() {
            doc.next_index = index;
        }
        driver.mode = Mode::Array(Expect::Value);
        return (start, stop);
    }
}

/// What a round prepared ahead reuses of the rounds before it.
#[derive(Debug, Default)]
struct Spares {
    /// The buffer a block read ahead is joined to the unsplit tail in.
    bytes: Vec<u8>,
    /// The round before the current one: its lists keep their capacity (a new round grew
    /// its event list from nothing, about ten reallocations of every round).
    round: Round,
}

impl Spares {
    /// The spare round, to split into from `base` (`Driver::split_round` clears its lists).
    fn take_round(&mut self, base: u64) -> Round {
        let mut round = core::mem::take(&mut self.round);
        round.base = base;
        round
    }
}

/// Prepares the next round while the workers parse this one (see [`Speculation`]): the
/// same work the engine would do next, so using it changes nothing but the timing.
fn speculate(
    view: View<'_>,
    base: u64,
    stop: RoundStop,
    mut driver: Driver,
    next_block: &mut dyn FnMut() -> Option<input::Block>,
    spares: &mut Spares,
    (budget, hold_limit): (usize, usize),
) -> Speculation {
    let splittable = matches!(
        driver.mode,
        Mode::TopLevel | Mode::Key { .. } | Mode::CommaOrEnd | Mode::Array(_)
    );
    if view.eof || !splittable {
        return Speculation::None;
    }
    match stop {
        RoundStop::Budget => {
            let mut round = spares.take_round(base);
            let split = split_with_successor(&mut driver, view, budget, hold_limit, &mut round);
            Speculation::Same {
                driver,
                round,
                split,
            }
        }
        RoundStop::NeedMore { .. } => {
            let tail = view.buf.get(view.cursor..).unwrap_or_default();
            if tail.len() > hold_limit {
                // The engine's checks for oversized or damaged elements come first.
                return Speculation::None;
            }
            match next_block() {
                Some(Ok(block)) => {
                    let (buf, left_over) =
                        Window::tail_and_block(tail, block, core::mem::take(&mut spares.bytes));
                    spares.bytes = left_over;
                    let base = base.saturating_add(view.cursor as u64);
                    let mut round = spares.take_round(base);
                    let next = View {
                        buf: &buf,
                        cursor: 0,
                        eof: false,
                    };
                    let split =
                        split_with_successor(&mut driver, next, budget, hold_limit, &mut round);
                    Speculation::Next {
                        base,
                        tail: tail.len(),
                        driver,
                        round,
                        split,
                        buf,
                    }
                }
                other => Speculation::Block(other),
            }
        }
        RoundStop::Damage => Speculation::None,
    }
}

/// The reason given for junk: its first bytes, so that the operator can find it, without
/// the whitespace and commas they end with. Junk that ends is measured to its last byte that
/// is neither, and junk still unfinished where it is given up is everything up to the end
/// of the buffer; both start the same, and without that tail their previews are the same
/// (a junk shorter than the preview followed by a long run of spaces, found by the `batch`
/// fuzz target: `fixtures/regressions/batch/short-junk-then-spaces-over-the-cap.bin`).
fn junk_reason(bytes: &[u8]) -> String {
    let preview = bytes.get(..JUNK_PREVIEW).unwrap_or(bytes);
    let kept = preview
        .iter()
        .rposition(|&b| !crate::split::is_separator(b))
        .map_or(0, |last| last.saturating_add(1));
    let preview = String::from_utf8_lossy(preview.get(..kept).unwrap_or(preview));
    format!("not an element: {preview:?}")
}

/// The reason for an element or junk that is still unfinished where it is given up: junk
/// reads as it does when it ends (it is the same junk), damage as damage.
fn unfinished_reason(kind: ProblemKind, rest: Option<&[u8]>) -> String {
    match kind {
        ProblemKind::Junk => junk_reason(rest.unwrap_or_default()),
        other => other.describe().to_owned(),
    }
}

/// The first byte at the cursor that is neither whitespace nor a comma.
fn first_content(stream: &Stream) -> Option<usize> {
    stream
        .buf
        .get(stream.cursor..)?
        .iter()
        .position(|&b| !crate::split::is_separator(b))
        .map(|index| stream.cursor.saturating_add(index))
}

/// A read error that means the data ends early (a corrupt or cut gzip stream), as opposed
/// to the source failing.
fn is_data_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput | io::ErrorKind::UnexpectedEof
    )
}

/// Cuts a round's events into batches of about `batch_size` element bytes, smaller towards
/// the round's end when several threads parse.
///
/// A round ends when its last batch does, and the threads that finish first wait for it
/// (the next round cannot start before this one is delivered): on average half a batch for
/// every thread but one. So once what is left of the round would give each thread fewer
/// than two full batches, a batch takes a quarter of each thread's share of what is left,
/// down to an eighth of `batch_size` (guided scheduling). On 1 GB with 2 threads this
/// halved the time the helper waited at the ends of rounds (0.16–0.22 s → 0.09–0.12 s;
/// `docs/performance.md`, "Batch", "Rounds that end together").
fn batches(events: &[Event], batch_size: usize, threads: usize) -> Vec<Range<usize>> {
    let element_bytes = |event: &Event| match *event {
        Event::Element { start, end, .. } => end.saturating_sub(start),
        _ => 0,
    };
    let mut left: usize = events.iter().map(element_bytes).sum();
    let share = threads.saturating_mul(2);
    // One thread waits for nobody: its batches never get smaller than `batch_size`.
    let smallest = if threads > 1 {
        (batch_size / 8).max(1)
    } else {
        batch_size
    };
    let target = |left: usize| batch_size.min(left.checked_div(share).unwrap_or(0).max(smallest));
    let mut batches = Vec::new();
    let mut start = 0usize;
    let mut bytes = 0usize;
    let mut wanted = target(left);
    for (index, event) in events.iter().enumerate() {
        let size = element_bytes(event);
        bytes = bytes.saturating_add(size);
        left = left.saturating_sub(size);
        if bytes >= wanted {
            let end = index.saturating_add(1);
            batches.push(start..end);
            start = end;
            bytes = 0;
            wanted = target(left);
        }
    }
    if start < events.len() {
        batches.push(start..events.len());
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split::GapIssue;

    fn reads_ahead(threads: usize, read_ahead: ReadAhead) -> bool {
        let options = Options {
            threads,
            read_ahead,
            ..Options::default()
        };
        Engine::new(options).unwrap().reads_ahead
    }

    #[test]
    fn a_reader_thread_only_when_a_core_is_left() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(reads_ahead(1, ReadAhead::Auto), cores > 1);
        assert!(!reads_ahead(cores, ReadAhead::Auto));
        assert!(!reads_ahead(0, ReadAhead::Auto));
        assert!(reads_ahead(cores, ReadAhead::Thread));
        assert!(!reads_ahead(1, ReadAhead::OnDemand));
    }

    /// Element bytes of each batch, for rounds of `count` 1 KiB elements with a document
    /// start in front and a gap event between elements.
    fn batch_sizes(count: usize, batch_size: usize, threads: usize) -> Vec<usize> {
        const KIB: usize = 1 << 10;
        let mut events = vec![Event::DocStart { slot: 0 }];
        for index in 0..count {
            events.push(Event::Element {
                slot: 0,
                index: index as u64,
                start: index * KIB,
                end: (index + 1) * KIB,
                work_known: true,
                anchored: false,
            });
            events.push(Event::Gap {
                slot: 0,
                pos: (index + 1) * KIB,
                issue: GapIssue::MissingComma,
            });
        }
        events.push(Event::ArrayEnd {
            slot: 0,
            pos: events.len() * KIB,
        });
        let ranges = batches(&events, batch_size * KIB, threads);
        // Contiguous, in order, none empty, covering every event.
        let mut next = 0;
        for range in &ranges {
            assert_eq!(range.start, next);
            assert!(range.end > range.start);
            next = range.end;
        }
        assert_eq!(next, events.len());
        ranges
            .iter()
            .map(|range| {
                events[range.clone()]
                    .iter()
                    .filter(|event| matches!(event, Event::Element { .. }))
                    .count()
            })
            .collect()
    }

    #[test]
    fn batches_get_smaller_towards_the_end_of_a_round_only_with_helpers() {
        // One thread: every batch full but the last.
        assert_eq!(batch_sizes(100, 16, 1), [16, 16, 16, 16, 16, 16, 4]);
        // Two threads: full batches while each thread has two left, then a quarter of each
        // thread's share of the rest, down to an eighth of a batch.
        assert_eq!(
            batch_sizes(100, 16, 2),
            [16, 16, 16, 13, 10, 8, 6, 4, 3, 2, 2, 2, 2, 0]
        );
        // Four threads: the tail starts earlier.
        assert_eq!(batch_sizes(64, 16, 4)[..2], [8, 7]);
        // A round smaller than two batches a thread is tapered from the start.
        assert_eq!(batch_sizes(8, 16, 2), [2, 2, 2, 2, 0]);
        // Events after the last full batch (here the last gap and the array's end) make a
        // batch of their own, as they always did.
        assert_eq!(batch_sizes(0, 16, 2), [0]);
    }

    #[test]
    fn the_default_block_follows_the_threads() {
        const KIB: usize = 1 << 10;
        for (threads, size) in [
            (1, 256),
            (2, 256),
            (3, 384),
            (4, 512),
            (16, 2048),
            (17, 2048),
            (usize::MAX, 2048),
        ] {
            assert_eq!(auto_block_size(threads), size * KIB, "{threads} threads");
        }
        let block_size = |threads, block_size| {
            let options = Options {
                threads,
                block_size,
                ..Options::default()
            };
            Engine::new(options).unwrap().options().block_size
        };
        assert_eq!(block_size(2, 0), 256 * KIB);
        assert_eq!(block_size(4, 0), 512 * KIB);
        // An explicit size is kept, whatever the threads.
        assert_eq!(block_size(4, 97), 97);
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(block_size(0, 0), auto_block_size(cores));
    }
}
