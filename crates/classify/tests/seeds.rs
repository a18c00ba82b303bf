//! The rule table is exhaustive over every code of every seed table.
//!
//! The seeds (`fixtures/seeds/`) are parsed here independently of the crate's catalog, with
//! small hand-written matchers over their text, markdown and HTML tables, and every code must get
//! a rule that is not its source's fallback. The catalog's names are checked against the same
//! parse.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use classify::{Catalog, Code, Op, RuleSet, Source};

fn seed(prefix: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/seeds");
    let entry = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(prefix)
        })
        .unwrap_or_else(|| panic!("no seed {prefix}_* in {}", dir.display()));
    std::fs::read_to_string(entry).unwrap()
}

fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `[A-Z]{1,3}[0-9]{2,4}`: a front-end error code.
fn is_frontend_code(text: &str) -> bool {
    let letters = text.bytes().take_while(u8::is_ascii_uppercase).count();
    let digits = text.len() - letters;
    (1..=3).contains(&letters)
        && (2..=4).contains(&digits)
        && text[letters..].bytes().all(|b| b.is_ascii_digit())
}

struct Seed000 {
    interface: Vec<String>,
    frontend: BTreeSet<String>,
    dar: BTreeMap<i64, String>,
}

fn parse_000() -> Seed000 {
    let text = seed("000");
    let (part1, rest) = text.split_once("2. 前置返回异常").expect("section 2");
    let lines1: Vec<&str> = part1
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let table = lines1
        .iter()
        .position(|l| l.starts_with("1.3"))
        .expect("table 1.3");
    let interface: Vec<String> = lines1[table..]
        .windows(2)
        .filter(|pair| pair[0] == "400")
        .map(|pair| pair[1].to_owned())
        .collect();

    let split = rest
        .rfind("上行报文解析内容出错")
        .expect("end of the task-code table");
    let (fep, dar_part) = rest.split_at(split);
    let frontend = fep
        .lines()
        .map(str::trim)
        .filter(|line| is_frontend_code(line))
        .map(str::to_owned)
        .collect();
    let dar_lines: Vec<&str> = dar_part
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let dar = dar_lines
        .windows(2)
        .filter(|pair| is_number(pair[0]))
        .map(|pair| (pair[0].parse().unwrap(), pair[1].to_owned()))
        .collect();
    Seed000 {
        interface,
        frontend,
        dar,
    }
}

/// `(code, the whole row)` for the three markdown-ish tables.
fn parse_rows(text: &str, allow_plain: bool) -> BTreeMap<i64, String> {
    let mut rows = BTreeMap::new();
    for line in text.lines() {
        let trimmed = line.trim();
        let first = if let Some(rest) = trimmed.strip_prefix('|') {
            rest.split('|').next().unwrap_or("").trim()
        } else if allow_plain {
            trimmed.split(' ').next().unwrap_or("")
        } else {
            ""
        };
        if is_number(first) {
            rows.insert(first.parse().unwrap(), trimmed.to_owned());
        }
    }
    rows
}

/// `(code, module, row cells)` of the HTML status-code table of seed 004.
fn parse_004() -> BTreeMap<i64, (String, Vec<String>)> {
    let text = seed("004");
    let table = &text[text.find("日志业务状态码").expect("status table")..];
    let mut rows = BTreeMap::new();
    let mut module = String::new();
    for row in table.split("<tr").skip(1) {
        let row = row.split("</tr>").next().unwrap();
        let cells: Vec<String> = row
            .split("<td")
            .skip(1)
            .map(|cell| {
                let body = &cell[cell.find('>').unwrap() + 1..];
                body[..body.find("</td>").unwrap()].trim().to_owned()
            })
            .collect();
        let cells = match cells.len() {
            5 => {
                module.clone_from(&cells[0]);
                cells[1..].to_vec()
            }
            4 => cells,
            _ => continue,
        };
        assert!(is_number(&cells[0]), "{cells:?}");
        let previous = rows.insert(cells[0].parse().unwrap(), (module.clone(), cells));
        assert!(previous.is_none(), "onenet codes are unique across modules");
    }
    rows
}

fn assert_ruled(rules: &RuleSet, source: Source, code: Code<'_>) {
    for op in Op::ALL {
        for result_code in [None, Some(2)] {
            let rule = rules.rule_for(source, code, op, result_code);
            assert!(
                !rule.is_fallback(),
                "{source} {code} (op {op}) falls back to {}",
                rule.id
            );
        }
    }
}

#[test]
fn seed_000_every_code_has_a_rule() {
    let rules = RuleSet::builtin().unwrap();
    let seed = parse_000();
    assert_eq!(seed.interface.len(), 8, "{:?}", seed.interface);
    for template in &seed.interface {
        assert_ruled(&rules, Source::Interface, Code::Text(template));
    }
    let expected: BTreeSet<&str> = [
        "TK013", "TK08", "C001", "ET001", "ET002", "ET003", "EA001", "EA002", "EL001", "EL002",
        "EL003", "EP001", "EP002", "EP003", "EP004", "EP005", "EP006", "EP007", "EP008", "EP009",
    ]
    .into();
    let found: BTreeSet<&str> = seed.frontend.iter().map(String::as_str).collect();
    assert_eq!(found, expected);
    for code in &seed.frontend {
        assert_ruled(&rules, Source::Frontend, Code::Text(code));
    }
    for code in ["DAR", "UNKNOWN"] {
        assert_ruled(&rules, Source::Frontend, Code::Text(code));
    }
    assert_eq!(seed.dar.len(), 36 + 4, "0–35, 255–258");
    for (&code, name) in &seed.dar {
        assert_ruled(&rules, Source::Dar, Code::Number(code));
        let rc = dlms_result::ResultCode::new(u16::try_from(code).unwrap());
        assert_eq!(rc.name_zh(), Some(name.as_str()), "DAR {code}");
    }
    // The whole DAR space 0–258 has explicit rules (37–254 share `dar.unnamed`).
    for code in 0..=258 {
        assert_ruled(&rules, Source::Dar, Code::Number(code));
    }
}

#[test]
fn platform_seeds_every_code_has_a_rule_and_a_catalog_name() {
    let rules = RuleSet::builtin().unwrap();
    let catalog = Catalog::embedded();
    let tables: [(Source, BTreeMap<i64, String>); 3] = [
        (Source::AliyunLiving, parse_rows(&seed("001"), true)),
        (Source::VideoCloud, parse_rows(&seed("002"), false)),
        (Source::IotCore, parse_rows(&seed("003"), false)),
    ];
    let expected_counts = [55, 72, 95];
    for ((source, rows), count) in tables.iter().zip(expected_counts) {
        assert_eq!(rows.len(), count, "{source}");
        for (&code, row) in rows {
            assert_ruled(&rules, *source, Code::Number(code));
            let entry = catalog
                .get(*source, code)
                .unwrap_or_else(|| panic!("{source} {code} not in the catalog"));
            assert!(
                row.contains(&entry.name_zh),
                "{source} {code}: {:?} not in {row:?}",
                entry.name_zh
            );
            if let Some(en) = &entry.name_en {
                assert!(
                    row.contains(en.as_str()),
                    "{source} {code}: {en:?} not in {row:?}"
                );
            }
        }
        let catalog_codes: BTreeSet<i64> =
            catalog.of(*source).iter().map(|entry| entry.code).collect();
        let seed_codes: BTreeSet<i64> = rows.keys().copied().collect();
        assert_eq!(
            catalog_codes, seed_codes,
            "{source}: catalog and seed differ"
        );
    }

    let onenet = parse_004();
    assert_eq!(onenet.len(), 65);
    let modules: BTreeMap<&str, &str> = classify::ONENET_MODULES
        .iter()
        .map(|(id, zh)| (*zh, *id))
        .collect();
    for (&code, (module, cells)) in &onenet {
        assert_ruled(&rules, Source::Onenet, Code::Number(code));
        let entry = catalog
            .get(Source::Onenet, code)
            .unwrap_or_else(|| panic!("onenet {code} not in the catalog"));
        assert_eq!(
            entry.module.as_deref(),
            modules.get(module.as_str()).copied(),
            "onenet {code}"
        );
        assert_eq!(entry.name_zh, cells[2], "onenet {code}");
        let message = (cells[1] != "-").then(|| cells[1].clone());
        assert_eq!(entry.name_en, message, "onenet {code}");
    }
    let catalog_codes: BTreeSet<i64> = catalog
        .of(Source::Onenet)
        .iter()
        .map(|entry| entry.code)
        .collect();
    assert_eq!(catalog_codes, onenet.keys().copied().collect());
}

#[test]
fn every_builtin_platform_rule_code_is_in_the_catalog() {
    let rules = RuleSet::builtin().unwrap();
    for rule in rules.rules() {
        if !rule.source.numeric_codes() || rule.source == Source::Dar {
            continue;
        }
        if let classify::CodeMatch::Codes(codes) = &rule.codes {
            for code in codes {
                let number = code.as_code().number().unwrap();
                assert!(
                    Catalog::embedded().get(rule.source, number).is_some(),
                    "{} {code}",
                    rule.id
                );
            }
        }
    }
}
