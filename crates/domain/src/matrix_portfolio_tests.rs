//! Hand-computed examples of the portfolio's matrix rows.

use chrono::{Months, NaiveDate};

use super::*;
use crate::{
    Aggregation, Direction, Indicator, MatrixIndicator, MatrixRole, Period, Periodicity, Principle,
    Spend, matrix,
};

const AT: &str = "2026-11-23";

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

/// `count` monthly values from `first`, the k-th being `value(k)`.
fn months(first: &str, count: u32, value: impl Fn(u32) -> f64) -> Vec<(Period, f64)> {
    (0..count)
        .map(|k| {
            let start = d(first).checked_add_months(Months::new(k)).expect("month");
            let period = Period::from_start(Periodicity::Month, start).expect("a 1st");
            (period, value(k))
        })
        .collect()
}

fn input(
    key: &str,
    role: Option<MatrixRole>,
    star: bool,
    measures: Vec<(Period, f64)>,
) -> MatrixIndicator {
    let principle = role.map_or(Principle::Impactful, MatrixRole::principle);
    MatrixIndicator {
        indicator: Indicator {
            key: Slug::parse(key).expect("slug"),
            label: key.to_owned(),
            unit: String::new(),
            direction: Direction::Increase,
            principle,
            periodicity: Periodicity::Month,
            aggregation: Aggregation::Last,
            matrix_role: role,
            north_star: star,
            description: None,
        },
        measures,
        objective: None,
    }
}

fn spend(amount: i64) -> Vec<Spend> {
    months("2024-11-01", 24, |_| 0.0)
        .into_iter()
        .map(|(p, _)| Spend {
            month: p.start(),
            amount,
        })
        .collect()
}

#[test]
fn a_full_matrix_counts_four_slots_and_its_figures() {
    // Users 500 a month the year before, 1 000 the last year; 10 000 € a month: 240 € then
    // 120 € a user, −50 %; use +100 %; the north star (users) went 500 → 1 000: +100 %.
    let users = months("2024-11-01", 24, |k| if k < 12 { 500.0 } else { 1000.0 });
    let recent = months("2026-09-01", 2, |_| 5.0);
    let inputs = [
        input("usagers", Some(MatrixRole::MonthlyActiveUsers), true, users),
        input(
            "facilite",
            Some(MatrixRole::EaseOfUse),
            false,
            recent.clone(),
        ),
        input(
            "penetration",
            Some(MatrixRole::MarketPenetration),
            false,
            recent.clone(),
        ),
        input("valeur", Some(MatrixRole::ValueGenerated), false, recent),
    ];
    let s = summarize_matrix(&matrix(&inputs, &spend(10_000), d(AT)));
    assert_eq!(s.completeness, 4);
    assert!(s.is_complete());
    assert_eq!(s.cost_per_active_user, Some(120.0));
    assert_eq!(s.cost_per_active_user_evolution_pct, Some(-50.0));
    assert_eq!(s.users_evolution_pct, Some(100.0));
    assert_eq!(s.cost_grew_slower_than_use, Some(true));
    assert_eq!(s.north_star.as_ref().map(Slug::as_ref), Some("usagers"));
    assert_eq!(s.north_star_evolution_pct, Some(100.0));
}

#[test]
fn an_empty_matrix_has_nothing_filled_and_no_figure() {
    let s = summarize_matrix(&matrix(&[], &[], d(AT)));
    assert_eq!(s.completeness, 0);
    assert!(!s.is_complete());
    assert_eq!(s.cost_per_active_user, None);
    assert_eq!(s.north_star, None);
    assert_eq!(s.north_star_evolution_pct, None);
}

#[test]
fn a_stale_slot_does_not_count() {
    // Last value in June 2026: not in the last two complete months (Sept, Oct).
    let old = months("2026-06-01", 1, |_| 5.0);
    let inputs = [input("facilite", Some(MatrixRole::EaseOfUse), false, old)];
    assert_eq!(
        summarize_matrix(&matrix(&inputs, &[], d(AT))).completeness,
        0
    );
}

fn row(cost: Option<f64>, completeness: u8) -> MatrixSummary {
    MatrixSummary {
        completeness,
        cost_per_active_user: cost,
        cost_per_active_user_evolution_pct: None,
        users_evolution_pct: None,
        cost_grew_slower_than_use: None,
        north_star: None,
        north_star_evolution_pct: None,
    }
}

fn key<'a>(r: &'a (&'static str, MatrixSummary)) -> (&'a str, &'a MatrixSummary) {
    (r.0, &r.1)
}

fn names(rows: &[(&str, MatrixSummary)]) -> Vec<String> {
    rows.iter().map(|(n, _)| (*n).to_owned()).collect()
}

#[test]
fn rows_sort_either_way_with_blanks_last_and_ties_by_name() {
    let mut rows = vec![
        ("b", row(Some(10.0), 4)),
        ("a", row(None, 1)),
        ("c", row(Some(2.0), 1)),
        ("d", row(Some(10.0), 3)),
    ];
    sort_matrix_rows(
        &mut rows,
        MatrixSort::CostPerActiveUser,
        SortOrder::Asc,
        key,
    );
    assert_eq!(names(&rows), ["c", "b", "d", "a"]);
    sort_matrix_rows(
        &mut rows,
        MatrixSort::CostPerActiveUser,
        SortOrder::Desc,
        key,
    );
    assert_eq!(names(&rows), ["b", "d", "c", "a"]);
    sort_matrix_rows(&mut rows, MatrixSort::Completeness, SortOrder::Asc, key);
    assert_eq!(names(&rows), ["a", "c", "d", "b"]);
    sort_matrix_rows(&mut rows, MatrixSort::Name, SortOrder::Desc, key);
    assert_eq!(names(&rows), ["d", "c", "b", "a"]);
    assert_eq!(completeness_counts(rows.iter().map(|r| &r.1)), (1, 3));
}

#[test]
fn an_unknown_sort_key_names_the_field() {
    let e = MatrixSort::parse("popularity").expect_err("unknown");
    assert!(e.to_string().contains("sort"), "{e}");
    assert!(SortOrder::parse("up").is_err());
}
