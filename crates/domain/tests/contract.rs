//! Contracts: validation, planned budget, reviews and drifts, on hand-computed examples.

mod common;

use std::collections::BTreeMap;

use common::{d, decision, invalid_field};
use pilote_domain::{
    Contract, DecisionKind, Milestone,
    Phase::{Acceleration, Construction, Investigation},
    PhaseHistory, Spend, budget_drift, schedule_drift,
};

/// 1 July 2025 to 30 June 2026: 184 days in 2025 and 181 in 2026, so 1 000 € a day.
fn contract() -> Contract {
    Contract {
        signed_on: d("2025-06-15"),
        starts_on: d("2025-07-01"),
        ends_on: d("2026-06-30"),
        review_cadence_months: 3,
        budget_per_year: BTreeMap::from([(2025, 184_000), (2026, 181_000)]),
        milestones: vec![
            Milestone {
                phase: Construction,
                planned_on: d("2025-10-01"),
            },
            Milestone {
                phase: Acceleration,
                planned_on: d("2026-04-01"),
            },
        ],
    }
}

#[test]
fn a_contract_checks_its_fields() {
    assert_eq!(contract().validate(), Ok(()));
    let field = |change: fn(&mut Contract)| {
        let mut c = contract();
        change(&mut c);
        invalid_field(c.validate())
    };
    assert_eq!(field(|c| c.ends_on = c.starts_on), "ends_on");
    assert_eq!(
        field(|c| c.review_cadence_months = 0),
        "review_cadence_months"
    );
    assert_eq!(
        field(|c| c.review_cadence_months = 25),
        "review_cadence_months"
    );
    assert_eq!(
        field(|c| {
            c.budget_per_year.insert(2027, 1);
        }),
        "budget_per_year.2027"
    );
    assert_eq!(
        field(|c| {
            c.budget_per_year.insert(2025, -1);
        }),
        "budget_per_year.2025"
    );
    assert_eq!(
        field(|c| c.milestones[0].planned_on = d("2025-06-30")),
        "milestones[0].planned_on"
    );
    assert_eq!(
        field(|c| c.milestones[1].phase = Construction),
        "milestones[1].phase"
    );
    assert_eq!(
        field(|c| c.milestones[1].planned_on = d("2025-09-01")),
        "milestones[1].planned_on"
    );
    let mut ok = contract();
    ok.review_cadence_months = 24;
    ok.milestones.push(Milestone {
        phase: Investigation,
        planned_on: d("2025-07-01"),
    });
    assert_eq!(ok.validate(), Ok(()));
}

#[test]
fn the_budget_is_planned_pro_rata_of_elapsed_days() {
    let c = contract();
    assert_eq!(c.total_budget(), 365_000);
    assert_eq!(c.planned_to_date(d("2025-06-30")), 0.0);
    assert_eq!(c.planned_to_date(d("2025-07-01")), 1_000.0);
    assert_eq!(c.planned_to_date(d("2025-07-10")), 10_000.0);
    assert_eq!(c.planned_to_date(d("2025-12-31")), 184_000.0);
    assert_eq!(c.planned_to_date(d("2026-01-01")), 185_000.0);
    assert_eq!(c.planned_to_date(d("2026-06-30")), 365_000.0);
    assert_eq!(c.planned_to_date(d("2030-01-01")), 365_000.0);
}

#[test]
fn budget_drift_compares_spend_with_plan() {
    let c = contract();
    let spend = [
        Spend {
            month: d("2025-07-01"),
            amount: 30_000,
        },
        Spend {
            month: d("2025-08-01"),
            amount: 40_000,
        },
        Spend {
            month: d("2025-09-01"),
            amount: 50_000,
        },
    ];
    assert_eq!(budget_drift(&c, &spend, d("2025-06-30")), None);
    // 62 days planned (62 000 €), 70 000 € spent.
    let drift = budget_drift(&c, &spend, d("2025-08-31")).expect("planned");
    assert!((drift - 8_000.0 / 62_000.0).abs() < 1e-12);
    // September's spend counts from 1 September on.
    let drift = budget_drift(&c, &spend, d("2025-09-01")).expect("planned");
    assert!((drift - 57_000.0 / 63_000.0).abs() < 1e-12);
    assert_eq!(budget_drift(&c, &[], d("2025-07-10")), Some(-1.0));
}

#[test]
fn reviews_follow_the_cadence_from_the_start() {
    let c = contract();
    assert_eq!(c.next_review(None), d("2025-10-01"));
    assert_eq!(c.next_review(Some(d("2025-06-01"))), d("2025-10-01"));
    assert_eq!(c.next_review(Some(d("2025-09-15"))), d("2025-10-01"));
    assert_eq!(c.next_review(Some(d("2025-10-01"))), d("2026-01-01"));
    assert_eq!(c.next_review(Some(d("2030-02-10"))), d("2030-04-01"));
    assert!(!c.review_overdue(None, d("2025-10-01")));
    assert!(c.review_overdue(None, d("2025-10-02")));

    // Counted from the start, so a 31st does not drift to the 28th.
    let monthly = Contract {
        starts_on: d("2025-01-31"),
        review_cadence_months: 1,
        ..contract()
    };
    assert_eq!(monthly.next_review(None), d("2025-02-28"));
    assert_eq!(monthly.next_review(Some(d("2025-02-28"))), d("2025-03-31"));
}

#[test]
fn schedule_drift_of_a_milestone() {
    let c = contract();
    let m = Milestone {
        phase: Construction,
        planned_on: d("2025-10-01"),
    }; // 92 days in.
    let mut h = PhaseHistory::start(Investigation, d("2025-07-01"));

    let not_yet = schedule_drift(&c, &m, &h, d("2025-09-15"));
    assert_eq!(
        (not_yet.reached_on, not_yet.days, not_yet.share),
        (None, 0, 0.0)
    );
    let late = schedule_drift(&c, &m, &h, d("2025-10-21"));
    assert_eq!((late.days, late.share), (20, 20.0 / 92.0));

    let mut early = h.clone();
    early
        .apply(
            &decision(DecisionKind::Advance, d("2025-09-21")),
            d("2025-09-21"),
        )
        .expect("advance");
    let drift = schedule_drift(&c, &m, &early, d("2025-12-01"));
    assert_eq!((drift.reached_on, drift.days), (Some(d("2025-09-21")), -10));

    h.apply(
        &decision(DecisionKind::Advance, d("2025-10-11")),
        d("2025-10-11"),
    )
    .expect("advance");
    let drift = schedule_drift(&c, &m, &h, d("2026-01-01"));
    assert_eq!(drift.phase, Construction);
    assert_eq!(drift.planned_on, d("2025-10-01"));
    assert_eq!((drift.reached_on, drift.days), (Some(d("2025-10-11")), 10));
    assert_eq!(drift.share, 10.0 / 92.0);
}

#[test]
fn schedule_drift_at_the_contract_start_and_for_passed_phases() {
    let c = contract();
    let m = Milestone {
        phase: Investigation,
        planned_on: d("2025-07-01"),
    };
    let h = PhaseHistory::start(Investigation, d("2025-07-01"));
    let drift = schedule_drift(&c, &m, &h, d("2025-08-01"));
    assert_eq!((drift.days, drift.share), (0, 0.0));
    // A product whose history begins in construction is past investigation.
    let h = PhaseHistory::start(Construction, d("2025-08-01"));
    let drift = schedule_drift(&c, &m, &h, d("2025-12-01"));
    assert_eq!((drift.reached_on, drift.days), (Some(d("2025-08-01")), 31));
}
