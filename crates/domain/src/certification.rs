//! The certification level of a product's « matrice d'impact », as beta.gouv.fr grades it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::DomainResult;

str_enum! {
    /// How far a product's impact matrix is vouched for, lowest first.
    pub enum CertificationLevel in "level" {
        /// Not published.
        None = "none" / "Aucune",
        /// Published by the team.
        Published = "published" / "Publiée",
        /// Certified by DINUM's coaches.
        Certified = "certified" / "Certifiée par les coachs de la DINUM",
        /// Validated as a service of national impact.
        Validated = "validated" / "Validée : service à impact national",
    }
}

/// A certification level and the day it was granted. Set by administrators only
/// (`access::Action::Administer`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Certification {
    level: CertificationLevel,
    on: NaiveDate,
}

impl Certification {
    /// A level granted on `on`, which must not be after `today` (field "on").
    pub fn new(level: CertificationLevel, on: NaiveDate, today: NaiveDate) -> DomainResult<Self> {
        crate::not_in_future("on", on, today)?;
        Ok(Certification { level, on })
    }

    /// The level.
    pub fn level(&self) -> CertificationLevel {
        self.level
    }

    /// The day it was granted.
    pub fn on(&self) -> NaiveDate {
        self.on
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn levels_are_ordered_and_named() {
        assert!(CertificationLevel::None < CertificationLevel::Published);
        assert!(CertificationLevel::Certified < CertificationLevel::Validated);
        let names: Vec<_> = CertificationLevel::ALL.iter().map(|l| l.as_str()).collect();
        assert_eq!(names, ["none", "published", "certified", "validated"]);
        assert_eq!(
            CertificationLevel::parse("gold").map_err(|e| e.field().map(str::to_owned)),
            Err(Some("level".to_owned()))
        );
    }

    #[test]
    fn a_certification_is_not_dated_in_the_future() {
        let today = day("2026-12-04");
        let c = Certification::new(CertificationLevel::Certified, today, today).expect("today");
        assert_eq!(c.level(), CertificationLevel::Certified);
        let e = Certification::new(CertificationLevel::Certified, day("2026-12-05"), today)
            .expect_err("tomorrow");
        assert_eq!(e.field(), Some("on"));
    }
}
