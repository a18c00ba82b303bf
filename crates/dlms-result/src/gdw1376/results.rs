//! The access results a Q/GDW 1376.1 frame carries.
//!
//! - AFN 00H (确认∕否认), either direction:
//!   - F1 全部确认 → one [`ResultCode::SUCCESS`] result, target [`Target::Whole`];
//!   - F2 全部否认 → one [`ResultCode::TERMINAL_DENIED`] (258) result, target
//!     [`Target::Whole`]: the whole request was denied;
//!   - F3 按数据单元标识确认和否认 → its data is the confirmed AFN, then for each data unit
//!     identifier an error flag ERR: one result per named unit, target
//!     [`Target::DataUnit`] with the confirmed AFN, ERR = 0 → [`ResultCode::SUCCESS`],
//!     anything else → [`ResultCode::TERMINAL_DENIED`];
//!   - any other Fn: its data unit with the rest of the data as [`Outcome::Data`].
//! - Any other AFN, uplink (a response or a terminal's report): the first data unit
//!   identifier names one or more units; each becomes a result with [`Outcome::Data`]
//!   holding every byte after the identifier. The standard gives each Fn its own data
//!   format and length, so without a per-Fn table the data cannot be split and later
//!   identifiers cannot be found: units named by the first identifier share the bytes.
//! - Any other AFN, downlink: a request, no results.

use crate::code::ResultCode;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::limits::Limits;
use crate::parse::{PResult, fail, offset_in, to_decode_error, u8};
use crate::result::{
    AccessResult, DataEncoding, DataRef, DataUnit, Direction, Outcome, Target, push_result,
};

use super::afn::{Role, service};
use super::frame::Frame;
use super::unit::unit_list;

/// The confirm / deny function.
const AFN_CONFIRM: u8 = 0x00;

/// The service name and results of `frame`, whose first `68` is at `start` of the caller's
/// input; the results are appended to `spare` (empty, its allocation reused).
pub(crate) fn results<'a>(
    frame: &Frame<'a>,
    start: usize,
    limits: &Limits,
    spare: Vec<AccessResult<'a>>,
) -> Result<(&'static str, Vec<AccessResult<'a>>), DecodeError> {
    let units = frame.data_units();
    let base = start.saturating_add(frame.data_units_offset());
    let mut out = Results {
        base: units,
        base_offset: base,
        max: limits.max_items,
        list: spare,
    };
    let uplink = frame.direction() == Direction::FromServer;
    let role = match (uplink, frame.control().is_primary()) {
        (false, true) => Role::Request,
        (true, false) => Role::Response,
        (true, true) => Role::Report,
        (false, false) => Role::Reply,
    };
    let name = if frame.afn() == AFN_CONFIRM {
        confirm(units, &mut out).map(|(_, name)| name)
    } else if uplink && !units.is_empty() {
        first_unit(units, frame.afn(), &mut out).map(|_| service(frame.afn(), role))
    } else {
        Ok(service(frame.afn(), role))
    };
    let name = name.map_err(|e| to_decode_error(units, base, e))?;
    Ok((name, out.list))
}

/// The results collected so far, bounded by [`Limits::max_items`].
struct Results<'a> {
    base: &'a [u8],
    base_offset: usize,
    max: u32,
    list: Vec<AccessResult<'a>>,
}

impl<'a> Results<'a> {
    /// Adds a result about the identifier at `at`.
    fn push(&mut self, at: &'a [u8], target: Target, outcome: Outcome<'a>) -> PResult<'a, ()> {
        if !u32::try_from(self.list.len()).is_ok_and(|n| n < self.max) {
            return fail(at, DecodeErrorKind::TooManyItems { max: self.max });
        }
        let offset = self.base_offset.saturating_add(offset_in(self.base, at));
        push_result(&mut self.list, AccessResult::new(target, outcome, offset));
        Ok((at, ()))
    }
}

/// AFN 00H: F1 / F2 / F3 and any other Fn.
fn confirm<'a>(units: &'a [u8], out: &mut Results<'a>) -> PResult<'a, &'static str> {
    let mut rest = units;
    let mut name = None;
    loop {
        let at = rest;
        let (after, units) = unit_list(at)?;
        rest = after;
        for (pn, fn_) in units {
            name.get_or_insert(match fn_ {
                1 => "AFN00-F1",
                2 => "AFN00-F2",
                3 => "AFN00-F3",
                _ => "AFN00-other",
            });
            match fn_ {
                // Q/GDW 1376.1 确认∕否认 (AFN 00H): F1 and F2 have no data unit.
                1 => {
                    out.push(at, Target::Whole, Outcome::Code(ResultCode::SUCCESS))?;
                }
                2 => {
                    let denied = Outcome::Code(ResultCode::TERMINAL_DENIED);
                    out.push(at, Target::Whole, denied)?;
                }
                3 => {
                    let (after, ()) = confirm_each(rest, out)?;
                    rest = after;
                }
                _ => {
                    let target = Target::DataUnit(DataUnit::new(AFN_CONFIRM, pn, fn_));
                    let data = Outcome::Data(DataRef::new(rest, DataEncoding::Gdw1376));
                    out.push(at, target, data)?;
                    // Empty, but still inside the input: later units' data must borrow it.
                    rest = rest.get(rest.len()..).unwrap_or_default();
                }
            }
        }
        if rest.is_empty() {
            return Ok((rest, name.unwrap_or("AFN00-other")));
        }
    }
}

/// F3: the confirmed AFN, then `DA DT ERR` per identifier (AFN 00H F3 数据单元格式).
fn confirm_each<'a>(data: &'a [u8], out: &mut Results<'a>) -> PResult<'a, ()> {
    let (mut rest, afn) = u8(data)?;
    while !rest.is_empty() {
        let at = rest;
        let (after, units) = unit_list(at)?;
        let (after, err) = u8(after)?;
        rest = after;
        let code = if err == 0 {
            ResultCode::SUCCESS
        } else {
            ResultCode::TERMINAL_DENIED
        };
        for (pn, fn_) in units {
            let target = Target::DataUnit(DataUnit::new(afn, pn, fn_));
            out.push(at, target, Outcome::Code(code))?;
        }
    }
    Ok((rest, ()))
}

/// Any other uplink AFN: the units of the first identifier, sharing the bytes after it.
fn first_unit<'a>(units: &'a [u8], afn: u8, out: &mut Results<'a>) -> PResult<'a, &'a [u8]> {
    let (data, named) = unit_list(units)?;
    for (pn, fn_) in named {
        let target = Target::DataUnit(DataUnit::new(afn, pn, fn_));
        let outcome = Outcome::Data(DataRef::new(data, DataEncoding::Gdw1376));
        out.push(units, target, outcome)?;
    }
    Ok((&[], data))
}

#[cfg(test)]
mod tests {
    use crate::test_util::gdw1376::{FrameBuilder, confirm_each};

    fn service(frame: &[u8]) -> &'static str {
        crate::decode(frame).unwrap().service
    }

    #[test]
    fn services_follow_dir_and_prm() {
        assert_eq!(
            service(&FrameBuilder::new(0x4B, 0x0A).unit(0, 1).build()),
            "AFN0A-request"
        );
        assert_eq!(
            service(&FrameBuilder::new(0x88, 0x0A).unit(0, 1).build()),
            "AFN0A-response"
        );
        assert_eq!(
            service(&FrameBuilder::new(0xC4, 0x0E).unit(0, 1).build()),
            "AFN0E-report"
        );
        assert_eq!(
            service(&FrameBuilder::new(0x08, 0x0E).unit(0, 1).build()),
            "AFN0E-reply"
        );
        assert_eq!(
            service(&FrameBuilder::new(0x80, 0x00).unit(0, 7).build()),
            "AFN00-other"
        );
        assert_eq!(service(&confirm_each(0x04, &[]).build()), "AFN00-F3");
    }

    #[test]
    fn an_other_fn_of_afn00_keeps_its_data() {
        let frame = FrameBuilder::new(0x80, 0x00)
            .unit(0, 4)
            .data(&[1, 2])
            .build();
        let decoded = crate::decode(&frame).unwrap();
        assert_eq!(decoded.results.len(), 1);
        assert_eq!(decoded.results[0].target.to_string(), "AFN00/p0/F4");
        assert!(matches!(decoded.results[0].outcome, crate::Outcome::Data(d) if d.len() == 2));
    }
}
