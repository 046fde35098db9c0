//! Hand-computed examples of [`contract_status`].

use std::collections::BTreeMap;

use super::*;
use crate::{CommitmentArea, Milestone, Periodicity, Phase, PhaseRecord, Tolerance, summarize};

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn week(s: &str) -> Period {
    Period::from_start(Periodicity::Week, d(s)).expect("a Monday")
}

/// 2026-01-05 → 2026-04-15 is 100 days: the expected value moves 1 % of the way per day.
fn objective(
    direction: Direction,
    from: f64,
    to: f64,
    latest: Option<(Period, f64)>,
) -> ObjectiveInput {
    let baseline = Point {
        value: from,
        on: d("2026-01-05"),
    };
    let target = Point {
        value: to,
        on: d("2026-04-15"),
    };
    ObjectiveInput {
        id: 1,
        indicator: Slug::parse("demarches").expect("slug"),
        label: "Démarches".to_owned(),
        unit: "démarches".to_owned(),
        direction,
        objective: Objective::new(baseline, target, Tolerance::default()).expect("objective"),
        recent: latest.into_iter().collect(),
        latest,
    }
}

fn contract() -> Contract {
    Contract {
        signed_on: d("2025-06-15"),
        starts_on: d("2025-07-01"),
        ends_on: d("2026-06-30"),
        review_cadence_months: 3,
        budget_per_year: BTreeMap::from([(2025, 600_000), (2026, 800_000)]),
        milestones: vec![
            Milestone {
                phase: Phase::Acceleration,
                planned_on: d("2026-01-05"),
            },
            Milestone {
                phase: Phase::Construction,
                planned_on: d("2025-09-01"),
            },
        ],
    }
}

/// Investigation from 2025-01-06, construction from 2025-08-04 (early), acceleration from
/// 2026-03-02 (late).
fn history() -> PhaseHistory {
    let record = |phase, started_on: &str, ended_on: Option<&str>| PhaseRecord {
        phase,
        started_on: d(started_on),
        ended_on: ended_on.map(d),
    };
    PhaseHistory::from_records(
        vec![
            record(Phase::Investigation, "2025-01-06", Some("2025-08-04")),
            record(Phase::Construction, "2025-08-04", Some("2026-03-02")),
            record(Phase::Acceleration, "2026-03-02", None),
        ],
        None,
    )
    .expect("history")
}

fn status(objectives: &[ObjectiveInput], spend: &[Spend], at: &str) -> ContractStatus {
    let contract = contract();
    let history = history();
    let commitments = [Commitment {
        area: CommitmentArea::Accessibility,
        expected: "RGAA 100 %".to_owned(),
        current: "RGAA 74 %".to_owned(),
        evidence_url: None,
    }];
    contract_status(
        &StatusInputs {
            contract: &contract,
            objectives,
            spend,
            history: &history,
            commitments: &commitments,
            last_review: Some(d("2025-10-15")),
        },
        d(at),
    )
}

#[test]
fn increasing_objective_against_its_straight_line() {
    // On 2026-03-16, 70 of 100 days: expected 0 + 1000 × 0.7 = 700; tolerance 10 % of 1000.
    let cases = [
        (720.0, ObjectiveStatus::OnTrack),
        (700.0, ObjectiveStatus::OnTrack),
        (650.0, ObjectiveStatus::AtRisk),
        (599.0, ObjectiveStatus::OffTrack),
        (1000.0, ObjectiveStatus::Achieved),
    ];
    for (value, expected) in cases {
        let o = objective(
            Direction::Increase,
            0.0,
            1000.0,
            Some((week("2026-03-09"), value)),
        );
        let s = status(&[o], &[], "2026-03-16");
        let line = &s.objectives[0];
        assert!((line.expected - 700.0).abs() < 1e-9, "{}", line.expected);
        assert_eq!(line.status, expected, "{value}");
        assert_eq!(
            line.latest,
            Some(LatestValue {
                period: d("2026-03-09"),
                value,
                periodicity: Some(Periodicity::Week),
            })
        );
        let latest = line.latest.expect("a latest value");
        assert_eq!(latest.period_label(), "semaine du 9 mars 2026");
        let old_snapshot = LatestValue {
            periodicity: None,
            ..latest
        };
        assert_eq!(old_snapshot.period_label(), "9 mars 2026");
    }
}

#[test]
fn decreasing_objective_is_better_lower() {
    // Days to answer, 30 → 10: expected on 2026-03-16 is 30 − 20 × 0.7 = 16; tolerance 2.
    let cases = [
        (15.0, ObjectiveStatus::OnTrack),
        (17.5, ObjectiveStatus::AtRisk),
        (18.5, ObjectiveStatus::OffTrack),
        (9.0, ObjectiveStatus::Achieved),
    ];
    for (value, expected) in cases {
        let o = objective(
            Direction::Decrease,
            30.0,
            10.0,
            Some((week("2026-03-09"), value)),
        );
        let s = status(&[o], &[], "2026-03-16");
        assert!((s.objectives[0].expected - 16.0).abs() < 1e-9);
        assert_eq!(s.objectives[0].status, expected, "{value}");
    }
}

#[test]
fn objective_without_recent_data() {
    let none = objective(Direction::Increase, 0.0, 1000.0, None);
    // Last complete week on 2026-03-16 is that of 03-09; the one before, 03-02, still counts.
    let stale = objective(
        Direction::Increase,
        0.0,
        1000.0,
        Some((week("2026-02-23"), 900.0)),
    );
    let fresh = objective(
        Direction::Increase,
        0.0,
        1000.0,
        Some((week("2026-03-02"), 900.0)),
    );
    let s = status(&[none, stale, fresh], &[], "2026-03-16");
    let statuses: Vec<_> = s.objectives.iter().map(|o| o.status).collect();
    assert_eq!(
        statuses,
        [
            ObjectiveStatus::NoData,
            ObjectiveStatus::NoData,
            ObjectiveStatus::OnTrack
        ]
    );
    assert_eq!(s.objectives[0].latest, None);
}

#[test]
fn budget_over_two_years() {
    let month = |m: &str, amount| Spend {
        month: d(m),
        amount,
    };
    let mut spend = vec![month("2025-06-01", 999_999)]; // before the contract: not counted
    for m in [
        "2025-07-01",
        "2025-08-01",
        "2025-09-01",
        "2025-10-01",
        "2025-11-01",
        "2025-12-01",
    ] {
        spend.push(month(m, 110_000));
    }
    for m in ["2026-01-01", "2026-02-01", "2026-03-01"] {
        spend.push(month(m, 150_000));
    }
    spend.push(month("2026-04-01", 150_000)); // after the status date: not counted

    // 2025-12-31: the whole 2025 budget is planned (184 of 184 days), none of 2026's.
    let s = status(&[], &spend, "2025-12-31");
    assert_eq!(s.budget.planned_to_date, 600_000);
    assert_eq!(s.budget.spent_to_date, 660_000);
    assert!((s.budget.drift.unwrap_or_default() - 0.1).abs() < 1e-12);

    // 2026-03-31: plus 90 of 2026's 181 contract days: 800 000 × 90 / 181 = 397 790.06.
    let s = status(&[], &spend, "2026-03-31");
    let planned = 600_000.0 + 800_000.0 * 90.0 / 181.0;
    assert_eq!(s.budget.planned_to_date, 997_790);
    assert_eq!(s.budget.spent_to_date, 1_110_000);
    let drift = (1_110_000.0 - planned) / planned; // ≈ 0.11246
    assert!((s.budget.drift.unwrap_or_default() - drift).abs() < 1e-12);
    assert_eq!(s.budget.planned_total, 1_400_000);

    // Before the start nothing is planned: no drift.
    assert_eq!(status(&[], &spend, "2025-06-30").budget.drift, None);
}

#[test]
fn milestones_reached_early_late_or_not_yet() {
    // Construction planned 2025-09-01 (62 days after the start), entered 2025-08-04: 28 days
    // early. Acceleration planned 2026-01-05 (188 days), entered 2026-03-02: 56 days late.
    let s = status(&[], &[], "2026-03-16");
    let drift: Vec<_> = s
        .schedule
        .iter()
        .map(|m| (m.phase, m.reached_on, m.days))
        .collect();
    assert_eq!(
        drift,
        [
            (Phase::Construction, Some(d("2025-08-04")), -28),
            (Phase::Acceleration, Some(d("2026-03-02")), 56),
        ]
    );
    assert!((s.schedule[0].share - -28.0 / 62.0).abs() < 1e-12);
    assert!((s.schedule[1].share - 56.0 / 188.0).abs() < 1e-12);
    assert_eq!(s.schedule_share(), Some(56.0 / 188.0));

    // Seen from 2026-02-15, acceleration was not reached yet: 41 days late so far.
    let s = status(&[], &[], "2026-02-15");
    assert_eq!((s.schedule[1].reached_on, s.schedule[1].days), (None, 41));
    // Seen from 2025-08-15, only construction counts (reached), acceleration is not due.
    assert_eq!(
        status(&[], &[], "2025-08-15").schedule_share(),
        Some(-28.0 / 62.0)
    );
}

#[test]
fn next_review_and_overdue() {
    // Quarterly from 2025-07-01, last review 2025-10-15: next on 2026-01-01.
    let s = status(&[], &[], "2026-01-01");
    assert_eq!((s.next_review, s.review_overdue), (d("2026-01-01"), false));
    let s = status(&[], &[], "2026-01-02");
    assert!(s.review_overdue);
    // A review after the status date is ignored: next due is the first, on 2025-10-01.
    let s = status(&[], &[], "2025-09-30");
    assert_eq!((s.last_review, s.next_review), (None, d("2025-10-01")));
    assert_eq!(s.commitments.len(), 1);
}

#[test]
fn statuses_sum_up_across_products() {
    let o = objective(
        Direction::Increase,
        0.0,
        1000.0,
        Some((week("2026-03-09"), 650.0)),
    );
    let s = status(
        &[o],
        &[Spend {
            month: d("2025-07-01"),
            amount: 50_000,
        }],
        "2026-03-16",
    );
    let summary = summarize([&s, &s]);
    assert_eq!(summary.contracts, 2);
    assert_eq!(summary.objectives[&ObjectiveStatus::AtRisk], 2);
    assert_eq!(summary.objectives[&ObjectiveStatus::NoData], 0);
    assert_eq!(summary.reviews_overdue, 2);
    assert_eq!(summary.budget_drift.count, 2);
}

#[test]
fn each_objective_carries_its_forecast() {
    // Weekly 100, 110, 120, 130 from 2026-01-05: +10 a week. Deadline 2026-04-15 is 100 days
    // after the first point: 100 + 100 × 10/7 ≈ 242.9, beyond a target of 200, reached after
    // 70 days on 2026-03-16.
    let mut input = objective(Direction::Increase, 100.0, 200.0, None);
    input.recent = ["2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26"]
        .iter()
        .zip([100.0, 110.0, 120.0, 130.0])
        .map(|(w, v)| (week(w), v))
        .collect();
    input.latest = input.recent.last().copied();
    let status = status(&[input], &[], "2026-02-02");
    let f = status.objectives[0].forecast;
    assert_eq!(f.points, 4);
    assert_eq!(f.will_meet_deadline, Some(true));
    assert_eq!(f.target_reached_on, Some(d("2026-03-16")));
    let at_deadline = f.value_at_deadline.expect("a projection");
    assert!((at_deadline - (100.0 + 1000.0 / 7.0)).abs() < 1e-9);
}

#[test]
fn snapshots_frozen_before_forecasts_still_read() {
    let mut json = serde_json::to_value(objective_line(
        &objective(Direction::Increase, 100.0, 200.0, None),
        d("2026-02-02"),
    ))
    .expect("json");
    json.as_object_mut().expect("object").remove("forecast");
    let line: ObjectiveLine = serde_json::from_value(json).expect("an old line");
    assert_eq!(line.forecast, Forecast::default());
}
