//! Loading a utility's rule overrides on top of the builtin table, checking them, and seeing
//! what changes.
//!
//! ```text
//! cargo run -p classify --example site_rules
//! ```

use classify::{Code, Failure, NoHistory, Op, Rng, RuleSet, Source};

/// A site that retries 暂时失效 five times instead of three, and refuses to give up on EL001
/// before a week of waiting for the terminal.
const SITE: &str = r#"
[[rule]]
id = "dar.2"
source = "dar"
code = 2
ladder = [
  { do = "retry", kind = "backoff", preset = "device", retries = 5 },
  { do = "give-up", owner = "field" },
]
reason_zh = "暂时失效：本单位退避重试 5 次后交现场。"
reason_en = "Temporary failure: this site backs off 5 times, then field service."
"#;

/// A rule file that tries to retry a wrong password: refused at load time (meters lock).
const UNSAFE: &str = r#"
[[rule]]
id = "dar.15"
source = "dar"
code = 15
ladder = [{ do = "retry", kind = "immediate", preset = "immediate", retries = 1 }, { do = "give-up", owner = "security" }]
reason_zh = "重试"
reason_en = "retry"
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let builtin = RuleSet::builtin()?;
    let site = RuleSet::with_overrides("site.toml", SITE)?;
    for rules in [&builtin, &site] {
        let rule = rules.rule_for(Source::Dar, Code::Number(2), Op::Read, None);
        println!(
            "{:<8} dar.2: {} tries, defined at {}",
            rules.layers().join("+"),
            rule.max_attempts(),
            rule.provenance
        );
    }

    // A TK013 failure carrying 暂时失效 is decided by the (overridden) dar.2 rule.
    let failure = Failure::new(Source::Frontend, "TK013")
        .with_result_code(Some(dlms_result::ResultCode::TEMPORARY_FAILURE))
        .with_device("8000000042769980", "1147186771");
    let verdict = site.classify(&failure, &NoHistory, 1_700_000_000, &mut Rng::new(7));
    println!(
        "TK013 {{[暂时失效]}} -> {} {} in {} s (rule {}): {}",
        verdict.decision.as_str(),
        verdict.kind.as_str(),
        verdict.delay_s,
        verdict.rule,
        verdict.reason_en
    );

    match RuleSet::with_overrides("unsafe.toml", UNSAFE) {
        Ok(_) => println!("unexpected: the unsafe file loaded"),
        Err(e) => println!("refused:\n{e}"),
    }
    Ok(())
}
