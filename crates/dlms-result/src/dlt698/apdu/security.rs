//! SECURITY-Response (`90`): 应用数据单元 CHOICE { [0] 明文 octet-string, [1] 密文
//! octet-string, [2] 异常错误 DAR } + 数据验证信息 CHOICE { [0] MAC } OPTIONAL.
//!
//! A plaintext APDU is decoded in place (its results keep absolute offsets, it counts one
//! level against [`Limits::max_nesting`](crate::Limits::max_nesting)); a ciphertext cannot be
//! read without keys and yields no result; the DAR answers for the whole request.

use crate::error::DecodeErrorKind;
use crate::parse::{PResult, fail, u8};
use crate::result::Target;

use super::super::axdr;
use super::{Cx, common, exactly};

/// The SECURITY-Response body after its tag (it has no PIID and no trailer of its own).
pub(super) fn response<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, ()> {
    let (after_choice, choice) = u8(input)?;
    let rest = match choice {
        0 => {
            let (rest, plain) = axdr::octet_string(after_choice)?;
            if cx.nesting >= cx.limits.max_nesting {
                return fail(
                    plain,
                    DecodeErrorKind::DepthLimit {
                        max: u16::from(cx.limits.max_nesting),
                    },
                );
            }
            cx.nesting = cx.nesting.saturating_add(1);
            let inner = exactly(cx, plain);
            cx.nesting = cx.nesting.saturating_sub(1);
            inner?;
            rest
        }
        1 => axdr::octet_string(after_choice)?.0,
        2 => {
            let (rest, outcome) = common::dar(after_choice)?;
            cx.push(after_choice, Target::Whole, outcome);
            rest
        }
        value => {
            return fail(
                input,
                DecodeErrorKind::InvalidChoice {
                    field: "SECURITY-Response",
                    value,
                },
            );
        }
    };
    let (rest, verified) = axdr::optional(rest, "OPTIONAL DataChkInfo")?;
    if !verified {
        return Ok((rest, ()));
    }
    let (after_choice, check) = u8(rest)?;
    match check {
        0 => axdr::octet_string(after_choice).map(|(rest, _mac)| (rest, ())),
        value => fail(
            rest,
            DecodeErrorKind::InvalidChoice {
                field: "DataChkInfo",
                value,
            },
        ),
    }
}
