//! Expected phase durations and overdue products.

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{DomainError, DomainResult, Phase, PhaseHistory};

/// Expected maximum duration per phase, set by each incubator (months). Perennisation has no
/// maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhaseDurations {
    /// Maximum months in investigation (default 6).
    pub investigation_months: u32,
    /// Maximum months in construction (default 24).
    pub construction_months: u32,
    /// Maximum months in acceleration (default 24).
    pub acceleration_months: u32,
}

impl Default for PhaseDurations {
    fn default() -> Self {
        PhaseDurations {
            investigation_months: 6,
            construction_months: 24,
            acceleration_months: 24,
        }
    }
}

impl PhaseDurations {
    /// The longest a product is expected to stay in `phase`; `None` for perennisation.
    pub fn max_months(&self, phase: Phase) -> Option<u32> {
        match phase {
            Phase::Investigation => Some(self.investigation_months),
            Phase::Construction => Some(self.construction_months),
            Phase::Acceleration => Some(self.acceleration_months),
            Phase::Perennisation => None,
        }
    }

    /// Each maximum must be between 1 and 120 months (fields "investigation_months",
    /// "construction_months", "acceleration_months").
    pub fn validate(&self) -> DomainResult<()> {
        let fields = [
            ("investigation_months", self.investigation_months),
            ("construction_months", self.construction_months),
            ("acceleration_months", self.acceleration_months),
        ];
        for (field, months) in fields {
            if !(1..=120).contains(&months) {
                return Err(DomainError::rule(
                    field,
                    "must be between 1 and 120 months",
                    "La durée doit être comprise entre 1 et 120 mois.",
                ));
            }
        }
        Ok(())
    }

    /// The last day a phase begun on `started_on` is within its maximum: `started_on` plus
    /// the maximum in calendar months (chrono arithmetic: a start on 31 August with 6 months
    /// gives 28 or 29 February). `None` for perennisation or beyond the calendar.
    pub fn deadline(&self, phase: Phase, started_on: NaiveDate) -> Option<NaiveDate> {
        let months = self.max_months(phase)?;
        started_on.checked_add_months(Months::new(months))
    }
}

impl PhaseHistory {
    /// The first day the current phase is overdue, if that day is on or before `today`.
    ///
    /// The deadline is `started_on` + the phase's maximum months (see
    /// [`PhaseDurations::deadline`]); the deadline itself is still on time, so the phase
    /// becomes overdue the day after it: a phase begun on 15 January 2025 with 6 months is
    /// on time through 15 July 2025 and overdue since 16 July 2025. `None` when stopped or in
    /// perennisation.
    pub fn overdue_since(&self, limits: &PhaseDurations, today: NaiveDate) -> Option<NaiveDate> {
        let current = self.current()?;
        let deadline = limits.deadline(current.phase, current.started_on)?;
        let since = deadline.checked_add_days(Days::new(1))?;
        (since <= today).then_some(since)
    }

    /// Whether the current phase has gone past its maximum by `today`, i.e. `today` is after
    /// `started_on` + maximum months.
    pub fn is_overdue(&self, limits: &PhaseDurations, today: NaiveDate) -> bool {
        self.overdue_since(limits, today).is_some()
    }
}
