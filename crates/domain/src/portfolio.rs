//! Incubators and their products.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    DomainResult, PhaseDurations, Slug,
    text::{check_http_url, check_max_len, check_required},
};

/// An incubator, which runs a portfolio of products.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Incubator {
    /// Unique identifier.
    pub slug: Slug,
    /// Display name.
    pub name: String,
    /// Owning administration ("DINUM", "DGFiP — Fabrique numérique").
    pub administration: String,
    /// Expected maximum phase durations.
    pub durations: PhaseDurations,
}

impl Incubator {
    /// Checks name (non-empty, ≤ 200 chars, field "name"), administration (≤ 200,
    /// "administration") and durations (see [`PhaseDurations::validate`]).
    pub fn validate(&self) -> DomainResult<()> {
        check_required("name", &self.name, 200)?;
        check_max_len("administration", &self.administration, 200)?;
        self.durations.validate()
    }
}

/// A public digital product (« startup d'État »). Its phase lives in its phase history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Product {
    /// Unique, URL-safe identifier.
    pub slug: Slug,
    /// Display name.
    pub name: String,
    /// One sentence.
    pub pitch: String,
    /// The problem it solves.
    pub problem: Option<String>,
    /// Sponsoring administration.
    pub sponsor: String,
    /// The incubator running it.
    pub incubator: Slug,
    /// Public website.
    pub website: Option<String>,
    /// Source code repository.
    pub repository: Option<String>,
    /// Whether its public stats page is visible.
    pub published: bool,
    /// When it was created.
    pub created_on: NaiveDate,
}

impl Product {
    /// Checks name (non-empty, ≤ 200 chars, "name"), pitch (≤ 1000, "pitch"), problem
    /// (≤ 10 000, "problem"), sponsor (≤ 200, "sponsor"), that website and repository
    /// are http(s) URLs of at most 500 characters ("website", "repository"), and that the
    /// product does not start after `today` ("started_on", its name in the API: a product's
    /// creation is the start of its investigation).
    pub fn validate(&self, today: NaiveDate) -> DomainResult<()> {
        crate::not_in_future("started_on", self.created_on, today)?;
        check_required("name", &self.name, 200)?;
        check_max_len("pitch", &self.pitch, 1000)?;
        if let Some(problem) = &self.problem {
            check_max_len("problem", problem, 10_000)?;
        }
        check_max_len("sponsor", &self.sponsor, 200)?;
        if let Some(website) = &self.website {
            check_http_url("website", website, 500)?;
        }
        if let Some(repository) = &self.repository {
            check_http_url("repository", repository, 500)?;
        }
        Ok(())
    }

    /// Whether the product's name, slug or pitch holds every word of a search, accents and
    /// case ignored: the one search of the portfolio page and `GET /api/v1/products?q=`.
    pub fn matches(&self, search: &[String]) -> bool {
        let haystack = crate::fold(&format!("{} {} {}", self.name, self.slug, self.pitch));
        search.iter().all(|w| haystack.contains(w.as_str()))
    }
}
