//! Property tests: slugs and e-mail addresses round-trip, keep their rules and never panic.

use pilote_domain::{Email, Slug};
use proptest::prelude::*;
use serde::{
    Deserialize,
    de::{IntoDeserializer, value::Error},
};

/// Slugs by construction: alternating runs of letters/digits and single separators.
fn valid_slug() -> impl Strategy<Value = String> {
    "[a-z0-9]([-_.]?[a-z0-9]){0,49}"
}

/// Strings close to slugs, to reach every rule.
fn slugish() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9._ é-]{0,110}"
}

fn check_slug_rules(s: &str) {
    assert!(!s.is_empty() && s.len() <= 100);
    assert!(
        s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
    );
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    assert!(alnum(s.chars().next()) && alnum(s.chars().last()));
    assert!(!s.as_bytes().windows(2).any(|w| {
        let sep = |b: u8| b"-_.".contains(&b);
        sep(w[0]) && sep(w[1])
    }));
}

proptest! {
    #[test]
    fn valid_slugs_parse_and_round_trip(s in valid_slug()) {
        let slug = Slug::parse(&s);
        prop_assert!(slug.is_ok(), "{s:?}: {slug:?}");
        let slug = slug.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(slug.as_ref(), s.as_str());
        prop_assert_eq!(slug.to_string(), s.clone());
        prop_assert_eq!(s.parse::<Slug>(), Ok(slug.clone()));
        prop_assert_eq!(Slug::try_from(s.clone()), Ok(slug.clone()));
        let de: Result<Slug, Error> = Slug::deserialize(s.as_str().into_deserializer());
        prop_assert_eq!(de, Ok(slug.clone()));
        prop_assert_eq!(String::from(slug), s);
    }

    #[test]
    fn any_string_parses_to_a_valid_slug_or_an_error(s in prop_oneof![any::<String>(), slugish()]) {
        match Slug::parse(&s) {
            Ok(slug) => {
                prop_assert_eq!(slug.as_ref(), s.as_str());
                check_slug_rules(slug.as_ref());
                prop_assert_eq!(Slug::parse(slug.as_ref()), Ok(slug.clone()));
            }
            Err(e) => prop_assert_eq!(e.field(), Some("slug")),
        }
    }

    #[test]
    fn slugify_gives_valid_stable_slugs(name in prop_oneof![any::<String>(), slugish()]) {
        if let Some(slug) = Slug::slugify(&name) {
            check_slug_rules(slug.as_ref());
            prop_assert_eq!(Slug::slugify(slug.as_ref()), Some(slug.clone()));
        } else {
            prop_assert!(!name.chars().any(|c| c.is_ascii_alphanumeric()));
        }
    }

    #[test]
    fn valid_emails_are_trimmed_and_lowercased(
        pad in " {0,3}",
        local in "[a-zA-Z0-9._%+-]{1,30}",
        domain in "[a-zA-Z0-9-]{1,20}(\\.[a-zA-Z0-9-]{1,20}){0,2}\\.[a-zA-Z]{2,6}",
    ) {
        let raw = format!("{pad}{local}@{domain}{pad}");
        let email = Email::parse(&raw);
        let expected = format!("{local}@{domain}").to_lowercase();
        prop_assert_eq!(email.as_ref().map(|e| e.as_ref()), Ok(expected.as_str()));
        let email = email.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(Email::parse(email.as_ref()), Ok(email.clone()));
        prop_assert_eq!(email.to_string().parse::<Email>(), Ok(email.clone()));
        let de: Result<Email, Error> = Email::deserialize(raw.as_str().into_deserializer());
        prop_assert_eq!(de, Ok(email.clone()));
        prop_assert_eq!(email.domain(), domain.to_lowercase());
    }

    #[test]
    fn any_string_parses_to_a_valid_email_or_an_error(
        s in prop_oneof![any::<String>(), "[ a-zA-Z@.É-]{0,30}"],
    ) {
        match Email::parse(&s) {
            Ok(email) => {
                let text = email.as_ref();
                prop_assert_eq!(text, s.trim().to_lowercase());
                prop_assert_eq!(text.matches('@').count(), 1);
                prop_assert!(text.chars().count() <= 254);
                prop_assert!(!text.chars().any(char::is_whitespace));
                prop_assert!(email.domain().contains('.'));
                prop_assert_eq!(Email::parse(text), Ok(email.clone()));
            }
            Err(e) => prop_assert_eq!(e.field(), Some("email")),
        }
    }
}
