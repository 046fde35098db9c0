//! The phases of a product's life and its current status.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{DomainError, DomainResult, Problem};

str_enum! {
    /// A phase of the beta.gouv method, in the order a product goes through them.
    pub enum Phase in "phase" {
        /// Is the problem real and worth solving?
        Investigation = "investigation" / "Investigation",
        /// Building a first service with real users.
        Construction = "construction" / "Construction",
        /// Growing usage and impact.
        Acceleration = "acceleration" / "Accélération",
        /// Handing over to a lasting organisation.
        Perennisation = "perennisation" / "Pérennisation",
    }
}

impl Phase {
    /// The phase an `advance` decision leads to; `None` after perennisation.
    pub fn next(self) -> Option<Phase> {
        match self {
            Phase::Investigation => Some(Phase::Construction),
            Phase::Construction => Some(Phase::Acceleration),
            Phase::Acceleration => Some(Phase::Perennisation),
            Phase::Perennisation => None,
        }
    }

    /// The phase before this one; `None` for investigation.
    pub fn prev(self) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.next() == Some(self))
    }
}

/// The current state of a product: running in a phase, or stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProductStatus {
    /// Running in this phase.
    Active(Phase),
    /// Stopped (« arrêtée »): its history is over.
    Stopped,
}

impl ProductStatus {
    /// Every status: the four phases, then stopped.
    pub const ALL: [ProductStatus; 5] = [
        ProductStatus::Active(Phase::Investigation),
        ProductStatus::Active(Phase::Construction),
        ProductStatus::Active(Phase::Acceleration),
        ProductStatus::Active(Phase::Perennisation),
        ProductStatus::Stopped,
    ];

    /// The phase's stable name, or "stopped".
    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Active(phase) => phase.as_str(),
            ProductStatus::Stopped => "stopped",
        }
    }

    /// The phase's French label, or « Arrêtée ».
    pub fn label_fr(self) -> &'static str {
        match self {
            ProductStatus::Active(phase) => phase.label_fr(),
            ProductStatus::Stopped => "Arrêtée",
        }
    }

    /// The phase the product runs in; `None` when stopped.
    pub fn phase(self) -> Option<Phase> {
        match self {
            ProductStatus::Active(phase) => Some(phase),
            ProductStatus::Stopped => None,
        }
    }

    /// Parses a phase name or "stopped" (field "status").
    pub fn parse(s: &str) -> DomainResult<Self> {
        if s.trim() == "stopped" {
            return Ok(ProductStatus::Stopped);
        }
        Phase::parse(s).map(ProductStatus::Active).map_err(|_| {
            let mut allowed: Vec<&'static str> = Phase::ALL.iter().map(|p| p.as_str()).collect();
            allowed.push("stopped");
            DomainError::invalid("status", Problem::NotOneOf { allowed })
        })
    }
}

impl FromStr for ProductStatus {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProductStatus::parse(s)
    }
}

impl fmt::Display for ProductStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ProductStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ProductStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        ProductStatus::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_are_ordered_and_chained() {
        assert_eq!(Phase::ALL.len(), 4);
        assert!(Phase::Investigation < Phase::Construction);
        assert!(Phase::Acceleration < Phase::Perennisation);
        assert_eq!(Phase::Investigation.next(), Some(Phase::Construction));
        assert_eq!(Phase::Acceleration.next(), Some(Phase::Perennisation));
        assert_eq!(Phase::Perennisation.next(), None);
        assert_eq!(Phase::Construction.prev(), Some(Phase::Investigation));
        assert_eq!(Phase::Investigation.prev(), None);
    }

    #[test]
    fn names_and_labels() {
        let names: Vec<_> = Phase::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(
            names,
            [
                "investigation",
                "construction",
                "acceleration",
                "perennisation"
            ]
        );
        assert_eq!(Phase::Acceleration.label_fr(), "Accélération");
        assert_eq!(Phase::Perennisation.label_fr(), "Pérennisation");
        assert_eq!(Phase::Construction.to_string(), "construction");
        for p in Phase::ALL {
            assert_eq!(Phase::parse(p.as_str()), Ok(p));
            assert_eq!(p.as_str().parse::<Phase>(), Ok(p));
        }
        assert_eq!(
            Phase::parse("Construction").map_err(|e| e.field().map(str::to_owned)),
            Err(Some("phase".to_owned()))
        );
    }

    #[test]
    fn status_names() {
        for s in ProductStatus::ALL {
            assert_eq!(ProductStatus::parse(s.as_str()), Ok(s));
        }
        assert_eq!(ProductStatus::Stopped.as_str(), "stopped");
        assert_eq!(ProductStatus::Stopped.label_fr(), "Arrêtée");
        assert_eq!(
            ProductStatus::Active(Phase::Acceleration).label_fr(),
            "Accélération"
        );
        assert_eq!(ProductStatus::Stopped.phase(), None);
        let err = ProductStatus::parse("paused").map_err(|e| e.field().map(str::to_owned));
        assert_eq!(err, Err(Some("status".to_owned())));
    }
}
