//! Writes the records on a thread of their own. The engine delivers batch outputs in input
//! order on one thread, between rounds, while the parsing threads wait for the next round;
//! writing them there to a file took 220 ms of a 2-second, 2-thread run on 1 GB
//! (`docs/performance.md`, "Batch"). Here delivering an output is a move into a list, and the
//! writer thread copies the lists out while the next rounds are parsed. Written buffers come
//! back emptied, for the next batches to write into.

use std::io::{self, BufWriter, IoSlice, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::{Scope, ScopedJoinHandle};

/// The output buffer's size. A hand-over (several batch outputs of tens of KB each) is larger
/// and goes straight to the output in one vectored write: copying the outputs into a larger
/// buffer first was a memcpy of all the output (`docs/performance.md`, "Batch"). Smaller
/// writes are gathered.
const DIRECT_WRITE: usize = 16 << 10;

/// Bytes gathered before they are handed to the writer thread: a few hand-overs (and wakes of
/// the writer) a round rather than one a batch. 1 MiB ran at the same speed with 2 MB more
/// peak memory.
const HAND_OVER: usize = 256 << 10;

/// Hand-overs waiting for the writer thread. When the output is slower than parsing, the
/// thread delivering outputs waits here, which bounds memory.
const QUEUED: usize = 2;

/// Written buffers kept for reuse: a round has about 128 full batches at most (two blocks of
/// the largest default size, 2 MiB, in 32 KiB batches; 16 with the 256 KiB blocks of one or
/// two threads), and with several threads a few smaller ones at its end. Reused buffers save growing each batch's buffer from nothing and the page
/// faults of memory the allocator had given back (`docs/performance.md`, "Batch").
const MAX_SPARES: usize = 128;

/// A buffer grown larger than this by an unusual batch is not kept.
const MAX_KEPT: usize = 1 << 20;

/// Writes records in the order they are given, on a scoped thread.
pub(super) struct RecordWriter<'scope> {
    /// Buffers that came back empty (batches without failures), kept here for the next ones.
    unused: Vec<Vec<u8>>,
    /// The largest batch output written so far (at most [`MAX_KEPT`]): a new buffer starts
    /// at this capacity.
    largest: usize,
    gathered: Vec<Vec<u8>>,
    gathered_len: usize,
    to_writer: SyncSender<Vec<Vec<u8>>>,
    spares: Receiver<Vec<u8>>,
    thread: ScopedJoinHandle<'scope, io::Result<()>>,
}

impl<'scope> RecordWriter<'scope> {
    /// Starts the writer thread in `scope`.
    pub(super) fn start<'env, W: Write + Send + 'scope>(
        scope: &'scope Scope<'scope, 'env>,
        output: W,
    ) -> Self {
        let (to_writer, lists) = sync_channel::<Vec<Vec<u8>>>(QUEUED);
        let (emptied, spares) = sync_channel::<Vec<u8>>(MAX_SPARES);
        let thread = scope.spawn(move || {
            let mut output = BufWriter::with_capacity(DIRECT_WRITE, output);
            for list in lists {
                write_all_vectored(&mut output, &list)?;
                for mut records in list {
                    if records.capacity() <= MAX_KEPT {
                        records.clear();
                        // A full channel means enough spares already.
                        let _ = emptied.try_send(records);
                    }
                }
            }
            output.flush()
        });
        Self {
            unused: Vec::new(),
            largest: 0,
            gathered: Vec::new(),
            gathered_len: 0,
            to_writer,
            spares,
            thread,
        }
    }

    /// Queues `records` to be written after everything queued before.
    ///
    /// # Errors
    /// The writer thread has stopped (its error is returned by [`RecordWriter::finish`]).
    pub(super) fn write(&mut self, records: Vec<u8>) -> io::Result<()> {
        self.largest = self.largest.max(records.len().min(MAX_KEPT));
        if records.is_empty() {
            if records.capacity() > 0 && self.unused.len() < MAX_SPARES {
                self.unused.push(records);
            }
            return Ok(());
        }
        self.gathered_len = self.gathered_len.saturating_add(records.len());
        self.gathered.push(records);
        if self.gathered_len >= HAND_OVER {
            self.hand_over()?;
        }
        Ok(())
    }

    /// An empty buffer, used before, if one is back; otherwise a new one as large as the
    /// largest output so far. Buffers come back only once written, and a batch that grew its
    /// buffer from nothing reallocated it about ten times (callgrind: 2 % of a run's
    /// instructions in `realloc` and its copies, with one parsing thread).
    pub(super) fn spare(&mut self) -> Vec<u8> {
        self.unused
            .pop()
            .or_else(|| self.spares.try_recv().ok())
            .unwrap_or_else(|| Vec::with_capacity(self.largest))
    }

    fn hand_over(&mut self) -> io::Result<()> {
        let list = core::mem::take(&mut self.gathered);
        self.gathered_len = 0;
        self.to_writer
            .send(list)
            .map_err(|_| io::Error::other("the output writer stopped"))
    }

    /// Writes what is left, flushes, and waits for the writer thread.
    ///
    /// # Errors
    /// The first error writing the output.
    pub(super) fn finish(mut self) -> io::Result<()> {
        let handed = if self.gathered.is_empty() {
            Ok(())
        } else {
            self.hand_over()
        };
        // The channel closing ends the writer's loop.
        let Self {
            to_writer, thread, ..
        } = self;
        drop(to_writer);
        let written = thread
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the output writer panicked")));
        // The writer's own error explains a failed hand-over.
        written.and(handed)
    }
}

/// Writes every buffer of `list`, in order, with as few calls as the output takes: one
/// vectored write (`writev`) for a whole hand-over where the output supports it, instead of
/// one `write` per batch output (about 15 000 system calls per GB of input).
fn write_all_vectored(output: &mut impl Write, list: &[Vec<u8>]) -> io::Result<()> {
    let mut slices: Vec<IoSlice<'_>> = list.iter().map(|records| IoSlice::new(records)).collect();
    let mut rest = slices.as_mut_slice();
    // Skips leading empty buffers, so that a write of 0 bytes means the output is stuck.
    IoSlice::advance_slices(&mut rest, 0);
    while !rest.is_empty() {
        match output.write_vectored(rest) {
            Ok(0) => return Err(io::Error::from(io::ErrorKind::WriteZero)),
            Ok(written) => IoSlice::advance_slices(&mut rest, written),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails every write after `limit` bytes.
    struct Limited {
        written: Vec<u8>,
        limit: usize,
    }

    impl Write for Limited {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.written.len() + buf.len() > self.limit {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "full"));
            }
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Takes at most 7 bytes per call, from the first buffer only (the default
    /// `write_vectored`).
    struct Trickle(Vec<u8>);

    impl Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let taken = buf.len().min(7);
            self.0.extend_from_slice(&buf[..taken]);
            Ok(taken)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn partial_vectored_writes_write_everything_in_order() {
        let list: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"first ".to_vec(),
            Vec::new(),
            b"second, longer than one call ".to_vec(),
            b"x".to_vec(),
            Vec::new(),
        ];
        let mut out = Trickle(Vec::new());
        write_all_vectored(&mut out, &list).unwrap();
        assert_eq!(out.0, list.concat());
        let mut stuck = [0u8; 0];
        let error = write_all_vectored(&mut &mut stuck[..], &list).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::WriteZero);
        write_all_vectored(&mut &mut stuck[..], &[Vec::new()]).unwrap();
    }

    #[test]
    fn records_are_written_in_order() {
        let mut out = Vec::new();
        let expected = std::thread::scope(|scope| {
            let mut writer = RecordWriter::start(scope, &mut out);
            let mut expected = Vec::new();
            for i in 0..500usize {
                let mut records = writer.spare();
                assert!(records.is_empty());
                // Sizes up to a third above the direct-write size, and empty outputs.
                let len = (i % 7) * DIRECT_WRITE / 4;
                records.extend((0..len).map(|j| (i + j).to_le_bytes()[0]));
                expected.extend_from_slice(&records);
                writer.write(records).unwrap();
            }
            writer.finish().unwrap();
            expected
        });
        assert_eq!(out, expected);
    }

    #[test]
    fn spares_are_buffers_written_before() {
        let mut out = Vec::new();
        std::thread::scope(|scope| {
            let mut writer = RecordWriter::start(scope, &mut out);
            let mut records = Vec::with_capacity(HAND_OVER);
            records.resize(HAND_OVER, b'x');
            writer.write(records).unwrap();
            // The hand-over happened; wait for the buffer to come back.
            let spare = loop {
                let spare = writer.spare();
                if spare.capacity() > 0 {
                    break spare;
                }
                std::thread::yield_now();
            };
            assert!(spare.is_empty());
            assert!(spare.capacity() >= HAND_OVER);
            writer.finish().unwrap();
        });
        assert_eq!(out.len(), HAND_OVER);
    }

    #[test]
    fn new_buffers_start_as_large_as_the_largest_output() {
        let mut out = Vec::new();
        std::thread::scope(|scope| {
            let mut writer = RecordWriter::start(scope, &mut out);
            assert_eq!(writer.spare().capacity(), 0);
            // Gathered, not handed over yet: nothing can have come back.
            writer.write(vec![b'x'; 5000]).unwrap();
            writer.write(vec![b'y'; 300]).unwrap();
            assert!(writer.spare().capacity() >= 5000);
            // An unusual batch makes new buffers no larger than those kept.
            writer.write(vec![b'z'; MAX_KEPT + 1]).unwrap();
            assert_eq!(writer.largest, MAX_KEPT);
            writer.finish().unwrap();
        });
        assert_eq!(out.len(), 5300 + MAX_KEPT + 1);
    }

    #[test]
    fn buffers_of_batches_without_records_are_kept() {
        let mut out = Vec::new();
        std::thread::scope(|scope| {
            let mut writer = RecordWriter::start(scope, &mut out);
            let unused = Vec::with_capacity(4096);
            let kept = unused.as_ptr();
            writer.write(unused).unwrap();
            let spare = writer.spare();
            assert_eq!(spare.as_ptr(), kept);
            assert!(spare.is_empty() && spare.capacity() >= 4096);
            writer.finish().unwrap();
        });
        assert!(out.is_empty());
    }

    #[test]
    fn a_write_error_is_reported_by_finish() {
        let mut out = Limited {
            written: Vec::new(),
            limit: 3 * HAND_OVER,
        };
        let error = std::thread::scope(|scope| {
            let mut writer = RecordWriter::start(scope, &mut out);
            let mut failed = false;
            for _ in 0..64 {
                if writer.write(vec![b'y'; HAND_OVER / 2]).is_err() {
                    failed = true;
                    break;
                }
            }
            let error = writer.finish().unwrap_err();
            (failed, error.kind())
        });
        assert!(error.0, "records were still taken after the writer failed");
        assert_eq!(error.1, io::ErrorKind::StorageFull);
        assert!(out.written.len() <= 3 * HAND_OVER);
    }
}
