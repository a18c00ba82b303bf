//! The reference splitter: the same semantics as the fast one, one byte at a time. It is the
//! specification: property tests and the `split` fuzz target hold the fast splitter and its
//! value ends to it.

use super::{ArrayEvent, Expect, SplitStop, check_gap};

/// Byte-at-a-time [`super::split_array`]: a backslash escapes the next byte (anywhere), an
/// unescaped `"` toggles the string state, brackets outside strings change the depth.
pub(crate) fn split_array(
    buf: &[u8],
    from: usize,
    mut expect: Expect,
    budget: usize,
    events: &mut Vec<ArrayEvent>,
) -> SplitStop {
    let mut in_string = false;
    let mut escaped = false;
    let mut depth = 0usize;
    let mut element_start = from;
    let mut gap_start = from;
    let budget_end = from.saturating_add(budget);
    for (pos, &byte) in buf.iter().enumerate().skip(from) {
        if escaped {
            escaped = false;
            continue;
        }
        match byte {
            b'\\' => escaped = true,
            b'"' => in_string = !in_string,
            _ if in_string => {}
            b'{' | b'[' => {
                if depth == 0 {
                    check_gap(buf, gap_start, pos, expect, true, events);
                    element_start = pos;
                    expect = Expect::Value;
                }
                depth = depth.saturating_add(1);
            }
            b'}' | b']' if depth == 0 => {
                check_gap(buf, gap_start, pos, expect, false, events);
                return if byte == b']' {
                    SplitStop::ArrayEnd { pos }
                } else {
                    SplitStop::UnexpectedClose { pos }
                };
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    let end = pos.saturating_add(1);
                    events.push(ArrayEvent::Element {
                        start: element_start,
                        end,
                    });
                    expect = Expect::CommaOrEnd;
                    gap_start = end;
                    if end >= budget_end {
                        return SplitStop::Budget { resume: end };
                    }
                }
            }
            _ => {}
        }
    }
    if depth > 0 {
        SplitStop::NeedMore {
            resume: element_start,
            expect: Expect::Value,
            open: true,
        }
    } else {
        SplitStop::NeedMore {
            resume: gap_start,
            expect,
            open: false,
        }
    }
}

/// The end (one past the closing bracket) of the value that opens at `start` (a `{` or `[`),
/// if it closes within `buf` and within `limit` bytes: the specification of
/// [`super::value_end`], which resynchronisation uses.
pub(crate) fn value_end(buf: &[u8], start: usize, limit: usize) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    let mut depth = 0usize;
    let stop = start.saturating_add(limit).min(buf.len());
    for (pos, &byte) in buf.get(..stop)?.iter().enumerate().skip(start) {
        if escaped {
            escaped = false;
            continue;
        }
        match byte {
            b'\\' => escaped = true,
            b'"' => in_string = !in_string,
            _ if in_string => {}
            b'{' | b'[' => depth = depth.saturating_add(1),
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(pos.saturating_add(1));
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_end_finds_the_matching_close() {
        let buf = br#"{"a":"}","b":[1,2]} tail"#;
        assert_eq!(value_end(buf, 0, usize::MAX), Some(19));
        assert_eq!(value_end(buf, 0, 10), None);
        assert_eq!(value_end(b"{\"a\":", 0, 100), None);
        assert_eq!(value_end(b"}", 0, 100), None);
    }
}
