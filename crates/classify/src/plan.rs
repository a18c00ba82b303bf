//! The task plan: verdicts of one `workId` turned into the actions an operator or scheduler runs.
//!
//! * retries grouped by terminal (`commDevId`), with the earliest and latest resend time — one
//!   698.45 request can carry many OADs, so a terminal's resends go out together;
//! * re-archives deduplicated per device and scope;
//! * give-ups grouped by owner (one work order per owner);
//! * mass failures: when at least `mass_share` of one terminal's meters (and at least
//!   `mass_min_meters` of them) fail the same way, one terminal-level action replaces the
//!   per-meter ones — 300 meters with EA001 behind one terminal need one archive download, not
//!   300, and 300 offline meters need one wait for the terminal.

use std::collections::{BTreeMap, BTreeSet};

use crate::code::Code;
use crate::decision::{Decision, Kind, Owner, Scope};
use crate::source::Source;
use crate::verdict::Verdict;

/// Thresholds of the planner.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct PlanConfig {
    /// The share of a terminal's meters that must fail the same way for a mass failure (0–1).
    pub mass_share: f64,
    /// The fewest meters that make a mass failure (a terminal with 2 meters is no mass).
    pub mass_min_meters: usize,
}

impl Default for PlanConfig {
    /// Half of a terminal's meters, at least 3: when half the meters behind one terminal fail
    /// alike, the cause sits at the terminal or above (archive, channel, schedule).
    fn default() -> Self {
        Self {
            mass_share: 0.5,
            mass_min_meters: 3,
        }
    }
}

/// One classified failure of a task, as the caller knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanUnit<'a> {
    /// The task (`workId`).
    pub work_id: &'a str,
    /// The terminal (`commDevId`).
    pub terminal: &'a str,
    /// The device (`devSn`).
    pub device: &'a str,
    /// The data item, for data-unit failures.
    pub data_item: Option<&'a str>,
    /// The failure's source.
    pub source: Source,
    /// The failure's code.
    pub code: Code<'a>,
    /// The result code it carries.
    pub result_code: Option<u16>,
}

/// A unit in the plan.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PlannedUnit {
    /// The device.
    pub device: String,
    /// Its terminal.
    pub terminal: String,
    /// The data item.
    pub data_item: Option<String>,
    /// The failure's source.
    pub source: Source,
    /// The failure's code.
    pub code: String,
    /// The result code.
    pub result_code: Option<u16>,
    /// The deciding rule.
    pub rule: String,
    /// The verdict's kind.
    pub kind: Kind,
    /// The earliest resend, Unix seconds (retry and re-archive).
    pub not_before: i64,
}

/// A terminal's retries.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RetryGroup {
    /// The terminal.
    pub terminal: String,
    /// The earliest `not_before` of its units.
    pub earliest_at: i64,
    /// The latest `not_before` of its units.
    pub latest_at: i64,
    /// The units, in input order.
    pub units: Vec<PlannedUnit>,
}

/// One re-archive of a device in a scope.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RearchiveAction {
    /// The device.
    pub device: String,
    /// Its terminal.
    pub terminal: String,
    /// Where to re-archive.
    pub scope: Scope,
    /// When to resend afterwards (earliest of its units).
    pub resend_at: i64,
    /// The distinct failures (`source:code`) that asked for it.
    pub failures: Vec<String>,
    /// The units it repairs.
    pub units: usize,
}

/// The give-ups of one owner: one work order.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct GiveUpGroup {
    /// Who acts.
    pub owner: Owner,
    /// The units, in input order.
    pub units: Vec<PlannedUnit>,
}

/// A terminal-level action replacing per-meter ones.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MassFailure {
    /// The terminal.
    pub terminal: String,
    /// The shared failure's source.
    pub source: Source,
    /// The shared failure's code.
    pub code: String,
    /// The shared result code.
    pub result_code: Option<u16>,
    /// Meters of the terminal failing this way.
    pub meters_failing: usize,
    /// Meters of the terminal seen in the task.
    pub meters_total: usize,
    /// `meters_failing / meters_total`.
    pub share: f64,
    /// The terminal-level decision (the most escalated of the units).
    pub decision: Decision,
    /// Its kind.
    pub kind: Kind,
    /// The deciding rule.
    pub rule: String,
    /// The earliest resend of the units with that decision.
    pub earliest_at: i64,
    /// The units folded into this action.
    pub units: usize,
    /// The meters, sorted.
    pub devices: Vec<String>,
}

/// Unit counts per decision; serialises with the four decision keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct DecisionCounts {
    /// `success`.
    pub success: usize,
    /// `retry`.
    pub retry: usize,
    /// `re-archive`.
    #[serde(rename = "re-archive")]
    pub re_archive: usize,
    /// `give-up`.
    #[serde(rename = "give-up")]
    pub give_up: usize,
}

impl DecisionCounts {
    /// Counts one decision.
    pub fn add(&mut self, decision: Decision) {
        let slot = match decision {
            Decision::Success => &mut self.success,
            Decision::Retry => &mut self.retry,
            Decision::ReArchive => &mut self.re_archive,
            Decision::GiveUp => &mut self.give_up,
        };
        *slot = slot.saturating_add(1);
    }

    /// The total.
    pub fn total(&self) -> usize {
        self.success
            .saturating_add(self.retry)
            .saturating_add(self.re_archive)
            .saturating_add(self.give_up)
    }
}

/// The plan of one task.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TaskPlan {
    /// The task.
    pub work_id: String,
    /// Failures classified.
    pub units: usize,
    /// Distinct meters seen (failed or not).
    pub meters: usize,
    /// Units per decision (before folding mass failures).
    pub by_decision: DecisionCounts,
    /// Terminal-level actions; their units appear nowhere else.
    pub mass_failures: Vec<MassFailure>,
    /// Retries per terminal.
    pub retries: Vec<RetryGroup>,
    /// Re-archives per device and scope.
    pub rearchives: Vec<RearchiveAction>,
    /// Give-ups per owner.
    pub give_ups: Vec<GiveUpGroup>,
    /// Units that count as success (already applied).
    pub successes: usize,
}

#[derive(Clone, Debug)]
struct Entry {
    unit: PlannedUnit,
    decision: Decision,
}

#[derive(Clone, Debug, Default)]
struct WorkAccumulator {
    meters: BTreeMap<String, BTreeSet<String>>,
    entries: Vec<Entry>,
}

/// Accumulates classified failures and yields one [`TaskPlan`] per `workId`.
///
/// ```
/// use classify::{Failure, NoHistory, PlanConfig, PlanUnit, Planner, Rng, RuleSet, Source, Code};
/// let rules = RuleSet::builtin()?;
/// let mut planner = Planner::new(PlanConfig::default());
/// for meter in ["m1", "m2", "m3", "m4"] {
///     let failure = Failure::new(Source::Frontend, "EA001").with_device(meter, "t1");
///     let verdict = rules.classify(&failure, &NoHistory, 1_700_000_000, &mut Rng::new(1));
///     let unit = PlanUnit { work_id: "w1", terminal: "t1", device: meter, data_item: None,
///                           source: Source::Frontend, code: Code::Text("EA001"), result_code: None };
///     planner.add(&unit, &verdict);
/// }
/// planner.observe("w1", "t1", "m5"); // a meter of t1 that did not fail
/// let plans = planner.finish();
/// assert_eq!(plans[0].mass_failures.len(), 1); // 4 of 5 meters: one terminal-level re-archive
/// assert_eq!(plans[0].mass_failures[0].kind.as_str(), "comm-layer");
/// assert!(plans[0].rearchives.is_empty());
/// # Ok::<(), classify::RulesError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Planner {
    config: PlanConfig,
    works: BTreeMap<String, WorkAccumulator>,
}

impl Planner {
    /// An empty planner.
    pub fn new(config: PlanConfig) -> Self {
        Self {
            config,
            works: BTreeMap::new(),
        }
    }

    fn work(&mut self, work_id: &str) -> &mut WorkAccumulator {
        self.works.entry(work_id.to_owned()).or_default()
    }

    /// Records a meter of a task's terminal, failed or not (the denominator of mass failures).
    pub fn observe(&mut self, work_id: &str, terminal: &str, device: &str) {
        let work = self.work(work_id);
        let meters = work.meters.entry(terminal.to_owned()).or_default();
        if !meters.contains(device) {
            meters.insert(device.to_owned());
        }
    }

    /// Adds a classified failure (and observes its meter).
    pub fn add(&mut self, unit: &PlanUnit<'_>, verdict: &Verdict<'_>) {
        self.observe(unit.work_id, unit.terminal, unit.device);
        let entry = Entry {
            unit: PlannedUnit {
                device: unit.device.to_owned(),
                terminal: unit.terminal.to_owned(),
                data_item: unit.data_item.map(str::to_owned),
                source: unit.source,
                code: unit.code.to_string(),
                result_code: unit.result_code,
                rule: verdict.rule.to_string(),
                kind: verdict.kind,
                not_before: verdict.not_before,
            },
            decision: verdict.decision,
        };
        self.work(unit.work_id).entries.push(entry);
    }

    /// The plans, one per `workId`, sorted by `workId`.
    pub fn finish(self) -> Vec<TaskPlan> {
        let config = self.config;
        self.works
            .into_iter()
            .map(|(work_id, work)| plan_work(work_id, work, config))
            .collect()
    }
}

type WayKey = (String, Source, String, Option<u16>);

#[allow(
    clippy::cast_precision_loss,
    reason = "meter counts are far below 2^52"
)]
fn share(failing: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        failing as f64 / total as f64
    }
}

fn plan_work(work_id: String, work: WorkAccumulator, config: PlanConfig) -> TaskPlan {
    let mut by_decision = DecisionCounts::default();
    for entry in &work.entries {
        by_decision.add(entry.decision);
    }

    // Group failing units by terminal and way of failing.
    let mut ways: BTreeMap<WayKey, Vec<usize>> = BTreeMap::new();
    for (position, entry) in work.entries.iter().enumerate() {
        if entry.decision == Decision::Success {
            continue;
        }
        let unit = &entry.unit;
        ways.entry((
            unit.terminal.clone(),
            unit.source,
            unit.code.clone(),
            unit.result_code,
        ))
        .or_default()
        .push(position);
    }
    let mut folded = vec![false; work.entries.len()];
    let mut mass_failures = Vec::new();
    for ((terminal, source, code, result_code), positions) in &ways {
        let devices: BTreeSet<&str> = positions
            .iter()
            .filter_map(|&position| work.entries.get(position))
            .map(|entry| entry.unit.device.as_str())
            .collect();
        let total = work
            .meters
            .get(terminal)
            .map_or(0, BTreeSet::len)
            .max(devices.len());
        let ratio = share(devices.len(), total);
        if devices.len() < config.mass_min_meters || ratio < config.mass_share {
            continue;
        }
        let entries: Vec<&Entry> = positions
            .iter()
            .filter_map(|&position| work.entries.get(position))
            .collect();
        let Some(top) = entries
            .iter()
            .max_by_key(|entry| entry.decision.rank())
            .copied()
        else {
            continue;
        };
        let earliest_at = entries
            .iter()
            .filter(|entry| entry.decision == top.decision)
            .map(|entry| entry.unit.not_before)
            .min()
            .unwrap_or(top.unit.not_before);
        for &position in positions {
            if let Some(flag) = folded.get_mut(position) {
                *flag = true;
            }
        }
        mass_failures.push(MassFailure {
            terminal: terminal.clone(),
            source: *source,
            code: code.clone(),
            result_code: *result_code,
            meters_failing: devices.len(),
            meters_total: total,
            share: ratio,
            decision: top.decision,
            kind: top.unit.kind,
            rule: top.unit.rule.clone(),
            earliest_at,
            units: positions.len(),
            devices: devices.into_iter().map(str::to_owned).collect(),
        });
    }

    let mut retries: BTreeMap<String, RetryGroup> = BTreeMap::new();
    let mut rearchives: BTreeMap<(String, Scope), RearchiveAction> = BTreeMap::new();
    let mut give_ups: BTreeMap<Owner, GiveUpGroup> = BTreeMap::new();
    let mut successes = 0_usize;
    for (entry, folded) in work.entries.into_iter().zip(folded) {
        if folded {
            continue;
        }
        let unit = entry.unit;
        match (entry.decision, unit.kind) {
            (Decision::Success, _) => successes = successes.saturating_add(1),
            (Decision::ReArchive, Kind::ReArchive(scope)) => {
                let failure = format!("{}:{}", unit.source, unit.code);
                let action = rearchives
                    .entry((unit.device.clone(), scope))
                    .or_insert_with(|| RearchiveAction {
                        device: unit.device.clone(),
                        terminal: unit.terminal.clone(),
                        scope,
                        resend_at: unit.not_before,
                        failures: Vec::new(),
                        units: 0,
                    });
                action.resend_at = action.resend_at.min(unit.not_before);
                action.units = action.units.saturating_add(1);
                if !action.failures.contains(&failure) {
                    action.failures.push(failure);
                }
            }
            (Decision::GiveUp, Kind::GiveUp(owner)) => {
                give_ups
                    .entry(owner)
                    .or_insert_with(|| GiveUpGroup {
                        owner,
                        units: Vec::new(),
                    })
                    .units
                    .push(unit);
            }
            _ => {
                let group = retries
                    .entry(unit.terminal.clone())
                    .or_insert_with(|| RetryGroup {
                        terminal: unit.terminal.clone(),
                        earliest_at: unit.not_before,
                        latest_at: unit.not_before,
                        units: Vec::new(),
                    });
                group.earliest_at = group.earliest_at.min(unit.not_before);
                group.latest_at = group.latest_at.max(unit.not_before);
                group.units.push(unit);
            }
        }
    }

    TaskPlan {
        work_id,
        units: by_decision.total(),
        meters: work.meters.values().map(BTreeSet::len).sum(),
        by_decision,
        mass_failures,
        retries: retries.into_values().collect(),
        rearchives: rearchives.into_values().collect(),
        give_ups: give_ups.into_values().collect(),
        successes,
    }
}

impl TaskPlan {
    /// The number of units the plan accounts for; always equals [`TaskPlan::units`].
    pub fn accounted_units(&self) -> usize {
        let mass: usize = self.mass_failures.iter().map(|mass| mass.units).sum();
        let retries: usize = self.retries.iter().map(|group| group.units.len()).sum();
        let rearchives: usize = self.rearchives.iter().map(|action| action.units).sum();
        let give_ups: usize = self.give_ups.iter().map(|group| group.units.len()).sum();
        mass.saturating_add(retries)
            .saturating_add(rearchives)
            .saturating_add(give_ups)
            .saturating_add(self.successes)
    }
}
