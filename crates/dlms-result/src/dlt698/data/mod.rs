//! A borrowing skip-walker for DL/T 698.45 `Data` (our protocol notes §2.7): finds where a
//! value ends by walking its type tags, without building anything.
//!
//! A `Data` carries no outer length, so the only way to reach the next result of a list is
//! to walk the tag tree. The walk is iterative, with an explicit stack bounded by
//! [`Limits::max_depth`]: hostile nesting gives `DepthLimit`, never a stack overflow. Every
//! declared count is checked against [`Limits::max_items`] and against the bytes left, and
//! nothing is allocated from a declared length.

use crate::error::DecodeErrorKind;
use crate::limits::Limits;
use crate::parse::{PResult, fail, take, u8};

use super::axdr::{self, DATE_TIME_S_LEN, TI_LEN};

mod table;

pub use table::data_type_name;
use table::{Shape, shape};

/// Work still to do on the walker's stack.
#[derive(Clone, Copy, Debug)]
enum Task {
    /// This many more `Data` values.
    Values(u32),
    /// This many more RSD Selector2 (OAD + 3 `Data`) items.
    Selector2s(u32),
    /// This many more Regions (unit + 2 `Data`).
    Regions(u32),
}

impl Task {
    /// Takes one item off the task; `None` when it is done.
    fn next(&mut self) -> Option<Self> {
        let (Self::Values(n) | Self::Selector2s(n) | Self::Regions(n)) = self;
        *n = n.checked_sub(1)?;
        Some(match self {
            Self::Values(_) => Self::Values(1),
            Self::Selector2s(_) => Self::Selector2s(1),
            Self::Regions(_) => Self::Regions(1),
        })
    }
}

/// Nesting depth kept on the machine stack before the walk spills into the walker's vector.
/// Real values nest two or three deep (an array of structures of scalars), so a walk
/// normally allocates nothing; without this, the first container of every APDU cost a
/// heap allocation and its free (`benches/frames.rs`, `decode_*` groups).
const INLINE_DEPTH: usize = 16;

/// The explicit stack of one walk; its length is the nesting depth. The bottom
/// [`INLINE_DEPTH`] tasks live in an array, deeper ones in the walker's reusable vector.
struct Walk<'s, 'l> {
    inline: [Task; INLINE_DEPTH],
    inline_len: usize,
    spill: &'s mut Vec<Task>,
    limits: &'l Limits,
}

impl Walk<'_, '_> {
    /// The nesting depth: every task on the stack.
    fn depth(&self) -> usize {
        self.inline_len.saturating_add(self.spill.len())
    }

    /// Schedules nested work, failing at `at` when that would nest deeper than the limit.
    fn push<'a>(&mut self, at: &'a [u8], task: Task) -> PResult<'a, ()> {
        if let Task::Values(0) | Task::Selector2s(0) | Task::Regions(0) = task {
            return Ok((at, ()));
        }
        // The root task is depth 0; every nested container adds one.
        if self.depth() > usize::from(self.limits.max_depth) {
            return fail(
                at,
                DecodeErrorKind::DepthLimit {
                    max: self.limits.max_depth,
                },
            );
        }
        match self.inline.get_mut(self.inline_len) {
            Some(slot) if self.spill.is_empty() => {
                *slot = task;
                self.inline_len = self.inline_len.saturating_add(1);
            }
            _ => self.spill.push(task),
        }
        Ok((at, ()))
    }

    /// The task on top of the stack.
    fn top(&mut self) -> Option<&mut Task> {
        if self.spill.is_empty() {
            let top = self.inline_len.checked_sub(1)?;
            self.inline.get_mut(top)
        } else {
            self.spill.last_mut()
        }
    }

    /// Removes the task on top of the stack.
    fn pop(&mut self) {
        if self.spill.pop().is_none() {
            self.inline_len = self.inline_len.saturating_sub(1);
        }
    }
}

/// A `Data` walker whose spill vector is kept between walks, so even values nested deeper
/// than [`INLINE_DEPTH`] allocate at most once per APDU (its size is bounded by
/// [`Limits::max_depth`]).
#[derive(Debug, Default)]
pub(crate) struct DataWalker {
    spill: Vec<Task>,
}

impl DataWalker {
    /// Walks one `Data` value at the start of `input`; returns the rest and exactly the
    /// value's bytes (tag included).
    pub(crate) fn data<'a>(&mut self, input: &'a [u8], limits: &Limits) -> PResult<'a, &'a [u8]> {
        match scalar(input) {
            Some((value, rest)) => Ok((rest, value)),
            None => self.values(input, 1, limits),
        }
    }

    /// Walks `count` consecutive `Data` values (e.g. the rows of a record response); returns
    /// the rest and the bytes they occupy.
    pub(crate) fn values<'a>(
        &mut self,
        input: &'a [u8],
        count: u32,
        limits: &Limits,
    ) -> PResult<'a, &'a [u8]> {
        self.walk::<true>(input, count, limits)
    }

    /// [`DataWalker::values`]; with `SCALAR_RUNS`, the scalars at the front of the values
    /// still to walk are skipped in a loop of their own ([`scalar`]), without a round of the
    /// stack for each. The walk without them is kept for the test that holds the two equal.
    fn walk<'a, const SCALAR_RUNS: bool>(
        &mut self,
        input: &'a [u8],
        count: u32,
        limits: &Limits,
    ) -> PResult<'a, &'a [u8]> {
        self.spill.clear();
        let mut walk = Walk {
            inline: [Task::Values(0); INLINE_DEPTH],
            inline_len: 0,
            spill: &mut self.spill,
            limits,
        };
        let (mut rest, ()) = walk.push(input, Task::Values(count))?;
        while let Some(top) = walk.top() {
            // Arrays and structures are mostly scalars (an array of long-unsigned, a structure
            // of a date-time and a double-long): each is skipped here, without a round of the
            // loop below (top, next, `value`). The walker then costs 53 instead of 84
            // instructions a DL/T 698.45 frame (callgrind, `Decoder::decode` over the
            // DL/T 698.45 fixtures: 855.3 -> 836.3 a frame in all). A scalar is complete and
            // valid or `None`, and `value` reads it the same way, so the walk ends in the same
            // place with the same errors and depth (`scalar_runs_walk_as_the_full_walk`).
            if SCALAR_RUNS && let Task::Values(left) = top {
                while *left > 0
                    && let Some((_, after)) = scalar(rest)
                {
                    rest = after;
                    *left = left.wrapping_sub(1);
                }
            }
            let Some(item) = top.next() else {
                walk.pop();
                continue;
            };
            rest = match item {
                Task::Values(_) => value(rest, &mut walk)?.0,
                Task::Selector2s(_) => {
                    let (after, _) = axdr::oad(rest)?;
                    walk.push(after, Task::Values(3))?.0
                }
                Task::Regions(_) => {
                    let (after, _unit) = u8(rest)?;
                    walk.push(after, Task::Values(2))?.0
                }
            };
        }
        let used = input.len().saturating_sub(rest.len());
        match input.split_at_checked(used) {
            Some((value, rest)) => Ok((rest, value)),
            None => fail(input, DecodeErrorKind::Truncated { needed: 1 }),
        }
    }
}

/// A complete fixed-size or length-prefixed scalar at the start of `input`, split off; `None`
/// for anything else (containers, selectors, unknown tags, short input), which the full walk
/// then decodes — errors included, so they are reported exactly as before.
///
/// Most results carry one scalar (`long-unsigned`, `double-long-unsigned`, `octet-string` …):
/// this skips the walk's stack set-up and loop for them, about a third of the walker's cost on
/// a typical GET-Response-Normal (`benches/frames.rs`, `get_response_normal_30`).
pub(super) fn scalar(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let (&tag, content) = input.split_first()?;
    let content_len = match shape(tag)? {
        Shape::Fixed(n) => n,
        // A short-form A-XDR length; the long forms take the full walk.
        Shape::Bytes => match content.first() {
            Some(&len) if len < 0x80 => usize::from(len).checked_add(1)?,
            _ => return None,
        },
        _ => return None,
    };
    input.split_at_checked(content_len.checked_add(1)?)
}

/// Walks one `Data` value with a fresh walker (see [`DataWalker::data`]).
pub(crate) fn data<'a>(input: &'a [u8], limits: &Limits) -> PResult<'a, &'a [u8]> {
    DataWalker::default().data(input, limits)
}

/// One value: its tag and whatever follows it; nested `Data` are scheduled on the stack.
fn value<'a>(input: &'a [u8], walk: &mut Walk<'_, '_>) -> PResult<'a, ()> {
    let (rest, tag) = u8(input)?;
    let Some(shape) = shape(tag) else {
        return fail(input, DecodeErrorKind::InvalidDataTag { tag });
    };
    match shape {
        Shape::Fixed(n) => axdr::skip(rest, n),
        Shape::Bytes => axdr::octet_string(rest).map(|(rest, _)| (rest, ())),
        Shape::Bits => {
            let (rest, bits) = axdr::length(rest)?;
            axdr::skip(rest, bits.div_ceil(8))
        }
        Shape::Container => {
            let (rest, n) = axdr::count(rest, walk.limits, 1)?;
            walk.push(rest, Task::Values(n)).map_err(|e| at(e, input))
        }
        Shape::Road => axdr::road(rest, walk.limits).map(|(rest, _)| (rest, ())),
        Shape::Region => {
            let (rest, _unit) = u8(rest)?;
            walk.push(rest, Task::Values(2)).map_err(|e| at(e, input))
        }
        Shape::Rsd => rsd(rest, walk),
        Shape::Csd => axdr::csd(rest, walk.limits),
        Shape::Ms => ms(rest, walk),
        Shape::Sid => sid(rest),
        Shape::SidMac => {
            let (rest, ()) = sid(rest)?;
            axdr::octet_string(rest).map(|(rest, _)| (rest, ()))
        }
        Shape::Rcsd => axdr::rcsd(rest, walk.limits).map(|(rest, _)| (rest, ())),
    }
}

/// Moves a depth-limit error to the tag of the container that went too deep.
fn at<'a>(
    err: nom::Err<crate::parse::PError<'a>>,
    tag: &'a [u8],
) -> nom::Err<crate::parse::PError<'a>> {
    err.map(|mut e| {
        if matches!(e.kind, DecodeErrorKind::DepthLimit { .. }) {
            e.at = tag;
        }
        e
    })
}

/// SID: identifier double-long-unsigned(4) + additional data octet-string.
fn sid(input: &[u8]) -> PResult<'_, ()> {
    let (rest, ()) = axdr::skip(input, 4)?;
    axdr::octet_string(rest).map(|(rest, _)| (rest, ()))
}

/// RSD, the record selector (DL/T 698.45 §7 RSD): CHOICE of Selector0–10.
fn rsd<'a>(input: &'a [u8], walk: &mut Walk<'_, '_>) -> PResult<'a, ()> {
    let (rest, choice) = u8(input)?;
    match choice {
        // Selector0: no selection.
        0 => Ok((rest, ())),
        // Selector1: OAD + value.
        1 => {
            let (rest, _) = axdr::oad(rest)?;
            walk.push(rest, Task::Values(1))
        }
        // Selector2: OAD + start, end, interval.
        2 => {
            let (rest, _) = axdr::oad(rest)?;
            walk.push(rest, Task::Values(3))
        }
        // Selector3: SEQUENCE OF Selector2 (an OAD and three Data, 7 bytes at least).
        3 => {
            let (rest, n) = axdr::count(rest, walk.limits, 7)?;
            walk.push(rest, Task::Selector2s(n))
        }
        // Selector4 / 5: collection start / storage time + MS.
        4 | 5 => {
            let (rest, ()) = axdr::skip(rest, DATE_TIME_S_LEN)?;
            ms(rest, walk)
        }
        // Selector6 / 7 / 8: start, end, interval TI, MS.
        6..=8 => {
            let (rest, ()) = axdr::skip(rest, DATE_TIME_S_LEN)?;
            let (rest, ()) = axdr::skip(rest, DATE_TIME_S_LEN)?;
            let (rest, ()) = axdr::skip(rest, TI_LEN)?;
            ms(rest, walk)
        }
        // Selector9: the n-th last record.
        9 => axdr::skip(rest, 1),
        // Selector10: the last n records + MS.
        10 => {
            let (rest, ()) = axdr::skip(rest, 1)?;
            ms(rest, walk)
        }
        value => fail(
            input,
            DecodeErrorKind::InvalidChoice {
                field: "RSD",
                value,
            },
        ),
    }
}

/// MS, a set of meters (DL/T 698.45 §7 MS).
fn ms<'a>(input: &'a [u8], walk: &mut Walk<'_, '_>) -> PResult<'a, ()> {
    let (rest, choice) = u8(input)?;
    match choice {
        // 0 no meter, 1 all user addresses.
        0 | 1 => Ok((rest, ())),
        // A group of user types: SEQUENCE OF unsigned.
        2 => {
            let (rest, n) = axdr::count(rest, walk.limits, 1)?;
            take(usize::try_from(n).unwrap_or(usize::MAX))(rest).map(|(rest, _)| (rest, ()))
        }
        // A group of user addresses: SEQUENCE OF TSA.
        3 => {
            let (mut rest, n) = axdr::count(rest, walk.limits, 1)?;
            for _ in 0..n {
                (rest, _) = axdr::octet_string(rest)?;
            }
            Ok((rest, ()))
        }
        // A group of configuration numbers: SEQUENCE OF long-unsigned.
        4 => {
            let (rest, n) = axdr::count(rest, walk.limits, 2)?;
            axdr::skip(
                rest,
                usize::try_from(n).unwrap_or(usize::MAX).saturating_mul(2),
            )
        }
        // Ranges of user types / addresses / configuration numbers: SEQUENCE OF Region.
        5..=7 => {
            let (rest, n) = axdr::count(rest, walk.limits, 3)?;
            walk.push(rest, Task::Regions(n))
        }
        value => fail(input, DecodeErrorKind::InvalidChoice { field: "MS", value }),
    }
}

#[cfg(test)]
mod tests;
