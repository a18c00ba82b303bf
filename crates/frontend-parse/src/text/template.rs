//! Matching a message against a seed template with `xxx` placeholders, extracting the
//! variables as slices of the message (no allocation).

use super::fold::{
    find_literal, match_literal, strip_trailing_separators, strip_value_separators, trim,
};
use super::params::{ParamName, Params};

/// The placeholder the seed tables use for a variable part (seed 000 §1.3, §2.4).
pub(crate) const PLACEHOLDER: &str = "xxx";

/// What a template match extracted.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TemplateMatch<'a> {
    /// The named variables.
    pub(crate) params: Params<'a>,
    /// A `{[xxx]}` placeholder's region (with its brackets), for the details list.
    pub(crate) details: Option<&'a str>,
    /// Whatever follows the template's last literal.
    pub(crate) trailing: &'a str,
}

/// Matches `message` against `pattern` (a template without its code prefix).
///
/// `names` names the `xxx` placeholders in order; a placeholder written `{[xxx]}` is the
/// details list instead and takes no name. A placeholder is captured lazily up to the first
/// match of the literal after it; the last one runs to the end. With `full`, nothing but
/// separators may follow the template.
pub(crate) fn match_template<'a>(
    message: &'a str,
    pattern: &str,
    names: &[ParamName],
    full: bool,
) -> Option<TemplateMatch<'a>> {
    let mut result = TemplateMatch::default();
    let mut literals = literals(pattern);
    let first = literals.next().unwrap_or_default();
    let (first, mut details_group) = strip_details_open(first);
    let mut pos = match_literal(message, 0, first)?;
    let mut names = names.iter();
    for literal in literals {
        let literal = if details_group {
            literal
                .strip_prefix("]}")
                .or_else(|| literal.strip_prefix("］｝"))
                .unwrap_or(literal)
        } else {
            literal
        };
        let (literal, next_is_details) = strip_details_open(literal);
        let (capture_end, next_pos) = if literal.chars().all(char::is_whitespace) {
            (message.len(), message.len())
        } else {
            find_literal(message, pos, literal)?
        };
        let raw = message.get(pos..capture_end).unwrap_or_default();
        if details_group {
            result.details = Some(trim(raw));
        } else if let Some(&name) = names.next() {
            let value = strip_trailing_separators(strip_value_separators(raw));
            let value = trim(value);
            if !value.is_empty() {
                result.params.insert(name, value);
            }
        }
        pos = next_pos;
        details_group = next_is_details;
    }
    result.trailing = message.get(pos..).unwrap_or_default();
    if full && !strip_trailing_separators(result.trailing).is_empty() {
        return None;
    }
    Some(result)
}

/// The literals around the `xxx` placeholders of `pattern`, as `pattern.split(PLACEHOLDER)`
/// gives them, found with a byte search for `x` (rare in the Chinese templates): a `str`
/// pattern's searcher took about 1 500 instructions a template to set up and run.
fn literals(pattern: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(pattern);
    core::iter::from_fn(move || {
        let text = rest?;
        let placeholder = memchr::memchr_iter(b'x', text.as_bytes()).find(|&at| {
            text.get(at..)
                .is_some_and(|from| from.starts_with(PLACEHOLDER))
        });
        if let Some(at) = placeholder {
            rest = text.get(at.saturating_add(PLACEHOLDER.len())..);
            text.get(..at)
        } else {
            rest = None;
            Some(text)
        }
    })
}

/// Splits the `{[` that opens a details placeholder off the end of a literal.
fn strip_details_open(literal: &str) -> (&str, bool) {
    literal
        .strip_suffix("{[")
        .or_else(|| literal.strip_suffix("｛［"))
        .map_or((literal, false), |rest| (rest, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_placeholders_lazily() {
        let found = match_template(
            "任务对应设备类型METER，设备ID:42,在通信层档案错误，异常内容:规约不符,请下装档案后重新发送",
            "任务对应设备类型xxx，设备ID:xxx,在通信层档案错误，异常内容:xxx,请下装档案后重新发送",
            &[ParamName::DeviceType, ParamName::DeviceId, ParamName::Content],
            true,
        )
        .unwrap();
        assert_eq!(found.params.get(ParamName::DeviceType), Some("METER"));
        assert_eq!(found.params.get(ParamName::DeviceId), Some("42"));
        assert_eq!(found.params.get(ParamName::Content), Some("规约不符"));
    }

    #[test]
    fn details_placeholder_and_trailing() {
        let found = match_template(
            "前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效]}",
            "前置返回对象的数据单元返回结果码异常,异常内容{[xxx]}",
            &[],
            true,
        )
        .unwrap();
        assert_eq!(found.details, Some("{[暂时失效]}"));
        assert!(found.params.is_empty());
        let found = match_template("当前队列长度:120", "当前队列长度", &[], false).unwrap();
        assert_eq!(found.trailing, ":120");
        assert!(match_template("当前队列长度:120", "当前队列长度", &[], true).is_none());
    }

    proptest::proptest! {
        /// The literals are `str::split`'s, placeholders next to each other, at the ends and
        /// in runs of `x` included.
        #[test]
        fn literals_are_the_split_at_placeholders(
            pattern in proptest::collection::vec(
                proptest::sample::select(vec!["x", "xx", "xxx", "a", "设备", "{[", " "]),
                0..12,
            )
        ) {
            let pattern = pattern.concat();
            let expected: Vec<&str> = pattern.split(PLACEHOLDER).collect();
            proptest::prop_assert_eq!(literals(&pattern).collect::<Vec<_>>(), expected);
        }
    }

    #[test]
    fn mismatching_literal_is_none() {
        assert!(match_template("终端无数据", "终端无数据返回", &[], false).is_none());
        assert!(match_template("x", "终端xxx在", &[ParamName::Terminal], false).is_none());
    }
}
