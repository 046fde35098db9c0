//! Committee decisions.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{DomainError, DomainResult, Phase, Problem};

/// The longest rationale accepted, in characters.
pub const RATIONALE_MAX_LEN: usize = 10_000;

str_enum! {
    /// What an investment committee decided.
    pub enum DecisionKind in "kind" {
        /// Move to the next phase (never skipping one).
        Advance = "advance" / "Passage à la phase suivante",
        /// Keep going in the current phase.
        Continue = "continue" / "Poursuite",
        /// Change course within the current phase.
        Pivot = "pivot" / "Pivot",
        /// End the product.
        Stop = "stop" / "Arrêt",
    }
}

impl DecisionKind {
    /// The decision as people read it, naming the phase an advance leads to (« Passage en
    /// construction »); `from` is the phase the product was in when the committee decided.
    /// Without it, or after the last phase, the generic label.
    pub fn label_from(self, from: Option<Phase>) -> String {
        match (self, from.and_then(Phase::next)) {
            (DecisionKind::Advance, Some(next)) => {
                format!("Passage en {}", next.label_fr().to_lowercase())
            }
            _ => self.label_fr().to_owned(),
        }
    }
}

/// Why a decision was taken: trimmed, non-empty, at most 10 000 characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rationale(String);

impl Rationale {
    /// Trims and checks `s` (field "rationale").
    pub fn parse(s: &str) -> DomainResult<Rationale> {
        let text = s.trim();
        if text.is_empty() {
            return Err(DomainError::invalid("rationale", Problem::Empty));
        }
        crate::text::check_max_len("rationale", text, RATIONALE_MAX_LEN)?;
        Ok(Rationale(text.to_owned()))
    }
}

impl AsRef<str> for Rationale {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Rationale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Rationale {
    type Error = DomainError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Rationale::parse(&s)
    }
}

impl From<Rationale> for String {
    fn from(r: Rationale) -> String {
        r.0
    }
}

/// A decision about to be recorded; who decided is known to the caller.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewDecision {
    /// What was decided.
    pub kind: DecisionKind,
    /// The day the committee decided.
    pub decided_on: NaiveDate,
    /// Why.
    pub rationale: Rationale,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let names: Vec<_> = DecisionKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, ["advance", "continue", "pivot", "stop"]);
        assert_eq!(
            DecisionKind::Advance.label_fr(),
            "Passage à la phase suivante"
        );
        assert_eq!(DecisionKind::Stop.label_fr(), "Arrêt");
        let advance = DecisionKind::Advance;
        assert_eq!(
            advance.label_from(Some(Phase::Investigation)),
            "Passage en construction"
        );
        assert_eq!(
            advance.label_from(Some(Phase::Acceleration)),
            "Passage en pérennisation"
        );
        assert_eq!(
            advance.label_from(Some(Phase::Perennisation)),
            "Passage à la phase suivante"
        );
        assert_eq!(advance.label_from(None), "Passage à la phase suivante");
        assert_eq!(
            DecisionKind::Pivot.label_from(Some(Phase::Construction)),
            "Pivot"
        );
        assert_eq!(DecisionKind::parse(" pivot "), Ok(DecisionKind::Pivot));
        let err = DecisionKind::parse("skip").map_err(|e| e.field().map(str::to_owned));
        assert_eq!(err, Err(Some("kind".to_owned())));
    }

    #[test]
    fn rationale_is_trimmed_and_bounded() {
        let r = Rationale::parse("  Usage en forte hausse.\n").expect("valid");
        assert_eq!(r.as_ref(), "Usage en forte hausse.");
        assert_eq!(r.to_string(), "Usage en forte hausse.");
        assert_eq!(
            Rationale::parse(" \n\t "),
            Err(DomainError::invalid("rationale", Problem::Empty))
        );
        assert!(Rationale::parse(&"é".repeat(RATIONALE_MAX_LEN)).is_ok());
        assert_eq!(
            Rationale::parse(&"é".repeat(RATIONALE_MAX_LEN + 1)),
            Err(DomainError::invalid(
                "rationale",
                Problem::TooLong { max: 10000 }
            ))
        );
    }
}
