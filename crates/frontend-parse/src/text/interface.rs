//! The interface error messages (seed 000 §1.3): what the front-end's HTTP interface returns
//! in `{"code":400,"data":null,"message":"…","success":false}` when it rejects a request.
//!
//! The template text, `xxx` included, is each template's stable id: other crates key their
//! rules on exactly these strings.

use core::fmt;

use super::params::{ParamName, Params};
use super::template::match_template;

macro_rules! interface_templates {
    ($(
        $variant:ident => {
            status: $status:literal,
            template: $template:literal,
            remark: $remark:literal,
            gloss: $gloss:literal,
            params: [$($param:ident),*],
        }
    )*) => {
        /// One interface error message template (seed 000 §1.3).
        ///
        /// | HTTP-style code | template (the id) | remark (备注) | gloss |
        /// |---|---|---|---|
        $( #[doc = concat!("| ", $status, " | `", $template, "` | ", $remark, " | ", $gloss, " |")] )*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum InterfaceTemplate {
            $(
                #[doc = concat!("`", $template, "` — ", $remark, ": ", $gloss, ".")]
                $variant,
            )*
        }

        impl InterfaceTemplate {
            /// Every template, in seed order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            /// The template text exactly as in the seed, `xxx` included: the stable id.
            pub const fn id(self) -> &'static str {
                match self {
                    $( Self::$variant => $template, )*
                }
            }

            /// The `code` field the interface returns with this message.
            pub const fn status(self) -> u16 {
                match self {
                    $( Self::$variant => $status, )*
                }
            }

            /// The 备注 (cause) column of the seed table.
            pub const fn remark(self) -> &'static str {
                match self {
                    $( Self::$variant => $remark, )*
                }
            }

            /// A short English gloss.
            pub const fn gloss(self) -> &'static str {
                match self {
                    $( Self::$variant => $gloss, )*
                }
            }

            /// The names of the template's `xxx` variables, in order.
            pub const fn params(self) -> &'static [ParamName] {
                match self {
                    $( Self::$variant => &[$(ParamName::$param),*], )*
                }
            }
        }
    };
}

interface_templates! {
    UnsupportedMeterProtocol => {
        status: 400,
        template: "不支持的电表协议类型:xxx",
        remark: "采集档案下发参数中电表协议不符合规范",
        gloss: "the archive's meter protocol type is not supported",
        params: [Protocol],
    }
    EmptyBizCode => {
        status: 400,
        template: "bizCode不能为空",
        remark: "收到的bizCode为空",
        gloss: "bizCode is empty",
        params: [],
    }
    EmptyDeviceList => {
        status: 400,
        template: "设备列表不能为空",
        remark: "收到的设备列表为空",
        gloss: "the device list is empty",
        params: [],
    }
    EmptyDataItems => {
        status: 400,
        template: "数据项不能为空",
        remark: "收到的数据项为空或数据项不支持",
        gloss: "the data items are empty or unsupported",
        params: [],
    }
    NoConfiguration => {
        status: 400,
        template: "无配置信息",
        remark: "采集档案下发参数为空",
        gloss: "no archive parameters were sent",
        params: [],
    }
    TerminalNotInArchiveCache => {
        status: 400,
        template: "终端xxx在档案缓存中不存在",
        remark: "设备未下装，或缓存档案同步有误",
        gloss: "the terminal is not in the front-end's archive cache",
        params: [Terminal],
    }
    MeterNotInArchiveCache => {
        status: 400,
        template: "电表xxx在档案缓存中不存在",
        remark: "设备未下装，或缓存档案同步有误",
        gloss: "the meter is not in the front-end's archive cache",
        params: [Meter],
    }
    Spec20ConversionFailed => {
        status: 400,
        template: "2.0规范转换异常",
        remark: "收到的参数不满足2.0规范预期",
        gloss: "the parameters do not satisfy the 2.0 specification",
        params: [],
    }
}

impl InterfaceTemplate {
    /// The template for its id (the exact template text).
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|template| template.id() == id)
    }
}

/// The id, e.g. `终端xxx在档案缓存中不存在`.
impl fmt::Display for InterfaceTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl serde::Serialize for InterfaceTemplate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// An interface message matched to its template, with the variable extracted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InterfaceMatch<'a> {
    /// The template the message matches.
    pub template: InterfaceTemplate,
    /// The variables (`terminal`, `meter`, `protocol`), slices of the message.
    pub params: Params<'a>,
}

/// Finds the template of an interface error message and extracts its variable. Punctuation
/// may be ASCII or full-width (`不支持的电表协议类型：xxx`), spaces are ignored; the whole
/// message must match. `None` for a message no template matches (keep it verbatim).
///
/// ```
/// use frontend_parse::{InterfaceTemplate, ParamName, match_interface_message};
/// let found = match_interface_message("终端1147186771在档案缓存中不存在").unwrap();
/// assert_eq!(found.template, InterfaceTemplate::TerminalNotInArchiveCache);
/// assert_eq!(found.template.id(), "终端xxx在档案缓存中不存在");
/// assert_eq!(found.params.get(ParamName::Terminal), Some("1147186771"));
/// assert!(match_interface_message("something else").is_none());
/// ```
pub fn match_interface_message(message: &str) -> Option<InterfaceMatch<'_>> {
    let message = super::fold::trim(message);
    InterfaceTemplate::ALL.iter().find_map(|&template| {
        let found = match_template(message, template.id(), template.params(), true)?;
        // A variable the template requires must not be empty (`终端在档案缓存中不存在`).
        if found.params.len() < template.params().len() {
            return None;
        }
        Some(InterfaceMatch {
            template,
            params: found.params,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_in_the_seed_and_matches_itself() {
        let seed = include_str!("../../../../fixtures/seeds/000_69f23c5e15e512c3.txt");
        for &template in InterfaceTemplate::ALL {
            assert!(seed.contains(template.id()), "{template}");
            assert!(seed.contains(template.remark()), "{template}");
            assert_eq!(InterfaceTemplate::from_id(template.id()), Some(template));
            assert_eq!(template.status(), 400);
            let found = match_interface_message(template.id()).unwrap();
            assert_eq!(found.template, template);
            for &name in template.params() {
                assert_eq!(found.params.get(name), Some("xxx"));
            }
        }
        assert_eq!(InterfaceTemplate::ALL.len(), 8);
    }

    #[test]
    fn empty_variable_is_no_match() {
        assert!(match_interface_message("终端在档案缓存中不存在").is_none());
        assert!(match_interface_message("不支持的电表协议类型:").is_none());
    }
}
