//! An application to a campaign, with the fields of beta.gouv.fr's call template.

use serde::{Deserialize, Serialize};

use crate::{
    DomainError, DomainResult, Email,
    text::{check_max_len, check_required},
};

/// The most characters of the problem (about ten lines).
pub const PROBLEM_MAX_CHARS: usize = 1200;
/// The most lines of the problem.
pub const PROBLEM_MAX_LINES: usize = 10;
/// The most characters of the other long answers.
pub const ANSWER_MAX_CHARS: usize = 1000;

/// Who would carry the product (« intrapreneur »).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intrapreneur {
    /// Full name (1 to 200 characters).
    pub name: String,
    /// Where the confirmation goes.
    pub email: Email,
    /// The share of their time they could give, 1 to 100.
    pub availability_percent: u8,
}

/// What the applicant agrees to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consents {
    /// That the answers are processed to run the call (required: no application without it).
    pub processing: bool,
    /// That the incubator may contact them about later calls (optional).
    pub contact: bool,
}

/// An application as submitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// The project's name (1 to 200 characters).
    pub title: String,
    /// The problem, quantified: at most [`PROBLEM_MAX_LINES`] lines and
    /// [`PROBLEM_MAX_CHARS`] characters.
    pub problem: String,
    /// Who suffers from it (required).
    pub who_suffers: String,
    /// How they cope today (may be blank).
    pub current_workaround: String,
    /// Who would use it first (may be blank).
    pub first_users: String,
    /// Who would carry it.
    pub intrapreneur: Intrapreneur,
    /// The sponsoring administration or manager (1 to 200 characters).
    pub sponsor: String,
    /// What the applicant agrees to.
    pub consents: Consents,
}

impl Application {
    /// Checks every field, the first problem found: "title", "problem" (lines and length),
    /// "who_suffers", "current_workaround", "first_users", "intrapreneur.name",
    /// "intrapreneur.availability_percent", "sponsor", "consents.processing" (must be true).
    pub fn validate(&self) -> DomainResult<()> {
        check_required("title", &self.title, 200)?;
        check_required("problem", &self.problem, PROBLEM_MAX_CHARS)?;
        if self.problem.trim().lines().count() > PROBLEM_MAX_LINES {
            return Err(DomainError::rule(
                "problem",
                format!("must be at most {PROBLEM_MAX_LINES} lines"),
                format!("Décrivez le problème en {PROBLEM_MAX_LINES} lignes au plus."),
            ));
        }
        check_required("who_suffers", &self.who_suffers, ANSWER_MAX_CHARS)?;
        check_max_len(
            "current_workaround",
            &self.current_workaround,
            ANSWER_MAX_CHARS,
        )?;
        check_max_len("first_users", &self.first_users, ANSWER_MAX_CHARS)?;
        check_required("intrapreneur.name", &self.intrapreneur.name, 200)?;
        if !(1..=100).contains(&self.intrapreneur.availability_percent) {
            return Err(DomainError::rule(
                "intrapreneur.availability_percent",
                "must be between 1 and 100",
                "La disponibilité doit être comprise entre 1 et 100 %.",
            ));
        }
        check_required("sponsor", &self.sponsor, 200)?;
        if !self.consents.processing {
            return Err(DomainError::rule(
                "consents.processing",
                "must be accepted",
                "Acceptez le traitement de vos réponses pour candidater.",
            ));
        }
        Ok(())
    }
}
