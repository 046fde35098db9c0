//! Reporting periods, date ranges and freshness, on hand-computed examples.

mod common;

use common::{d, invalid};
use pilote_domain::{
    DateRange, Period,
    Periodicity::{Month, Week},
    is_late,
};

fn week(start: &str) -> Period {
    Period::from_start(Week, d(start)).expect("a Monday")
}

fn month(start: &str) -> Period {
    Period::from_start(Month, d(start)).expect("a 1st")
}

#[test]
fn any_day_files_into_its_week() {
    // Wednesday 12 March 2025 is in the week of Monday 10 March.
    let p = Period::containing(Week, d("2025-03-12"));
    assert_eq!(p, week("2025-03-10"));
    assert_eq!(p.periodicity(), Week);
    assert_eq!(p.end(), d("2025-03-16"));
    assert_eq!(Period::containing(Week, d("2025-03-10")), p);
    assert_eq!(Period::containing(Week, d("2025-03-16")), p);
    assert_eq!(Period::containing(Week, d("2025-03-17")), p.next());
    // ISO weeks cross years: New Year's Day 2025 is in the week of 30 December 2024.
    assert_eq!(
        Period::containing(Week, d("2025-01-01")).start(),
        d("2024-12-30")
    );
}

#[test]
fn any_day_files_into_its_month() {
    let p = Period::containing(Month, d("2025-02-14"));
    assert_eq!(p.start(), d("2025-02-01"));
    assert_eq!(p.end(), d("2025-02-28"));
    assert_eq!(
        Period::containing(Month, d("2024-02-29")).end(),
        d("2024-02-29")
    );
    assert_eq!(
        Period::containing(Month, d("2025-12-31")).start(),
        d("2025-12-01")
    );
}

#[test]
fn next_and_prev() {
    assert_eq!(month("2024-12-01").next(), month("2025-01-01"));
    assert_eq!(month("2025-01-01").prev(), month("2024-12-01"));
    assert_eq!(week("2024-12-30").next(), week("2025-01-06"));
    assert_eq!(week("2024-12-30").prev(), week("2024-12-23"));
    assert!(week("2024-12-23") < week("2024-12-30"));
    assert!(month("2025-01-01").contains(d("2025-01-31")));
    assert!(!month("2025-01-01").contains(d("2025-02-01")));
    assert!(!week("2025-03-10").contains(d("2025-03-09")));
}

#[test]
fn stored_starts_must_be_aligned() {
    assert_eq!(
        invalid(Period::from_start(Week, d("2025-03-11"))),
        ("period".to_owned(), "must be a Monday".to_owned())
    );
    assert_eq!(
        invalid(Period::from_start(Month, d("2025-03-02"))),
        ("period".to_owned(), "must be the 1st of a month".to_owned())
    );
    // 1 September 2025 is both a Monday and a 1st.
    assert!(Period::from_start(Week, d("2025-09-01")).is_ok());
    assert!(Period::from_start(Month, d("2025-09-01")).is_ok());
}

#[test]
fn the_last_complete_period_is_over_by_today() {
    // On Sunday the current week is not over yet.
    assert_eq!(
        Period::last_complete(Week, d("2025-03-16")),
        week("2025-03-03")
    );
    assert_eq!(
        Period::last_complete(Week, d("2025-03-17")),
        week("2025-03-10")
    );
    assert_eq!(
        Period::last_complete(Month, d("2025-03-01")),
        month("2025-02-01")
    );
    assert_eq!(
        Period::last_complete(Month, d("2025-03-31")),
        month("2025-02-01")
    );
}

#[test]
fn future_periods_are_refused() {
    let p = week("2025-03-10");
    assert_eq!(p.ensure_not_future(d("2025-03-10")), Ok(()));
    assert_eq!(p.ensure_not_future(d("2025-06-01")), Ok(()));
    assert_eq!(
        invalid(p.ensure_not_future(d("2025-03-09"))),
        ("period".to_owned(), "is in the future".to_owned())
    );
}

#[test]
fn freshness_needs_the_last_complete_period() {
    let today = d("2025-03-12"); // Wednesday; last complete week starts 3 March.
    assert!(is_late(Week, None, today));
    assert!(is_late(Week, Some(week("2025-02-24")), today));
    assert!(!is_late(Week, Some(week("2025-03-03")), today));
    assert!(!is_late(Week, Some(week("2025-03-10")), today));
    assert!(is_late(Month, Some(month("2025-01-01")), today));
    assert!(!is_late(Month, Some(month("2025-02-01")), today));
}

#[test]
fn date_ranges_are_inclusive() {
    let r = DateRange::new(d("2025-01-01"), d("2025-01-31")).expect("ordered");
    assert_eq!((r.from(), r.to()), (d("2025-01-01"), d("2025-01-31")));
    assert!(r.contains(d("2025-01-01")) && r.contains(d("2025-01-31")));
    assert!(!r.contains(d("2025-02-01")));
    assert_eq!(r.days(), 31);
    assert_eq!(
        DateRange::new(d("2025-01-01"), d("2025-01-01")).map(|r| r.days()),
        Ok(1)
    );
    assert_eq!(
        invalid(DateRange::new(d("2025-01-02"), d("2025-01-01"))).0,
        "from"
    );
}
