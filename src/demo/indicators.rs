//! The demo's indicator templates and how their synthetic values move over time.

use chrono::{Datelike, NaiveDate};
use pilote_domain::{
    Aggregation, Direction, DomainResult, Indicator, MatrixRole, MeasureSource, MeasureValue,
    Periodicity, Principle, Slug,
};
use pilote_store::{
    Actor, DbConnection, IndicatorId, ProductId, StoreResult,
    repo::measures::{self, MeasureInput},
};

use super::Rng;

/// Every how many products the team keeps the whole « matrice d'impact » filled: its north
/// star and the four indicators of the mandatory slots, so that the portfolio shows complete
/// matrices next to the many partial ones. `nth` is the product's position, from 1.
pub(super) fn fill_matrix(chosen: &mut Vec<&'static Template>, nth: usize) {
    if nth % 4 != 1 {
        return;
    }
    chosen.truncate(1);
    chosen.extend(POOL.iter().filter(|t| t.role.is_some()));
}

/// Every how many products one gets a typo in its latest north-star value, and which one of
/// them: a few suspect values in a portfolio of about forty, chosen by position so that the
/// generator's sequence (and so the rest of the demo) is unchanged.
const TYPO_EVERY: usize = 12;
const TYPO_AT: usize = 5;

/// For one product in [`TYPO_EVERY`], re-posts its north star's latest value ten times too
/// large, as a form would (a slipped decimal point): stored and flagged as suspect, for the
/// digest and the series to show. `nth` is the product's position, from 1. Returns how many
/// values were flagged.
pub(super) fn typo(
    c: &mut DbConnection,
    (product, nth): (ProductId, usize),
    created: &[(IndicatorId, &'static Template)],
    posted: &[MeasureInput],
    today: NaiveDate,
) -> StoreResult<usize> {
    let Some((north_star, _)) = created.first() else {
        return Ok(0);
    };
    let series: Vec<&MeasureInput> = posted
        .iter()
        .filter(|m| m.indicator == *north_star)
        .collect();
    let Some(latest) = series
        .last()
        .filter(|_| nth % TYPO_EVERY == TYPO_AT && series.len() > 8)
    else {
        return Ok(0);
    };
    let slipped = MeasureInput {
        value: MeasureValue::new(latest.value.get() * 10.0 + 10.0)?,
        ..(*latest).clone()
    };
    let posted = measures::post(
        c,
        product,
        &[slipped],
        MeasureSource::Form,
        Actor::System,
        today,
    )?;
    Ok(posted.suspects.len())
}

/// How a template's values are scaled, rounded and bounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// Whole things per period, scaled by the product's audience, with seasons.
    Count,
    /// Euros: like counts, rounded to ten euros.
    Euros,
    /// A rate, kept within 0–100.
    Percent,
    /// The users' mean rating, kept within 1–7.
    Score,
    /// A positive quantity (days, hours, euros per file) that does not grow with the audience.
    Level,
}

/// An indicator as a team would define it, with the trend its synthetic values follow.
#[derive(Debug)]
pub(super) struct Template {
    pub key: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub principle: Principle,
    pub periodicity: Periodicity,
    pub aggregation: Aggregation,
    pub role: Option<MatrixRole>,
    pub kind: Kind,
    /// The level at launch; the direction follows from `to`: a template whose values fall
    /// is one where lower is better, so that every trend is an improvement.
    pub from: f64,
    /// The level once the product is mature.
    pub to: f64,
    pub description: &'static str,
}

/// Where a product's curves stand: launch day, time to maturity, size of its audience.
pub(super) struct Curve {
    pub launched: NaiveDate,
    pub maturity_days: f64,
    pub audience: f64,
}

impl Template {
    /// The indicator to store.
    pub fn indicator(&self, north_star: bool) -> DomainResult<Indicator> {
        Ok(Indicator {
            key: Slug::parse(self.key)?,
            label: self.label.to_owned(),
            unit: self.unit.to_owned(),
            direction: if self.to < self.from {
                Direction::Decrease
            } else {
                Direction::Increase
            },
            principle: self.principle,
            periodicity: self.periodicity,
            aggregation: self.aggregation,
            matrix_role: self.role,
            north_star,
            description: Some(self.description.to_owned()),
        })
    }

    /// The value for the period starting on `start`: trend, then season and noise, rounded as
    /// a team would report it.
    pub fn value(&self, curve: &Curve, start: NaiveDate, rng: &mut Rng) -> f64 {
        let age = (start - curve.launched).num_days().max(0) as f64;
        let x = (age / curve.maturity_days).min(1.0);
        // Smoothstep: slow start, steady climb, plateau, as adoption usually goes.
        let progress = x * x * (3.0 - 2.0 * x);
        let trend = self.from + (self.to - self.from) * progress;
        let noise = rng.gaussian();
        match self.kind {
            Kind::Count => {
                let v = trend * curve.audience * season(start) * (1.0 + 0.08 * noise);
                v.max(0.0).round()
            }
            Kind::Euros => {
                let v = trend * curve.audience * season(start) * (1.0 + 0.1 * noise);
                (v.max(0.0) / 10.0).round() * 10.0
            }
            Kind::Percent => round_to((trend + 1.5 * noise).clamp(0.0, 100.0), 10.0),
            Kind::Score => round_to((trend + 0.12 * noise).clamp(1.0, 7.0), 100.0),
            Kind::Level => round_to((trend * (1.0 + 0.07 * noise)).max(0.1), 10.0),
        }
    }
}

/// Activity relative to an ordinary week: French administrations slow down in summer and
/// over the end-of-year holidays.
fn season(d: NaiveDate) -> f64 {
    match (d.month(), d.day()) {
        (8, _) => 0.7,
        (7, 15..) => 0.85,
        (12, 22..) | (1, ..=3) => 0.6,
        _ => 1.0,
    }
}

/// Rounds to 1/`per` (10: one decimal).
fn round_to(v: f64, per: f64) -> f64 {
    (v * per).round() / per
}

/// North stars: each product's catalogue entry names one. All weekly, so that a team that
/// stops posting shows as late.
pub(super) const DOSSIERS: Template = Template {
    key: "dossiers-deposes",
    label: "Dossiers déposés en ligne",
    unit: "dossiers",
    principle: Principle::Used,
    periodicity: Periodicity::Week,
    aggregation: Aggregation::Sum,
    role: None,
    kind: Kind::Count,
    from: 3.0,
    to: 900.0,
    description: "Dossiers complets reçus dans la semaine, d'après la base de production.",
};
pub(super) const DEMARCHES: Template = Template {
    key: "demarches-abouties",
    label: "Démarches abouties",
    unit: "démarches",
    principle: Principle::Useful,
    periodicity: Periodicity::Week,
    aggregation: Aggregation::Sum,
    role: None,
    kind: Kind::Count,
    from: 2.0,
    to: 600.0,
    description: "Démarches menées jusqu'à la décision ou au paiement dans la semaine.",
};
pub(super) const USAGERS: Template = Template {
    key: "usagers-accompagnes",
    label: "Usagers accompagnés",
    unit: "usagers",
    principle: Principle::Impactful,
    periodicity: Periodicity::Week,
    aggregation: Aggregation::Sum,
    role: None,
    kind: Kind::Count,
    from: 2.0,
    to: 350.0,
    description: "Personnes dont l'accompagnement a commencé dans la semaine.",
};
pub(super) const AIDES: Template = Template {
    key: "aides-versees",
    label: "Montant des aides versées",
    unit: "€",
    principle: Principle::Impactful,
    periodicity: Periodicity::Week,
    aggregation: Aggregation::Sum,
    role: None,
    kind: Kind::Euros,
    from: 800.0,
    to: 180_000.0,
    description: "Somme des aides mises en paiement dans la semaine, d'après l'agent comptable.",
};
pub(super) const UTILISATEURS: Template = Template {
    key: "utilisateurs-hebdomadaires",
    label: "Utilisateurs hebdomadaires",
    unit: "utilisateurs",
    principle: Principle::Used,
    periodicity: Periodicity::Week,
    aggregation: Aggregation::Mean,
    role: None,
    kind: Kind::Count,
    from: 20.0,
    to: 6_000.0,
    description: "Visiteurs uniques ayant utilisé au moins une fonctionnalité dans la semaine.",
};
pub(super) const DELAI: Template = Template {
    key: "delai-de-reponse",
    label: "Délai moyen de réponse",
    unit: "jours",
    principle: Principle::Impactful,
    periodicity: Periodicity::Week,
    aggregation: Aggregation::Mean,
    role: None,
    kind: Kind::Level,
    from: 42.0,
    to: 6.0,
    description: "Jours entre la demande et la réponse, moyenne des demandes closes.",
};
pub(super) const SIGNALEMENTS: Template = Template {
    key: "signalements-traites",
    label: "Signalements traités",
    unit: "signalements",
    principle: Principle::Impactful,
    periodicity: Periodicity::Week,
    aggregation: Aggregation::Sum,
    role: None,
    kind: Kind::Count,
    from: 2.0,
    to: 250.0,
    description: "Signalements clos par les services instructeurs dans la semaine.",
};
pub(super) const MISES_EN_RELATION: Template = Template {
    key: "mises-en-relation",
    label: "Mises en relation abouties",
    unit: "mises en relation",
    principle: Principle::Impactful,
    periodicity: Periodicity::Week,
    aggregation: Aggregation::Sum,
    role: None,
    kind: Kind::Count,
    from: 1.0,
    to: 300.0,
    description: "Mises en relation confirmées par les deux parties dans la semaine.",
};
pub(super) const RECOURS: Template = Template {
    key: "taux-de-recours",
    label: "Taux de recours au droit",
    unit: "%",
    principle: Principle::Impactful,
    periodicity: Periodicity::Week,
    aggregation: Aggregation::Mean,
    role: None,
    kind: Kind::Percent,
    from: 22.0,
    to: 58.0,
    description: "Part des personnes éligibles qui ont demandé le droit, sur le territoire pilote.",
};

/// The other indicators teams pick from, covering the five columns of the matrix.
pub(super) const POOL: [Template; 11] = [
    Template {
        key: "utilisateurs-actifs-mensuels",
        label: "Utilisateurs actifs mensuels",
        unit: "utilisateurs",
        principle: Principle::Used,
        periodicity: Periodicity::Month,
        aggregation: Aggregation::Last,
        role: Some(MatrixRole::MonthlyActiveUsers),
        kind: Kind::Count,
        from: 50.0,
        to: 20_000.0,
        description: "Comptes ayant effectué au moins une action dans le mois.",
    },
    Template {
        key: "facilite-utilisation",
        label: "Facilité d'utilisation",
        unit: "sur 7",
        principle: Principle::Usable,
        periodicity: Periodicity::Week,
        aggregation: Aggregation::Mean,
        role: Some(MatrixRole::EaseOfUse),
        kind: Kind::Score,
        from: 4.1,
        to: 5.9,
        description: "Note moyenne de 1 à 7 donnée à la fin du parcours.",
    },
    Template {
        key: "taux-abandon",
        label: "Taux d'abandon du parcours",
        unit: "%",
        principle: Principle::Usable,
        periodicity: Periodicity::Week,
        aggregation: Aggregation::Mean,
        role: None,
        kind: Kind::Percent,
        from: 46.0,
        to: 17.0,
        description: "Parcours commencés et non terminés, sur les parcours commencés.",
    },
    Template {
        key: "taux-contact-support",
        label: "Taux de contact du support",
        unit: "%",
        principle: Principle::Usable,
        periodicity: Periodicity::Week,
        aggregation: Aggregation::Mean,
        role: None,
        kind: Kind::Percent,
        from: 12.0,
        to: 3.5,
        description: "Demandes d'aide reçues pour cent démarches commencées.",
    },
    Template {
        key: "penetration-marche",
        label: "Taux de pénétration du marché prioritaire",
        unit: "%",
        principle: Principle::Used,
        periodicity: Periodicity::Month,
        aggregation: Aggregation::Last,
        role: Some(MatrixRole::MarketPenetration),
        kind: Kind::Percent,
        from: 1.0,
        to: 38.0,
        description: "Usagers du service sur la population visée en priorité.",
    },
    Template {
        key: "usagers-fideles",
        label: "Usagers revenant dans le mois",
        unit: "%",
        principle: Principle::Used,
        periodicity: Periodicity::Month,
        aggregation: Aggregation::Mean,
        role: None,
        kind: Kind::Percent,
        from: 14.0,
        to: 45.0,
        description: "Usagers d'un mois revenus le mois suivant.",
    },
    Template {
        key: "temps-gagne",
        label: "Temps gagné par usager",
        unit: "heures",
        principle: Principle::Useful,
        periodicity: Periodicity::Week,
        aggregation: Aggregation::Mean,
        role: Some(MatrixRole::ValueGenerated),
        kind: Kind::Level,
        from: 0.5,
        to: 5.5,
        description: "Temps du parcours papier moins temps du parcours en ligne, par usager.",
    },
    Template {
        key: "usagers-satisfaits",
        label: "Usagers satisfaits",
        unit: "%",
        principle: Principle::Useful,
        periodicity: Periodicity::Month,
        aggregation: Aggregation::Mean,
        role: None,
        kind: Kind::Percent,
        from: 61.0,
        to: 89.0,
        description: "Réponses « satisfait » ou « très satisfait » au questionnaire de sortie.",
    },
    Template {
        key: "delai-instruction",
        label: "Délai moyen d'instruction",
        unit: "jours",
        principle: Principle::Impactful,
        periodicity: Periodicity::Week,
        aggregation: Aggregation::Mean,
        role: None,
        kind: Kind::Level,
        from: 48.0,
        to: 11.0,
        description: "Jours entre le dépôt complet et la décision, dossiers clos de la semaine.",
    },
    Template {
        key: "heures-agents-economisees",
        label: "Heures d'agents économisées",
        unit: "heures",
        principle: Principle::Efficient,
        periodicity: Periodicity::Week,
        aggregation: Aggregation::Sum,
        role: None,
        kind: Kind::Count,
        from: 5.0,
        to: 400.0,
        description: "Ressaisies et relances évitées, estimées avec les services instructeurs.",
    },
    Template {
        key: "cout-par-dossier",
        label: "Coût de traitement par dossier",
        unit: "€",
        principle: Principle::Efficient,
        periodicity: Periodicity::Month,
        aggregation: Aggregation::Mean,
        role: None,
        kind: Kind::Level,
        from: 38.0,
        to: 9.0,
        description: "Coût complet du service instructeur divisé par les dossiers traités.",
    },
];
