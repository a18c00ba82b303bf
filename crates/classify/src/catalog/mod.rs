//! The catalog of platform code names: one embedded data file (`catalog.toml`) with every code of
//! the four platform seed tables (sources `aliyun-living`, `video-cloud`, `iot-core`, `onenet`),
//! its Chinese name, its English name where the seed gives one, the service module (`onenet`) and
//! the seed's suggested fix. DAR names come from `dlms_result`; front-end and interface names
//! belong to `frontend-parse`.

use std::sync::LazyLock;

use crate::source::Source;

/// The embedded catalog file.
pub const CATALOG_TOML: &str = include_str!("catalog.toml");

/// One platform code.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CatalogEntry {
    /// The source.
    pub source: Source,
    /// The code.
    pub code: i64,
    /// The service module (`onenet` only): `general`, `mqtt`, `coap`, `thing-model`,
    /// `rule-engine`, `http-push`, `open-api`.
    pub module: Option<String>,
    /// The Chinese name, verbatim from the seed.
    pub name_zh: String,
    /// The English name, verbatim from the seed, where it gives one.
    pub name_en: Option<String>,
    /// The seed's suggested fix (可尝试解决方法 / 排查步骤), where it gives one.
    pub hint_zh: Option<String>,
}

/// The platform code catalog, sorted by (source, code).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    entries: Vec<CatalogEntry>,
}

/// The error of loading a catalog file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("catalog: {0}")]
pub struct CatalogError(pub String);

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    schema: u32,
    entry: Vec<RawEntry>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    source: String,
    code: i64,
    module: Option<String>,
    name_zh: String,
    name_en: Option<String>,
    hint_zh: Option<String>,
}

/// The service modules of the `onenet` source, with their names in seed 004.
pub const ONENET_MODULES: [(&str, &str); 7] = [
    ("general", "通用"),
    ("mqtt", "MQTT接入服务"),
    ("coap", "CoAP接入服务"),
    ("thing-model", "物模型服务"),
    ("rule-engine", "规则引擎服务"),
    ("http-push", "HTTP推送服务"),
    ("open-api", "开放API服务"),
];

impl Catalog {
    /// Parses and checks a catalog file: known platform sources only, `(source, code)` unique,
    /// a module on every `onenet` entry and on no other.
    ///
    /// # Errors
    /// The first problem found, as text.
    pub fn parse(text: &str) -> Result<Self, CatalogError> {
        let raw: RawCatalog =
            toml::from_str(text).map_err(|error| CatalogError(error.to_string()))?;
        if raw.schema != 1 {
            return Err(CatalogError(format!("unsupported schema {}", raw.schema)));
        }
        let mut entries = Vec::with_capacity(raw.entry.len());
        for entry in raw.entry {
            let source: Source = entry
                .source
                .parse()
                .map_err(|error: crate::source::UnknownSource| CatalogError(error.to_string()))?;
            if !source.numeric_codes() || source == Source::Dar {
                return Err(CatalogError(format!(
                    "{source} names do not belong in the platform catalog"
                )));
            }
            let module_ok = match (&entry.module, source) {
                (Some(module), Source::Onenet) => ONENET_MODULES.iter().any(|(id, _)| id == module),
                (None, Source::Onenet) | (Some(_), _) => false,
                (None, _) => true,
            };
            if !module_ok {
                return Err(CatalogError(format!(
                    "{source} {}: a module is required for onenet codes (one of {}) and not allowed elsewhere",
                    entry.code,
                    ONENET_MODULES.map(|(id, _)| id).join(", ")
                )));
            }
            entries.push(CatalogEntry {
                source,
                code: entry.code,
                module: entry.module,
                name_zh: entry.name_zh,
                name_en: entry.name_en,
                hint_zh: entry.hint_zh,
            });
        }
        entries.sort_by_key(|entry| (entry.source, entry.code));
        if let Some(pair) = entries
            .windows(2)
            .find(|pair| matches!(pair, [a, b] if (a.source, a.code) == (b.source, b.code)))
            && let Some(first) = pair.first()
        {
            return Err(CatalogError(format!(
                "{} {} is listed twice",
                first.source, first.code
            )));
        }
        Ok(Self { entries })
    }

    /// The embedded catalog. It is checked by the crate's tests; should it ever fail to parse,
    /// this is an empty catalog (names are then missing, classification is unaffected).
    pub fn embedded() -> &'static Self {
        static EMBEDDED: LazyLock<Catalog> =
            LazyLock::new(|| Catalog::parse(CATALOG_TOML).unwrap_or_default());
        &EMBEDDED
    }

    /// Every entry, sorted by (source, code).
    pub fn entries(&self) -> &[CatalogEntry] {
        &self.entries
    }

    /// The entries of one source, sorted by code.
    pub fn of(&self, source: Source) -> &[CatalogEntry] {
        let start = self.entries.partition_point(|entry| entry.source < source);
        let end = self.entries.partition_point(|entry| entry.source <= source);
        self.entries.get(start..end).unwrap_or_default()
    }

    /// The entry for `(source, code)`.
    ///
    /// ```
    /// use classify::{Catalog, Source};
    /// let entry = Catalog::embedded().get(Source::Onenet, 1021).unwrap();
    /// assert_eq!(entry.name_en.as_deref(), Some("channel not writable"));
    /// assert_eq!(entry.module.as_deref(), Some("mqtt"));
    /// ```
    pub fn get(&self, source: Source, code: i64) -> Option<&CatalogEntry> {
        let entries = self.of(source);
        entries
            .binary_search_by_key(&code, |entry| entry.code)
            .ok()
            .and_then(|index| entries.get(index))
    }
}

/// The Chinese name of an `onenet` module id.
pub fn onenet_module_zh(module: &str) -> Option<&'static str> {
    ONENET_MODULES
        .iter()
        .find(|(id, _)| *id == module)
        .map(|(_, zh)| *zh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_parses() {
        let catalog = Catalog::parse(CATALOG_TOML).unwrap();
        assert_eq!(catalog.entries().len(), 287);
        assert_eq!(catalog.of(Source::AliyunLiving).len(), 55);
        assert_eq!(catalog.of(Source::VideoCloud).len(), 72);
        assert_eq!(catalog.of(Source::IotCore).len(), 95);
        assert_eq!(catalog.of(Source::Onenet).len(), 65);
        assert!(catalog.of(Source::Dar).is_empty());
        assert_eq!(Catalog::embedded(), &catalog);
        assert_eq!(
            catalog.get(Source::IotCore, -1).unwrap().name_zh,
            "数据加载失败，请稍后重试。"
        );
        assert_eq!(onenet_module_zh("coap"), Some("CoAP接入服务"));
    }

    #[test]
    fn bad_catalogs_are_rejected() {
        let entry = |source: &str, code: i64, module: &str| {
            format!("[[entry]]\nsource = \"{source}\"\ncode = {code}\n{module}name_zh = \"x\"\n")
        };
        let cases = [
            format!("schema = 2\n{}", entry("iot-core", 1, "")),
            format!("schema = 1\n{}", entry("dar", 1, "")),
            format!("schema = 1\n{}", entry("frontend", 1, "")),
            format!("schema = 1\n{}", entry("onenet", 1, "")),
            format!(
                "schema = 1\n{}",
                entry("iot-core", 1, "module = \"mqtt\"\n")
            ),
            format!(
                "schema = 1\n{}{}",
                entry("iot-core", 1, ""),
                entry("iot-core", 1, "")
            ),
            format!("schema = 1\n{}", entry("nowhere", 1, "")),
            "schema = 1\n[[entry]]\nsource = \"iot-core\"\ncode = 1\nname_zh = \"x\"\ncolour = 1\n"
                .to_owned(),
        ];
        for case in cases {
            assert!(Catalog::parse(&case).is_err(), "{case}");
        }
    }
}
