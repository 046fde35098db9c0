//! The demo's contrats de réussite: for every running product past investigation, a contract
//! signed at the start of a phase, objectives on its indicators drawn so that their statuses
//! today vary, doctrine commitments, monthly spend drifting from the plan, and signed
//! quarterly reviews taken through the store (so their snapshots are computed at their dates).

use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate};
use pilote_domain::{
    Commitment, CommitmentArea, Contract, Direction, Milestone, Objective, ObjectiveStatus, Phase,
    Point, Product, Spend, Tolerance,
};
use pilote_store::{
    Actor, DbConnection, IndicatorId, ProductId, StoreResult,
    repo::{commitments, contracts, objectives, spend},
};

use pilote_store::repo::measures::MeasureInput;

use super::{
    Rng,
    indicators::{Kind, Template},
    timeline::Timeline,
};

/// What a contract's writing added to the portfolio.
pub(super) struct Written {
    pub reviews: usize,
}

/// Writes the contract of a running product past investigation, with everything hanging from
/// it. `None` when the product has no phase to sign a contract at (should not happen).
pub(super) fn write(
    c: &mut DbConnection,
    rng: &mut Rng,
    today: NaiveDate,
    (id, product): (ProductId, &Product),
    timeline: &Timeline,
    indicators: &[(IndicatorId, &'static Template)],
    posted: &[MeasureInput],
) -> StoreResult<Option<Written>> {
    let Some(contract) = contract(rng, today, timeline) else {
        return Ok(None);
    };
    contracts::put(c, id, &contract, Actor::System)?;
    for (indicator, template) in pick_objectives(rng, indicators) {
        let series: Vec<(NaiveDate, f64)> = posted
            .iter()
            .filter(|m| m.indicator == indicator)
            .map(|m| (m.period.start(), m.value.get()))
            .collect();
        if let Some(objective) = objective(rng, today, &contract, template, &series)? {
            let key = template.indicator(false)?.key;
            objectives::create(c, id, &key, &objective, Actor::System)?;
        }
    }
    for commitment in commitments(rng, product) {
        commitments::create(c, id, &commitment, Actor::System)?;
    }
    for entry in spend(rng, today, &contract) {
        spend::upsert(c, id, entry, Actor::System, today)?;
    }
    let reviews = super::reviews::write(c, rng, today, id, &contract)?;
    Ok(Some(Written { reviews }))
}

/// Signed at the start of the latest phase past investigation that began at least seven months
/// ago (so that two quarterly reviews have taken place), or at the end of investigation when
/// construction is younger; renewed a year or two ago when that phase is older than two and a
/// half years. Two to three years long, and still running today.
fn contract(rng: &mut Rng, today: NaiveDate, timeline: &Timeline) -> Option<Contract> {
    let seven_months_ago = today - Days::new(213);
    let running = timeline
        .stretches
        .iter()
        .rev()
        .find(|s| s.phase != Phase::Investigation && s.start <= seven_months_ago);
    let (starts_on, phase) = match running {
        // A phase older than two and a half years: the contract was renewed since.
        Some(s) if s.start < today - Days::new(913) => {
            let back = Months::new(rng.between(8, 20) as u32);
            (first_of_month(today.checked_sub_months(back)?), s.phase)
        }
        Some(s) => (s.start, s.phase),
        // Construction began less than seven months ago: the contract was signed when the
        // product was created, with construction as its first milestone and reviews every
        // two months (it is at least four months old), so that two have taken place.
        None => (timeline.created_on, Phase::Investigation),
    };
    let cadence = if running.is_some() { 3 } else { 2 };
    let months = rng.between(24, 36) as u32;
    let ends_on = starts_on.checked_add_months(Months::new(months))? - Days::new(1);
    // Contracts are long; should one end before today, stretch it a year past today.
    let ends_on = ends_on.max(today + Days::new(365));
    let signed_on = starts_on - Days::new(rng.between(3, 25));
    // Budgets are per calendar year, pro rata of the days the contract covers in each.
    let yearly = rng.between(40, 150) as f64 * 10_000.0;
    let mut budget_per_year = BTreeMap::new();
    for year in starts_on.year()..=ends_on.year() {
        let (jan1, dec31) = (
            NaiveDate::from_ymd_opt(year, 1, 1)?,
            NaiveDate::from_ymd_opt(year, 12, 31)?,
        );
        let covered = (ends_on.min(dec31) - starts_on.max(jan1)).num_days() + 1;
        let amount = (yearly * covered as f64 / 365.0 / 1000.0).round() as i64 * 1000;
        budget_per_year.insert(year, amount);
    }
    // The next phases, planned 10 to 18 months apart, as long as the contract runs.
    let mut milestones = Vec::new();
    let mut planned = starts_on;
    let mut phase = phase;
    while let Some(next) = phase.next() {
        planned = planned.checked_add_months(Months::new(rng.between(10, 18) as u32))?;
        if planned > ends_on {
            break;
        }
        milestones.push(Milestone {
            phase: next,
            planned_on: planned,
        });
        phase = next;
    }
    Some(Contract {
        signed_on,
        starts_on,
        ends_on,
        review_cadence_months: cadence,
        budget_per_year,
        milestones,
    })
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The north star, a decreasing indicator when there is one (so that the demo has objectives
/// where lower is better), then maybe another: one to three in all.
fn pick_objectives(
    rng: &mut Rng,
    indicators: &[(IndicatorId, &'static Template)],
) -> Vec<(IndicatorId, &'static Template)> {
    let decreasing = indicators.iter().find(|(_, t)| t.to < t.from).copied();
    let wanted = (rng.between(1, 3) as usize).max(1 + usize::from(decreasing.is_some()));
    let mut chosen: Vec<(IndicatorId, &'static Template)> = Vec::new();
    let candidates = indicators.first().copied().into_iter().chain(decreasing);
    for candidate in candidates.chain(indicators.iter().copied()) {
        if chosen.len() >= wanted {
            break;
        }
        if !chosen.iter().any(|(id, _)| *id == candidate.0) {
            chosen.push(candidate);
        }
    }
    chosen
}

/// An objective from the value at the contract's start to a target at its end, the target
/// drawn so that today's status is on track, at risk or off track as the dice say (a late
/// team's objective shows no data, whatever its target).
fn objective(
    rng: &mut Rng,
    today: NaiveDate,
    contract: &Contract,
    template: &Template,
    series: &[(NaiveDate, f64)],
) -> StoreResult<Option<Objective>> {
    let Some(&(base_on, base)) = series.iter().find(|(on, _)| *on >= contract.starts_on) else {
        return Ok(None);
    };
    let Some(&(_, latest)) = series.last() else {
        return Ok(None);
    };
    let direction = template.indicator(false)?.direction;
    let sign = if direction == Direction::Decrease {
        -1.0
    } else {
        1.0
    };
    let deadline = contract.ends_on;
    let elapsed = (today - base_on).num_days() as f64 / (deadline - base_on).num_days() as f64;
    // Progress so far, counted positive in the better direction.
    let gained = sign * (latest - base);
    let wanted = match rng.between(0, 4) {
        0 | 1 => ObjectiveStatus::OnTrack,
        2 => ObjectiveStatus::AtRisk,
        _ => ObjectiveStatus::OffTrack,
    };
    // The distance from baseline to target: expected progress today is `elapsed × span`.
    // `gained / (k × elapsed)` puts today's expected value at `k` times the progress made.
    let span = match wanted {
        _ if gained <= 0.0 || elapsed <= 0.02 => base.abs() * 0.4 + 1.0,
        ObjectiveStatus::OnTrack => gained / (0.85 * elapsed),
        ObjectiveStatus::AtRisk if elapsed > 0.15 => gained / (elapsed - 0.05),
        ObjectiveStatus::AtRisk => gained / (0.7 * elapsed),
        _ if elapsed > 0.35 => gained / (elapsed - 0.25),
        _ => gained / (0.4 * elapsed),
    };
    let mut target = base + sign * span;
    target = match template.kind {
        Kind::Percent => target.clamp(0.0, 100.0),
        Kind::Score => target.clamp(1.0, 7.0),
        _ => target.max(0.0),
    };
    let round = |v: f64| {
        if v.abs() >= 100.0 {
            v.round()
        } else {
            (v * 10.0).round() / 10.0
        }
    };
    let objective = Objective::new(
        Point {
            value: round(base),
            on: base_on,
        },
        Point {
            value: round(target),
            on: deadline,
        },
        Tolerance::default(),
    );
    // A target equal to the baseline (clamped) would be no objective at all.
    match objective {
        Ok(o) if o.target.value != o.baseline.value => Ok(Some(o)),
        Ok(_) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The four doctrine areas every contract follows.
fn commitments(rng: &mut Rng, product: &Product) -> Vec<Commitment> {
    let site = product.website.clone();
    let rgaa = rng.between(9, 20) * 5;
    let security = rng.pick(&[
        "Homologation prononcée",
        "Homologation prononcée",
        "Dossier d'homologation en cours",
        "Analyse de risques à mener",
    ]);
    let eco = rng.pick(&[
        "Déclaration publiée, 62 critères sur 79 respectés",
        "Auto-évaluation faite, déclaration à publier",
        "Non commencé",
    ]);
    let (code, code_url) = match &product.repository {
        Some(url) => ("Code publié sous licence MIT".to_owned(), Some(url.clone())),
        None => ("Publication prévue au prochain trimestre".to_owned(), None),
    };
    vec![
        Commitment {
            area: CommitmentArea::Accessibility,
            expected: "RGAA 100 %".to_owned(),
            current: format!("RGAA {rgaa} %"),
            evidence_url: site.as_ref().map(|s| format!("{s}/accessibilite")),
        },
        Commitment {
            area: CommitmentArea::Security,
            expected: "Homologation de sécurité prononcée".to_owned(),
            current: security.to_owned(),
            evidence_url: None,
        },
        Commitment {
            area: CommitmentArea::EcoDesign,
            expected: "Déclaration d'écoconception (RGESN) publiée".to_owned(),
            current: eco.to_owned(),
            evidence_url: site.as_ref().map(|s| format!("{s}/ecoconception")),
        },
        Commitment {
            area: CommitmentArea::OpenSource,
            expected: "Code source publié sous licence libre".to_owned(),
            current: code,
            evidence_url: code_url,
        },
    ]
}

/// Monthly spend from the contract's first month to this one (pro rata so far): the planned
/// monthly budget times a drift of the product's own (from 20 % under to 35 % over) that
/// settles in over the first months, with noise.
fn spend(rng: &mut Rng, today: NaiveDate, contract: &Contract) -> Vec<Spend> {
    let monthly = contract.total_budget() as f64
        / (((contract.ends_on - contract.starts_on).num_days() + 1) as f64 / 30.44);
    let drift = -0.2 + 0.55 * rng.unit();
    let mut out = Vec::new();
    let mut month = first_of_month(contract.starts_on);
    let mut i = 0.0;
    while month <= today {
        let Some(next) = month.checked_add_months(Months::new(1)) else {
            break;
        };
        let share = if next > today {
            (today - month).num_days() as f64 / (next - month).num_days() as f64
        } else {
            1.0
        };
        let settled = drift * (i / 4.0_f64).min(1.0);
        let noise = 1.0 + 0.08 * rng.gaussian();
        let amount = monthly * (1.0 + settled) * noise * share;
        out.push(Spend {
            month,
            amount: (amount.max(0.0) / 100.0).round() as i64 * 100,
        });
        month = next;
        i += 1.0;
    }
    out
}
