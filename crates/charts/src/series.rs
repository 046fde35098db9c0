//! Measured series: sorted, cleaned and cut into runs of consecutive periods.

use pilote_domain::Period;

/// Sorts by period, drops non-finite values and keeps the last value of a repeated period.
pub(crate) fn clean(points: &[(Period, f64)]) -> Vec<(Period, f64)> {
    let mut out: Vec<(Period, f64)> = points
        .iter()
        .copied()
        .filter(|(_, v)| v.is_finite())
        .collect();
    // Stable: of two values for one period, the later one in the input wins below.
    out.sort_by_key(|(p, _)| *p);
    let mut dedup: Vec<(Period, f64)> = Vec::with_capacity(out.len());
    for (p, v) in out {
        match dedup.last_mut() {
            Some(last) if last.0 == p => last.1 = v,
            _ => dedup.push((p, v)),
        }
    }
    dedup
}

/// Splits a cleaned series where periods are missing: a line is drawn within a run, never
/// across two, so a gap shows as a gap instead of an invented trend.
pub(crate) fn runs(points: &[(Period, f64)]) -> Vec<&[(Period, f64)]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..points.len() {
        let (prev, cur) = (points[i - 1].0, points[i].0);
        if prev.next() != cur {
            out.push(&points[start..i]);
            start = i;
        }
    }
    if start < points.len() {
        out.push(&points[start..]);
    }
    out
}

/// How many periods are missing between the first and last measure.
pub(crate) fn missing_periods(points: &[(Period, f64)]) -> usize {
    points
        .windows(2)
        .map(|w| {
            let mut p = w[0].0.next();
            let mut n = 0;
            // Bounded: a gap of centuries still ends (and is not worth counting exactly).
            while p < w[1].0 && n < 100_000 {
                n += 1;
                p = p.next();
            }
            n
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use pilote_domain::Periodicity;

    use super::*;

    fn week(y: i32, m: u32, d: u32) -> Period {
        let date = NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
        Period::containing(Periodicity::Week, date)
    }

    #[test]
    fn cuts_at_gaps_and_cleans() {
        let pts = [
            (week(2025, 1, 20), 3.0),
            (week(2025, 1, 6), 1.0),
            (week(2025, 1, 13), f64::NAN),
            (week(2025, 1, 13), 2.0),
            (week(2025, 2, 3), 5.0),
            (week(2025, 1, 6), 1.5),
        ];
        let clean = clean(&pts);
        assert_eq!(clean.len(), 4);
        assert_eq!(clean[0].1, 1.5);
        let runs = runs(&clean);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].len(), 3);
        assert_eq!(missing_periods(&clean), 1);
        assert!(super::runs(&[]).is_empty());
    }
}
