//! `docs/classification.md` is the rendering of the builtin table. `FEP_BLESS=1` rewrites it.

use std::path::PathBuf;

use classify::RuleSet;

fn docs_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/classification.md")
}

#[test]
fn classification_md_is_the_rendered_table() {
    let rendered = RuleSet::builtin().unwrap().render_markdown();
    let path = docs_path();
    if std::env::var_os("FEP_BLESS").is_some() {
        std::fs::write(&path, &rendered).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "{}: {error} (run with FEP_BLESS=1 to create it)",
            path.display()
        )
    });
    assert!(
        on_disk == rendered,
        "{} is out of date: run `FEP_BLESS=1 cargo test -p classify --test docs`",
        path.display()
    );
}

#[test]
fn rendering_mentions_every_rule_and_every_named_code() {
    let rules = RuleSet::builtin().unwrap();
    let rendered = rules.render_markdown();
    for rule in rules.rules() {
        assert!(rendered.contains(&format!("`{}`", rule.id)), "{}", rule.id);
    }
    for entry in classify::Catalog::embedded().entries() {
        assert!(
            rendered.contains(&format!("| {} |", entry.code)),
            "{} {}",
            entry.source,
            entry.code
        );
    }
    for info in dlms_result::ResultCode::all() {
        assert!(rendered.contains(info.name_zh), "{}", info.name_zh);
    }
}
