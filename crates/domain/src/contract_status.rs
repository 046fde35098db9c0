//! The whole status of a contract at a date: every objective against its straight line, the
//! budget and schedule drifts, the commitments and when the next review is due. A review
//! freezes exactly this (see [`crate::ReviewSnapshot`]).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{
    Commitment, Contract, Direction, Forecast, Objective, ObjectiveStatus, Period, Periodicity,
    PhaseHistory, Point, ScheduleDrift, Slug, Spend, budget_drift, forecast, forecast_points,
    schedule_drift,
};

/// An objective with what its status needs from its indicator and measures.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectiveInput {
    /// The stored objective's id, passed through to the status.
    pub id: i64,
    /// The indicator's key.
    pub indicator: Slug,
    /// The indicator's label.
    pub label: String,
    /// The indicator's unit.
    pub unit: String,
    /// Which way the indicator is better.
    pub direction: Direction,
    /// Baseline, target and tolerance.
    pub objective: Objective,
    /// The latest measure whose period starts on or before the status date.
    pub latest: Option<(Period, f64)>,
    /// The indicator's values up to the status date, at least the
    /// [`crate::FORECAST_WINDOW`] periods ending with the latest one: the forecast's input.
    pub recent: Vec<(Period, f64)>,
}

/// Everything a contract's status is computed from.
#[derive(Clone, Copy, Debug)]
pub struct StatusInputs<'a> {
    /// The contract.
    pub contract: &'a Contract,
    /// Its objectives, with their latest measures at the status date.
    pub objectives: &'a [ObjectiveInput],
    /// The product's monthly spend (any months; the computation picks what counts).
    pub spend: &'a [Spend],
    /// The product's phase history.
    pub history: &'a PhaseHistory,
    /// The contract's commitments, shown as they are.
    pub commitments: &'a [Commitment],
    /// The date of the last signed review on or before the status date, if any.
    pub last_review: Option<NaiveDate>,
}

/// The latest value of an objective's indicator.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatestValue {
    /// The start of its period (a Monday or a 1st).
    pub period: NaiveDate,
    /// The value.
    pub value: f64,
    /// The indicator's periodicity. Absent from snapshots frozen before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub periodicity: Option<Periodicity>,
}

impl LatestValue {
    /// Its period as people name it (« semaine du 23 novembre 2026 », « novembre 2026 »);
    /// the start date when an old snapshot does not say the periodicity.
    pub fn period_label(&self) -> String {
        match self
            .periodicity
            .and_then(|p| Period::from_start(p, self.period).ok())
        {
            Some(period) => crate::french::period(period),
            None => crate::french::date(self.period),
        }
    }
}

/// One objective at the status date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveLine {
    /// The stored objective's id.
    pub id: i64,
    /// The indicator's key.
    pub indicator: String,
    /// The indicator's label.
    pub label: String,
    /// The indicator's unit.
    pub unit: String,
    /// Which way the indicator is better.
    pub direction: Direction,
    /// Where it started.
    pub baseline: Point,
    /// Where it should be, and by when.
    pub target: Point,
    /// Share of |target − baseline| still counted "at risk".
    pub tolerance: f64,
    /// The straight line from baseline to target, at the status date.
    pub expected: f64,
    /// The latest measure on or before the status date.
    pub latest: Option<LatestValue>,
    /// Where the objective stands.
    pub status: ObjectiveStatus,
    /// Where its indicator's trend leads by the deadline. Absent from snapshots frozen before
    /// forecasts existed: read as an empty forecast.
    #[serde(default)]
    pub forecast: Forecast,
}

/// Planned against spent, in whole euros.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BudgetStatus {
    /// Every year's budget added up.
    pub planned_total: i64,
    /// The budget pro rata of elapsed time (rounded to the euro).
    pub planned_to_date: i64,
    /// Spend of the contract's months up to the status date.
    pub spent_to_date: i64,
    /// (spent − planned) / planned; `None` while nothing is planned yet.
    pub drift: Option<f64>,
}

/// A contract's whole status at one date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContractStatus {
    /// The status date.
    pub at: NaiveDate,
    /// Every objective, in the order given.
    pub objectives: Vec<ObjectiveLine>,
    /// Budget drift (`budget_drift` in JSON, as the HTTP contract names it).
    #[serde(rename = "budget_drift")]
    pub budget: BudgetStatus,
    /// Schedule drift per milestone, in phase order (`schedule_drift` in JSON).
    #[serde(rename = "schedule_drift")]
    pub schedule: Vec<ScheduleDrift>,
    /// The doctrine commitments.
    pub commitments: Vec<Commitment>,
    /// The last signed review on or before the status date.
    pub last_review: Option<NaiveDate>,
    /// When the next review is due.
    pub next_review: NaiveDate,
    /// Whether the next review's date has passed.
    pub review_overdue: bool,
}

impl ContractStatus {
    /// The product's schedule drift, as a share: that of the latest milestone (in phase order)
    /// that is reached or due by the status date. `None` while no milestone is due.
    pub fn schedule_share(&self) -> Option<f64> {
        self.schedule
            .iter()
            .rev()
            .find(|d| d.reached_on.is_some() || d.planned_on <= self.at)
            .map(|d| d.share)
    }
}

/// Computes the status at `at`. Rules (see `docs/contract.md`):
/// - each objective: expected value on the straight line, status by [`Objective::status`],
///   forecast by [`forecast`] from the Theil–Sen trend of its recent values;
/// - budget: spend of the months from the contract's start month to its end month and no
///   later than `at`, against [`Contract::planned_to_date`] ([`budget_drift`]);
/// - schedule: [`schedule_drift`] per milestone with `at` as "today"; a phase entered after
///   `at` counts as not reached yet, so that a status taken in the past stays what it was;
/// - next review from the last signed review ([`Contract::next_review`]), overdue if before `at`.
pub fn contract_status(inputs: &StatusInputs<'_>, at: NaiveDate) -> ContractStatus {
    let contract = inputs.contract;
    let objectives = inputs
        .objectives
        .iter()
        .map(|o| objective_line(o, at))
        .collect();
    let first_month = contract.starts_on.with_day(1).unwrap_or(contract.starts_on);
    let spend: Vec<Spend> = inputs
        .spend
        .iter()
        .filter(|s| s.month >= first_month && s.month <= contract.ends_on && s.month <= at)
        .copied()
        .collect();
    let budget = BudgetStatus {
        planned_total: contract.total_budget(),
        planned_to_date: contract.planned_to_date(at).round() as i64,
        spent_to_date: spend
            .iter()
            .fold(0_i64, |sum, s| sum.saturating_add(s.amount)),
        drift: budget_drift(contract, &spend, at),
    };
    let mut milestones = contract.milestones.clone();
    milestones.sort_by_key(|m| m.phase);
    let schedule = milestones
        .iter()
        .map(|m| {
            let drift = schedule_drift(contract, m, inputs.history, at);
            match drift.reached_on {
                Some(reached) if reached > at => not_reached_yet(contract, drift, at),
                _ => drift,
            }
        })
        .collect();
    let last_review = inputs.last_review.filter(|d| *d <= at);
    ContractStatus {
        at,
        objectives,
        budget,
        schedule,
        commitments: inputs.commitments.to_vec(),
        last_review,
        next_review: contract.next_review(last_review),
        review_overdue: contract.review_overdue(last_review, at),
    }
}

fn objective_line(input: &ObjectiveInput, at: NaiveDate) -> ObjectiveLine {
    let o = &input.objective;
    ObjectiveLine {
        id: input.id,
        indicator: input.indicator.to_string(),
        label: input.label.clone(),
        unit: input.unit.clone(),
        direction: input.direction,
        baseline: o.baseline,
        target: o.target,
        tolerance: o.tolerance.get(),
        expected: o.expected_at(at),
        latest: input.latest.map(|(period, value)| LatestValue {
            period: period.start(),
            value,
            periodicity: Some(period.periodicity()),
        }),
        status: o.status(input.direction, input.latest, at),
        forecast: forecast(o, input.direction, &forecast_points(&input.recent, at)),
    }
}

/// The drift of a milestone seen from `at`, before the phase was entered: late by the days
/// since the plan, never early.
fn not_reached_yet(contract: &Contract, drift: ScheduleDrift, at: NaiveDate) -> ScheduleDrift {
    let days = (at - drift.planned_on).num_days().max(0);
    let span = (drift.planned_on - contract.starts_on).num_days();
    ScheduleDrift {
        reached_on: None,
        days,
        share: if span == 0 {
            0.0
        } else {
            days as f64 / span as f64
        },
        ..drift
    }
}

#[cfg(test)]
#[path = "contract_status_tests.rs"]
mod tests;
