//! E-mail addresses of users.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use crate::{DomainError, DomainResult, Problem};

/// The longest address accepted, in characters.
pub const EMAIL_MAX_LEN: usize = 254;

/// An e-mail address, trimmed and lowercased.
///
/// Exactly one `@` between a non-empty local part and a domain that contains a dot, no
/// whitespace, at most 254 characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Trims, lowercases and checks `s` (field "email").
    pub fn parse(s: &str) -> DomainResult<Email> {
        let invalid = |en: &'static str, fr: &'static str| Err(DomainError::rule("email", en, fr));
        let email = s.trim().to_lowercase();
        if email.is_empty() {
            return Err(DomainError::invalid("email", Problem::Empty));
        }
        if email.chars().count() > EMAIL_MAX_LEN {
            return Err(DomainError::invalid(
                "email",
                Problem::TooLong { max: EMAIL_MAX_LEN },
            ));
        }
        if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return invalid(
                "must not contain spaces",
                "L'adresse ne doit pas contenir d'espace.",
            );
        }
        let Some((local, domain)) = email.split_once('@') else {
            return invalid("must contain an @", "L'adresse doit contenir un @.");
        };
        if domain.contains('@') {
            return invalid(
                "must contain a single @",
                "L'adresse doit contenir un seul @.",
            );
        }
        if local.is_empty() {
            return invalid(
                "must have a name before the @",
                "L'adresse doit avoir un nom avant le @.",
            );
        }
        if domain.is_empty() {
            return invalid(
                "must have a domain after the @",
                "L'adresse doit avoir un domaine après le @.",
            );
        }
        if !domain.contains('.') {
            return invalid(
                "must have a dot in its domain",
                "Le domaine de l'adresse doit contenir un point.",
            );
        }
        if domain.split('.').any(str::is_empty) {
            return invalid(
                "must not have an empty label in its domain",
                "Le domaine de l'adresse est mal formé.",
            );
        }
        Ok(Email(email))
    }

    /// The domain part, after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit('@').next().unwrap_or_default()
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Email {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Email::parse(s)
    }
}

impl TryFrom<String> for Email {
    type Error = DomainError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Email::parse(&s)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> String {
        email.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(s: &str) -> String {
        match Email::parse(s) {
            Err(DomainError::Invalid { field, problem }) if field == "email" => problem.to_string(),
            other => panic!("expected an invalid email for {s:?}, got {other:?}"),
        }
    }

    #[test]
    fn trims_and_lowercases() {
        let e = Email::parse("  Camille.Martin@Beta.Gouv.FR ").expect("valid");
        assert_eq!(e.as_ref(), "camille.martin@beta.gouv.fr");
        assert_eq!(e.domain(), "beta.gouv.fr");
    }

    #[test]
    fn rejects_each_rule() {
        assert_eq!(problem("   "), "must not be empty");
        assert_eq!(problem("camille.beta.gouv.fr"), "must contain an @");
        assert_eq!(problem("a@b@c.fr"), "must contain a single @");
        assert_eq!(problem("@beta.gouv.fr"), "must have a name before the @");
        assert_eq!(problem("camille@"), "must have a domain after the @");
        assert_eq!(
            problem("camille@localhost"),
            "must have a dot in its domain"
        );
        assert_eq!(problem("camille@beta gouv.fr"), "must not contain spaces");
        assert!(problem("camille@beta..fr").contains("empty label"));
        let long = format!("{}@beta.gouv.fr", "a".repeat(241));
        assert_eq!(long.len(), 254);
        assert!(Email::parse(&long).is_ok());
        assert_eq!(
            problem(&format!("a{long}")),
            "must be at most 254 characters"
        );
    }
}
