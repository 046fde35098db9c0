//! The product sheet as the catalogue writes it (`startups.json` v2.7 attributes and the
//! content files' front matter share the names): thematiques, `usertypes`, technos, contacts,
//! links, accessibility status, MonServiceSécurisé, risk analysis; co-incubators come from
//! `relationships.incubators`. Real files are loose: a value of an unexpected type is read as
//! absent, a bad one is dropped and reported, never the product.

use pilote_domain::{AccessibilityStatus, ProductSheet, Slug, catalogue_contact};
use serde::Deserialize;

use super::Catalogue;

/// Any YAML or JSON value, read without failing.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum Loose {
    Text(String),
    Flag(bool),
    List(Vec<Loose>),
    Other(serde::de::IgnoredAny),
}

impl Loose {
    fn text(&self) -> Option<&str> {
        match self {
            Loose::Text(t) if !t.trim().is_empty() => Some(t.trim()),
            _ => None,
        }
    }

    fn texts(&self) -> Vec<String> {
        match self {
            Loose::List(items) => items
                .iter()
                .filter_map(Loose::text)
                .map(str::to_owned)
                .collect(),
            other => other.text().map(str::to_owned).into_iter().collect(),
        }
    }

    fn flag(&self) -> Option<bool> {
        match self {
            Loose::Flag(b) => Some(*b),
            _ => None,
        }
    }
}

/// The sheet's fields of one startup, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct RawSheet {
    contact: Option<Loose>,
    contact_dinum: Option<Loose>,
    contact_incubator: Option<Loose>,
    stats_url: Option<Loose>,
    budget_url: Option<Loose>,
    impact_url: Option<Loose>,
    roadmap_url: Option<Loose>,
    dashlord_url: Option<Loose>,
    ecodesign_url: Option<Loose>,
    analyse_risques_url: Option<Loose>,
    accessibility_status: Option<Loose>,
    thematiques: Option<Loose>,
    usertypes: Option<Loose>,
    #[serde(alias = "techno")]
    technos: Option<Loose>,
    analyse_risques: Option<Loose>,
    mon_service_securise: Option<Loose>,
}

fn text(value: &Option<Loose>) -> Option<String> {
    value.as_ref().and_then(Loose::text).map(str::to_owned)
}

fn texts(value: &Option<Loose>) -> Vec<String> {
    value.as_ref().map(Loose::texts).unwrap_or_default()
}

fn flag(value: &Option<Loose>) -> Option<bool> {
    value.as_ref().and_then(Loose::flag)
}

impl RawSheet {
    /// The checked sheet of startup `id` run by `incubator`; `co_incubators` already resolved.
    /// Each bad value is dropped and reported in French.
    pub(super) fn into_sheet(
        self,
        id: &str,
        incubator: &Slug,
        co_incubators: Vec<Slug>,
        catalogue: &mut Catalogue,
    ) -> ProductSheet {
        let contact = |field: &str, value: &Option<Loose>, catalogue: &mut Catalogue| {
            let written = text(value)?;
            let email = catalogue_contact(&written);
            if email.is_none() {
                let problem = format!("contact « {written} » qui n’est pas une adresse : ignoré");
                catalogue.anomaly(id, field, &problem);
            }
            email
        };
        let mut sheet = ProductSheet::default();
        sheet.contacts.product = contact("contact", &self.contact, catalogue);
        sheet.contacts.dinum = contact("contact_dinum", &self.contact_dinum, catalogue);
        sheet.contacts.incubator = contact("contact_incubator", &self.contact_incubator, catalogue);
        sheet.thematiques = texts(&self.thematiques);
        sheet.user_types = texts(&self.usertypes);
        sheet.technos = texts(&self.technos);
        sheet.co_incubators = co_incubators;
        sheet.links.stats = text(&self.stats_url);
        sheet.links.budget = text(&self.budget_url);
        sheet.links.impact = text(&self.impact_url);
        sheet.links.roadmap = text(&self.roadmap_url);
        sheet.links.dashlord = text(&self.dashlord_url);
        sheet.links.ecodesign = text(&self.ecodesign_url);
        sheet.links.risk_analysis = text(&self.analyse_risques_url);
        if let Some(written) = text(&self.accessibility_status) {
            sheet.accessibility_status = AccessibilityStatus::from_catalogue(&written);
            if sheet.accessibility_status.is_none() {
                let problem = format!("statut d’accessibilité inconnu « {written} » : ignoré");
                catalogue.anomaly(id, "accessibility_status", &problem);
            }
        }
        sheet.risk_analysis = flag(&self.analyse_risques);
        sheet.monservicesecurise.registered = flag(&self.mon_service_securise);
        // Bad values are dropped one at a time and reported.
        for _ in 0..20 {
            match sheet.clone().checked(incubator) {
                Ok(checked) => return checked,
                Err(e) => {
                    let field = e.field().unwrap_or_default().to_owned();
                    let problem = format!("{} : retiré", e.french().trim_end_matches('.'));
                    catalogue.anomaly(id, &field, &problem);
                    if !sheet.clear(&field) {
                        break;
                    }
                }
            }
        }
        ProductSheet::default()
    }
}
