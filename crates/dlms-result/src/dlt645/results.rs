//! The access results a DL/T 645-2007 frame carries.
//!
//! - A master's command carries none.
//! - An abnormal answer (C bit 6): one result per set bit of its error word, target
//!   [`Target::Whole`] (abnormal answers carry no DI), at the offset of the error word.
//! - A normal answer of read data, read follow-up data and security authentication: one
//!   result, target [`Target::Di`] (DI3 DI2 DI1 DI0; DI0 travels first), outcome the data
//!   after the DI, at the offset of DI0.
//! - A normal answer of read-address: the address bytes as data, target [`Target::Whole`].
//! - A normal answer of a write, clear, freeze or control command: [`ResultCode::SUCCESS`],
//!   target [`Target::Whole`], at the offset of the control code.
//! - A normal answer of a function this crate does not know: its DATA as data, target
//!   [`Target::Whole`].

use crate::code::ResultCode;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::result::{
    AccessResult, DataEncoding, DataId, DataRef, Direction, Outcome, Target, push_result,
};

use super::Function;
use super::control::AnswerShape;
use super::error_word::{ERR_BITS, SERR_BITS, error_bits};
use super::frame::{CONTROL_OFFSET, DATA_OFFSET, Frame, LENGTH_OFFSET};

/// The results of `frame`, whose first `68` is at `start` of the caller's input, appended to
/// `list` (empty, its allocation reused).
pub(crate) fn results<'a>(
    frame: &Frame<'a>,
    start: usize,
    mut list: Vec<AccessResult<'a>>,
) -> Result<Vec<AccessResult<'a>>, DecodeError> {
    let control = frame.control();
    let data_at = start.saturating_add(DATA_OFFSET);
    if control.direction() == Direction::FromClient {
        return Ok(list);
    }
    if let Some(word) = frame.error_word() {
        let table: &'static [_] = if control.function() == Function::SECURITY {
            &SERR_BITS
        } else {
            &ERR_BITS
        };
        for bit in error_bits(word, table) {
            let code = Outcome::Code(bit.code);
            push_result(&mut list, AccessResult::new(Target::Whole, code, data_at));
        }
        return Ok(list);
    }
    let data = frame.data_wire();
    let whole_data = || {
        AccessResult::new(
            Target::Whole,
            Outcome::Data(DataRef::new(data, DataEncoding::Dlt645)),
            data_at,
        )
    };
    let result = match control.function().answer_shape() {
        AnswerShape::DataId => {
            // DL/T 645-2007 读数据 从站正常应答: the answer repeats DI0 DI1 DI2 DI3, then
            // the value.
            let Some((di, value)) = data.split_first_chunk::<4>() else {
                return Err(DecodeError::new(
                    start.saturating_add(LENGTH_OFFSET),
                    DecodeErrorKind::BadLength {
                        declared: frame.frame_len(),
                    },
                ));
            };
            let id = u32::from_le_bytes(di.map(|b| b.wrapping_sub(0x33)));
            AccessResult::new(
                Target::Di(DataId(id)),
                Outcome::Data(DataRef::new(value, DataEncoding::Dlt645)),
                data_at,
            )
        }
        AnswerShape::Acknowledge => AccessResult::new(
            Target::Whole,
            Outcome::Code(ResultCode::SUCCESS),
            start.saturating_add(CONTROL_OFFSET),
        ),
        AnswerShape::Value | AnswerShape::Unknown => whole_data(),
    };
    push_result(&mut list, result);
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksum::VERIFY;
    use crate::test_util::dlt645::{FrameBuilder, acknowledge, read_request};

    fn results_of(frame: &[u8]) -> Vec<AccessResult<'_>> {
        let start = crate::decode::wake_up_len(frame);
        let parsed = Frame::parse_at::<VERIFY>(frame, start, &crate::Limits::DEFAULT).unwrap();
        results(&parsed, start, Vec::new()).unwrap()
    }

    #[test]
    fn commands_carry_no_results() {
        assert!(results_of(&read_request([1; 6], 0x0001_0000)).is_empty());
    }

    #[test]
    fn acknowledgements_point_at_the_control_code() {
        let frame = FrameBuilder::new([1; 6], 0x94).preamble(3).build();
        let [result] = &results_of(&frame)[..] else {
            panic!()
        };
        assert_eq!(result.offset, 3 + CONTROL_OFFSET);
        assert_eq!(result.code(), Some(ResultCode::SUCCESS));
        assert_eq!(
            results_of(&acknowledge([1; 6], 0x1C))[0].target,
            Target::Whole
        );
    }

    #[test]
    fn a_read_answer_needs_its_data_identifier() {
        let frame = FrameBuilder::new([1; 6], 0x91).data(&[1, 2, 3]).build();
        let parsed = Frame::parse_at::<VERIFY>(&frame, 0, &crate::Limits::DEFAULT).unwrap();
        let e = results(&parsed, 0, Vec::new()).unwrap_err();
        assert_eq!(e.offset(), LENGTH_OFFSET);
        assert_eq!(e.kind(), DecodeErrorKind::BadLength { declared: 15 });
    }
}
