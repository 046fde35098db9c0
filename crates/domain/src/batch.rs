//! A batch of measures as teams send it (JSON, CSV, the web form, the command line), checked
//! once, here, against the product's indicators: routes, pages and the CLI all call
//! [`check_batch`], so a rule and its wording live in one place.

use std::{collections::HashMap, hash::Hash};

use chrono::NaiveDate;

use crate::{DomainError, MeasureValue, Period, Periodicity, Problem, normalize_comment};

/// The most rows one batch may hold.
pub const MAX_BATCH_ROWS: usize = 50_000;

/// A row before checking; `field` prefixes its problems' paths (`measures[3]`, `lines[4]`).
#[derive(Clone, Debug, PartialEq)]
pub struct RawRow {
    /// The row's path in the body, which prefixes its problems' paths.
    pub field: String,
    /// The indicator's key, as sent.
    pub indicator: String,
    /// Any date inside the period.
    pub period: NaiveDate,
    /// The value, as read (NaN and infinities are refused by the check).
    pub value: f64,
    /// The comment, as sent.
    pub comment: Option<String>,
}

/// One checked value to store, for the indicator `Id` (the store's id type: the domain does
/// not know it).
#[derive(Clone, Debug, PartialEq)]
pub struct MeasureInput<Id> {
    /// The indicator the value is for.
    pub indicator: Id,
    /// The period the row's date files into, by the indicator's periodicity.
    pub period: Period,
    /// The value.
    pub value: MeasureValue,
    /// Already normalised ([`normalize_comment`]).
    pub comment: Option<String>,
}

/// One row's problem: where (a path into the body) and what.
pub type BatchProblem = (String, Problem);

/// Checks every row against the product's indicators (`index`: key → id and periodicity) and
/// the domain's rules, reporting every problem at once (unknown indicator, period in the
/// future, value not finite, comment too long, the same indicator and period twice), or a
/// batch over [`MAX_BATCH_ROWS`]. The inputs keep the rows' order.
pub fn check_batch<Id: Copy + Eq + Hash>(
    rows: Vec<RawRow>,
    index: &HashMap<String, (Id, Periodicity)>,
    today: NaiveDate,
) -> Result<Vec<MeasureInput<Id>>, Vec<BatchProblem>> {
    if rows.len() > MAX_BATCH_ROWS {
        return Err(vec![(
            "measures".to_owned(),
            Problem::TooManyRows {
                max: MAX_BATCH_ROWS,
            },
        )]);
    }
    let mut problems = Vec::new();
    let mut inputs = Vec::with_capacity(rows.len());
    let mut seen: HashMap<(Id, NaiveDate), String> = HashMap::new();
    for row in rows {
        let Some(&(id, periodicity)) = index.get(&row.indicator) else {
            problems.push((
                format!("{}.indicator", row.field),
                Problem::UnknownIndicator {
                    key: row.indicator.clone(),
                },
            ));
            continue;
        };
        let period = Period::containing(periodicity, row.period);
        if let Err(e) = period.ensure_not_future(today) {
            problems.push((format!("{}.period", row.field), problem_of(e)));
        }
        let value = MeasureValue::new(row.value)
            .map_err(|e| problems.push((format!("{}.value", row.field), problem_of(e))));
        let comment = normalize_comment(row.comment.as_deref())
            .map_err(|e| problems.push((format!("{}.comment", row.field), problem_of(e))));
        if let Some(first) = seen.insert((id, period.start()), row.field.clone()) {
            problems.push((row.field.clone(), Problem::SamePeriodTwice { first }));
        }
        if let (Ok(value), Ok(comment)) = (value, comment) {
            inputs.push(MeasureInput {
                indicator: id,
                period,
                value,
                comment,
            });
        }
    }
    if problems.is_empty() {
        Ok(inputs)
    } else {
        Err(problems)
    }
}

/// The problem of a value's own rule, without the rule's field name (the row names it).
fn problem_of(error: DomainError) -> Problem {
    match error {
        DomainError::Invalid { problem, .. } => problem,
        DomainError::Conflict(conflict) => Problem::rule(conflict.to_string(), conflict.french()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn row(n: usize, indicator: &str, day: &str, value: f64) -> RawRow {
        RawRow {
            field: format!("measures[{n}]"),
            indicator: indicator.to_owned(),
            period: date(day),
            value,
            comment: None,
        }
    }

    fn index() -> HashMap<String, (u32, Periodicity)> {
        HashMap::from([
            ("visits".to_owned(), (1, Periodicity::Week)),
            ("users".to_owned(), (2, Periodicity::Month)),
        ])
    }

    const TODAY: &str = "2026-11-25";

    #[test]
    fn a_clean_batch_files_each_date_into_its_period_in_order() {
        let inputs = check_batch(
            vec![
                row(0, "visits", "2026-11-19", 3.0),
                row(1, "users", "2026-10-17", -0.0),
            ],
            &index(),
            date(TODAY),
        )
        .expect("clean");
        assert_eq!(inputs.len(), 2);
        assert_eq!(inputs[0].indicator, 1);
        assert_eq!(inputs[0].period.start(), date("2026-11-16"));
        assert_eq!(inputs[1].period.start(), date("2026-10-01"));
        assert_eq!(inputs[1].value.get().to_bits(), 0.0f64.to_bits());
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let mut long = row(4, "visits", "2026-11-02", 1.0);
        long.comment = Some("é".repeat(crate::COMMENT_MAX_LEN + 1));
        let problems = check_batch(
            vec![
                row(0, "nope", "2026-11-19", 3.0),
                row(1, "visits", "2026-12-07", 3.0),
                row(2, "visits", "2026-11-09", f64::NAN),
                row(3, "visits", "2026-11-10", 4.0),
                long,
            ],
            &index(),
            date(TODAY),
        )
        .expect_err("refused");
        let paths: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            paths,
            [
                "measures[0].indicator",
                "measures[1].period",
                "measures[2].value",
                "measures[3]",
                "measures[4].comment"
            ]
        );
        let english: Vec<String> = problems.iter().map(|(_, p)| p.to_string()).collect();
        assert_eq!(english[0], "unknown indicator \"nope\"");
        assert_eq!(english[1], "is in the future");
        assert_eq!(english[2], "must be a finite number");
        assert_eq!(english[3], "same indicator and period as measures[2]");
        assert_eq!(problems[1].1, Problem::InFuture);
    }

    #[test]
    fn the_period_in_progress_is_accepted_and_oversize_batches_refused() {
        assert!(
            check_batch(
                vec![row(0, "users", "2026-11-30", 1.0)],
                &index(),
                date(TODAY)
            )
            .is_ok()
        );
        let many = (0..=MAX_BATCH_ROWS)
            .map(|n| row(n, "visits", "2026-11-02", 1.0))
            .collect();
        let problems = check_batch(many, &index(), date(TODAY)).expect_err("too many");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, "measures");
        assert_eq!(problems[0].1.to_string(), "at most 50000 rows per batch");
    }
}
