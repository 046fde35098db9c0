//! Property tests: random committee decisions, legal or not, never break a phase history,
//! and `from_records` accepts exactly consistent histories.

use chrono::{Days, NaiveDate};
use pilote_domain::{
    DecisionKind, DomainError, NewDecision, Phase, PhaseHistory, PhaseRecord, ProductStatus,
    Rationale,
};
use proptest::prelude::*;

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 6).unwrap_or_default()
}

fn shift(d: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        d.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        d.checked_sub_days(Days::new(days.unsigned_abs()))
    }
    .unwrap_or(d)
}

fn phase() -> impl Strategy<Value = Phase> {
    prop::sample::select(Phase::ALL.to_vec())
}

fn kind() -> impl Strategy<Value = DecisionKind> {
    prop_oneof![
        4 => Just(DecisionKind::Advance),
        2 => Just(DecisionKind::Continue),
        1 => Just(DecisionKind::Pivot),
        1 => Just(DecisionKind::Stop),
    ]
}

/// A decision dated `offset` days after the current phase began, examined `late` days later
/// (a negative `late` puts the decision in the future).
#[derive(Debug, Clone)]
struct Step {
    kind: DecisionKind,
    offset: i64,
    late: i64,
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = (kind(), -30_i64..400, -5_i64..60).prop_map(|(kind, offset, late)| Step {
        kind,
        offset,
        late,
    });
    prop::collection::vec(step, 0..25)
}

/// Every invariant a history must keep, checked from its public view.
fn check_invariants(h: &PhaseHistory) -> Result<(), TestCaseError> {
    let records = h.records();
    prop_assert!(!records.is_empty());
    for r in records {
        prop_assert!(r.ended_on.is_none_or(|end| end >= r.started_on));
    }
    for pair in records.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        prop_assert_eq!(a.ended_on, Some(b.started_on), "contiguous, no overlap");
        prop_assert_eq!(a.phase.next(), Some(b.phase), "one step at a time");
    }
    let open = records.iter().filter(|r| r.is_open()).count();
    let last = records[records.len() - 1];
    match h.stopped_on() {
        None => {
            prop_assert_eq!(open, 1);
            prop_assert!(last.is_open());
            prop_assert_eq!(h.current(), Some(&last));
            prop_assert_eq!(h.status(), ProductStatus::Active(last.phase));
        }
        Some(stop) => {
            prop_assert_eq!(open, 0, "no open phase after a stop");
            prop_assert_eq!(last.ended_on, Some(stop));
            prop_assert_eq!(h.current(), None);
            prop_assert_eq!(h.status(), ProductStatus::Stopped);
        }
    }
    let rebuilt = PhaseHistory::from_records(records.to_vec(), h.stopped_on());
    prop_assert_eq!(rebuilt, Ok(h.clone()));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_decisions_keep_the_history_consistent(
        first in phase(),
        start in 0_i64..2000,
        steps in steps(),
    ) {
        let rationale = Rationale::parse("Comité").map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut h = PhaseHistory::start(first, shift(base(), start));
        for step in steps {
            let anchor = h.records()[h.records().len() - 1].started_on;
            let decided_on = shift(anchor, step.offset);
            let today = shift(decided_on, step.late);
            let before = h.clone();
            let decision = NewDecision { kind: step.kind, decided_on, rationale: rationale.clone() };
            let result = h.apply(&decision, today);

            // What the rules predict.
            let current = before.current().copied();
            match (&result, current) {
                (Err(DomainError::Invalid { field, .. }), _) => {
                    prop_assert!(step.late < 0);
                    prop_assert_eq!(field.as_str(), "decided_on");
                }
                (Err(DomainError::Conflict(_)), None) => prop_assert!(step.late >= 0),
                (Err(DomainError::Conflict(_)), Some(cur)) => {
                    prop_assert!(step.late >= 0);
                    let advance_from_last =
                        step.kind == DecisionKind::Advance && cur.phase.next().is_none();
                    prop_assert!(step.offset < 0 || advance_from_last);
                }
                (Ok(_), None) => prop_assert!(false, "a stopped product accepted a decision"),
                (Ok(t), Some(cur)) => {
                    prop_assert!(step.late >= 0 && step.offset >= 0);
                    let closed = PhaseRecord { ended_on: Some(decided_on), ..cur };
                    match step.kind {
                        DecisionKind::Continue | DecisionKind::Pivot => {
                            prop_assert_eq!(t.closed, None);
                            prop_assert_eq!(t.opened, None);
                            prop_assert_eq!(t.status, ProductStatus::Active(cur.phase));
                            prop_assert_eq!(&h, &before);
                        }
                        DecisionKind::Advance => {
                            let next = cur.phase.next();
                            prop_assert_eq!(t.closed, Some(closed));
                            prop_assert_eq!(t.opened.map(|r| (r.phase, r.started_on, r.ended_on)),
                                next.map(|p| (p, decided_on, None)));
                            prop_assert_eq!(h.current().copied(), t.opened);
                            prop_assert_eq!(h.records().len(), before.records().len() + 1);
                        }
                        DecisionKind::Stop => {
                            prop_assert_eq!(t.closed, Some(closed));
                            prop_assert_eq!(t.opened, None);
                            prop_assert_eq!(t.status, ProductStatus::Stopped);
                            prop_assert_eq!(h.stopped_on(), Some(decided_on));
                        }
                    }
                    prop_assert_eq!(t.status, h.status());
                }
            }
            if result.is_err() {
                prop_assert_eq!(&h, &before, "a refused decision changes nothing");
            }
            check_invariants(&h)?;
            prop_assert_eq!(h.entered_on(first), Some(h.records()[0].started_on));
        }
    }

    #[test]
    fn chains_built_by_the_rules_are_accepted(
        first in phase(),
        start in 0_i64..2000,
        lengths in prop::collection::vec(0_i64..400, 0..4),
        stop_after in prop::option::of(0_i64..400),
    ) {
        let mut records = Vec::new();
        let (mut phase, mut from) = (Some(first), shift(base(), start));
        for length in lengths {
            let (Some(p), Some(next)) = (phase, phase.and_then(Phase::next)) else { break };
            let to = shift(from, length);
            records.push(PhaseRecord { phase: p, started_on: from, ended_on: Some(to) });
            (phase, from) = (Some(next), to);
        }
        let stopped_on = stop_after.map(|n| shift(from, n));
        if let Some(p) = phase {
            records.push(PhaseRecord { phase: p, started_on: from, ended_on: stopped_on });
        }
        let h = PhaseHistory::from_records(records.clone(), stopped_on);
        prop_assert!(h.is_ok(), "{records:?} stopped {stopped_on:?}: {h:?}");
        let h = h.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(h.records(), records.as_slice());
        check_invariants(&h)?;
    }

    #[test]
    fn from_records_never_accepts_a_broken_history(
        rows in prop::collection::vec(
            (phase(), 0_i64..60, prop::option::of(0_i64..60)),
            0..5,
        ),
        stopped in prop::option::of(0_i64..120),
    ) {
        let records: Vec<PhaseRecord> = rows
            .into_iter()
            .map(|(phase, from, to)| PhaseRecord {
                phase,
                started_on: shift(base(), from),
                ended_on: to.map(|n| shift(base(), n)),
            })
            .collect();
        let stopped_on = stopped.map(|n| shift(base(), n));
        match PhaseHistory::from_records(records, stopped_on) {
            Ok(h) => check_invariants(&h)?,
            Err(e) => prop_assert!(e.field().is_some()),
        }
    }
}
