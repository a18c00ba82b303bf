//! Layering: dump round trips, replacement by id, later layers, preset overrides, specificity.

use classify::{Code, Failure, Layer, NoHistory, Op, Rng, RuleSet, Source};

fn verdict_rule(rules: &RuleSet, source: Source, code: &str, op: Op) -> String {
    let failure = Failure::new(source, code).with_op(op);
    rules
        .classify(&failure, &NoHistory, 1_700_000_000, &mut Rng::new(1))
        .rule
        .to_string()
}

/// A dump loaded alone, as `fep rules --dump > FILE` then `--rules FILE` would.
fn load_dump(dumped: &str) -> RuleSet {
    RuleSet::from_layers(&[Layer {
        name: "dump.toml",
        text: dumped,
    }])
    .unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn the_builtin_dump_is_the_same_table() {
    let builtin = RuleSet::builtin().unwrap();
    let dumped = builtin.dump_toml();
    let reloaded = load_dump(&dumped);
    assert_eq!(reloaded.settings(), builtin.settings());
    assert_eq!(reloaded.presets(), builtin.presets());
    assert_eq!(reloaded.rules().len(), builtin.rules().len());
    for (a, b) in builtin.rules().iter().zip(reloaded.rules()) {
        let b = classify::Rule {
            provenance: a.provenance.clone(),
            ..b.clone()
        };
        assert_eq!(a, &b);
    }
    assert_eq!(reloaded.render_markdown(), builtin.render_markdown());
}

#[test]
fn the_documented_rule_file_example_loads() {
    let markdown = RuleSet::builtin().unwrap().render_markdown();
    let start = markdown
        .find("```toml\nschema = 1")
        .expect("example in the docs")
        + "```toml\n".len();
    let end = start + markdown[start..].find("```").unwrap();
    let example = &markdown[start..end];
    let rules =
        RuleSet::with_overrides("example.toml", example).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        verdict_rule(&rules, Source::Frontend, "EL003", Op::Read),
        "site.EL003.slow"
    );
    assert_eq!(
        verdict_rule(&rules, Source::Frontend, "EL003", Op::Unknown),
        "frontend.EL003"
    );
    assert_eq!(rules.preset("slow-device").unwrap().policy.base_s, 300);
}

#[test]
fn a_later_layer_wins_ties_and_same_ids_replace_in_place() {
    let site = r#"
[[rule]]
id = "site.dar2"
source = "dar"
code = 2
ladder = [{ do = "give-up", owner = "field" }]
reason_zh = "本地区暂时失效即故障。"
reason_en = "At this site a temporary failure is a fault."

[[rule]]
id = "dar.27"
source = "dar"
code = 27
ladder = [{ do = "give-up", owner = "archive-admin" }]
reason_zh = "地址异常：交档案管理员。"
reason_en = "Address error: archive admin."
"#;
    let builtin = RuleSet::builtin().unwrap();
    let rules = RuleSet::with_overrides("site.toml", site).unwrap();
    assert_eq!(
        verdict_rule(&rules, Source::Dar, "2", Op::Read),
        "site.dar2"
    );
    assert_eq!(verdict_rule(&rules, Source::Dar, "27", Op::Read), "dar.27");
    let position = |set: &RuleSet, id: &str| set.rules().iter().position(|rule| rule.id == id);
    assert_eq!(
        position(&rules, "dar.27"),
        position(&builtin, "dar.27"),
        "replaced in place"
    );
    assert_eq!(rules.rule("dar.27").unwrap().provenance.layer, "site.toml");
    assert_eq!(
        rules.rules().last().unwrap().id,
        "site.dar2",
        "new rules are appended"
    );
    assert_eq!(rules.layers(), ["builtin", "site.toml"]);
    // The builtin dar.2 rule is still there, only shadowed; the same-code op-specific rule of the
    // builtin still wins for writes because an op constraint is more specific than a later layer.
    assert!(rules.rule("dar.2").is_some());
    assert_eq!(
        verdict_rule(&rules, Source::Dar, "33", Op::Set),
        "dar.33.write"
    );
}

#[test]
fn three_layers_apply_in_order() {
    let a = "[settings]\nutc_offset = \"+07:00\"\nrearchive_window_s = 7200\n\n[presets.device]\nbase_s = 10\nfactor = 1.0\ncap_s = 10\njitter = \"none\"\n";
    let b = "[settings]\nutc_offset = \"+09:00\"\n";
    let rules = RuleSet::from_layers(&[
        Layer::BUILTIN,
        Layer {
            name: "a.toml",
            text: a,
        },
        Layer {
            name: "b.toml",
            text: b,
        },
    ])
    .unwrap();
    assert_eq!(rules.settings().utc_offset.to_string(), "+09:00");
    assert_eq!(rules.settings().rearchive_window_s, 7200);
    // The redefined preset applies to the builtin rules that use it.
    let verdict = rules.classify(
        &Failure::dar(dlms_result::ResultCode::new(2)),
        &NoHistory,
        0,
        &mut Rng::new(1),
    );
    assert_eq!(verdict.delay_s, 10);
    assert_eq!(verdict.preset, Some("device"));
}

#[test]
fn a_table_without_fallbacks_is_rejected() {
    let lonely = r#"
[[rule]]
id = "only"
source = "dar"
fallback = true
ladder = [{ do = "give-up", owner = "caller" }]
reason_zh = "全部放弃。"
reason_en = "Give up on everything."
"#;
    let error = RuleSet::from_layers(&[Layer {
        name: "lonely.toml",
        text: lonely,
    }])
    .unwrap_err();
    let messages: Vec<&str> = error
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(messages.len(), 6, "{messages:?}");
    assert!(messages.iter().all(|m| m.contains("has no fallback rule")));
    assert!(!messages.iter().any(|m| m.contains("`dar`")));
}

#[test]
fn a_broken_builtin_layer_reports_its_position() {
    let error = RuleSet::from_layers(&[Layer {
        name: "builtin",
        text: "schema = 2\n",
    }])
    .unwrap_err();
    assert_eq!(
        error.diagnostics[0].to_string(),
        "builtin:1:10: unsupported schema 2 (this is schema 1)"
    );
}

#[test]
fn sources_for_guesses_the_source_of_a_bare_code() {
    let rules = RuleSet::builtin().unwrap();
    assert_eq!(rules.sources_for("EA001"), [Source::Frontend]);
    assert_eq!(
        rules.sources_for("终端xxx在档案缓存中不存在"),
        [Source::Interface]
    );
    assert_eq!(rules.sources_for("429"), [Source::AliyunLiving]);
    assert_eq!(rules.sources_for("2"), [Source::Dar]);
    assert_eq!(
        rules.sources_for("403"),
        [Source::AliyunLiving, Source::VideoCloud, Source::Onenet]
    );
    assert_eq!(
        rules.sources_for("200"),
        [
            Source::Dar,
            Source::AliyunLiving,
            Source::IotCore,
            Source::Onenet
        ],
        "200 is an unnamed DAR too"
    );
    assert!(rules.sources_for("NOPE").is_empty());
    let rule = rules.rule_for(Source::Dar, Code::Number(100), Op::Unknown, None);
    assert_eq!(rule.id, "dar.unnamed");
}

/// A site rule for a builtin code under a new id wins by its layer; the dump keeps that order
/// with `precedence`, so the dump loads alone and decides the same way.
#[test]
fn the_dump_of_a_shadowing_override_loads_and_decides_the_same() {
    let site = r#"
[[rule]]
id = "site.protocol-unsupported"
source = "interface"
code = "不支持的电表协议类型:xxx"
ladder = [{ do = "give-up", owner = "caller" }]
reason_zh = "本地区由调用方修正协议类型。"
reason_en = "At this site the caller fixes the protocol type."
"#;
    let rules = RuleSet::with_overrides("site.toml", site).unwrap();
    let code = "不支持的电表协议类型:xxx";
    assert_eq!(
        verdict_rule(&rules, Source::Interface, code, Op::Read),
        "site.protocol-unsupported"
    );
    let dumped = rules.dump_toml();
    assert_eq!(dumped.matches("\nprecedence = 1\n").count(), 1, "{dumped}");
    let reloaded = load_dump(&dumped);
    assert_eq!(
        verdict_rule(&reloaded, Source::Interface, code, Op::Read),
        "site.protocol-unsupported"
    );
    assert!(reloaded.rule("interface.protocol-unsupported").is_some());
    assert_eq!(
        reloaded.dump_toml().lines().skip(1).collect::<Vec<_>>(),
        dumped.lines().skip(1).collect::<Vec<_>>()
    );
}

#[test]
fn precedence_breaks_a_tie_inside_one_layer() {
    let rule = |id: &str, owner: &str, precedence: &str| {
        format!(
            "[[rule]]\nid = \"{id}\"\nsource = \"dar\"\ncode = 2\nladder = [{{ do = \"give-up\", owner = \"{owner}\" }}]\nreason_zh = \"放弃。\"\nreason_en = \"Give up.\"\n{precedence}\n"
        )
    };
    let tie = format!("{}{}", rule("a", "field", ""), rule("b", "caller", ""));
    let error = RuleSet::with_overrides("site.toml", &tie).unwrap_err();
    assert!(
        error.diagnostics[0]
            .message
            .contains("give one a higher `precedence`"),
        "{error}"
    );
    let ordered = format!(
        "{}{}",
        rule("a", "field", "precedence = 2"),
        rule("b", "caller", "precedence = 1")
    );
    let rules = RuleSet::with_overrides("site.toml", &ordered).unwrap();
    assert_eq!(verdict_rule(&rules, Source::Dar, "2", Op::Read), "a");

    let out_of_range = rule("a", "field", "precedence = 65536");
    let error = RuleSet::with_overrides("site.toml", &out_of_range).unwrap_err();
    assert_eq!(
        error.diagnostics[0].to_string(),
        "site.toml:8:14: `precedence` must be between 0 and 65535"
    );
}
