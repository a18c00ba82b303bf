//! Expected results of a built frame, and their comparison with a decoding.

use crate::{AccessResult, DataEncoding, Oad, Outcome, ResultCode, Section, Target};

/// What a result's offset must point at.
#[derive(Clone, Copy, Debug)]
pub(super) enum Anchor {
    /// A 4-byte descriptor (OAD, OMD), big-endian.
    Id(u32),
    /// The DAR byte itself (results without a descriptor).
    Byte(u8),
}

/// The outcome a result must have.
#[derive(Clone, Debug)]
pub(super) enum Want {
    Code(ResultCode),
    /// The value bytes (descrambled) of the data.
    Data(Vec<u8>),
}

/// One expected result.
#[derive(Clone, Debug)]
pub(super) struct Expected {
    pub(super) target: Target,
    pub(super) want: Want,
    pub(super) anchor: Anchor,
    pub(super) section: Section,
    /// The proxied server's address wire bytes.
    pub(super) tsa: Option<Vec<u8>>,
    /// The transparent-forwarding port.
    pub(super) port: Option<u32>,
}

/// The value of the frame byte at `at` (user data travels + 0x33 when scrambled).
fn plain(frame: &[u8], at: usize, scrambled: bool) -> Option<u8> {
    let byte = *frame.get(at)?;
    Some(if scrambled {
        byte.wrapping_sub(0x33)
    } else {
        byte
    })
}

/// Compares the decoded results with the expected ones, in order.
pub(super) fn compare(
    expected: &[Expected],
    results: &[AccessResult<'_>],
    frame: &[u8],
    scrambled: bool,
) -> Result<(), String> {
    if expected.len() != results.len() {
        return Err(format!(
            "{} results, expected {}: {expected:?}",
            results.len(),
            expected.len()
        ));
    }
    for (index, (want, got)) in expected.iter().zip(results).enumerate() {
        let fail = |what: &str| {
            Err(format!(
                "result {index}: {what}: expected {want:?}, got {got:?}"
            ))
        };
        if got.target != want.target {
            return fail("target");
        }
        if got.section != want.section {
            return fail("section");
        }
        let route_wanted = want.tsa.is_some() || want.port.is_some();
        let route_ok = match got.via {
            None => !route_wanted,
            Some(via) => {
                route_wanted
                    && via.tsa.map(|a| a.wire_bytes().to_vec()) == want.tsa
                    && via.port == want.port.map(Oad)
            }
        };
        if !route_ok {
            return fail("route");
        }
        let outcome_ok = match (&want.want, got.outcome) {
            (Want::Code(code), Outcome::Code(found)) => *code == found,
            (Want::Data(bytes), Outcome::Data(data)) => {
                let encoding = if scrambled {
                    DataEncoding::AxdrScrambled
                } else {
                    DataEncoding::Axdr
                };
                data.encoding() == encoding && data.value_bytes().as_ref() == bytes.as_slice()
            }
            _ => false,
        };
        if !outcome_ok {
            return fail("outcome");
        }
        let anchored = match want.anchor {
            Anchor::Id(id) => (0..4usize)
                .map(|i| plain(frame, got.offset.saturating_add(i), scrambled))
                .collect::<Option<Vec<u8>>>()
                .is_some_and(|bytes| bytes == id.to_be_bytes()),
            Anchor::Byte(byte) => plain(frame, got.offset, scrambled) == Some(byte),
        };
        if !anchored {
            return fail("offset does not point at the result's own bytes");
        }
    }
    Ok(())
}
