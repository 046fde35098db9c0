//! What a rule found wrong, as a value: English for the API (`Display`, the contract's
//! wording), French for people (`french`). Pages and the CLI call `french`; nothing ever turns
//! the English into French by searching it.

use std::{borrow::Cow, fmt};

use chrono::NaiveDate;

use crate::Phase;

/// What is wrong with one value (the field is named beside it, in [`crate::DomainError`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Blank once trimmed.
    Empty,
    /// More than `max` characters.
    TooLong {
        /// The most characters accepted.
        max: usize,
    },
    /// A date or period after today.
    InFuture,
    /// NaN or an infinity.
    NotFinite,
    /// Below zero.
    Negative,
    /// Not one of the stable names of a list.
    NotOneOf {
        /// The names accepted, in order.
        allowed: Vec<&'static str>,
    },
    /// A measure's indicator that the product does not have.
    UnknownIndicator {
        /// The key as sent.
        key: String,
    },
    /// Two rows of one batch for the same indicator and period.
    SamePeriodTwice {
        /// The path of the first such row (`measures[2]`).
        first: String,
    },
    /// A batch over the limit.
    TooManyRows {
        /// The most rows a batch may hold.
        max: usize,
    },
    /// A rule with no type of its own: its two wordings, written side by side where the rule
    /// is.
    Rule {
        /// For the API, as the contract words it.
        en: Cow<'static, str>,
        /// For people.
        fr: Cow<'static, str>,
    },
}

impl Problem {
    /// A rule's two wordings.
    pub fn rule(en: impl Into<Cow<'static, str>>, fr: impl Into<Cow<'static, str>>) -> Problem {
        Problem::Rule {
            en: en.into(),
            fr: fr.into(),
        }
    }

    /// The problem in French, as a sentence for a form or a terminal.
    pub fn french(&self) -> String {
        match self {
            Problem::Empty => "Ce champ est obligatoire.".to_owned(),
            Problem::TooLong { max } => {
                format!("Le texte est trop long ({max} caractères au plus).")
            }
            Problem::InFuture => {
                "La date est dans le futur : elle ne peut pas encore être saisie.".to_owned()
            }
            Problem::NotFinite => "La valeur doit être un nombre.".to_owned(),
            Problem::Negative => "La valeur ne peut pas être négative.".to_owned(),
            Problem::NotOneOf { allowed } => {
                format!("Choisissez parmi : {}.", allowed.join(", "))
            }
            Problem::UnknownIndicator { key } => {
                format!("L'indicateur « {key} » n'existe pas pour ce produit.")
            }
            Problem::SamePeriodTwice { .. } => {
                "Cette période figure deux fois dans l'envoi.".to_owned()
            }
            Problem::TooManyRows { max } => {
                format!("Trop de lignes : {max} au plus par envoi.")
            }
            Problem::Rule { fr, .. } => fr.to_string(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Empty => f.write_str("must not be empty"),
            Problem::TooLong { max } => write!(f, "must be at most {max} characters"),
            Problem::InFuture => f.write_str("is in the future"),
            Problem::NotFinite => f.write_str("must be a finite number"),
            Problem::Negative => f.write_str("must not be negative"),
            Problem::NotOneOf { allowed } => write!(f, "must be one of: {}", allowed.join(", ")),
            Problem::UnknownIndicator { key } => write!(f, "unknown indicator {key:?}"),
            Problem::SamePeriodTwice { first } => {
                write!(f, "same indicator and period as {first}")
            }
            Problem::TooManyRows { max } => write!(f, "at most {max} rows per batch"),
            Problem::Rule { en, .. } => f.write_str(en),
        }
    }
}

/// Why a request that is well formed cannot be applied to what is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conflict {
    /// The product is stopped: nothing more can be decided.
    Stopped,
    /// A decision dated before its phase began.
    BeforePhaseStart {
        /// The phase in progress.
        phase: Phase,
        /// The day it began.
        started_on: NaiveDate,
    },
    /// Advancing from the last phase.
    LastPhase {
        /// The last phase.
        phase: Phase,
    },
    /// A unique name or period already used (a slug, a key, a period).
    Taken,
    /// A rule with no type of its own, in its two wordings.
    Rule {
        /// For the API.
        en: Cow<'static, str>,
        /// For people.
        fr: Cow<'static, str>,
    },
}

impl Conflict {
    /// The field of the request the conflict concerns, when one does (a form shows the
    /// conflict next to it).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Conflict::BeforePhaseStart { .. } => Some("decided_on"),
            _ => None,
        }
    }

    /// A conflict's two wordings.
    pub fn rule(en: impl Into<Cow<'static, str>>, fr: impl Into<Cow<'static, str>>) -> Conflict {
        Conflict::Rule {
            en: en.into(),
            fr: fr.into(),
        }
    }

    /// The conflict in French.
    pub fn french(&self) -> String {
        match self {
            Conflict::Stopped => {
                "Le produit est arrêté : aucune décision ne peut plus être enregistrée.".to_owned()
            }
            Conflict::BeforePhaseStart { phase, started_on } => format!(
                "Une décision ne peut pas être datée d'avant le début de la phase en cours \
                 ({}, commencée le {}).",
                phase.label_fr(),
                crate::french::date(*started_on)
            ),
            Conflict::LastPhase { phase } => format!(
                "La {} est la dernière phase : il n'y a pas de phase suivante.",
                phase.label_fr().to_lowercase()
            ),
            Conflict::Taken => {
                "Cette valeur est déjà prise (un identifiant, une clé ou une période).".to_owned()
            }
            Conflict::Rule { fr, .. } => fr.to_string(),
        }
    }
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Conflict::Stopped => {
                f.write_str("the product is stopped; no further decision can be recorded")
            }
            Conflict::BeforePhaseStart { phase, started_on } => write!(
                f,
                "a decision cannot be dated before the current phase ({phase}) began on \
                 {started_on}"
            ),
            Conflict::LastPhase { phase } => write!(
                f,
                "{phase} is the last phase; there is no phase to advance to"
            ),
            Conflict::Taken => {
                f.write_str("conflicts with stored data (a slug, key or period already taken)")
            }
            Conflict::Rule { en, .. } => f.write_str(en),
        }
    }
}
