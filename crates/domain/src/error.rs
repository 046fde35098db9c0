//! The one error type of the domain.

/// Why a domain rule refused a value or a request.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    /// A value is invalid; `field` names it (e.g. "slug", "decided_on", "target.value").
    #[error("{field}: {problem}")]
    Invalid {
        /// The name of the offending field, as the client sent it.
        field: String,
        /// A short English phrase saying what is wrong ("must not be empty").
        problem: String,
    },
    /// The request is well-formed but conflicts with the current state (illegal phase
    /// transition, decision on a stopped product, decision before the current phase began, ...).
    #[error("{0}")]
    Conflict(String),
}

impl DomainError {
    /// Builds an [`DomainError::Invalid`] for `field`.
    pub fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        DomainError::Invalid {
            field: field.into(),
            problem: problem.into(),
        }
    }

    /// Builds a [`DomainError::Conflict`] with the given explanation.
    pub fn conflict(message: impl Into<String>) -> Self {
        DomainError::Conflict(message.into())
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
        let e = DomainError::invalid("slug", "must not be empty");
        assert_eq!(e.field(), Some("slug"));
        assert_eq!(e.to_string(), "slug: must not be empty");
    }

    #[test]
    fn conflict_has_no_field() {
        let e = DomainError::conflict("the product is stopped");
        assert_eq!(e.field(), None);
        assert_eq!(e.to_string(), "the product is stopped");
    }
}
