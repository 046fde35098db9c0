//! Objectives: expected values and statuses, on hand-computed examples.

mod common;

use common::{d, invalid};
use pilote_domain::{
    Direction::{Decrease, Increase},
    Objective,
    ObjectiveStatus::{self, Achieved, AtRisk, NoData, OffTrack, OnTrack},
    Period,
    Periodicity::{Month, Week},
    Point, Tolerance,
};

/// An objective from the `baseline` (value, day) to the `target` (value, day).
fn objective(baseline: (f64, &str), target: (f64, &str), tolerance: f64) -> Objective {
    let point = |(value, day): (f64, &str)| Point { value, on: d(day) };
    let tolerance = Tolerance::new(tolerance).expect("valid tolerance");
    Objective::new(point(baseline), point(target), tolerance).expect("valid objective")
}

/// From 100 on 1 January 2025 to 200 on 11 April 2025 (100 days): 150 expected on
/// 20 February, with 10 % of 100 = 10 of tolerance.
fn growth() -> Objective {
    objective(
        (100.0, "2025-01-01"),
        (200.0, "2025-04-11"),
        Tolerance::default().get(),
    )
}

fn month(start: &str) -> Period {
    Period::from_start(Month, d(start)).expect("a 1st")
}

fn status(o: &Objective, dir: pilote_domain::Direction, p: &str, v: f64) -> ObjectiveStatus {
    o.status(dir, Some((month(p), v)), d("2025-02-20"))
}

#[test]
fn the_expected_value_is_a_straight_line() {
    let o = growth();
    assert_eq!(o.expected_at(d("2024-12-01")), 100.0);
    assert_eq!(o.expected_at(d("2025-01-01")), 100.0);
    assert_eq!(o.expected_at(d("2025-01-11")), 110.0);
    assert_eq!(o.expected_at(d("2025-02-20")), 150.0);
    assert_eq!(o.expected_at(d("2025-04-11")), 200.0);
    assert_eq!(o.expected_at(d("2026-01-01")), 200.0);
}

#[test]
fn statuses_of_an_increase() {
    let o = growth();
    // On 20 February the last complete month is January, so December still counts.
    assert_eq!(o.status(Increase, None, d("2025-02-20")), NoData);
    assert_eq!(status(&o, Increase, "2025-01-01", 200.0), Achieved);
    assert_eq!(status(&o, Increase, "2025-01-01", 250.0), Achieved);
    assert_eq!(status(&o, Increase, "2025-01-01", 150.0), OnTrack);
    assert_eq!(status(&o, Increase, "2025-02-01", 160.0), OnTrack);
    assert_eq!(status(&o, Increase, "2025-01-01", 145.0), AtRisk);
    assert_eq!(status(&o, Increase, "2025-01-01", 140.0), AtRisk);
    assert_eq!(status(&o, Increase, "2025-01-01", 139.0), OffTrack);
    assert_eq!(status(&o, Increase, "2024-12-01", 150.0), OnTrack);
    assert_eq!(status(&o, Increase, "2024-11-01", 150.0), NoData);
    // Once met, the target stays achieved even without recent data.
    assert_eq!(status(&o, Increase, "2024-11-01", 200.0), Achieved);
    assert_eq!(status(&o, Increase, "2025-01-01", f64::NAN), NoData);
}

#[test]
fn statuses_of_a_decrease() {
    // From 50 days to 10 days over 100 days: 30 expected on 20 February; 25 % of 40 = 10.
    let o = objective((50.0, "2025-01-01"), (10.0, "2025-04-11"), 0.25);
    assert_eq!(o.expected_at(d("2025-02-20")), 30.0);
    assert_eq!(status(&o, Decrease, "2025-01-01", 10.0), Achieved);
    assert_eq!(status(&o, Decrease, "2025-01-01", 9.0), Achieved);
    assert_eq!(status(&o, Decrease, "2025-01-01", 30.0), OnTrack);
    assert_eq!(status(&o, Decrease, "2025-01-01", 25.0), OnTrack);
    assert_eq!(status(&o, Decrease, "2025-01-01", 40.0), AtRisk);
    assert_eq!(status(&o, Decrease, "2025-01-01", 41.0), OffTrack);
}

#[test]
fn weekly_data_goes_stale_after_two_weeks() {
    let o = growth();
    let at = d("2025-02-20"); // Thursday; last complete week starts 10 February.
    let week = |s: &str| Period::from_start(Week, d(s)).expect("a Monday");
    assert_eq!(
        o.status(Increase, Some((week("2025-02-03"), 150.0)), at),
        OnTrack
    );
    assert_eq!(
        o.status(Increase, Some((week("2025-01-27"), 150.0)), at),
        NoData
    );
}

#[test]
fn zero_tolerance_leaves_no_room() {
    let o = objective((100.0, "2025-01-01"), (200.0, "2025-04-11"), 0.0);
    assert_eq!(status(&o, Increase, "2025-01-01", 150.0), OnTrack);
    assert_eq!(status(&o, Increase, "2025-01-01", 149.9), OffTrack);
}

#[test]
fn objectives_check_their_points() {
    let base = Point {
        value: 1.0,
        on: d("2025-01-01"),
    };
    let target = Point {
        value: 2.0,
        on: d("2025-06-01"),
    };
    let t = Tolerance::default();
    let nan = Point {
        value: f64::NAN,
        ..base
    };
    assert_eq!(invalid(Objective::new(nan, target, t)).0, "baseline.value");
    let inf = Point {
        value: f64::INFINITY,
        ..target
    };
    assert_eq!(invalid(Objective::new(base, inf, t)).0, "target.value");
    let same_day = Point {
        on: base.on,
        ..target
    };
    assert_eq!(invalid(Objective::new(base, same_day, t)).0, "target.by");
    assert!(Objective::new(base, target, t).is_ok());
}

#[test]
fn tolerances_are_shares() {
    assert_eq!(Tolerance::default().get(), 0.1);
    assert_eq!(Tolerance::new(0.0).map(Tolerance::get), Ok(0.0));
    assert_eq!(Tolerance::new(1.0).map(Tolerance::get), Ok(1.0));
    for bad in [-0.1, 1.1, f64::NAN, f64::INFINITY] {
        assert_eq!(invalid(Tolerance::new(bad)).0, "tolerance");
    }
}
