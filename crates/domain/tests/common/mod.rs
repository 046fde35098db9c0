//! Helpers shared by the integration tests.
#![allow(dead_code)]

use chrono::NaiveDate;
use pilote_domain::{DecisionKind, DomainError, NewDecision, Rationale};

/// A date from a literal `yyyy-mm-dd`.
pub fn d(s: &str) -> NaiveDate {
    s.parse().expect("test dates are valid")
}

/// A decision of `kind` on `on`.
pub fn decision(kind: DecisionKind, on: NaiveDate) -> NewDecision {
    NewDecision {
        kind,
        decided_on: on,
        rationale: Rationale::parse("Comité d'investissement").expect("valid rationale"),
    }
}

/// The field and problem of an `Invalid` error; panics on anything else.
pub fn invalid<T: std::fmt::Debug>(result: Result<T, DomainError>) -> (String, String) {
    match result {
        Err(DomainError::Invalid { field, problem }) => (field, problem.to_string()),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

/// The field of an `Invalid` error; panics on anything else.
pub fn invalid_field<T: std::fmt::Debug>(result: Result<T, DomainError>) -> String {
    invalid(result).0
}

/// Whether `result` is a `Conflict`.
pub fn is_conflict<T>(result: &Result<T, DomainError>) -> bool {
    matches!(result, Err(DomainError::Conflict(_)))
}
