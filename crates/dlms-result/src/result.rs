//! What decoding produces: per-item access results with their target, outcome and offset.
//!
//! Everything here is either `Copy` or borrows the input (`DataRef`), so decoding a frame
//! allocates nothing but the result list.

use core::fmt;

use crate::code::ResultCode;
use crate::hex::Hex;

/// The protocol a frame was decoded as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Protocol {
    /// DL/T 698.45 (面向对象的用电信息数据交换协议).
    Dlt698,
    /// DL/T 645-2007 (多功能电能表通信协议).
    Dlt645,
    /// Q/GDW 1376.1 (电力用户用电信息采集系统通信协议：主站与采集终端).
    Gdw1376,
}

impl Protocol {
    /// The stable name used in machine-readable output: `dlt698.45`, `dlt645-2007`,
    /// `q/gdw1376.1`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Dlt698 => "dlt698.45",
            Self::Dlt645 => "dlt645-2007",
            Self::Gdw1376 => "q/gdw1376.1",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Who sent a frame, from the frame's direction bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Direction {
    /// Sent by the client / master station / front-end (a request).
    FromClient,
    /// Sent by the server / meter / terminal (a response or report).
    FromServer,
}

/// The kind of a DL/T 698.45 server address (SA flag bits 6–7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AddressKind {
    /// A single device.
    Single,
    /// A wildcard address (nibbles `A` match anything).
    Wildcard,
    /// A group address.
    Group,
    /// The broadcast address.
    Broadcast,
    /// A Q/GDW 1376.1 terminal address (A1 division, A2 terminal, A3 master/group).
    Terminal,
}

/// A device address, copied out of the frame (at most 16 bytes, as DL/T 698.45 allows).
///
/// The bytes are kept as they travel, least-significant byte first; [`fmt::Display`] shows
/// them most-significant first as upper-case hex, the way addresses are printed on
/// nameplates and in archives (`68 17 00 43 05 07 09 19 05 16 20` → `201605190907`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Address {
    bytes: [u8; Self::MAX_LEN],
    len: u8,
    kind: AddressKind,
    logical: u8,
}

impl Address {
    /// The longest address DL/T 698.45 can carry.
    pub const MAX_LEN: usize = 16;

    /// An address from its wire bytes (least-significant first). Returns `None` for more than
    /// [`Address::MAX_LEN`] bytes.
    pub fn new(wire: &[u8], kind: AddressKind, logical: u8) -> Option<Self> {
        let len = u8::try_from(wire.len())
            .ok()
            .filter(|&n| usize::from(n) <= Self::MAX_LEN)?;
        let mut bytes = [0u8; Self::MAX_LEN];
        // Meter addresses are six bytes (DL/T 645-2007 always, DL/T 698.45 nearly always):
        // a copy of a length known at compile time is a few moves, where the general copy
        // calls memcpy and makes the zeroing a call to memset (about 30 instructions a
        // frame; `benches/frames.rs`, `get_response_normal_30`).
        match (bytes.first_chunk_mut::<6>(), <&[u8; 6]>::try_from(wire)) {
            (Some(head), Ok(six)) => *head = *six,
            _ => bytes.get_mut(..wire.len())?.copy_from_slice(wire),
        }
        Some(Self {
            bytes,
            len,
            kind,
            logical,
        })
    }

    /// A six-byte address (the usual meter address) from its wire bytes: [`Address::new`] for
    /// a length known to the compiler, which then copies six bytes with a move instead of
    /// calling `memcpy` and `memset` (about 25 instructions a frame where it could not see the
    /// length; `benches/frames.rs`, `get_response_normal_30`). [`Address::new`] returning
    /// this for six bytes was measured too: the frame decoders' addresses then cost 19
    /// instructions a frame more, so callers that know the length call this.
    pub(crate) fn from_six(wire: [u8; 6], kind: AddressKind, logical: u8) -> Self {
        let [b0, b1, b2, b3, b4, b5] = wire;
        Self {
            bytes: [b0, b1, b2, b3, b4, b5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            len: 6,
            kind,
            logical,
        }
    }

    /// The address bytes as they travel (least-significant first).
    pub fn wire_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// The kind of address.
    pub const fn kind(&self) -> AddressKind {
        self.kind
    }

    /// The DL/T 698.45 logical address (SA flag bits 4–5); 0 elsewhere.
    pub const fn logical(&self) -> u8 {
        self.logical
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.wire_bytes().iter().rev() {
            write!(f, "{byte:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Address({self}, {:?}, logical {})",
            self.kind, self.logical
        )
    }
}

/// An object attribute descriptor (DL/T 698.45 OAD): OI (2 bytes) + attribute (1) + index (1),
/// shown as 8 hex digits (`20000200`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Oad(pub u32);

impl Oad {
    /// The object identifier (OI).
    pub const fn oi(self) -> u16 {
        (self.0 >> 16) as u16
    }
    /// The attribute id (bits 0–4 of the attribute byte).
    pub const fn attribute(self) -> u8 {
        ((self.0 >> 8) & 0x1F) as u8
    }
    /// The attribute feature (bits 5–7 of the attribute byte).
    pub const fn feature(self) -> u8 {
        ((self.0 >> 13) & 0x07) as u8
    }
    /// The element index (0 = the whole attribute).
    pub const fn index(self) -> u8 {
        (self.0 & 0xFF) as u8
    }
}

/// An object method descriptor (DL/T 698.45 OMD): OI (2) + method id (1) + operation mode (1).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Omd(pub u32);

impl Omd {
    /// The object identifier (OI).
    pub const fn oi(self) -> u16 {
        (self.0 >> 16) as u16
    }
    /// The method id.
    pub const fn method(self) -> u8 {
        ((self.0 >> 8) & 0xFF) as u8
    }
    /// The operation mode.
    pub const fn mode(self) -> u8 {
        (self.0 & 0xFF) as u8
    }
}

/// A DL/T 645-2007 data identifier DI3 DI2 DI1 DI0, shown as 8 hex digits (`04000101`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DataId(pub u32);

/// A Q/GDW 1376.1 data unit: application function (AFN), information point Pn (DA) and
/// information class Fn (DT). Shown as `AFN0C/p1/F2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct DataUnit {
    /// Application function code.
    pub afn: u8,
    /// Information point (0 = the terminal itself).
    pub pn: u16,
    /// Information class.
    pub fn_: u16,
}

impl DataUnit {
    /// A data unit.
    pub const fn new(afn: u8, pn: u16, fn_: u16) -> Self {
        Self { afn, pn, fn_ }
    }
}

macro_rules! hex_id {
    ($($ty:ident),*) => {$(
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:08X}", self.0)
            }
        }
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($ty), "({:08X})"), self.0)
            }
        }
    )*};
}
hex_id!(Oad, Omd, DataId);

impl fmt::Display for DataUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AFN{:02X}/p{}/F{}", self.afn, self.pn, self.fn_)
    }
}

/// What a result is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Target {
    /// An attribute (GET, SET, REPORT results).
    Oad(Oad),
    /// A method (ACTION results).
    Omd(Omd),
    /// A record attribute read with a column selection (ROAD / A-ResultRecord); `columns` is
    /// the number of related OADs.
    Road {
        /// The record attribute.
        oad: Oad,
        /// How many column OADs the selection names.
        columns: u16,
    },
    /// A DL/T 645-2007 data identifier.
    Di(DataId),
    /// A Q/GDW 1376.1 data unit.
    DataUnit(DataUnit),
    /// The whole request, APDU or block (GET-Response-Next whole-block DAR, SECURITY-Response
    /// DAR, 645 error response without a DI, 1376.1 全部否认).
    Whole,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Oad(oad) | Self::Road { oad, .. } => fmt::Display::fmt(oad, f),
            Self::Omd(omd) => fmt::Display::fmt(omd, f),
            Self::Di(di) => fmt::Display::fmt(di, f),
            Self::DataUnit(unit) => fmt::Display::fmt(unit, f),
            Self::Whole => f.write_str("*"),
        }
    }
}

/// How the bytes behind a [`DataRef`] are encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DataEncoding {
    /// One or more DL/T 698.45 A-XDR `Data` values, as on the wire.
    Axdr,
    /// A-XDR `Data` from a scrambled frame (SC = 1): every wire byte is the value + 0x33.
    AxdrScrambled,
    /// DL/T 645-2007 data field bytes as on the wire (each byte is the value + 0x33).
    Dlt645,
    /// Q/GDW 1376.1 data unit bytes, as on the wire.
    Gdw1376,
}

/// A borrowed, not materialised, view of a successful result's data: exactly the wire bytes
/// of the value(s), found by walking the type tags without building anything.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DataRef<'a> {
    bytes: &'a [u8],
    encoding: DataEncoding,
}

impl<'a> DataRef<'a> {
    /// A view of `bytes` encoded as `encoding`.
    pub const fn new(bytes: &'a [u8], encoding: DataEncoding) -> Self {
        Self { bytes, encoding }
    }

    /// The bytes as they travel.
    pub const fn wire_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// How the bytes are encoded.
    pub const fn encoding(&self) -> DataEncoding {
        self.encoding
    }

    /// The number of wire bytes.
    pub const fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether there are no bytes.
    pub const fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The value bytes with scrambling (+0x33) removed; borrowed when nothing is scrambled.
    pub fn value_bytes(&self) -> std::borrow::Cow<'a, [u8]> {
        match self.encoding {
            DataEncoding::AxdrScrambled | DataEncoding::Dlt645 => {
                self.bytes.iter().map(|b| b.wrapping_sub(0x33)).collect()
            }
            DataEncoding::Axdr | DataEncoding::Gdw1376 => std::borrow::Cow::Borrowed(self.bytes),
        }
    }

    /// For A-XDR data, the type tag of the first value (DL/T 698.45 §2.7 table), e.g. 6 for
    /// double-long-unsigned.
    pub fn first_tag(&self) -> Option<u8> {
        let first = *self.bytes.first()?;
        match self.encoding {
            DataEncoding::Axdr => Some(first),
            DataEncoding::AxdrScrambled => Some(first.wrapping_sub(0x33)),
            DataEncoding::Dlt645 | DataEncoding::Gdw1376 => None,
        }
    }
}

impl fmt::Debug for DataRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DataRef({:?}, {})", self.encoding, Hex(self.bytes))
    }
}

/// The outcome of one access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome<'a> {
    /// A result code: a DAR, a 645 error bit, a 1376.1 denial or a front-end code.
    /// `ResultCode::SUCCESS` appears where the protocol answers with a bare DAR
    /// (SET, ACTION).
    Code(ResultCode),
    /// The access succeeded and returned data.
    Data(DataRef<'a>),
}

impl Outcome<'_> {
    /// The result code, or `None` for data.
    pub const fn code(&self) -> Option<ResultCode> {
        match self {
            Self::Code(code) => Some(*code),
            Self::Data(_) => None,
        }
    }

    /// Whether the access failed (a non-zero result code).
    pub const fn is_failure(&self) -> bool {
        match self {
            Self::Code(code) => !code.is_success(),
            Self::Data(_) => false,
        }
    }
}

/// Which part of a response a result comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Section {
    /// The response's own results.
    Main,
    /// The read-back of a `SetThenGet` / `ActionThenGet` response.
    ReadBack,
    /// The `FollowReport` trailer (DL/T 698.45: reports piggy-backed on a response).
    FollowReport,
}

/// How a proxied result reached the front-end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Via {
    /// The target server address (TSA) of a PROXY response, or the address of the inner
    /// frame of a transparent forward.
    pub tsa: Option<Address>,
    /// The port (OAD) of a transparent forward (PROXY `TransCommand`, REPORT `TransData`).
    pub port: Option<Oad>,
    /// The protocol of the inner frame of a transparent forward.
    pub inner_protocol: Option<Protocol>,
}

impl Via {
    /// A route through a proxy.
    pub const fn new(
        tsa: Option<Address>,
        port: Option<Oad>,
        inner_protocol: Option<Protocol>,
    ) -> Self {
        Self {
            tsa,
            port,
            inner_protocol,
        }
    }
}

/// Room for the first results of a frame; most frames carry one to four.
const FIRST_RESULTS_CAPACITY: usize = 4;

/// Appends `result` to a frame's result list. The first result allocates its room with
/// `Vec::with_capacity` (the capacity `Vec`'s growth would choose) rather than through the
/// general growth path: for a one-result frame that path cost as much as the allocation
/// itself (`benches/frames.rs`, `get_response_normal_30`).
pub(crate) fn push_result<'a>(list: &mut Vec<AccessResult<'a>>, result: AccessResult<'a>) {
    if list.capacity() == 0 {
        *list = Vec::with_capacity(FIRST_RESULTS_CAPACITY);
    }
    list.push(result);
}

/// One access result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct AccessResult<'a> {
    /// What was accessed.
    pub target: Target,
    /// The result code or the data.
    pub outcome: Outcome<'a>,
    /// Byte offset of the result (its target descriptor, or its code where there is no
    /// target) from the start of the decoded input.
    pub offset: usize,
    /// Which part of the response it comes from.
    pub section: Section,
    /// The proxy route, for results of proxied devices.
    pub via: Option<Via>,
}

impl<'a> AccessResult<'a> {
    /// A result of the response's main section, not proxied.
    pub const fn new(target: Target, outcome: Outcome<'a>, offset: usize) -> Self {
        Self {
            target,
            outcome,
            offset,
            section: Section::Main,
            via: None,
        }
    }

    /// The same result in `section`.
    #[must_use]
    pub const fn in_section(mut self, section: Section) -> Self {
        self.section = section;
        self
    }

    /// The same result, reached through `via`.
    #[must_use]
    pub const fn via(mut self, via: Via) -> Self {
        self.via = Some(via);
        self
    }

    /// The result code, or `None` for data.
    pub const fn code(&self) -> Option<ResultCode> {
        self.outcome.code()
    }
}

/// The position of a DL/T 698.45 link-layer fragment (分帧), from bits 14–15 of the fragment
/// format field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FragmentPosition {
    /// `00`: the first fragment.
    First,
    /// `11`: a middle fragment.
    Middle,
    /// `01`: the last fragment.
    Last,
    /// `10`: a confirmation of a received fragment (carries no data).
    Confirm,
}

impl FragmentPosition {
    /// `first`, `middle`, `last` or `confirm`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::First => "first",
            Self::Middle => "middle",
            Self::Last => "last",
            Self::Confirm => "confirm",
        }
    }
}

/// A DL/T 698.45 link-layer fragment header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Fragment {
    /// Sequence number, 0–4095 (wraps).
    pub seq: u16,
    /// Position in the fragment sequence.
    pub position: FragmentPosition,
}

impl Fragment {
    /// A fragment header.
    pub const fn new(seq: u16, position: FragmentPosition) -> Self {
        Self { seq, position }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_keeps_its_wire_bytes_whatever_their_number() {
        // Six bytes take their own copy path; every length is held to the same answer.
        let wire: Vec<u8> = (1..=17).collect();
        for len in 0..=wire.len() {
            let address = Address::new(&wire[..len], AddressKind::Single, 2);
            if len > Address::MAX_LEN {
                assert_eq!(address, None);
                continue;
            }
            let address = address.unwrap();
            assert_eq!(address.wire_bytes(), &wire[..len]);
            assert_eq!(
                (address.kind(), address.logical()),
                (AddressKind::Single, 2)
            );
            // Equality and hashing see the padding too: it is always zero.
            assert_eq!(
                address,
                Address::new(&wire[..len], AddressKind::Single, 2).unwrap()
            );
            assert!(address.bytes[len..].iter().all(|&b| b == 0));
        }
        for kind in [
            AddressKind::Single,
            AddressKind::Wildcard,
            AddressKind::Group,
            AddressKind::Broadcast,
        ] {
            let six = [0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC];
            assert_eq!(
                Some(Address::from_six(six, kind, 3)),
                Address::new(&six, kind, 3)
            );
        }
    }
}
