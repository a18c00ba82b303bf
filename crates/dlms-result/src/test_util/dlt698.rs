//! Builders of DL/T 698.45 frames and APDUs with valid HCS / FCS, for synthetic coverage
//! (every DAR byte in every position), round-trip properties, benches and fuzz seeds.
//!
//! ```
//! use dlms_result::test_util::dlt698::{FrameBuilder, GetResult, Response};
//! let apdu = Response::get_normal_list(&[
//!     (0x2000_0200, GetResult::Data(&[0x12, 0x09, 0x6D])),
//!     (0x2014_0200, GetResult::Dar(4)),
//! ])
//! .finish();
//! let frame = FrameBuilder::response().build(&apdu);
//! let decoded = dlms_result::decode(&frame)?;
//! assert_eq!(decoded.results[1].code().map(|c| c.get()), Some(4));
//! # Ok::<(), dlms_result::DecodeError>(())
//! ```

// Builders assert their ranges (SA length, L, A-XDR length) before narrowing.
#![allow(clippy::cast_possible_truncation)]

use crate::checksum::crc16_x25;
use crate::result::{AddressKind, Fragment, FragmentPosition};

/// Builds link frames around APDUs.
#[derive(Clone, Debug)]
pub struct FrameBuilder {
    control: u8,
    kind: AddressKind,
    logical: u8,
    address: Vec<u8>,
    client: u8,
    fragment: Option<Fragment>,
    preamble: usize,
}

impl FrameBuilder {
    /// A server's response (C = `C3`) from the single address `000000000001` to client `10`.
    pub fn response() -> Self {
        Self {
            control: 0xC3,
            kind: AddressKind::Single,
            logical: 0,
            address: vec![0x01, 0x00, 0x00, 0x00, 0x00, 0x00],
            client: 0x10,
            fragment: None,
            preamble: 0,
        }
    }

    /// A client's request (C = `43`), same addresses.
    pub fn request() -> Self {
        Self::response().control(0x43)
    }

    /// A server-initiated report (C = `83`), same addresses.
    pub fn report() -> Self {
        Self::response().control(0x83)
    }

    /// Any control byte (the fragment and scrambling bits are then set by
    /// [`FrameBuilder::fragment`] and [`FrameBuilder::scrambled`] if used later).
    #[must_use]
    pub fn control(mut self, control: u8) -> Self {
        self.control = control;
        self
    }

    /// The server address: kind, logical address 0–3 and wire bytes (1–16, least significant
    /// first).
    #[must_use]
    pub fn address(mut self, kind: AddressKind, logical: u8, wire: &[u8]) -> Self {
        assert!((1..=16).contains(&wire.len()), "SA length 1-16");
        assert!(logical <= 3, "logical address 0-3");
        self.kind = kind;
        self.logical = logical;
        self.address = wire.to_vec();
        self
    }

    /// The client address.
    #[must_use]
    pub fn client(mut self, client: u8) -> Self {
        self.client = client;
        self
    }

    /// Scrambles the link user data (SC bit).
    #[must_use]
    pub fn scrambled(mut self, scrambled: bool) -> Self {
        if scrambled {
            self.control |= 0x08;
        } else {
            self.control &= !0x08;
        }
        self
    }

    /// Makes the frame a link-layer fragment with this header (fragment bit of C).
    #[must_use]
    pub fn fragment(mut self, seq: u16, position: FragmentPosition) -> Self {
        self.control |= 0x20;
        self.fragment = Some(Fragment::new(seq, position));
        self
    }

    /// Puts `n` `FE` wake-up bytes in front.
    #[must_use]
    pub fn preamble(mut self, n: usize) -> Self {
        self.preamble = n;
        self
    }

    /// The SA flag byte.
    pub fn sa_flag(&self) -> u8 {
        sa_flag(self.kind, self.logical, self.address.len())
    }

    /// The frame around `apdu` (or around an APDU fragment), with HCS and FCS.
    pub fn build(&self, apdu: &[u8]) -> Vec<u8> {
        let mut user = Vec::new();
        if let Some(fragment) = self.fragment {
            user.extend(crate::dlt698::fragment_header(fragment));
        }
        user.extend_from_slice(apdu);
        if self.control & 0x08 != 0 {
            user = user.iter().map(|b| b.wrapping_add(0x33)).collect();
        }
        // L counts L(2) C SA-flag SA CA HCS(2) user FCS(2).
        let length = 9 + self.address.len() + user.len();
        assert!(length <= 0x3FFF, "use a smaller APDU: L is 14 bits");
        let mut frame = vec![0xFE; self.preamble];
        let start = frame.len();
        frame.push(0x68);
        frame.extend((length as u16).to_le_bytes());
        frame.push(self.control);
        frame.push(self.sa_flag());
        frame.extend(&self.address);
        frame.push(self.client);
        let hcs = crc16_x25(&frame[start + 1..]);
        frame.extend(hcs.to_le_bytes());
        frame.extend(user);
        let fcs = crc16_x25(&frame[start + 1..]);
        frame.extend(fcs.to_le_bytes());
        frame.push(0x16);
        frame
    }
}

/// The SA / TSA flag for an address kind, logical address and length.
pub fn sa_flag(kind: AddressKind, logical: u8, len: usize) -> u8 {
    let kind_bits: u8 = match kind {
        AddressKind::Wildcard => 1,
        AddressKind::Group => 2,
        AddressKind::Broadcast => 3,
        _ => 0,
    };
    (kind_bits << 6) | ((logical & 3) << 4) | ((len - 1) as u8 & 0x0F)
}

/// An A-XDR length in its shortest form.
pub fn axdr_len(n: usize) -> Vec<u8> {
    if n < 0x80 {
        return vec![n as u8];
    }
    let bytes = (n as u32).to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count();
    let mut out = vec![0x80 | (4 - skip) as u8];
    out.extend(&bytes[skip..]);
    out
}

/// An octet-string: length + bytes.
pub fn octet_string(bytes: &[u8]) -> Vec<u8> {
    let mut out = axdr_len(bytes.len());
    out.extend_from_slice(bytes);
    out
}

/// A TSA for a single address (wire bytes, least significant first).
pub fn tsa(wire: &[u8]) -> Vec<u8> {
    let mut inner = vec![sa_flag(AddressKind::Single, 0, wire.len())];
    inner.extend_from_slice(wire);
    octet_string(&inner)
}

/// Proxied targets: TSA address wire bytes and that device's items.
pub type Targets<'a, T> = [(&'a [u8], &'a [T])];

/// A SET item: OAD and DAR.
pub type SetItem = (u32, u8);

/// An ACTION item: OMD, DAR and optional return Data.
pub type ActionItem<'a> = (u32, u8, Option<&'a [u8]>);

/// An `ActionThenGet` item: OMD, DAR, optional return Data, read-back OAD and result.
pub type ActionThenGetItem<'a> = (u32, u8, Option<&'a [u8]>, u32, GetResult<'a>);

/// A Get-Result to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GetResult<'a> {
    /// `00` + DAR.
    Dar(u8),
    /// `01` + these Data bytes (tag included).
    Data(&'a [u8]),
}

impl GetResult<'_> {
    fn encode(self, out: &mut Vec<u8>) {
        match self {
            Self::Dar(dar) => out.extend([0x00, dar]),
            Self::Data(data) => {
                out.push(0x01);
                out.extend_from_slice(data);
            }
        }
    }
}

/// A `TransResult` to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransResult<'a> {
    /// `00` + DAR.
    Dar(u8),
    /// `01` + octet-string.
    Octets(&'a [u8]),
}

fn a_result_normal(out: &mut Vec<u8>, oad: u32, result: GetResult<'_>) {
    out.extend(oad.to_be_bytes());
    result.encode(out);
}

fn omd_dar_data(out: &mut Vec<u8>, omd: u32, dar: u8, data: Option<&[u8]>) {
    out.extend(omd.to_be_bytes());
    out.push(dar);
    match data {
        None => out.push(0x00),
        Some(data) => {
            out.push(0x01);
            out.extend_from_slice(data);
        }
    }
}

fn list<T>(out: &mut Vec<u8>, items: &[T], mut item: impl FnMut(&mut Vec<u8>, &T)) {
    out.extend(axdr_len(items.len()));
    for i in items {
        item(out, i);
    }
}

/// A server APDU without its trailer; finish it with [`Response::finish`] or one of the
/// trailer methods. PIID-ACD is `01`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response(Vec<u8>);

impl Response {
    fn new(tag: u8, choice: u8) -> Self {
        Self(vec![tag, choice, 0x01])
    }

    /// GET-Response-Normal.
    pub fn get_normal(oad: u32, result: GetResult<'_>) -> Self {
        let mut r = Self::new(0x85, 0x01);
        a_result_normal(&mut r.0, oad, result);
        r
    }

    /// GET-Response-NormalList.
    pub fn get_normal_list(items: &[(u32, GetResult<'_>)]) -> Self {
        let mut r = Self::new(0x85, 0x02);
        list(&mut r.0, items, |out, &(oad, result)| {
            a_result_normal(out, oad, result);
        });
        r
    }

    /// GET-Response-Record with one column OAD per entry of `columns` and either a DAR or
    /// `rows` (the rows' Data values, concatenated).
    pub fn get_record(oad: u32, columns: &[u32], rows: Result<(usize, &[u8]), u8>) -> Self {
        let mut r = Self::new(0x85, 0x03);
        r.0.extend(oad.to_be_bytes());
        list(&mut r.0, columns, |out, column| {
            out.push(0x00);
            out.extend(column.to_be_bytes());
        });
        match rows {
            Ok((count, values)) => {
                r.0.push(0x01);
                r.0.extend(axdr_len(count));
                r.0.extend_from_slice(values);
            }
            Err(dar) => r.0.extend([0x00, dar]),
        }
        r
    }

    /// GET-Response-Next with a whole-block DAR.
    pub fn get_next_dar(last: bool, block: u16, dar: u8) -> Self {
        let mut r = Self::new(0x85, 0x05);
        r.0.push(u8::from(last));
        r.0.extend(block.to_be_bytes());
        r.0.extend([0x00, dar]);
        r
    }

    /// SET-Response-Normal.
    pub fn set_normal(oad: u32, dar: u8) -> Self {
        let mut r = Self::new(0x86, 0x01);
        r.0.extend(oad.to_be_bytes());
        r.0.push(dar);
        r
    }

    /// SET-Response-NormalList.
    pub fn set_normal_list(items: &[SetItem]) -> Self {
        let mut r = Self::new(0x86, 0x02);
        list(&mut r.0, items, |out, &(oad, dar)| {
            out.extend(oad.to_be_bytes());
            out.push(dar);
        });
        r
    }

    /// SET-Response-SetThenGetNormalList: (set OAD, DAR, read-back OAD, read-back result).
    pub fn set_then_get_list(items: &[(u32, u8, u32, GetResult<'_>)]) -> Self {
        let mut r = Self::new(0x86, 0x03);
        list(&mut r.0, items, |out, &(oad, dar, back, result)| {
            out.extend(oad.to_be_bytes());
            out.push(dar);
            a_result_normal(out, back, result);
        });
        r
    }

    /// ACTION-Response-Normal.
    pub fn action_normal(omd: u32, dar: u8, data: Option<&[u8]>) -> Self {
        let mut r = Self::new(0x87, 0x01);
        omd_dar_data(&mut r.0, omd, dar, data);
        r
    }

    /// ACTION-Response-NormalList.
    pub fn action_normal_list(items: &[ActionItem<'_>]) -> Self {
        let mut r = Self::new(0x87, 0x02);
        list(&mut r.0, items, |out, &(omd, dar, data)| {
            omd_dar_data(out, omd, dar, data);
        });
        r
    }

    /// ACTION-Response-ActionThenGetNormalList: (OMD, DAR, data, read-back OAD, result).
    pub fn action_then_get_list(items: &[ActionThenGetItem<'_>]) -> Self {
        let mut r = Self::new(0x87, 0x03);
        list(&mut r.0, items, |out, &(omd, dar, data, back, result)| {
            omd_dar_data(out, omd, dar, data);
            a_result_normal(out, back, result);
        });
        r
    }

    /// REPORT-Notification-List.
    pub fn report_list(items: &[(u32, GetResult<'_>)]) -> Self {
        let mut r = Self::new(0x88, 0x01);
        list(&mut r.0, items, |out, &(oad, result)| {
            a_result_normal(out, oad, result);
        });
        r
    }

    /// REPORT-Notification-TransData: port + forwarded octet-strings.
    pub fn report_trans_data(port: u32, frames: &[&[u8]]) -> Self {
        let mut r = Self::new(0x88, 0x03);
        r.0.extend(port.to_be_bytes());
        list(&mut r.0, frames, |out, frame| {
            out.extend(octet_string(frame));
        });
        r
    }

    /// PROXY-Response-GetList: (TSA address wire bytes, results).
    pub fn proxy_get_list(targets: &Targets<'_, (u32, GetResult<'_>)>) -> Self {
        let mut r = Self::new(0x89, 0x01);
        list(&mut r.0, targets, |out, &(address, items)| {
            out.extend(tsa(address));
            list(out, items, |out, &(oad, result)| {
                a_result_normal(out, oad, result);
            });
        });
        r
    }

    /// PROXY-Response-SetList: (TSA address, (OAD, DAR) items).
    pub fn proxy_set_list(targets: &Targets<'_, SetItem>) -> Self {
        let mut r = Self::new(0x89, 0x03);
        list(&mut r.0, targets, |out, &(address, items)| {
            out.extend(tsa(address));
            list(out, items, |out, &(oad, dar)| {
                out.extend(oad.to_be_bytes());
                out.push(dar);
            });
        });
        r
    }

    /// PROXY-Response-ActionList: (TSA address, (OMD, DAR, data) items).
    pub fn proxy_action_list(targets: &Targets<'_, ActionItem<'_>>) -> Self {
        let mut r = Self::new(0x89, 0x05);
        list(&mut r.0, targets, |out, &(address, items)| {
            out.extend(tsa(address));
            list(out, items, |out, &(omd, dar, data)| {
                omd_dar_data(out, omd, dar, data);
            });
        });
        r
    }

    /// PROXY-Response-TransCommand.
    pub fn proxy_trans_command(port: u32, result: TransResult<'_>) -> Self {
        let mut r = Self::new(0x89, 0x07);
        r.0.extend(port.to_be_bytes());
        match result {
            TransResult::Dar(dar) => r.0.extend([0x00, dar]),
            TransResult::Octets(octets) => {
                r.0.push(0x01);
                r.0.extend(octet_string(octets));
            }
        }
        r
    }

    /// ERROR-Response with an error type.
    pub fn error(kind: u8) -> Self {
        Self(vec![0xEE, 0x01, kind])
    }

    /// The APDU with no `FollowReport` and no `TimeTag` (`00 00`).
    pub fn finish(mut self) -> Vec<u8> {
        self.0.extend([0x00, 0x00]);
        self.0
    }

    /// The APDU with a `FollowReport` of A-ResultNormal items and no `TimeTag`.
    pub fn with_follow_report(mut self, items: &[(u32, GetResult<'_>)]) -> Vec<u8> {
        self.0.extend([0x01, 0x01]);
        list(&mut self.0, items, |out, &(oad, result)| {
            a_result_normal(out, oad, result);
        });
        self.0.push(0x00);
        self.0
    }

    /// The APDU with no `FollowReport` and a `TimeTag` (`date_time_s` + TI).
    pub fn with_time_tag(mut self, date_time_s: [u8; 7], ti: [u8; 3]) -> Vec<u8> {
        self.0.extend([0x00, 0x01]);
        self.0.extend(date_time_s);
        self.0.extend(ti);
        self.0
    }
}

/// A SECURITY-Response carrying a plaintext APDU, with an optional MAC.
pub fn security_plain(inner: &[u8], mac: Option<&[u8]>) -> Vec<u8> {
    security(0x00, &octet_string(inner), mac)
}

/// A SECURITY-Response carrying a ciphertext, with an optional MAC.
pub fn security_cipher(cipher: &[u8], mac: Option<&[u8]>) -> Vec<u8> {
    security(0x01, &octet_string(cipher), mac)
}

/// A SECURITY-Response carrying a DAR, with an optional MAC.
pub fn security_dar(dar: u8, mac: Option<&[u8]>) -> Vec<u8> {
    security(0x02, &[dar], mac)
}

fn security(choice: u8, body: &[u8], mac: Option<&[u8]>) -> Vec<u8> {
    let mut out = vec![0x90, choice];
    out.extend_from_slice(body);
    match mac {
        None => out.push(0x00),
        Some(mac) => {
            out.extend([0x01, 0x00]);
            out.extend(octet_string(mac));
        }
    }
    out
}
