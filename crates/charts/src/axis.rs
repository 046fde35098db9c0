//! Axes: French date ticks, value ranges with room around the data.

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::french;

/// The x coordinate of a date: days since the common era, so one day is one unit.
pub(crate) fn x_of(d: NaiveDate) -> f64 {
    f64::from(d.num_days_from_ce())
}

/// Ticks for dates between `from` and `to`: at most `max_ticks`, on month (or year, or
/// week for short spans) boundaries, with French labels.
pub(crate) fn date_ticks(
    from: NaiveDate,
    to: NaiveDate,
    max_ticks: usize,
) -> Vec<(NaiveDate, String)> {
    let max_ticks = max_ticks.max(2);
    if to <= from {
        return vec![(from, french::date(from))];
    }
    let days = (to - from).num_days();
    if days < 62 {
        return week_ticks(from, to, max_ticks);
    }
    let months = days / 30 + 1;
    let step = [1i64, 2, 3, 6, 12, 24, 60, 120]
        .into_iter()
        .find(|s| months / s < max_ticks as i64)
        // Absurd spans (centuries): years, rounded up to keep within the tick budget.
        .unwrap_or_else(|| (months / max_ticks as i64 / 12 + 1) * 12);
    let step = u32::try_from(step).unwrap_or(u32::MAX);
    let mut tick = first_of_month(from);
    if tick < from {
        tick = tick.checked_add_months(Months::new(1)).unwrap_or(tick);
    }
    // Align on multiples of the step (quarters start in January, April…).
    while !(tick.month0() + (tick.year().rem_euclid(10) as u32) * 12).is_multiple_of(step.min(120))
    {
        match tick.checked_add_months(Months::new(1)) {
            Some(next) => tick = next,
            None => break,
        }
    }
    let mut out = Vec::new();
    while tick <= to && out.len() <= max_ticks {
        let label = if step >= 12 {
            tick.year().to_string()
        } else if out.is_empty() || tick.month() == 1 {
            format!("{} {}", french::month_short(tick), tick.year())
        } else {
            french::month_short(tick).to_owned()
        };
        out.push((tick, label));
        match tick.checked_add_months(Months::new(step)) {
            Some(next) => tick = next,
            None => break,
        }
    }
    out
}

fn week_ticks(from: NaiveDate, to: NaiveDate, max_ticks: usize) -> Vec<(NaiveDate, String)> {
    let weeks = (to - from).num_days() / 7 + 1;
    let step = if weeks < max_ticks as i64 { 7 } else { 14 };
    let back = u64::from(from.weekday().num_days_from_monday());
    let mut tick = from.checked_sub_days(Days::new(back)).unwrap_or(from);
    if tick < from {
        tick = tick.checked_add_days(Days::new(7)).unwrap_or(tick);
    }
    let mut out = Vec::new();
    while tick <= to && out.len() <= max_ticks {
        out.push((tick, french::day_month(tick)));
        match tick.checked_add_days(Days::new(step)) {
            Some(next) => tick = next,
            None => break,
        }
    }
    out
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// Values this large are clamped before plotting: the axis arithmetic must stay finite.
const LIMIT: f64 = 1e300;

/// Clamps a finite value into the plottable range.
pub(crate) fn plottable(v: f64) -> f64 {
    v.clamp(-LIMIT, LIMIT)
}

/// A value range around `values` with 8 % room, never empty, starting at zero when the data
/// is positive and zero is not far (counts read better from zero).
pub(crate) fn value_range(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()).map(plottable) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        return (0.0, 1.0);
    }
    if lo >= 0.0 && lo <= hi * 0.4 {
        lo = 0.0;
    }
    let span = hi - lo;
    let min_span = (hi.abs().max(lo.abs()) * 0.1).max(1e-9);
    if span < min_span {
        let mid = lo / 2.0 + hi / 2.0;
        let half = if mid == 0.0 {
            1.0
        } else {
            (mid.abs() * 0.1).max(1e-9)
        };
        return (mid - half, mid + half);
    }
    let pad = span * 0.08;
    let lo = if lo == 0.0 { 0.0 } else { lo - pad };
    (lo, hi + pad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn month_ticks_are_french_and_bounded() {
        let ticks = date_ticks(d(2025, 1, 6), d(2025, 12, 29), 8);
        let labels: Vec<_> = ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["mars 2025", "mai", "juil.", "sept.", "nov."]);
        let ticks = date_ticks(d(2020, 1, 1), d(2026, 1, 1), 8);
        assert!(ticks.len() <= 9);
        assert_eq!(ticks[0].1, "2020");
    }

    #[test]
    fn week_ticks_for_short_spans() {
        let ticks = date_ticks(d(2025, 3, 5), d(2025, 3, 31), 10);
        assert_eq!(ticks[0], (d(2025, 3, 10), "10 mars".to_owned()));
    }

    #[test]
    fn extreme_spans_do_not_explode() {
        let ticks = date_ticks(NaiveDate::MIN, NaiveDate::MAX, 10);
        assert!(ticks.len() <= 11);
    }

    #[test]
    fn ranges() {
        assert_eq!(value_range([]), (0.0, 1.0));
        assert_eq!(value_range([5.0, 5.0]), (4.5, 5.5));
        assert_eq!(value_range([0.0, 0.0]), (-1.0, 1.0));
        let (lo, hi) = value_range([10.0, 100.0]);
        assert_eq!(lo, 0.0);
        assert!(hi > 100.0);
        let (lo, hi) = value_range([f64::MAX, -f64::MAX]);
        assert!(lo.is_finite() && hi.is_finite() && lo < hi);
    }
}
