//! The DINUM « matrice d'impact » of a product at a date: its indicators by principle, the
//! state of the four mandatory slots, and the efficiency figures Pilote computes from spend and
//! monthly active users. Every rule is in `docs/impact.md`; nothing here does I/O.

use std::collections::BTreeMap;

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{Indicator, MatrixRole, ObjectiveStatus, Period, Periodicity, Principle, Slug, Spend};

str_enum! {
    /// The state of a mandatory slot of the matrix.
    pub enum SlotState in "state" {
        /// An indicator fills it and has a value in the last two complete periods.
        Ok = "ok" / "Renseigné",
        /// No indicator has this role.
        Missing = "missing" / "Manquant",
        /// Its indicator has no value in the last two complete periods.
        Stale = "stale" / "Pas à jour",
    }
}

/// An indicator with what the matrix needs about it.
#[derive(Clone, Debug, PartialEq)]
pub struct MatrixIndicator {
    /// The indicator.
    pub indicator: Indicator,
    /// Its values, periods starting on or before the matrix date, in any order; they must
    /// cover at least the 24 months before the date and the year before the latest value.
    pub measures: Vec<(Period, f64)>,
    /// The status of its contract objective at the matrix date, if it has one.
    pub objective: Option<ObjectiveStatus>,
}

/// A value and the start of its period.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeriodValue {
    /// The start of the period (a Monday or a 1st).
    pub period: NaiveDate,
    /// The value.
    pub value: f64,
}

/// One indicator in its principle's column.
#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorCell {
    /// The indicator.
    pub indicator: Indicator,
    /// The latest value whose period starts on or before the matrix date.
    pub latest: Option<PeriodValue>,
    /// The value of the same period one year before the latest (12 months, or 52 weeks).
    pub year_before: Option<PeriodValue>,
    /// (latest − year before) ÷ |year before| × 100; `None` without both or from zero.
    pub evolution_pct: Option<f64>,
    /// The status of its contract objective, if any.
    pub objective: Option<ObjectiveStatus>,
}

/// One of the five columns of the matrix.
#[derive(Clone, Debug, PartialEq)]
pub struct PrincipleColumn {
    /// The principle.
    pub principle: Principle,
    /// Its indicators, in the order given.
    pub indicators: Vec<IndicatorCell>,
}

/// A mandatory slot and whether it is filled.
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    /// The slot.
    pub role: MatrixRole,
    /// Filled, missing or stale.
    pub state: SlotState,
    /// The key of the indicator filling it.
    pub indicator: Option<Slug>,
}

/// The efficiency figures of 12 complete calendar months.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EfficiencyYear {
    /// The 1st of the first month.
    pub from: NaiveDate,
    /// The 1st of the last month.
    pub to: NaiveDate,
    /// Sum of the spend of those months; `None` when none of them has spend.
    pub budget: Option<i64>,
    /// How many of the 12 months have spend.
    pub spend_months: u32,
    /// Mean of the monthly active users of the months that have a value.
    pub mean_monthly_active_users: Option<f64>,
    /// How many of the 12 months have a monthly-active-users value.
    pub user_months: u32,
    /// budget ÷ mean monthly active users; `None` when either is missing or the mean ≤ 0.
    pub cost_per_active_user: Option<f64>,
}

/// Cost per impact of one `impactful` indicator.
#[derive(Clone, Debug, PartialEq)]
pub struct CostPerImpact {
    /// The impactful indicator's key.
    pub indicator: Slug,
    /// The sum of its monthly values over the last 12 complete months.
    pub impact: Option<f64>,
    /// budget ÷ impact; `None` when either is missing or the impact ≤ 0.
    pub cost: Option<f64>,
    /// The same sum over the 12 months before.
    pub previous_impact: Option<f64>,
    /// The same cost over the 12 months before.
    pub previous_cost: Option<f64>,
    /// Evolution of the cost, in %.
    pub evolution_pct: Option<f64>,
}

/// The efficiency column, computed by Pilote.
#[derive(Clone, Debug, PartialEq)]
pub struct Efficiency {
    /// The 12 complete calendar months before the matrix date.
    pub current: EfficiencyYear,
    /// The 12 months before those.
    pub previous: EfficiencyYear,
    /// Evolution of the budget, in %.
    pub budget_evolution_pct: Option<f64>,
    /// Evolution of the mean monthly active users, in %.
    pub users_evolution_pct: Option<f64>,
    /// Evolution of the cost per active user, in %.
    pub cost_per_active_user_evolution_pct: Option<f64>,
    /// One line per `impactful` indicator.
    pub cost_per_impact: Vec<CostPerImpact>,
    /// Whether the cost per active user fell (cost grew slower than use); `None` when either
    /// year's cost per active user is missing.
    pub cost_grew_slower_than_use: Option<bool>,
}

/// A product's matrix at a date.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    /// The matrix date.
    pub at: NaiveDate,
    /// The five principles, in matrix order.
    pub principles: Vec<PrincipleColumn>,
    /// The four mandatory slots, in [`MatrixRole::ALL`] order.
    pub slots: Vec<Slot>,
    /// The efficiency figures.
    pub efficiency: Efficiency,
}

/// What the matrix needs of one indicator, already reduced: its latest value, the value a
/// year before it, and its monthly values. [`IndicatorFigures::of`] reduces an indicator's
/// measures; the store reads the same figures from the aggregates it keeps on write
/// (`measure_latest`, `measure_months`), whatever the length of the history.
#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorFigures {
    /// The indicator.
    pub indicator: Indicator,
    /// The latest finite value whose period starts on or before the matrix date.
    pub latest: Option<(Period, f64)>,
    /// The value of the period [`year_before`] the latest.
    pub year_before: Option<(Period, f64)>,
    /// Its value per month ([`monthly_values`]), at least over [`efficiency_months`]; empty
    /// when the indicator feeds no efficiency figure ([`feeds_efficiency`]).
    pub months: BTreeMap<NaiveDate, f64>,
    /// The status of its contract objective at the matrix date, if it has one.
    pub objective: Option<ObjectiveStatus>,
}

impl IndicatorFigures {
    /// Reduces an indicator's measures for the matrix at `at`.
    pub fn of(input: &MatrixIndicator, at: NaiveDate) -> IndicatorFigures {
        let latest = latest(input, at);
        let year_before = latest.and_then(|(period, _)| {
            let start = year_before(period)?;
            input
                .measures
                .iter()
                .find(|(p, v)| p.start() == start && v.is_finite())
                .copied()
        });
        let months = if feeds_efficiency(&input.indicator) {
            monthly_values(&input.indicator, &input.measures)
        } else {
            BTreeMap::new()
        };
        IndicatorFigures {
            indicator: input.indicator.clone(),
            latest,
            year_before,
            months,
            objective: input.objective,
        }
    }
}

/// The start of the period one year before `period`: 52 weeks for a weekly indicator (the
/// same weekday, so a Monday), 12 months for a monthly one.
pub fn year_before(period: Period) -> Option<NaiveDate> {
    match period.periodicity() {
        Periodicity::Week => period.start().checked_sub_days(Days::new(7 * 52)),
        Periodicity::Month => period.start().checked_sub_months(Months::new(12)),
    }
}

/// Whether the efficiency column reads the indicator's monthly values: the monthly active
/// users and every `impactful` indicator.
pub fn feeds_efficiency(indicator: &Indicator) -> bool {
    indicator.matrix_role == Some(MatrixRole::MonthlyActiveUsers)
        || indicator.principle == Principle::Impactful
}

/// The 1st of the first and of the last month the efficiency figures at `at` read: the 24
/// complete calendar months before the month of `at`.
pub fn efficiency_months(at: NaiveDate) -> (NaiveDate, NaiveDate) {
    (window(at, 1).0, window(at, 0).1)
}

/// Computes the matrix at `at` from the product's indicators and its monthly spend.
pub fn matrix(indicators: &[MatrixIndicator], spend: &[Spend], at: NaiveDate) -> Matrix {
    let figures: Vec<IndicatorFigures> = indicators
        .iter()
        .map(|i| IndicatorFigures::of(i, at))
        .collect();
    matrix_of_figures(&figures, spend, at)
}

/// Computes the matrix at `at` from the indicators' reduced figures and the monthly spend.
pub fn matrix_of_figures(
    indicators: &[IndicatorFigures],
    spend: &[Spend],
    at: NaiveDate,
) -> Matrix {
    let principles = Principle::ALL
        .iter()
        .map(|&principle| PrincipleColumn {
            principle,
            indicators: indicators
                .iter()
                .filter(|i| i.indicator.principle == principle)
                .map(cell)
                .collect(),
        })
        .collect();
    let slots = MatrixRole::ALL
        .iter()
        .map(|&role| {
            let filler = indicators
                .iter()
                .find(|i| i.indicator.matrix_role == Some(role));
            Slot {
                role,
                state: filler.map_or(SlotState::Missing, |i| slot_state(i, at)),
                indicator: filler.map(|i| i.indicator.key.clone()),
            }
        })
        .collect();
    Matrix {
        at,
        principles,
        slots,
        efficiency: efficiency(indicators, spend, at),
    }
}

/// (now − before) ÷ |before| × 100; `None` when either is missing or `before` is zero, since
/// no percentage says how far from nothing a value went.
pub fn evolution_pct(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    let (now, before) = (now?, before?);
    (before != 0.0).then(|| (now - before) / before.abs() * 100.0)
}

/// Ok when the latest value's period is one of the last two complete periods before `at` or
/// later (the rule objectives use for "no data"), stale otherwise.
fn slot_state(input: &IndicatorFigures, at: NaiveDate) -> SlotState {
    let periodicity = input.indicator.periodicity;
    let oldest_fresh = Period::last_complete(periodicity, at).prev();
    match input.latest {
        Some((period, _)) if period.start() >= oldest_fresh.start() => SlotState::Ok,
        _ => SlotState::Stale,
    }
}

fn latest(input: &MatrixIndicator, at: NaiveDate) -> Option<(Period, f64)> {
    input
        .measures
        .iter()
        .filter(|(p, v)| p.start() <= at && v.is_finite())
        .max_by_key(|(p, _)| p.start())
        .copied()
}

fn cell(input: &IndicatorFigures) -> IndicatorCell {
    let as_value = |(p, value): (Period, f64)| PeriodValue {
        period: p.start(),
        value,
    };
    IndicatorCell {
        indicator: input.indicator.clone(),
        latest: input.latest.map(as_value),
        year_before: input.year_before.map(as_value),
        evolution_pct: evolution_pct(input.latest.map(|l| l.1), input.year_before.map(|y| y.1)),
        objective: input.objective,
    }
}

/// The 1st of the first and of the last of the 12 complete months ending `back` years before
/// the month of `at` (`back` = 0: the last 12 complete months).
fn window(at: NaiveDate, back: u32) -> (NaiveDate, NaiveDate) {
    let this_month = Period::containing(Periodicity::Month, at).start();
    let last = this_month
        .checked_sub_months(Months::new(1 + 12 * back))
        .unwrap_or(this_month);
    let first = last.checked_sub_months(Months::new(11)).unwrap_or(last);
    (first, last)
}

/// What a month's values of an indicator sum up to: enough to roll them up by any
/// [`Aggregation`](crate::Aggregation) without the values themselves (the store keeps one per
/// indicator and month, `measure_months`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MonthFigures {
    /// How many values.
    pub count: u32,
    /// Their sum, added in chronological order.
    pub sum: f64,
    /// The start of the last period.
    pub last_period: NaiveDate,
    /// The last value.
    pub last: f64,
}

impl MonthFigures {
    /// The figures of chronologically ordered values; `None` when there are none.
    pub fn of(values: &[(NaiveDate, f64)]) -> Option<MonthFigures> {
        let &(last_period, last) = values.last()?;
        Some(MonthFigures {
            count: u32::try_from(values.len()).unwrap_or(u32::MAX),
            sum: values.iter().map(|(_, v)| v).sum(),
            last_period,
            last,
        })
    }
}

/// An indicator's figures per month (1st of the month): a weekly value goes to the month of
/// its Monday; non-finite values are left out.
pub fn monthly_figures(measures: &[(Period, f64)]) -> BTreeMap<NaiveDate, MonthFigures> {
    monthly_figures_of(
        measures
            .iter()
            .map(|&(period, value)| (period.start(), value)),
    )
}

/// [`monthly_figures`] of values given by the start of their period, in any order.
pub fn monthly_figures_of(
    values: impl IntoIterator<Item = (NaiveDate, f64)>,
) -> BTreeMap<NaiveDate, MonthFigures> {
    let mut by_month: BTreeMap<NaiveDate, Vec<(NaiveDate, f64)>> = BTreeMap::new();
    for (start, value) in values.into_iter().filter(|(_, v)| v.is_finite()) {
        let month = Period::containing(Periodicity::Month, start).start();
        by_month.entry(month).or_default().push((start, value));
    }
    by_month
        .into_iter()
        .filter_map(|(month, mut values)| {
            // The sum's order and `Last` need them in order.
            values.sort_by_key(|(start, _)| *start);
            Some((month, MonthFigures::of(&values)?))
        })
        .collect()
}

/// An indicator's value per month: a weekly value goes to the month of its Monday, and the
/// values of a month roll up by the indicator's aggregation.
pub fn monthly_values(
    indicator: &Indicator,
    measures: &[(Period, f64)],
) -> BTreeMap<NaiveDate, f64> {
    monthly_figures(measures)
        .into_iter()
        .map(|(month, figures)| (month, indicator.aggregation.of_month(&figures)))
        .collect()
}

fn in_window(months: &BTreeMap<NaiveDate, f64>, (from, to): (NaiveDate, NaiveDate)) -> Vec<f64> {
    months.range(from..=to).map(|(_, v)| *v).collect()
}

/// budget ÷ figure, only for a positive figure: a cost per nobody means nothing.
fn cost(budget: Option<i64>, figure: Option<f64>) -> Option<f64> {
    let (budget, figure) = (budget?, figure?);
    (figure > 0.0).then(|| budget as f64 / figure)
}

fn year(
    spend: &[Spend],
    users: Option<&BTreeMap<NaiveDate, f64>>,
    (from, to): (NaiveDate, NaiveDate),
) -> EfficiencyYear {
    let months: Vec<&Spend> = spend
        .iter()
        .filter(|s| s.month >= from && s.month <= to)
        .collect();
    let budget = (!months.is_empty()).then(|| {
        months
            .iter()
            .fold(0_i64, |sum, s| sum.saturating_add(s.amount))
    });
    let user_values = users.map(|u| in_window(u, (from, to))).unwrap_or_default();
    let mean = (!user_values.is_empty())
        .then(|| user_values.iter().sum::<f64>() / user_values.len() as f64);
    EfficiencyYear {
        from,
        to,
        budget,
        spend_months: months.len() as u32,
        mean_monthly_active_users: mean,
        user_months: user_values.len() as u32,
        cost_per_active_user: cost(budget, mean),
    }
}

fn efficiency(indicators: &[IndicatorFigures], spend: &[Spend], at: NaiveDate) -> Efficiency {
    let (now, before) = (window(at, 0), window(at, 1));
    let users = indicators
        .iter()
        .find(|i| i.indicator.matrix_role == Some(MatrixRole::MonthlyActiveUsers))
        .map(|i| &i.months);
    let current = year(spend, users, now);
    let previous = year(spend, users, before);
    let sum = |values: Vec<f64>| (!values.is_empty()).then(|| values.iter().sum::<f64>());
    let cost_per_impact = indicators
        .iter()
        .filter(|i| i.indicator.principle == Principle::Impactful)
        .map(|i| {
            let impact = sum(in_window(&i.months, now));
            let previous_impact = sum(in_window(&i.months, before));
            let cost_now = cost(current.budget, impact);
            let cost_before = cost(previous.budget, previous_impact);
            CostPerImpact {
                indicator: i.indicator.key.clone(),
                impact,
                cost: cost_now,
                previous_impact,
                previous_cost: cost_before,
                evolution_pct: evolution_pct(cost_now, cost_before),
            }
        })
        .collect();
    let cost_grew_slower_than_use = current
        .cost_per_active_user
        .zip(previous.cost_per_active_user)
        .map(|(now, before)| now < before);
    Efficiency {
        current,
        previous,
        budget_evolution_pct: evolution_pct(
            current.budget.map(|b| b as f64),
            previous.budget.map(|b| b as f64),
        ),
        users_evolution_pct: evolution_pct(
            current.mean_monthly_active_users,
            previous.mean_monthly_active_users,
        ),
        cost_per_active_user_evolution_pct: evolution_pct(
            current.cost_per_active_user,
            previous.cost_per_active_user,
        ),
        cost_per_impact,
        cost_grew_slower_than_use,
    }
}

#[cfg(test)]
#[path = "matrix_tests.rs"]
mod tests;
