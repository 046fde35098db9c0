//! The shapes of the contract routes: what they take and what they answer.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use pilote_domain::{
    Commitment, CommitmentArea, Contract, ContractStatus, Direction, DomainError, Forecast,
    Milestone, ObjectiveLine, ObjectiveStatus, Phase, Point, ScheduleDrift,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{error::ApiError, openapi};

/// A contract, as `PUT` takes it and `GET` answers it.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractBody {
    pub signed_on: NaiveDate,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Months between two reviews, 1 to 24.
    #[schema(example = 3)]
    pub review_cadence_months: u32,
    /// Planned euros per calendar year.
    #[schema(example = json!({"2025": 600000, "2026": 800000}))]
    pub budget_per_year: BTreeMap<String, i64>,
    pub milestones: Vec<MilestoneBody>,
}

/// When the product is planned to enter a phase.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneBody {
    #[schema(value_type = openapi::Phase)]
    pub phase: Phase,
    pub planned_on: NaiveDate,
}

impl ContractBody {
    /// The domain's contract; a budget key that is no year is invalid (`budget_per_year.x`).
    pub fn into_domain(self) -> Result<Contract, ApiError> {
        let mut budget_per_year = BTreeMap::new();
        for (year, amount) in self.budget_per_year {
            let parsed: i32 = year.trim().parse().map_err(|_| {
                DomainError::rule(
                    format!("budget_per_year.{year}"),
                    "must be a year",
                    "Saisissez une année, par exemple 2027.",
                )
            })?;
            budget_per_year.insert(parsed, amount);
        }
        let milestones = self
            .milestones
            .into_iter()
            .map(|m| Milestone {
                phase: m.phase,
                planned_on: m.planned_on,
            })
            .collect();
        Ok(Contract {
            signed_on: self.signed_on,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            review_cadence_months: self.review_cadence_months,
            budget_per_year,
            milestones,
        })
    }
}

impl From<Contract> for ContractBody {
    fn from(c: Contract) -> Self {
        ContractBody {
            signed_on: c.signed_on,
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            review_cadence_months: c.review_cadence_months,
            budget_per_year: c
                .budget_per_year
                .into_iter()
                .map(|(y, a)| (y.to_string(), a))
                .collect(),
            milestones: c
                .milestones
                .into_iter()
                .map(|m| MilestoneBody {
                    phase: m.phase,
                    planned_on: m.planned_on,
                })
                .collect(),
        }
    }
}

/// A doctrine commitment, as `POST` takes it and lists show it (with its `id`).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentBody {
    /// Absent in bodies; the stored id in answers.
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[schema(value_type = openapi::CommitmentArea)]
    pub area: CommitmentArea,
    #[schema(example = "RGAA 100 %")]
    pub expected: String,
    #[schema(example = "RGAA 74 %")]
    pub current: String,
    pub evidence_url: Option<String>,
}

impl CommitmentBody {
    /// The domain's commitment, trimmed.
    pub fn into_domain(self) -> Commitment {
        Commitment {
            area: self.area,
            expected: self.expected.trim().to_owned(),
            current: self.current.trim().to_owned(),
            evidence_url: self.evidence_url.map(|u| u.trim().to_owned()),
        }
    }

    /// The answer for a stored commitment.
    pub fn from_domain(id: Option<i64>, c: Commitment) -> Self {
        CommitmentBody {
            id,
            area: c.area,
            expected: c.expected,
            current: c.current,
            evidence_url: c.evidence_url,
        }
    }
}

/// A stored commitment, as lists and answers show it: [`CommitmentBody`] with its `id` (a
/// schema of its own, since the body's refuses unknown fields and must not take an `id`).
#[derive(Debug, Serialize, ToSchema)]
pub struct CommitmentItem {
    pub id: i64,
    #[schema(value_type = openapi::CommitmentArea)]
    pub area: CommitmentArea,
    #[schema(example = "RGAA 100 %")]
    pub expected: String,
    #[schema(example = "RGAA 74 %")]
    pub current: String,
    pub evidence_url: Option<String>,
}

impl CommitmentItem {
    /// The answer for a stored commitment.
    pub fn new(id: i64, c: Commitment) -> Self {
        CommitmentItem {
            id,
            area: c.area,
            expected: c.expected,
            current: c.current,
            evidence_url: c.evidence_url,
        }
    }
}

/// A value at a date.
#[derive(Debug, Serialize, ToSchema)]
pub struct PointItem {
    pub value: f64,
    pub on: NaiveDate,
}

impl From<Point> for PointItem {
    fn from(p: Point) -> Self {
        PointItem {
            value: p.value,
            on: p.on,
        }
    }
}

/// The latest value of an indicator.
#[derive(Debug, Serialize, ToSchema)]
pub struct LatestItem {
    /// The start of its period (a Monday or a 1st).
    pub period: NaiveDate,
    pub value: f64,
}

/// One objective at the status date.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectiveStatusItem {
    pub id: i64,
    pub indicator: String,
    pub label: String,
    pub unit: String,
    #[schema(value_type = openapi::Direction)]
    pub direction: Direction,
    pub baseline: PointItem,
    pub target: PointItem,
    pub tolerance: f64,
    /// The straight line from baseline to target at the status date.
    pub expected: f64,
    /// The latest value on or before the status date, and the start of its period.
    pub latest: Option<LatestItem>,
    #[schema(value_type = openapi::ObjectiveStatus)]
    pub status: ObjectiveStatus,
    /// Where the indicator's trend leads by the deadline.
    pub forecast: ForecastItem,
}

/// The Theil–Sen trend of the indicator's last 12 periods (up to its latest value), projected
/// to the deadline. Every figure is null with fewer than 4 values (`points`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ForecastItem {
    /// How many values the trend was drawn from (at most 12).
    pub points: usize,
    /// The trend's change per day.
    pub slope_per_day: Option<f64>,
    /// The trend's value at the deadline (`target.on`).
    pub value_at_deadline: Option<f64>,
    /// The day the trend reaches the target; null when it is flat or moves away from it.
    pub target_reached_on: Option<NaiveDate>,
    /// Whether the trend's value at the deadline meets the target, in the indicator's
    /// direction.
    pub will_meet_deadline: Option<bool>,
}

impl From<Forecast> for ForecastItem {
    fn from(f: Forecast) -> Self {
        ForecastItem {
            points: f.points,
            slope_per_day: f.slope_per_day,
            value_at_deadline: f.value_at_deadline,
            target_reached_on: f.target_reached_on,
            will_meet_deadline: f.will_meet_deadline,
        }
    }
}

impl From<ObjectiveLine> for ObjectiveStatusItem {
    fn from(o: ObjectiveLine) -> Self {
        ObjectiveStatusItem {
            id: o.id,
            indicator: o.indicator,
            label: o.label,
            unit: o.unit,
            direction: o.direction,
            baseline: o.baseline.into(),
            target: o.target.into(),
            tolerance: o.tolerance,
            expected: o.expected,
            latest: o.latest.map(|l| LatestItem {
                period: l.period,
                value: l.value,
            }),
            status: o.status,
            forecast: o.forecast.into(),
        }
    }
}

/// Planned against spent, in whole euros.
#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetDriftItem {
    pub planned_total: i64,
    pub planned_to_date: i64,
    pub spent_to_date: i64,
    /// (spent − planned) / planned: 0.25 is 25 % over; null while nothing is planned.
    pub drift: Option<f64>,
}

/// How far a milestone slipped.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleDriftItem {
    #[schema(value_type = openapi::Phase)]
    pub phase: Phase,
    pub planned_on: NaiveDate,
    pub reached_on: Option<NaiveDate>,
    /// Days late (negative when early).
    pub days: i64,
    /// `days` over the planned duration from the contract's start.
    pub share: f64,
}

impl From<ScheduleDrift> for ScheduleDriftItem {
    fn from(d: ScheduleDrift) -> Self {
        ScheduleDriftItem {
            phase: d.phase,
            planned_on: d.planned_on,
            reached_on: d.reached_on,
            days: d.days,
            share: d.share,
        }
    }
}

/// The contract's whole status at a date.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusItem {
    pub at: NaiveDate,
    pub objectives: Vec<ObjectiveStatusItem>,
    pub budget_drift: BudgetDriftItem,
    pub schedule_drift: Vec<ScheduleDriftItem>,
    pub commitments: Vec<CommitmentBody>,
    /// The last signed review on or before `at`.
    pub last_review: Option<NaiveDate>,
    pub next_review: NaiveDate,
    pub review_overdue: bool,
}

impl From<ContractStatus> for StatusItem {
    fn from(s: ContractStatus) -> Self {
        StatusItem {
            at: s.at,
            objectives: s.objectives.into_iter().map(Into::into).collect(),
            budget_drift: BudgetDriftItem {
                planned_total: s.budget.planned_total,
                planned_to_date: s.budget.planned_to_date,
                spent_to_date: s.budget.spent_to_date,
                drift: s.budget.drift,
            },
            schedule_drift: s.schedule.into_iter().map(Into::into).collect(),
            commitments: s
                .commitments
                .into_iter()
                .map(|c| CommitmentBody::from_domain(None, c))
                .collect(),
            last_review: s.last_review,
            next_review: s.next_review,
            review_overdue: s.review_overdue,
        }
    }
}
