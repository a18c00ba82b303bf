//! The task planner: grouping, dedupe, mass failures and conservation of units.

use classify::{
    Code, Decision, Failure, NoHistory, Owner, PlanConfig, PlanUnit, Planner, Rng, RuleSet, Scope,
    Source,
};
use dlms_result::ResultCode;
use proptest::prelude::*;
use std::sync::LazyLock;

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::builtin().unwrap());

const NOW: i64 = 1_700_000_000;

struct Case<'a> {
    work: &'a str,
    terminal: &'a str,
    device: &'a str,
    item: Option<&'a str>,
    source: Source,
    code: &'a str,
    rc: Option<u16>,
}

fn add(planner: &mut Planner, rules: &RuleSet, case: &Case<'_>, seed: u64) -> Decision {
    let failure = Failure::new(case.source, case.code)
        .with_result_code(case.rc.map(ResultCode::new))
        .with_device(case.device, case.terminal);
    let verdict = rules.classify(&failure, &NoHistory, NOW, &mut Rng::new(seed));
    let unit = PlanUnit {
        work_id: case.work,
        terminal: case.terminal,
        device: case.device,
        data_item: case.item,
        source: case.source,
        code: Code::parse(case.code),
        result_code: case.rc,
    };
    planner.add(&unit, &verdict);
    verdict.decision
}

#[test]
fn a_task_becomes_a_plan() {
    let rules = RuleSet::builtin().unwrap();
    let mut planner = Planner::new(PlanConfig::default());
    let meters: Vec<String> = (0..10).map(|i| format!("m{i}")).collect();
    for meter in &meters {
        planner.observe("w1", "t1", meter);
        planner.observe("w1", "t2", &format!("{meter}-b"));
    }
    // t1: 6 of 10 meters offline → one terminal-level wait-online.
    for meter in &meters[..6] {
        add(
            &mut planner,
            &rules,
            &Case {
                work: "w1",
                terminal: "t1",
                device: meter,
                item: None,
                source: Source::Frontend,
                code: "EL001",
                rc: None,
            },
            1,
        );
    }
    // t2: m0-b has EA001 and EA002 (one comm-layer re-archive), m1-b EA001.
    for (device, code) in [("m0-b", "EA001"), ("m0-b", "EA002"), ("m1-b", "EA001")] {
        add(
            &mut planner,
            &rules,
            &Case {
                work: "w1",
                terminal: "t2",
                device,
                item: None,
                source: Source::Frontend,
                code,
                rc: None,
            },
            2,
        );
    }
    // t2: two meters, two data items each, TK013 暂时失效 → one retry group for t2.
    for device in ["m2-b", "m3-b"] {
        for item in ["2014-10200-000", "0010-02000-000"] {
            add(
                &mut planner,
                &rules,
                &Case {
                    work: "w1",
                    terminal: "t2",
                    device,
                    item: Some(item),
                    source: Source::Frontend,
                    code: "TK013",
                    rc: Some(2),
                },
                3,
            );
        }
    }
    // Give-ups and a success-equivalent.
    add(
        &mut planner,
        &rules,
        &Case {
            work: "w1",
            terminal: "t2",
            device: "m4-b",
            item: Some("x"),
            source: Source::Frontend,
            code: "TK013",
            rc: Some(15),
        },
        4,
    );
    add(
        &mut planner,
        &rules,
        &Case {
            work: "w1",
            terminal: "t2",
            device: "m5-b",
            item: None,
            source: Source::Frontend,
            code: "EP003",
            rc: None,
        },
        4,
    );
    add(
        &mut planner,
        &rules,
        &Case {
            work: "w1",
            terminal: "t2",
            device: "m6-b",
            item: None,
            source: Source::Dar,
            code: "21",
            rc: Some(21),
        },
        4,
    );
    // A second task.
    add(
        &mut planner,
        &rules,
        &Case {
            work: "w0",
            terminal: "t9",
            device: "z",
            item: None,
            source: Source::Onenet,
            code: "604",
            rc: None,
        },
        5,
    );

    let plans = planner.finish();
    assert_eq!(
        plans.iter().map(|p| p.work_id.as_str()).collect::<Vec<_>>(),
        ["w0", "w1"]
    );
    let plan = &plans[1];
    assert_eq!(plan.units, 16);
    assert_eq!(plan.meters, 20);
    assert_eq!(plan.accounted_units(), plan.units);
    assert_eq!(
        (
            plan.by_decision.retry,
            plan.by_decision.re_archive,
            plan.by_decision.give_up,
            plan.by_decision.success
        ),
        (10, 3, 2, 1)
    );

    assert_eq!(plan.mass_failures.len(), 1);
    let mass = &plan.mass_failures[0];
    assert_eq!(
        (
            mass.terminal.as_str(),
            mass.code.as_str(),
            mass.meters_failing,
            mass.meters_total
        ),
        ("t1", "EL001", 6, 10)
    );
    assert_eq!(
        (mass.decision, mass.kind.as_str()),
        (Decision::Retry, "wait-online")
    );
    assert!((mass.share - 0.6).abs() < 1e-9);

    assert_eq!(
        plan.rearchives.len(),
        2,
        "deduplicated per device and scope"
    );
    let m0 = &plan.rearchives[0];
    assert_eq!(
        (m0.device.as_str(), m0.scope, m0.units),
        ("m0-b", Scope::CommLayer, 2)
    );
    assert_eq!(m0.failures, ["frontend:EA001", "frontend:EA002"]);
    assert!(m0.resend_at >= NOW + 60 && m0.resend_at <= NOW + 120);

    assert_eq!(plan.retries.len(), 1);
    let retries = &plan.retries[0];
    assert_eq!((retries.terminal.as_str(), retries.units.len()), ("t2", 4));
    assert_eq!(
        retries.earliest_at,
        retries.units.iter().map(|u| u.not_before).min().unwrap()
    );
    assert_eq!(retries.units[0].rule, "frontend.TK013>dar.2");

    let owners: Vec<(Owner, usize)> = plan
        .give_ups
        .iter()
        .map(|g| (g.owner, g.units.len()))
        .collect();
    assert_eq!(owners, [(Owner::Caller, 1), (Owner::Security, 1)]);
    assert_eq!(plan.successes, 1);

    let json = serde_json::to_value(plan).unwrap();
    assert_eq!(json["by_decision"]["re-archive"], 3);
    assert_eq!(json["by_decision"]["give-up"], 2);
    assert_eq!(json["mass_failures"][0]["kind"], "wait-online");
}

#[test]
fn a_few_failing_meters_are_no_mass_failure() {
    let rules = RuleSet::builtin().unwrap();
    let mut planner = Planner::new(PlanConfig {
        mass_share: 0.5,
        mass_min_meters: 3,
    });
    for i in 0..2 {
        let device = format!("m{i}");
        add(
            &mut planner,
            &rules,
            &Case {
                work: "w",
                terminal: "t",
                device: &device,
                item: None,
                source: Source::Frontend,
                code: "EA001",
                rc: None,
            },
            1,
        );
    }
    let plan = &planner.finish()[0];
    assert!(
        plan.mass_failures.is_empty(),
        "2 meters < mass_min_meters even at 100 %"
    );
    assert_eq!(plan.rearchives.len(), 2);
}

proptest! {
    /// Every unit appears in exactly one place of the plan, whatever the mix and thresholds.
    #[test]
    fn units_are_conserved(
        units in prop::collection::vec((0_usize..3, 0_usize..4, 0_usize..8, 0_usize..12), 0..120),
        share in 0.0_f64..1.0,
        min_meters in 0_usize..5,
    ) {
        const CODES: [(Source, &str, Option<u16>); 12] = [
            (Source::Frontend, "EL001", None), (Source::Frontend, "EA001", None), (Source::Frontend, "TK013", Some(2)),
            (Source::Frontend, "TK013", Some(15)), (Source::Frontend, "TK013", Some(27)), (Source::Dar, "21", Some(21)),
            (Source::Dar, "0", Some(0)), (Source::Interface, "无配置信息", None), (Source::Onenet, "604", None),
            (Source::Frontend, "ET003", None), (Source::Frontend, "NEW01", None), (Source::IotCore, "520", None),
        ];
        let rules = &*RULES;
        let mut planner = Planner::new(PlanConfig { mass_share: share, mass_min_meters: min_meters });
        let works = ["w0", "w1", "w2"];
        let terminals = ["t0", "t1", "t2", "t3"];
        let devices: Vec<String> = (0..8).map(|i| format!("d{i}")).collect();
        let mut per_work = [0_usize; 3];
        for &(work, terminal, device, code) in &units {
            let (source, text, rc) = CODES[code];
            add(&mut planner, rules, &Case { work: works[work], terminal: terminals[terminal], device: &devices[device], item: None, source, code: text, rc }, 7);
            per_work[work] += 1;
        }
        let plans = planner.finish();
        for plan in &plans {
            prop_assert_eq!(plan.accounted_units(), plan.units);
            let index = works.iter().position(|w| *w == plan.work_id).unwrap();
            prop_assert_eq!(plan.units, per_work[index]);
            for mass in &plan.mass_failures {
                prop_assert!(mass.meters_failing >= min_meters && mass.share >= share);
                prop_assert!(mass.meters_failing <= mass.meters_total);
            }
        }
        prop_assert_eq!(plans.iter().map(|p| p.units).sum::<usize>(), units.len());
    }
}
