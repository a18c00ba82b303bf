//! An owned, cheaply clonable byte buffer for the few outputs that cannot borrow the input:
//! frames split off a stream and reassembled APDUs.
//!
//! It wraps the buffer the stream decoder splits frames from without copying, and keeps that
//! implementation type out of the public API: callers see a `&[u8]` (`Deref`, `AsRef`).

use core::cmp::Ordering;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::ops::Deref;

use bytes::Bytes;

use crate::hex::Hex;
use crate::result::Protocol;

/// Owned bytes that clone without copying (reference-counted). Dereferences to `[u8]`.
///
/// Two values are equal (and hash and order) by their bytes alone.
#[derive(Clone, Default)]
pub struct SharedBytes(Bytes, Option<CheckedFrame>);

/// What the stream decoder established about the bytes it split off: from `start` on they are
/// one frame of `protocol` whose link-layer checksums match (DL/T 698.45 HCS and FCS, the CS
/// byte sum of DL/T 645-2007 and Q/GDW 1376.1).
///
/// Only the stream decoder attaches it ([`SharedBytes::checked_frame`]), and the bytes of a
/// [`SharedBytes`] cannot change after that: whatever a caller does to a
/// [`crate::StreamFrame`] (its fields are public), bytes it puts there either come without
/// this mark or carry the mark made for exactly those bytes. So decoding may skip
/// recomputing the checksums the mark vouches for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CheckedFrame {
    /// The protocol whose link layer accepted the frame.
    pub(crate) protocol: Protocol,
    /// Offset of the start byte (after the wake-up bytes).
    pub(crate) start: usize,
}

impl SharedBytes {
    /// Bytes copied from a slice.
    pub fn copy_from_slice(bytes: &[u8]) -> Self {
        Self(Bytes::copy_from_slice(bytes), None)
    }

    /// The bytes as a slice.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// Wraps a frozen buffer (crate-internal: `bytes` stays out of the public API).
    pub(crate) const fn from_bytes(bytes: Bytes) -> Self {
        Self(bytes, None)
    }

    /// Wraps a frozen buffer holding one frame whose link layer the stream decoder checked.
    pub(crate) const fn checked_frame(bytes: Bytes, checked: CheckedFrame) -> Self {
        Self(bytes, Some(checked))
    }

    /// What the stream decoder checked about these bytes, if they came from it.
    pub(crate) const fn checked(&self) -> Option<CheckedFrame> {
        self.1
    }
}

impl PartialEq for SharedBytes {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for SharedBytes {}

impl Hash for SharedBytes {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl PartialOrd for SharedBytes {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SharedBytes {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl Deref for SharedBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for SharedBytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self(Bytes::from(bytes), None)
    }
}

impl From<&[u8]> for SharedBytes {
    fn from(bytes: &[u8]) -> Self {
        Self::copy_from_slice(bytes)
    }
}

impl PartialEq<[u8]> for SharedBytes {
    fn eq(&self, other: &[u8]) -> bool {
        self.as_slice() == other
    }
}

impl fmt::Debug for SharedBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SharedBytes({})", Hex(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derefs_and_compares_as_a_slice() {
        let bytes = SharedBytes::from(vec![0x68, 0x16]);
        assert_eq!(&*bytes, &[0x68, 0x16]);
        assert_eq!(bytes, *[0x68u8, 0x16].as_slice());
        let copy = bytes.clone();
        assert_eq!(copy, SharedBytes::copy_from_slice(&[0x68, 0x16]));
        assert_eq!(copy.as_slice(), bytes.as_slice());
        assert_eq!(format!("{bytes:?}"), "SharedBytes(6816)");
        assert!(SharedBytes::default().is_empty());
    }
}
