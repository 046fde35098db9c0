//! Forecasts: where an objective's indicator is heading, from a robust trend of its recent
//! values (Theil–Sen), projected to the deadline. One wrong value barely moves it, unlike a
//! least-squares line. Rules and worked examples in `docs/forecasts.md`.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{Direction, Objective, Period, median};

/// How many periods the trend looks back over, ending with the latest period that has a value.
pub const FORECAST_WINDOW: usize = 12;

/// The fewest values a forecast is made from: with fewer, every figure is `None`.
pub const FORECAST_MIN_POINTS: usize = 4;

/// A straight line through dated values: `value(d) = intercept + slope × days(d − origin)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trend {
    /// The date x = 0 is counted from (the first point's).
    pub origin: NaiveDate,
    /// Change per day.
    pub slope_per_day: f64,
    /// The value at `origin`.
    pub intercept: f64,
}

impl Trend {
    /// The line's value at `d`.
    pub fn value_at(&self, d: NaiveDate) -> f64 {
        self.intercept + self.slope_per_day * (d - self.origin).num_days() as f64
    }

    /// The first day the line is at or beyond `value` when it moves towards it, `None` when it
    /// is flat or the date is beyond the calendar. A line already past `value` gives a day
    /// before the points: where it crossed.
    pub fn date_reaching(&self, value: f64) -> Option<NaiveDate> {
        if self.slope_per_day == 0.0 || !self.slope_per_day.is_finite() {
            return None;
        }
        // The nanoday shaved off keeps an exact 70 that floating point computed as 70.000…01.
        let days = ((value - self.intercept) / self.slope_per_day - 1e-9).ceil();
        // Beyond ±100 000 years chrono cannot say; neither can a forecast.
        if !days.is_finite() || days.abs() > 36_500_000.0 {
            return None;
        }
        let days = days as i64;
        if days >= 0 {
            self.origin.checked_add_days(Days::new(days.unsigned_abs()))
        } else {
            self.origin.checked_sub_days(Days::new(days.unsigned_abs()))
        }
    }
}

/// The Theil–Sen line through `points` (date, value): the slope is the median of the slopes of
/// every pair of points with different dates, the intercept the median of value − slope × x,
/// x counted in days from the earliest date. `None` without two distinct dates.
pub fn theil_sen(points: &[(NaiveDate, f64)]) -> Option<Trend> {
    let points: Vec<(NaiveDate, f64)> = points
        .iter()
        .copied()
        .filter(|(_, v)| v.is_finite())
        .collect();
    let origin = points.iter().map(|(d, _)| *d).min()?;
    let xy: Vec<(f64, f64)> = points
        .iter()
        .map(|(d, v)| ((*d - origin).num_days() as f64, *v))
        .collect();
    let mut slopes = Vec::with_capacity(xy.len() * xy.len() / 2);
    for (i, (xi, yi)) in xy.iter().enumerate() {
        for (xj, yj) in xy.iter().skip(i + 1) {
            if xj != xi {
                slopes.push((yj - yi) / (xj - xi));
            }
        }
    }
    let slope = median(&slopes)?;
    let offsets: Vec<f64> = xy.iter().map(|(x, y)| y - slope * x).collect();
    Some(Trend {
        origin,
        slope_per_day: slope,
        intercept: median(&offsets)?,
    })
}

/// Where an objective is heading, from the trend of its indicator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// How many values the trend was drawn from (at most [`FORECAST_WINDOW`]).
    pub points: usize,
    /// The trend's change per day; `None` with fewer than [`FORECAST_MIN_POINTS`] values.
    pub slope_per_day: Option<f64>,
    /// The trend's value at the deadline.
    pub value_at_deadline: Option<f64>,
    /// The day the trend reaches the target; `None` when it does not move towards it.
    pub target_reached_on: Option<NaiveDate>,
    /// Whether the trend's value at the deadline meets the target in the indicator's
    /// direction; `None` with fewer than [`FORECAST_MIN_POINTS`] values.
    pub will_meet_deadline: Option<bool>,
}

/// The values a forecast at `at` is drawn from: those of the [`FORECAST_WINDOW`] periods
/// ending with the latest period that has a value and starts on or before `at`, as (period
/// start, value), oldest first. A team that stopped posting still gets its last year's trend;
/// the objective's status says the data is old.
pub fn forecast_points(series: &[(Period, f64)], at: NaiveDate) -> Vec<(NaiveDate, f64)> {
    let known: Vec<(Period, f64)> = series
        .iter()
        .copied()
        .filter(|(p, v)| p.start() <= at && v.is_finite())
        .collect();
    let Some(latest) = known.iter().map(|(p, _)| *p).max() else {
        return Vec::new();
    };
    let first = (1..FORECAST_WINDOW).fold(latest, |p, _| p.prev());
    let mut points: Vec<(NaiveDate, f64)> = known
        .into_iter()
        .filter(|(p, _)| p.periodicity() == latest.periodicity() && *p >= first)
        .map(|(p, v)| (p.start(), v))
        .collect();
    points.sort_by_key(|(d, _)| *d);
    points
}

/// The forecast of `objective` from `points` ([`forecast_points`]): the Theil–Sen trend's
/// value at the deadline, the day it reaches the target if it moves towards it (up for an
/// indicator where higher is better, down otherwise), and whether it will meet the deadline.
/// Fewer than [`FORECAST_MIN_POINTS`] values: nothing is projected.
pub fn forecast(
    objective: &Objective,
    direction: Direction,
    points: &[(NaiveDate, f64)],
) -> Forecast {
    let count = points.len();
    let trend = (count >= FORECAST_MIN_POINTS)
        .then(|| theil_sen(points))
        .flatten();
    let Some(trend) = trend else {
        return Forecast {
            points: count,
            ..Forecast::default()
        };
    };
    let at_deadline = trend.value_at(objective.target.on);
    let towards = match direction {
        Direction::Increase => trend.slope_per_day > 0.0,
        Direction::Decrease => trend.slope_per_day < 0.0,
    };
    Forecast {
        points: count,
        slope_per_day: Some(trend.slope_per_day),
        value_at_deadline: Some(at_deadline),
        target_reached_on: towards
            .then(|| trend.date_reaching(objective.target.value))
            .flatten(),
        will_meet_deadline: Some(direction.is_better_or_equal(at_deadline, objective.target.value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Periodicity, Point, Tolerance};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    /// Mondays from 2026-01-05, one week apart, with these values.
    fn weekly(values: &[f64]) -> Vec<(NaiveDate, f64)> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| (day(2026, 1, 5) + chrono::Duration::days(7 * i as i64), *v))
            .collect()
    }

    fn objective(baseline: f64, target: f64, deadline: NaiveDate) -> Objective {
        Objective::new(
            Point {
                value: baseline,
                on: day(2025, 12, 1),
            },
            Point {
                value: target,
                on: deadline,
            },
            Tolerance::default(),
        )
        .expect("objective")
    }

    #[test]
    fn a_straight_line_is_its_own_trend() {
        // +7 a week = +1 a day from 100 on 2026-01-05.
        let trend = theil_sen(&weekly(&[100.0, 107.0, 114.0, 121.0])).expect("trend");
        assert_eq!(trend.origin, day(2026, 1, 5));
        assert_eq!(trend.slope_per_day, 1.0);
        assert_eq!(trend.intercept, 100.0);
        assert_eq!(trend.value_at(day(2026, 3, 16)), 170.0);
        // 200 is 100 days after 2026-01-05: 2026-04-15.
        assert_eq!(trend.date_reaching(200.0), Some(day(2026, 4, 15)));
    }

    #[test]
    fn one_wild_value_does_not_bend_the_trend() {
        // 10, 11, 12, 100, 14 weekly: of the ten pair slopes, six are 1/7 a day; the median
        // is 1/7 and every offset but the outlier's is 10.
        let trend = theil_sen(&weekly(&[10.0, 11.0, 12.0, 100.0, 14.0])).expect("trend");
        assert!((trend.slope_per_day - 1.0 / 7.0).abs() < 1e-12);
        assert!((trend.intercept - 10.0).abs() < 1e-12);
    }

    #[test]
    fn an_increasing_objective_met_in_time() {
        // 100, 107, 114, 121: +1 a day. Target 200 by 2026-05-01 (116 days after the origin):
        // 216 there, reached 2026-04-15.
        let o = objective(90.0, 200.0, day(2026, 5, 1));
        let f = forecast(
            &o,
            Direction::Increase,
            &weekly(&[100.0, 107.0, 114.0, 121.0]),
        );
        assert_eq!(f.points, 4);
        assert_eq!(f.value_at_deadline, Some(216.0));
        assert_eq!(f.target_reached_on, Some(day(2026, 4, 15)));
        assert_eq!(f.will_meet_deadline, Some(true));
        // By 2026-04-01 (86 days): 186, short of 200.
        let o = objective(90.0, 200.0, day(2026, 4, 1));
        let f = forecast(
            &o,
            Direction::Increase,
            &weekly(&[100.0, 107.0, 114.0, 121.0]),
        );
        assert_eq!(f.value_at_deadline, Some(186.0));
        assert_eq!(f.will_meet_deadline, Some(false));
    }

    #[test]
    fn a_decreasing_target() {
        // A delay in days going 50, 48, 46, 44 weekly: −2/7 a day. Target 30: reached after
        // 20 ÷ (2/7) = 70 days, on 2026-03-16.
        let points = weekly(&[50.0, 48.0, 46.0, 44.0]);
        // Deadline 2026-03-02 (56 days): 50 − 16 = 34, above 30: will not make it.
        let o = objective(52.0, 30.0, day(2026, 3, 2));
        let f = forecast(&o, Direction::Decrease, &points);
        assert!((f.value_at_deadline.expect("value") - 34.0).abs() < 1e-9);
        assert_eq!(f.target_reached_on, Some(day(2026, 3, 16)));
        assert_eq!(f.will_meet_deadline, Some(false));
        // Deadline 2026-03-30 (84 days): 50 − 24 = 26, below 30: will make it.
        let o = objective(52.0, 30.0, day(2026, 3, 30));
        let f = forecast(&o, Direction::Decrease, &points);
        assert!((f.value_at_deadline.expect("value") - 26.0).abs() < 1e-9);
        assert_eq!(f.will_meet_deadline, Some(true));
    }

    #[test]
    fn a_trend_going_the_wrong_way_never_reaches_the_target() {
        let o = objective(100.0, 200.0, day(2026, 6, 1));
        let f = forecast(&o, Direction::Increase, &weekly(&[100.0, 98.0, 96.0, 94.0]));
        assert_eq!(f.target_reached_on, None);
        assert_eq!(f.will_meet_deadline, Some(false));
        // Flat: nor does it.
        let f = forecast(&o, Direction::Increase, &weekly(&[100.0; 5]));
        assert_eq!(f.slope_per_day, Some(0.0));
        assert_eq!(f.target_reached_on, None);
    }

    #[test]
    fn fewer_than_four_points_project_nothing() {
        let o = objective(100.0, 200.0, day(2026, 6, 1));
        let f = forecast(&o, Direction::Increase, &weekly(&[100.0, 110.0, 120.0]));
        assert_eq!(
            f,
            Forecast {
                points: 3,
                ..Forecast::default()
            }
        );
    }

    #[test]
    fn the_window_is_the_twelve_periods_up_to_the_latest_value() {
        let month = |y, m| Period::containing(Periodicity::Month, day(y, m, 1));
        // 2024-01 … 2025-06, one value a month, then nothing.
        let series: Vec<(Period, f64)> = (0..18)
            .map(|i| (month(2024 + i / 12, 1 + (i % 12) as u32), f64::from(i)))
            .collect();
        let points = forecast_points(&series, day(2026, 1, 15));
        // The latest value is June 2025: July 2024 to June 2025.
        assert_eq!(points.len(), 12);
        assert_eq!(points.first().map(|p| p.0), Some(day(2024, 7, 1)));
        assert_eq!(points.last().map(|p| p.0), Some(day(2025, 6, 1)));
        // At 2024-03-10 only January to March 2024 are known.
        assert_eq!(forecast_points(&series, day(2024, 3, 10)).len(), 3);
    }
}
