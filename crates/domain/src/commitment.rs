//! Doctrine commitments of a contract.

str_enum! {
    /// A doctrine area a product commits to.
    pub enum CommitmentArea in "area" {
        /// RGAA conformance, declared as a percentage.
        Accessibility = "accessibility" / "Accessibilité",
        /// Security homologation.
        Security = "security" / "Sécurité",
        /// Eco-design (RGESN).
        EcoDesign = "eco_design" / "Écoconception",
        /// Published source code.
        OpenSource = "open_source" / "Logiciel libre",
        /// Open and shared data.
        Data = "data" / "Données",
    }
}

/// A doctrine commitment of a contract: what is expected in an area, where the product stands,
/// and the evidence.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Commitment {
    /// The doctrine area.
    pub area: CommitmentArea,
    /// The expected state, e.g. "RGAA 100 %".
    pub expected: String,
    /// The current state, e.g. "RGAA 74 %".
    pub current: String,
    /// A link to the evidence (accessibility statement, homologation decision, repository).
    pub evidence_url: Option<String>,
}

impl Commitment {
    /// Checks expected (non-empty, ≤ 500 chars, field "expected"), current (≤ 500,
    /// "current") and the evidence link (an http(s) URL of at most 500 characters,
    /// "evidence_url").
    pub fn validate(&self) -> crate::DomainResult<()> {
        crate::text::check_required("expected", &self.expected, 500)?;
        crate::text::check_max_len("current", &self.current, 500)?;
        if let Some(url) = &self.evidence_url {
            crate::text::check_http_url("evidence_url", url, 500)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commitments_name_the_field_at_fault() {
        let ok = Commitment {
            area: CommitmentArea::Accessibility,
            expected: "RGAA 100 %".to_owned(),
            current: "RGAA 74 %".to_owned(),
            evidence_url: Some("https://example.gouv.fr/accessibilite".to_owned()),
        };
        assert!(ok.validate().is_ok());
        let blank = Commitment {
            expected: " ".to_owned(),
            ..ok.clone()
        };
        assert_eq!(
            blank.validate().map_err(|e| e.field().map(str::to_owned)),
            Err(Some("expected".to_owned()))
        );
        let link = Commitment {
            evidence_url: Some("ftp://x".to_owned()),
            ..ok
        };
        assert_eq!(
            link.validate().map_err(|e| e.field().map(str::to_owned)),
            Err(Some("evidence_url".to_owned()))
        );
    }
}
