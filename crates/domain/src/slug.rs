//! URL-safe identifiers of products, incubators and indicators.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use crate::{DomainError, DomainResult, Problem};

/// The longest slug accepted, in characters.
pub const SLUG_MAX_LEN: usize = 100;

/// A URL-safe identifier such as `conventionnement.iae`, `anct-pni-48` or `vie.chere`.
///
/// 1 to 100 characters among lowercase ASCII letters, digits, `-`, `_` and `.`; it starts and
/// ends with a letter or digit and never has two separators in a row.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

fn is_separator(c: char) -> bool {
    matches!(c, '-' | '_' | '.')
}

fn is_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

impl Slug {
    /// Checks `s` against the slug rules (field "slug"); it is taken as is, not trimmed.
    pub fn parse(s: &str) -> DomainResult<Slug> {
        let invalid = |en: &'static str, fr: &'static str| Err(DomainError::rule("slug", en, fr));
        if s.is_empty() {
            return Err(DomainError::invalid("slug", Problem::Empty));
        }
        if s.chars().count() > SLUG_MAX_LEN {
            return Err(DomainError::invalid(
                "slug",
                Problem::TooLong { max: SLUG_MAX_LEN },
            ));
        }
        if !s.chars().all(|c| is_alnum(c) || is_separator(c)) {
            return invalid(
                "may only contain lowercase letters, digits, '-', '_' and '.'",
                "L'identifiant ne peut contenir que des minuscules sans accent, des chiffres, \
                 « - », « _ » et « . ».",
            );
        }
        let starts_well = s.chars().next().is_some_and(is_alnum);
        let ends_well = s.chars().next_back().is_some_and(is_alnum);
        if !starts_well || !ends_well {
            return invalid(
                "must start and end with a letter or a digit",
                "L'identifiant doit commencer et finir par une lettre ou un chiffre.",
            );
        }
        let doubled = s
            .as_bytes()
            .windows(2)
            .any(|w| is_separator(char::from(w[0])) && is_separator(char::from(w[1])));
        if doubled {
            return invalid(
                "must not contain two separators in a row",
                "L'identifiant ne doit pas contenir deux séparateurs de suite.",
            );
        }
        Ok(Slug(s.to_owned()))
    }

    /// Derives a slug from a display name: lowercase, French accents stripped (é → e,
    /// œ → oe, ...), every other character that is not a letter or digit becomes `-`, runs
    /// of `-` collapse, and the result is cut to 100 characters. `None` when nothing is left.
    ///
    /// ```
    /// # use pilote_domain::Slug;
    /// let slug = Slug::slugify("Aides Simplifiées — L'État");
    /// assert_eq!(slug.as_ref().map(AsRef::as_ref), Some("aides-simplifiees-l-etat"));
    /// ```
    pub fn slugify(name: &str) -> Option<Slug> {
        let mut out = String::with_capacity(name.len());
        for c in name.chars().flat_map(char::to_lowercase) {
            match fold_accent(c) {
                Some(ascii) => out.push_str(ascii),
                None if is_alnum(c) => out.push(c),
                None => {
                    if !out.is_empty() && !out.ends_with('-') {
                        out.push('-');
                    }
                }
            }
        }
        out.truncate(SLUG_MAX_LEN);
        while out.ends_with('-') {
            out.pop();
        }
        Slug::parse(&out).ok()
    }
}

/// Text as searches and French sorting compare it: lowercase, accents removed (« Égalité »
/// → "egalite", « Œuvre » → "oeuvre"), so that "demarches" finds « Démarches » and
/// « Égalité » sorts among the e's.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match fold_accent(c) {
            Some(ascii) => out.push_str(ascii),
            None => out.push(c),
        }
    }
    out
}

/// French alphabetical order, the order of every list people read: accents and case count
/// only to break ties (« Démarches » < « Douane » < « Égalité » < « Fiscalité »).
pub fn french_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fold(a).cmp(&fold(b)).then_with(|| a.cmp(b))
}

/// The words of a search, folded ([`fold`]): a text matches when it holds every one.
pub fn search_words(query: &str) -> Vec<String> {
    fold(query).split_whitespace().map(str::to_owned).collect()
}

/// The plain ASCII spelling of a lowercase accented Latin letter.
fn fold_accent(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'æ' => "ae",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
        'œ' => "oe",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        // Combining accents of decomposed text ("e\u{301}") simply vanish.
        '\u{300}'..='\u{36f}' => "",
        _ => return None,
    })
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Slug {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Slug::parse(s)
    }
}

impl TryFrom<String> for Slug {
    type Error = DomainError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Slug::parse(&s)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> String {
        slug.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(s: &str) -> String {
        match Slug::parse(s) {
            Err(DomainError::Invalid { field, problem }) if field == "slug" => problem.to_string(),
            other => panic!("expected an invalid slug for {s:?}, got {other:?}"),
        }
    }

    #[test]
    fn accepts_real_beta_gouv_ids() {
        for s in [
            "conventionnement.iae",
            "anct-pni-48",
            "vie.chere",
            "a",
            "9",
            "a_b",
        ] {
            assert_eq!(Slug::parse(s).map(|s| s.to_string()), Ok(s.to_owned()));
        }
    }

    #[test]
    fn rejects_each_rule() {
        assert_eq!(problem(""), "must not be empty");
        assert_eq!(problem(&"a".repeat(101)), "must be at most 100 characters");
        assert!(Slug::parse(&"a".repeat(100)).is_ok());
        assert!(problem("Vie.chere").starts_with("may only contain"));
        assert!(problem("vie chère").starts_with("may only contain"));
        assert!(problem("-vie").starts_with("must start and end"));
        assert!(problem("vie.").starts_with("must start and end"));
        assert!(problem("vie..chere").contains("two separators"));
        assert!(problem("vie-_chere").contains("two separators"));
    }

    #[test]
    fn slugify_strips_french_accents() {
        let s = |n: &str| Slug::slugify(n).map(String::from);
        assert_eq!(
            s("Aides Simplifiées — L'État"),
            Some("aides-simplifiees-l-etat".into())
        );
        assert_eq!(s("Œuvre à Noël"), Some("oeuvre-a-noel".into()));
        assert_eq!(s("  Ça marche !  "), Some("ca-marche".into()));
        assert_eq!(s("France Travail 2025"), Some("france-travail-2025".into()));
        assert_eq!(s("Cre\u{301}dit"), Some("credit".into()));
        assert_eq!(s("—"), None);
        assert_eq!(s(""), None);
        assert_eq!(s(&"é".repeat(150)).map(|x| x.len()), Some(100));
    }

    #[test]
    fn deserialize_validates() {
        use serde::de::{IntoDeserializer, value::Error};
        let ok: Result<Slug, Error> = Slug::deserialize("vie.chere".into_deserializer());
        assert_eq!(ok.map(String::from), Ok("vie.chere".to_owned()));
        let bad: Result<Slug, Error> = Slug::deserialize("Vie Chère".into_deserializer());
        assert!(bad.is_err());
    }

    #[test]
    fn folded_text_compares_the_french_way() {
        assert_eq!(fold("Égalité Œuvre Ça"), "egalite oeuvre ca");
        assert!(fold("Démarches") < fold("Douane"));
        assert!(fold("Égalité") < fold("Fiscalité"));
        let mut names = ["Égalité", "douane", "Fiscalité", "Démarches", "Eau", "Aide"];
        names.sort_by(|a, b| french_cmp(a, b));
        assert_eq!(
            names,
            ["Aide", "Démarches", "douane", "Eau", "Égalité", "Fiscalité"]
        );
        assert_eq!(
            search_words("  Démarches  FACILITÉES "),
            ["demarches", "facilitees"]
        );
    }
}
