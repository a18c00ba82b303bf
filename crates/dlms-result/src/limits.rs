//! Bounds on the work and memory any input can cause.

/// Limits applied while decoding. Every decoder checks them, so no input can cause unbounded
/// recursion, work or allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Deepest nesting of `Data` (arrays / structures) the walker follows. Default 64.
    pub max_depth: u16,
    /// Most items one array, structure or SEQUENCE OF may declare. Default 65 536.
    pub max_items: u32,
    /// Deepest nesting of frames inside frames (proxy transparent forwarding, plaintext
    /// SECURITY APDUs). Default 4.
    pub max_nesting: u8,
    /// Largest frame or reassembled APDU, in bytes. Default 64 KiB (DL/T 698.45 L can
    /// declare up to 16 383 KiB with the kilobyte unit; real frames are far smaller).
    pub max_frame_len: usize,
}

impl Limits {
    /// The defaults.
    pub const DEFAULT: Self = Self {
        max_depth: 64,
        max_items: 65_536,
        max_nesting: 4,
        max_frame_len: 64 * 1024,
    };

    /// The defaults with another data nesting limit.
    #[must_use]
    pub const fn with_max_depth(mut self, max_depth: u16) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// The defaults with another item limit.
    #[must_use]
    pub const fn with_max_items(mut self, max_items: u32) -> Self {
        self.max_items = max_items;
        self
    }

    /// The defaults with another frame size limit.
    #[must_use]
    pub const fn with_max_frame_len(mut self, max_frame_len: usize) -> Self {
        self.max_frame_len = max_frame_len;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
