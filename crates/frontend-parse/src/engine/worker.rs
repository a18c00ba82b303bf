//! The per-batch work that runs in the pool: parse each element, extract its failures, count,
//! and call the caller's closure — all inside the worker, so that only compact per-batch
//! outputs travel back to the caller's thread.

use core::ops::Range;

use super::counters::Counters;
use super::driver::{Event, Round};
use super::entry::{ElementEntry, Entry, EnvelopeEntry, Problem, ProblemKind};
use super::resync::{Anchor, DocumentAnchors, find_anchor};
use super::suspect_len;
use crate::element::{ElementError, ElementErrorKind, ElementParser};
use crate::failure::{Failure, Location, ResponseFlagMode, extract_failures};
use crate::split::GapIssue;

/// The reason given for an element larger than the cap, wherever it is found.
pub(crate) fn too_large_reason(max_element: usize) -> String {
    format!("element larger than {max_element} bytes: skipped")
}

/// Buffers one worker reuses from batch to batch.
#[derive(Debug, Default)]
pub(crate) struct WorkerState {
    pub(crate) parser: ElementParser,
    failures: Vec<Failure<'static>>,
}

/// Gives a vector of failures back with a new lifetime, keeping its allocation: an empty
/// `Vec` holds no borrow, and the in-place `collect` reuses the buffer.
#[expect(
    clippy::unnecessary_filter_map,
    reason = "changes the element type's lifetime, which `filter` cannot"
)]
fn recycle<'new>(mut failures: Vec<Failure<'_>>) -> Vec<Failure<'new>> {
    failures.clear();
    failures.into_iter().filter_map(|_| None).collect()
}

/// Everything a batch needs to read.
pub(crate) struct BatchContext<'r> {
    pub(crate) buf: &'r [u8],
    pub(crate) round: &'r Round,
    pub(crate) input: usize,
    pub(crate) mode: ResponseFlagMode,
    pub(crate) sample_cap: usize,
    /// The element cap, for the text of [`ProblemKind::TooLarge`].
    pub(crate) max_element: usize,
    /// Whether `buf[0]` is at a line start of the input (for document anchors).
    pub(crate) buf_starts_line: bool,
}

/// Where a batch stopped: an anomaly the caller's thread must resolve (resynchronise).
#[derive(Clone, Debug)]
pub(crate) struct Stop {
    pub(crate) event: usize,
    pub(crate) error: Option<ElementError>,
}

/// A batch's results.
pub(crate) struct BatchResult<O> {
    pub(crate) output: O,
    pub(crate) counters: Counters,
    pub(crate) stop: Option<Stop>,
}

impl BatchContext<'_> {
    fn offset(&self, pos: usize) -> u64 {
        self.round.base.saturating_add(pos as u64)
    }

    fn doc_number(&self, slot: u32) -> u64 {
        self.round.doc(slot).map_or(0, |doc| doc.doc)
    }

    /// Processes `range` of the round's events into `output` (an empty one).
    pub(crate) fn run<O, W>(
        &self,
        range: Range<usize>,
        state: &mut WorkerState,
        work: &W,
        mut output: O,
    ) -> BatchResult<O>
    where
        W: Fn(&Entry<'_>, &mut O),
    {
        let mut counters = Counters::for_batch(self.sample_cap);
        let stop = self.process(range, state, work, &mut output, &mut counters);
        BatchResult {
            output,
            counters,
            stop,
        }
    }

    fn process<O, W>(
        &self,
        range: Range<usize>,
        state: &mut WorkerState,
        work: &W,
        output: &mut O,
        counters: &mut Counters,
    ) -> Option<Stop>
    where
        W: Fn(&Entry<'_>, &mut O),
    {
        for index in range {
            let event = *self.round.events.get(index)?;
            match event {
                Event::Element {
                    slot,
                    index: element,
                    start,
                    end,
                    work_known,
                    ..
                } => {
                    let doc = self.round.doc(slot);
                    let location = Location {
                        doc: doc.map_or(0, |doc| doc.doc),
                        element: Some(element),
                        offset: self.offset(start),
                        work_id: doc
                            .filter(|_| work_known)
                            .and_then(|doc| doc.work_id.as_deref()),
                    };
                    let bytes = self.buf.get(start..end).unwrap_or_default();
                    if let Err(error) = self.element(bytes, location, state, work, output, counters)
                    {
                        // A failure next to a guessed end is judged once the caller
                        // has split there again exactly.
                        if !self.round.rests_on_a_guess(index)
                            && self.is_local_failure(index, start, end, state)
                        {
                            let problem = self.element_problem(location, &error);
                            counters.record_problem(&problem);
                            work(&Entry::Problem(&problem), output);
                        } else {
                            return Some(Stop {
                                event: index,
                                error: Some(error),
                            });
                        }
                    }
                }
                Event::Junk { .. } | Event::Damage { .. } => {
                    return Some(Stop {
                        event: index,
                        error: None,
                    });
                }
                Event::TooLarge { slot, index, start } => {
                    let problem = Problem {
                        doc: self.doc_number(slot),
                        element: Some(index),
                        offset: self.offset(start),
                        input: self.input,
                        kind: ProblemKind::TooLarge,
                        reason: too_large_reason(self.max_element),
                    };
                    counters.record_problem(&problem);
                    work(&Entry::Problem(&problem), output);
                }
                Event::Gap { slot, pos, issue } => {
                    let kind = match issue {
                        GapIssue::MissingComma => ProblemKind::MissingComma,
                        GapIssue::StrayComma => ProblemKind::StrayComma,
                    };
                    let problem = Problem {
                        doc: self.doc_number(slot),
                        element: None,
                        offset: self.offset(pos),
                        input: self.input,
                        kind,
                        reason: kind.describe().to_owned(),
                    };
                    counters.record_problem(&problem);
                    work(&Entry::Problem(&problem), output);
                }
                Event::Envelope { slot } => {
                    let Some(doc) = self.round.doc(slot) else {
                        continue;
                    };
                    let location = Location {
                        doc: doc.doc,
                        element: None,
                        offset: doc.offset,
                        work_id: doc.work_id.as_deref(),
                    };
                    let entry = EnvelopeEntry {
                        location,
                        status: doc.status,
                        failure: Failure::interface(location, doc.message.as_deref()),
                    };
                    counters.record_envelope(&entry.failure);
                    work(&Entry::Envelope(&entry), output);
                }
                Event::DocStart { .. } | Event::DocEnd { .. } | Event::ArrayEnd { .. } => {}
            }
        }
        None
    }

    /// Parses one element and hands it on; the error when it does not parse.
    fn element<O, W>(
        &self,
        bytes: &[u8],
        location: Location<'_>,
        state: &mut WorkerState,
        work: &W,
        output: &mut O,
        counters: &mut Counters,
    ) -> Result<(), ElementError>
    where
        W: Fn(&Entry<'_>, &mut O),
    {
        let WorkerState { parser, failures } = state;
        let mode = self.mode;
        parser.parse_with(bytes, |parsed| {
            let element = parsed?;
            let damage = if element.is_document() {
                Some(ElementErrorKind::NestedDocument)
            } else if element.has_nested_element() {
                Some(ElementErrorKind::NestedElement)
            } else {
                None
            };
            if let Some(kind) = damage {
                return Err(ElementError {
                    offset: 0,
                    kind,
                    detail: String::new(),
                });
            }
            let mut list = recycle(core::mem::take(failures));
            let notes = extract_failures(&element, location, mode, &mut list);
            counters.record_element(&list, notes);
            let entry = ElementEntry {
                location,
                element,
                failures: &list,
            };
            work(&Entry::Element(&entry), output);
            *failures = recycle(list);
            Ok(())
        })
    }

    /// Whether a failed element is local damage, so that the splitter's boundaries around it
    /// can be trusted: the event after it must be the array's end or an element that parses
    /// and has element keys (json-perf.md: a failure followed by another one makes the
    /// boundaries suspect), and no element may hide inside its span (a missing bracket or
    /// quote makes one span swallow the elements after it).
    fn is_local_failure(
        &self,
        index: usize,
        start: usize,
        end: usize,
        state: &mut WorkerState,
    ) -> bool {
        // A successor that is known only past the hold limit is not used: a round can end
        // before it then (`split_with_successor` lets a held-back element go past that
        // limit, with its successor unknown), and whether a failure is local must not depend
        // on where blocks end (regression `batch/failed-element-then-whitespace-past-the-hold-limit`).
        let hold_limit = suspect_len(self.max_element);
        let known_in_time = |known_at: usize| known_at.saturating_sub(start) <= hold_limit;
        let successor_ok = match self.round.successor(index) {
            Some(&Event::ArrayEnd { pos, .. }) => known_in_time(pos.saturating_add(1)),
            Some(&Event::Element { start, end, .. }) if known_in_time(end) => {
                let bytes = self.buf.get(start..end).unwrap_or_default();
                state.parser.parse_with(bytes, |parsed| {
                    parsed.is_ok_and(|e| {
                        e.looks_like_element() && !e.has_nested_element() && !e.is_document()
                    })
                })
            }
            _ => false,
        };
        if !successor_ok {
            return false;
        }
        let span = self.buf.get(..end).unwrap_or_default();
        let inside = find_anchor(
            span,
            start.saturating_add(1),
            true,
            end.saturating_sub(start),
            &mut state.parser,
            DocumentAnchors::AtLineStart {
                buf_starts_line: self.buf_starts_line,
            },
        );
        matches!(inside, Anchor::None)
    }

    pub(crate) fn element_problem(&self, location: Location<'_>, error: &ElementError) -> Problem {
        let kind = match error.kind {
            ElementErrorKind::NotAnObject => ProblemKind::NotAnObject,
            ElementErrorKind::NestedElement | ElementErrorKind::NestedDocument => {
                ProblemKind::Damaged
            }
            _ => ProblemKind::InvalidElement,
        };
        Problem {
            doc: location.doc,
            element: location.element,
            offset: location.offset,
            input: self.input,
            kind,
            reason: error.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recycling_keeps_the_allocation() {
        let mut list: Vec<Failure<'_>> = Vec::with_capacity(16);
        let text = String::from("x");
        list.push(Failure::interface(
            Location {
                doc: 0,
                element: None,
                offset: 0,
                work_id: Some(&text),
            },
            None,
        ));
        let capacity = list.capacity();
        let recycled: Vec<Failure<'static>> = recycle(list);
        assert!(recycled.is_empty());
        assert_eq!(recycled.capacity(), capacity);
    }
}
