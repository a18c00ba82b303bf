//! Application-layer harnesses: the DL/T 698.45 APDU decoder and the `Data` walker, reached
//! directly so the fuzzer spends no effort on the link layer.

use crate::{DecodeError, Limits, dlt698};

use super::checks::{SMALL_LIMITS, check_error, check_results};

/// Any bytes → [`dlt698::decode_apdu`], with the default limits and with small ones. Every
/// result lies inside the input and every error offset too; the limits are monotone: what
/// decodes under the small limits decodes under the default ones, and a failure under the
/// small limits that is not a limit failure is the same failure under the default ones.
///
/// Returns the number of results under the default limits, or `None` when the APDU does not
/// decode.
///
/// # Errors
/// A description of the first broken invariant.
pub fn apdu(data: &[u8]) -> Result<Option<usize>, String> {
    let full = dlt698::decode_apdu(data, &Limits::DEFAULT);
    match &full {
        Ok(apdu) => check_results("apdu", data, 0, &apdu.results)?,
        Err(error) => check_error("apdu", data, error)?,
    }
    let small = dlt698::decode_apdu(data, &SMALL_LIMITS);
    match &small {
        Ok(apdu) => check_results("apdu (small limits)", data, 0, &apdu.results)?,
        Err(error) => check_error("apdu (small limits)", data, error)?,
    }
    monotone(
        "apdu",
        small.as_ref().map(|_| ()).map_err(|e| *e),
        full.as_ref().map(|_| ()).map_err(|e| *e),
    )?;
    Ok(full.ok().map(|apdu| apdu.results.len()))
}

/// Raising limits can only turn a limit failure into something else: a success stays a
/// success, any other failure stays the same failure (the walk is the same up to it).
fn monotone(
    what: &str,
    small: Result<(), DecodeError>,
    full: Result<(), DecodeError>,
) -> Result<(), String> {
    match (small, full) {
        (Ok(()), Err(error)) => Err(format!(
            "{what}: decodes under small limits but not under the default ones: {error}"
        )),
        (Err(small), full) if small.category() != crate::Category::Limit && full != Err(small) => {
            Err(format!(
                "{what}: fails with {small} under small limits but gives {full:?} under the default ones"
            ))
        }
        _ => Ok(()),
    }
}

/// Any bytes → [`dlt698::data_len`]. A length is at least the tag byte and at most the
/// input; a value is self-delimiting, so the walker gives the same length on exactly the
/// value's bytes and reports any shorter prefix as truncated; limits are monotone as in
/// [`apdu`].
///
/// Returns the length of the value, or `None` when the input does not start with one.
///
/// # Errors
/// A description of the first broken invariant.
pub fn data(data: &[u8]) -> Result<Option<usize>, String> {
    let full = dlt698::data_len(data, &Limits::DEFAULT);
    let small = dlt698::data_len(data, &SMALL_LIMITS);
    monotone("data", small.map(|_| ()), full.map(|_| ()))?;
    if let Err(error) = &small {
        check_error("data (small limits)", data, error)?;
    }
    let len = match full {
        Ok(len) => len,
        Err(error) => {
            check_error("data", data, &error)?;
            return Ok(None);
        }
    };
    if len == 0 || len > data.len() {
        return Err(format!("data: length {len} of a {}-byte input", data.len()));
    }
    let value = data.get(..len).unwrap_or_default();
    let again = dlt698::data_len(value, &Limits::DEFAULT);
    if again != Ok(len) {
        return Err(format!(
            "data: {len} bytes on the whole input, {again:?} on exactly those bytes"
        ));
    }
    let cut = value.get(..len.saturating_sub(1)).unwrap_or_default();
    match dlt698::data_len(cut, &Limits::DEFAULT) {
        Err(error) if error.is_truncated() && error.offset() <= cut.len() => {}
        other => {
            return Err(format!(
                "data: a value of {len} bytes cut by one byte gives {other:?}, not truncated"
            ));
        }
    }
    Ok(Some(len))
}
