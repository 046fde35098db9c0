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
