//! Shared checks for free text and links.

use crate::{DomainError, DomainResult, Problem};

/// Checks that `value` is at most `max` characters long.
pub(crate) fn check_max_len(field: &str, value: &str, max: usize) -> DomainResult<()> {
    if value.chars().count() > max {
        return Err(DomainError::invalid(field, Problem::TooLong { max }));
    }
    Ok(())
}

/// Checks that `value` is not blank once trimmed and is at most `max` characters long.
pub(crate) fn check_required(field: &str, value: &str, max: usize) -> DomainResult<()> {
    if value.trim().is_empty() {
        return Err(DomainError::invalid(field, Problem::Empty));
    }
    check_max_len(field, value, max)
}

/// Checks that `value` is an absolute `http` or `https` URL of at most `max` characters.
pub(crate) fn check_http_url(field: &str, value: &str, max: usize) -> DomainResult<()> {
    check_max_len(field, value, max)?;
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or_else(|| {
            DomainError::rule(
                field,
                "must start with http:// or https://",
                "L'adresse doit commencer par http:// ou https://.",
            )
        })?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() {
        return Err(DomainError::rule(
            field,
            "must name a host",
            "L'adresse doit nommer un site.",
        ));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(DomainError::rule(
            field,
            "must not contain spaces",
            "L'adresse ne doit pas contenir d'espace.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(check_http_url("website", "https://beta.gouv.fr/startups", 500).is_ok());
        assert!(check_http_url("website", "http://example.org", 500).is_ok());
        assert!(check_http_url("website", "ftp://example.org", 500).is_err());
        assert!(check_http_url("website", "https://", 500).is_err());
        assert!(check_http_url("website", "https:///path", 500).is_err());
        assert!(check_http_url("website", "https://a b.fr", 500).is_err());
        assert!(check_http_url("website", "https://a.fr/x", 10).is_err());
    }

    #[test]
    fn required_text() {
        assert!(check_required("name", "  ", 10).is_err());
        assert!(check_required("name", "Pilote", 10).is_ok());
        assert!(check_required("name", "ééééé", 5).is_ok());
        assert!(check_required("name", "éééééé", 5).is_err());
    }
}
