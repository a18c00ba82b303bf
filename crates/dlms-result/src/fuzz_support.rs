//! Harness functions for the fuzz targets in `fuzz/` and for replaying their seeds and
//! regressions in `cargo test` (not a stable API).
//!
//! Every function takes arbitrary input, never panics, and checks **invariants** of the
//! decoders rather than only "no crash": on success the frame lies inside the input, every
//! result offset points into it and every [`crate::DataRef`] borrows it; on failure the error
//! offset is inside the input. A broken invariant comes back as `Err(description)`; the fuzz
//! target turns it into a panic, a test into a failure.
//!
//! Under `cfg(fuzzing)` (set by `cargo fuzz`) the decoders skip their checksum comparisons, so
//! random inputs reach the application layer. An input found that way fails its checksum in a
//! normal build: [`repaired`] gives the same input with its checksums recomputed, so a
//! regression replays the same code path in `cargo test`.

mod apdu;
mod checks;
mod frames;
mod reassembly;
mod repair;
#[cfg(feature = "test-util")]
mod roundtrip;
mod stream;

pub use apdu::{apdu, data};
pub use frames::{frame, frame_645, frame_698, frame_1376};
pub use reassembly::reassembly;
pub use repair::repaired;
#[cfg(feature = "test-util")]
pub use roundtrip::{
    ActionItem698, ActionThenGetItem698, Apdu698, Data698, GetItem698, Link698, Proxied698,
    Result698, RoundTrip698, SetItem698, SetThenGetItem698, Trailer698, roundtrip_698,
    roundtrip_698_frame,
};
pub use stream::stream;
