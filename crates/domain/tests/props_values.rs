//! Property tests: measure values, re-posting and objective statuses never panic and keep
//! their rules.

use chrono::NaiveDate;
use pilote_domain::{
    Change, Direction, MeasureValue, Objective, ObjectiveStatus, Period, Periodicity, Point,
    Tolerance, classify_change, normalize_comment,
};
use proptest::prelude::*;

fn date() -> impl Strategy<Value = NaiveDate> {
    (730_000_i32..750_000).prop_filter_map("in range", NaiveDate::from_num_days_from_ce_opt)
}

fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![-1e9_f64..1e9, Just(0.0), Just(-0.0), prop::num::f64::NORMAL]
}

fn direction() -> impl Strategy<Value = Direction> {
    prop_oneof![Just(Direction::Increase), Just(Direction::Decrease)]
}

proptest! {
    #[test]
    fn measure_values_are_exactly_the_finite_numbers(v in prop::num::f64::ANY) {
        match MeasureValue::new(v) {
            Ok(m) => {
                prop_assert!(v.is_finite());
                prop_assert_eq!(m.get(), v);
            }
            Err(e) => {
                prop_assert!(!v.is_finite());
                prop_assert_eq!(e.field(), Some("value"));
            }
        }
    }

    #[test]
    fn reposting_the_same_measure_is_a_no_op(v in finite(), comment in prop::option::of(".{0,20}")) {
        let value = MeasureValue::new(v).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let stored = normalize_comment(comment.as_deref())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let existing = Some((value.get(), stored.as_deref()));
        prop_assert_eq!(classify_change(existing, value, comment.as_deref()), Change::Unchanged);
        prop_assert_eq!(classify_change(Some((v, stored.as_deref())), value, comment.as_deref()), Change::Unchanged);
        prop_assert_eq!(classify_change(None, value, comment.as_deref()), Change::Created);
        let other = MeasureValue::new(v + 1.0).map_err(|e| TestCaseError::fail(e.to_string()))?;
        if other.get() != v {
            prop_assert_eq!(classify_change(existing, other, comment.as_deref()), Change::Updated);
        }
    }

    #[test]
    fn shortfall_is_never_negative(dir in direction(), a in finite(), b in finite()) {
        let s = dir.shortfall(a, b);
        prop_assert!(s >= 0.0);
        prop_assert_eq!(s == 0.0, dir.is_better_or_equal(a, b));
    }

    #[test]
    fn objective_statuses_follow_the_rules(
        dir in direction(),
        base_value in -1e6_f64..1e6,
        target_value in -1e6_f64..1e6,
        base_on in date(),
        span in 1_u64..2000,
        tolerance in 0.0_f64..=1.0,
        latest in prop::option::of((date(), prop::num::f64::ANY)),
        periodicity in prop_oneof![Just(Periodicity::Week), Just(Periodicity::Month)],
        at in date(),
    ) {
        let target_on = base_on + chrono::Days::new(span);
        let tolerance = Tolerance::new(tolerance).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let objective = Objective::new(
            Point { value: base_value, on: base_on },
            Point { value: target_value, on: target_on },
            tolerance,
        )
        .map_err(|e| TestCaseError::fail(e.to_string()))?;

        let expected = objective.expected_at(at);
        let (lo, hi) = (base_value.min(target_value), base_value.max(target_value));
        prop_assert!(lo - 1e-6 <= expected && expected <= hi + 1e-6);

        let latest = latest.map(|(d, v)| (Period::containing(periodicity, d), v));
        let status = objective.status(dir, latest, at);
        match latest {
            None => prop_assert_eq!(status, ObjectiveStatus::NoData),
            Some((_, v)) if !v.is_finite() => prop_assert_eq!(status, ObjectiveStatus::NoData),
            Some((_, v)) => {
                let achieved = dir.is_better_or_equal(v, target_value);
                prop_assert_eq!(status == ObjectiveStatus::Achieved, achieved);
                if status == ObjectiveStatus::OnTrack {
                    prop_assert!(dir.is_better_or_equal(v, expected));
                }
            }
        }
    }
}
