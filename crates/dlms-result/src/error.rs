//! Decode errors: a byte offset and a typed kind, `Copy`, no strings, no allocation.

use core::fmt;

/// Why and where decoding stopped.
///
/// `offset` counts bytes from the start of the input handed to the decoder (wake-up bytes
/// included), also for errors found inside nested structures (a proxied inner frame, a
/// plaintext SECURITY APDU).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DecodeError {
    offset: usize,
    kind: DecodeErrorKind,
}

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ended before the structure did; `needed` more bytes were required at least.
    Truncated {
        /// Bytes missing at least.
        needed: usize,
    },
    /// There is no frame start byte (`0x68`) where a frame must start.
    BadStart {
        /// The byte found instead.
        found: u8,
    },
    /// The byte after the checksum is not the end byte `0x16`.
    BadEnd {
        /// The byte found instead.
        found: u8,
    },
    /// The length field cannot describe a frame (too short for its own header, reserved bits
    /// set, or beyond the configured limit).
    BadLength {
        /// The length the frame declares, in bytes.
        declared: usize,
    },
    /// The two length fields of a Q/GDW 1376.1 frame differ.
    LengthFieldsDiffer {
        /// The first length field.
        first: u16,
        /// The second length field.
        second: u16,
    },
    /// Header check sequence (DL/T 698.45 HCS, CRC-16/X-25) mismatch.
    HcsMismatch {
        /// The CRC computed over the header.
        expected: u16,
        /// The CRC the frame carries.
        found: u16,
    },
    /// Frame check sequence (DL/T 698.45 FCS, CRC-16/X-25) mismatch.
    FcsMismatch {
        /// The CRC computed over the frame.
        expected: u16,
        /// The CRC the frame carries.
        found: u16,
    },
    /// 8-bit sum checksum (DL/T 645, Q/GDW 1376.1 CS) mismatch.
    ChecksumMismatch {
        /// The sum computed over the frame.
        expected: u8,
        /// The sum the frame carries.
        found: u8,
    },
    /// An address field that cannot be decoded (length or type).
    BadAddress {
        /// The address flag or first address byte.
        flag: u8,
    },
    /// A CHOICE or ENUMERATED value the standard does not define at this position.
    InvalidChoice {
        /// The field, e.g. `"Get-Result"`.
        field: &'static str,
        /// The value found.
        value: u8,
    },
    /// A Data type tag DL/T 698.45 does not define; the rest of the APDU cannot be walked.
    InvalidDataTag {
        /// The tag found.
        tag: u8,
    },
    /// An A-XDR length whose first byte is `0x80` or announces more than 4 length bytes.
    InvalidLengthForm {
        /// The first length byte.
        first: u8,
    },
    /// Data nested deeper than the configured limit.
    DepthLimit {
        /// The limit.
        max: u16,
    },
    /// More items than the configured limit.
    TooManyItems {
        /// The limit.
        max: u32,
    },
    /// Bytes left after a complete structure that must fill its container.
    TrailingBytes {
        /// How many bytes are left.
        count: usize,
    },
    /// A link-layer fragment arrived out of sequence.
    FragmentSequence {
        /// The sequence number expected.
        expected: u16,
        /// The sequence number found.
        found: u16,
    },
    /// A link-layer fragment that does not fit the reassembly state (a middle or last
    /// fragment without a first one, or a confirm where data was expected).
    FragmentOrder,
    /// A reassembled APDU or buffered stream would exceed the configured size limit.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Nothing in the input looks like a frame of a supported protocol.
    NoFrame,
    /// The hex text of a frame is not valid hex.
    InvalidHex,
}

/// Coarse groups of [`DecodeErrorKind`], for callers that react to errors (see `classify`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Category {
    /// The input ended early: the frame may have been cut; reading more may help.
    Truncated,
    /// A checksum failed: the bytes were damaged on the line.
    Checksum,
    /// The bytes are complete and intact but do not follow the format (device or firmware).
    Malformed,
    /// A configured limit (depth, item count, size) stopped decoding.
    Limit,
}

impl DecodeError {
    /// An error of `kind` at `offset`.
    #[cold]
    pub const fn new(offset: usize, kind: DecodeErrorKind) -> Self {
        Self { offset, kind }
    }

    /// The byte offset where decoding stopped.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// What went wrong.
    pub const fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    /// The coarse group of the kind.
    pub const fn category(&self) -> Category {
        self.kind.category()
    }

    /// Whether the input simply ended early.
    pub const fn is_truncated(&self) -> bool {
        matches!(self.kind, DecodeErrorKind::Truncated { .. })
    }

    /// The same error, `by` bytes further into an enclosing input.
    #[must_use]
    pub const fn shifted(self, by: usize) -> Self {
        Self {
            offset: self.offset.saturating_add(by),
            kind: self.kind,
        }
    }
}

impl DecodeErrorKind {
    /// A stable snake-case name for machine-readable output (`"fcs_mismatch"`).
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Truncated { .. } => "truncated",
            Self::BadStart { .. } => "bad_start",
            Self::BadEnd { .. } => "bad_end",
            Self::BadLength { .. } => "bad_length",
            Self::LengthFieldsDiffer { .. } => "length_fields_differ",
            Self::HcsMismatch { .. } => "hcs_mismatch",
            Self::FcsMismatch { .. } => "fcs_mismatch",
            Self::ChecksumMismatch { .. } => "checksum_mismatch",
            Self::BadAddress { .. } => "bad_address",
            Self::InvalidChoice { .. } => "invalid_choice",
            Self::InvalidDataTag { .. } => "invalid_data_tag",
            Self::InvalidLengthForm { .. } => "invalid_length_form",
            Self::DepthLimit { .. } => "depth_limit",
            Self::TooManyItems { .. } => "too_many_items",
            Self::TrailingBytes { .. } => "trailing_bytes",
            Self::FragmentSequence { .. } => "fragment_sequence",
            Self::FragmentOrder => "fragment_order",
            Self::TooLarge { .. } => "too_large",
            Self::NoFrame => "no_frame",
            Self::InvalidHex => "invalid_hex",
        }
    }

    /// The coarse group.
    pub const fn category(&self) -> Category {
        match self {
            Self::Truncated { .. } => Category::Truncated,
            Self::HcsMismatch { .. } | Self::FcsMismatch { .. } | Self::ChecksumMismatch { .. } => {
                Category::Checksum
            }
            Self::DepthLimit { .. } | Self::TooManyItems { .. } | Self::TooLarge { .. } => {
                Category::Limit
            }
            Self::BadStart { .. }
            | Self::BadEnd { .. }
            | Self::BadLength { .. }
            | Self::LengthFieldsDiffer { .. }
            | Self::BadAddress { .. }
            | Self::InvalidChoice { .. }
            | Self::InvalidDataTag { .. }
            | Self::InvalidLengthForm { .. }
            | Self::TrailingBytes { .. }
            | Self::FragmentSequence { .. }
            | Self::FragmentOrder
            | Self::NoFrame
            | Self::InvalidHex => Category::Malformed,
        }
    }
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Truncated { needed } => {
                write!(
                    f,
                    "input ends early: at least {needed} more byte(s) expected"
                )
            }
            Self::BadStart { found } => {
                write!(f, "expected frame start 0x68, found 0x{found:02x}")
            }
            Self::BadEnd { found } => write!(f, "expected frame end 0x16, found 0x{found:02x}"),
            Self::BadLength { declared } => {
                write!(
                    f,
                    "length field declares an impossible frame length {declared}"
                )
            }
            Self::LengthFieldsDiffer { first, second } => write!(
                f,
                "the two length fields differ: 0x{first:04x} and 0x{second:04x}"
            ),
            Self::HcsMismatch { expected, found } => write!(
                f,
                "header checksum mismatch: expected 0x{expected:04x}, found 0x{found:04x}"
            ),
            Self::FcsMismatch { expected, found } => write!(
                f,
                "frame checksum mismatch: expected 0x{expected:04x}, found 0x{found:04x}"
            ),
            Self::ChecksumMismatch { expected, found } => write!(
                f,
                "checksum mismatch: expected 0x{expected:02x}, found 0x{found:02x}"
            ),
            Self::BadAddress { flag } => write!(f, "invalid address field 0x{flag:02x}"),
            Self::InvalidChoice { field, value } => {
                write!(f, "invalid `{field}` value {value} (0x{value:02x})")
            }
            Self::InvalidDataTag { tag } => {
                write!(f, "undefined Data type tag {tag} (0x{tag:02x})")
            }
            Self::InvalidLengthForm { first } => {
                write!(f, "invalid A-XDR length form 0x{first:02x}")
            }
            Self::DepthLimit { max } => write!(f, "data nested deeper than {max} levels"),
            Self::TooManyItems { max } => write!(f, "more than {max} items"),
            Self::TrailingBytes { count } => {
                write!(
                    f,
                    "{count} unexpected byte(s) after the end of the structure"
                )
            }
            Self::FragmentSequence { expected, found } => write!(
                f,
                "link fragment out of sequence: expected {expected}, found {found}"
            ),
            Self::FragmentOrder => {
                write!(f, "link fragment does not fit the reassembly state")
            }
            Self::TooLarge { limit } => write!(f, "larger than the limit of {limit} bytes"),
            Self::NoFrame => write!(f, "no DL/T 698.45, DL/T 645 or Q/GDW 1376.1 frame found"),
            Self::InvalidHex => write!(f, "not valid hex"),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind, self.offset)
    }
}

impl std::error::Error for DecodeError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_small_and_copy() {
        assert!(size_of::<DecodeError>() <= 32);
        let e = DecodeError::new(3, DecodeErrorKind::Truncated { needed: 2 });
        let f = e;
        assert_eq!(e, f);
        assert!(e.is_truncated());
        assert_eq!(e.shifted(10).offset(), 13);
        assert_eq!(
            e.to_string(),
            "input ends early: at least 2 more byte(s) expected at byte 3"
        );
    }
}
