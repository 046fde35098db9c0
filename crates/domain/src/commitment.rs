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
