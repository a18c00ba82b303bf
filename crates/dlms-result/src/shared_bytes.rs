//! An owned, cheaply clonable byte buffer for the few outputs that cannot borrow the input:
//! frames split off a stream and reassembled APDUs.
//!
//! It wraps the buffer the stream decoder splits frames from without copying, and keeps that
//! implementation type out of the public API: callers see a `&[u8]` (`Deref`, `AsRef`).

use core::fmt;
use core::ops::Deref;

use bytes::Bytes;

use crate::hex::Hex;

/// Owned bytes that clone without copying (reference-counted). Dereferences to `[u8]`.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SharedBytes(Bytes);

impl SharedBytes {
    /// Bytes copied from a slice.
    pub fn copy_from_slice(bytes: &[u8]) -> Self {
        Self(Bytes::copy_from_slice(bytes))
    }

    /// The bytes as a slice.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// Wraps a frozen buffer (crate-internal: `bytes` stays out of the public API).
    pub(crate) const fn from_bytes(bytes: Bytes) -> Self {
        Self(bytes)
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
        Self(Bytes::from(bytes))
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
