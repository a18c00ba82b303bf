//! Name → code lookup, tolerant of the spellings the front-end and devices actually produce.
//!
//! The front-end writes DAR names inside its error texts (`异常内容{[暂时失效]}`), so this runs
//! once per failed data unit of a batch: the exact canonical name is matched first without
//! touching the heap; only a non-canonical spelling pays for normalisation.

use super::{ResultCode, table};

/// Normalises a result-code name for lookup: trims whitespace (ASCII and the ideographic space
/// U+3000), strips surrounding brackets (`[]`, `{}`, `()`, `【】`, `［］`, `（）`, `｛｝`), maps
/// full-width ASCII to ASCII, removes inner whitespace, upper-cases ASCII letters and spells
/// `其它` as `其他`.
///
/// ```
/// assert_eq!(dlms_result::normalize_name(" 【esam 验证失败】 "), "ESAM验证失败");
/// ```
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for ch in strip_brackets(name).chars() {
        let ch = to_half_width(ch);
        if ch.is_whitespace() {
            continue;
        }
        out.push(ch.to_ascii_uppercase());
    }
    if out.contains("其它") {
        out = out.replace("其它", "其他");
    }
    out
}

/// Removes surrounding whitespace and matching pairs of brackets, repeatedly.
fn strip_brackets(mut name: &str) -> &str {
    const PAIRS: [(char, char); 7] = [
        ('[', ']'),
        ('{', '}'),
        ('(', ')'),
        ('【', '】'),
        ('［', '］'),
        ('（', '）'),
        ('｛', '｝'),
    ];
    loop {
        let trimmed = name.trim();
        let inner = PAIRS.iter().find_map(|&(open, close)| {
            trimmed
                .strip_prefix(open)
                .and_then(|rest| rest.strip_suffix(close))
        });
        match inner {
            Some(inner) => name = inner,
            None => return trimmed,
        }
    }
}

/// Full-width ASCII (U+FF01–U+FF5E) → ASCII; the ideographic space → a space.
fn to_half_width(ch: char) -> char {
    match ch {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(ch).wrapping_sub(0xFEE0)).unwrap_or(ch),
        _ => ch,
    }
}

pub(super) fn lookup_name(name: &str) -> Option<ResultCode> {
    if let Some(code) = table::exact_zh(name) {
        return Some(code);
    }
    let normalized = normalize_name(name);
    if normalized.is_empty() {
        return None;
    }
    if let Some(code) = table::exact_zh(&normalized) {
        return Some(code);
    }
    // Short forms seen in implementations' tables (`其它`, `其他`).
    if normalized == "其他" {
        return Some(ResultCode::OTHER);
    }
    ResultCode::all().iter().find_map(|info| {
        let matches = normalized == info.ident
            || normalized.eq_ignore_ascii_case(info.ident)
            || eq_ignoring_case_and_space(&normalized, info.name_en)
            || normalize_name(info.name_zh) == normalized;
        matches.then_some(info.code)
    })
}

/// `a` is already normalised (no whitespace, upper-case ASCII).
fn eq_ignoring_case_and_space(a: &str, english: &str) -> bool {
    let mut b = english.chars().filter(|c| !c.is_whitespace());
    let mut a = a.chars();
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x.eq_ignore_ascii_case(&y) => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_seen_in_traffic() {
        let cases: &[(&str, u16)] = &[
            ("暂时失效", 2),
            ("暂时失效 ", 2),
            ("\u{3000}暂时失效\u{3000}", 2),
            ("[暂时失效]", 2),
            ("{[暂时失效]}", 2),
            ("【暂时失效】", 2),
            ("［暂时失效］", 2),
            ("ESAM验证失败", 22),
            ("ESAM 验证失败", 22),
            ("ESAM验证失败 ", 22),
            ("ＥＳＡＭ验证失败", 22),
            ("esam验证失败", 22),
            ("非对称解密错误 ", 29),
            ("其它错误", 255),
            ("其他错误", 255),
            ("其它", 255),
            ("密码错／未授权", 15),
            ("ESAM的P1P2不正确", 34),
            ("ESAM的LC错误", 35),
            ("ESAM的Lc错误", 35),
            ("比对失败", 36),
            ("透传透明转发报文为空", 256),
            ("无请求数据", 257),
            ("终端否认", 258),
            ("temporary failure", 2),
            ("Temporary Failure", 2),
            ("TEMPORARY_FAILURE", 2),
        ];
        for &(name, code) in cases {
            assert_eq!(
                ResultCode::from_name(name),
                Some(ResultCode::new(code)),
                "{name:?}"
            );
        }
    }

    #[test]
    fn unknown_names_are_none() {
        for name in ["", " ", "[]", "{[]}", "暂时", "失效", "success!", "42"] {
            assert_eq!(ResultCode::from_name(name), None, "{name:?}");
        }
    }
}
