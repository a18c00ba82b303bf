//! Frame builders with valid checksums, for tests, benches and fuzz round trips.
//! Enabled by the `test-util` feature (and always in this crate's own tests).
