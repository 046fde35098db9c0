//! Irritants: what users and agents find wrong, submitted to an incubator, voted on (one vote
//! per person), then linked to the product that answers it and closed with an answer.
//!
//! Rules: a title of 1 to 200 characters, a description of at most 4,000; the author's
//! submission counts as their vote (an irritant starts with one vote, and voting again is
//! harmless); an irritant is `open` until a manager closes it with an answer, which is
//! required; a closed irritant takes no more votes and cannot be closed again.

use std::fmt;

use crate::{Conflict, DomainError, DomainResult, text};

/// The most characters of a title.
pub const IRRITANT_TITLE_MAX: usize = 200;
/// The most characters of a description, and of a closing answer.
pub const IRRITANT_TEXT_MAX: usize = 4000;

str_enum! {
    /// Where an irritant stands.
    pub enum IrritantStatus in "status" {
        /// Submitted, taking votes.
        Open = "open" / "Ouvert",
        /// Closed by a manager, with an answer.
        Closed = "closed" / "Clos",
    }
}

/// A new irritant as submitted: a title (1..=200 characters, trimmed) and a description (at
/// most 4,000, trimmed, may be empty).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NewIrritant {
    title: String,
    description: String,
}

impl NewIrritant {
    /// Checks both fields and gathers every problem, each on its field (`title`,
    /// `description`).
    pub fn parse(title: &str, description: &str) -> Result<NewIrritant, Vec<DomainError>> {
        let (title, description) = (title.trim(), description.trim());
        let problems: Vec<DomainError> = [
            text::check_required("title", title, IRRITANT_TITLE_MAX),
            text::check_max_len("description", description, IRRITANT_TEXT_MAX),
        ]
        .into_iter()
        .filter_map(Result::err)
        .collect();
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(NewIrritant {
            title: title.to_owned(),
            description: description.to_owned(),
        })
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The description (empty when none was given).
    pub fn description(&self) -> &str {
        &self.description
    }
}

/// The answer a manager closes an irritant with: required, at most 4,000 characters, trimmed
/// (field `answer`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IrritantAnswer(String);

impl IrritantAnswer {
    /// Checks the answer.
    pub fn parse(text: &str) -> DomainResult<IrritantAnswer> {
        let text = text.trim();
        text::check_required("answer", text, IRRITANT_TEXT_MAX)?;
        Ok(IrritantAnswer(text.to_owned()))
    }
}

impl AsRef<str> for IrritantAnswer {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IrritantAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why an irritant refuses a change, typed: English for the API, French for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IrritantConflict {
    /// A vote given or withdrawn on a closed irritant.
    ClosedToVotes,
    /// Closing an irritant already closed.
    AlreadyClosed,
}

impl IrritantConflict {
    /// The conflict in French.
    pub fn french(self) -> &'static str {
        match self {
            IrritantConflict::ClosedToVotes => {
                "Cet irritant est clos : il ne reçoit plus de votes."
            }
            IrritantConflict::AlreadyClosed => "Cet irritant est déjà clos.",
        }
    }

    /// The conflict in the API's English.
    pub fn english(self) -> &'static str {
        match self {
            IrritantConflict::ClosedToVotes => "the irritant is closed; it takes no more votes",
            IrritantConflict::AlreadyClosed => "the irritant is already closed",
        }
    }
}

impl fmt::Display for IrritantConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.english())
    }
}

impl From<IrritantConflict> for DomainError {
    fn from(conflict: IrritantConflict) -> Self {
        DomainError::Conflict(Conflict::rule(conflict.english(), conflict.french()))
    }
}

impl IrritantStatus {
    /// Whether votes may be given or withdrawn (409 otherwise).
    pub fn check_votable(self) -> DomainResult<()> {
        match self {
            IrritantStatus::Open => Ok(()),
            IrritantStatus::Closed => Err(IrritantConflict::ClosedToVotes.into()),
        }
    }

    /// Whether the irritant may be closed (409 once closed).
    pub fn check_closable(self) -> DomainResult<()> {
        match self {
            IrritantStatus::Open => Ok(()),
            IrritantStatus::Closed => Err(IrritantConflict::AlreadyClosed.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Problem;

    fn fields(result: Result<NewIrritant, Vec<DomainError>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .iter()
            .filter_map(|e| e.field().map(str::to_owned))
            .collect()
    }

    #[test]
    fn a_title_is_required_and_both_fields_have_a_length() {
        let ok = NewIrritant::parse("  Trop de ressaisies  ", " ").expect("valid");
        assert_eq!(ok.title(), "Trop de ressaisies");
        assert_eq!(ok.description(), "");
        assert_eq!(fields(NewIrritant::parse(" ", "")), ["title"]);
        let long_title = "é".repeat(201);
        let long_text = "a".repeat(4001);
        assert_eq!(
            fields(NewIrritant::parse(&long_title, &long_text)),
            ["title", "description"]
        );
        assert!(NewIrritant::parse(&"é".repeat(200), &"a".repeat(4000)).is_ok());
        let e = NewIrritant::parse("", "").err().unwrap_or_default();
        assert_eq!(e[0].french(), Problem::Empty.french());
    }

    #[test]
    fn closing_needs_an_answer() {
        let e = IrritantAnswer::parse("  ").expect_err("blank");
        assert_eq!(e.field(), Some("answer"));
        assert_eq!(e.french(), "Ce champ est obligatoire.");
        assert_eq!(
            IrritantAnswer::parse(&"a".repeat(4001))
                .expect_err("long")
                .field(),
            Some("answer")
        );
        let answer = IrritantAnswer::parse(" Le produit Mon Produit y répond. ").expect("ok");
        assert_eq!(answer.as_ref(), "Le produit Mon Produit y répond.");
    }

    #[test]
    fn a_closed_irritant_takes_no_votes_and_closes_once() {
        assert!(IrritantStatus::Open.check_votable().is_ok());
        assert!(IrritantStatus::Open.check_closable().is_ok());
        let votes = IrritantStatus::Closed.check_votable().expect_err("closed");
        assert_eq!(votes.field(), None);
        assert_eq!(
            votes.to_string(),
            "the irritant is closed; it takes no more votes"
        );
        assert_eq!(
            votes.french(),
            "Cet irritant est clos : il ne reçoit plus de votes."
        );
        let again = IrritantStatus::Closed.check_closable().expect_err("closed");
        assert_eq!(again.french(), "Cet irritant est déjà clos.");
        assert_eq!(IrritantStatus::parse("closed"), Ok(IrritantStatus::Closed));
        assert_eq!(IrritantStatus::Closed.label_fr(), "Clos");
    }
}
