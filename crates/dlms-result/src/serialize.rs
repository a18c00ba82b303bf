//! `serde::Serialize` for every output type (feature `serde`).
//!
//! The representation is written for people and for other languages reading the JSON, not
//! for a round trip: identifiers appear the way they are printed (`"20140200"` for an OAD,
//! `"201605190907"` for an address), enums as stable snake-case names, raw bytes as upper-case
//! hex strings, and result codes as numbers with their Chinese name alongside. Nothing here
//! allocates: hex and identifiers are written through `collect_str`.
//!
//! The shapes are checked against real frames in `tests/serialize.rs`.

use core::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::code::{CodeInfo, Origin};
use crate::decode::Decoded;
use crate::dlt698::Progress;
use crate::error::{Category, DecodeError, DecodeErrorKind};
use crate::hex::Hex;
use crate::result::{
    AccessResult, Address, AddressKind, DataEncoding, DataId, DataRef, DataUnit, Direction,
    Fragment, FragmentPosition, Oad, Omd, Outcome, Protocol, Section, Target, Via,
};
use crate::status::{ConnectResult, ErrorType, LinkResult, ServiceStatus};
use crate::stream::{Garbage, GarbageReason, StreamFrame, StreamItem};

/// A value serialized as its `Display` text (addresses, identifiers, messages).
struct Shown<T>(T);

impl<T: fmt::Display> Serialize for Shown<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// Implements `Serialize` as a string: the type's `Display` form (identifiers) or a fixed
/// snake-case name per variant (enums).
macro_rules! serialize_as_str {
    ($($ty:ty => |$value:ident| $text:expr;)*) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let $value = self;
                serializer.collect_str(&$text)
            }
        }
    )*};
}

serialize_as_str! {
    Oad => |oad| oad;
    Omd => |omd| omd;
    DataId => |di| di;
    Protocol => |protocol| protocol.name();
    DecodeErrorKind => |kind| kind.name();
    GarbageReason => |reason| reason.name();
    FragmentPosition => |position| position.name();
    Origin => |origin| origin.describe();
    Direction => |direction| match direction {
        Direction::FromClient => "from_client",
        Direction::FromServer => "from_server",
    };
    AddressKind => |kind| match kind {
        AddressKind::Single => "single",
        AddressKind::Wildcard => "wildcard",
        AddressKind::Group => "group",
        AddressKind::Broadcast => "broadcast",
        AddressKind::Terminal => "terminal",
    };
    Section => |section| match section {
        Section::Main => "main",
        Section::ReadBack => "read_back",
        Section::FollowReport => "follow_report",
    };
    DataEncoding => |encoding| match encoding {
        DataEncoding::Axdr => "axdr",
        DataEncoding::AxdrScrambled => "axdr_scrambled",
        DataEncoding::Dlt645 => "dlt645",
        DataEncoding::Gdw1376 => "gdw1376",
    };
    Category => |category| match category {
        Category::Truncated => "truncated",
        Category::Checksum => "checksum",
        Category::Malformed => "malformed",
        Category::Limit => "limit",
    };
}

impl Serialize for Decoded<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Decoded", 11)?;
        s.serialize_field("protocol", &self.protocol)?;
        s.serialize_field("preamble_len", &self.preamble_len)?;
        s.serialize_field("frame_len", &self.frame_len)?;
        s.serialize_field("direction", &self.direction)?;
        s.serialize_field("server_address", &self.server_address)?;
        s.serialize_field("client_address", &self.client_address)?;
        s.serialize_field("service", self.service)?;
        s.serialize_field("fragment", &self.fragment)?;
        s.serialize_field("scrambled", &self.scrambled)?;
        s.serialize_field("status", &self.status)?;
        s.serialize_field("results", &self.results)?;
        s.end()
    }
}

impl Serialize for Address {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Address", 3)?;
        s.serialize_field("address", &Shown(self))?;
        s.serialize_field("kind", &self.kind())?;
        s.serialize_field("logical", &self.logical())?;
        s.end()
    }
}

impl Serialize for AccessResult<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("AccessResult", 5)?;
        s.serialize_field("target", &self.target)?;
        s.serialize_field("outcome", &self.outcome)?;
        s.serialize_field("offset", &self.offset)?;
        s.serialize_field("section", &self.section)?;
        s.serialize_field("via", &self.via)?;
        s.end()
    }
}

impl Serialize for Target {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Oad(oad) => tagged_id(serializer, "oad", oad),
            Self::Omd(omd) => tagged_id(serializer, "omd", omd),
            Self::Di(di) => tagged_id(serializer, "di", di),
            Self::Road { oad, columns } => {
                let mut s = serializer.serialize_struct("Target", 3)?;
                s.serialize_field("kind", "road")?;
                s.serialize_field("id", oad)?;
                s.serialize_field("columns", columns)?;
                s.end()
            }
            Self::DataUnit(unit) => unit.serialize(serializer),
            Self::Whole => {
                let mut s = serializer.serialize_struct("Target", 1)?;
                s.serialize_field("kind", "whole")?;
                s.end()
            }
        }
    }
}

fn tagged_id<S: Serializer, T: Serialize>(
    serializer: S,
    kind: &'static str,
    id: &T,
) -> Result<S::Ok, S::Error> {
    let mut s = serializer.serialize_struct("Target", 2)?;
    s.serialize_field("kind", kind)?;
    s.serialize_field("id", id)?;
    s.end()
}

impl Serialize for DataUnit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("DataUnit", 5)?;
        s.serialize_field("kind", "data_unit")?;
        s.serialize_field("id", &Shown(self))?;
        s.serialize_field("afn", &self.afn)?;
        s.serialize_field("pn", &self.pn)?;
        s.serialize_field("fn", &self.fn_)?;
        s.end()
    }
}

impl Serialize for Outcome<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Code(code) => {
                let mut s = serializer.serialize_struct("Outcome", 3)?;
                s.serialize_field("code", code)?;
                s.serialize_field("name_zh", &code.name_zh())?;
                s.serialize_field("name_en", &code.name_en())?;
                s.end()
            }
            Self::Data(data) => {
                let mut s = serializer.serialize_struct("Outcome", 1)?;
                s.serialize_field("data", data)?;
                s.end()
            }
        }
    }
}

impl Serialize for DataRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("DataRef", 3)?;
        s.serialize_field("encoding", &self.encoding())?;
        s.serialize_field("len", &self.len())?;
        s.serialize_field("hex", &Shown(Hex(self.wire_bytes())))?;
        s.end()
    }
}

impl Serialize for Via {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Via", 3)?;
        s.serialize_field("tsa", &self.tsa)?;
        s.serialize_field("port", &self.port)?;
        s.serialize_field("inner_protocol", &self.inner_protocol)?;
        s.end()
    }
}

impl Serialize for Fragment {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Fragment", 2)?;
        s.serialize_field("seq", &self.seq)?;
        s.serialize_field("position", &self.position)?;
        s.end()
    }
}

impl Serialize for ServiceStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (service, code, name_zh, name_en) = match *self {
            Self::Connect(c) => ("connect", c.0, c.name_zh(), c.name_en()),
            Self::Link(l) => ("link", l.code(), l.name_zh(), l.name_en()),
            Self::Error(e) => ("error", e.0, e.name_zh(), e.name_en()),
            // DL/T 698.45 RELEASE-Response: 0 is success, nothing else is named.
            Self::Release(r) => ("release", r, (r == 0).then_some("成功"), None),
        };
        let mut s = serializer.serialize_struct("ServiceStatus", 4)?;
        s.serialize_field("service", service)?;
        s.serialize_field("code", &code)?;
        s.serialize_field("name_zh", &name_zh)?;
        s.serialize_field("name_en", &name_en)?;
        s.end()
    }
}

/// The value-with-names shape shared by the service-level result types.
macro_rules! serialize_named_u8 {
    ($($ty:ty),*) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut s = serializer.serialize_struct(stringify!($ty), 3)?;
                s.serialize_field("code", &self.0)?;
                s.serialize_field("name_zh", &self.name_zh())?;
                s.serialize_field("name_en", &self.name_en())?;
                s.end()
            }
        }
    )*};
}

serialize_named_u8!(ConnectResult, ErrorType);

impl Serialize for LinkResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("LinkResult", 4)?;
        s.serialize_field("code", &self.code())?;
        s.serialize_field("clock_trusted", &self.clock_trusted())?;
        s.serialize_field("name_zh", &self.name_zh())?;
        s.serialize_field("name_en", &self.name_en())?;
        s.end()
    }
}

impl Serialize for DecodeError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("DecodeError", 4)?;
        s.serialize_field("offset", &self.offset())?;
        s.serialize_field("kind", &self.kind())?;
        s.serialize_field("category", &self.category())?;
        s.serialize_field("message", &Shown(self.kind()))?;
        s.end()
    }
}

impl Serialize for CodeInfo {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("CodeInfo", 5)?;
        s.serialize_field("code", &self.code)?;
        s.serialize_field("ident", self.ident)?;
        s.serialize_field("name_zh", self.name_zh)?;
        s.serialize_field("name_en", self.name_en)?;
        s.serialize_field("origin", &self.origin)?;
        s.end()
    }
}

impl Serialize for StreamItem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("StreamItem", 1)?;
        match self {
            Self::Frame(frame) => s.serialize_field("frame", frame)?,
            Self::Garbage(garbage) => s.serialize_field("garbage", garbage)?,
        }
        s.end()
    }
}

impl Serialize for StreamFrame {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("StreamFrame", 4)?;
        s.serialize_field("protocol", &self.protocol)?;
        s.serialize_field("offset", &self.offset)?;
        s.serialize_field("preamble_len", &self.preamble_len)?;
        s.serialize_field("hex", &Shown(Hex(&self.bytes)))?;
        s.end()
    }
}

impl Serialize for Garbage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Garbage", 3)?;
        s.serialize_field("offset", &self.offset)?;
        s.serialize_field("len", &self.len)?;
        s.serialize_field("reason", &self.reason)?;
        s.end()
    }
}

impl Serialize for Progress {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Progress", 3)?;
        match self {
            Self::Pending { seq } => {
                s.serialize_field("state", "pending")?;
                s.serialize_field("seq", seq)?;
            }
            Self::Confirmed { seq } => {
                s.serialize_field("state", "confirmed")?;
                s.serialize_field("seq", seq)?;
            }
            Self::Complete(apdu) => {
                s.serialize_field("state", "complete")?;
                s.serialize_field("apdu_hex", &Shown(Hex(apdu)))?;
            }
        }
        s.end()
    }
}
