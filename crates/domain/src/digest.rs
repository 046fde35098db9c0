//! The weekly digest of a portfolio (`pilote digest`): what an incubator's managers should look
//! at this week, in a few lines. The store gathers it; this module holds its shape, the ISO
//! week it covers and its French Markdown and HTML renderings.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use crate::{
    DomainError, DomainResult, MatrixRole, ObjectiveStatus, Period, Periodicity, SlotState, french,
};

/// Parses an ISO week, `2026-W47` (Invalid, field "week", otherwise): the week from its Monday.
pub fn parse_iso_week(text: &str) -> DomainResult<Period> {
    let invalid = || {
        DomainError::rule(
            "week",
            "must be an ISO week such as 2026-W47",
            "La semaine doit être au format ISO, par exemple 2026-W47.",
        )
    };
    let (year, week) = text.trim().split_once("-W").ok_or_else(invalid)?;
    let year: i32 = year.parse().map_err(|_| invalid())?;
    let week: u32 = week.parse().map_err(|_| invalid())?;
    let monday = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(invalid)?;
    Period::from_start(Periodicity::Week, monday)
}

/// `2026-W47` for the week starting Monday 2026-11-16.
pub fn iso_week_label(week: Period) -> String {
    let iso = week.start().iso_week();
    format!("{}-W{:02}", iso.year(), iso.week())
}

/// A product named in the digest.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DigestProduct {
    /// Its slug.
    pub slug: String,
    /// Its name.
    pub name: String,
}

/// An objective whose status changed during the week.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatusChange {
    /// The product.
    pub product: DigestProduct,
    /// The indicator's label.
    pub indicator: String,
    /// The status at the end of the week before.
    pub before: ObjectiveStatus,
    /// The status at the end of the week.
    pub after: ObjectiveStatus,
}

/// A value still flagged as suspect.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SuspectEntry {
    /// The product.
    pub product: DigestProduct,
    /// The indicator's label.
    pub indicator: String,
    /// The indicator's key (where its value's page and confirmation form are).
    pub key: String,
    /// The start of the value's period.
    pub period: NaiveDate,
    /// The value.
    pub value: f64,
}

/// A product past its incubator's maximum duration for its phase.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OverdueEntry {
    /// The product.
    pub product: DigestProduct,
    /// Its phase, in French.
    pub phase: String,
    /// Since when it is over the limit.
    pub overdue_since: NaiveDate,
}

/// A contract review due within [`REVIEW_HORIZON_DAYS`] of the end of the week, or overdue.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReviewDue {
    /// The product.
    pub product: DigestProduct,
    /// When the review is due.
    pub due_on: NaiveDate,
    /// Whether that date has passed.
    pub overdue: bool,
}

/// A matrix whose mandatory slots are not all filled.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IncompleteMatrix {
    /// The product.
    pub product: DigestProduct,
    /// How many of the four mandatory slots are `ok`.
    pub ok: usize,
    /// The slots that are not, with their state.
    pub gaps: Vec<(MatrixRole, SlotState)>,
}

impl IncompleteMatrix {
    /// « 2/4 cases renseignées (Impact : manquante, …) »: what the digest and the pages say.
    pub fn summary_fr(&self) -> String {
        let gaps: Vec<String> = self
            .gaps
            .iter()
            .map(|(role, state)| {
                format!("{} : {}", role.label_fr(), state.label_fr().to_lowercase())
            })
            .collect();
        format!("{}/4 cases renseignées ({})", self.ok, gaps.join(", "))
    }
}

/// A running product's next committee, to schedule within 30 days or overdue.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CommitteeEntry {
    /// The product.
    pub product: DigestProduct,
    /// When it is due (its incubator's cadence after the last committee decision).
    pub due_on: NaiveDate,
    /// To schedule or overdue.
    pub state: crate::CommitteeState,
}

/// An indicator's source whose last run failed (docs/connectors.md).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FailingSourceEntry {
    /// The product.
    pub product: DigestProduct,
    /// The indicator's label.
    pub indicator: String,
    /// The day of the failed run.
    pub on: NaiveDate,
    /// Why it failed, in French.
    pub error: String,
}

/// How far ahead the digest looks for reviews.
pub const REVIEW_HORIZON_DAYS: u64 = 30;

/// What needs looking at, as of a day: the digest's sections, and the steering signals the
/// portfolio and product pages show. One gathering (`pilote_store::repo::digest::signals`)
/// serves the weekly digest and the pages, so that they never disagree.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Signals {
    /// Teams with no value for the last complete week on some weekly indicator.
    pub late_teams: Vec<DigestProduct>,
    /// Objectives whose status changed during the period looked at.
    pub status_changes: Vec<StatusChange>,
    /// Values flagged as suspect and not cleared.
    pub suspect_values: Vec<SuspectEntry>,
    /// Products overdue in their phase.
    pub overdue_products: Vec<OverdueEntry>,
    /// Reviews due within 30 days (or overdue).
    pub reviews_due: Vec<ReviewDue>,
    /// Matrices with a mandatory slot missing or stale.
    pub incomplete_matrices: Vec<IncompleteMatrix>,
    /// Committees to schedule within 30 days, or overdue.
    pub committees: Vec<CommitteeEntry>,
    /// Sources whose last run failed, as of the digest's making.
    pub failing_sources: Vec<FailingSourceEntry>,
}

impl Signals {
    /// Whether there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.late_teams.is_empty()
            && self.status_changes.is_empty()
            && self.suspect_values.is_empty()
            && self.overdue_products.is_empty()
            && self.reviews_due.is_empty()
            && self.incomplete_matrices.is_empty()
            && self.committees.is_empty()
            && self.failing_sources.is_empty()
    }

    /// Only the products `keep` accepts (by slug): a page's filters applied to the signals.
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.late_teams.retain(|p| keep(&p.slug));
        self.status_changes.retain(|c| keep(&c.product.slug));
        self.suspect_values.retain(|s| keep(&s.product.slug));
        self.overdue_products.retain(|o| keep(&o.product.slug));
        self.reviews_due.retain(|r| keep(&r.product.slug));
        self.incomplete_matrices.retain(|m| keep(&m.product.slug));
        self.committees.retain(|c| keep(&c.product.slug));
        self.failing_sources.retain(|f| keep(&f.product.slug));
    }
}

/// The digest of one week.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Digest {
    /// `2026-W47`.
    pub week: String,
    /// The week's Monday.
    pub from: NaiveDate,
    /// The week's Sunday: everything is seen as of that day.
    pub to: NaiveDate,
    /// The incubator it is limited to, if any.
    pub incubator: Option<String>,
    /// What the week's managers should look at (its fields are the JSON's, flattened).
    #[serde(flatten)]
    pub signals: Signals,
}

impl Digest {
    /// Whether there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.signals.is_empty()
    }

    /// The sections: a French heading and one line per item, text only (each renderer
    /// escapes as its format needs).
    fn sections(&self) -> Vec<(&'static str, Vec<String>)> {
        let late = self
            .signals
            .late_teams
            .iter()
            .map(|p| format!("{} ({}) : aucune valeur pour la semaine", p.name, p.slug))
            .collect();
        let changes = self
            .signals
            .status_changes
            .iter()
            .map(|c| {
                format!(
                    "{} — {} : {} → {}",
                    c.product.name,
                    c.indicator,
                    c.before.label_fr(),
                    c.after.label_fr()
                )
            })
            .collect();
        let suspects = self
            .signals
            .suspect_values
            .iter()
            .map(|s| {
                format!(
                    "{} — {} : {} (période du {})",
                    s.product.name,
                    s.indicator,
                    french::decimal(s.value),
                    french::numeric_date(s.period)
                )
            })
            .collect();
        let overdue = self
            .signals
            .overdue_products
            .iter()
            .map(|o| {
                format!(
                    "{} ({}) : en {} au-delà de la durée maximale depuis le {}",
                    o.product.name,
                    o.product.slug,
                    o.phase,
                    french::numeric_date(o.overdue_since)
                )
            })
            .collect();
        let reviews = self
            .signals
            .reviews_due
            .iter()
            .map(|r| {
                format!(
                    "{} : revue {} le {}",
                    r.product.name,
                    if r.overdue {
                        "en retard, due"
                    } else {
                        "prévue"
                    },
                    french::numeric_date(r.due_on)
                )
            })
            .collect();
        let matrices = self
            .signals
            .incomplete_matrices
            .iter()
            .map(|m| format!("{} : {}", m.product.name, m.summary_fr()))
            .collect();
        let committees = self
            .signals
            .committees
            .iter()
            .map(|c| {
                format!(
                    "{} ({}) : comité {}, dû le {}",
                    c.product.name,
                    c.product.slug,
                    c.state.label_fr(),
                    french::numeric_date(c.due_on)
                )
            })
            .collect();
        let sources = self
            .signals
            .failing_sources
            .iter()
            .map(|f| {
                format!(
                    "{} — {} : échec le {} ({})",
                    f.product.name,
                    f.indicator,
                    french::numeric_date(f.on),
                    f.error
                )
            })
            .collect();
        vec![
            ("Équipes en retard de saisie", late),
            ("Objectifs dont le statut a changé", changes),
            ("Valeurs suspectes à vérifier", suspects),
            ("Produits au-delà de la durée de leur phase", overdue),
            ("Revues dans les 30 jours", reviews),
            ("Matrices d'impact incomplètes", matrices),
            ("Comités à planifier ou en retard", committees),
            ("Sources de données en échec", sources),
        ]
    }

    fn title(&self) -> String {
        let scope = self
            .incubator
            .as_deref()
            .map_or_else(String::new, |i| format!(" — incubateur {i}"));
        format!(
            "Pilote : synthèse de la semaine {} (du {} au {}){scope}",
            self.week,
            french::numeric_date(self.from),
            french::numeric_date(self.to)
        )
    }

    /// Markdown, as Mattermost and Slack incoming webhooks show it. Names are written as they
    /// are: Markdown in a product's name is the team's own formatting.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("#### {}\n", self.title());
        if self.is_empty() {
            out.push_str("\nRien à signaler cette semaine.\n");
            return out;
        }
        for (heading, lines) in self.sections() {
            if lines.is_empty() {
                continue;
            }
            out.push_str(&format!("\n**{heading}** ({})\n", lines.len()));
            for line in lines {
                out.push_str(&format!("- {line}\n"));
            }
        }
        out
    }

    /// A small self-contained French HTML page, every text escaped.
    pub fn to_html(&self) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"fr\">\n<head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n{}</body>\n</html>\n",
            escape(&self.title()),
            self.to_html_fragment()
        )
    }

    /// The page's body alone (a heading, then the sections), every text escaped: what a
    /// Matrix message's `formatted_body` holds.
    pub fn to_html_fragment(&self) -> String {
        let mut out = format!("<h1>{}</h1>\n", escape(&self.title()));
        if self.is_empty() {
            out.push_str("<p>Rien à signaler cette semaine.</p>\n");
        }
        for (heading, lines) in self.sections() {
            if lines.is_empty() {
                continue;
            }
            out.push_str(&format!(
                "<h2>{} ({})</h2>\n<ul>\n",
                escape(heading),
                lines.len()
            ));
            for line in lines {
                out.push_str(&format!("<li>{}</li>\n", escape(&line)));
            }
            out.push_str("</ul>\n");
        }
        out
    }
}

/// HTML-escapes text for element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn product(slug: &str, name: &str) -> DigestProduct {
        DigestProduct {
            slug: slug.to_owned(),
            name: name.to_owned(),
        }
    }

    fn empty() -> Digest {
        Digest {
            week: "2026-W47".to_owned(),
            from: d("2026-11-16"),
            to: d("2026-11-22"),
            incubator: None,
            signals: Signals::default(),
        }
    }

    #[test]
    fn iso_weeks_parse_and_print() {
        let week = parse_iso_week("2026-W47").expect("week");
        assert_eq!(week.start(), d("2026-11-16"));
        assert_eq!(iso_week_label(week), "2026-W47");
        // Week 1 of 2026 starts on Monday 2025-12-29.
        assert_eq!(
            parse_iso_week("2026-W01").expect("week").start(),
            d("2025-12-29")
        );
        for bad in ["2026-47", "2026-W54", "W47", "2026-Wxx", ""] {
            let e = parse_iso_week(bad).expect_err(bad);
            assert_eq!(e.field(), Some("week"));
        }
    }

    #[test]
    fn an_empty_week_says_so() {
        let digest = empty();
        assert!(
            digest
                .to_markdown()
                .contains("Rien à signaler cette semaine.")
        );
        assert!(digest.to_markdown().starts_with(
            "#### Pilote : synthèse de la semaine 2026-W47 (du 16/11/2026 au 22/11/2026)"
        ));
    }

    #[test]
    fn sections_list_their_items_and_html_escapes() {
        let mut digest = empty();
        digest
            .signals
            .late_teams
            .push(product("retard", "<b>Retard</b>"));
        digest.signals.overdue_products.push(OverdueEntry {
            product: product("vieux", "Vieux produit"),
            phase: "Construction".to_owned(),
            overdue_since: d("2026-05-04"),
        });
        digest.signals.suspect_values.push(SuspectEntry {
            product: product("x", "X"),
            indicator: "Démarches".to_owned(),
            key: "demarches".to_owned(),
            period: d("2026-11-16"),
            value: 12.5,
        });
        let md = digest.to_markdown();
        assert!(md.contains("**Équipes en retard de saisie** (1)\n- <b>Retard</b> (retard)"));
        assert!(md.contains("Vieux produit (vieux) : en Construction au-delà de la durée maximale depuis le 04/05/2026"));
        assert!(md.contains("Démarches : 12,5 (période du 16/11/2026)"));
        assert!(
            !md.contains("Revues dans les 30 jours"),
            "empty sections are left out"
        );
        let html = digest.to_html();
        assert!(html.contains("&lt;b&gt;Retard&lt;/b&gt;"));
        assert!(!html.contains("<b>Retard"));
    }
}
