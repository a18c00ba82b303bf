//! The rule file as written: serde structures with spans, checked afterwards by `load`.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    pub(crate) schema: Option<Spanned<i64>>,
    pub(crate) settings: Option<RawSettings>,
    #[serde(default)]
    pub(crate) presets: BTreeMap<Spanned<String>, Spanned<RawPreset>>,
    #[serde(default)]
    pub(crate) rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSettings {
    pub(crate) utc_offset: Option<Spanned<String>>,
    pub(crate) rearchive_window_s: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPreset {
    pub(crate) base_s: Option<Spanned<i64>>,
    pub(crate) factor: Option<Spanned<RawNumber>>,
    pub(crate) cap_s: Option<Spanned<i64>>,
    pub(crate) jitter: Option<Spanned<String>>,
    pub(crate) at: Option<Spanned<String>>,
    pub(crate) spread_s: Option<Spanned<i64>>,
    pub(crate) note: Option<String>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(untagged)]
pub(crate) enum RawNumber {
    Integer(i64),
    Float(f64),
}

impl RawNumber {
    #[allow(clippy::cast_precision_loss, reason = "factors are small numbers")]
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            Self::Integer(value) => value as f64,
            Self::Float(value) => value,
        }
    }
}

#[derive(Deserialize, Clone)]
#[serde(untagged)]
pub(crate) enum RawCode {
    Number(i64),
    Text(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub(crate) id: Spanned<String>,
    pub(crate) source: Spanned<String>,
    pub(crate) code: Option<Spanned<RawCode>>,
    pub(crate) codes: Option<Spanned<Vec<Spanned<RawCode>>>>,
    pub(crate) range: Option<Spanned<Vec<i64>>>,
    pub(crate) fallback: Option<Spanned<bool>>,
    pub(crate) op: Option<Spanned<Vec<Spanned<String>>>>,
    pub(crate) result_code: Option<Spanned<String>>,
    pub(crate) delegate: Option<Spanned<String>>,
    pub(crate) ladder: Option<Spanned<Vec<Spanned<RawStage>>>>,
    pub(crate) reason_zh: Spanned<String>,
    pub(crate) reason_en: Spanned<String>,
    pub(crate) why: Option<Spanned<String>>,
    pub(crate) justification: Option<Spanned<String>>,
    pub(crate) precedence: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStage {
    #[serde(rename = "do")]
    pub(crate) action: Spanned<String>,
    pub(crate) kind: Option<Spanned<String>>,
    pub(crate) scope: Option<Spanned<String>>,
    pub(crate) owner: Option<Spanned<String>>,
    pub(crate) preset: Option<Spanned<String>>,
    pub(crate) retries: Option<Spanned<i64>>,
}
