//! # frontend-parse
//!
//! Streams front-end `devDataList` batches and parses front-end error texts into typed
//! failures.
#![forbid(unsafe_code)]
