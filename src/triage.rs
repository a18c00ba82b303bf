//! The bridge between what the front-end reports (`frontend-parse`) and the rule table
//! (`classify`): which `(source, code, result code)` a failure is decided under, and the names a
//! human needs to recognise it.

use classify::{Code, Op, Source};
use dlms_result::ResultCode;
use frontend_parse::failure::FailureCode;
use frontend_parse::{
    FepCode, InterfaceTemplate, TextCode, match_interface_message, parse_error_text,
};

/// A code resolved to the key the rule table uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The source.
    pub source: Source,
    /// The code as the rule table keys it (interface: the template id).
    pub code: String,
    /// The result code a front-end failure carries (TK013 / DAR), decided by the `dar` rule.
    pub result_code: Option<ResultCode>,
    /// Names of the code from the table that owns it (front-end, interface or result code).
    pub name_zh: Option<&'static str>,
    /// English gloss.
    pub name_en: Option<&'static str>,
    /// Variables extracted from a message (`terminal` = `1147186771`), as `name=value`.
    pub params: Vec<(String, String)>,
}

impl Resolved {
    fn new(source: Source, code: impl Into<String>) -> Self {
        Self {
            source,
            code: code.into(),
            result_code: None,
            name_zh: None,
            name_en: None,
            params: Vec::new(),
        }
    }

    /// The code as `classify` reads it.
    pub fn classify_code(&self) -> Code<'_> {
        if self.source.numeric_codes() {
            Code::parse(&self.code)
        } else {
            Code::Text(&self.code)
        }
    }
}

/// The `(source, code)` a `frontend-parse` failure is decided under.
pub fn failure_key<'a>(
    code: FailureCode<'a>,
    template: Option<InterfaceTemplate>,
    text: Option<&'a str>,
) -> (Source, &'a str) {
    match code {
        FailureCode::Fep(fep) => (Source::Frontend, fep.as_str()),
        FailureCode::Other(other) => (Source::Frontend, other),
        FailureCode::Interface => (
            Source::Interface,
            match template {
                Some(template) => template.id(),
                None => text.unwrap_or(""),
            },
        ),
        FailureCode::Dar => (Source::Frontend, "DAR"),
        FailureCode::Unknown => (Source::Frontend, "UNKNOWN"),
    }
}

/// The operation class of a front-end `cmdType`.
pub fn op_of(cmd_type: Option<&str>) -> Op {
    cmd_type.map_or(Op::Unknown, Op::from_cmd_type)
}

/// Resolves what a user typed (`fep explain`, `fep classify`): a code, a front-end error text,
/// an interface message or a result-code name, with or without a source. Without a source,
/// every source that knows the code is returned (a bare `429` is known to several platforms);
/// an unknown code resolves to the front-end fallback.
pub fn resolve(source: Option<Source>, text: &str) -> Vec<Resolved> {
    let text = text.trim();
    match source {
        Some(Source::Interface) => vec![resolve_interface(text)],
        Some(Source::Frontend) => vec![resolve_frontend(text)],
        Some(Source::Dar) => vec![resolve_dar(text)],
        Some(platform) => vec![Resolved::new(platform, text)],
        None => guess(text),
    }
}

fn guess(text: &str) -> Vec<Resolved> {
    if match_interface_message(text).is_some() || InterfaceTemplate::from_id(text).is_some() {
        return vec![resolve_interface(text)];
    }
    if let TextCode::Fep(_) = parse_error_text(text).code {
        return vec![resolve_frontend(text)];
    }
    if text.eq_ignore_ascii_case("DAR") || text.eq_ignore_ascii_case("UNKNOWN") {
        return vec![resolve_frontend(text)];
    }
    if !text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        if let Some(code) = ResultCode::from_name(text) {
            return vec![resolve_dar(&code.get().to_string())];
        }
        // A code-shaped text the table does not know: the front-end's fallback decides.
        return vec![resolve_frontend(text)];
    }
    let rules_sources = crate::rules::builtin().sources_for(text);
    if rules_sources.is_empty() {
        return vec![resolve_dar(text)];
    }
    rules_sources
        .into_iter()
        .map(|source| match source {
            Source::Dar => resolve_dar(text),
            other => Resolved::new(other, text),
        })
        .collect()
}

fn resolve_interface(text: &str) -> Resolved {
    if let Some(template) = InterfaceTemplate::from_id(text) {
        let mut resolved = Resolved::new(Source::Interface, template.id());
        resolved.name_zh = Some(template.remark());
        resolved.name_en = Some(template.gloss());
        return resolved;
    }
    match match_interface_message(text) {
        Some(found) => {
            let mut resolved = Resolved::new(Source::Interface, found.template.id());
            resolved.name_zh = Some(found.template.remark());
            resolved.name_en = Some(found.template.gloss());
            resolved.params = found
                .params
                .iter()
                .map(|(name, value)| (name.key().to_string(), value.to_string()))
                .collect();
            resolved
        }
        None => Resolved::new(Source::Interface, text),
    }
}

fn resolve_frontend(text: &str) -> Resolved {
    let upper = text.to_ascii_uppercase();
    if upper == "DAR" || upper == "UNKNOWN" {
        return Resolved::new(Source::Frontend, upper);
    }
    let parsed = parse_error_text(text);
    let code = match parsed.code {
        TextCode::Fep(fep) => fep.as_str().to_string(),
        TextCode::Other(other) => other.to_string(),
        TextCode::None => text.to_string(),
    };
    let mut resolved = Resolved::new(Source::Frontend, code);
    if let Some(fep) = parsed.fep_code().or_else(|| FepCode::from_code(text)) {
        resolved.name_zh = Some(fep.template());
        resolved.name_en = Some(fep.gloss());
    }
    resolved.result_code = parsed.result_code();
    resolved.params = parsed
        .params
        .iter()
        .map(|(name, value)| (name.key().to_string(), value.to_string()))
        .collect();
    resolved
}

fn resolve_dar(text: &str) -> Resolved {
    match ResultCode::parse(text) {
        Some(code) => {
            let mut resolved = Resolved::new(Source::Dar, code.get().to_string());
            resolved.name_zh = code.name_zh();
            resolved.name_en = code.name_en();
            resolved
        }
        None => Resolved::new(Source::Dar, text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(source: Option<Source>, text: &str) -> Resolved {
        let mut all = resolve(source, text);
        assert_eq!(all.len(), 1, "{text}: {all:?}");
        all.remove(0)
    }

    #[test]
    fn guesses_the_source() {
        let r = one(None, "EA001");
        assert_eq!((r.source, r.code.as_str()), (Source::Frontend, "EA001"));
        let r = one(None, "终端1147186771在档案缓存中不存在");
        assert_eq!(
            (r.source, r.code.as_str()),
            (Source::Interface, "终端xxx在档案缓存中不存在")
        );
        assert_eq!(
            r.params,
            [("terminal".to_string(), "1147186771".to_string())]
        );
        let r = one(
            None,
            "TK013前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效]}",
        );
        assert_eq!((r.source, r.code.as_str()), (Source::Frontend, "TK013"));
        assert_eq!(r.result_code, Some(ResultCode::TEMPORARY_FAILURE));
        let r = one(None, "暂时失效");
        assert_eq!((r.source, r.code.as_str()), (Source::Dar, "2"));
        let r = one(Some(Source::Dar), "2");
        assert_eq!(r.name_zh, Some("暂时失效"));
        assert!(resolve(None, "403").len() > 1);
        let r = one(None, "ZZ999 新错误");
        assert_eq!((r.source, r.code.as_str()), (Source::Frontend, "ZZ999"));
    }
}
