//! Property tests: every date files into a period that contains it and starts on a Monday or
//! a 1st; periods round-trip through their start and never panic.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use pilote_domain::{Period, Periodicity, is_late};
use proptest::prelude::*;

/// Dates across ±200 000 years, well inside chrono's calendar.
fn date() -> impl Strategy<Value = NaiveDate> {
    (-73_000_000_i32..73_000_000).prop_filter_map("in chrono's range", |n| {
        NaiveDate::from_num_days_from_ce_opt(n)
    })
}

/// Dates of our era, where the product actually lives.
fn recent() -> impl Strategy<Value = NaiveDate> {
    (730_000_i32..750_000).prop_filter_map("in range", NaiveDate::from_num_days_from_ce_opt)
}

fn periodicity() -> impl Strategy<Value = Periodicity> {
    prop_oneof![Just(Periodicity::Week), Just(Periodicity::Month)]
}

fn aligned(p: Periodicity, d: NaiveDate) -> bool {
    match p {
        Periodicity::Week => d.weekday() == Weekday::Mon,
        Periodicity::Month => d.day() == 1,
    }
}

proptest! {
    #[test]
    fn any_date_files_into_a_period_containing_it(p in periodicity(), d in date()) {
        let period = Period::containing(p, d);
        prop_assert!(period.contains(d));
        prop_assert!(period.start() <= d && d <= period.end());
        prop_assert!(aligned(p, period.start()));
        prop_assert_eq!(period.periodicity(), p);
        prop_assert_eq!(Period::from_start(p, period.start()), Ok(period));
        prop_assert_eq!(Period::containing(p, period.start()), period);
        prop_assert_eq!(Period::containing(p, period.end()), period);
    }

    #[test]
    fn periods_tile_the_calendar(p in periodicity(), d in date()) {
        let period = Period::containing(p, d);
        let next = period.next();
        prop_assert_eq!(period.end().succ_opt(), Some(next.start()));
        prop_assert_eq!(next.prev(), period);
        prop_assert_eq!(period.prev().next(), period);
        prop_assert!(period < next);
        let length = (period.end() - period.start()).num_days() + 1;
        match p {
            Periodicity::Week => prop_assert_eq!(length, 7),
            Periodicity::Month => prop_assert!((28..=31).contains(&length)),
        }
    }

    #[test]
    fn only_aligned_starts_are_accepted(p in periodicity(), d in date()) {
        match Period::from_start(p, d) {
            Ok(period) => {
                prop_assert!(aligned(p, d));
                prop_assert_eq!(period.start(), d);
            }
            Err(e) => {
                prop_assert!(!aligned(p, d));
                prop_assert_eq!(e.field(), Some("period"));
            }
        }
    }

    #[test]
    fn the_last_complete_period_is_over_and_the_latest(p in periodicity(), today in date()) {
        let last = Period::last_complete(p, today);
        prop_assert!(last.end() < today);
        prop_assert!(last.next().end() >= today);
        prop_assert!(!is_late(p, Some(last), today));
        prop_assert!(is_late(p, Some(last.prev()), today));
        prop_assert!(is_late(p, None, today));
    }

    #[test]
    fn only_periods_starting_after_today_are_future(p in periodicity(), d in recent(), today in recent()) {
        let period = Period::containing(p, d);
        prop_assert_eq!(period.ensure_not_future(today).is_err(), period.start() > today);
        if d <= today {
            prop_assert!(period.ensure_not_future(today).is_ok());
        }
    }
}

#[test]
fn the_ends_of_the_calendar_do_not_panic() {
    let edge_days = |from: NaiveDate, forward: bool| {
        (0..40).filter_map(move |n| {
            if forward {
                from.checked_add_days(Days::new(n))
            } else {
                from.checked_sub_days(Days::new(n))
            }
        })
    };
    let dates = edge_days(NaiveDate::MIN, true).chain(edge_days(NaiveDate::MAX, false));
    for d in dates {
        for p in [Periodicity::Week, Periodicity::Month] {
            let period = Period::containing(p, d);
            assert!(aligned(p, period.start()));
            let _ = (
                period.end(),
                period.next(),
                period.prev(),
                period.contains(d),
            );
            let _ = Period::last_complete(p, d);
            let _ = is_late(p, Some(period), d);
        }
    }
}
