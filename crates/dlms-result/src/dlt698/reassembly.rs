//! Reassembly of link-layer fragments (DL/T 698.45 §5 分帧) into the complete APDU.
//!
//! The sender splits a long APDU into a first fragment, middle fragments and a last fragment
//! with consecutive sequence numbers (12 bits, wrapping); the receiver acknowledges each with
//! a confirm fragment, which carries no data. This is the link layer's segmentation, distinct
//! from the application's GET-Response-Next blocks.

use bytes::BytesMut;

use crate::error::{DecodeError, DecodeErrorKind};
use crate::limits::Limits;
use crate::result::{Fragment, FragmentPosition};
use crate::shared_bytes::SharedBytes;

use super::fragment;
use super::frame::Frame;

/// What one frame contributed to the reassembly.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Progress {
    /// A first or middle fragment was stored; more are expected.
    Pending {
        /// The fragment's sequence number.
        seq: u16,
    },
    /// A confirm fragment: an acknowledgement, nothing to store.
    Confirmed {
        /// The sequence number it acknowledges.
        seq: u16,
    },
    /// The APDU is complete: the last fragment arrived, or the frame was not fragmented.
    Complete(SharedBytes),
}

/// Collects the fragments of one APDU in order and yields the complete APDU, which can then
/// be decoded with [`super::decode_apdu`].
///
/// - A first fragment starts a new APDU (an unfinished one is dropped: the sender restarts
///   a transfer from its first fragment).
/// - Middle and last fragments must follow with the next sequence number
///   (`FragmentSequence` otherwise) and need a first fragment (`FragmentOrder` otherwise).
/// - The APDU may not grow beyond [`Limits::max_frame_len`] (`TooLarge`).
///
/// After an error the reassembler is idle again. Error offsets count from the start byte of
/// the frame passed to [`Reassembler::push`] (the fragment header's position), or are 0 for
/// [`Reassembler::push_fragment`].
///
/// ```
/// use dlms_result::dlt698::{self, Progress, Reassembler};
/// use dlms_result::{Fragment, FragmentPosition, Limits};
/// // One GET-Response-Normal in three fragments, sequence numbers 7, 8, 9.
/// let mut reassembler = Reassembler::new(&Limits::default());
/// let first = Fragment::new(7, FragmentPosition::First);
/// assert_eq!(reassembler.push_fragment(first, &[0x85, 0x01, 0x01])?, Progress::Pending { seq: 7 });
/// let middle = Fragment::new(8, FragmentPosition::Middle);
/// reassembler.push_fragment(middle, &[0x40, 0x01, 0x02, 0x00, 0x00])?;
/// let last = Fragment::new(9, FragmentPosition::Last);
/// let Progress::Complete(apdu) = reassembler.push_fragment(last, &[0x21, 0x00, 0x00])? else {
///     unreachable!()
/// };
/// let decoded = dlt698::decode_apdu(&apdu, &Limits::default())?;
/// assert_eq!(decoded.results[0].code().map(|c| c.get()), Some(0x21));
/// # Ok::<(), dlms_result::DecodeError>(())
/// ```
#[derive(Debug)]
pub struct Reassembler {
    buffer: BytesMut,
    /// The sequence number the next middle / last fragment must carry; `None` when idle.
    next_seq: Option<u16>,
    max_len: usize,
}

impl Reassembler {
    /// An idle reassembler whose APDUs may grow to `limits.max_frame_len` bytes.
    pub fn new(limits: &Limits) -> Self {
        Self {
            buffer: BytesMut::new(),
            next_seq: None,
            max_len: limits.max_frame_len,
        }
    }

    /// Whether no APDU is being collected.
    pub fn is_idle(&self) -> bool {
        self.next_seq.is_none()
    }

    /// Bytes collected so far for the current APDU.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// Drops any partly collected APDU.
    pub fn reset(&mut self) {
        self.buffer.clear();
        self.next_seq = None;
    }

    /// Takes the next frame. A frame that is not a fragment completes at once with its own
    /// APDU when the reassembler is idle (`FragmentOrder` in the middle of an APDU).
    /// Scrambled frames are descrambled.
    ///
    /// # Errors
    /// `FragmentOrder`, `FragmentSequence`, `TooLarge`, or `TrailingBytes` for a confirm
    /// fragment that carries data.
    pub fn push(&mut self, frame: &Frame<'_>) -> Result<Progress, DecodeError> {
        let at = frame.user_data_offset();
        match frame.fragment() {
            Some(fragment) => self
                .push_fragment(fragment, &frame.apdu())
                .map_err(|e| e.shifted(at)),
            None if self.is_idle() => Ok(Progress::Complete(SharedBytes::from(
                frame.apdu().into_owned(),
            ))),
            None => {
                self.reset();
                Err(DecodeError::new(at, DecodeErrorKind::FragmentOrder))
            }
        }
    }

    /// Takes the header and data of the next fragment.
    ///
    /// # Errors
    /// See [`Reassembler::push`].
    pub fn push_fragment(
        &mut self,
        fragment: Fragment,
        data: &[u8],
    ) -> Result<Progress, DecodeError> {
        let result = self.accept(fragment, data);
        if result.is_err() {
            self.reset();
        }
        result
    }

    fn accept(&mut self, fragment: Fragment, data: &[u8]) -> Result<Progress, DecodeError> {
        let Fragment { seq, position } = fragment;
        match position {
            FragmentPosition::Confirm => {
                if !data.is_empty() {
                    return Err(DecodeError::new(
                        fragment::HEADER_LEN,
                        DecodeErrorKind::TrailingBytes { count: data.len() },
                    ));
                }
                return Ok(Progress::Confirmed { seq });
            }
            FragmentPosition::First => {
                self.reset();
            }
            FragmentPosition::Middle | FragmentPosition::Last => {
                let Some(expected) = self.next_seq else {
                    return Err(DecodeError::new(0, DecodeErrorKind::FragmentOrder));
                };
                if seq != expected {
                    return Err(DecodeError::new(
                        0,
                        DecodeErrorKind::FragmentSequence {
                            expected,
                            found: seq,
                        },
                    ));
                }
            }
        }
        if self.buffer.len().saturating_add(data.len()) > self.max_len {
            return Err(DecodeError::new(
                fragment::HEADER_LEN,
                DecodeErrorKind::TooLarge {
                    limit: self.max_len,
                },
            ));
        }
        self.buffer.extend_from_slice(data);
        if position == FragmentPosition::Last {
            self.next_seq = None;
            return Ok(Progress::Complete(SharedBytes::from_bytes(
                self.buffer.split().freeze(),
            )));
        }
        self.next_seq = Some(fragment::next_seq(seq));
        Ok(Progress::Pending { seq })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(seq: u16, position: FragmentPosition) -> Fragment {
        Fragment::new(seq, position)
    }

    #[test]
    fn in_order_with_confirms_and_wrap() {
        let mut r = Reassembler::new(&Limits::default());
        assert_eq!(
            r.push_fragment(f(4095, FragmentPosition::First), b"ab"),
            Ok(Progress::Pending { seq: 4095 })
        );
        assert_eq!(
            r.push_fragment(f(4095, FragmentPosition::Confirm), b""),
            Ok(Progress::Confirmed { seq: 4095 })
        );
        assert_eq!(
            r.push_fragment(f(0, FragmentPosition::Middle), b"cd"),
            Ok(Progress::Pending { seq: 0 })
        );
        assert_eq!(r.buffered(), 4);
        assert_eq!(
            r.push_fragment(f(1, FragmentPosition::Last), b"e"),
            Ok(Progress::Complete(SharedBytes::from(&b"abcde"[..])))
        );
        assert!(r.is_idle());
        assert_eq!(r.buffered(), 0);
    }

    #[test]
    fn gaps_order_and_size() {
        let mut r = Reassembler::new(&Limits::default());
        let e = r
            .push_fragment(f(3, FragmentPosition::Middle), b"x")
            .unwrap_err();
        assert_eq!(e.kind(), DecodeErrorKind::FragmentOrder);
        let e = r
            .push_fragment(f(3, FragmentPosition::Last), b"x")
            .unwrap_err();
        assert_eq!(e.kind(), DecodeErrorKind::FragmentOrder);
        r.push_fragment(f(3, FragmentPosition::First), b"x")
            .unwrap();
        let e = r
            .push_fragment(f(5, FragmentPosition::Last), b"x")
            .unwrap_err();
        assert_eq!(
            e.kind(),
            DecodeErrorKind::FragmentSequence {
                expected: 4,
                found: 5
            }
        );
        assert!(r.is_idle());
        let e = r
            .push_fragment(f(1, FragmentPosition::Confirm), b"x")
            .unwrap_err();
        assert_eq!(e.kind(), DecodeErrorKind::TrailingBytes { count: 1 });

        let mut small = Reassembler::new(&Limits::default().with_max_frame_len(4));
        small
            .push_fragment(f(0, FragmentPosition::First), b"abc")
            .unwrap();
        let e = small
            .push_fragment(f(1, FragmentPosition::Last), b"de")
            .unwrap_err();
        assert_eq!(e.kind(), DecodeErrorKind::TooLarge { limit: 4 });
        assert!(small.is_idle());
    }

    #[test]
    fn a_new_first_restarts() {
        let mut r = Reassembler::new(&Limits::default());
        r.push_fragment(f(10, FragmentPosition::First), b"old")
            .unwrap();
        r.push_fragment(f(20, FragmentPosition::First), b"new")
            .unwrap();
        assert_eq!(
            r.push_fragment(f(21, FragmentPosition::Last), b"!"),
            Ok(Progress::Complete(SharedBytes::from(&b"new!"[..])))
        );
    }
}
