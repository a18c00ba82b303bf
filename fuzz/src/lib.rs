//! Shared pieces of fep's fuzz targets (`fuzz_targets/*.rs`, one per decoder entry point).
//!
//! The targets are thin: each hands its input to a `#[doc(hidden)] fuzz_support` harness of
//! the crate under test, which checks invariants and returns a description of any violation;
//! [`check`] turns that into the panic libFuzzer reports. The same harness functions replay
//! the committed seeds and regressions in `cargo test` (see `docs/fuzzing.md`).
//!
//! The round-trip target reads a structured description with `arbitrary`; the types here
//! mirror `dlms_result::fuzz_support::RoundTrip698` (that crate does not depend on
//! `arbitrary`) and convert into it.

use arbitrary::Arbitrary;
use dlms_result::fuzz_support as dlms;

/// Panics with the harness's description when an invariant is broken, so libFuzzer records
/// the input as a crash.
///
/// # Panics
/// When `outcome` is an error.
pub fn check<T>(target: &str, outcome: Result<T, String>) {
    if let Err(violation) = outcome {
        panic!("{target}: invariant broken: {violation}");
    }
}

/// A DL/T 698.45 response to build, decode and compare.
#[derive(Arbitrary, Clone, Debug)]
pub struct RoundTrip {
    link: Link,
    apdu: Apdu,
    trailer: Trailer,
    security: bool,
    mac: Option<Vec<u8>>,
}

#[derive(Arbitrary, Clone, Debug)]
struct Link {
    preamble: u8,
    scrambled: bool,
    kind: u8,
    logical: u8,
    address: Vec<u8>,
    client: u8,
}

#[derive(Arbitrary, Clone, Debug)]
enum Data {
    Scalar {
        kind: u8,
        fill: u8,
    },
    Bytes {
        kind: u8,
        content: Vec<u8>,
        long_length: bool,
    },
    Bits {
        bits: u8,
        fill: u8,
    },
    Container {
        structure: bool,
        items: Vec<Data>,
    },
}

#[derive(Arbitrary, Clone, Debug)]
enum GetResult {
    Dar(u8),
    Data(Data),
}

/// Per proxied server (address bytes), its items.
type Proxied<T> = Vec<(Vec<u8>, Vec<T>)>;

#[derive(Arbitrary, Clone, Debug)]
enum Apdu {
    GetNormal(u32, GetResult),
    GetNormalList(Vec<(u32, GetResult)>),
    GetRecord(u32, Vec<u32>, Result<Vec<Data>, u8>),
    GetNextDar(bool, u16, u8),
    SetNormal(u32, u8),
    SetNormalList(Vec<(u32, u8)>),
    SetThenGetList(Vec<(u32, u8, u32, GetResult)>),
    ActionNormal(u32, u8, Option<Data>),
    ActionNormalList(Vec<(u32, u8, Option<Data>)>),
    ActionThenGetList(Vec<(u32, u8, Option<Data>, u32, GetResult)>),
    ReportList(Vec<(u32, GetResult)>),
    ProxyGetList(Proxied<(u32, GetResult)>),
    ProxySetList(Proxied<(u32, u8)>),
    ProxyActionList(Proxied<(u32, u8, Option<Data>)>),
    ProxyTransCommand(u32, Option<u8>),
    SecurityDar(u8),
}

#[derive(Arbitrary, Clone, Debug)]
enum Trailer {
    None,
    FollowReport(Vec<(u32, GetResult)>),
    TimeTag([u8; 7], [u8; 3]),
}

impl From<&Data> for dlms::Data698 {
    fn from(data: &Data) -> Self {
        match data {
            Data::Scalar { kind, fill } => Self::Scalar {
                kind: *kind,
                fill: *fill,
            },
            Data::Bytes {
                kind,
                content,
                long_length,
            } => Self::Bytes {
                kind: *kind,
                content: content.clone(),
                long_length: *long_length,
            },
            Data::Bits { bits, fill } => Self::Bits {
                bits: *bits,
                fill: *fill,
            },
            Data::Container { structure, items } => Self::Container {
                structure: *structure,
                items: items.iter().map(Self::from).collect(),
            },
        }
    }
}

impl From<&GetResult> for dlms::Result698 {
    fn from(result: &GetResult) -> Self {
        match result {
            GetResult::Dar(dar) => Self::Dar(*dar),
            GetResult::Data(data) => Self::Data(data.into()),
        }
    }
}

fn get_items(items: &[(u32, GetResult)]) -> Vec<dlms::GetItem698> {
    items.iter().map(|(oad, r)| (*oad, r.into())).collect()
}

fn action_items(items: &[(u32, u8, Option<Data>)]) -> Vec<dlms::ActionItem698> {
    items
        .iter()
        .map(|(omd, dar, data)| (*omd, *dar, data.as_ref().map(Into::into)))
        .collect()
}

fn proxied<T, U>(
    targets: &[(Vec<u8>, Vec<T>)],
    items: impl Fn(&[T]) -> Vec<U>,
) -> dlms::Proxied698<U> {
    targets
        .iter()
        .map(|(address, list)| (address.clone(), items(list)))
        .collect()
}

impl From<&Apdu> for dlms::Apdu698 {
    fn from(apdu: &Apdu) -> Self {
        match apdu {
            Apdu::GetNormal(oad, result) => Self::GetNormal {
                oad: *oad,
                result: result.into(),
            },
            Apdu::GetNormalList(items) => Self::GetNormalList(get_items(items)),
            Apdu::GetRecord(oad, columns, rows) => Self::GetRecord {
                oad: *oad,
                columns: columns.clone(),
                rows: rows
                    .as_ref()
                    .map(|values| values.iter().map(Into::into).collect())
                    .map_err(|dar| *dar),
            },
            Apdu::GetNextDar(last, block, dar) => Self::GetNextDar {
                last: *last,
                block: *block,
                dar: *dar,
            },
            Apdu::SetNormal(oad, dar) => Self::SetNormal {
                oad: *oad,
                dar: *dar,
            },
            Apdu::SetNormalList(items) => Self::SetNormalList(items.clone()),
            Apdu::SetThenGetList(items) => Self::SetThenGetList(
                items
                    .iter()
                    .map(|(oad, dar, back, r)| (*oad, *dar, *back, r.into()))
                    .collect(),
            ),
            Apdu::ActionNormal(omd, dar, data) => Self::ActionNormal {
                omd: *omd,
                dar: *dar,
                data: data.as_ref().map(Into::into),
            },
            Apdu::ActionNormalList(items) => Self::ActionNormalList(action_items(items)),
            Apdu::ActionThenGetList(items) => Self::ActionThenGetList(
                items
                    .iter()
                    .map(|(omd, dar, data, back, r)| {
                        (*omd, *dar, data.as_ref().map(Into::into), *back, r.into())
                    })
                    .collect(),
            ),
            Apdu::ReportList(items) => Self::ReportList(get_items(items)),
            Apdu::ProxyGetList(targets) => Self::ProxyGetList(proxied(targets, get_items)),
            Apdu::ProxySetList(targets) => Self::ProxySetList(proxied(targets, <[_]>::to_vec)),
            Apdu::ProxyActionList(targets) => Self::ProxyActionList(proxied(targets, action_items)),
            Apdu::ProxyTransCommand(port, dar) => Self::ProxyTransCommand {
                port: *port,
                dar: *dar,
            },
            Apdu::SecurityDar(dar) => Self::SecurityDar(*dar),
        }
    }
}

impl From<&RoundTrip> for dlms::RoundTrip698 {
    fn from(spec: &RoundTrip) -> Self {
        Self {
            link: dlms::Link698 {
                preamble: spec.link.preamble,
                scrambled: spec.link.scrambled,
                kind: spec.link.kind,
                logical: spec.link.logical,
                address: spec.link.address.clone(),
                client: spec.link.client,
            },
            apdu: (&spec.apdu).into(),
            trailer: match &spec.trailer {
                Trailer::None => dlms::Trailer698::None,
                Trailer::FollowReport(items) => dlms::Trailer698::FollowReport(get_items(items)),
                Trailer::TimeTag(date_time_s, ti) => dlms::Trailer698::TimeTag(*date_time_s, *ti),
            },
            security: spec.security,
            mac: spec.mac.clone(),
        }
    }
}
