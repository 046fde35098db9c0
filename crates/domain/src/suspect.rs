//! Suspect values: a posted number far from its indicator's recent series (a typo, a unit
//! slip, a broken export) is stored but flagged, so that people look at it before it feeds a
//! review. Never a reason to refuse a value: the team may be right. Rules and worked examples
//! in `docs/forecasts.md`.

use serde::{Deserialize, Serialize};

use crate::Period;

/// How many periods before the posted one make up its recent series.
pub const SUSPECT_WINDOW: usize = 12;

/// How many of those periods must have a value before the distance rule applies.
pub const SUSPECT_MIN_KNOWN: usize = 6;

/// How many median absolute deviations from the median make a value suspect.
pub const SUSPECT_DEVIATIONS: f64 = 5.0;

/// When the recent series is flat (every value equal), the share of its level a value may
/// move by before it is suspect: 5 × 10 % = half the level.
const FLAT_SCALE_SHARE: f64 = 0.1;

/// Why a value is suspect.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Suspicion {
    /// More than [`SUSPECT_DEVIATIONS`] deviations from the median of the recent series.
    FarFromMedian {
        /// The median of the recent values.
        median: f64,
        /// The scale the distance is measured in: the median absolute deviation, or its
        /// fallback when that is zero (see [`suspicion`]).
        scale: f64,
        /// |value − median| ÷ scale.
        deviations: f64,
    },
    /// Strictly positive where every recent non-zero value is negative, or the reverse.
    SignChange,
}

impl Suspicion {
    /// The warning's text, in English as the API's error problems are.
    pub fn problem(&self) -> String {
        match *self {
            Suspicion::FarFromMedian {
                median, deviations, ..
            } => format!(
                "suspect: {deviations:.1} median absolute deviations from the median ({median}) \
                 of the last {SUSPECT_WINDOW} periods; stored and flagged"
            ),
            Suspicion::SignChange => format!(
                "suspect: its sign differs from every value of the last {SUSPECT_WINDOW} \
                 periods; stored and flagged"
            ),
        }
    }
}

/// The median of `values` (the mean of the two middle ones for an even count); `None` when
/// empty. Non-finite values are ignored.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    })
}

/// The first of the [`SUSPECT_WINDOW`] periods right before `period`.
pub fn window_start(period: Period) -> Period {
    (0..SUSPECT_WINDOW).fold(period, |p, _| p.prev())
}

/// The values of `series` whose periods are among the [`SUSPECT_WINDOW`] periods right before
/// `period` (same periodicity), in any order: the recent series a new value is judged against.
pub fn recent_values(series: &[(Period, f64)], period: Period) -> Vec<f64> {
    let first = window_start(period);
    series
        .iter()
        .filter(|(p, v)| {
            p.periodicity() == period.periodicity()
                && p.start() >= first.start()
                && p.start() < period.start()
                && v.is_finite()
        })
        .map(|(_, v)| *v)
        .collect()
}

/// Whether `value` is suspect against `recent`, the values of the periods before it
/// ([`recent_values`]).
///
/// - **Far from the median**, with at least [`SUSPECT_MIN_KNOWN`] recent values: with m the
///   median and MAD = median(|xᵢ − m|), suspect when |value − m| > 5 × MAD. When MAD is 0 (half
///   the values or more are equal) the scale falls back to the mean absolute deviation
///   mean(|xᵢ − m|); when that is 0 too (a flat series) to 10 % of |m|, so that a flat series
///   at 100 flags values below 50 or above 150; a flat series at 0 has no scale and only the
///   sign rule applies.
/// - **Sign change**, with at least one recent non-zero value: the value is strictly positive
///   and every recent non-zero value strictly negative, or the reverse. Zero has no sign.
///
/// The distance is checked first: a value both far and of the other sign is reported far.
pub fn suspicion(recent: &[f64], value: f64) -> Option<Suspicion> {
    let recent: Vec<f64> = recent.iter().copied().filter(|v| v.is_finite()).collect();
    if !value.is_finite() {
        return None;
    }
    if recent.len() >= SUSPECT_MIN_KNOWN
        && let Some(m) = median(&recent)
    {
        let distances: Vec<f64> = recent.iter().map(|x| (x - m).abs()).collect();
        let mad = median(&distances).unwrap_or(0.0);
        let mean_ad = distances.iter().sum::<f64>() / distances.len() as f64;
        let scale = [mad, mean_ad, FLAT_SCALE_SHARE * m.abs()]
            .into_iter()
            .find(|s| *s > 0.0);
        if let Some(scale) = scale {
            let deviations = (value - m).abs() / scale;
            if deviations > SUSPECT_DEVIATIONS {
                return Some(Suspicion::FarFromMedian {
                    median: m,
                    scale,
                    deviations,
                });
            }
        }
    }
    let signs: Vec<f64> = recent
        .iter()
        .filter(|v| **v != 0.0)
        .map(|v| v.signum())
        .collect();
    let flipped = value != 0.0 && !signs.is_empty() && signs.iter().all(|s| *s == -value.signum());
    flipped.then_some(Suspicion::SignChange)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::Periodicity;

    fn month(y: i32, m: u32) -> Period {
        let d = NaiveDate::from_ymd_opt(y, m, 1).expect("date");
        Period::containing(Periodicity::Month, d)
    }

    #[test]
    fn medians_by_hand() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn a_typo_tenfold_is_far_from_the_median() {
        // Median 100; distances 0,2,2,3,3,5,5 → MAD 3; 5 × 3 = 15.
        let recent = [100.0, 98.0, 102.0, 97.0, 103.0, 95.0, 105.0];
        // 1000: 900 ÷ 3 = 300 deviations.
        let Some(Suspicion::FarFromMedian {
            median,
            scale,
            deviations,
        }) = suspicion(&recent, 1000.0)
        else {
            panic!("1000 should be far from 100");
        };
        assert_eq!((median, scale, deviations), (100.0, 3.0, 300.0));
        // 115 is exactly 5 MADs: not more than 5, not suspect; 115.5 is.
        assert_eq!(suspicion(&recent, 115.0), None);
        assert!(suspicion(&recent, 115.5).is_some());
        assert!(suspicion(&recent, 84.5).is_some());
        assert_eq!(suspicion(&recent, 85.0), None);
    }

    #[test]
    fn fewer_than_six_values_only_check_the_sign() {
        let recent = [100.0, 98.0, 102.0, 97.0, 103.0];
        assert_eq!(suspicion(&recent, 10_000.0), None);
        assert_eq!(suspicion(&recent, -5.0), Some(Suspicion::SignChange));
        assert_eq!(suspicion(&[], -5.0), None);
    }

    #[test]
    fn a_sign_change_is_suspect() {
        let recent = [-3.0, -2.5, 0.0, -4.0, -3.5, -3.0];
        // Median −3, MAD 0.5: 0.5 is 7 MADs away, reported as far first.
        assert!(matches!(
            suspicion(&recent, 0.5),
            Some(Suspicion::FarFromMedian { .. })
        ));
        // A small series of negatives: a positive value flips the sign.
        assert_eq!(suspicion(&[-1.0, -2.0], 1.0), Some(Suspicion::SignChange));
        // Zero has no sign; a series that already changed sign has no sign to change.
        assert_eq!(suspicion(&[-1.0, -2.0], 0.0), None);
        assert_eq!(suspicion(&[-1.0, 2.0], 1.0), None);
        assert_eq!(suspicion(&[0.0, 0.0], 3.0), None);
    }

    #[test]
    fn mad_zero_falls_back_to_the_mean_absolute_deviation() {
        // Median 10, distances 0,0,0,0,0,0,6 → MAD 0, mean 6 ÷ 7.
        let recent = [10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 16.0];
        let scale = 6.0 / 7.0;
        // 14 is 4 ÷ (6/7) = 4.67 deviations: not suspect; 15 is 5.83: suspect.
        assert_eq!(suspicion(&recent, 14.0), None);
        assert!(matches!(
            suspicion(&recent, 15.0),
            Some(Suspicion::FarFromMedian { scale: s, .. }) if (s - scale).abs() < 1e-12
        ));
    }

    #[test]
    fn a_flat_series_allows_half_its_level() {
        let recent = [100.0; 6];
        assert_eq!(suspicion(&recent, 150.0), None);
        assert_eq!(suspicion(&recent, 50.0), None);
        assert!(suspicion(&recent, 151.0).is_some());
        assert!(suspicion(&recent, 49.0).is_some());
        // Flat at zero: no scale, any level is possible; only a sign would be checked.
        assert_eq!(suspicion(&[0.0; 8], 7.0), None);
    }

    #[test]
    fn the_window_is_the_twelve_periods_before() {
        let series: Vec<(Period, f64)> = (1..=12)
            .map(|m| (month(2025, m), f64::from(m)))
            .chain([(month(2026, 1), 13.0), (month(2026, 2), 14.0)])
            .collect();
        let mut recent = recent_values(&series, month(2026, 1));
        recent.sort_by(f64::total_cmp);
        assert_eq!(recent, (1..=12).map(f64::from).collect::<Vec<_>>());
        // February 2026 looks back to February 2025: January 2025 is out, January 2026 in.
        let recent = recent_values(&series, month(2026, 2));
        assert_eq!(recent.len(), 12);
        assert!(!recent.contains(&1.0) && recent.contains(&13.0));
    }

    #[test]
    fn problems_say_what_and_that_the_value_is_kept() {
        let far = Suspicion::FarFromMedian {
            median: 100.0,
            scale: 3.0,
            deviations: 300.0,
        };
        assert_eq!(
            far.problem(),
            "suspect: 300.0 median absolute deviations from the median (100) of the last 12 \
             periods; stored and flagged"
        );
        assert!(Suspicion::SignChange.problem().contains("sign"));
    }
}
