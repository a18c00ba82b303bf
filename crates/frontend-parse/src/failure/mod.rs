//! Failures: what the summary counts and `fep batch` writes, one per failing data item or
//! element (the rules are in [`extract_failures`]).

mod extract;
mod flag;

use core::fmt;

use dlms_result::ResultCode;
use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::element::FieldText;
use crate::text::{FepCode, InterfaceTemplate, Params, match_interface_message};

pub use extract::{ExtractNotes, extract_failures};
pub use flag::{ResponseFlagMode, UnknownResponseFlagMode};

/// The code a failure is filed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureCode<'a> {
    /// A front-end code of seed 000 §2.4 (`TK013`, `EL001`, …).
    Fep(FepCode),
    /// A code-shaped prefix the table does not know, kept verbatim.
    Other(&'a str),
    /// An interface error envelope (`{"code":400,"message":…}`).
    Interface,
    /// A data item failed with a result code while the element has no `errorCode`.
    Dar,
    /// The element failed without a readable code (`succ` false and no failing item, an
    /// error text without a code, or an unreadable `errorCode`).
    Unknown,
}

impl<'a> FailureCode<'a> {
    /// `TK013`, the verbatim unknown code, `interface`, `DAR` or `UNKNOWN`.
    pub fn as_str(&self) -> &'a str {
        match *self {
            Self::Fep(code) => code.as_str(),
            Self::Other(code) => code,
            Self::Interface => "interface",
            Self::Dar => "DAR",
            Self::Unknown => "UNKNOWN",
        }
    }
}

impl FailureCode<'_> {
    /// What the code means, in Chinese: the 备注 column of the seed table for a front-end
    /// code, a fixed description for the codes fep files failures under when the element
    /// has no code of its own, `None` for a code the table does not know.
    pub const fn description_zh(&self) -> Option<&'static str> {
        match self {
            Self::Fep(code) => Some(code.remark()),
            Self::Other(_) => None,
            Self::Interface => Some("接口错误（按消息模板归类）"),
            Self::Dar => Some("数据项返回非成功结果码（元素无 errorCode，见结果码）"),
            Self::Unknown => Some("元素失败但无可识别的错误码"),
        }
    }

    /// The code as written by [`FailureCode::as_str`], read back: `DAR`, `UNKNOWN`,
    /// `interface`, a front-end code of the table, or any other text kept verbatim.
    pub fn from_name(name: &str) -> FailureCode<'_> {
        match name {
            "DAR" => FailureCode::Dar,
            "UNKNOWN" => FailureCode::Unknown,
            "interface" => FailureCode::Interface,
            other => FepCode::from_code(other).map_or(FailureCode::Other(other), FailureCode::Fep),
        }
    }
}

impl fmt::Display for FailureCode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FailureCode<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Where an element sits in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location<'a> {
    /// Document index, counted over all inputs from 0.
    pub doc: u64,
    /// Element index inside the document's `devDataList`; `None` for a whole-document
    /// failure (an interface envelope).
    pub element: Option<u64>,
    /// Byte offset of the element (or document) in its input (after decompression).
    pub offset: u64,
    /// The document's `workId`, when it came before `devDataList` (it usually comes after
    /// and is then only known at the document's end: see the summary).
    pub work_id: Option<&'a str>,
}

/// One failure. Borrows the element it came from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Failure<'a> {
    /// Where the element is.
    pub location: Location<'a>,
    /// `devSn`.
    pub dev_sn: Option<FieldText<'a>>,
    /// `commDevId` (the terminal).
    pub comm_dev_id: Option<FieldText<'a>>,
    /// `devType`.
    pub dev_type: Option<FieldText<'a>>,
    /// `cmdType`.
    pub cmd_type: Option<FieldText<'a>>,
    /// The failing item's `dataItemId`; `None` for an element-level failure.
    pub data_item_id: Option<FieldText<'a>>,
    /// The code the failure is filed under.
    pub code: FailureCode<'a>,
    /// The result code, when the flag or the text names one.
    pub result_code: Option<ResultCode>,
    /// The variables extracted from the text.
    pub params: Params<'a>,
    /// The error text (`errorCode`, or the interface message).
    pub text: Option<&'a str>,
    /// The item's `responseFlag`.
    pub response_flag: Option<i64>,
    /// For an interface failure, the matched message template.
    pub template: Option<InterfaceTemplate>,
}

impl<'a> Failure<'a> {
    /// The failure for an interface error envelope: the message is matched against the
    /// templates of seed 000 §1.3 and its variable extracted.
    ///
    /// ```
    /// use frontend_parse::failure::{Failure, Location};
    /// use frontend_parse::{InterfaceTemplate, ParamName};
    /// let location = Location { doc: 0, element: None, offset: 0, work_id: None };
    /// let failure = Failure::interface(location, Some("电表000000000001在档案缓存中不存在"));
    /// assert_eq!(failure.code.as_str(), "interface");
    /// assert_eq!(failure.template, Some(InterfaceTemplate::MeterNotInArchiveCache));
    /// assert_eq!(failure.params.get(ParamName::Meter), Some("000000000001"));
    /// ```
    pub fn interface(location: Location<'a>, message: Option<&'a str>) -> Self {
        let found = message.and_then(match_interface_message);
        Self {
            location,
            dev_sn: None,
            comm_dev_id: None,
            dev_type: None,
            cmd_type: None,
            data_item_id: None,
            code: FailureCode::Interface,
            result_code: None,
            params: found.map(|found| found.params).unwrap_or_default(),
            text: message,
            response_flag: None,
            template: found.map(|found| found.template),
        }
    }

    /// The Chinese name of the result code, when it has one.
    pub fn result_name(&self) -> Option<&'static str> {
        self.result_code.and_then(ResultCode::name_zh)
    }
}

/// The `fep batch` JSONL record shape (`docs/cli.md`): `{"doc":0,"element":12,"offset":…,
/// "workId":null,"devSn":…,"code":"TK013","result_code":2,"result_name":"暂时失效",…}`.
impl Serialize for Failure<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("Failure", 16)?;
        state.serialize_field("doc", &self.location.doc)?;
        state.serialize_field("element", &self.location.element)?;
        state.serialize_field("offset", &self.location.offset)?;
        state.serialize_field("workId", &self.location.work_id)?;
        state.serialize_field("devSn", &self.dev_sn)?;
        state.serialize_field("commDevId", &self.comm_dev_id)?;
        state.serialize_field("devType", &self.dev_type)?;
        state.serialize_field("cmdType", &self.cmd_type)?;
        state.serialize_field("dataItemId", &self.data_item_id)?;
        state.serialize_field("code", &self.code)?;
        state.serialize_field("result_code", &self.result_code.map(ResultCode::get))?;
        state.serialize_field("result_name", &self.result_name())?;
        state.serialize_field("params", &self.params)?;
        state.serialize_field("text", &self.text)?;
        state.serialize_field("responseFlag", &self.response_flag)?;
        state.serialize_field("template", &self.template)?;
        state.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_from_its_name_and_is_described() {
        let mut codes: Vec<FailureCode<'_>> = FepCode::ALL
            .iter()
            .map(|&code| FailureCode::Fep(code))
            .collect();
        codes.extend([
            FailureCode::Interface,
            FailureCode::Dar,
            FailureCode::Unknown,
        ]);
        for code in codes {
            assert_eq!(FailureCode::from_name(code.as_str()), code);
            let description = code.description_zh().expect("described");
            assert!(!description.is_empty(), "{code}");
        }
        let other = FailureCode::from_name("ZZ123");
        assert_eq!(other, FailureCode::Other("ZZ123"));
        assert_eq!(other.description_zh(), None);
    }
}
