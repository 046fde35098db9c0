//! The whole product sheet as beta.gouv.fr's espace-membre keeps it: thematiques, user types,
//! technos, co-incubators, contacts, links and the statuses (accessibility, DSFR,
//! MonServiceSécurisé, risk analysis). Stored beside the product (`product_sheets`,
//! `product_tags`, `product_incubators`), since the product's own table is full.

use serde::{Deserialize, Serialize};

use crate::{
    DomainError, DomainResult, Email, Problem, Slug, fold,
    text::{check_http_url, check_required},
};

str_enum! {
    /// The accessibility statement's conclusion (RGAA), as the catalogue writes it in French.
    pub enum AccessibilityStatus in "accessibility_status" {
        /// « non conforme ».
        NotCompliant = "not_compliant" / "Non conforme",
        /// « partiellement conforme ».
        PartiallyCompliant = "partially_compliant" / "Partiellement conforme",
        /// « totalement conforme ».
        FullyCompliant = "fully_compliant" / "Totalement conforme",
    }
}

impl AccessibilityStatus {
    /// Reads the catalogue's French (« partiellement conforme », any case or accents) or a
    /// stable name; `None` for anything else.
    pub fn from_catalogue(text: &str) -> Option<AccessibilityStatus> {
        if let Ok(status) = AccessibilityStatus::parse(text) {
            return Some(status);
        }
        match fold(text).trim() {
            "non conforme" => Some(AccessibilityStatus::NotCompliant),
            "partiellement conforme" => Some(AccessibilityStatus::PartiallyCompliant),
            "totalement conforme" | "conforme" => Some(AccessibilityStatus::FullyCompliant),
            _ => None,
        }
    }
}

str_enum! {
    /// How far the product uses the State's design system (DSFR).
    pub enum DsfrStatus in "dsfr_status" {
        /// Not used.
        None = "none" / "Non utilisé",
        /// Partly used.
        Partial = "partial" / "Partiellement utilisé",
        /// Used throughout.
        Full = "full" / "Utilisé partout",
    }
}

/// The most labels a list of the sheet holds, and the longest label.
pub const SHEET_LIST_MAX: usize = 30;
const LABEL_MAX: usize = 100;
const URL_MAX: usize = 500;

/// The sheet's contacts: all optional e-mail addresses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contacts {
    /// The product's own contact address (`contact` in the catalogue).
    pub product: Option<Email>,
    /// The DINUM contact (`contact_dinum`).
    pub dinum: Option<Email>,
    /// The incubator's contact (`contact_incubator`).
    pub incubator: Option<Email>,
}

/// The sheet's links: each an optional http(s) URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Links {
    /// Public statistics (`stats_url`). Public.
    pub stats: Option<String>,
    /// Budget (`budget_url`). Public.
    pub budget: Option<String>,
    /// Impact matrix (`impact_url`). Public.
    pub impact: Option<String>,
    /// Roadmap. Public.
    pub roadmap: Option<String>,
    /// DashLord report (`dashlord_url`). Public.
    pub dashlord: Option<String>,
    /// Eco-design statement. Public.
    pub ecodesign: Option<String>,
    /// Risk analysis document: internal, never in the open data.
    pub risk_analysis: Option<String>,
}

impl Links {
    /// Every link with its field name, in the sheet's order.
    pub fn all(&self) -> [(&'static str, &Option<String>); 7] {
        [
            ("stats", &self.stats),
            ("budget", &self.budget),
            ("impact", &self.impact),
            ("roadmap", &self.roadmap),
            ("dashlord", &self.dashlord),
            ("ecodesign", &self.ecodesign),
            ("risk_analysis", &self.risk_analysis),
        ]
    }

    /// The links the open data may carry: all but the risk analysis.
    pub fn public(&self) -> Links {
        Links {
            risk_analysis: None,
            ..self.clone()
        }
    }

    fn all_mut(&mut self) -> [(&'static str, &mut Option<String>); 7] {
        [
            ("stats", &mut self.stats),
            ("budget", &mut self.budget),
            ("impact", &mut self.impact),
            ("roadmap", &mut self.roadmap),
            ("dashlord", &mut self.dashlord),
            ("ecodesign", &mut self.ecodesign),
            ("risk_analysis", &mut self.risk_analysis),
        ]
    }
}

/// MonServiceSécurisé (ANSSI's homologation service): whether the product is registered
/// there, and the link to its record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonServiceSecurise {
    /// Registered (`mon_service_securise` in the catalogue); `None`: not said.
    pub registered: Option<bool>,
    /// Its record.
    pub url: Option<String>,
}

/// The whole product sheet. Build it freely, then [`ProductSheet::checked`] before storing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSheet {
    /// Thematiques (« Écologie », « Travail / Emploi »).
    pub thematiques: Vec<String>,
    /// User types (`usertypes`: « etat », « particulier »…).
    pub user_types: Vec<String>,
    /// Technologies.
    pub technos: Vec<String>,
    /// Incubators running the product besides its own (co-incubation), by slug.
    pub co_incubators: Vec<Slug>,
    /// Contacts.
    pub contacts: Contacts,
    /// Links.
    pub links: Links,
    /// Accessibility status.
    pub accessibility_status: Option<AccessibilityStatus>,
    /// DSFR status.
    pub dsfr_status: Option<DsfrStatus>,
    /// MonServiceSécurisé.
    pub monservicesecurise: MonServiceSecurise,
    /// Whether a risk analysis was made (`analyse_risques`); `None`: not said.
    pub risk_analysis: Option<bool>,
}

impl ProductSheet {
    /// Trims labels, drops blank and repeated ones (first kept), checks their count and
    /// length (fields "thematiques", "user_types", "technos", with the index), checks every
    /// link is an http(s) URL (field "links.stats"…, "monservicesecurise.url"), and that no
    /// co-incubator repeats or is the product's own `incubator` ("co_incubators").
    pub fn checked(mut self, incubator: &Slug) -> DomainResult<ProductSheet> {
        for (field, list) in [
            ("thematiques", &mut self.thematiques),
            ("user_types", &mut self.user_types),
            ("technos", &mut self.technos),
        ] {
            *list = clean_list(field, list)?;
        }
        for (name, link) in self.links.all_mut() {
            check_link(&format!("links.{name}"), link)?;
        }
        check_link("monservicesecurise.url", &mut self.monservicesecurise.url)?;
        let mut seen = vec![incubator.clone()];
        for slug in &self.co_incubators {
            if seen.contains(slug) {
                return Err(DomainError::rule(
                    "co_incubators",
                    "names an incubator twice",
                    "Un incubateur est nommé deux fois.",
                ));
            }
            seen.push(slug.clone());
        }
        Ok(self)
    }

    /// Empties the part of the sheet a [`ProductSheet::checked`] error names (`links.budget`,
    /// `monservicesecurise.url`, a list, `co_incubators`): how an import drops a bad value
    /// and keeps the rest. `false` when the field names nothing that can be emptied.
    pub fn clear(&mut self, field: &str) -> bool {
        let list = field.split('[').next().unwrap_or(field);
        match list {
            "thematiques" => self.thematiques.clear(),
            "user_types" => self.user_types.clear(),
            "technos" => self.technos.clear(),
            "co_incubators" => self.co_incubators.clear(),
            "monservicesecurise.url" => self.monservicesecurise.url = None,
            _ => {
                let Some(name) = field.strip_prefix("links.") else {
                    return false;
                };
                let Some((_, link)) = self.links.all_mut().into_iter().find(|(n, _)| *n == name)
                else {
                    return false;
                };
                *link = None;
            }
        }
        true
    }

    /// This sheet (a catalogue's) over `stored`: every part this one leaves empty keeps the
    /// stored value. The catalogue's two shapes do not carry the same fields (the API has no
    /// `usertypes`), so what a source is silent about is never erased by an import.
    pub fn over(self, stored: &ProductSheet) -> ProductSheet {
        fn pick<T: Clone + Default + PartialEq>(ours: T, stored: &T) -> T {
            if ours == T::default() {
                stored.clone()
            } else {
                ours
            }
        }
        let (c, l, m) = (self.contacts, self.links, self.monservicesecurise);
        ProductSheet {
            thematiques: pick(self.thematiques, &stored.thematiques),
            user_types: pick(self.user_types, &stored.user_types),
            technos: pick(self.technos, &stored.technos),
            co_incubators: pick(self.co_incubators, &stored.co_incubators),
            contacts: Contacts {
                product: pick(c.product, &stored.contacts.product),
                dinum: pick(c.dinum, &stored.contacts.dinum),
                incubator: pick(c.incubator, &stored.contacts.incubator),
            },
            links: Links {
                stats: pick(l.stats, &stored.links.stats),
                budget: pick(l.budget, &stored.links.budget),
                impact: pick(l.impact, &stored.links.impact),
                roadmap: pick(l.roadmap, &stored.links.roadmap),
                dashlord: pick(l.dashlord, &stored.links.dashlord),
                ecodesign: pick(l.ecodesign, &stored.links.ecodesign),
                risk_analysis: pick(l.risk_analysis, &stored.links.risk_analysis),
            },
            accessibility_status: pick(self.accessibility_status, &stored.accessibility_status),
            dsfr_status: pick(self.dsfr_status, &stored.dsfr_status),
            monservicesecurise: MonServiceSecurise {
                registered: pick(m.registered, &stored.monservicesecurise.registered),
                url: pick(m.url, &stored.monservicesecurise.url),
            },
            risk_analysis: pick(self.risk_analysis, &stored.risk_analysis),
        }
    }

    /// The incubators running the product: its own first, then the co-incubators.
    pub fn incubators(&self, incubator: &Slug) -> Vec<Slug> {
        std::iter::once(incubator.clone())
            .chain(self.co_incubators.iter().cloned())
            .collect()
    }
}

fn clean_list(field: &str, list: &[String]) -> DomainResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for label in list {
        let label = label.trim();
        if label.is_empty() || out.iter().any(|l| fold(l) == fold(label)) {
            continue;
        }
        check_required(&format!("{field}[{}]", out.len()), label, LABEL_MAX)?;
        out.push(label.to_owned());
    }
    if out.len() > SHEET_LIST_MAX {
        return Err(DomainError::invalid(
            field,
            Problem::rule(
                format!("at most {SHEET_LIST_MAX} labels"),
                format!("Au plus {SHEET_LIST_MAX} libellés."),
            ),
        ));
    }
    Ok(out)
}

fn check_link(field: &str, link: &mut Option<String>) -> DomainResult<()> {
    let trimmed = link.as_deref().map(str::trim).filter(|l| !l.is_empty());
    match trimmed {
        None => *link = None,
        Some(url) => {
            check_http_url(field, url, URL_MAX)?;
            *link = Some(url.to_owned());
        }
    }
    Ok(())
}

/// A contact as the catalogue writes it: an address, or a beta.gouv.fr member's id
/// (`julie.guyot`), whose address is `julie.guyot@beta.gouv.fr`. `None` when blank or not
/// an address either way.
pub fn catalogue_contact(text: &str) -> Option<Email> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.contains('@') {
        Email::parse(text).ok()
    } else {
        Email::parse(&format!("{text}@beta.gouv.fr")).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(s: &str) -> Slug {
        Slug::parse(s).expect("slug")
    }

    #[test]
    fn accessibility_status_from_the_catalogues_french() {
        use AccessibilityStatus::*;
        assert_eq!(
            AccessibilityStatus::from_catalogue("non conforme"),
            Some(NotCompliant)
        );
        assert_eq!(
            AccessibilityStatus::from_catalogue(" Partiellement conforme "),
            Some(PartiallyCompliant)
        );
        assert_eq!(
            AccessibilityStatus::from_catalogue("totalement conforme"),
            Some(FullyCompliant)
        );
        assert_eq!(
            AccessibilityStatus::from_catalogue("fully_compliant"),
            Some(FullyCompliant)
        );
        assert_eq!(AccessibilityStatus::from_catalogue("peut-être"), None);
        assert_eq!(PartiallyCompliant.label_fr(), "Partiellement conforme");
    }

    #[test]
    fn a_sheet_is_cleaned_and_checked() {
        let dinum = slug("dinum");
        let sheet = ProductSheet {
            thematiques: vec![
                " Écologie ".into(),
                "".into(),
                "écologie".into(),
                "Mer".into(),
            ],
            co_incubators: vec![slug("anct")],
            links: Links {
                stats: Some(" https://stats.example.org ".into()),
                budget: Some("  ".into()),
                ..Links::default()
            },
            ..ProductSheet::default()
        };
        let checked = sheet.checked(&dinum).expect("valid");
        assert_eq!(checked.thematiques, ["Écologie", "Mer"]);
        assert_eq!(
            checked.links.stats.as_deref(),
            Some("https://stats.example.org")
        );
        assert_eq!(checked.links.budget, None);
        assert_eq!(checked.incubators(&dinum), [dinum.clone(), slug("anct")]);
    }

    #[test]
    fn bad_links_and_incubators_name_their_field() {
        let dinum = slug("dinum");
        let bad_link = ProductSheet {
            links: Links {
                impact: Some("ftp://x.org".into()),
                ..Links::default()
            },
            ..ProductSheet::default()
        };
        let err = bad_link.checked(&dinum).expect_err("ftp");
        assert_eq!(err.field(), Some("links.impact"));
        let own = ProductSheet {
            co_incubators: vec![dinum.clone()],
            ..ProductSheet::default()
        };
        assert_eq!(
            own.checked(&dinum).expect_err("own").field(),
            Some("co_incubators")
        );
        let long = ProductSheet {
            technos: vec!["x".repeat(101)],
            ..ProductSheet::default()
        };
        assert_eq!(
            long.checked(&dinum).expect_err("long").field(),
            Some("technos[0]")
        );
        let many = ProductSheet {
            thematiques: (0..31).map(|i| format!("t{i}")).collect(),
            ..ProductSheet::default()
        };
        assert_eq!(
            many.checked(&dinum).expect_err("many").field(),
            Some("thematiques")
        );
    }

    #[test]
    fn clearing_the_field_an_error_names() {
        let mut sheet = ProductSheet {
            technos: vec!["x".into()],
            links: Links {
                dashlord: Some("nope".into()),
                stats: Some("https://a.org".into()),
                ..Links::default()
            },
            ..ProductSheet::default()
        };
        assert!(sheet.clear("links.dashlord"));
        assert!(sheet.clear("technos[0]"));
        assert!(!sheet.clear("name"));
        assert_eq!(sheet.links.dashlord, None);
        assert_eq!(sheet.links.stats.as_deref(), Some("https://a.org"));
        assert!(sheet.technos.is_empty());
    }

    #[test]
    fn a_silent_source_erases_nothing() {
        let stored = ProductSheet {
            user_types: vec!["etat".into()],
            thematiques: vec!["Mer".into()],
            ..ProductSheet::default()
        };
        let catalogue = ProductSheet {
            thematiques: vec!["Écologie".into()],
            risk_analysis: Some(false),
            ..ProductSheet::default()
        };
        let merged = catalogue.over(&stored);
        assert_eq!(merged.user_types, ["etat"]);
        assert_eq!(merged.thematiques, ["Écologie"]);
        assert_eq!(merged.risk_analysis, Some(false));
    }

    #[test]
    fn public_links_leave_the_risk_analysis_out() {
        let links = Links {
            stats: Some("https://a.org".into()),
            risk_analysis: Some("https://b.org".into()),
            ..Links::default()
        };
        assert_eq!(links.public().risk_analysis, None);
        assert_eq!(links.public().stats.as_deref(), Some("https://a.org"));
    }

    #[test]
    fn catalogue_contacts() {
        assert_eq!(
            catalogue_contact("julie.guyot").map(|e| e.to_string()),
            Some("julie.guyot@beta.gouv.fr".to_owned())
        );
        assert_eq!(
            catalogue_contact("Contact@Mobilic.beta.gouv.fr").map(|e| e.to_string()),
            Some("contact@mobilic.beta.gouv.fr".to_owned())
        );
        assert_eq!(catalogue_contact(" "), None);
        assert_eq!(catalogue_contact("a b"), None);
    }
}
