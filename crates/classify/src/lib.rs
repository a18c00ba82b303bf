//! # classify
//!
//! Maps every failure to retry / re-archive / give-up through a data-driven rule table.
#![forbid(unsafe_code)]
