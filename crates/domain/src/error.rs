//! The one error type of the domain.

use crate::{Conflict, Problem};

/// Why a domain rule refused a value or a request.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    /// A value is invalid; `field` names it (e.g. "slug", "decided_on", "target.value").
    #[error("{field}: {problem}")]
    Invalid {
        /// The name of the offending field, as the client sent it.
        field: String,
        /// What is wrong, typed: English for the API, French for people.
        problem: Problem,
    },
    /// The request is well-formed but conflicts with the current state (illegal phase
    /// transition, decision on a stopped product, decision before the current phase began, ...).
    #[error("{0}")]
    Conflict(Conflict),
}

impl DomainError {
    /// Builds an [`DomainError::Invalid`] for `field`.
    pub fn invalid(field: impl Into<String>, problem: Problem) -> Self {
        DomainError::Invalid {
            field: field.into(),
            problem,
        }
    }

    /// Builds an [`DomainError::Invalid`] for a rule with no type of its own, in its two
    /// wordings.
    pub fn rule(
        field: impl Into<String>,
        en: impl Into<std::borrow::Cow<'static, str>>,
        fr: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Self {
        DomainError::invalid(field, Problem::rule(en, fr))
    }

    /// The error in French, for a page or a terminal: the problem alone (pages show it next
    /// to its field).
    pub fn french(&self) -> String {
        match self {
            DomainError::Invalid { problem, .. } => problem.french(),
            DomainError::Conflict(conflict) => conflict.french(),
        }
    }

    /// The same problem named after another field (a route that knows the body's own path).
    pub fn with_field(self, field: impl Into<String>) -> Self {
        match self {
            DomainError::Invalid { problem, .. } => DomainError::Invalid {
                field: field.into(),
                problem,
            },
            conflict @ DomainError::Conflict(_) => conflict,
        }
    }

    /// The offending field of an `Invalid` error; `None` for a conflict.
    pub fn field(&self) -> Option<&str> {
        match self {
            DomainError::Invalid { field, .. } => Some(field),
            DomainError::Conflict(_) => None,
        }
    }
}

/// The result of a domain operation.
pub type DomainResult<T> = Result<T, DomainError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_names_its_field_and_displays_it() {
        let e = DomainError::invalid("slug", Problem::Empty);
        assert_eq!(e.field(), Some("slug"));
        assert_eq!(e.to_string(), "slug: must not be empty");
        assert_eq!(e.french(), "Ce champ est obligatoire.");
    }

    #[test]
    fn conflict_has_no_field() {
        let e = DomainError::Conflict(Conflict::Stopped);
        assert_eq!(e.field(), None);
        assert_eq!(
            e.to_string(),
            "the product is stopped; no further decision can be recorded"
        );
    }
}
