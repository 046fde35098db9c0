//! The demo contracts' reviews: the last two or three before today, taken through the store so
//! that their snapshots are computed at their dates, then signed.

use chrono::{Months, NaiveDate};
use pilote_domain::{
    Contract, DecisionKind, NewReview, ObjectiveStatus, Rationale, ReviewDecision, Verdict,
};
use pilote_store::{
    Actor, DbConnection, ProductId, StoreResult,
    repo::{contract_status, reviews},
};

use super::Rng;

/// The last two or three reviews before today (by the contract's cadence), taken and signed in order. The
/// verdict follows the status at the review date; decisions are `continue` (or, rarely after a
/// red verdict, `pivot`): `advance` and `stop` would change phases the timeline already set.
pub(super) fn write(
    c: &mut DbConnection,
    rng: &mut Rng,
    today: NaiveDate,
    product: ProductId,
    contract: &Contract,
) -> StoreResult<usize> {
    let mut dates = Vec::new();
    let mut k = 1;
    let cadence = contract.review_cadence_months;
    while let Some(on) = contract
        .starts_on
        .checked_add_months(Months::new(cadence * k))
    {
        if on >= today {
            break;
        }
        dates.push(on);
        k += 1;
    }
    let keep = rng.between(2, 3) as usize;
    let dates = &dates[dates.len().saturating_sub(keep)..];
    for &on in dates {
        let status = contract_status::at(c, product, on)?;
        let behind = status
            .objectives
            .iter()
            .filter(|o| o.status == ObjectiveStatus::OffTrack)
            .count();
        let drift = status.budget.drift.unwrap_or(0.0);
        // Red when every objective is off track or the budget is a third over plan.
        let all_behind = behind > 0 && behind == status.objectives.len();
        let verdict = match (behind, drift) {
            (_, d) if d > 0.3 => Verdict::Red,
            _ if all_behind && drift > 0.0 => Verdict::Red,
            (0, d) if d < 0.1 => Verdict::Green,
            _ => Verdict::Amber,
        };
        let (kind, texts) = match verdict {
            Verdict::Red if rng.chance(0.3) => (DecisionKind::Pivot, PIVOT),
            Verdict::Green => (DecisionKind::Continue, GREEN),
            Verdict::Amber => (DecisionKind::Continue, AMBER),
            Verdict::Red => (DecisionKind::Continue, RED),
        };
        let notes = format!(
            "Dépenses à date : {} € pour {} € prévus. {}",
            french_thousands(status.budget.spent_to_date),
            french_thousands(status.budget.planned_to_date),
            rng.pick(NOTES)
        );
        let review = NewReview {
            reviewed_on: on,
            reviewers: vec![
                rng.pick(SPONSORS).to_owned(),
                rng.pick(FUNDERS).to_owned(),
                rng.pick(COACHES).to_owned(),
            ],
            verdict,
            decision: ReviewDecision {
                kind,
                rationale: Rationale::parse(rng.pick(texts))?,
            },
            notes,
        };
        let record = reviews::create(c, product, &review, Actor::System, today)?;
        reviews::sign(c, record.id, Actor::System, today)?;
    }
    Ok(dates.len())
}

/// 1234567 → "1 234 567", with narrow no-break spaces as French typography has them.
fn french_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202F}');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

const SPONSORS: &[&str] = &[
    "Claire Dubois (administration porteuse)",
    "Julien Moreau (administration porteuse)",
    "Nadia Benali (direction métier)",
];
const FUNDERS: &[&str] = &[
    "Sophie Laurent (DINUM, financement)",
    "Marc Petit (DINUM, fonds de transformation)",
];
const COACHES: &[&str] = &[
    "Élise Garnier (coach)",
    "Thomas Roux (coach)",
    "Inès Fabre (responsable d'incubateur)",
];

const GREEN: &[&str] = &[
    "Revue de contrat : objectifs tenus et budget maîtrisé, poursuite sans réserve.",
    "Revue de contrat : l'usage progresse comme prévu, poursuite.",
];
const AMBER: &[&str] = &[
    "Revue de contrat : poursuite, avec un point d'attention sur les objectifs en retard.",
    "Revue de contrat : poursuite, l'équipe présente un plan de rattrapage à la prochaine revue.",
];
const RED: &[&str] = &[
    "Revue de contrat : poursuite sous condition, dépenses à ramener au plan d'ici la prochaine revue.",
    "Revue de contrat : poursuite sous surveillance, objectifs d'impact nettement en retard.",
];
const PIVOT: &[&str] = &[
    "Revue de contrat : pivot, recentrage sur le public le plus demandeur pour rattraper les objectifs.",
];
const NOTES: &[&str] = &[
    "L'équipe demande un renfort en design pour le prochain trimestre.",
    "La déclaration d'accessibilité doit être mise à jour après l'audit.",
    "Les mesures d'impact sont consolidées avec l'administration porteuse.",
    "Le recrutement d'un développeur est en cours.",
];
