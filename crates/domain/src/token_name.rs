//! The name people give an API token ("script hebdomadaire"), so that a list of tokens says
//! which script each one is.

use crate::{DomainError, DomainResult};

/// A token's name: trimmed, 1 to [`TokenName::MAX_LEN`] characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenName(String);

impl TokenName {
    /// The longest name accepted, in characters.
    pub const MAX_LEN: usize = 100;

    /// Invalid (field "name", "must be between 1 and 100 characters") when blank or longer.
    pub fn parse(text: &str) -> DomainResult<TokenName> {
        let name = text.trim();
        if name.is_empty() || name.chars().count() > Self::MAX_LEN {
            return Err(DomainError::rule(
                "name",
                format!("must be between 1 and {} characters", Self::MAX_LEN),
                format!("Le nom compte de 1 à {} caractères.", Self::MAX_LEN),
            ));
        }
        Ok(TokenName(name.to_owned()))
    }
}

impl AsRef<str> for TokenName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TokenName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded_in_characters() {
        assert_eq!(
            TokenName::parse(" Import nocturne ").map(|n| n.to_string()),
            Ok("Import nocturne".to_owned())
        );
        assert!(TokenName::parse(&"é".repeat(TokenName::MAX_LEN)).is_ok());
        for bad in ["", "   ", &"é".repeat(TokenName::MAX_LEN + 1)] {
            assert_eq!(
                TokenName::parse(bad),
                Err(DomainError::rule(
                    "name",
                    "must be between 1 and 100 characters",
                    "Le nom compte de 1 à 100 caractères."
                ))
            );
        }
    }
}
