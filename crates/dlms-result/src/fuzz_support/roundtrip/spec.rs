//! The description of a DL/T 698.45 response and its construction with the test builders.

use crate::test_util::dlt698::{
    self as builder, ActionItem, FrameBuilder, GetResult, Response, SetItem, TransResult,
};
use crate::{AddressKind, Dar, Oad, Omd, ResultCode, Section, Target};

use super::expect::{Anchor, Expected, Want};

/// A DL/T 698.45 server response to build, decode and compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundTrip698 {
    /// The link frame around the APDU.
    pub link: Link698,
    /// The response APDU.
    pub apdu: Apdu698,
    /// What follows the APDU (ignored for [`Apdu698::SecurityDar`]).
    pub trailer: Trailer698,
    /// Wrap the APDU (with its trailer) in a plaintext SECURITY-Response.
    pub security: bool,
    /// The MAC of the SECURITY-Response, if any.
    pub mac: Option<Vec<u8>>,
}

/// The link layer: out-of-range values are folded into range (see [`Link698::normalized`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link698 {
    /// `FE` wake-up bytes, 0–4.
    pub preamble: u8,
    /// Scramble the link user data (SC = 1).
    pub scrambled: bool,
    /// Address type 0–3: single, wildcard, group, broadcast.
    pub kind: u8,
    /// Logical address 0–3.
    pub logical: u8,
    /// Server address wire bytes, 1–16.
    pub address: Vec<u8>,
    /// Client address.
    pub client: u8,
}

impl Link698 {
    /// The same link with every field in range.
    #[must_use]
    pub fn normalized(&self) -> Self {
        Self {
            preamble: self.preamble % 5,
            scrambled: self.scrambled,
            kind: self.kind % 4,
            logical: self.logical % 4,
            address: address_bytes(&self.address),
            client: self.client,
        }
    }

    /// The address type the (normalized) `kind` stands for.
    pub fn address_kind(&self) -> AddressKind {
        match self.kind % 4 {
            0 => AddressKind::Single,
            1 => AddressKind::Wildcard,
            2 => AddressKind::Group,
            _ => AddressKind::Broadcast,
        }
    }
}

/// A server address of 1–16 bytes (DL/T 698.45 SA, TSA): empty becomes `01`, longer is cut.
fn address_bytes(wire: &[u8]) -> Vec<u8> {
    match wire {
        [] => vec![0x01],
        _ => wire.iter().copied().take(16).collect(),
    }
}

/// A `Data` value (DL/T 698.45 §7): a description that always encodes to valid A-XDR.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Data698 {
    /// A fixed-size value: `kind` picks the type (null, bool, integers, floats, dates, OAD …),
    /// every content byte is `fill`.
    Scalar {
        /// Index into the fixed-size types (taken modulo their number).
        kind: u8,
        /// The content byte.
        fill: u8,
    },
    /// A length-prefixed string: `kind` picks octet-, visible-, UTF8-string, TSA, MAC or RN.
    Bytes {
        /// Index into the string types (taken modulo their number).
        kind: u8,
        /// The content.
        content: Vec<u8>,
        /// Encode the length in the long form `82 hh ll` even when it is short (meters do).
        long_length: bool,
    },
    /// A bit-string of `bits` bits, every content byte `fill`.
    Bits {
        /// Number of bits.
        bits: u8,
        /// The content byte.
        fill: u8,
    },
    /// An array or a structure.
    Container {
        /// Structure (`02`) rather than array (`01`).
        structure: bool,
        /// The members.
        items: Vec<Self>,
    },
}

/// The fixed-size `Data` types: tag and content length (DL/T 698.45 §7 Data).
const SCALARS: [(u8, usize); 23] = [
    (0, 0),   // null
    (3, 1),   // bool
    (5, 4),   // double-long
    (6, 4),   // double-long-unsigned
    (15, 1),  // integer
    (16, 2),  // long
    (17, 1),  // unsigned
    (18, 2),  // long-unsigned
    (20, 8),  // long64
    (21, 8),  // long64-unsigned
    (22, 1),  // enum
    (23, 4),  // float32
    (24, 8),  // float64
    (25, 10), // date_time
    (26, 5),  // date
    (27, 3),  // time
    (28, 7),  // date_time_s
    (80, 2),  // OI
    (81, 4),  // OAD
    (83, 4),  // OMD
    (84, 3),  // TI
    (89, 2),  // Scaler_Unit
    (95, 5),  // COMDCB
];

/// The length-prefixed `Data` types: octet-string, visible-string, UTF8-string, TSA, MAC, RN.
const STRINGS: [u8; 6] = [9, 10, 12, 85, 86, 87];

/// Containers nested deeper than this are encoded as `null`, well inside the walker's
/// default depth limit.
const MAX_DEPTH: usize = 8;

impl Data698 {
    /// The A-XDR encoding, tag included.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out, 0);
        out
    }

    fn encode_into(&self, out: &mut Vec<u8>, depth: usize) {
        match self {
            Self::Scalar { kind, fill } => {
                let index = usize::from(*kind).checked_rem(SCALARS.len()).unwrap_or(0);
                let (tag, len) = SCALARS.get(index).copied().unwrap_or((0, 0));
                out.push(tag);
                out.extend(core::iter::repeat_n(*fill, len));
            }
            Self::Bytes {
                kind,
                content,
                long_length,
            } => {
                let index = usize::from(*kind).checked_rem(STRINGS.len()).unwrap_or(0);
                out.push(STRINGS.get(index).copied().unwrap_or(9));
                let len = u16::try_from(content.len()).unwrap_or(u16::MAX);
                if *long_length {
                    out.push(0x82);
                    out.extend(len.to_be_bytes());
                } else {
                    out.extend(builder::axdr_len(usize::from(len)));
                }
                out.extend(content.iter().take(usize::from(len)));
            }
            Self::Bits { bits, fill } => {
                out.push(4);
                out.extend(builder::axdr_len(usize::from(*bits)));
                out.extend(core::iter::repeat_n(*fill, usize::from(bits.div_ceil(8))));
            }
            Self::Container { .. } if depth >= MAX_DEPTH => out.push(0),
            Self::Container { structure, items } => {
                out.push(if *structure { 2 } else { 1 });
                out.extend(builder::axdr_len(items.len()));
                for item in items {
                    item.encode_into(out, depth.saturating_add(1));
                }
            }
        }
    }
}

/// A Get-Result: a DAR or a `Data` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Result698 {
    /// `00` + DAR.
    Dar(u8),
    /// `01` + Data.
    Data(Data698),
}

/// An A-ResultNormal: OAD and Get-Result.
pub type GetItem698 = (u32, Result698);
/// A SET result: OAD and DAR.
pub type SetItem698 = (u32, u8);
/// A SET-then-GET result: set OAD, DAR, read-back OAD and its Get-Result.
pub type SetThenGetItem698 = (u32, u8, u32, Result698);
/// An ACTION result: OMD, DAR and optional returned data.
pub type ActionItem698 = (u32, u8, Option<Data698>);
/// An ACTION-then-GET result: OMD, DAR, returned data, read-back OAD and its Get-Result.
pub type ActionThenGetItem698 = (u32, u8, Option<Data698>, u32, Result698);
/// Per proxied server (TSA address wire bytes), its items.
pub type Proxied698<T> = Vec<(Vec<u8>, Vec<T>)>;

/// The response APDUs that carry results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Apdu698 {
    /// GET-Response-Normal.
    GetNormal {
        /// The attribute.
        oad: u32,
        /// Its result.
        result: Result698,
    },
    /// GET-Response-NormalList.
    GetNormalList(Vec<GetItem698>),
    /// GET-Response-Record: rows of `columns.len()` values each (the values are cut to whole
    /// rows), or a DAR.
    GetRecord {
        /// The record attribute.
        oad: u32,
        /// The column OADs.
        columns: Vec<u32>,
        /// The values, row by row, or the DAR.
        rows: Result<Vec<Data698>, u8>,
    },
    /// GET-Response-Next with a whole-block DAR.
    GetNextDar {
        /// Last block flag.
        last: bool,
        /// Block number.
        block: u16,
        /// The DAR.
        dar: u8,
    },
    /// SET-Response-Normal.
    SetNormal {
        /// The attribute.
        oad: u32,
        /// The DAR.
        dar: u8,
    },
    /// SET-Response-NormalList.
    SetNormalList(Vec<SetItem698>),
    /// SET-Response-SetThenGetNormalList: set OAD, DAR, read-back OAD and result.
    SetThenGetList(Vec<SetThenGetItem698>),
    /// ACTION-Response-Normal.
    ActionNormal {
        /// The method.
        omd: u32,
        /// The DAR.
        dar: u8,
        /// Returned data.
        data: Option<Data698>,
    },
    /// ACTION-Response-NormalList.
    ActionNormalList(Vec<ActionItem698>),
    /// ACTION-Response-ActionThenGetNormalList: OMD, DAR, data, read-back OAD and result.
    ActionThenGetList(Vec<ActionThenGetItem698>),
    /// REPORT-Notification-List.
    ReportList(Vec<GetItem698>),
    /// PROXY-Response-GetList: per target server address, its results.
    ProxyGetList(Proxied698<GetItem698>),
    /// PROXY-Response-SetList.
    ProxySetList(Proxied698<SetItem698>),
    /// PROXY-Response-ActionList.
    ProxyActionList(Proxied698<ActionItem698>),
    /// PROXY-Response-TransCommand with a DAR, or with an empty octet-string (code 256).
    ProxyTransCommand {
        /// The port.
        port: u32,
        /// The DAR; `None` for an empty forwarded frame.
        dar: Option<u8>,
    },
    /// SECURITY-Response with a DAR.
    SecurityDar(u8),
}

/// What follows the response's body (DL/T 698.45 §7: `FollowReport` OPTIONAL, `TimeTag`
/// OPTIONAL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trailer698 {
    /// Neither.
    None,
    /// A `FollowReport` of A-ResultNormal items.
    FollowReport(Vec<GetItem698>),
    /// A `TimeTag`: `date_time_s` and TI.
    TimeTag([u8; 7], [u8; 3]),
}

/// A built frame and what decoding it must give.
pub(super) struct Built {
    pub(super) frame: Vec<u8>,
    pub(super) apdu_len: usize,
    pub(super) service: &'static str,
    pub(super) expected: Vec<Expected>,
}

/// A Get-Result encoded.
enum Encoded {
    Dar(u8),
    Data(Vec<u8>),
}

impl Encoded {
    fn new(result: &Result698) -> Self {
        match result {
            Result698::Dar(dar) => Self::Dar(*dar),
            Result698::Data(data) => Self::Data(data.encode()),
        }
    }

    fn get(&self) -> GetResult<'_> {
        match self {
            Self::Dar(dar) => GetResult::Dar(*dar),
            Self::Data(bytes) => GetResult::Data(bytes),
        }
    }

    fn want(&self) -> Want {
        match self {
            Self::Dar(dar) => Want::Code(ResultCode::from(Dar::new(*dar))),
            Self::Data(bytes) => Want::Data(bytes.clone()),
        }
    }
}

/// Collects the expected results in wire order.
#[derive(Default)]
struct Expect {
    list: Vec<Expected>,
    section: Option<Section>,
    tsa: Option<Vec<u8>>,
}

impl Expect {
    fn push(&mut self, target: Target, want: Want, anchor: Anchor, port: Option<u32>) {
        self.list.push(Expected {
            target,
            want,
            anchor,
            section: self.section.unwrap_or(Section::Main),
            tsa: self.tsa.clone(),
            port,
        });
    }

    fn normal(&mut self, oad: u32, result: &Encoded) {
        self.push(Target::Oad(Oad(oad)), result.want(), Anchor::Id(oad), None);
    }

    fn read_back(&mut self, oad: u32, result: &Encoded) {
        let saved = self.section.replace(Section::ReadBack);
        self.normal(oad, result);
        self.section = saved;
    }

    fn set(&mut self, oad: u32, dar: u8) {
        self.push(Target::Oad(Oad(oad)), dar_want(dar), Anchor::Id(oad), None);
    }

    fn action(&mut self, omd: u32, dar: u8) {
        self.push(Target::Omd(Omd(omd)), dar_want(dar), Anchor::Id(omd), None);
    }
}

fn dar_want(dar: u8) -> Want {
    Want::Code(ResultCode::from(Dar::new(dar)))
}

fn encode_all<T>(items: &[T], result: impl Fn(&T) -> &Result698) -> Vec<Encoded> {
    items
        .iter()
        .map(|item| Encoded::new(result(item)))
        .collect()
}

fn encode_optional(data: Option<&Data698>) -> Option<Vec<u8>> {
    data.map(Data698::encode)
}

/// Builds the frame and the expected results.
pub(super) fn build(spec: &RoundTrip698) -> Built {
    let mut expect = Expect::default();
    let (response, service) = body(&spec.apdu, &mut expect);
    let mut apdu = match response {
        Body::Response(response) => finish(response, &spec.trailer, &mut expect),
        Body::Complete(apdu) => apdu,
    };
    let mut service = service;
    if spec.security && !matches!(spec.apdu, Apdu698::SecurityDar(_)) {
        apdu = builder::security_plain(&apdu, spec.mac.as_deref());
        service = "SECURITY-Response";
    }
    let link = spec.link.normalized();
    let apdu_len = apdu.len();
    let frame = if apdu_len > super::MAX_APDU {
        Vec::new()
    } else {
        FrameBuilder::response()
            .address(link.address_kind(), link.logical, &link.address)
            .client(link.client)
            .scrambled(link.scrambled)
            .preamble(usize::from(link.preamble))
            .build(&apdu)
    };
    Built {
        frame,
        apdu_len,
        service,
        expected: expect.list,
    }
}

/// A response still to be finished with its trailer, or a complete APDU.
enum Body {
    Response(Response),
    Complete(Vec<u8>),
}

/// The APDU's body and service name; the expected results go to `expect`.
fn body(apdu: &Apdu698, expect: &mut Expect) -> (Body, &'static str) {
    let response = match apdu {
        Apdu698::GetNormal { oad, result } => {
            let encoded = Encoded::new(result);
            expect.normal(*oad, &encoded);
            (
                Response::get_normal(*oad, encoded.get()),
                "GET-Response-Normal",
            )
        }
        Apdu698::GetNormalList(items) => {
            let encoded = encode_all(items, |(_, r)| r);
            let list: Vec<_> = items
                .iter()
                .zip(&encoded)
                .map(|((oad, _), e)| (*oad, e.get()))
                .collect();
            for ((oad, _), e) in items.iter().zip(&encoded) {
                expect.normal(*oad, e);
            }
            (Response::get_normal_list(&list), "GET-Response-NormalList")
        }
        Apdu698::GetRecord { oad, columns, rows } => {
            let target = Target::Road {
                oad: Oad(*oad),
                columns: u16::try_from(columns.len()).unwrap_or(u16::MAX),
            };
            let response = match rows {
                Ok(values) => {
                    let count = values.len().checked_div(columns.len()).unwrap_or(0);
                    let whole = count.saturating_mul(columns.len());
                    let bytes: Vec<u8> = values
                        .iter()
                        .take(whole)
                        .flat_map(Data698::encode)
                        .collect();
                    expect.push(target, Want::Data(bytes.clone()), Anchor::Id(*oad), None);
                    Response::get_record(*oad, columns, Ok((count, &bytes)))
                }
                Err(dar) => {
                    expect.push(target, dar_want(*dar), Anchor::Id(*oad), None);
                    Response::get_record(*oad, columns, Err(*dar))
                }
            };
            (response, "GET-Response-Record")
        }
        Apdu698::GetNextDar { last, block, dar } => {
            expect.push(Target::Whole, dar_want(*dar), Anchor::Byte(*dar), None);
            (
                Response::get_next_dar(*last, *block, *dar),
                "GET-Response-Next",
            )
        }
        Apdu698::SetNormal { oad, dar } => {
            expect.set(*oad, *dar);
            (Response::set_normal(*oad, *dar), "SET-Response-Normal")
        }
        Apdu698::SetNormalList(items) => {
            for (oad, dar) in items {
                expect.set(*oad, *dar);
            }
            (Response::set_normal_list(items), "SET-Response-NormalList")
        }
        Apdu698::SetThenGetList(items) => {
            let encoded = encode_all(items, |(_, _, _, r)| r);
            let list: Vec<_> = items
                .iter()
                .zip(&encoded)
                .map(|((oad, dar, back, _), e)| (*oad, *dar, *back, e.get()))
                .collect();
            for ((oad, dar, back, _), e) in items.iter().zip(&encoded) {
                expect.set(*oad, *dar);
                expect.read_back(*back, e);
            }
            (
                Response::set_then_get_list(&list),
                "SET-Response-SetThenGetNormalList",
            )
        }
        Apdu698::ActionNormal { omd, dar, data } => {
            expect.action(*omd, *dar);
            let data = encode_optional(data.as_ref());
            (
                Response::action_normal(*omd, *dar, data.as_deref()),
                "ACTION-Response-Normal",
            )
        }
        Apdu698::ActionNormalList(items) => {
            let data: Vec<_> = items
                .iter()
                .map(|(_, _, d)| encode_optional(d.as_ref()))
                .collect();
            let list: Vec<ActionItem<'_>> = items
                .iter()
                .zip(&data)
                .map(|((omd, dar, _), d)| (*omd, *dar, d.as_deref()))
                .collect();
            for (omd, dar, _) in items {
                expect.action(*omd, *dar);
            }
            (
                Response::action_normal_list(&list),
                "ACTION-Response-NormalList",
            )
        }
        Apdu698::ActionThenGetList(items) => {
            let data: Vec<_> = items
                .iter()
                .map(|(_, _, d, _, _)| encode_optional(d.as_ref()))
                .collect();
            let encoded = encode_all(items, |(_, _, _, _, r)| r);
            let list: Vec<_> = items
                .iter()
                .zip(&data)
                .zip(&encoded)
                .map(|(((omd, dar, _, back, _), d), e)| (*omd, *dar, d.as_deref(), *back, e.get()))
                .collect();
            for ((omd, dar, _, back, _), e) in items.iter().zip(&encoded) {
                expect.action(*omd, *dar);
                expect.read_back(*back, e);
            }
            (
                Response::action_then_get_list(&list),
                "ACTION-Response-ActionThenGetNormalList",
            )
        }
        Apdu698::ReportList(items) => {
            let encoded = encode_all(items, |(_, r)| r);
            let list: Vec<_> = items
                .iter()
                .zip(&encoded)
                .map(|((oad, _), e)| (*oad, e.get()))
                .collect();
            for ((oad, _), e) in items.iter().zip(&encoded) {
                expect.normal(*oad, e);
            }
            (Response::report_list(&list), "REPORT-Notification-List")
        }
        Apdu698::ProxyGetList(targets) => {
            let addresses: Vec<Vec<u8>> = targets.iter().map(|(a, _)| address_bytes(a)).collect();
            let encoded: Vec<Vec<Encoded>> = targets
                .iter()
                .map(|(_, items)| encode_all(items, |(_, r)| r))
                .collect();
            let lists: Vec<Vec<_>> = targets
                .iter()
                .zip(&encoded)
                .map(|((_, items), e)| {
                    items
                        .iter()
                        .zip(e)
                        .map(|((oad, _), e)| (*oad, e.get()))
                        .collect()
                })
                .collect();
            let built: Vec<_> = addresses
                .iter()
                .zip(&lists)
                .map(|(a, l)| (a.as_slice(), l.as_slice()))
                .collect();
            for (((_, items), e), address) in targets.iter().zip(&encoded).zip(&addresses) {
                expect.tsa = Some(address.clone());
                for ((oad, _), e) in items.iter().zip(e) {
                    expect.normal(*oad, e);
                }
            }
            expect.tsa = None;
            (Response::proxy_get_list(&built), "PROXY-Response-GetList")
        }
        Apdu698::ProxySetList(targets) => {
            let addresses: Vec<Vec<u8>> = targets.iter().map(|(a, _)| address_bytes(a)).collect();
            let built: Vec<(&[u8], &[SetItem])> = addresses
                .iter()
                .zip(targets)
                .map(|(a, (_, items))| (a.as_slice(), items.as_slice()))
                .collect();
            for ((_, items), address) in targets.iter().zip(&addresses) {
                expect.tsa = Some(address.clone());
                for (oad, dar) in items {
                    expect.set(*oad, *dar);
                }
            }
            expect.tsa = None;
            (Response::proxy_set_list(&built), "PROXY-Response-SetList")
        }
        Apdu698::ProxyActionList(targets) => {
            let addresses: Vec<Vec<u8>> = targets.iter().map(|(a, _)| address_bytes(a)).collect();
            let data: Vec<Vec<Option<Vec<u8>>>> = targets
                .iter()
                .map(|(_, items)| {
                    items
                        .iter()
                        .map(|(_, _, d)| encode_optional(d.as_ref()))
                        .collect()
                })
                .collect();
            let lists: Vec<Vec<ActionItem<'_>>> = targets
                .iter()
                .zip(&data)
                .map(|((_, items), d)| {
                    items
                        .iter()
                        .zip(d)
                        .map(|((omd, dar, _), d)| (*omd, *dar, d.as_deref()))
                        .collect()
                })
                .collect();
            let built: Vec<_> = addresses
                .iter()
                .zip(&lists)
                .map(|(a, l)| (a.as_slice(), l.as_slice()))
                .collect();
            for ((_, items), address) in targets.iter().zip(&addresses) {
                expect.tsa = Some(address.clone());
                for (omd, dar, _) in items {
                    expect.action(*omd, *dar);
                }
            }
            expect.tsa = None;
            (
                Response::proxy_action_list(&built),
                "PROXY-Response-ActionList",
            )
        }
        Apdu698::ProxyTransCommand { port, dar } => {
            let (result, want) = match dar {
                Some(dar) => (TransResult::Dar(*dar), dar_want(*dar)),
                // An empty forwarded frame is the front-end's code 256.
                None => (
                    TransResult::Octets(&[]),
                    Want::Code(ResultCode::PASSTHROUGH_EMPTY),
                ),
            };
            expect.push(
                Target::Oad(Oad(*port)),
                want,
                Anchor::Id(*port),
                Some(*port),
            );
            (
                Response::proxy_trans_command(*port, result),
                "PROXY-Response-TransCommand",
            )
        }
        Apdu698::SecurityDar(dar) => {
            expect.push(Target::Whole, dar_want(*dar), Anchor::Byte(*dar), None);
            return (
                Body::Complete(builder::security_dar(*dar, None)),
                "SECURITY-Response",
            );
        }
    };
    (Body::Response(response.0), response.1)
}

/// The response with its trailer.
fn finish(response: Response, trailer: &Trailer698, expect: &mut Expect) -> Vec<u8> {
    match trailer {
        Trailer698::None => response.finish(),
        Trailer698::FollowReport(items) => {
            let encoded = encode_all(items, |(_, r)| r);
            let list: Vec<_> = items
                .iter()
                .zip(&encoded)
                .map(|((oad, _), e)| (*oad, e.get()))
                .collect();
            let saved = expect.section.replace(Section::FollowReport);
            for ((oad, _), e) in items.iter().zip(&encoded) {
                expect.normal(*oad, e);
            }
            expect.section = saved;
            response.with_follow_report(&list)
        }
        Trailer698::TimeTag(date_time_s, ti) => response.with_time_tag(*date_time_s, *ti),
    }
}
