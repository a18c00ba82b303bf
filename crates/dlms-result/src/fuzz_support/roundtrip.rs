//! The round-trip harness: a structured description of a DL/T 698.45 response
//! ([`RoundTrip698`]) → the frame builders of [`crate::test_util`] → [`crate::decode`] → the
//! same service, link facts, targets, codes and data, each result pointing at its own bytes.
//!
//! The fuzz target derives the description with `arbitrary`; tests build it by hand or from a
//! seeded generator. The expected results are computed here from the description alone, not
//! from the decoder.

mod expect;
mod spec;

pub use spec::{
    ActionItem698, ActionThenGetItem698, Apdu698, Data698, GetItem698, Link698, Proxied698,
    Result698, RoundTrip698, SetItem698, SetThenGetItem698, Trailer698,
};

use crate::{Direction, Protocol, decode};

use super::checks::check_results;
use super::frames::frame;

/// The largest APDU built: well inside the 14-bit L of a DL/T 698.45 frame.
const MAX_APDU: usize = 8 * 1024;

/// The frame `spec` describes, as [`roundtrip_698`] builds it (empty when the APDU is larger
/// than one frame): lets tests look at the bytes the harness decodes.
#[must_use]
pub fn roundtrip_698_frame(spec: &RoundTrip698) -> Vec<u8> {
    spec::build(spec).frame
}

/// Builds the frame `spec` describes, decodes it and compares everything the description
/// determines. Descriptions too large for one frame are skipped.
///
/// Returns the number of results, or `None` for a skipped description.
///
/// # Errors
/// A description of the first difference.
pub fn roundtrip_698(spec: &RoundTrip698) -> Result<Option<usize>, String> {
    let built = spec::build(spec);
    if built.apdu_len > MAX_APDU {
        return Ok(None);
    }
    let bytes = built.frame;
    let decoded = decode(&bytes).map_err(|e| {
        format!(
            "roundtrip: the built frame does not decode: {e}\nspec {spec:?}\nframe {bytes:02X?}"
        )
    })?;
    // The whole-frame invariants hold for built frames too.
    frame(&bytes)?;
    if decoded.protocol != Protocol::Dlt698 {
        // The built bytes are also a whole frame of another protocol, which `decode` tries
        // first: a DL/T 645 reading when byte 7 is `68` and byte 9 (its L) matches the length
        // (regression `roundtrip_698/preamble-and-list-fill-a-645-frame`). With the checksums
        // off (cfg(fuzzing)) that shape is enough; in a normal build the 8-bit checksum must
        // match too (1 in 256 of such frames). Both readings are valid: nothing to compare.
        return Ok(None);
    }
    check_results("roundtrip", &bytes, 0, &decoded.results)?;
    let link = spec.link.normalized();
    let address = decoded.server_address;
    let facts_match = decoded.protocol == Protocol::Dlt698
        && decoded.service == built.service
        && decoded.preamble_len == usize::from(link.preamble)
        && decoded.frame_len == bytes.len().saturating_sub(usize::from(link.preamble))
        && decoded.direction == Direction::FromServer
        && decoded.client_address == Some(link.client)
        && decoded.scrambled == link.scrambled
        && decoded.fragment.is_none()
        && address.is_some_and(|a| {
            a.wire_bytes() == link.address.as_slice()
                && a.kind() == link.address_kind()
                && a.logical() == link.logical
        });
    if !facts_match {
        return Err(format!(
            "roundtrip: link facts differ\nspec {spec:?}\ndecoded {decoded:?}\nexpected service {}",
            built.service
        ));
    }
    expect::compare(&built.expected, &decoded.results, &bytes, link.scrambled)
        .map_err(|e| format!("roundtrip: {e}\nspec {spec:?}\ndecoded {decoded:?}"))?;
    Ok(Some(decoded.results.len()))
}
