//! Hand-computed examples of [`matrix`].

use super::*;
use crate::{Aggregation, Direction};

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn month(s: &str) -> Period {
    Period::from_start(Periodicity::Month, d(s)).expect("a 1st")
}

fn week(s: &str) -> Period {
    Period::from_start(Periodicity::Week, d(s)).expect("a Monday")
}

fn indicator(key: &str, principle: Principle, periodicity: Periodicity) -> Indicator {
    Indicator {
        key: Slug::parse(key).expect("slug"),
        label: key.to_owned(),
        unit: String::new(),
        direction: Direction::Increase,
        principle,
        periodicity,
        aggregation: Aggregation::Last,
        matrix_role: None,
        north_star: false,
        description: None,
    }
}

fn mau(periodicity: Periodicity, measures: Vec<(Period, f64)>) -> MatrixIndicator {
    let mut i = indicator("utilisateurs", Principle::Used, periodicity);
    i.matrix_role = Some(MatrixRole::MonthlyActiveUsers);
    MatrixIndicator {
        indicator: i,
        measures,
        objective: None,
    }
}

/// The 1st of every month from `first` for `count` months, each with `value`.
fn months(first: &str, count: u32, value: f64) -> Vec<(Period, f64)> {
    (0..count)
        .map(|k| {
            let start = d(first)
                .checked_add_months(Months::new(k))
                .expect("in the calendar");
            (month(&start.to_string()), value)
        })
        .collect()
}

fn spend(first: &str, count: u32, amount: i64) -> Vec<Spend> {
    months(first, count, 0.0)
        .into_iter()
        .map(|(p, _)| Spend {
            month: p.start(),
            amount,
        })
        .collect()
}

/// Matrix date for every example: the complete months are Nov 2025 – Oct 2026, and before them
/// Nov 2024 – Oct 2025.
const AT: &str = "2026-11-23";

#[test]
fn twelve_months_of_10_000_euros_and_1_000_users_cost_120_euros_a_user() {
    let users = mau(Periodicity::Month, months("2024-11-01", 24, 1000.0));
    let m = matrix(&[users], &spend("2024-11-01", 24, 10_000), d(AT));
    let now = m.efficiency.current;
    assert_eq!((now.from, now.to), (d("2025-11-01"), d("2026-10-01")));
    assert_eq!(now.budget, Some(120_000));
    assert_eq!((now.spend_months, now.user_months), (12, 12));
    assert_eq!(now.mean_monthly_active_users, Some(1000.0));
    assert_eq!(now.cost_per_active_user, Some(120.0));
    assert_eq!(m.efficiency.previous.from, d("2024-11-01"));
    assert_eq!(m.efficiency.cost_per_active_user_evolution_pct, Some(0.0));
    // The same cost per user is not a cost growing slower than use.
    assert_eq!(m.efficiency.cost_grew_slower_than_use, Some(false));
}

#[test]
fn weekly_values_roll_up_to_the_month_of_their_monday_by_the_aggregation() {
    // October 2026 has the Mondays 5, 12, 19 and 26; the week of Monday 28 September (which
    // ends in October) stays in September.
    let weeks = vec![
        (week("2026-09-28"), 1.0),
        (week("2026-10-05"), 100.0),
        (week("2026-10-12"), 200.0),
        (week("2026-10-26"), 400.0),
        (week("2026-10-19"), 300.0),
    ];
    let mut i = indicator("score", Principle::Usable, Periodicity::Week);
    let rolled = |i: &Indicator| monthly_values(i, &weeks).get(&d("2026-10-01")).copied();
    i.aggregation = Aggregation::Mean;
    assert_eq!(rolled(&i), Some(250.0));
    i.aggregation = Aggregation::Sum;
    assert_eq!(rolled(&i), Some(1000.0));
    i.aggregation = Aggregation::Last;
    assert_eq!(rolled(&i), Some(400.0));
    assert_eq!(monthly_values(&i, &weeks).get(&d("2026-09-01")), Some(&1.0));
}

#[test]
fn a_weekly_mau_indicator_by_mean_and_by_sum() {
    // Every Monday from 2025-11-03 to 2026-10-26 (52 weeks) has 1 000: a mean of 1 000 per
    // month; summed, a month of 4 Mondays has 4 000 and one of 5 has 5 000 — 52 000 over 12
    // months, a mean of 52 000 ÷ 12.
    let weeks: Vec<(Period, f64)> = (0..52)
        .map(|k| {
            let monday = d("2025-11-03") + Days::new(7 * k);
            (week(&monday.to_string()), 1000.0)
        })
        .collect();
    let mut users = mau(Periodicity::Week, weeks);
    let budget = spend("2025-11-01", 12, 52_000);
    users.indicator.aggregation = Aggregation::Mean;
    let by_mean = matrix(std::slice::from_ref(&users), &budget, d(AT)).efficiency;
    assert_eq!(by_mean.current.mean_monthly_active_users, Some(1000.0));
    assert_eq!(by_mean.current.cost_per_active_user, Some(624.0));
    users.indicator.aggregation = Aggregation::Sum;
    let by_sum = matrix(&[users], &budget, d(AT)).efficiency;
    let mean = 52_000.0 / 12.0;
    assert_eq!(by_sum.current.mean_monthly_active_users, Some(mean));
    assert_eq!(by_sum.current.cost_per_active_user, Some(624_000.0 / mean));
    assert_eq!(by_sum.current.cost_per_active_user, Some(144.0));
}

#[test]
fn missing_months_count_neither_as_zero_spend_nor_as_zero_users() {
    // Spend in 6 of the 12 months; users in 3, at 900, 1 000 and 1 100.
    let spent = spend("2026-01-01", 6, 10_000);
    let users = mau(
        Periodicity::Month,
        vec![
            (month("2025-12-01"), 900.0),
            (month("2026-04-01"), 1000.0),
            (month("2026-09-01"), 1100.0),
        ],
    );
    let now = matrix(&[users], &spent, d(AT)).efficiency.current;
    assert_eq!((now.budget, now.spend_months), (Some(60_000), 6));
    assert_eq!(now.mean_monthly_active_users, Some(1000.0));
    assert_eq!(now.user_months, 3);
    assert_eq!(now.cost_per_active_user, Some(60.0));
}

#[test]
fn a_missing_slot_and_no_users_give_a_null_cost() {
    let m = matrix(&[], &spend("2024-11-01", 24, 10_000), d(AT));
    assert!(m.slots.iter().all(|s| s.state == SlotState::Missing));
    let roles: Vec<MatrixRole> = m.slots.iter().map(|s| s.role).collect();
    assert_eq!(roles, MatrixRole::ALL);
    let e = m.efficiency;
    assert_eq!(e.current.budget, Some(120_000));
    assert_eq!(e.current.cost_per_active_user, None);
    assert_eq!(e.cost_grew_slower_than_use, None);
    let principles: Vec<Principle> = m.principles.iter().map(|p| p.principle).collect();
    assert_eq!(principles, Principle::ALL);
}

#[test]
fn a_slot_without_a_value_in_the_last_two_complete_periods_is_stale() {
    // On 2026-11-23 the last two complete months are October and September.
    let state = |last: &str| {
        let users = mau(Periodicity::Month, vec![(month(last), 10.0)]);
        matrix(&[users], &[], d(AT)).slots[1].state
    };
    assert_eq!(state("2026-08-01"), SlotState::Stale);
    assert_eq!(state("2026-09-01"), SlotState::Ok);
    assert_eq!(state("2026-11-01"), SlotState::Ok);
    // A value after the matrix date does not count.
    assert_eq!(state("2026-12-01"), SlotState::Stale);
    // Weekly: the last complete week starts Monday 16 November, the one before 9 November.
    let weekly = |last: &str| {
        let users = mau(Periodicity::Week, vec![(week(last), 10.0)]);
        matrix(&[users], &[], d(AT)).slots[1].state
    };
    assert_eq!(weekly("2026-11-02"), SlotState::Stale);
    assert_eq!(weekly("2026-11-09"), SlotState::Ok);
}

#[test]
fn zero_users_give_a_null_cost() {
    let users = mau(Periodicity::Month, months("2025-11-01", 12, 0.0));
    let now = matrix(&[users], &spend("2025-11-01", 12, 10_000), d(AT))
        .efficiency
        .current;
    assert_eq!(now.mean_monthly_active_users, Some(0.0));
    assert_eq!(now.cost_per_active_user, None);
}

#[test]
fn an_evolution_from_zero_is_null() {
    assert_eq!(evolution_pct(Some(5.0), Some(0.0)), None);
    assert_eq!(evolution_pct(None, Some(2.0)), None);
    assert_eq!(evolution_pct(Some(5.0), None), None);
    assert_eq!(evolution_pct(Some(-3.0), Some(-2.0)), Some(-50.0));
    // No spend the year before: budget 0 → no budget evolution.
    let mut spent = spend("2024-11-01", 12, 0);
    spent.extend(spend("2025-11-01", 12, 10_000));
    let e = matrix(&[], &spent, d(AT)).efficiency;
    assert_eq!(e.previous.budget, Some(0));
    assert_eq!(e.budget_evolution_pct, None);
}

#[test]
fn a_cost_per_user_falling_from_50_euros_to_under_1_euro_over_four_years() {
    // 100 000 € a month throughout; users per month: 24 000 in 2021, then 100 000, 400 000,
    // 1 000 000 and 1 500 000 in 2025.
    let mut users = Vec::new();
    for (year, count) in [
        (2021, 24_000.0),
        (2022, 100_000.0),
        (2023, 400_000.0),
        (2024, 1_000_000.0),
        (2025, 1_500_000.0),
    ] {
        users.extend(months(&format!("{year}-01-01"), 12, count));
    }
    let users = mau(Periodicity::Month, users);
    let spent = spend("2021-01-01", 60, 100_000);
    let cost = |at: &str| {
        let e = matrix(std::slice::from_ref(&users), &spent, d(at)).efficiency;
        (e.current.cost_per_active_user, e.cost_grew_slower_than_use)
    };
    // 1 200 000 € ÷ 24 000 = 50 €; no 2020 to compare with.
    assert_eq!(cost("2022-01-10"), (Some(50.0), None));
    assert_eq!(cost("2023-01-10"), (Some(12.0), Some(true)));
    assert_eq!(cost("2024-01-10"), (Some(3.0), Some(true)));
    assert_eq!(cost("2025-01-10"), (Some(1.2), Some(true)));
    // 1 200 000 € ÷ 1 500 000 = 0.80 €, a third less than 1.20 €.
    let e = matrix(&[users], &spent, d("2026-01-10")).efficiency;
    assert_eq!(e.current.cost_per_active_user, Some(0.8));
    let evolution = e.cost_per_active_user_evolution_pct.expect("evolution");
    assert!((evolution + 100.0 / 3.0).abs() < 1e-9, "{evolution}");
    assert_eq!(e.users_evolution_pct, Some(50.0));
}

#[test]
fn a_decreasing_indicator_shows_its_latest_value_and_its_fall_over_a_year() {
    let mut delay = indicator("delai", Principle::Useful, Periodicity::Week);
    delay.direction = Direction::Decrease;
    let input = MatrixIndicator {
        indicator: delay,
        // 52 weeks before Monday 16 November 2026 is Monday 17 November 2025.
        measures: vec![
            (week("2025-11-17"), 20.0),
            (week("2026-11-09"), 17.0),
            (week("2026-11-16"), 15.0),
        ],
        objective: Some(ObjectiveStatus::OnTrack),
    };
    let m = matrix(&[input], &[], d(AT));
    let useful = &m.principles[2];
    assert_eq!(useful.principle, Principle::Useful);
    let cell = &useful.indicators[0];
    let latest = cell.latest.expect("latest");
    assert_eq!((latest.period, latest.value), (d("2026-11-16"), 15.0));
    assert_eq!(cell.year_before.map(|y| y.period), Some(d("2025-11-17")));
    assert_eq!(cell.evolution_pct, Some(-25.0));
    assert_eq!(cell.objective, Some(ObjectiveStatus::OnTrack));
    assert!(m.principles[0].indicators.is_empty());
}

#[test]
fn cost_per_impact_divides_the_budget_by_the_impact_of_the_year() {
    // 12 monthly values of 50 return-to-work: 600 over the year; 120 000 € → 200 € each.
    let impact = MatrixIndicator {
        indicator: indicator("retours-emploi", Principle::Impactful, Periodicity::Month),
        measures: months("2025-11-01", 12, 50.0),
        objective: None,
    };
    let e = matrix(&[impact], &spend("2025-11-01", 12, 10_000), d(AT)).efficiency;
    let line = &e.cost_per_impact[0];
    assert_eq!((line.impact, line.cost), (Some(600.0), Some(200.0)));
    assert_eq!((line.previous_impact, line.previous_cost), (None, None));
    assert_eq!(line.evolution_pct, None);
}
