//! The effective table as TOML: the same schema as the input, one `[[rule]]` per rule, ladders
//! as inline tables. Loading the dump alone gives the same table (a test checks the round trip).

use core::fmt::Write as _;

use super::{Action, CodeKey, CodeMatch, RuleSet, Stage};

/// A TOML basic string with escapes (TOML 1.0 §String).
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len().saturating_add(2));
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn code(key: &CodeKey) -> String {
    match key {
        CodeKey::Number(number) => number.to_string(),
        CodeKey::Text(text) => quote(text),
    }
}

/// A float that TOML reads back as a float (`2.0`, not `2`).
fn float(value: f64) -> String {
    let text = format!("{value}");
    if text.contains(['.', 'e', 'E', 'n', 'i']) {
        text
    } else {
        format!("{text}.0")
    }
}

fn stage(stage: &Stage) -> String {
    let mut fields = vec![format!("do = {}", quote(stage.action.decision().as_str()))];
    match stage.action {
        Action::Retry(kind) => fields.push(format!("kind = {}", quote(kind.as_str()))),
        Action::ReArchive(scope) => fields.push(format!("scope = {}", quote(scope.as_str()))),
        Action::GiveUp(owner) => fields.push(format!("owner = {}", quote(owner.as_str()))),
        Action::Success(kind) => fields.push(format!("kind = {}", quote(kind.as_str()))),
    }
    if let Some(preset) = &stage.preset {
        fields.push(format!("preset = {}", quote(preset)));
    }
    if matches!(stage.action, Action::Retry(_)) {
        fields.push(format!("retries = {}", stage.retries));
    }
    format!("{{ {} }}", fields.join(", "))
}

pub(super) fn dump(rules: &RuleSet) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Effective classification table (layers: {}).",
        rules.layers().join(" < ")
    );
    out.push_str("schema = 1\n\n[settings]\n");
    let settings = rules.settings();
    let _ = writeln!(
        out,
        "utc_offset = {}",
        quote(&settings.utc_offset.to_string())
    );
    let _ = writeln!(out, "rearchive_window_s = {}", settings.rearchive_window_s);
    for preset in rules.presets() {
        let _ = writeln!(out, "\n[presets.{}]", preset.name);
        let policy = &preset.policy;
        if let Some(at) = policy.at {
            let _ = writeln!(out, "at = {}", quote(&at.to_string()));
            let _ = writeln!(out, "spread_s = {}", policy.spread_s);
        } else {
            let _ = writeln!(out, "base_s = {}", policy.base_s);
            let _ = writeln!(out, "factor = {}", float(policy.factor));
            let _ = writeln!(out, "cap_s = {}", policy.cap_s);
            let _ = writeln!(out, "jitter = {}", quote(policy.jitter.as_str()));
        }
        if let Some(note) = &preset.note {
            let _ = writeln!(out, "note = {}", quote(note));
        }
    }
    // One file has one layer: the order of (layer, precedence) among the rules becomes the
    // precedence of the dump, so rules that an override layer beats still lose after a reload.
    let mut ranks = rules.ranks.clone();
    ranks.sort_unstable();
    ranks.dedup();
    for (position, rule) in rules.rules().iter().enumerate() {
        out.push_str("\n[[rule]]\n");
        let _ = writeln!(out, "id = {}", quote(&rule.id));
        let _ = writeln!(out, "source = {}", quote(rule.source.as_str()));
        match &rule.codes {
            CodeMatch::Codes(codes) => match codes.as_slice() {
                [single] => {
                    let _ = writeln!(out, "code = {}", code(single));
                }
                many => {
                    let list: Vec<String> = many.iter().map(code).collect();
                    let _ = writeln!(out, "codes = [{}]", list.join(", "));
                }
            },
            CodeMatch::Range(low, high) => {
                let _ = writeln!(out, "range = [{low}, {high}]");
            }
            CodeMatch::Fallback => out.push_str("fallback = true\n"),
        }
        if !rule.ops.is_empty() {
            let ops: Vec<String> = rule.ops.iter().map(|op| quote(op.as_str())).collect();
            let _ = writeln!(out, "op = [{}]", ops.join(", "));
        }
        if let Some(presence) = rule.result_code {
            let _ = writeln!(out, "result_code = {}", quote(presence.as_str()));
        }
        if let Some(delegate) = rule.delegate {
            let _ = writeln!(out, "delegate = {}", quote(delegate.as_str()));
        }
        match rule.ladder.as_slice() {
            [] => {}
            [single] => {
                let _ = writeln!(out, "ladder = [{}]", stage(single));
            }
            many => {
                out.push_str("ladder = [\n");
                for each in many {
                    let _ = writeln!(out, "  {},", stage(each));
                }
                out.push_str("]\n");
            }
        }
        let _ = writeln!(out, "reason_zh = {}", quote(&rule.reason_zh));
        let _ = writeln!(out, "reason_en = {}", quote(&rule.reason_en));
        if let Some(why) = &rule.why {
            let _ = writeln!(out, "why = {}", quote(why));
        }
        if let Some(justification) = &rule.justification {
            let _ = writeln!(out, "justification = {}", quote(justification));
        }
        let precedence = rules
            .ranks
            .get(position)
            .and_then(|rank| ranks.binary_search(rank).ok())
            .unwrap_or(0);
        if precedence > 0 {
            let _ = writeln!(out, "precedence = {precedence}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes() {
        assert_eq!(quote("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
        assert_eq!(quote("终端xxx"), "\"终端xxx\"");
        assert_eq!(float(2.0), "2.0");
        assert_eq!(float(1.5), "1.5");
    }
}
