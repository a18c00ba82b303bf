//! The front-end's task error codes (seed 000 §2.2 and §2.4): the one table every name,
//! template, lookup and doc derives from.

use core::fmt;

use super::params::ParamName;

macro_rules! fep_codes {
    ($(
        $variant:ident => {
            code: $code:literal,
            template: $template:literal,
            remark: $remark:literal,
            gloss: $gloss:literal,
            params: [$($param:ident),*],
            trailing: $trailing:expr,
        }
    )*) => {
        /// A front-end task error code, as it opens an `errorCode` text (`TK013前置…`).
        ///
        /// The table (seed 000 §2.2/§2.4, the templates verbatim):
        ///
        /// | code | template | remark (备注) | gloss |
        /// |---|---|---|---|
        $( #[doc = concat!("| `", $code, "` | `", $template, "` | ", $remark, " | ", $gloss, " |")] )*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum FepCode {
            $(
                #[doc = concat!("`", $code, "` — `", $template, "` (", $remark, "): ", $gloss, ".")]
                $variant,
            )*
        }

        impl FepCode {
            /// Every code, in table order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            /// The code as the front-end writes it, e.g. `TK013`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $code, )*
                }
            }

            /// The message template exactly as in seed 000 (`xxx` marks a variable).
            pub const fn template(self) -> &'static str {
                match self {
                    $( Self::$variant => $template, )*
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

            /// The names of the template's `xxx` variables, in order (a `{[xxx]}` details
            /// list has no name).
            pub const fn params(self) -> &'static [ParamName] {
                match self {
                    $( Self::$variant => &[$(ParamName::$param),*], )*
                }
            }

            /// The name of the value the front-end appends after the template's end
            /// (`异常内容:` …, `当前队列长度` …), if it appends one.
            pub const fn trailing_param(self) -> Option<ParamName> {
                match self {
                    $( Self::$variant => $trailing, )*
                }
            }

            /// The code's position in [`Self::ALL`] (the variants are declared in table order).
            pub(crate) const fn index(self) -> usize {
                self as usize
            }

            /// The code for its exact spelling (`TK013`).
            pub fn from_code(code: &str) -> Option<Self> {
                match code {
                    $( $code => Some(Self::$variant), )*
                    _ => None,
                }
            }
        }
    };
}

fep_codes! {
    Tk013 => {
        code: "TK013",
        template: "TK013前置返回对象的数据单元返回结果码异常,异常内容{[xxx]}",
        remark: "前置返回异常信息：xxx",
        gloss: "a data unit returned a non-success result code (named in the details)",
        params: [],
        trailing: None,
    }
    Tk08 => {
        code: "TK08",
        template: "TK08前置未返回数据,异常内容",
        remark: "前置返回数据不全",
        gloss: "the front-end returned no data",
        params: [],
        trailing: Some(ParamName::Content),
    }
    C001 => {
        code: "C001",
        template: "C001 终端无数据返回",
        remark: "前置收到终端响应的报文无数据",
        gloss: "the terminal's response carried no data",
        params: [],
        trailing: None,
    }
    Et001 => {
        code: "ET001",
        template: "ET001 任务参数异常，异常内容:",
        remark: "前置收到的参数有误",
        gloss: "invalid task parameters",
        params: [],
        trailing: Some(ParamName::Content),
    }
    Et002 => {
        code: "ET002",
        template: "ET002 任务执行时间超期",
        remark: "前置收到请求时过期时间已过期",
        gloss: "the task expired before execution",
        params: [],
        trailing: None,
    }
    Et003 => {
        code: "ET003",
        template: "ET003 通信层短时间内任务队列达到接收限值，当前队列长度",
        remark: "前置短时间内消息达到能处理的限值，当前消息返回该异常",
        gloss: "the communication layer's task queue is full (queue length given)",
        params: [],
        trailing: Some(ParamName::QueueLength),
    }
    Ea001 => {
        code: "EA001",
        template: "EA001 任务对应设备在通信层无档案，设备类型xxx,设备 ID:xxx请下装档案后重新发送",
        remark: "设备未下装，或缓存档案同步有误",
        gloss: "the device has no archive in the communication layer",
        params: [DeviceType, DeviceId],
        trailing: None,
    }
    Ea002 => {
        code: "EA002",
        template: "EA002 任务对应设备类型xxx，设备ID:xxx,在通信层档案错误，异常内容:xxx,请下装档案后重新发送",
        remark: "设备未下装，或缓存档案同步有误",
        gloss: "the device's archive in the communication layer is wrong",
        params: [DeviceType, DeviceId, Content],
        trailing: None,
    }
    El001 => {
        code: "EL001",
        template: "EL001 任务对应设备离线或无法连接，请在设备上线后重新发送",
        remark: "设备不在线",
        gloss: "the device is offline or unreachable",
        params: [],
        trailing: None,
    }
    El002 => {
        code: "EL002",
        template: "EL002 任务报文无法发送到对应设备，链路异常",
        remark: "数据解析异常导致无法下发给设备",
        gloss: "the frame could not be sent to the device (link error)",
        params: [],
        trailing: None,
    }
    El003 => {
        code: "EL003",
        template: "EL003 任务对应设备无响应或响应超时，请检查入库报文",
        remark: "前置等待设备响应超时",
        gloss: "the device did not answer in time",
        params: [],
        trailing: None,
    }
    Ep001 => {
        code: "EP001",
        template: "EP001 任务对应设备规约在通信层无对应的规约插件：xxx",
        remark: "前置不支持的规约类型",
        gloss: "no protocol plug-in for the device's protocol",
        params: [Protocol],
        trailing: None,
    }
    Ep002 => {
        code: "EP002",
        template: "EP002 任务编码不支持，不支持编码为:xxx",
        remark: "前置不支持的数据项",
        gloss: "unsupported task encoding (data item)",
        params: [Encoding],
        trailing: None,
    }
    Ep003 => {
        code: "EP003",
        template: "EP003 任务编码参数缺失，缺失参数为:xxx",
        remark: "前置收到的参数有误",
        gloss: "a task encoding parameter is missing",
        params: [MissingParam],
        trailing: None,
    }
    Ep004 => {
        code: "EP004",
        template: "EP004 任务编码参数内容有误，错误参数为:xxx",
        remark: "前置收到的参数有误",
        gloss: "a task encoding parameter is invalid",
        params: [InvalidParam],
        trailing: None,
    }
    Ep005 => {
        code: "EP005",
        template: "EP005 任务报文加密失败，失败原因为:xxx",
        remark: "请求报文加密失败",
        gloss: "encrypting the request frame failed",
        params: [Reason],
        trailing: None,
    }
    Ep006 => {
        code: "EP006",
        template: "EP006 上行报文序号错误，无法对应到上行任务，当前序号为:xxx",
        remark: "上行报文找不到下行请求",
        gloss: "the uplink frame's sequence number matches no request",
        params: [Sequence],
        trailing: None,
    }
    Ep007 => {
        code: "EP007",
        template: "EP007 上行报文解密失败，失败原因为:xxx",
        remark: "上行报文解密失败",
        gloss: "decrypting the uplink frame failed",
        params: [Reason],
        trailing: None,
    }
    Ep008 => {
        code: "EP008",
        template: "EP008 上行报文格式不支持，不支持内容为:xxx",
        remark: "上行报文格式有误",
        gloss: "unsupported uplink frame format",
        params: [Content],
        trailing: None,
    }
    Ep009 => {
        code: "EP009",
        template: "EP009 上行报文解析内容出错，错误内容为:xxx",
        remark: "上行报文解析内容出错",
        gloss: "parsing the uplink frame's content failed",
        params: [Content],
        trailing: None,
    }
}

impl FepCode {
    /// The template without its leading code (what follows the code in a text).
    pub fn template_body(self) -> &'static str {
        self.template()
            .strip_prefix(self.as_str())
            .unwrap_or(self.template())
    }
}

/// The code, e.g. `TK013`.
impl fmt::Display for FepCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for FepCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete_and_consistent() {
        let codes: Vec<&str> = FepCode::ALL.iter().map(|code| code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "TK013", "TK08", "C001", "ET001", "ET002", "ET003", "EA001", "EA002", "EL001",
                "EL002", "EL003", "EP001", "EP002", "EP003", "EP004", "EP005", "EP006", "EP007",
                "EP008", "EP009"
            ]
        );
        for (index, &code) in FepCode::ALL.iter().enumerate() {
            assert_eq!(code.index(), index, "{code}");
            assert!(code.template().starts_with(code.as_str()), "{code}");
            assert_eq!(FepCode::from_code(code.as_str()), Some(code));
            assert_eq!(code.to_string(), code.as_str());
            assert!(!code.remark().is_empty() && !code.gloss().is_empty());
            let placeholders = code.template().matches("xxx").count();
            let details = usize::from(code.template().contains("{[xxx]}"));
            assert_eq!(code.params().len() + details, placeholders, "{code}");
        }
        assert_eq!(FepCode::from_code("TK014"), None);
    }

    #[test]
    fn templates_are_the_seed_texts() {
        // Every template appears verbatim in the seed table.
        let seed = include_str!("../../../../fixtures/seeds/000_69f23c5e15e512c3.txt");
        for &code in FepCode::ALL {
            assert!(seed.contains(code.template()), "{code}");
            assert!(seed.contains(code.remark()), "{code}");
        }
    }
}
