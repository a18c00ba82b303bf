//! Frame builders with valid checksums, fixture readers and a stable rendering of decodings,
//! for tests, benches and fuzz round trips. Enabled by the `test-util` feature (and always in
//! this crate's own unit tests).
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::missing_panics_doc,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

pub mod dlt645;
pub mod dlt698;
pub mod gdw1376;
pub mod render;

/// Replaces the byte at `damage` (when there is one) with its value, then cuts `bytes` at
/// `cut`: the damage the property tests apply to well-formed inputs.
#[cfg(test)]
pub(crate) fn damage_and_cut(
    bytes: &mut Vec<u8>,
    damage: Option<(proptest::sample::Index, u8)>,
    cut: Option<proptest::sample::Index>,
) {
    if let (Some((at, byte)), false) = (damage, bytes.is_empty()) {
        let at = at.index(bytes.len());
        bytes[at] = byte;
    }
    if let Some(cut) = cut {
        let len = cut.index(bytes.len() + 1);
        bytes.truncate(len);
    }
}
