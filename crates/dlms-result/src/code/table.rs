//! The one table of result codes. Everything else (constants, names, name lookup, docs,
//! `fep explain`) is generated from the rows below.
//!
//! Sources: the front-end's own result-code table (seed 000 §3: DL/T 698.45 DAR 0–35, 255 and
//! the front-end extensions 256–258) for the Chinese names; DL/T 698.45—2017 §7 (DAR ENUMERATED)
//! for 0–32 and 255; 33–35 as defined identically by four independent 698.45 implementations;
//! 36 比对失败 as seen in the field (one implementation). English names are ours.

use super::{CodeInfo, Dar, Origin, ResultCode};

macro_rules! result_codes {
    (
        wire { $( $(#[$wdoc:meta])* $wident:ident = $wvalue:literal, $worigin:ident, $wen:literal, $wzh:literal; )* }
        extension { $( $(#[$edoc:meta])* $eident:ident = $evalue:literal, $eorigin:ident, $een:literal, $ezh:literal; )* }
    ) => {
        impl ResultCode {
            $( $(#[$wdoc])* pub const $wident: Self = Self($wvalue); )*
            $( $(#[$edoc])* pub const $eident: Self = Self($evalue); )*
        }

        impl Dar {
            $( $(#[$wdoc])* pub const $wident: Self = Self($wvalue); )*
        }

        /// Every named code, in ascending order.
        pub(crate) const TABLE: &[CodeInfo] = &[
            $( CodeInfo {
                code: ResultCode($wvalue),
                ident: stringify!($wident),
                name_en: $wen,
                name_zh: $wzh,
                origin: Origin::$worigin,
            }, )*
            $( CodeInfo {
                code: ResultCode($evalue),
                ident: stringify!($eident),
                name_en: $een,
                name_zh: $ezh,
                origin: Origin::$eorigin,
            }, )*
        ];

        /// Exact match of a canonical Chinese name (the hot path of the name lookup).
        pub(crate) fn exact_zh(name: &str) -> Option<ResultCode> {
            match name {
                $( $wzh => Some(ResultCode($wvalue)), )*
                $( $ezh => Some(ResultCode($evalue)), )*
                _ => None,
            }
        }
    };
}

result_codes! {
    wire {
        /// 成功 — the access succeeded.
        SUCCESS = 0, Standard, "success", "成功";
        /// 硬件失效.
        HARDWARE_FAILURE = 1, Standard, "hardware failure", "硬件失效";
        /// 暂时失效.
        TEMPORARY_FAILURE = 2, Standard, "temporary failure", "暂时失效";
        /// 拒绝读写.
        READ_WRITE_DENIED = 3, Standard, "read/write denied", "拒绝读写";
        /// 对象未定义.
        OBJECT_UNDEFINED = 4, Standard, "object undefined", "对象未定义";
        /// 对象接口类不符合.
        OBJECT_CLASS_INCONSISTENT = 5, Standard, "object interface class inconsistent", "对象接口类不符合";
        /// 对象不存在.
        OBJECT_UNAVAILABLE = 6, Standard, "object does not exist", "对象不存在";
        /// 类型不匹配.
        TYPE_UNMATCHED = 7, Standard, "type unmatched", "类型不匹配";
        /// 越界.
        OUT_OF_RANGE = 8, Standard, "out of range", "越界";
        /// 数据块不可用.
        DATA_BLOCK_UNAVAILABLE = 9, Standard, "data block unavailable", "数据块不可用";
        /// 分帧传输已取消.
        SEGMENTED_TRANSFER_CANCELLED = 10, Standard, "segmented transfer cancelled", "分帧传输已取消";
        /// 不处于分帧传输状态.
        NOT_IN_SEGMENTED_TRANSFER = 11, Standard, "not in segmented transfer", "不处于分帧传输状态";
        /// 块写取消.
        BLOCK_WRITE_CANCELLED = 12, Standard, "block write cancelled", "块写取消";
        /// 不存在块写状态.
        NO_BLOCK_WRITE_STATE = 13, Standard, "no block write in progress", "不存在块写状态";
        /// 数据块序号无效.
        INVALID_BLOCK_NUMBER = 14, Standard, "invalid data block number", "数据块序号无效";
        /// 密码错/未授权.
        UNAUTHORIZED = 15, Standard, "wrong password / unauthorised", "密码错/未授权";
        /// 通信速率不能更改.
        BAUD_RATE_FIXED = 16, Standard, "baud rate cannot be changed", "通信速率不能更改";
        /// 年时区数超.
        TOO_MANY_YEAR_ZONES = 17, Standard, "too many yearly time zones", "年时区数超";
        /// 日时段数超.
        TOO_MANY_DAY_PERIODS = 18, Standard, "too many daily time periods", "日时段数超";
        /// 费率数超.
        TOO_MANY_TARIFFS = 19, Standard, "too many tariffs", "费率数超";
        /// 安全认证不匹配.
        SECURITY_MISMATCH = 20, Standard, "security authentication mismatch", "安全认证不匹配";
        /// 重复充值.
        DUPLICATE_RECHARGE = 21, Standard, "duplicate recharge", "重复充值";
        /// ESAM验证失败.
        ESAM_VERIFICATION_FAILED = 22, Standard, "ESAM verification failed", "ESAM验证失败";
        /// 安全认证失败.
        SECURITY_AUTHENTICATION_FAILED = 23, Standard, "security authentication failed", "安全认证失败";
        /// 客户编号不匹配.
        CUSTOMER_NUMBER_MISMATCH = 24, Standard, "customer number mismatch", "客户编号不匹配";
        /// 充值次数错误.
        RECHARGE_COUNT_ERROR = 25, Standard, "recharge count error", "充值次数错误";
        /// 购电超囤积.
        PURCHASE_OVER_HOARDING_LIMIT = 26, Standard, "purchase exceeds hoarding limit", "购电超囤积";
        /// 地址异常.
        ADDRESS_ERROR = 27, Standard, "address error", "地址异常";
        /// 对称解密错误.
        SYMMETRIC_DECRYPTION_ERROR = 28, Standard, "symmetric decryption error", "对称解密错误";
        /// 非对称解密错误.
        ASYMMETRIC_DECRYPTION_ERROR = 29, Standard, "asymmetric decryption error", "非对称解密错误";
        /// 签名错误.
        SIGNATURE_ERROR = 30, Standard, "signature error", "签名错误";
        /// 电能表挂起.
        METER_SUSPENDED = 31, Standard, "meter suspended", "电能表挂起";
        /// 时间标签无效.
        INVALID_TIME_TAG = 32, Standard, "invalid time tag", "时间标签无效";
        /// 请求超时.
        REQUEST_TIMEOUT = 33, Implementations, "request timed out", "请求超时";
        /// ESAM的P1P2不正确.
        ESAM_P1P2_INCORRECT = 34, Implementations, "ESAM P1/P2 incorrect", "ESAM的P1P2不正确";
        /// ESAM的LC错误.
        ESAM_LC_ERROR = 35, Implementations, "ESAM Lc incorrect", "ESAM的LC错误";
        /// 比对失败.
        COMPARISON_FAILED = 36, Field, "comparison failed", "比对失败";
        /// 其他错误.
        OTHER = 255, Standard, "other error", "其他错误";
    }
    extension {
        /// 透传透明转发报文为空 — a pass-through (transparent forward) answer came back empty:
        /// the meter did not answer the terminal.
        PASSTHROUGH_EMPTY = 256, FrontEnd, "pass-through answer empty", "透传透明转发报文为空";
        /// 无请求数据 — the device has no such data.
        NO_REQUESTED_DATA = 257, FrontEnd, "no requested data", "无请求数据";
        /// 终端否认 — the terminal denied the whole request.
        TERMINAL_DENIED = 258, FrontEnd, "terminal denied", "终端否认";
    }
}
