//! Overdue phases, on hand-computed examples.

mod common;

use common::{d, decision, invalid_field};
use pilote_domain::{
    DecisionKind::Stop,
    Phase::{Acceleration, Construction, Investigation, Perennisation},
    PhaseDurations, PhaseHistory,
};

#[test]
fn overdue_counts_from_the_day_after_the_deadline() {
    let limits = PhaseDurations::default();
    let h = PhaseHistory::start(Investigation, d("2025-01-15"));
    assert_eq!(h.overdue_since(&limits, d("2025-07-15")), None);
    assert!(!h.is_overdue(&limits, d("2025-07-15")));
    assert_eq!(
        h.overdue_since(&limits, d("2025-07-16")),
        Some(d("2025-07-16"))
    );
    assert_eq!(
        h.overdue_since(&limits, d("2026-03-01")),
        Some(d("2025-07-16"))
    );
    assert!(h.is_overdue(&limits, d("2025-07-16")));

    // Month arithmetic clamps to the end of a shorter month.
    let h = PhaseHistory::start(Investigation, d("2024-08-31"));
    assert_eq!(
        h.overdue_since(&limits, d("2025-03-01")),
        Some(d("2025-03-01"))
    );
    assert_eq!(h.overdue_since(&limits, d("2025-02-28")), None);

    // Construction allows 24 months by default, or what the incubator sets.
    let h = PhaseHistory::start(Construction, d("2023-01-10"));
    assert_eq!(h.overdue_since(&limits, d("2025-01-10")), None);
    assert_eq!(
        h.overdue_since(&limits, d("2025-01-11")),
        Some(d("2025-01-11"))
    );
    let strict = PhaseDurations {
        construction_months: 12,
        ..limits
    };
    assert_eq!(
        h.overdue_since(&strict, d("2025-01-11")),
        Some(d("2024-01-11"))
    );
}

#[test]
fn perennisation_and_stopped_products_are_never_overdue() {
    let limits = PhaseDurations::default();
    let h = PhaseHistory::start(Perennisation, d("2015-01-01"));
    assert!(!h.is_overdue(&limits, d("2025-01-01")));
    let mut h = PhaseHistory::start(Investigation, d("2015-01-01"));
    h.apply(&decision(Stop, d("2016-01-01")), d("2016-01-01"))
        .expect("stop");
    assert_eq!(h.overdue_since(&limits, d("2025-01-01")), None);
}

#[test]
fn phase_durations() {
    let limits = PhaseDurations::default();
    assert_eq!(
        [Investigation, Construction, Acceleration, Perennisation].map(|p| limits.max_months(p)),
        [Some(6), Some(24), Some(24), None]
    );
    assert_eq!(limits.validate(), Ok(()));
    let zero = PhaseDurations {
        investigation_months: 0,
        ..limits
    };
    assert_eq!(invalid_field(zero.validate()), "investigation_months");
    let long = PhaseDurations {
        acceleration_months: 121,
        ..limits
    };
    assert_eq!(invalid_field(long.validate()), "acceleration_months");
    let max = PhaseDurations {
        construction_months: 120,
        ..limits
    };
    assert_eq!(max.validate(), Ok(()));
}
