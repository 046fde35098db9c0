//! The crate's one error type: what a command refuses to do on purpose, with the exit status
//! that says why (docs/usage.md lists them). Any other failure is an `anyhow` error, exit 1.

use std::fmt;

/// One problem of an input file, where it is and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// `ligne 12, colonne value`, `measures[3].period`, `products[0].product`...
    pub location: String,
    pub problem: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} : {}", self.location, self.problem)
    }
}

/// A command refused, with nothing written.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The input is not what the command takes (exit status 3): every problem is listed.
    #[error("{summary}{}", list(.problems))]
    Invalid {
        summary: String,
        problems: Vec<Problem>,
    },
    /// The target database holds data the command would not mix with (exit status 4).
    #[error("{0}")]
    NotEmpty(String),
    /// The options do not fit together or with the file (exit status 2, as clap's own).
    #[error("{0}")]
    Usage(String),
}

fn list(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("\n  {p}")).collect()
}

impl Refusal {
    /// Input refused with one problem.
    pub fn invalid(summary: impl Into<String>, problems: Vec<Problem>) -> Self {
        Refusal::Invalid {
            summary: summary.into(),
            problems,
        }
    }

    /// The process exit status for this refusal.
    pub fn exit_code(&self) -> u8 {
        match self {
            Refusal::Usage(_) => 2,
            Refusal::Invalid { .. } => 3,
            Refusal::NotEmpty(_) => 4,
        }
    }
}

/// The exit status for an error: a [`Refusal`]'s anywhere in the chain, else 1.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    error
        .chain()
        .find_map(|cause| cause.downcast_ref::<Refusal>())
        .map_or(1, Refusal::exit_code)
}

/// The error as a person reads it on a terminal: each cause of the chain, `: `-separated, a
/// rule's refusal in its French words (the field, then what is wrong) rather than the API's
/// English. Other causes keep their own text (ours are French; a library's are its own).
pub fn french(error: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in error.chain() {
        let domain = cause
            .downcast_ref::<pilote_domain::DomainError>()
            .or_else(|| match cause.downcast_ref::<pilote_store::StoreError>() {
                Some(pilote_store::StoreError::Domain(e)) => Some(e),
                _ => None,
            })
            .or_else(|| match cause.downcast_ref::<pilote_api::ApiError>() {
                Some(pilote_api::ApiError::Refused(e)) => Some(e),
                _ => None,
            });
        match domain {
            Some(e) => {
                parts.push(match e.field() {
                    Some(field) => format!("{field} : {}", e.french()),
                    None => e.french(),
                });
                // The French says it all: the English causes below it would repeat it.
                break;
            }
            None => parts.push(cause.to_string()),
        }
    }
    parts.join(" : ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_refusal_is_said_in_french_after_its_context() {
        let refused: anyhow::Error = pilote_store::StoreError::Domain(
            pilote_domain::DomainError::invalid("email", pilote_domain::Problem::Empty),
        )
        .into();
        let error = refused.context("impossible de créer x@y.fr");
        assert_eq!(
            french(&error),
            "impossible de créer x@y.fr : email : Ce champ est obligatoire."
        );
        let plain = anyhow::anyhow!("fichier introuvable").context("impossible de lire a.csv");
        assert_eq!(
            french(&plain),
            "impossible de lire a.csv : fichier introuvable"
        );
    }
}
