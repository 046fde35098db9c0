//! The « contrat de réussite »: budget, milestones, reviews.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{DomainError, DomainResult, Phase, Problem};

/// When a product is planned to enter a phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Milestone {
    /// The phase.
    pub phase: Phase,
    /// The planned day of entry.
    pub planned_on: NaiveDate,
}

/// A commitment between a product (and its sponsor) and the funding body.
///
/// The contract runs from `starts_on` to `ends_on`, both days included.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    /// The day it was signed.
    pub signed_on: NaiveDate,
    /// The first day it covers.
    pub starts_on: NaiveDate,
    /// The last day it covers.
    pub ends_on: NaiveDate,
    /// Months between two reviews (3 for quarterly).
    pub review_cadence_months: u32,
    /// Planned budget in euros per calendar year.
    pub budget_per_year: BTreeMap<i32, i64>,
    /// Planned phase entries, at most one per phase.
    pub milestones: Vec<Milestone>,
}

impl Contract {
    /// Checks starts_on < ends_on (field "ends_on"); cadence between 1 and 24 months
    /// ("review_cadence_months"); budgets not negative and for years the contract covers
    /// ("budget_per_year.2027"); milestones within the contract (`milestones[1].planned_on`),
    /// one per phase (`milestones[1].phase`), and a later phase never planned before an
    /// earlier one (`milestones[1].planned_on`).
    pub fn validate(&self) -> DomainResult<()> {
        if self.starts_on >= self.ends_on {
            return Err(DomainError::rule(
                "ends_on",
                "must be after the start date",
                "La date de fin doit être après la date de début.",
            ));
        }
        if !(1..=24).contains(&self.review_cadence_months) {
            return Err(DomainError::rule(
                "review_cadence_months",
                "must be between 1 and 24",
                "La fréquence des revues doit être comprise entre 1 et 24 mois.",
            ));
        }
        let years = self.starts_on.year()..=self.ends_on.year();
        for (&year, &amount) in &self.budget_per_year {
            let field = format!("budget_per_year.{year}");
            if amount < 0 {
                return Err(DomainError::invalid(field, Problem::Negative));
            }
            if !years.contains(&year) {
                return Err(DomainError::rule(
                    field,
                    "is outside the contract period",
                    "Cette année est hors de la période du contrat.",
                ));
            }
        }
        for (i, m) in self.milestones.iter().enumerate() {
            if m.planned_on < self.starts_on || m.planned_on > self.ends_on {
                return Err(DomainError::rule(
                    format!("milestones[{i}].planned_on"),
                    "is outside the contract period",
                    "Cette date est hors de la période du contrat.",
                ));
            }
            for other in &self.milestones[..i] {
                if other.phase == m.phase {
                    return Err(DomainError::rule(
                        format!("milestones[{i}].phase"),
                        "already has a milestone",
                        "Cette phase a déjà un jalon.",
                    ));
                }
                let out_of_order = (other.phase < m.phase && other.planned_on > m.planned_on)
                    || (other.phase > m.phase && other.planned_on < m.planned_on);
                if out_of_order {
                    return Err(DomainError::rule(
                        format!("milestones[{i}].planned_on"),
                        format!("is out of order with the {} milestone", other.phase),
                        format!(
                            "Ce jalon est dans le désordre par rapport à celui de la phase {}.",
                            other.phase.label_fr()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Planned budget to date: each year's budget spread evenly over the contract's days in
    /// that year, summed over elapsed days up to and including `at` (clamped to the
    /// contract period). 0 before the start; the total budget from the last day on.
    pub fn planned_to_date(&self, at: NaiveDate) -> f64 {
        if at < self.starts_on {
            return 0.0;
        }
        let until = at.min(self.ends_on);
        let mut planned = 0.0;
        for (&year, &amount) in &self.budget_per_year {
            let (Some(jan1), Some(dec31)) = (
                NaiveDate::from_ymd_opt(year, 1, 1),
                NaiveDate::from_ymd_opt(year, 12, 31),
            ) else {
                continue;
            };
            let first = jan1.max(self.starts_on);
            let covered = days_between(first, dec31.min(self.ends_on));
            let elapsed = days_between(first, dec31.min(until));
            if covered > 0 {
                planned += amount as f64 * elapsed as f64 / covered as f64;
            }
        }
        planned
    }

    /// The sum of every year's budget, in euros.
    pub fn total_budget(&self) -> i64 {
        self.budget_per_year
            .values()
            .fold(0_i64, |sum, &amount| sum.saturating_add(amount))
    }

    /// Next review date: starts_on + k × cadence months (k ≥ 1), the first strictly after
    /// the last review, or the first after starts_on if none. Month arithmetic is chrono's
    /// and always counted from `starts_on` (a start on 31 January with a quarterly cadence
    /// gives 30 April, 31 July, ...). Saturates at the end of the calendar.
    pub fn next_review(&self, last_review: Option<NaiveDate>) -> NaiveDate {
        let cadence = self.review_cadence_months.max(1);
        let review = |k: u32| {
            k.checked_mul(cadence)
                .and_then(|months| self.starts_on.checked_add_months(Months::new(months)))
        };
        let Some(last) = last_review else {
            return review(1).unwrap_or(NaiveDate::MAX);
        };
        // Start a little before the answer, then step forward.
        let months = i64::from(last.year() - self.starts_on.year()) * 12 + i64::from(last.month())
            - i64::from(self.starts_on.month());
        let mut k = u32::try_from(months / i64::from(cadence))
            .unwrap_or(0)
            .max(1);
        loop {
            match review(k) {
                Some(date) if date > last => return date,
                Some(_) => k += 1,
                None => return NaiveDate::MAX,
            }
        }
    }

    /// Whether a review is overdue on `at`: the next one is dated before `at`.
    pub fn review_overdue(&self, last_review: Option<NaiveDate>, at: NaiveDate) -> bool {
        self.next_review(last_review) < at
    }
}

/// Days from `from` to `to`, both included; 0 when `to` is before `from`.
fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    ((to - from).num_days() + 1).max(0)
}

/// Money spent in one month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Spend {
    /// The 1st of the month.
    pub month: NaiveDate,
    /// Euros.
    pub amount: i64,
}

/// (spent to date − planned to date) / planned to date; spent = spend of months starting on
/// or before `at`. None when nothing is planned yet. 0.25 means 25 % over plan.
pub fn budget_drift(contract: &Contract, spend: &[Spend], at: NaiveDate) -> Option<f64> {
    let planned = contract.planned_to_date(at);
    if planned <= 0.0 {
        return None;
    }
    let spent: f64 = spend
        .iter()
        .filter(|s| s.month <= at)
        .map(|s| s.amount as f64)
        .sum();
    Some((spent - planned) / planned)
}
