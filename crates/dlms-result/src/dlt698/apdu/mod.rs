//! DL/T 698.45 application layer: every APDU a front-end receives, decoded to its service
//! name, its per-item results and its service-level status.
//!
//! The layouts follow our protocol notes §2 (checked against real frames). A-XDR: SEQUENCE is
//! concatenation, CHOICE and ENUMERATED (DAR) are one byte, OPTIONAL is `00` / `01`+value,
//! SEQUENCE OF is an A-XDR count then the elements.

mod action;
mod common;
mod connect;
mod error;
mod get;
mod link;
mod plain;
mod proxy;
mod release;
mod report;
mod security;
mod service;
mod set;
mod trailer;
mod trans;

use crate::error::{DecodeError, DecodeErrorKind};
use crate::limits::Limits;
use crate::parse::{PResult, fail, offset_in, to_decode_error, u8};
use crate::result::{
    AccessResult, DataEncoding, DataRef, Outcome, Section, Target, Via, push_result,
};
use crate::status::ServiceStatus;

use super::axdr;
use super::data::DataWalker;
#[cfg(test)]
pub(crate) use plain::strategies as plain_strategies;
pub(super) use plain::{response as plain_response, tag as plain_response_tag};
use service::Body;
pub use service::{UNKNOWN_APDU, service_names};

/// A decoded DL/T 698.45 APDU.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Apdu<'a> {
    /// The service, e.g. `GET-Response-NormalList`; [`UNKNOWN_APDU`] for an undefined tag.
    pub service: &'static str,
    /// Every access result, in wire order, borrowing the input.
    pub results: Vec<AccessResult<'a>>,
    /// The service-level outcome (CONNECT, LINK, ERROR, RELEASE), where there is one.
    pub status: Option<ServiceStatus>,
}

/// Decodes one complete APDU (for example one put together by a
/// [`Reassembler`](super::Reassembler)). Offsets count from `apdu[0]`.
///
/// Server→client APDUs are decoded down to every result; client→server requests give their
/// service name and no results; an undefined APDU tag gives [`UNKNOWN_APDU`]. The APDU must
/// fill `apdu` exactly.
///
/// ```
/// use dlms_result::{Limits, ResultCode, dlt698};
/// // SET-Response-Normal: OAD 40000300 → DAR 3 拒绝读写; no FollowReport, no TimeTag.
/// let apdu = [0x86, 0x01, 0x00, 0x40, 0x00, 0x03, 0x00, 0x03, 0x00, 0x00];
/// let decoded = dlt698::decode_apdu(&apdu, &Limits::default())?;
/// assert_eq!(decoded.service, "SET-Response-Normal");
/// assert_eq!(decoded.results[0].code(), Some(ResultCode::READ_WRITE_DENIED));
/// assert_eq!(decoded.results[0].offset, 3);
/// # Ok::<(), dlms_result::DecodeError>(())
/// ```
///
/// # Errors
/// A [`DecodeError`] for truncation or garbage inside a known APDU, bytes after it
/// (`TrailingBytes`), or a limit.
pub fn decode_apdu<'a>(apdu: &'a [u8], limits: &Limits) -> Result<Apdu<'a>, DecodeError> {
    decode_in(apdu, 0, limits, 0, Vec::new())
}

/// Decodes the APDU `apdu`, which sits at `base_offset` of the caller's input, `nesting`
/// frames deep, collecting its results into `spare` (an empty list whose allocation is reused).
pub(crate) fn decode_in<'a>(
    apdu: &'a [u8],
    base_offset: usize,
    limits: &Limits,
    nesting: u8,
    spare: Vec<AccessResult<'a>>,
) -> Result<Apdu<'a>, DecodeError> {
    let mut cx = Cx {
        base: apdu,
        base_offset,
        limits,
        nesting,
        results: spare,
        status: None,
        section: Section::Main,
        via: None,
        walker: DataWalker::default(),
    };
    match exactly(&mut cx, apdu) {
        Ok(service) => Ok(Apdu {
            service,
            results: cx.results,
            status: cx.status,
        }),
        Err(e) => Err(to_decode_error(apdu, base_offset, e)),
    }
}

/// Decoding state shared by the parsers of one APDU: where offsets count from, the limits,
/// and the results found so far with the section and route they belong to.
pub(crate) struct Cx<'a, 'l> {
    base: &'a [u8],
    base_offset: usize,
    limits: &'l Limits,
    nesting: u8,
    results: Vec<AccessResult<'a>>,
    status: Option<ServiceStatus>,
    section: Section,
    via: Option<Via>,
    /// Scratch space of the `Data` walker, reused for every value of the APDU.
    walker: DataWalker,
}

impl<'a> Cx<'a, '_> {
    /// The absolute offset of `at`, a position inside the APDU.
    fn offset(&self, at: &[u8]) -> usize {
        offset_in(self.base, at).saturating_add(self.base_offset)
    }

    /// Records a result whose descriptor (or code) starts at `at`.
    fn push(&mut self, at: &[u8], target: Target, outcome: Outcome<'a>) {
        let offset = self.offset(at);
        push_result(
            &mut self.results,
            AccessResult {
                target,
                outcome,
                offset,
                section: self.section,
                via: self.via,
            },
        );
    }

    /// Runs `f` with results going to `section`.
    fn in_section<R>(&mut self, section: Section, f: impl FnOnce(&mut Self) -> R) -> R {
        let saved = core::mem::replace(&mut self.section, section);
        let result = f(self);
        self.section = saved;
        result
    }

    /// Runs `f` with results reached through `via`.
    fn routed<R>(&mut self, via: Via, f: impl FnOnce(&mut Self) -> R) -> R {
        let saved = self.via.replace(via);
        let result = f(self);
        self.via = saved;
        result
    }
}

/// A-XDR data borrowed from the APDU.
const fn axdr_data(bytes: &[u8]) -> DataRef<'_> {
    DataRef::new(bytes, DataEncoding::Axdr)
}

/// One APDU that must fill `input` exactly.
fn exactly<'a>(
    cx: &mut Cx<'a, '_>,
    input: &'a [u8],
) -> Result<&'static str, nom::Err<crate::parse::PError<'a>>> {
    let (rest, service) = apdu(cx, input)?;
    if rest.is_empty() {
        Ok(service)
    } else {
        Err(axdr::trailing(rest))
    }
}

/// One APDU at the start of `input`: tag, CHOICE (where the tag has one), then the body.
fn apdu<'a>(cx: &mut Cx<'a, '_>, input: &'a [u8]) -> PResult<'a, &'static str> {
    let (rest, tag) = u8(input)?;
    let Some(family) = service::family(tag) else {
        // Nothing after an undefined tag can be interpreted.
        return Ok((input.get(input.len()..).unwrap_or_default(), UNKNOWN_APDU));
    };
    let (rest, service) = match family.choices {
        service::Choices::Single(service) => (rest, service),
        service::Choices::Choice(_) => {
            let (after, value) = u8(rest)?;
            match family.choice(value) {
                Some(service) => (after, service),
                None => {
                    return fail(
                        rest,
                        DecodeErrorKind::InvalidChoice {
                            field: family.name,
                            value,
                        },
                    );
                }
            }
        }
    };
    let rest = body(cx, rest, service.body)?;
    Ok((rest, service.name))
}

/// The body after tag and CHOICE; returns what follows the APDU.
fn body<'a>(
    cx: &mut Cx<'a, '_>,
    input: &'a [u8],
    body: Body,
) -> Result<&'a [u8], nom::Err<crate::parse::PError<'a>>> {
    let end = input.get(input.len()..).unwrap_or_default();
    match body {
        // Requests carry no results; their bodies are not walked.
        Body::Named | Body::Opaque => return Ok(end),
        // No PIID-ACD in front, no trailer behind (the inner APDU has its own).
        Body::SecurityResponse => return security::response(cx, input).map(|(rest, ())| rest),
        _ => {}
    }
    // PIID(-ACD): priority, ACD and invoke id, echoed from the request.
    let (rest, _piid) = u8(input)?;
    let (rest, ()) = match body {
        Body::LinkResponse => return link::response(cx, rest).map(|(rest, ())| rest),
        Body::ConnectResponse => connect::response(cx, rest)?,
        Body::ReleaseResponse => release::response(cx, rest)?,
        Body::ReleaseNotification => release::notification(rest)?,
        Body::GetNormal => common::a_result_normal(cx, rest)?,
        // REPORT-Notification lists have the same layout as GET's.
        Body::GetNormalList | Body::ReportList => common::sequence_of(
            cx,
            rest,
            common::A_RESULT_NORMAL_MIN,
            common::a_result_normal,
        )?,
        Body::GetRecord => common::a_result_record(cx, rest)?,
        Body::GetRecordList | Body::ReportRecordList => common::sequence_of(
            cx,
            rest,
            common::A_RESULT_RECORD_MIN,
            common::a_result_record,
        )?,
        Body::GetNext => get::next(cx, rest)?,
        Body::GetMd5 => get::md5(cx, rest)?,
        Body::SetNormal => set::oad_dar(cx, rest)?,
        Body::SetNormalList => common::sequence_of(cx, rest, set::OAD_DAR_LEN, set::oad_dar)?,
        Body::SetThenGetNormalList => {
            common::sequence_of(cx, rest, set::SET_THEN_GET_MIN, set::set_then_get)?
        }
        Body::ActionNormal => action::omd_dar_data(cx, rest)?,
        Body::ActionNormalList => {
            common::sequence_of(cx, rest, action::OMD_DAR_DATA_MIN, action::omd_dar_data)?
        }
        Body::ActionThenGetNormalList => common::sequence_of(
            cx,
            rest,
            action::ACTION_THEN_GET_MIN,
            action::action_then_get,
        )?,
        Body::ReportTransData => report::trans_data(cx, rest)?,
        Body::ProxyGetList => proxy::get_list(cx, rest)?,
        Body::ProxyGetRecord => proxy::get_record(cx, rest)?,
        Body::ProxySetList => proxy::set_list(cx, rest)?,
        Body::ProxySetThenGetList => proxy::set_then_get_list(cx, rest)?,
        Body::ProxyActionList => proxy::action_list(cx, rest)?,
        Body::ProxyActionThenGetList => proxy::action_then_get_list(cx, rest)?,
        Body::ProxyTransCommand => proxy::trans_command(cx, rest)?,
        Body::ErrorResponse => error::response(cx, rest)?,
        Body::Named | Body::Opaque | Body::SecurityResponse => (rest, ()),
    };
    // DL/T 698.45 §7 Server-APDU: FollowReport OPTIONAL, TimeTag OPTIONAL.
    trailer::trailer(cx, rest).map(|(rest, ())| rest)
}

#[cfg(test)]
mod tests;
