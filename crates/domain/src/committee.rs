//! Committee cadence: a running product's next investment committee is due at most a number
//! of months (an incubator setting, six by default) after its last committee decision.

use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

use crate::{DomainError, DomainResult};

/// The default longest time between two committees of a product.
pub const DEFAULT_COMMITTEE_MONTHS: u32 = 6;

/// How far ahead committees are listed « à planifier ».
pub const COMMITTEE_HORIZON_DAYS: u64 = 30;

/// An incubator's longest time between two committees of a product: 1 to 24 months.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CommitteeCadence(u32);

impl CommitteeCadence {
    /// 1 to 24 months (field "committee_months").
    pub fn new(months: i64) -> DomainResult<Self> {
        match u32::try_from(months) {
            Ok(m @ 1..=24) => Ok(CommitteeCadence(m)),
            _ => Err(DomainError::rule(
                "committee_months",
                "must be between 1 and 24",
                "L'écart entre deux comités est de 1 à 24 mois.",
            )),
        }
    }

    /// The number of months.
    pub fn months(self) -> u32 {
        self.0
    }

    /// The day the next committee is due after one on `last` (the same day `months` later,
    /// or the month's last day when it has none).
    pub fn due_after(self, last: NaiveDate) -> NaiveDate {
        last.checked_add_months(Months::new(self.0))
            .unwrap_or(NaiveDate::MAX)
    }
}

impl Default for CommitteeCadence {
    fn default() -> Self {
        CommitteeCadence(DEFAULT_COMMITTEE_MONTHS)
    }
}

/// Where a product's next committee stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitteeState {
    /// Due within [`COMMITTEE_HORIZON_DAYS`]: to schedule.
    ToSchedule,
    /// Due before today: overdue.
    Overdue,
}

impl CommitteeState {
    /// `Overdue` once `due_on` is past, `ToSchedule` within the horizon, else `None`.
    pub fn on(due_on: NaiveDate, today: NaiveDate) -> Option<Self> {
        let horizon = today
            .checked_add_days(Days::new(COMMITTEE_HORIZON_DAYS))
            .unwrap_or(NaiveDate::MAX);
        if due_on < today {
            Some(CommitteeState::Overdue)
        } else if due_on <= horizon {
            Some(CommitteeState::ToSchedule)
        } else {
            None
        }
    }

    /// The French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            CommitteeState::ToSchedule => "à planifier",
            CommitteeState::Overdue => "en retard",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn the_next_committee_is_due_months_after_the_last() {
        let six = CommitteeCadence::default();
        assert_eq!(six.months(), 6);
        assert_eq!(six.due_after(day("2026-01-15")), day("2026-07-15"));
        // No 31 June: the month's last day.
        assert_eq!(six.due_after(day("2025-12-31")), day("2026-06-30"));
        assert_eq!(CommitteeCadence::new(3).map(|c| c.months()), Ok(3));
        for bad in [0, 25, -1] {
            let e = CommitteeCadence::new(bad).expect_err("out of range");
            assert_eq!(e.field(), Some("committee_months"));
        }
    }

    #[test]
    fn states_around_today() {
        let today = day("2026-12-04");
        assert_eq!(
            CommitteeState::on(day("2026-12-03"), today),
            Some(CommitteeState::Overdue)
        );
        assert_eq!(
            CommitteeState::on(today, today),
            Some(CommitteeState::ToSchedule)
        );
        assert_eq!(
            CommitteeState::on(day("2027-01-03"), today),
            Some(CommitteeState::ToSchedule)
        );
        assert_eq!(CommitteeState::on(day("2027-01-04"), today), None);
    }
}
