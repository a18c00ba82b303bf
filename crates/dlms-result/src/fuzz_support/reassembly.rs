//! The reassembly harness: [`Reassembler`] against a reference model of DL/T 698.45 §5
//! link-layer fragmentation (分帧).

use crate::dlt698::{Progress, Reassembler};
use crate::{DecodeErrorKind, Fragment, FragmentPosition, Limits};

use super::apdu::apdu;

/// Reads `data` as a size limit and a sequence of fragments, pushes each into a
/// [`Reassembler`] and into a reference model written from the standard's rules, and
/// requires the same answer, state and buffered size after every step. Every complete APDU
/// then goes through the [`apdu`] harness. With the `test-util` feature every fragment is
/// also wrapped in a link frame and pushed through [`Reassembler::push`], which must agree.
///
/// Layout: `data[0]` sets `max_frame_len` to `4 × data[0] + 1`; then per fragment a header
/// byte `h` (bits 0–1 position as on the wire: `00` first, `01` last, `10` confirm, `11`
/// middle; bit 2: use the sequence number the model expects; bit 3: scramble the frame;
/// bits 4–7: high bits of an explicit sequence number), an explicit low sequence byte when
/// bit 2 is clear, a length byte and that many data bytes (fewer at the end of the input).
///
/// Returns the number of complete APDUs.
///
/// # Errors
/// A description of the first disagreement.
pub fn reassembly(data: &[u8]) -> Result<usize, String> {
    let Some((&size, mut rest)) = data.split_first() else {
        return Ok(0);
    };
    let limits =
        Limits::DEFAULT.with_max_frame_len(usize::from(size).saturating_mul(4).saturating_add(1));
    let mut reassembler = Reassembler::new(&limits);
    let mut model = Model::new(limits.max_frame_len);
    #[cfg(feature = "test-util")]
    let mut framed = Reassembler::new(&limits);
    let mut complete = 0usize;
    while let Some((&header, after)) = rest.split_first() {
        let position = match header & 0b11 {
            0b00 => FragmentPosition::First,
            0b01 => FragmentPosition::Last,
            0b10 => FragmentPosition::Confirm,
            _ => FragmentPosition::Middle,
        };
        let (seq, after) = if header & 0b100 != 0 {
            (model.next.unwrap_or(u16::from(header >> 4)), after)
        } else {
            let (&low, after) = after.split_first().unwrap_or((&0, &[]));
            (u16::from_le_bytes([low, header >> 4]) & 0x0FFF, after)
        };
        let (&len, after) = after.split_first().unwrap_or((&0, &[]));
        let (payload, after) = after
            .split_at_checked(usize::from(len))
            .unwrap_or((after, &[]));
        rest = after;
        let fragment = Fragment::new(seq, position);

        let expected = model.push(fragment, payload);
        let got = reassembler.push_fragment(fragment, payload);
        let same = match (&expected, &got) {
            (Ok(a), Ok(b)) => a == b,
            (Err(a), Err(b)) => *a == b.kind(),
            _ => false,
        };
        if !same
            || reassembler.is_idle() != model.next.is_none()
            || reassembler.buffered() != model.buffer.len()
        {
            return Err(format!(
                "reassembly: {fragment:?} with {} bytes: model {expected:?} (idle {}, {} buffered), reassembler {got:?} (idle {}, {} buffered)",
                payload.len(),
                model.next.is_none(),
                model.buffer.len(),
                reassembler.is_idle(),
                reassembler.buffered()
            ));
        }
        #[cfg(feature = "test-util")]
        framed_agrees(&mut framed, fragment, payload, header & 0b1000 != 0, &got)?;
        if let Ok(Progress::Complete(bytes)) = got {
            complete = complete.saturating_add(1);
            apdu(&bytes)?;
        }
    }
    Ok(complete)
}

/// The fragment wrapped in a frame by the test builders and pushed with
/// [`Reassembler::push`] gives the same answer as [`Reassembler::push_fragment`].
#[cfg(feature = "test-util")]
fn framed_agrees(
    framed: &mut Reassembler,
    fragment: Fragment,
    payload: &[u8],
    scrambled: bool,
    expected: &Result<Progress, crate::DecodeError>,
) -> Result<(), String> {
    let bytes = crate::test_util::dlt698::FrameBuilder::response()
        .fragment(fragment.seq, fragment.position)
        .scrambled(scrambled)
        .build(payload);
    let (frame, _) = crate::dlt698::Frame::parse(&bytes)
        .map_err(|e| format!("reassembly: a built fragment frame does not parse: {e}"))?;
    let got = framed.push(&frame);
    let same = match (expected, &got) {
        (Ok(a), Ok(b)) => a == b,
        (Err(a), Err(b)) => a.kind() == b.kind(),
        _ => false,
    };
    if !same {
        return Err(format!(
            "reassembly: push_fragment gives {expected:?}, push of the framed fragment {got:?}"
        ));
    }
    Ok(())
}

/// The reassembly rules, written out plainly: a first fragment starts over; a middle or last
/// one needs a first one before it and the next sequence number; a confirm carries nothing;
/// the APDU may not outgrow the limit; any error drops the partial APDU.
#[derive(Debug)]
struct Model {
    buffer: Vec<u8>,
    next: Option<u16>,
    max: usize,
}

impl Model {
    fn new(max: usize) -> Self {
        Self {
            buffer: Vec::new(),
            next: None,
            max,
        }
    }

    fn push(&mut self, fragment: Fragment, data: &[u8]) -> Result<Progress, DecodeErrorKind> {
        let result = self.accept(fragment, data);
        if result.is_err() {
            self.buffer.clear();
            self.next = None;
        }
        result
    }

    fn accept(&mut self, fragment: Fragment, data: &[u8]) -> Result<Progress, DecodeErrorKind> {
        match fragment.position {
            FragmentPosition::Confirm if data.is_empty() => {
                return Ok(Progress::Confirmed { seq: fragment.seq });
            }
            FragmentPosition::Confirm => {
                return Err(DecodeErrorKind::TrailingBytes { count: data.len() });
            }
            FragmentPosition::First => {
                self.buffer.clear();
                self.next = None;
            }
            FragmentPosition::Middle | FragmentPosition::Last => match self.next {
                None => return Err(DecodeErrorKind::FragmentOrder),
                Some(expected) if expected != fragment.seq => {
                    return Err(DecodeErrorKind::FragmentSequence {
                        expected,
                        found: fragment.seq,
                    });
                }
                Some(_) => {}
            },
        }
        if self.buffer.len().saturating_add(data.len()) > self.max {
            return Err(DecodeErrorKind::TooLarge { limit: self.max });
        }
        self.buffer.extend_from_slice(data);
        if fragment.position == FragmentPosition::Last {
            self.next = None;
            return Ok(Progress::Complete(core::mem::take(&mut self.buffer).into()));
        }
        // Sequence numbers are 12 bits and wrap (DL/T 698.45 §5).
        self.next = Some(fragment.seq.wrapping_add(1) & 0x0FFF);
        Ok(Progress::Pending { seq: fragment.seq })
    }
}
