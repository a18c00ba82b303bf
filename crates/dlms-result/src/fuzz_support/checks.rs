//! Invariant checks shared by the harness functions.

use core::fmt::Write as _;

use crate::{AccessResult, DecodeError, Limits, Outcome};

/// Limits small enough that fuzz inputs of a few hundred bytes reach them.
pub(super) const SMALL_LIMITS: Limits = Limits::DEFAULT.with_max_depth(3).with_max_items(5);

/// Whether `part` lies inside `whole`. An empty `part` must still point inside `whole` or at
/// its end: a decoder that returns a slice of something else (a static empty slice, a
/// temporary copy) breaks the borrowing contract of [`crate::DataRef`].
pub(super) fn is_within(whole: &[u8], part: &[u8]) -> bool {
    let start = whole.as_ptr().addr();
    let end = start.saturating_add(whole.len());
    let at = part.as_ptr().addr();
    at >= start && at.saturating_add(part.len()) <= end
}

/// An error's offset lies inside the input (or at its end), and it can be shown.
pub(super) fn check_error(what: &str, input: &[u8], error: &DecodeError) -> Result<(), String> {
    if error.offset() > input.len() {
        return Err(format!(
            "{what}: error offset {} past the end of a {}-byte input: {error}",
            error.offset(),
            input.len()
        ));
    }
    let mut shown = String::new();
    let _ = write!(
        shown,
        "{error} {} {:?}",
        error.kind().name(),
        error.category()
    );
    if shown.is_empty() {
        return Err(format!("{what}: an error shows as nothing"));
    }
    Ok(())
}

/// Every result points into `input` at or after `from`, and its data borrows `input`.
pub(super) fn check_results(
    what: &str,
    input: &[u8],
    from: usize,
    results: &[AccessResult<'_>],
) -> Result<(), String> {
    for (index, result) in results.iter().enumerate() {
        if result.offset < from || result.offset >= input.len() {
            return Err(format!(
                "{what}: result {index} at offset {} outside [{from}, {}): {result:?}",
                result.offset,
                input.len()
            ));
        }
        if let Outcome::Data(data) = result.outcome {
            if !is_within(input, data.wire_bytes()) {
                return Err(format!(
                    "{what}: result {index} data is not a slice of the input: {result:?}"
                ));
            }
            if data.value_bytes().len() != data.len() {
                return Err(format!(
                    "{what}: result {index} value bytes differ in length from the wire bytes"
                ));
            }
        }
        // Display must work for every target and code (the CLI prints them).
        let mut shown = result.target.to_string();
        if let Some(code) = result.code() {
            let _ = write!(shown, " {code} {:?} {:?}", code.name_zh(), code.name_en());
        }
        if shown.is_empty() {
            return Err(format!("{what}: result {index} shows as nothing"));
        }
    }
    Ok(())
}

/// The bytes of `input` from `start` for `len` bytes, or an error naming `what`.
pub(super) fn slice<'a>(
    what: &str,
    input: &'a [u8],
    start: usize,
    len: usize,
) -> Result<&'a [u8], String> {
    input
        .get(start..start.saturating_add(len))
        .ok_or_else(|| format!("{what}: {len} bytes at {start} are not inside the input"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_accepts_sub_slices_and_rejects_others() {
        let whole = [1u8, 2, 3, 4];
        assert!(is_within(&whole, &whole[1..3]));
        assert!(is_within(&whole, &whole[4..]));
        assert!(is_within(&whole, &whole));
        let other = [1u8, 2];
        assert!(!is_within(&whole, &other));
        assert!(!is_within(&whole, &[]));
    }

    #[test]
    fn errors_outside_the_input_are_reported() {
        let e = DecodeError::new(5, crate::DecodeErrorKind::NoFrame);
        assert!(check_error("t", &[0; 5], &e).is_ok());
        assert!(check_error("t", &[0; 4], &e).is_err());
    }
}
