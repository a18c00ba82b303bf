//! The document-level state machine: walks the outer object(s) of an input (keys in any
//! order, `workId` before or after the array, unknown keys skipped, NDJSON), hands the inside
//! of `devDataList` to the splitter, and lists everything it found as [`Event`]s of a round.

use super::SplitMode;
use super::entry::ProblemKind;
use crate::split::value_end;
use crate::split::{self, ArrayEvent, Expect, GapIssue, SplitStop, is_json_whitespace};

/// What is known of one document (cloned into each round that touches it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct DocState {
    pub(crate) doc: u64,
    pub(crate) offset: u64,
    /// Index the next `devDataList` entry gets.
    pub(crate) next_index: u64,
    pub(crate) work_id: Option<String>,
    pub(crate) has_array: bool,
    /// `false` for a bare top-level array (no outer object).
    pub(crate) in_object: bool,
    pub(crate) status: Option<i64>,
    pub(crate) message: Option<String>,
    pub(crate) success: Option<bool>,
    /// Whether any envelope key (`code`, `message`, `success`) was present.
    pub(crate) envelope_keys: bool,
    /// What this round's outer keys changed in the fields above, in order, each with the
    /// round's event count when it was read and the field's earlier value. A
    /// resynchronisation at an anomaly undoes what the bytes after it set: those bytes are
    /// split again or skipped, and what a document is must not depend on whether the round
    /// had reached them (a key read in the same round as the anomaly, or in the next one,
    /// depending on where blocks end). Cleared when a round starts: the bytes of earlier
    /// rounds are behind any anomaly of this one.
    pub(super) undo: Vec<(usize, Undo)>,
}

/// A field of [`DocState`] with the value it had before an outer key set it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Undo {
    WorkId(Option<String>),
    HasArray(bool),
    EnvelopeKeys(bool),
    Status(Option<i64>),
    Message(Option<String>),
    Success(Option<bool>),
}

impl DocState {
    /// An interface error envelope: no `devDataList`, envelope keys, and not a success.
    pub(crate) fn is_envelope(&self) -> bool {
        !self.has_array
            && self.envelope_keys
            && self.success != Some(true)
            && self.status != Some(200)
    }

    /// Undoes what keys read after event `event` of this round set, newest first.
    pub(crate) fn undo_after(&mut self, event: usize) {
        while let Some((_, undo)) = self.undo.pop_if(|(read_at, _)| *read_at > event) {
            match undo {
                Undo::WorkId(work_id) => self.work_id = work_id,
                Undo::HasArray(has_array) => self.has_array = has_array,
                Undo::EnvelopeKeys(keys) => self.envelope_keys = keys,
                Undo::Status(status) => self.status = status,
                Undo::Message(message) => self.message = message,
                Undo::Success(success) => self.success = success,
            }
        }
    }
}

/// Sets `field` to `value` for a key read at the round's event count `events`, logging the
/// value it had in `undo` (for [`DocState::undo_after`]) when it changes.
fn set_logged<T: PartialEq>(
    undo: &mut Vec<(usize, Undo)>,
    events: usize,
    field: &mut T,
    value: T,
    earlier: fn(T) -> Undo,
) {
    if *field != value {
        let before = core::mem::replace(field, value);
        undo.push((events, earlier(before)));
    }
}

/// One thing found in a round, in input order. Positions index the round's buffer; `slot`
/// indexes the round's document table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    DocStart {
        slot: u32,
    },
    Element {
        slot: u32,
        index: u64,
        start: usize,
        end: usize,
        /// Whether the document's `workId` was known when the element was split (it is
        /// only used then, so that output never depends on where rounds are cut).
        work_known: bool,
        /// Whether its end is a guess from the anchor after it ([`split::split_anchored`]):
        /// exact if it reads; if it does not, the engine splits again from its start
        /// exactly before judging it.
        anchored: bool,
    },
    Junk {
        slot: u32,
        index: u64,
        start: usize,
        end: usize,
    },
    /// An element split whole but larger than the element cap: reported, never parsed
    /// (the same problem as for one that outgrows the cap across blocks, so that output does
    /// not depend on where blocks end).
    TooLarge {
        slot: u32,
        index: u64,
        start: usize,
    },
    Gap {
        slot: u32,
        pos: usize,
        issue: GapIssue,
    },
    ArrayEnd {
        slot: u32,
        /// The `]`.
        pos: usize,
    },
    Envelope {
        slot: u32,
    },
    DocEnd {
        slot: u32,
    },
    /// Structural damage at `pos`: splitting stopped; the walk resynchronises.
    Damage {
        slot: Option<u32>,
        pos: usize,
        kind: ProblemKind,
        reason: &'static str,
    },
}

/// The events of one round and the documents they refer to.
#[derive(Debug, Default)]
pub(crate) struct Round {
    pub(crate) base: u64,
    pub(crate) events: Vec<Event>,
    pub(crate) docs: Vec<DocState>,
    pub(crate) array_events: Vec<ArrayEvent>,
    /// The element held back for the next round (`split_with_successor` in `mod.rs`): not
    /// parsed in this one, but the successor of its last event, which tells whether that
    /// event's element, if it fails, is local damage.
    pub(crate) held_back: Option<Event>,
}

impl Round {
    pub(crate) fn doc(&self, slot: u32) -> Option<&DocState> {
        self.docs.get(usize::try_from(slot).ok()?)
    }

    /// Document `slot` as it was at event `event`, to split again from there: keys read
    /// from bytes after it undone (they are split again or skipped), and its next element
    /// numbered `next_index` when given.
    pub(crate) fn doc_at_event(
        &self,
        slot: Option<u32>,
        next_index: Option<u64>,
        event: usize,
    ) -> Option<DocState> {
        let mut doc = self.doc(slot?)?.clone();
        if let Some(next_index) = next_index {
            doc.next_index = next_index;
        }
        doc.undo_after(event);
        Some(doc)
    }

    /// Whether judging a failure of element event `index` rests on a guessed end: its own
    /// or its successor's (`Event::Element::anchored`). The engine splits again from it
    /// exactly before judging.
    pub(crate) fn rests_on_a_guess(&self, index: usize) -> bool {
        let guessed =
            |event: Option<&Event>| matches!(event, Some(Event::Element { anchored: true, .. }));
        guessed(self.events.get(index)) || guessed(self.successor(index))
    }

    /// The event after event `index`: the next one of the round, or after its last the
    /// element held back for the next round.
    pub(crate) fn successor(&self, index: usize) -> Option<&Event> {
        let next = index.checked_add(1)?;
        match self.events.get(next) {
            Some(event) => Some(event),
            None if next == self.events.len() => self.held_back.as_ref(),
            None => None,
        }
    }
}

/// Where the outer state machine is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Between documents.
    TopLevel,
    /// In an outer object, before a key (`first`: `}` may close an empty object).
    Key { first: bool },
    /// After an outer value: `,` or `}`.
    CommaOrEnd,
    /// Inside `devDataList`.
    Array(Expect),
    /// Resynchronising after damage: looking for an anchor.
    Search,
    /// Skipping an element larger than the cap.
    Skip(SkipState),
}

/// Why a round's split stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RoundStop {
    /// The buffer ended; `open` when an element starts at `resume` and is unfinished.
    NeedMore { open: bool },
    /// Enough element bytes for one round.
    Budget,
    /// A [`Event::Damage`] ended the round.
    Damage,
}

/// The state of the outer machine between rounds.
#[derive(Clone, Debug)]
pub(crate) struct Driver {
    pub(crate) mode: Mode,
    /// The open document, if any.
    pub(crate) doc: Option<DocState>,
    /// The number the next document gets.
    pub(crate) next_doc: u64,
    /// Values of outer keys larger than this are damage; elements larger than this are
    /// [`Event::TooLarge`] (the element cap).
    value_cap: usize,
    /// What splits found of elements, in input offsets: where the last whole element
    /// ends, and how far the last unfinished one was read. Splitting from such an element
    /// again (a round held it back, or the next block arrived) passes over what was read,
    /// so an element is read once, not once a round or a block.
    known: KnownElements,
    /// Elements that start before this input offset are split exactly, the others are
    /// guessed from anchors where they can be: all exactly with [`SplitMode::Exact`], and
    /// up to an anchored element that failed, from which the engine splits again.
    exact_before: u64,
}

/// [`split::Known`] in input offsets.
#[derive(Clone, Copy, Debug, Default)]
struct KnownElements {
    /// An element's start and end.
    whole: Option<(u64, u64)>,
    /// An element's start, where reading it stopped, and the splitter's state there.
    open: Option<(u64, u64, split::OpenElement)>,
}

/// The outer keys whose values are kept.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OuterKey {
    DevDataList,
    WorkId,
    Code,
    Message,
    Success,
    Other,
}

impl OuterKey {
    fn from_bytes(key: &[u8]) -> Self {
        match key {
            b"devDataList" => Self::DevDataList,
            b"workId" => Self::WorkId,
            b"code" => Self::Code,
            b"message" => Self::Message,
            b"success" => Self::Success,
            _ => Self::Other,
        }
    }
}

enum Step {
    Continue(usize),
    Stop(usize, RoundStop),
}

impl Driver {
    pub(crate) fn new(next_doc: u64, value_cap: usize, split: SplitMode) -> Self {
        Self {
            mode: Mode::TopLevel,
            doc: None,
            next_doc,
            value_cap,
            known: KnownElements::default(),
            exact_before: match split {
                SplitMode::Anchored => 0,
                SplitMode::Exact => u64::MAX,
            },
        }
    }

    /// Makes `doc` (as it was at an anomaly) the open document again; the next document
    /// is numbered after it.
    pub(crate) fn reopen(&mut self, doc: Option<DocState>) {
        if let Some(doc) = &doc {
            self.next_doc = doc.doc.saturating_add(1);
        }
        self.doc = doc;
    }

    /// Splitting goes on at the anchored element `start` (input offset), exactly, after
    /// its guessed end proved wrong or it failed: with `doc` as it was at the element and
    /// nothing remembered of the elements split since.
    pub(crate) fn split_exactly_from(&mut self, start: u64, doc: Option<DocState>) {
        self.reopen(doc);
        self.mode = Mode::Array(Expect::Value);
        self.known = KnownElements::default();
        self.exact_before = self.exact_before.max(start.saturating_add(1));
    }

    /// Splits from `cursor` until the buffer ends, `budget` element bytes were split, or
    /// damage is found. Returns where to resume and why it stopped. The round's document
    /// table starts with the open document; the driver keeps the last one open at the end.
    pub(crate) fn split_round(
        &mut self,
        buf: &[u8],
        mut cursor: usize,
        budget: usize,
        round: &mut Round,
    ) -> (usize, RoundStop) {
        round.events.clear();
        round.docs.clear();
        round.held_back = None;
        if let Some(mut doc) = self.doc.take() {
            doc.undo.clear();
            round.docs.push(doc);
        }
        let mut open_slot = round.docs.len().checked_sub(1);
        let mut used = 0usize;
        let result = loop {
            if used >= budget {
                break (cursor, RoundStop::Budget);
            }
            let step = match self.mode {
                Mode::TopLevel => self.top_level(buf, cursor, round, &mut open_slot),
                Mode::Key { first } => self.key(buf, cursor, first, round, &mut open_slot),
                Mode::CommaOrEnd => self.comma_or_end(buf, cursor, round, &mut open_slot),
                Mode::Array(expect) => self.array(
                    buf,
                    cursor,
                    expect,
                    budget.saturating_sub(used),
                    &mut used,
                    round,
                    &mut open_slot,
                ),
                // Handled by the engine before a round is split.
                Mode::Search | Mode::Skip(_) => {
                    Step::Stop(cursor, RoundStop::NeedMore { open: false })
                }
            };
            match step {
                Step::Continue(next) => cursor = next,
                Step::Stop(resume, stop) => break (resume, stop),
            }
        };
        self.doc = open_slot.and_then(|slot| round.docs.get(slot).cloned());
        result
    }

    fn slot(open_slot: Option<usize>) -> Option<u32> {
        open_slot.and_then(|slot| u32::try_from(slot).ok())
    }

    fn damage(
        round: &mut Round,
        open_slot: Option<usize>,
        pos: usize,
        kind: ProblemKind,
        reason: &'static str,
    ) -> Step {
        round.events.push(Event::Damage {
            slot: Self::slot(open_slot),
            pos,
            kind,
            reason,
        });
        Step::Stop(pos, RoundStop::Damage)
    }

    fn start_doc(
        &mut self,
        round: &mut Round,
        open_slot: &mut Option<usize>,
        offset: u64,
        in_object: bool,
    ) {
        let doc = DocState {
            doc: self.next_doc,
            offset,
            in_object,
            ..DocState::default()
        };
        self.next_doc = self.next_doc.saturating_add(1);
        round.docs.push(doc);
        let slot = round.docs.len().saturating_sub(1);
        *open_slot = Some(slot);
        if let Some(slot) = Self::slot(*open_slot) {
            round.events.push(Event::DocStart { slot });
        }
    }

    fn finish_doc(&mut self, round: &mut Round, open_slot: &mut Option<usize>) {
        if let Some(slot) = Self::slot(*open_slot) {
            if round.doc(slot).is_some_and(DocState::is_envelope) {
                round.events.push(Event::Envelope { slot });
            }
            round.events.push(Event::DocEnd { slot });
        }
        *open_slot = None;
        self.mode = Mode::TopLevel;
    }

    fn top_level(
        &mut self,
        buf: &[u8],
        cursor: usize,
        round: &mut Round,
        open_slot: &mut Option<usize>,
    ) -> Step {
        let Some(pos) = skip_whitespace(buf, cursor) else {
            return Step::Stop(buf.len(), RoundStop::NeedMore { open: false });
        };
        let offset = round.base.saturating_add(pos as u64);
        match buf.get(pos) {
            Some(b'{') => {
                self.start_doc(round, open_slot, offset, true);
                self.mode = Mode::Key { first: true };
                Step::Continue(pos.saturating_add(1))
            }
            Some(b'[') => {
                self.start_doc(round, open_slot, offset, false);
                if let Some(doc) = open_slot.and_then(|slot| round.docs.get_mut(slot)) {
                    doc.has_array = true;
                }
                self.mode = Mode::Array(Expect::ValueOrEnd);
                Step::Continue(pos.saturating_add(1))
            }
            _ => Self::damage(
                round,
                *open_slot,
                pos,
                ProblemKind::Syntax,
                "unexpected bytes between documents",
            ),
        }
    }

    fn comma_or_end(
        &mut self,
        buf: &[u8],
        cursor: usize,
        round: &mut Round,
        open_slot: &mut Option<usize>,
    ) -> Step {
        let Some(pos) = skip_whitespace(buf, cursor) else {
            return Step::Stop(buf.len(), RoundStop::NeedMore { open: false });
        };
        match buf.get(pos) {
            Some(b',') => {
                self.mode = Mode::Key { first: false };
                Step::Continue(pos.saturating_add(1))
            }
            Some(b'}') => {
                self.finish_doc(round, open_slot);
                Step::Continue(pos.saturating_add(1))
            }
            _ => Self::damage(
                round,
                *open_slot,
                pos,
                ProblemKind::Syntax,
                "expected `,` or `}` after a document value",
            ),
        }
    }

    /// One `"key": value` pair of the outer object, read as a whole (so a pair cut by the
    /// buffer's end is read again from its key), except `devDataList`'s array, which is split.
    fn key(
        &mut self,
        buf: &[u8],
        cursor: usize,
        first: bool,
        round: &mut Round,
        open_slot: &mut Option<usize>,
    ) -> Step {
        let need_more = |at: usize| Step::Stop(at, RoundStop::NeedMore { open: false });
        let Some(pos) = skip_whitespace(buf, cursor) else {
            return need_more(buf.len());
        };
        match buf.get(pos) {
            Some(b'}') if first => {
                self.finish_doc(round, open_slot);
                return Step::Continue(pos.saturating_add(1));
            }
            Some(b'"') => {}
            _ => {
                return Self::damage(
                    round,
                    *open_slot,
                    pos,
                    ProblemKind::Syntax,
                    "expected a key",
                );
            }
        }
        // The key's length with its quotes, or (while it is open) a lower bound of it: the
        // limit is judged on the same length whether the key is whole in the buffer or cut
        // by its end, so that output does not depend on where blocks end.
        let key_end = string_end(buf, pos);
        let key_len = key_end.map_or_else(
            || buf.len().saturating_sub(pos).saturating_add(1),
            |end| end.saturating_sub(pos),
        );
        if key_len > self.value_cap {
            return Self::damage(round, *open_slot, pos, ProblemKind::Syntax, "key too long");
        }
        let Some(key_end) = key_end else {
            return need_more(pos);
        };
        let key = OuterKey::from_bytes(
            buf.get(pos.saturating_add(1)..key_end.saturating_sub(1))
                .unwrap_or_default(),
        );
        let Some(colon) = skip_whitespace(buf, key_end) else {
            return need_more(pos);
        };
        if buf.get(colon) != Some(&b':') {
            return Self::damage(
                round,
                *open_slot,
                colon,
                ProblemKind::Syntax,
                "expected `:`",
            );
        }
        let Some(value) = skip_whitespace(buf, colon.saturating_add(1)) else {
            return need_more(pos);
        };
        let events = round.events.len();
        let doc = open_slot.and_then(|slot| round.docs.get_mut(slot));
        if key == OuterKey::DevDataList && buf.get(value) == Some(&b'[') {
            if let Some(doc) = doc {
                set_logged(
                    &mut doc.undo,
                    events,
                    &mut doc.has_array,
                    true,
                    Undo::HasArray,
                );
            }
            self.mode = Mode::Array(Expect::ValueOrEnd);
            return Step::Continue(value.saturating_add(1));
        }
        let (end, closed_by_value) = match buf.get(value) {
            Some(b'"') => (string_end(buf, value), true),
            // Scans at most one byte past the cap: a longer value is too large anyway.
            Some(b'{' | b'[') => (
                value_end(buf, value, self.value_cap.saturating_add(1)),
                true,
            ),
            _ => (scalar_end(buf, value), false),
        };
        // The value's length, or (while it is open) a lower bound of it: a string or a
        // container still lacks its closing byte, a scalar may end where the buffer does.
        // The limit is judged on the same length whether the value is whole in the buffer
        // or cut by its end, so that output does not depend on where blocks end.
        let value_len = end.map_or_else(
            || {
                let seen = buf.len().saturating_sub(value);
                if closed_by_value {
                    seen.saturating_add(1)
                } else {
                    seen
                }
            },
            |end| end.saturating_sub(value),
        );
        if value_len > self.value_cap {
            return Self::damage(
                round,
                *open_slot,
                value,
                ProblemKind::Syntax,
                "document value too large or unterminated",
            );
        }
        let Some(end) = end else {
            return need_more(pos);
        };
        if let Some(doc) = doc {
            capture(doc, key, buf.get(value..end).unwrap_or_default(), events);
        }
        self.mode = Mode::CommaOrEnd;
        Step::Continue(end)
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the round's split state, passed apart for borrows"
    )]
    fn array(
        &mut self,
        buf: &[u8],
        cursor: usize,
        expect: Expect,
        budget: usize,
        used: &mut usize,
        round: &mut Round,
        open_slot: &mut Option<usize>,
    ) -> Step {
        let mut found = core::mem::take(&mut round.array_events);
        found.clear();
        // Positions in `buf` are `round.base` on in the input.
        let position = |offset: u64| usize::try_from(offset.checked_sub(round.base)?).ok();
        let offset = |position: usize| round.base.saturating_add(position as u64);
        let known = split::Known {
            whole: self
                .known
                .whole
                .and_then(|(start, end)| Some((position(start)?, position(end)?))),
            open: self.known.open.and_then(|(start, scanned, state)| {
                let scanned = position(scanned)?;
                Some((position(start)?, split::OpenElement { scanned, ..state }))
            }),
        };
        let mut open = None;
        let guessed = if offset(cursor) >= self.exact_before {
            split::split_anchored(buf, cursor, expect, budget, self.value_cap, &mut found)
        } else {
            split::Anchored::give_way(cursor, expect)
        };
        let anchored = found.len();
        let stop = if guessed.budget_reached {
            SplitStop::Budget {
                resume: guessed.resume,
            }
        } else {
            // The exact splitter goes on from where the anchors ran out, within what is
            // left of the budget.
            let rest = budget.saturating_sub(guessed.resume.saturating_sub(cursor));
            split::split_array_resuming(
                buf,
                guessed.resume,
                guessed.expect,
                rest.max(1),
                &mut found,
                known,
                &mut open,
            )
        };
        // Only exact ends are remembered: a guessed one may be wrong.
        if let Some(&ArrayEvent::Element { start, end }) = found
            .get(anchored..)
            .unwrap_or_default()
            .iter()
            .rev()
            .find(|event| matches!(event, ArrayEvent::Element { .. }))
        {
            self.known.whole = Some((offset(start), offset(end)));
        }
        if let (SplitStop::NeedMore { resume: start, .. }, Some(state)) = (stop, open) {
            self.known.open = Some((offset(start), offset(state.scanned), state));
        }
        let slot = Self::slot(*open_slot).unwrap_or(u32::MAX);
        let cap = self.value_cap;
        if let Some(doc) = open_slot.and_then(|slot| round.docs.get_mut(slot)) {
            let work_known = doc.work_id.is_some();
            for (position, event) in found.iter().enumerate() {
                round.events.push(match *event {
                    ArrayEvent::Element { start, end } if end.saturating_sub(start) > cap => {
                        let index = doc.next_index;
                        doc.next_index = index.saturating_add(1);
                        Event::TooLarge { slot, index, start }
                    }
                    ArrayEvent::Element { start, end } => {
                        *used = used.saturating_add(end.saturating_sub(start));
                        let index = doc.next_index;
                        doc.next_index = index.saturating_add(1);
                        Event::Element {
                            slot,
                            index,
                            start,
                            end,
                            work_known,
                            anchored: position < anchored,
                        }
                    }
                    ArrayEvent::Junk { start, end } => {
                        let index = doc.next_index;
                        doc.next_index = index.saturating_add(1);
                        Event::Junk {
                            slot,
                            index,
                            start,
                            end,
                        }
                    }
                    ArrayEvent::Gap { pos, issue } => Event::Gap { slot, pos, issue },
                });
            }
        }
        round.array_events = found;
        match stop {
            SplitStop::ArrayEnd { pos } => {
                round.events.push(Event::ArrayEnd { slot, pos });
                let in_object = open_slot
                    .and_then(|slot| round.docs.get(slot))
                    .is_some_and(|doc| doc.in_object);
                if in_object {
                    self.mode = Mode::CommaOrEnd;
                } else {
                    self.finish_doc(round, open_slot);
                }
                Step::Continue(pos.saturating_add(1))
            }
            SplitStop::UnexpectedClose { pos } => Self::damage(
                round,
                *open_slot,
                pos,
                ProblemKind::Damaged,
                "`}` where an element or `]` was expected",
            ),
            SplitStop::NeedMore {
                resume,
                expect,
                open,
            } => {
                self.mode = Mode::Array(expect);
                Step::Stop(resume, RoundStop::NeedMore { open })
            }
            SplitStop::Budget { resume } => {
                self.mode = Mode::Array(Expect::CommaOrEnd);
                Step::Stop(resume, RoundStop::Budget)
            }
        }
    }
}

/// Keeps the outer values the summary and envelopes need, read at the round's event count
/// `events` (for [`DocState::undo_after`]).
fn capture(doc: &mut DocState, key: OuterKey, raw: &[u8], events: usize) {
    let undo = &mut doc.undo;
    match key {
        OuterKey::WorkId => {
            if doc.work_id.is_none() {
                set_logged(
                    undo,
                    events,
                    &mut doc.work_id,
                    scalar_text(raw),
                    Undo::WorkId,
                );
            }
            return;
        }
        OuterKey::Code => {
            let status = scalar_text(raw).and_then(|text| text.trim().parse().ok());
            set_logged(undo, events, &mut doc.status, status, Undo::Status);
        }
        OuterKey::Message => {
            set_logged(
                undo,
                events,
                &mut doc.message,
                scalar_text(raw),
                Undo::Message,
            );
        }
        OuterKey::Success => {
            let success = match raw {
                b"true" => Some(true),
                b"false" => Some(false),
                _ => None,
            };
            set_logged(undo, events, &mut doc.success, success, Undo::Success);
        }
        OuterKey::DevDataList | OuterKey::Other => return,
    }
    // `code`, `message` and `success` are the envelope keys.
    set_logged(
        undo,
        events,
        &mut doc.envelope_keys,
        true,
        Undo::EnvelopeKeys,
    );
}

/// A JSON string (unescaped) or a number's text; `None` for `null` and other shapes.
fn scalar_text(raw: &[u8]) -> Option<String> {
    match raw.first() {
        Some(b'"') => {
            let mut copy = raw.to_vec();
            let tape = simd_json::to_tape(&mut copy).ok()?;
            match tape.0.first() {
                Some(simd_json::value::tape::Node::String(text)) => Some((*text).to_owned()),
                _ => None,
            }
        }
        Some(b'-' | b'0'..=b'9') => core::str::from_utf8(raw).ok().map(str::to_owned),
        _ => None,
    }
}

/// The first non-whitespace position at or after `from`, if the buffer has one.
fn skip_whitespace(buf: &[u8], from: usize) -> Option<usize> {
    buf.get(from..)?
        .iter()
        .position(|&b| !is_json_whitespace(b))
        .map(|index| from.saturating_add(index))
}

/// One past the closing quote of the string that opens at `start`.
fn string_end(buf: &[u8], start: usize) -> Option<usize> {
    let mut escaped = false;
    for (index, &byte) in buf.get(start.saturating_add(1)..)?.iter().enumerate() {
        if escaped {
            escaped = false;
        } else if byte == b'\\' {
            escaped = true;
        } else if byte == b'"' {
            return Some(start.saturating_add(index).saturating_add(2));
        }
    }
    None
}

/// The end of a number or literal: the first delimiter after `start`.
fn scalar_end(buf: &[u8], start: usize) -> Option<usize> {
    buf.get(start..)?
        .iter()
        .position(|&b| is_json_whitespace(b) || matches!(b, b',' | b'}' | b']'))
        .map(|index| start.saturating_add(index))
        .filter(|&end| end > start)
}

/// Scanning state for skipping an element larger than the cap without keeping it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SkipState {
    depth: usize,
    in_string: bool,
    escaped: bool,
}

impl SkipState {
    /// Starts skipping the element at the front of `bytes`.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Scans `bytes`; `Some(n)` when the element ends after `n` bytes.
    pub(crate) fn scan(&mut self, bytes: &[u8]) -> Option<usize> {
        for (index, &byte) in bytes.iter().enumerate() {
            if self.escaped {
                self.escaped = false;
                continue;
            }
            match byte {
                b'\\' => self.escaped = true,
                b'"' => self.in_string = !self.in_string,
                _ if self.in_string => {}
                b'{' | b'[' => self.depth = self.depth.saturating_add(1),
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(index.saturating_add(1));
                    }
                }
                _ => {}
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &str) -> (Vec<Event>, Vec<DocState>, RoundStop) {
        let mut driver = Driver::new(0, 1 << 20, SplitMode::Exact);
        let mut round = Round::default();
        let (_, stop) = driver.split_round(input.as_bytes(), 0, usize::MAX, &mut round);
        (round.events, round.docs, stop)
    }

    #[test]
    fn keys_in_any_order_and_work_id_after_the_array() {
        let input = r#"{"x":{"a":[1]},"devDataList":[{"devSn":"1"},{"devSn":"2"}],"workId":"W1"}
{"workId":7,"devDataList":[{"devSn":"3"}]}"#;
        let (events, docs, stop) = split(input);
        assert_eq!(stop, RoundStop::NeedMore { open: false });
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].work_id.as_deref(), Some("W1"));
        assert_eq!(docs[1].work_id.as_deref(), Some("7"));
        assert_eq!(docs[0].next_index, 2);
        let elements: Vec<(u32, u64, bool)> = events
            .iter()
            .filter_map(|e| match *e {
                Event::Element {
                    slot,
                    index,
                    work_known,
                    ..
                } => Some((slot, index, work_known)),
                _ => None,
            })
            .collect();
        assert_eq!(elements, [(0, 0, false), (0, 1, false), (1, 0, true)]);
        assert_eq!(
            events
                .iter()
                .filter(|e| matches!(e, Event::DocEnd { .. }))
                .count(),
            2
        );
    }

    #[test]
    fn envelope_documents() {
        let (events, docs, _) = split(
            r#"{"code":400,"data":null,"message":"终端1在档案缓存中不存在","success":false,"timestamp":""}"#,
        );
        assert!(docs[0].is_envelope());
        assert_eq!(docs[0].status, Some(400));
        assert_eq!(docs[0].message.as_deref(), Some("终端1在档案缓存中不存在"));
        assert!(events.contains(&Event::Envelope { slot: 0 }));
        let (_, docs, _) = split(r#"{"code":200,"success":true,"data":{}}"#);
        assert!(!docs[0].is_envelope());
    }

    #[test]
    fn bare_array_and_damage() {
        let (events, docs, _) = split(r#"[{"devSn":"1"}]"#);
        assert_eq!(docs.len(), 1);
        assert!(events.contains(&Event::DocEnd { slot: 0 }));
        let (events, _, stop) = split(r#"{"devDataList":[{"devSn":"1"}] x}"#);
        assert_eq!(stop, RoundStop::Damage);
        assert!(matches!(events.last(), Some(Event::Damage { pos: 31, .. })));
        let (_, _, stop) = split("garbage");
        assert_eq!(stop, RoundStop::Damage);
    }

    #[test]
    fn cut_pairs_are_read_again() {
        let input = r#"{"workId":"abc"#;
        let mut driver = Driver::new(0, 1 << 20, SplitMode::Exact);
        let mut round = Round::default();
        let (resume, stop) = driver.split_round(input.as_bytes(), 0, usize::MAX, &mut round);
        assert_eq!((resume, stop), (1, RoundStop::NeedMore { open: false }));
        assert_eq!(driver.mode, Mode::Key { first: true });
    }

    #[test]
    fn skip_state_spans_calls() {
        let mut skip = SkipState::new();
        assert_eq!(skip.scan(br#"{"a":"}\"","#), None);
        assert_eq!(skip.scan(br#""b":[1]}, {"#), Some(8));
    }
}
