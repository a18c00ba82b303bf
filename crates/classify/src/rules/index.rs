//! Dense lookup tables, precomputed at load time so that classification never scans rules:
//! DAR 0–258 indexed directly, other exact codes by binary search, numeric ranges as sorted
//! segments, and one fallback slot per source. Each slot holds the winning rule for every
//! (result code present?, operation class) pair.

use crate::code::{Code, Op};
use crate::source::Source;

use super::{CodeKey, CodeMatch, Rule};

/// The number of operation classes.
const OPS: usize = Op::ALL.len();

/// The largest code of the dense DAR table (front-end result codes end at 258).
pub(crate) const DAR_DENSE_MAX: i64 = 258;

/// The winning rule per (has result code, op).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Slot {
    rules: [[u16; OPS]; 2],
}

impl Slot {
    fn get(&self, op: Op, has_result_code: bool) -> u16 {
        self.rules
            .get(usize::from(has_result_code))
            .and_then(|row| row.get(op.index()))
            .copied()
            .unwrap_or(0)
    }
}

#[derive(Clone, Debug, Default)]
struct SourceIndex {
    dense: Vec<Slot>,
    numbers: Vec<(i64, Slot)>,
    /// Sorted by [`TextKey`].
    texts: Vec<(TextKey, Slot)>,
    /// Non-overlapping `(low, high, slot)` segments, sorted.
    segments: Vec<(i64, i64, Slot)>,
    fallback: Option<Slot>,
}

/// An exact text code, ordered by its first eight bytes as a number, then by the whole text:
/// the binary search over a source's codes compares numbers, and compares strings only on
/// a code with the same first eight bytes, nearly always the one looked for (`memcmp` calls
/// were a third of a lookup: callgrind, 25.8 MB `fep gen` batch, `docs/performance.md`).
#[derive(Clone, Debug)]
struct TextKey {
    head: u64,
    text: Box<str>,
}

impl TextKey {
    fn new(text: &str) -> Self {
        Self {
            head: head_of(text),
            text: text.into(),
        }
    }

    /// How this key sorts against the code with `head` (its [`head_of`]) and `text`.
    fn order(&self, head: u64, text: &str) -> core::cmp::Ordering {
        self.head.cmp(&head).then_with(|| (*self.text).cmp(text))
    }
}

/// The first eight bytes of `text` (zeros past its end) as a big-endian number.
fn head_of(text: &str) -> u64 {
    if let Some(head) = text.as_bytes().first_chunk::<8>() {
        return u64::from_be_bytes(*head);
    }
    let mut head = [0u8; 8];
    for (to, from) in head.iter_mut().zip(text.as_bytes()) {
        *to = *from;
    }
    u64::from_be_bytes(head)
}

/// The lookup tables of a rule set.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    sources: [SourceIndex; Source::ALL.len()],
}

/// Two rules of one layer and precedence that tie for some input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tie {
    pub(crate) first: usize,
    pub(crate) second: usize,
    pub(crate) example: String,
}

/// Which rules may match a key.
#[derive(Clone, Copy)]
enum KeyKind<'a> {
    /// An exact code: every rule kind may match.
    Exact(Code<'a>),
    /// A code inside a range segment that is not an exact code of any rule.
    Segment(i64),
    /// A code no exact or range rule covers.
    Other,
}

impl KeyKind<'_> {
    /// Whether the rule's codes take part for this key (its op and presence aside): any rule
    /// covering an exact code, range and fallback rules inside a segment, fallback rules
    /// elsewhere.
    fn is_covered_by(self, rule: &Rule) -> bool {
        match self {
            Self::Exact(code) => rule.codes.covers(code),
            Self::Segment(number) => {
                !matches!(rule.codes, CodeMatch::Codes(_))
                    && rule.codes.covers(Code::Number(number))
            }
            Self::Other => rule.is_fallback(),
        }
    }
}

impl Index {
    /// Builds the tables; every tie is reported.
    pub(crate) fn build(rules: &[Rule], ranks: &[(usize, u16)]) -> Result<Self, Vec<Tie>> {
        let mut index = Self::default();
        let mut ties = Vec::new();
        for source in Source::ALL {
            let members: Vec<usize> = rules
                .iter()
                .enumerate()
                .filter(|(_, rule)| rule.source == source)
                .map(|(position, _)| position)
                .collect();
            let mut slot_for = |key: KeyKind<'_>| slot(rules, ranks, &members, key, &mut ties);
            let entry = index.sources.get_mut(source.index());
            let Some(entry) = entry else { continue };

            let mut exact: Vec<CodeKey> = members
                .iter()
                .filter_map(|&position| rules.get(position))
                .filter_map(|rule| match &rule.codes {
                    CodeMatch::Codes(codes) => Some(codes.iter().cloned()),
                    _ => None,
                })
                .flatten()
                .collect();
            exact.sort();
            exact.dedup();

            if source == Source::Dar {
                entry.dense = (0..=DAR_DENSE_MAX)
                    .filter_map(|code| slot_for(KeyKind::Exact(Code::Number(code))))
                    .collect();
            }
            for key in &exact {
                let Some(found) = slot_for(KeyKind::Exact(key.as_code())) else {
                    continue;
                };
                match key {
                    CodeKey::Number(number) => entry.numbers.push((*number, found)),
                    CodeKey::Text(text) => entry.texts.push((TextKey::new(text), found)),
                }
            }

            entry
                .texts
                .sort_by(|(a, _), (b, _)| a.order(b.head, &b.text));

            let mut bounds: Vec<i64> = Vec::new();
            for rule in members.iter().filter_map(|&position| rules.get(position)) {
                if let CodeMatch::Range(low, high) = rule.codes {
                    bounds.push(low);
                    bounds.push(high.saturating_add(1));
                }
            }
            bounds.sort_unstable();
            bounds.dedup();
            for pair in bounds.windows(2) {
                let [low, next] = *pair else { continue };
                let covered = members
                    .iter()
                    .filter_map(|&position| rules.get(position))
                    .any(
                        |rule| matches!(rule.codes, CodeMatch::Range(l, h) if l <= low && low <= h),
                    );
                if covered && let Some(found) = slot_for(KeyKind::Segment(low)) {
                    entry.segments.push((low, next.saturating_sub(1), found));
                }
            }
            entry.fallback = slot_for(KeyKind::Other);
        }
        if ties.is_empty() {
            Ok(index)
        } else {
            Err(ties)
        }
    }

    /// The winning rule's position for a failure. A loaded rule set has a fallback slot for
    /// every source, so this always names a rule.
    pub(crate) fn lookup(
        &self,
        source: Source,
        code: Code<'_>,
        op: Op,
        has_result_code: bool,
    ) -> u16 {
        let Some(entry) = self.sources.get(source.index()) else {
            return 0;
        };
        let code = match code {
            Code::Text(text) if source.numeric_codes() => Code::parse(text),
            other => other,
        };
        let found = match code {
            Code::Number(number) => usize::try_from(number)
                .ok()
                .and_then(|position| entry.dense.get(position))
                .copied()
                .or_else(|| {
                    entry
                        .numbers
                        .binary_search_by_key(&number, |(key, _)| *key)
                        .ok()
                        .and_then(|position| entry.numbers.get(position))
                        .map(|(_, slot)| *slot)
                })
                .or_else(|| {
                    let position = entry
                        .segments
                        .partition_point(|(_, high, _)| *high < number);
                    entry
                        .segments
                        .get(position)
                        .filter(|(low, _, _)| *low <= number)
                        .map(|(_, _, slot)| *slot)
                }),
            Code::Text(text) => {
                let head = head_of(text);
                entry
                    .texts
                    .binary_search_by(|(key, _)| key.order(head, text))
                    .ok()
                    .and_then(|position| entry.texts.get(position))
                    .map(|(_, slot)| *slot)
            }
        };
        found
            .or(entry.fallback)
            .map_or(0, |slot| slot.get(op, has_result_code))
    }
}

/// Resolves the winning rule of every (presence, op) for a key; `None` if some combination has no
/// matching rule at all (the caller reports missing fallbacks separately).
fn slot(
    rules: &[Rule],
    ranks: &[(usize, u16)],
    members: &[usize],
    key: KeyKind<'_>,
    ties: &mut Vec<Tie>,
) -> Option<Slot> {
    // The rules whose codes cover the key are found once, not once per (presence, op) pair:
    // testing every member's codes ten times a key was most of loading the built-in rules
    // (15.9 M of 24.5 M instructions, callgrind).
    let covering: Vec<(usize, &Rule)> = members
        .iter()
        .filter_map(|&position| rules.get(position).map(|rule| (position, rule)))
        .filter(|(_, rule)| key.is_covered_by(rule))
        .collect();
    let mut result = Slot {
        rules: [[0; OPS]; 2],
    };
    for has_result_code in [false, true] {
        for op in Op::ALL {
            let mut best: Option<(u8, bool, bool, (usize, u16))> = None;
            // The first two rules of the best rank: a second one is a tie.
            let mut winners: (Option<usize>, Option<usize>) = (None, None);
            for &(position, rule) in &covering {
                if !rule.applies_in(op, has_result_code) {
                    continue;
                }
                let (level, by_op, by_presence) = rule.specificity();
                let rank = (
                    level,
                    by_op,
                    by_presence,
                    ranks.get(position).copied().unwrap_or((0, 0)),
                );
                if best.is_none_or(|known| rank > known) {
                    best = Some(rank);
                    winners = (Some(position), None);
                } else if best == Some(rank) && winners.1.is_none() {
                    winners.1 = Some(position);
                }
            }
            if let (Some(first), Some(second)) = winners
                && !ties
                    .iter()
                    .any(|known| known.first == first && known.second == second)
            {
                ties.push(Tie {
                    first,
                    second,
                    example: describe(key, op, has_result_code),
                });
            }
            let position = u16::try_from(winners.0?).ok()?;
            let row = result.rules.get_mut(usize::from(has_result_code))?;
            *row.get_mut(op.index())? = position;
        }
    }
    Some(result)
}

fn describe(key: KeyKind<'_>, op: Op, has_result_code: bool) -> String {
    let code = match key {
        KeyKind::Exact(code) => code.to_string(),
        KeyKind::Segment(number) => format!("{number}…"),
        KeyKind::Other => String::from("an unknown code"),
    };
    let presence = if has_result_code { "with" } else { "without" };
    format!("code {code} (op {op}, {presence} a result code)")
}
