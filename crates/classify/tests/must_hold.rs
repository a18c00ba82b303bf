//! "Must hold": the decision classes the defaults may refine (kinds, delays) but never
//! change. Written out independently of the rule table and of the decision-matrix fixture.

use classify::{Decision, Failure, NoHistory, Op, Rng, RuleSet, Source};
use dlms_result::ResultCode;

fn decision(rules: &RuleSet, source: Source, code: &str) -> Decision {
    let verdict = rules.classify(
        &Failure::new(source, code),
        &NoHistory,
        1_700_000_000,
        &mut Rng::new(3),
    );
    assert!(!verdict.fallback, "{source} {code} hit the fallback");
    verdict.decision
}

#[test]
fn must_hold_classes() {
    let rules = RuleSet::builtin().unwrap();
    let re_archive: &[(Source, &str)] = &[
        (Source::Frontend, "EA001"),
        (Source::Frontend, "EA002"),
        (Source::Interface, "终端xxx在档案缓存中不存在"),
        (Source::Interface, "电表xxx在档案缓存中不存在"),
        (Source::Dar, "27"),
    ];
    let retry: &[(Source, &str)] = &[
        (Source::Frontend, "EL001"),
        (Source::Frontend, "EL002"),
        (Source::Frontend, "EL003"),
        (Source::Frontend, "ET003"),
        (Source::Frontend, "TK08"),
        (Source::Dar, "2"),
        (Source::Dar, "33"),
        (Source::Dar, "256"),
        (Source::AliyunLiving, "429"),
        (Source::AliyunLiving, "500"),
        (Source::AliyunLiving, "503"),
        (Source::Onenet, "604"),
        (Source::Onenet, "1021"),
        (Source::Onenet, "601"),
        (Source::IotCore, "110"),
        (Source::IotCore, "100053"),
        (Source::VideoCloud, "503"),
        (Source::VideoCloud, "504"),
        (Source::VideoCloud, "20005"),
    ];
    let mut give_up: Vec<(Source, String)> = [
        (Source::Frontend, "ET001"),
        (Source::Frontend, "EP002"),
        (Source::Frontend, "EP003"),
        (Source::Frontend, "EP004"),
        (Source::Interface, "bizCode不能为空"),
        (Source::Interface, "设备列表不能为空"),
        (Source::Interface, "2.0规范转换异常"),
        (Source::AliyunLiving, "2000"),
        (Source::AliyunLiving, "6100"),
        (Source::IotCore, "520"),
        (Source::IotCore, "171"),
        (Source::VideoCloud, "20001"),
        (Source::VideoCloud, "20032"),
    ]
    .iter()
    .map(|(source, code)| (*source, (*code).to_owned()))
    .collect();
    for dar in [
        1, 3, 5, 7, 8, 16, 17, 18, 19, 24, 25, 26, 29, 30, 34, 35, 257,
    ] {
        give_up.push((Source::Dar, dar.to_string()));
    }

    for (source, code) in re_archive {
        assert_eq!(
            decision(&rules, *source, code),
            Decision::ReArchive,
            "{source} {code}"
        );
    }
    for (source, code) in retry {
        assert_eq!(
            decision(&rules, *source, code),
            Decision::Retry,
            "{source} {code}"
        );
    }
    for (source, code) in &give_up {
        assert_eq!(
            decision(&rules, *source, code),
            Decision::GiveUp,
            "{source} {code}"
        );
    }
}

#[test]
fn success_and_already_applied_are_never_retried() {
    let rules = RuleSet::builtin().unwrap();
    for op in Op::ALL {
        for code in [ResultCode::SUCCESS, ResultCode::DUPLICATE_RECHARGE] {
            let verdict = rules.classify(
                &Failure::dar(code).with_op(op),
                &NoHistory,
                0,
                &mut Rng::new(1),
            );
            assert_eq!(verdict.decision, Decision::Success, "{code} {op}");
        }
    }
}

#[test]
fn tk013_is_decided_per_result_code_and_unknown_codes_fall_back_visibly() {
    let rules = RuleSet::builtin().unwrap();
    for code in 0..=258u16 {
        let failure =
            Failure::new(Source::Frontend, "TK013").with_result_code(Some(ResultCode::new(code)));
        let verdict = rules.classify(&failure, &NoHistory, 0, &mut Rng::new(1));
        let direct = rules.classify(
            &Failure::dar(ResultCode::new(code)),
            &NoHistory,
            0,
            &mut Rng::new(1),
        );
        assert!(verdict.delegated);
        assert_eq!(verdict.rule.via, Some("frontend.TK013"));
        assert_eq!(verdict.rule.id, direct.rule.id, "{code}");
        assert_eq!(verdict.decision, direct.decision, "{code}");
        assert_eq!(verdict.kind, direct.kind, "{code}");
    }
    let no_code = rules.classify(
        &Failure::new(Source::Frontend, "TK013"),
        &NoHistory,
        0,
        &mut Rng::new(1),
    );
    assert_eq!(no_code.rule.to_string(), "frontend.TK013.no-result-code");
    for source in Source::ALL {
        let explanation =
            rules.explain(source, classify::Code::Text("NOPE-404"), None, Op::Unknown);
        assert!(explanation.fallback, "{source}");
        assert_eq!(explanation.rule, format!("{source}.fallback"));
    }
}
