//! Application function codes AFN (Q/GDW 1376.1 应用层功能码 AFN), one table.

/// One row of the AFN table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AfnInfo {
    /// The code.
    pub code: u8,
    /// The Chinese name.
    pub name_zh: &'static str,
    /// The English name.
    pub name_en: &'static str,
}

/// Which side of an exchange a frame is, from DIR and PRM (Q/GDW 1376.1 控制域: 传输方向位
/// DIR, 启动标志位 PRM).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// Downlink, PRM = 1: the master asks.
    Request,
    /// Uplink, PRM = 0: the terminal answers.
    Response,
    /// Uplink, PRM = 1: the terminal reports on its own (login, heartbeat, events, tasks).
    Report,
    /// Downlink, PRM = 0: the master answers a terminal's report.
    Reply,
}

macro_rules! afns {
    ($( $code:literal, $hex:literal => $en:literal, $zh:literal; )*) => {
        /// Every application function code the standard defines, in ascending order.
        pub const AFNS: &[AfnInfo] = &[
            $( AfnInfo { code: $code, name_zh: $zh, name_en: $en }, )*
        ];

        /// The service name of a frame of application function `afn` in `role`, e.g.
        /// `AFN0C-response`; AFN 00 is named by its Fn elsewhere.
        pub(crate) const fn service(afn: u8, role: Role) -> &'static str {
            match (afn, role) {
                $(
                    ($code, Role::Request) => concat!("AFN", $hex, "-request"),
                    ($code, Role::Response) => concat!("AFN", $hex, "-response"),
                    ($code, Role::Report) => concat!("AFN", $hex, "-report"),
                    ($code, Role::Reply) => concat!("AFN", $hex, "-reply"),
                )*
                (_, Role::Request) => "AFN-unknown-request",
                (_, Role::Response) => "AFN-unknown-response",
                (_, Role::Report) => "AFN-unknown-report",
                (_, Role::Reply) => "AFN-unknown-reply",
            }
        }
    };
}

afns! {
    0x00, "00" => "confirm / deny", "确认∕否认";
    0x01, "01" => "reset", "复位";
    0x02, "02" => "link interface check", "链路接口检测";
    0x03, "03" => "relay station command", "中继站命令";
    0x04, "04" => "set parameters", "设置参数";
    0x05, "05" => "control command", "控制命令";
    0x06, "06" => "authentication and key negotiation", "身份认证及密钥协商";
    0x08, "08" => "request cascaded terminal report", "请求被级联终端主动上报";
    0x09, "09" => "request terminal configuration", "请求终端配置";
    0x0A, "0A" => "query parameters", "查询参数";
    0x0B, "0B" => "request task data", "请求任务数据";
    0x0C, "0C" => "request class 1 data (real-time)", "请求1类数据";
    0x0D, "0D" => "request class 2 data (history)", "请求2类数据";
    0x0E, "0E" => "request class 3 data (events)", "请求3类数据";
    0x0F, "0F" => "file transfer", "文件传输";
    0x10, "10" => "data forwarding", "数据转发";
}

/// The table row of `afn`, if the standard defines it.
pub fn afn_info(afn: u8) -> Option<&'static AfnInfo> {
    AFNS.iter().find(|info| info.code == afn)
}

/// Whether a downlink frame of `afn` carries the 16-byte message authentication code PW
/// before its time tag (Q/GDW 1376.1 附加信息域 · 消息认证码 PW: reset, set parameters,
/// control, file transfer, data forwarding). Assumed from the standard's description; see
/// `docs/protocols-645-1376.md`.
pub(crate) const fn carries_password(afn: u8) -> bool {
    matches!(afn, 0x01 | 0x04 | 0x05 | 0x0F | 0x10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_names_every_role() {
        assert!(AFNS.windows(2).all(|w| w[0].code < w[1].code));
        for info in AFNS {
            assert_eq!(afn_info(info.code), Some(info));
            let hex = format!("AFN{:02X}-", info.code);
            for role in [Role::Request, Role::Response, Role::Report, Role::Reply] {
                assert!(service(info.code, role).starts_with(&hex));
            }
        }
        assert_eq!(afn_info(0x07), None);
        assert_eq!(service(0x07, Role::Response), "AFN-unknown-response");
        assert_eq!(service(0x0C, Role::Response), "AFN0C-response");
        assert_eq!(service(0x02, Role::Report), "AFN02-report");
    }
}
