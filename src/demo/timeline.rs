//! Products' fates and lives: which phase each should be in today, the dates of the phases
//! that got it there, and the committee decisions that moved it.

use chrono::{Days, NaiveDate};
use pilote_domain::{DecisionKind, NewDecision, Phase, PhaseDurations, Rationale};
use pilote_store::StoreResult;

use super::Rng;

/// Where a product should stand today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Target {
    Running(Phase),
    Stopped,
}

/// A product's fate, drawn before its history is written.
#[derive(Clone, Copy, Debug)]
pub(super) struct Plan {
    pub target: Target,
    /// Past its incubator's maximum duration for the current phase.
    pub overdue: bool,
    /// Its team stopped posting a few weeks ago.
    pub late: bool,
}

/// Fates for `n` products: fixed counts, so that every phase, stops, overdue and late teams
/// are always there, in an order drawn from the seed.
pub(super) fn plans(n: usize, rng: &mut Rng) -> Vec<Plan> {
    use Phase::*;
    let plan = |target, overdue, late| Plan {
        target,
        overdue,
        late,
    };
    let mut plans = Vec::with_capacity(n);
    let fixed = [
        (plan(Target::Running(Investigation), true, false), 2),
        (plan(Target::Running(Investigation), false, true), 1),
        (plan(Target::Running(Investigation), false, false), 4),
        (plan(Target::Running(Construction), true, false), 2),
        (plan(Target::Running(Construction), false, true), 2),
        (plan(Target::Running(Acceleration), false, true), 1),
        (plan(Target::Running(Perennisation), false, false), 6),
        (plan(Target::Stopped, false, false), 5),
    ];
    for (p, count) in fixed {
        plans.extend(std::iter::repeat_n(p, count));
    }
    // The rest is split between the two busiest phases.
    let mut next = Construction;
    while plans.len() < n {
        plans.push(plan(Target::Running(next), false, false));
        next = if next == Construction {
            Acceleration
        } else {
            Construction
        };
    }
    plans.truncate(n);
    rng.shuffle(&mut plans);
    plans
}

/// A phase as the product lived it: from `start` to `end`, or still running.
pub(super) struct Stretch {
    pub phase: Phase,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

/// A product's life: creation, the phases it went through, and its stop if it stopped.
pub(super) struct Timeline {
    pub created_on: NaiveDate,
    pub stretches: Vec<Stretch>,
    pub stopped_on: Option<NaiveDate>,
}

/// How long a finished phase lasted, in days: realistic spans, whatever the limits.
fn past_length(phase: Phase, rng: &mut Rng) -> u64 {
    match phase {
        Phase::Investigation => rng.between(90, 180),
        Phase::Construction => rng.between(240, 540),
        Phase::Acceleration | Phase::Perennisation => rng.between(200, 450),
    }
}

/// How long the current phase has lasted, in days.
fn current_length(phase: Phase, limits: &PhaseDurations, overdue: bool, rng: &mut Rng) -> u64 {
    let Some(months) = limits.max_months(phase) else {
        return rng.between(30, 250);
    };
    let months = u64::from(months);
    if overdue {
        // 31-day months: past the deadline whatever months the phase spans.
        return months * 31 + rng.between(10, 120);
    }
    // 30-day months less a fortnight: within the limit whatever the calendar. Investigations
    // last three months at least, so every product is at least three months old; the cap
    // keeps every product under four years old.
    let min = if phase == Phase::Investigation {
        95
    } else {
        30
    };
    let max = (months * 30).saturating_sub(15).min(540).max(min);
    rng.between(min, max)
}

/// Draws the dates of a product's life so that today it stands where `plan` says, created
/// between three months and four years ago.
pub(super) fn timeline(
    plan: Plan,
    limits: &PhaseDurations,
    today: NaiveDate,
    rng: &mut Rng,
) -> Timeline {
    let mut lengths: Vec<(Phase, u64)> = Vec::new();
    let mut since_stop = None;
    match plan.target {
        Target::Running(current) => {
            for phase in Phase::ALL.into_iter().take_while(|p| *p != current) {
                lengths.push((phase, past_length(phase, rng)));
            }
            lengths.push((current, current_length(current, limits, plan.overdue, rng)));
        }
        Target::Stopped => {
            if rng.chance(0.5) {
                lengths.push((Phase::Investigation, rng.between(60, 150)));
            } else {
                lengths.push((Phase::Investigation, past_length(Phase::Investigation, rng)));
                lengths.push((Phase::Construction, rng.between(120, 400)));
            }
            since_stop = Some(rng.between(40, 300));
        }
    }
    let total = lengths.iter().map(|(_, days)| days).sum::<u64>() + since_stop.unwrap_or(0);
    let created_on = today - Days::new(total);
    let mut stretches = Vec::with_capacity(lengths.len());
    let mut start = created_on;
    let count = lengths.len();
    for (i, (phase, days)) in lengths.into_iter().enumerate() {
        let running = i + 1 == count && since_stop.is_none();
        let end = (!running).then(|| start + Days::new(days));
        stretches.push(Stretch { phase, start, end });
        start = end.unwrap_or(start);
    }
    Timeline {
        created_on,
        stopped_on: since_stop.map(|_| start),
        stretches,
    }
}

/// The committee decisions that made the timeline, oldest first: a steering committee
/// about twice a year within each phase, then the decision that ended it.
pub(super) fn decisions(
    timeline: &Timeline,
    today: NaiveDate,
    rng: &mut Rng,
) -> StoreResult<Vec<NewDecision>> {
    let mut out = Vec::new();
    for stretch in &timeline.stretches {
        let until = stretch.end.unwrap_or(today);
        let mut on = stretch.start + Days::new(rng.between(150, 200));
        // No committee in the last month of a phase: the closing decision follows.
        while on + Days::new(30) < until {
            let (kind, texts) = if rng.chance(0.15) {
                (DecisionKind::Pivot, PIVOTS)
            } else {
                (DecisionKind::Continue, CONTINUES)
            };
            out.push(decision(kind, on, rng.pick(texts))?);
            on = on + Days::new(rng.between(150, 200));
        }
        let Some(end) = stretch.end else { continue };
        let (kind, texts) = match (timeline.stopped_on == Some(end), stretch.phase.next()) {
            (false, Some(Phase::Construction)) => (DecisionKind::Advance, TO_CONSTRUCTION),
            (false, Some(Phase::Acceleration)) => (DecisionKind::Advance, TO_ACCELERATION),
            (false, Some(Phase::Perennisation)) => (DecisionKind::Advance, TO_PERENNISATION),
            _ => (DecisionKind::Stop, STOPS),
        };
        out.push(decision(kind, end, rng.pick(texts))?);
    }
    Ok(out)
}

fn decision(kind: DecisionKind, decided_on: NaiveDate, text: &str) -> StoreResult<NewDecision> {
    Ok(NewDecision {
        kind,
        decided_on,
        rationale: Rationale::parse(text)?,
    })
}

/// Rationales of `continue` decisions.
const CONTINUES: &[&str] = &[
    "Comité de suivi : poursuite de la phase, les objectifs d'usage sont en bonne voie.",
    "Comité de suivi : poursuite validée, point d'étape dans six mois.",
    "Comité de suivi : poursuite, l'équipe doit consolider la mesure d'impact.",
    "Comité de suivi : poursuite, recrutement d'un développeur supplémentaire accepté.",
];

/// Rationales of `pivot` decisions.
const PIVOTS: &[&str] = &[
    "Comité d'investissement : pivot vers les agents instructeurs plutôt que les usagers.",
    "Comité d'investissement : pivot, recentrage sur un département pilote.",
    "Comité d'investissement : pivot, le parcours papier reste majoritaire, priorité à la reprise des dossiers existants.",
];

/// Rationales of `advance` decisions, by the phase they lead to.
const TO_CONSTRUCTION: &[&str] = &[
    "Comité d'investissement : passage en construction validé, le problème est confirmé par les entretiens usagers.",
    "Comité d'investissement : passage en construction validé, une administration partenaire s'engage sur le terrain.",
];
const TO_ACCELERATION: &[&str] = &[
    "Comité d'investissement : passage en accélération validé, l'usage progresse chaque mois.",
    "Comité d'investissement : passage en accélération, généralisation à tous les départements.",
];
const TO_PERENNISATION: &[&str] = &[
    "Comité d'investissement : passage en pérennisation, reprise du service par l'administration porteuse.",
    "Comité d'investissement : passage en pérennisation, financement inscrit au budget du ministère.",
];

/// Rationales of `stop` decisions.
const STOPS: &[&str] = &[
    "Comité d'investissement : arrêt, le besoin est déjà couvert par un service existant.",
    "Comité d'investissement : arrêt faute d'usage après deux expérimentations.",
    "Comité d'investissement : arrêt, l'administration porteuse ne reprend pas le financement.",
];
