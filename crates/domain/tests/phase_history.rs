//! Phase records, committee decisions and overdue phases, on hand-computed examples.

mod common;

use common::{d, decision, invalid, invalid_field, is_conflict};
use pilote_domain::{
    DecisionKind::{Advance, Continue, Pivot, Stop},
    Phase::{self, Acceleration, Construction, Investigation, Perennisation},
    PhaseHistory, PhaseRecord, ProductStatus, Transition,
};

fn rec(phase: Phase, from: &str, to: Option<&str>) -> PhaseRecord {
    PhaseRecord {
        phase,
        started_on: d(from),
        ended_on: to.map(d),
    }
}

#[test]
fn a_new_history_runs_in_its_first_phase() {
    let h = PhaseHistory::start(Investigation, d("2024-01-15"));
    assert_eq!(h.status(), ProductStatus::Active(Investigation));
    assert_eq!(h.current(), Some(&rec(Investigation, "2024-01-15", None)));
    assert_eq!(h.stopped_on(), None);
    assert_eq!(h.entered_on(Investigation), Some(d("2024-01-15")));
    assert_eq!(h.entered_on(Construction), None);
}

#[test]
fn advance_closes_the_phase_and_opens_the_next_one() {
    let mut h = PhaseHistory::start(Investigation, d("2024-01-15"));
    let t = h.apply(&decision(Advance, d("2024-07-01")), d("2024-07-10"));
    assert_eq!(
        t,
        Ok(Transition {
            closed: Some(rec(Investigation, "2024-01-15", Some("2024-07-01"))),
            opened: Some(rec(Construction, "2024-07-01", None)),
            status: ProductStatus::Active(Construction),
        })
    );
    assert_eq!(
        h.records(),
        [
            rec(Investigation, "2024-01-15", Some("2024-07-01")),
            rec(Construction, "2024-07-01", None)
        ]
    );
    assert_eq!(h.entered_on(Construction), Some(d("2024-07-01")));
    assert_eq!(h.phase_on(d("2024-06-30")), Some(Investigation));
    assert_eq!(h.phase_on(d("2024-07-01")), Some(Construction));
    assert_eq!(h.phase_on(d("2024-01-14")), None);
}

#[test]
fn continue_and_pivot_keep_the_phase() {
    let mut h = PhaseHistory::start(Construction, d("2024-01-15"));
    let before = h.clone();
    for kind in [Continue, Pivot] {
        let t = h.apply(&decision(kind, d("2024-03-01")), d("2024-03-01"));
        assert_eq!(
            t,
            Ok(Transition {
                closed: None,
                opened: None,
                status: ProductStatus::Active(Construction)
            })
        );
        assert_eq!(h, before);
    }
}

#[test]
fn advance_goes_one_step_at_a_time_up_to_perennisation() {
    let mut h = PhaseHistory::start(Investigation, d("2023-01-02"));
    let today = d("2025-01-01");
    for (on, phase) in [
        ("2023-06-01", Construction),
        ("2024-01-01", Acceleration),
        ("2024-06-01", Perennisation),
    ] {
        let t = h.apply(&decision(Advance, d(on)), today);
        assert_eq!(t.map(|t| t.status), Ok(ProductStatus::Active(phase)));
    }
    let before = h.clone();
    assert!(is_conflict(
        &h.apply(&decision(Advance, d("2024-12-01")), today)
    ));
    assert_eq!(h, before);
    assert_eq!(h.records().len(), 4);
}

#[test]
fn stop_ends_the_product_from_any_phase() {
    for phase in Phase::ALL {
        let mut h = PhaseHistory::start(phase, d("2024-01-15"));
        let t = h.apply(&decision(Stop, d("2024-09-30")), d("2024-10-01"));
        assert_eq!(
            t,
            Ok(Transition {
                closed: Some(rec(phase, "2024-01-15", Some("2024-09-30"))),
                opened: None,
                status: ProductStatus::Stopped,
            })
        );
        assert_eq!(h.status(), ProductStatus::Stopped);
        assert_eq!(h.current(), None);
        assert_eq!(h.stopped_on(), Some(d("2024-09-30")));
        assert_eq!(h.phase_on(d("2024-09-30")), None);
    }
}

#[test]
fn nothing_can_be_decided_once_stopped() {
    let mut h = PhaseHistory::start(Construction, d("2024-01-15"));
    h.apply(&decision(Stop, d("2024-05-01")), d("2024-05-01"))
        .expect("stop");
    let stopped = h.clone();
    for kind in [Advance, Continue, Pivot, Stop] {
        assert!(is_conflict(
            &h.apply(&decision(kind, d("2024-06-01")), d("2024-06-01"))
        ));
    }
    assert_eq!(h, stopped);
}

#[test]
fn a_decision_cannot_be_in_the_future() {
    let mut h = PhaseHistory::start(Investigation, d("2024-01-15"));
    let r = h.apply(&decision(Advance, d("2024-03-02")), d("2024-03-01"));
    assert_eq!(
        invalid(r),
        ("decided_on".to_owned(), "is in the future".to_owned())
    );
    assert_eq!(h, PhaseHistory::start(Investigation, d("2024-01-15")));
    // Dated today is fine.
    assert!(
        h.apply(&decision(Advance, d("2024-03-01")), d("2024-03-01"))
            .is_ok()
    );
}

#[test]
fn a_decision_cannot_predate_the_current_phase() {
    let mut h = PhaseHistory::start(Investigation, d("2024-01-15"));
    h.apply(&decision(Advance, d("2024-07-01")), d("2024-07-01"))
        .expect("advance");
    let before = h.clone();
    for kind in [Advance, Continue, Pivot, Stop] {
        assert!(is_conflict(
            &h.apply(&decision(kind, d("2024-06-30")), d("2024-08-01"))
        ));
    }
    assert_eq!(h, before);
}

#[test]
fn advancing_the_day_a_phase_began_leaves_a_zero_length_record() {
    let mut h = PhaseHistory::start(Investigation, d("2024-01-15"));
    let today = d("2024-01-15");
    h.apply(&decision(Advance, today), today).expect("advance");
    h.apply(&decision(Advance, today), today).expect("advance");
    assert_eq!(h.status(), ProductStatus::Active(Acceleration));
    let rebuilt = PhaseHistory::from_records(h.records().to_vec(), h.stopped_on());
    assert_eq!(rebuilt, Ok(h.clone()));
    h.apply(&decision(Stop, today), today).expect("stop");
    let rebuilt = PhaseHistory::from_records(h.records().to_vec(), h.stopped_on());
    assert_eq!(rebuilt, Ok(h));
}

#[test]
fn from_records_accepts_consistent_rows_in_any_order() {
    let rows = vec![
        rec(Construction, "2024-07-01", Some("2025-01-01")),
        rec(Investigation, "2024-01-15", Some("2024-07-01")),
        rec(Acceleration, "2025-01-01", None),
    ];
    let h = PhaseHistory::from_records(rows, None).expect("valid");
    assert_eq!(h.records()[0].phase, Investigation);
    assert_eq!(h.status(), ProductStatus::Active(Acceleration));

    let stopped = vec![rec(Construction, "2024-07-01", Some("2025-01-01"))];
    let h = PhaseHistory::from_records(stopped, Some(d("2025-01-01"))).expect("valid");
    assert_eq!(h.status(), ProductStatus::Stopped);
}

#[test]
fn from_records_rejects_every_broken_invariant() {
    let check = |rows: Vec<PhaseRecord>, stopped: Option<&str>| {
        invalid_field(PhaseHistory::from_records(rows, stopped.map(d)))
    };
    assert_eq!(check(vec![], None), "phases");
    // End before start.
    assert_eq!(
        check(
            vec![rec(Investigation, "2024-02-01", Some("2024-01-01"))],
            Some("2024-01-01")
        ),
        "phases[0].ended_on"
    );
    // Gap.
    let gap = vec![
        rec(Investigation, "2024-01-01", Some("2024-03-01")),
        rec(Construction, "2024-03-05", None),
    ];
    assert_eq!(check(gap, None), "phases[0].ended_on");
    // Overlap.
    let overlap = vec![
        rec(Investigation, "2024-01-01", Some("2024-03-10")),
        rec(Construction, "2024-03-05", None),
    ];
    assert_eq!(check(overlap, None), "phases[0].ended_on");
    // Skipped phase.
    let skip = vec![
        rec(Investigation, "2024-01-01", Some("2024-03-01")),
        rec(Acceleration, "2024-03-01", None),
    ];
    assert_eq!(check(skip, None), "phases[1].phase");
    // Repeated phase.
    let repeat = vec![
        rec(Construction, "2024-01-01", Some("2024-03-01")),
        rec(Construction, "2024-03-01", None),
    ];
    assert_eq!(check(repeat, None), "phases[1].phase");
    // Going back.
    let back = vec![
        rec(Construction, "2024-01-01", Some("2024-03-01")),
        rec(Investigation, "2024-03-01", None),
    ];
    assert_eq!(check(back, None), "phases[1].phase");
    // Two open records.
    let two_open = vec![
        rec(Investigation, "2024-01-01", None),
        rec(Construction, "2024-03-01", None),
    ];
    assert_eq!(check(two_open, None), "phases[0].ended_on");
    // Closed but not stopped.
    let closed = vec![rec(Investigation, "2024-01-01", Some("2024-03-01"))];
    assert_eq!(check(closed.clone(), None), "phases[0].ended_on");
    // Stopped but still open.
    let open = vec![rec(Investigation, "2024-01-01", None)];
    assert_eq!(check(open, Some("2024-03-01")), "phases[0].ended_on");
    // Stopped another day than the last end.
    assert_eq!(check(closed, Some("2024-03-02")), "stopped_on");
}

#[test]
fn a_step_back_is_refused_unless_it_is_a_named_return() {
    let records = vec![
        rec(Investigation, "2020-01-06", Some("2020-06-01")),
        rec(Construction, "2020-06-01", Some("2021-01-04")),
        rec(Investigation, "2021-01-04", None),
    ];
    let refused = PhaseHistory::from_records(records.clone(), None).expect_err("a step back");
    assert_eq!(refused.field(), Some("phases[2].phase"));
    let named = [(d("2021-01-04"), Investigation)];
    let history = PhaseHistory::with_returns(records.clone(), None, &named).expect("a return");
    assert_eq!(history.returns().len(), 1);
    assert_eq!(history.returns()[0].from, Construction);
    // A name that matches no step back is refused: a return is never implied.
    let wrong = [(d("2020-06-01"), Construction)];
    let refused = PhaseHistory::with_returns(records[..2].to_vec(), Some(d("2021-01-04")), &wrong)
        .expect_err("not a return");
    assert_eq!(refused.field(), Some("returns[0]"));
    // After a return, the product advances one step at a time again.
    let mut history = history;
    let t = history
        .apply(&decision(Advance, d("2021-09-01")), d("2026-01-01"))
        .expect("advance");
    assert_eq!(t.status, ProductStatus::Active(Construction));
    assert_eq!(history.returns().len(), 1);
}

#[test]
fn a_decision_names_the_phase_an_advance_leads_to() {
    let mut h = PhaseHistory::start(Investigation, d("2024-01-15"));
    // Not applied yet (a draft review): from the phase of the day.
    assert_eq!(
        h.decision_label(Advance, d("2024-07-01")),
        "Passage en construction"
    );
    h.apply(&decision(Advance, d("2024-07-01")), d("2024-07-10"))
        .expect("advance");
    // Recorded: the phase it led to, not the one after.
    assert_eq!(
        h.decision_label(Advance, d("2024-07-01")),
        "Passage en construction"
    );
    assert_eq!(h.decision_label(Continue, d("2024-07-01")), "Poursuite");
    // A product advanced the day it started.
    let mut same_day = PhaseHistory::start(Investigation, d("2024-01-15"));
    same_day
        .apply(&decision(Advance, d("2024-01-15")), d("2024-01-15"))
        .expect("advance");
    assert_eq!(
        same_day.decision_label(Advance, d("2024-01-15")),
        "Passage en construction"
    );
}
