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
