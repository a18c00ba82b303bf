//! The error words of DL/T 645-2007 abnormal answers, mapped onto the result-code space.
//!
//! - ERR (one byte, DL/T 645-2007 异常应答帧 错误信息字 ERR): carried by the abnormal answer of
//!   every function but security authentication.
//! - SERR (two bytes, low byte first, 安全认证错误信息字): carried by the abnormal answer of
//!   the security (费控) function `0x03` (control code `C3`). Not in the base standard text;
//!   the bit layout comes from public terminal and master-station code, see
//!   `docs/protocols-645-1376.md`.
//!
//! Each set bit becomes one result, lowest bit first. Reserved bits (ERR bit 7, SERR bits
//! 10–15) and SERR bit 9 (合闸复电失败, which has no counterpart in the code space) map to
//! [`ResultCode::OTHER`], so no bit is ever dropped; the exact word stays available through
//! [`super::Frame::error_word`]. An abnormal answer whose word has no bit set is still a
//! failure: it gives one [`ResultCode::OTHER`] result.

use crate::code::ResultCode;

/// One bit of an error word and the result code it stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorBit {
    /// The bit's mask within the word.
    pub mask: u16,
    /// The result code the bit maps onto.
    pub code: ResultCode,
    /// The bit's Chinese name in DL/T 645-2007 (`保留` for reserved bits).
    pub name_zh: &'static str,
}

macro_rules! error_bits {
    (
        $(#[$doc:meta])*
        $table:ident: $n:literal { $( $bit:literal => $code:ident, $zh:literal; )* }
    ) => {
        $(#[$doc])*
        pub const $table: [ErrorBit; $n] = [
            $( ErrorBit { mask: 1 << $bit, code: ResultCode::$code, name_zh: $zh }, )*
        ];
    };
}

error_bits! {
    /// ERR, the one-byte error word of abnormal answers (DL/T 645-2007 错误信息字), bit 0 first.
    ERR_BITS: 8 {
        0 => OTHER, "其他错误";
        1 => NO_REQUESTED_DATA, "无请求数据";
        2 => UNAUTHORIZED, "密码错/未授权";
        3 => BAUD_RATE_FIXED, "通信速率不能更改";
        4 => TOO_MANY_YEAR_ZONES, "年时区数超";
        5 => TOO_MANY_DAY_PERIODS, "日时段数超";
        6 => TOO_MANY_TARIFFS, "费率数超";
        7 => OTHER, "保留";
    }
}

error_bits! {
    /// SERR, the two-byte error word of security-authentication abnormal answers, bit 0
    /// first.
    SERR_BITS: 16 {
        0 => OTHER, "其他错误";
        1 => DUPLICATE_RECHARGE, "重复充值";
        2 => ESAM_VERIFICATION_FAILED, "ESAM验证失败";
        3 => SECURITY_AUTHENTICATION_FAILED, "身份认证失败";
        4 => CUSTOMER_NUMBER_MISMATCH, "客户编号不匹配";
        5 => RECHARGE_COUNT_ERROR, "充值次数错误";
        6 => PURCHASE_OVER_HOARDING_LIMIT, "购电超囤积";
        7 => ADDRESS_ERROR, "地址异常";
        8 => METER_SUSPENDED, "电表挂起";
        9 => OTHER, "合闸复电失败";
        10 => OTHER, "保留";
        11 => OTHER, "保留";
        12 => OTHER, "保留";
        13 => OTHER, "保留";
        14 => OTHER, "保留";
        15 => OTHER, "保留";
    }
}

/// The bits of `word` that are set, looked up in `table`, lowest bit first; a word with no
/// bit set (an abnormal answer without a reason) yields one [`ResultCode::OTHER`] entry with
/// mask 0.
pub fn error_bits(word: u16, table: &'static [ErrorBit]) -> impl Iterator<Item = ErrorBit> {
    const NO_REASON: ErrorBit = ErrorBit {
        mask: 0,
        code: ResultCode::OTHER,
        name_zh: "其他错误",
    };
    let set = table
        .iter()
        .copied()
        .filter(move |bit| word & bit.mask != 0);
    let none = (word == 0).then_some(NO_REASON);
    set.chain(none)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_cover_every_bit_once() {
        for (i, bit) in ERR_BITS.iter().enumerate() {
            assert_eq!(bit.mask, 1 << i);
        }
        for (i, bit) in SERR_BITS.iter().enumerate() {
            assert_eq!(bit.mask, 1 << i);
        }
    }

    #[test]
    fn every_err_byte_gives_one_result_per_bit() {
        for err in 0..=u8::MAX {
            let bits: Vec<_> = error_bits(u16::from(err), &ERR_BITS).collect();
            assert_eq!(bits.len(), err.count_ones().max(1) as usize, "{err:#04x}");
            assert!(bits.windows(2).all(|w| w[0].mask < w[1].mask));
            let masks = bits.iter().fold(0u16, |acc, b| acc | b.mask);
            assert_eq!(masks, u16::from(err));
        }
    }

    #[test]
    fn standard_bits_map_onto_the_code_space() {
        let codes = |word| {
            error_bits(word, &ERR_BITS)
                .map(|b| b.code.get())
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(0x01), [255]);
        assert_eq!(codes(0x02), [257]);
        assert_eq!(codes(0x04), [15]);
        assert_eq!(codes(0x7F), [255, 257, 15, 16, 17, 18, 19]);
        assert_eq!(codes(0x80), [255]);
        assert_eq!(codes(0x00), [255]);
        let serr = |word| {
            error_bits(word, &SERR_BITS)
                .map(|b| b.code.get())
                .collect::<Vec<_>>()
        };
        assert_eq!(serr(0x01FE), [21, 22, 23, 24, 25, 26, 27, 31]);
        assert_eq!(serr(0x0200), [255]);
    }
}
