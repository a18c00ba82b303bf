//! `docs/protocols.md` carries the result-code table rendered from the one table in the code;
//! this test keeps the two equal (`FEP_BLESS=1` rewrites the section).

use std::fmt::Write as _;

use dlms_result::ResultCode;

const BEGIN: &str = "<!-- BEGIN result-code table -->\n";
const END: &str = "<!-- END result-code table -->";

fn render() -> String {
    let mut table =
        String::from("| code | Chinese name | English name | origin |\n|---:|---|---|---|\n");
    for info in ResultCode::all() {
        writeln!(
            table,
            "| {} | {} | {} | {} |",
            info.code.get(),
            info.name_zh,
            info.name_en,
            info.origin.describe()
        )
        .expect("writing to a String cannot fail");
    }
    table.push_str("| 37–254 | (unnamed DAR bytes: kept, never rejected) | | DL/T 698.45 DAR |\n");
    table
}

#[test]
fn protocols_doc_has_the_current_table() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/protocols.md");
    let doc = std::fs::read_to_string(&path).expect("docs/protocols.md exists");
    let start = doc.find(BEGIN).expect("begin marker") + BEGIN.len();
    let end = doc.find(END).expect("end marker");
    let wanted = render();
    if std::env::var_os("FEP_BLESS").is_some() {
        let updated = format!("{}{wanted}{}", &doc[..start], &doc[end..]);
        std::fs::write(&path, updated).expect("docs/protocols.md written");
        return;
    }
    assert_eq!(
        &doc[start..end],
        wanted,
        "run FEP_BLESS=1 cargo test -p dlms-result --test docs"
    );
}
