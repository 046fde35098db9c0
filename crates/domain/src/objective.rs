//! Objectives of a contract and whether they are on track.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Direction, DomainError, DomainResult, Period, Problem};

/// A value at a date.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// The value.
    pub value: f64,
    /// The date.
    pub on: NaiveDate,
}

/// Share of |target − baseline| an objective may fall short and still be "at risk" rather
/// than "off track"; default 0.1; Invalid (field "tolerance") outside [0, 1] or not finite.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Tolerance(f64);

impl Tolerance {
    /// Checks that `v` is a finite number between 0 and 1.
    pub fn new(v: f64) -> DomainResult<Self> {
        if !v.is_finite() {
            return Err(DomainError::invalid("tolerance", Problem::NotFinite));
        }
        if !(0.0..=1.0).contains(&v) {
            return Err(DomainError::rule(
                "tolerance",
                "must be between 0 and 1",
                "La tolérance doit être comprise entre 0 et 1.",
            ));
        }
        Ok(Tolerance(v))
    }

    /// The share, between 0 and 1.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance(0.1)
    }
}

impl TryFrom<f64> for Tolerance {
    type Error = DomainError;

    fn try_from(v: f64) -> Result<Self, Self::Error> {
        Tolerance::new(v)
    }
}

impl From<Tolerance> for f64 {
    fn from(t: Tolerance) -> f64 {
        t.0
    }
}

/// A contract objective on one indicator: from a baseline to a target by a deadline.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Objective {
    /// Where the indicator stood, and when.
    pub baseline: Point,
    /// Where it should be, and by when (`target.on` is the deadline).
    pub target: Point,
    /// How far short still counts as "at risk".
    pub tolerance: Tolerance,
}

str_enum! {
    /// Where an objective stands.
    pub enum ObjectiveStatus in "status" {
        /// At or beyond the expected value.
        OnTrack = "on_track" / "En bonne voie",
        /// Short of the expected value, within the tolerance.
        AtRisk = "at_risk" / "À risque",
        /// Short of the expected value beyond the tolerance. Not « En retard », which the
        /// pages keep for a team's missing numbers (« Saisie en retard »).
        OffTrack = "off_track" / "Hors trajectoire",
        /// No measure in the last two periods.
        NoData = "no_data" / "Pas de données",
        /// The target is met.
        Achieved = "achieved" / "Atteint",
    }
}

impl Objective {
    /// Checks that both values are finite (fields "baseline.value", "target.value") and the
    /// deadline is after the baseline date (field "target.by").
    pub fn new(baseline: Point, target: Point, tolerance: Tolerance) -> DomainResult<Objective> {
        if !baseline.value.is_finite() {
            return Err(DomainError::invalid("baseline.value", Problem::NotFinite));
        }
        if !target.value.is_finite() {
            return Err(DomainError::invalid("target.value", Problem::NotFinite));
        }
        if target.on <= baseline.on {
            return Err(DomainError::rule(
                "target.by",
                "must be after the baseline date",
                "L'échéance doit être après la date de référence.",
            ));
        }
        Ok(Objective {
            baseline,
            target,
            tolerance,
        })
    }

    /// Straight line from baseline to target; baseline value before baseline date, target
    /// value after the deadline.
    pub fn expected_at(&self, d: NaiveDate) -> f64 {
        let (b, t) = (self.baseline, self.target);
        if d <= b.on {
            return b.value;
        }
        if d >= t.on {
            return t.value;
        }
        let elapsed = (d - b.on).num_days() as f64;
        let span = (t.on - b.on).num_days() as f64;
        b.value + (t.value - b.value) * elapsed / span
    }

    /// `latest`: the latest measure (its period and value) known at `at`. Rules: None →
    /// NoData; the latest value meets the target in `direction` → Achieved; the latest
    /// period is older than the period before the last complete one (no measure in the last
    /// two periods) → NoData; at or beyond expected_at(at) → OnTrack; shortfall ≤ tolerance
    /// × |target − baseline| → AtRisk; else OffTrack. A non-finite value counts as no data.
    pub fn status(
        &self,
        direction: Direction,
        latest: Option<(Period, f64)>,
        at: NaiveDate,
    ) -> ObjectiveStatus {
        let Some((period, value)) = latest.filter(|(_, v)| v.is_finite()) else {
            return ObjectiveStatus::NoData;
        };
        if direction.is_better_or_equal(value, self.target.value) {
            return ObjectiveStatus::Achieved;
        }
        let oldest_fresh = Period::last_complete(period.periodicity(), at).prev();
        if period.start() < oldest_fresh.start() {
            return ObjectiveStatus::NoData;
        }
        let expected = self.expected_at(at);
        if direction.is_better_or_equal(value, expected) {
            return ObjectiveStatus::OnTrack;
        }
        let allowed = self.tolerance.get() * (self.target.value - self.baseline.value).abs();
        if direction.shortfall(value, expected) <= allowed {
            ObjectiveStatus::AtRisk
        } else {
            ObjectiveStatus::OffTrack
        }
    }
}
