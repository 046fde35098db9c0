//! Contract reviews.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    Conflict, ContractStatus, DecisionKind, DomainError, DomainResult, Rationale,
    text::{check_max_len, check_required},
};

str_enum! {
    /// The overall verdict of a review.
    pub enum Verdict in "verdict" {
        /// All good.
        Green = "green" / "Vert",
        /// Needs attention.
        Amber = "amber" / "Orange",
        /// In trouble.
        Red = "red" / "Rouge",
    }
}

/// The most reviewers a review names.
pub const MAX_REVIEWERS: usize = 50;

/// What a review decided: a committee decision dated on the review day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewDecision {
    /// The kind, as for committee decisions.
    pub kind: DecisionKind,
    /// Why.
    pub rationale: Rationale,
}

/// A review about to be recorded (or its new content, while unsigned).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewReview {
    /// The day of the review; the snapshot is taken at that date.
    pub reviewed_on: NaiveDate,
    /// Who took part.
    pub reviewers: Vec<String>,
    /// The overall verdict.
    pub verdict: Verdict,
    /// The decision taken.
    pub decision: ReviewDecision,
    /// Free notes (may be empty).
    pub notes: String,
}

impl NewReview {
    /// Checks: not dated after `today` ("reviewed_on"); 1 to 50 reviewers, each non-empty and
    /// at most 200 characters (`reviewers[2]`); notes at most 20 000 characters ("notes").
    pub fn validate(&self, today: NaiveDate) -> DomainResult<()> {
        crate::not_in_future("reviewed_on", self.reviewed_on, today)?;
        if self.reviewers.is_empty() {
            return Err(DomainError::rule(
                "reviewers",
                "must name someone",
                "Nommez au moins une personne.",
            ));
        }
        if self.reviewers.len() > MAX_REVIEWERS {
            return Err(DomainError::rule(
                "reviewers",
                format!("must name at most {MAX_REVIEWERS} people"),
                format!("Nommez {MAX_REVIEWERS} personnes au plus."),
            ));
        }
        for (i, reviewer) in self.reviewers.iter().enumerate() {
            check_required(&format!("reviewers[{i}]"), reviewer, 200)?;
        }
        check_max_len("notes", &self.notes, 20_000)
    }
}

/// What a review freezes: the contract's whole status at the review date, with the verdict and
/// the decision. Serialised once when taken; later measures never change it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewSnapshot {
    /// The status at the review date.
    #[serde(flatten)]
    pub status: ContractStatus,
    /// The overall verdict.
    pub verdict: Verdict,
    /// The decision.
    pub decision: ReviewDecision,
}

impl ReviewSnapshot {
    /// Whether the snapshot holds the objective stored as `id`.
    pub fn holds_objective(&self, id: i64) -> bool {
        self.status.objectives.iter().any(|o| o.id == id)
    }
}

/// An objective a signed review froze stays in the contract: removing it would leave the
/// signed review about an objective the contract no longer has. `signed` is each signed
/// review's date and snapshot; the refusal names the first that holds the objective.
pub fn may_remove_objective<'a>(
    id: i64,
    signed: impl IntoIterator<Item = (NaiveDate, &'a ReviewSnapshot)>,
) -> DomainResult<()> {
    match signed.into_iter().find(|(_, s)| s.holds_objective(id)) {
        None => Ok(()),
        Some((on, _)) => Err(DomainError::Conflict(Conflict::rule(
            format!("the review signed for {on} froze this objective: it stays in the contract"),
            format!(
                "La revue du {} est signée avec cet objectif : il reste au contrat. \
                 Modifiez-le plutôt, ou ajoutez un autre objectif.",
                crate::french::date(on)
            ),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review() -> NewReview {
        NewReview {
            reviewed_on: NaiveDate::from_ymd_opt(2026, 3, 31).expect("date"),
            reviewers: vec!["Camille Martin".to_owned()],
            verdict: Verdict::Amber,
            decision: ReviewDecision {
                kind: DecisionKind::Continue,
                rationale: Rationale::parse("Usage en hausse").expect("rationale"),
            },
            notes: String::new(),
        }
    }

    #[test]
    fn reviews_name_the_field_at_fault() {
        let today = NaiveDate::from_ymd_opt(2026, 4, 1).expect("date");
        assert!(review().validate(today).is_ok());
        let field = |r: NewReview| {
            r.validate(today)
                .err()
                .and_then(|e| e.field().map(str::to_owned))
        };
        let mut r = review();
        r.reviewed_on = NaiveDate::from_ymd_opt(2026, 4, 2).expect("date");
        assert_eq!(field(r).as_deref(), Some("reviewed_on"));
        let mut r = review();
        r.reviewers.clear();
        assert_eq!(field(r).as_deref(), Some("reviewers"));
        let mut r = review();
        r.reviewers.push("  ".to_owned());
        assert_eq!(field(r).as_deref(), Some("reviewers[1]"));
    }
}
