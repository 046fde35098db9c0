//! How late a product reaches its planned phases.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Contract, Milestone, Phase, PhaseHistory};

/// How far a milestone slipped.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScheduleDrift {
    /// The milestone's phase.
    pub phase: Phase,
    /// When it was planned.
    pub planned_on: NaiveDate,
    /// When the product entered the phase, if it has.
    pub reached_on: Option<NaiveDate>,
    /// Days late (negative when early).
    pub days: i64,
    /// `days` as a share of the planned duration from the contract start.
    pub share: f64,
}

/// days = (reached_on or, if not reached, `today`) − planned_on; when not reached and today
/// is before the plan, 0 (not late yet); negative when reached early. share = days /
/// (planned_on − contract start) in days (0 when that is 0).
///
/// A history that begins in a later phase than the milestone's counts the milestone as
/// reached on the history's first day.
pub fn schedule_drift(
    contract: &Contract,
    milestone: &Milestone,
    history: &PhaseHistory,
    today: NaiveDate,
) -> ScheduleDrift {
    let planned_on = milestone.planned_on;
    let reached_on = history.entered_on(milestone.phase).or_else(|| {
        history
            .records()
            .first()
            .filter(|first| first.phase > milestone.phase)
            .map(|first| first.started_on)
    });
    let days = match reached_on {
        Some(reached) => (reached - planned_on).num_days(),
        None => (today - planned_on).num_days().max(0),
    };
    let planned_span = (planned_on - contract.starts_on).num_days();
    let share = if planned_span == 0 {
        0.0
    } else {
        days as f64 / planned_span as f64
    };
    ScheduleDrift {
        phase: milestone.phase,
        planned_on,
        reached_on,
        days,
        share,
    }
}
