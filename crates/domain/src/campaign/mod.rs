//! Appels à candidatures (issue 24): a campaign of an incubator, the applications it draws,
//! their statuses, the jury's scores and the funnel from application to construction.

mod application;
mod jury;
mod status;

pub use application::*;
pub use jury::*;
pub use status::*;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    DomainError, DomainResult, Slug,
    text::{check_max_len, check_required},
};

/// The most criteria a campaign may have.
pub const MAX_CRITERIA: usize = 10;
/// The highest weight of a criterion.
pub const MAX_WEIGHT: u32 = 100;

str_enum! {
    /// Who may apply to a campaign.
    pub enum Audience in "audience" {
        /// Anyone, without an account.
        Public = "public" / "Tout public",
        /// Signed-in agents only.
        Agents = "agents" / "Agents",
    }
}

/// One criterion the jury scores, with its weight in the ranking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    /// Stable name, `[a-z0-9_]`, 1 to 40 characters; unique within the campaign.
    pub key: String,
    /// What the jury reads.
    pub label: String,
    /// Its weight in the weighted mean, 1 to [`MAX_WEIGHT`].
    pub weight: u32,
}

/// An appel à candidatures of an incubator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    /// Unique, URL-safe identifier.
    pub slug: Slug,
    /// The incubator running it.
    pub incubator: Slug,
    /// Its title (1 to 200 characters).
    pub title: String,
    /// The first day applications are taken.
    pub opens_on: NaiveDate,
    /// The last day applications are taken (not before `opens_on`).
    pub closes_on: NaiveDate,
    /// Who may apply.
    pub audience: Audience,
    /// What the call is about (at most 5 000 characters).
    pub description: String,
    /// What the jury scores: 1 to [`MAX_CRITERIA`], keys unique.
    pub criteria: Vec<Criterion>,
}

impl Campaign {
    /// Checks the title ("title"), the dates ("closes_on" not before "opens_on"), the
    /// description ("description") and every criterion ("criteria", "criteria[i].key",
    /// "criteria[i].label", "criteria[i].weight"); the first problem found.
    pub fn validate(&self) -> DomainResult<()> {
        check_required("title", &self.title, 200)?;
        if self.closes_on < self.opens_on {
            return Err(DomainError::rule(
                "closes_on",
                "must not be before opens_on",
                "La clôture ne peut pas précéder l'ouverture.",
            ));
        }
        check_max_len("description", &self.description, 5000)?;
        if self.criteria.is_empty() || self.criteria.len() > MAX_CRITERIA {
            return Err(DomainError::rule(
                "criteria",
                format!("must hold 1 to {MAX_CRITERIA} criteria"),
                format!("Indiquez de 1 à {MAX_CRITERIA} critères."),
            ));
        }
        for (i, criterion) in self.criteria.iter().enumerate() {
            criterion.validate(&format!("criteria[{i}]"))?;
            if let Some(first) = self.criteria[..i]
                .iter()
                .position(|c| c.key == criterion.key)
            {
                return Err(DomainError::rule(
                    format!("criteria[{i}].key"),
                    format!("same key as criteria[{first}]"),
                    "Deux critères ont la même clé.",
                ));
            }
        }
        Ok(())
    }

    /// Whether applications are taken on `today` (from `opens_on` to `closes_on`, both
    /// included).
    pub fn is_open(&self, today: NaiveDate) -> bool {
        self.opens_on <= today && today <= self.closes_on
    }
}

impl Criterion {
    fn validate(&self, path: &str) -> DomainResult<()> {
        let key_ok = !self.key.is_empty()
            && self.key.len() <= 40
            && self
                .key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !key_ok {
            return Err(DomainError::rule(
                format!("{path}.key"),
                "must be 1 to 40 characters among a-z, 0-9 and _",
                "La clé doit compter de 1 à 40 caractères parmi a-z, 0-9 et _.",
            ));
        }
        check_required(&format!("{path}.label"), &self.label, 200)?;
        if self.weight == 0 || self.weight > MAX_WEIGHT {
            return Err(DomainError::rule(
                format!("{path}.weight"),
                format!("must be between 1 and {MAX_WEIGHT}"),
                format!("Le poids doit être compris entre 1 et {MAX_WEIGHT}."),
            ));
        }
        Ok(())
    }
}

/// The funnel of a campaign, or of a year: how many applications reached each stage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funnel {
    /// Applications received.
    pub received: u64,
    /// Applications that were preselected at some point (even if rejected later).
    pub preselected: u64,
    /// Applications selected.
    pub selected: u64,
    /// Investigations launched from them.
    pub investigations: u64,
    /// Those investigations that went on to construction.
    pub construction: u64,
}

/// How far one application went, for the funnel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reached {
    /// Its history holds a preselection.
    pub preselected: bool,
    /// It was selected.
    pub selected: bool,
    /// An investigation was launched from it.
    pub investigation: bool,
    /// That product reached construction.
    pub construction: bool,
}

impl Funnel {
    /// Counts one application in.
    pub fn add(&mut self, reached: Reached) {
        self.received += 1;
        self.preselected += u64::from(reached.preselected);
        self.selected += u64::from(reached.selected);
        self.investigations += u64::from(reached.investigation);
        self.construction += u64::from(reached.investigation && reached.construction);
    }

    /// The sum of two funnels (a year's, from its campaigns').
    pub fn plus(self, other: Funnel) -> Funnel {
        Funnel {
            received: self.received + other.received,
            preselected: self.preselected + other.preselected,
            selected: self.selected + other.selected,
            investigations: self.investigations + other.investigations,
            construction: self.construction + other.construction,
        }
    }
}

/// Sums funnels per year (each campaign's counts towards the year it opened), the latest
/// year first.
pub fn funnel_per_year(funnels: impl IntoIterator<Item = (i32, Funnel)>) -> Vec<(i32, Funnel)> {
    let mut years: std::collections::BTreeMap<i32, Funnel> = std::collections::BTreeMap::new();
    for (year, funnel) in funnels {
        let sum = years.entry(year).or_default();
        *sum = sum.plus(funnel);
    }
    years.into_iter().rev().collect()
}

#[cfg(test)]
mod tests;
