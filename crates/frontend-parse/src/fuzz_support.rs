//! Harness functions for fuzz targets and tests (not a stable API).
//!
//! Each function accepts arbitrary input, must never panic, and returns what a fuzz target or
//! a test can check.

use crate::split::{self, ArrayEvent, Expect, SplitStop};

/// Splits `data` as the inside of a `devDataList` array with the fast and the reference
/// splitter, whole and with several budgets, and finds the end of the values at its first
/// brackets both ways. `Ok(number of events of the whole split)` when both agree,
/// `Err(description)` when they do not.
///
/// # Errors
/// A description of the first disagreement.
pub fn split(data: &[u8]) -> Result<usize, String> {
    let mut fast = Vec::new();
    let mut reference = Vec::new();
    let mut whole = 0;
    for budget in [usize::MAX, 1, 64, 1000] {
        fast.clear();
        reference.clear();
        let fast_stop = split::split_array(data, 0, Expect::ValueOrEnd, budget, &mut fast);
        let reference_stop =
            split::reference::split_array(data, 0, Expect::ValueOrEnd, budget, &mut reference);
        if (&fast, fast_stop) != (&reference, reference_stop) {
            return Err(format!(
                "budget {budget}: fast {fast:?} {fast_stop:?} != reference {reference:?} {reference_stop:?}"
            ));
        }
        if budget == usize::MAX {
            whole = fast.len();
        }
        if let Some(bad) = fast.iter().find(|event| !in_bounds(event, data.len())) {
            return Err(format!("event out of bounds: {bad:?}"));
        }
        if let SplitStop::NeedMore { resume, .. } | SplitStop::Budget { resume } = fast_stop
            && resume > data.len()
        {
            return Err(format!("resume {resume} past the end"));
        }
    }
    known_elements_change_nothing(data)?;
    // The end of the value at each of the first brackets (resynchronisation's candidates),
    // whole and within a limit, chunked and byte by byte.
    let opens = data
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'{' || b == b'[');
    for (start, _) in opens.take(16) {
        for limit in [usize::MAX, 100, 63] {
            let fast = split::value_end(data, start, limit);
            let reference = split::reference::value_end(data, start, limit);
            if fast != reference {
                return Err(format!(
                    "value end at {start}, limit {limit}: fast {fast:?} != reference {reference:?}"
                ));
            }
        }
    }
    Ok(whole)
}

/// Splitting with what earlier splits found of elements (a whole element's end, how far an
/// unfinished one was read when the buffer ended earlier) gives what splitting afresh gives,
/// from the array's start and from the unfinished element's start, with and without a
/// budget.
fn known_elements_change_nothing(data: &[u8]) -> Result<(), String> {
    let split = |from: usize, expect: Expect, budget: usize, known: split::Known| {
        let mut events = Vec::new();
        let stop =
            split::split_array_resuming(data, from, expect, budget, &mut events, known, &mut None);
        (events, stop)
    };
    for budget in [usize::MAX, 64] {
        let fresh = split(0, Expect::ValueOrEnd, budget, split::Known::default());
        let wholes = fresh.0.iter().filter_map(|event| match *event {
            ArrayEvent::Element { start, end } => Some((start, end)),
            _ => None,
        });
        for whole in wholes.take(3) {
            let known = split::Known {
                whole: Some(whole),
                open: None,
            };
            let again = split(0, Expect::ValueOrEnd, budget, known);
            if again != fresh {
                return Err(format!("known {whole:?}: {again:?} != {fresh:?}"));
            }
        }
        let len = data.len();
        for cut in [
            len / 3,
            len / 2,
            len.saturating_mul(2) / 3,
            len.saturating_sub(1),
        ] {
            let prefix = data.get(..cut).unwrap_or_default();
            let (mut events, mut open) = (Vec::new(), None);
            let stop = split::split_array_resuming(
                prefix,
                0,
                Expect::ValueOrEnd,
                usize::MAX,
                &mut events,
                split::Known::default(),
                &mut open,
            );
            let (SplitStop::NeedMore { resume, .. }, Some(state)) = (stop, open) else {
                continue;
            };
            let known = split::Known {
                whole: None,
                open: Some((resume, state)),
            };
            for (from, expect) in [(0, Expect::ValueOrEnd), (resume, Expect::Value)] {
                let fresh = split(from, expect, budget, split::Known::default());
                let again = split(from, expect, budget, known);
                if again != fresh {
                    return Err(format!(
                        "cut {cut}, known {known:?}, from {from}: {again:?} != {fresh:?}"
                    ));
                }
            }
        }
    }
    Ok(())
}

fn in_bounds(event: &ArrayEvent, len: usize) -> bool {
    match *event {
        ArrayEvent::Element { start, end } | ArrayEvent::Junk { start, end } => {
            start < end && end <= len
        }
        ArrayEvent::Gap { pos, .. } => pos <= len,
    }
}

/// The fast splitter alone over `data` (array content): the number of elements found. For
/// throughput measurements.
pub fn split_fast_count(data: &[u8]) -> usize {
    let mut events = Vec::new();
    let mut from = 0;
    let mut expect = Expect::Value;
    let mut total = 0usize;
    loop {
        events.clear();
        let stop = split::split_array(data, from, expect, 1 << 20, &mut events);
        total = total.saturating_add(events.len());
        match stop {
            SplitStop::Budget { resume } => {
                from = resume;
                expect = Expect::CommaOrEnd;
            }
            _ => return total,
        }
    }
}

/// Parses `data` as one element with the fast scanner and with simd-json alone, and extracts
/// its failures under both response-flag readings. `Ok(the number of failures under the DAR
/// reading, or `None` when it does not parse)` when both readers agree; `Err(description)`
/// when they read the input differently (the scanner may only give up to simd-json, never
/// read differently from it).
///
/// # Errors
/// A description of the two readings when they differ.
pub fn parse_element(data: &[u8]) -> Result<Option<usize>, String> {
    use crate::failure::{Location, ResponseFlagMode, extract_failures};
    let location = Location {
        doc: 0,
        element: Some(0),
        offset: 0,
        work_id: None,
    };
    let mut parser = crate::element::ElementParser::new();
    let (fast, failures) = parser.parse_with(data, |element| match element {
        Ok(element) => {
            let _ = element.has_nested_element();
            let mut failures = Vec::new();
            extract_failures(&element, location, ResponseFlagMode::Status, &mut failures);
            failures.clear();
            extract_failures(&element, location, ResponseFlagMode::Dar, &mut failures);
            (Ok(describe_element(&element)), Some(failures.len()))
        }
        Err(error) => (Err(error), None),
    });
    let reference =
        parser.parse_with_simd_json(data, |element| element.map(|e| describe_element(&e)));
    if fast == reference {
        Ok(failures)
    } else {
        Err(format!("scanner {fast:?} != simd-json {reference:?}"))
    }
}

/// Everything an element says, in comparable form (also for the differential tests).
pub(crate) fn describe_element(element: &crate::element::Element<'_>) -> String {
    let items: Vec<_> = element.items().collect();
    format!(
        "dev_sn={:?} comm_dev_id={:?} dev_type={:?} cmd_type={:?} error_code={:?} succ={:?} \
         frame_num={:?} items={items:?} nested={} document={} known={}",
        element.dev_sn(),
        element.comm_dev_id(),
        element.dev_type(),
        element.cmd_type(),
        element.error_code,
        element.succ,
        element.frame_num,
        element.has_nested_element(),
        element.is_document(),
        element.looks_like_element(),
    )
}

/// Parses `text` as a front-end error text and as an interface message; returns the code
/// and whether an interface template matched. Checks that every extracted slice lies inside
/// the text.
///
/// # Errors
/// A description of an extracted value that is not part of the text.
pub fn parse_text(text: &str) -> Result<(Option<String>, bool), String> {
    let parsed = crate::text::parse_error_text(text);
    let inside = |value: &str| {
        let start = value.as_ptr() as usize;
        let base = text.as_ptr() as usize;
        value.is_empty()
            || (start >= base
                && start.saturating_add(value.len()) <= base.saturating_add(text.len()))
    };
    for (name, value) in parsed.params.iter() {
        if !inside(value) {
            return Err(format!("{name} = {value:?} is not a slice of the text"));
        }
    }
    if let Some(detail) = parsed.details().find(|d| !inside(d)) {
        return Err(format!("detail {detail:?} is not a slice of the text"));
    }
    let _ = parsed.result_code();
    let interface = crate::text::match_interface_message(text);
    Ok((parsed.code.as_str().map(str::to_owned), interface.is_some()))
}

/// Runs the whole engine over `data` with tiny blocks, two threads and blocks read on demand,
/// and again with one thread, default blocks and a reader thread, both with element ends
/// guessed from anchors, and a third time like the second with exact splitting.
///
/// # Errors
/// A description when the accounting identity fails or the two runs differ.
pub fn run_batch(data: &[u8]) -> Result<crate::summary::Summary, String> {
    use crate::engine::{Engine, Entry, Input, Options, ReadAhead, SplitMode};
    let run = |options: Options| -> Result<(Vec<String>, crate::summary::Summary), String> {
        let engine = Engine::new(options).map_err(|e| e.to_string())?;
        let mut lines = Vec::new();
        let summary = engine
            .run(
                [Input::bytes("fuzz", data.to_vec())],
                |entry: &Entry<'_>, out: &mut Vec<String>| {
                    let failures = entry.failures().len();
                    out.push(match entry {
                        Entry::Problem(problem) => format!("P {problem}"),
                        Entry::Element(element) => {
                            let at = &element.location;
                            format!("E {} {:?} {} {failures}", at.doc, at.element, at.offset)
                        }
                        _ => format!("E {failures}"),
                    });
                },
                &mut |batch: Vec<String>| {
                    lines.extend(batch);
                    Ok(())
                },
            )
            .map_err(|e| e.to_string())?;
        Ok((lines, summary))
    };
    // The two runs also read their input the two ways.
    let (small_lines, small) = run(Options {
        threads: 2,
        block_size: 61,
        batch_size: 128,
        max_element_size: 4096,
        read_ahead: ReadAhead::OnDemand,
        ..Options::default()
    })?;
    let one_thread = Options {
        threads: 1,
        max_element_size: 4096,
        read_ahead: ReadAhead::Thread,
        ..Options::default()
    };
    let (lines, summary) = run(one_thread)?;
    let (exact_lines, exact) = run(Options {
        split: SplitMode::Exact,
        ..one_thread
    })?;
    if exact_lines != lines || exact != summary {
        return Err(format!(
            "anchored and exact splits differ:\n{lines:?}\n{exact_lines:?}\n{summary:?}\n{exact:?}"
        ));
    }
    let identity = summary
        .elements_ok
        .saturating_add(summary.elements_failed)
        .saturating_add(summary.malformed);
    if summary.elements != identity {
        return Err(format!("accounting identity broken: {summary:?}"));
    }
    if small_lines != lines || small != summary {
        return Err(format!(
            "runs differ:\n{small_lines:?}\n{lines:?}\n{small:?}\n{summary:?}"
        ));
    }
    Ok(summary)
}
