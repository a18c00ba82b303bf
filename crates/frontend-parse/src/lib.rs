//! # frontend-parse
//!
//! Streams front-end `devDataList` batches of any size in constant memory and turns what they
//! report into typed failures:
//!
//! - [`text`]: the front-end's error texts (`TK013…异常内容{[暂时失效]}`, seed 000 §2) and
//!   interface messages (§1.3), one table each, parsed without allocating;
//! - [`element`]: one `devDataList` element read tolerantly by a byte scanner (simd-json for what it is unsure of);
//! - [`failure`]: the failure rules (per data item or per element);
//! - [`Engine`]: blocks → a string-aware bitmask splitter → batches parsed in a private
//!   rayon pool, where the caller's closure runs → outputs back in input order;
//! - [`Summary`]: what a run found, as the `--summary` JSON.
//!
//! ```
//! use frontend_parse::{Engine, Input, Options};
//! let batch = r#"{"devDataList":[{"devSn":"1","succ":"0"}],"workId":"W"}"#;
//! let summary = Engine::new(Options::default())?.summarize([Input::bytes("b", batch)])?;
//! assert_eq!(summary.by_code["UNKNOWN"], 1);
//! # Ok::<(), frontend_parse::EngineError>(())
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::arithmetic_side_effects,
        clippy::unimplemented,
        clippy::todo,
    )
)]

pub mod element;
pub mod engine;
pub mod failure;
#[doc(hidden)]
pub mod fuzz_support;
pub mod json_string;
mod split;
pub mod summary;
#[cfg(feature = "gen")]
pub mod synth;
pub mod text;
mod utf8;

pub use element::{
    DataItem, Element, ElementError, ElementErrorKind, ElementParser, ErrorCodeField, FieldText,
};
pub use engine::{
    DocumentInfo, DocumentKind, ElementEntry, Engine, EngineError, Entry, EnvelopeEntry, Input,
    Options, Problem, ProblemKind, Progress, ReadAhead, Sink, SplitMode,
};
pub use failure::{Failure, FailureCode, Location, ResponseFlagMode, extract_failures};
pub use summary::{DocumentSummary, Summary};
pub use text::{
    Details, ErrorText, FepCode, InterfaceMatch, InterfaceTemplate, ParamName, Params, TextCode,
    match_interface_message, parse_error_text,
};

/// The README's examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
