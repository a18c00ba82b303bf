//! # dlms-result
//!
//! Decodes result codes out of raw smart-meter frames: every DL/T 698.45 data-access result
//! (DAR, one byte on the wire) in every server→client APDU, the error bits of DL/T 645-2007
//! abnormal responses and the confirm/deny answers of Q/GDW 1376.1, mapped onto one code
//! space 0–258 ([`ResultCode`]) together with the front-end's extensions 256–258.
//!
//! Decoding is total: every input gives a [`Decoded`] or a [`DecodeError`] with a byte offset
//! and a kind. No input can panic, recurse without bound or allocate without bound
//! ([`Limits`]). Results borrow the input; data values are skipped, not built.
//!
//! ```
//! // A GET-Response-NormalList: item 1 returns data, item 2 fails with DAR 4 对象未定义.
//! let frame = [
//!     0x68, 0x33, 0x00, 0xC3, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7A, 0x01,
//!     0x85, 0x02, 0x00, 0x03, 0x20, 0x00, 0x02, 0x00, 0x01, 0x01, 0x03, 0x12, 0x09, 0x6D,
//!     0x12, 0x09, 0x6E, 0x12, 0x09, 0x6F, 0x20, 0x14, 0x02, 0x00, 0x00, 0x04, 0x20, 0x0F,
//!     0x02, 0x00, 0x01, 0x12, 0x13, 0x88, 0x00, 0x00, 0x1F, 0x81, 0x16,
//! ];
//! let decoded = dlms_result::decode(&frame)?;
//! assert_eq!(decoded.service, "GET-Response-NormalList");
//! let failed: Vec<_> = decoded.failures().map(|r| (r.target.to_string(), r.code())).collect();
//! assert_eq!(failed, [("20140200".to_string(), Some(dlms_result::ResultCode::OBJECT_UNDEFINED))]);
//! # Ok::<(), dlms_result::DecodeError>(())
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
    )
)]

pub mod checksum;
mod code;
mod decode;
pub mod dlt645;
pub mod dlt698;
mod error;
#[doc(hidden)]
pub mod fuzz_support;
pub mod gdw1376;
mod hex;
mod limits;
mod parse;
mod probe;
mod result;
#[cfg(feature = "serde")]
mod serialize;
mod shared_bytes;
mod status;
mod stream;
#[cfg(any(test, feature = "test-util"))]
pub mod test_util;

pub use code::{CodeInfo, Dar, Origin, ResultCode, normalize_name};
pub use decode::{Decoded, Decoder, decode, decode_with};
pub use error::{Category, DecodeError, DecodeErrorKind};
pub use limits::Limits;
pub use result::{
    AccessResult, Address, AddressKind, DataEncoding, DataId, DataRef, DataUnit, Direction,
    Fragment, FragmentPosition, Oad, Omd, Outcome, Protocol, Section, Target, Via,
};
pub use shared_bytes::SharedBytes;
pub use status::{ConnectResult, ErrorType, LinkResult, ServiceStatus};
pub use stream::{
    DecodedFrame, DecodedItem, FrameDecoder, FrameReader, Garbage, GarbageReason, MAX_PREAMBLE,
    StreamFrame, StreamItem,
};

/// The README's examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
