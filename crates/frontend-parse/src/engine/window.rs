//! The engine's buffer: the bytes of an input from some offset on, whose front can be
//! dropped, or filled from a block's headroom, without moving the rest.

use core::ops::Deref;

/// Bytes the reader leaves free in front of each block it fills. The unsplit tail of the
/// previous buffer (an element cut by the block boundary, about 1.3 KB in front-end
/// batches) is copied there and the block becomes the next buffer as it is: copying each
/// block behind the tail was about 5 % of a one-thread run (`docs/performance.md`, "Batch").
pub(crate) const HEADROOM: usize = 64 << 10;

/// A block as the reader fills it: [`HEADROOM`] free bytes, then the data.
#[derive(Debug)]
pub(crate) struct Filled(Vec<u8>);

impl Filled {
    /// A block of `data_len` bytes of data after the headroom, in `bytes` (a recycled
    /// buffer or a new one; zeroed only where it grows).
    pub(crate) fn with_room(mut bytes: Vec<u8>, data_len: usize) -> Self {
        let len = HEADROOM.saturating_add(data_len);
        if bytes.len() != len {
            bytes.resize(len, 0);
        }
        Self(bytes)
    }

    /// The data, writable (for the reader).
    pub(crate) fn data_mut(&mut self) -> &mut [u8] {
        self.0.get_mut(HEADROOM..).unwrap_or_default()
    }

    /// Keeps the first `len` data bytes.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.0.truncate(HEADROOM.saturating_add(len));
    }

    /// The data.
    pub(crate) fn data(&self) -> &[u8] {
        self.0.get(HEADROOM..).unwrap_or_default()
    }

    /// The allocation, for reuse.
    pub(crate) fn into_vec(self) -> Vec<u8> {
        self.0
    }
}

/// See the module documentation. Dereferences to the bytes from the front on.
#[derive(Debug, Default)]
pub(crate) struct Window {
    bytes: Vec<u8>,
    front: usize,
}

impl Window {
    /// A block's data as the buffer.
    pub(crate) fn from_block(block: Filled) -> Self {
        let bytes = block.into_vec();
        Self {
            front: HEADROOM.min(bytes.len()),
            bytes,
        }
    }

    /// `tail`, then the block's data, as the buffer, and the allocation left over (the next
    /// `spare`): the tail is copied into the headroom when it fits, and `spare` is left over;
    /// otherwise both are copied into `spare`, and the block is left over.
    pub(crate) fn tail_and_block(tail: &[u8], block: Filled, spare: Vec<u8>) -> (Self, Vec<u8>) {
        let mut bytes = block.into_vec();
        if let Some(front) = HEADROOM.checked_sub(tail.len())
            && let Some(room) = bytes.get_mut(front..HEADROOM)
        {
            room.copy_from_slice(tail);
            return (Self { bytes, front }, spare);
        }
        let mut joined = spare;
        joined.clear();
        joined.extend_from_slice(tail);
        joined.extend_from_slice(bytes.get(HEADROOM..).unwrap_or_default());
        (
            Self {
                bytes: joined,
                front: 0,
            },
            bytes,
        )
    }

    /// Drops the first `count` bytes (all of them if there are fewer).
    pub(crate) fn drop_front(&mut self, count: usize) {
        self.front = self.front.saturating_add(count).min(self.bytes.len());
    }

    /// Appends `more`; the dropped front goes first, so the allocation stays bounded by
    /// what is kept plus what is appended.
    pub(crate) fn extend_from_slice(&mut self, more: &[u8]) {
        if self.front > 0 {
            self.bytes.drain(..self.front);
            self.front = 0;
        }
        self.bytes.extend_from_slice(more);
    }

    /// The allocation, for reuse.
    pub(crate) fn into_vec(self) -> Vec<u8> {
        self.bytes
    }
}

impl Deref for Window {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.bytes.get(self.front..).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(data: &[u8]) -> Filled {
        let mut block = Filled::with_room(Vec::new(), data.len());
        block.data_mut().copy_from_slice(data);
        block
    }

    #[test]
    fn a_tail_goes_into_the_headroom_or_into_the_spare() {
        let (window, spare) = Window::tail_and_block(b"tail", block(b"-data"), vec![7; 3]);
        assert_eq!(&*window, b"tail-data");
        // The spare stays unused.
        assert_eq!(spare, vec![7; 3]);
        let (window, _) = Window::tail_and_block(b"", block(b"data"), Vec::new());
        assert_eq!(&*window, b"data");
        let long = vec![b'x'; HEADROOM + 1];
        let (window, returned) = Window::tail_and_block(&long, block(b"!"), Vec::new());
        assert_eq!(window.len(), HEADROOM + 2);
        assert_eq!(window.last(), Some(&b'!'));
        // The block comes back for reuse.
        assert_eq!(returned.len(), HEADROOM + 1);
        let exact = vec![b'y'; HEADROOM];
        let (window, _) = Window::tail_and_block(&exact, block(b"z"), Vec::new());
        assert_eq!(window.len(), HEADROOM + 1);
    }

    #[test]
    fn the_front_drops_without_moving_and_appending_compacts() {
        let mut window = Window::from_block(block(b"abcdef"));
        assert_eq!(&*window, b"abcdef");
        window.drop_front(2);
        assert_eq!(&*window, b"cdef");
        window.extend_from_slice(b"gh");
        assert_eq!(&*window, b"cdefgh");
        assert_eq!(window.bytes.len(), 6);
        window.drop_front(100);
        assert!(window.is_empty());
        let mut empty = Window::default();
        empty.extend_from_slice(b"x");
        assert_eq!(&*empty, b"x");
    }

    #[test]
    fn recycled_blocks_are_sized_to_the_data() {
        let mut block = Filled::with_room(vec![1; 10], 3);
        assert_eq!(block.data().len(), 3);
        block.truncate(2);
        assert_eq!(block.data().len(), 2);
        assert_eq!(block.into_vec().len(), HEADROOM + 2);
    }
}
