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

/// A batch every rule accepted: only [`check_batch`] and [`CheckedBatch::check`] make one, so
/// whoever holds one (the store's write path) knows its values were checked, in this order.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedBatch<Id>(Vec<MeasureInput<Id>>);

impl<Id> std::ops::Deref for CheckedBatch<Id> {
    type Target = [MeasureInput<Id>];

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<Id: Copy + Eq + Hash> CheckedBatch<Id> {
    /// Checks values a program built (the demo, the benchmarks, an import of history) against
    /// the product's indicators (`periodicities`, by id): each indicator the product's, each
    /// period of its indicator's periodicity and not after `today`, no indicator and period
    /// twice, at most [`MAX_BATCH_ROWS`]. Paths are `measures[i]…`, in the inputs' order.
    pub fn check(
        inputs: Vec<MeasureInput<Id>>,
        periodicities: &HashMap<Id, Periodicity>,
        today: NaiveDate,
    ) -> Result<Self, Vec<BatchProblem>> {
        too_many(inputs.len())?;
        let mut problems = Vec::new();
        let mut seen = HashMap::new();
        for (i, input) in inputs.iter().enumerate() {
            let field = format!("measures[{i}]");
            let Some(&periodicity) = periodicities.get(&input.indicator) else {
                problems.push((
                    format!("{field}.indicator"),
                    Problem::rule(
                        "is not an indicator of this product",
                        "Cet indicateur n'existe pas pour ce produit.",
                    ),
                ));
                continue;
            };
            if input.period.periodicity() != periodicity {
                problems.push((
                    format!("{field}.period"),
                    Problem::rule(
                        format!("the indicator is reported by {periodicity}"),
                        format!(
                            "L'indicateur a une périodicité {}.",
                            periodicity.label_fr().to_lowercase()
                        ),
                    ),
                ));
            }
            not_future(&field, input.period, today, &mut problems);
            not_twice(
                &field,
                input.indicator,
                input.period,
                &mut seen,
                &mut problems,
            );
        }
        if problems.is_empty() {
            Ok(CheckedBatch(inputs))
        } else {
            Err(problems)
        }
    }

    /// The values, in order.
    pub fn into_inputs(self) -> Vec<MeasureInput<Id>> {
        self.0
    }
}

/// Refuses a batch over [`MAX_BATCH_ROWS`], whatever its rows.
fn too_many(rows: usize) -> Result<(), Vec<BatchProblem>> {
    if rows > MAX_BATCH_ROWS {
        return Err(vec![(
            "measures".to_owned(),
            Problem::TooManyRows {
                max: MAX_BATCH_ROWS,
            },
        )]);
    }
    Ok(())
}

/// A row's period must not be after `today`, whoever built the row.
fn not_future(field: &str, period: Period, today: NaiveDate, problems: &mut Vec<BatchProblem>) {
    if let Err(e) = period.ensure_not_future(today) {
        problems.push((format!("{field}.period"), problem_of(e)));
    }
}

/// Nor the same indicator and period as an earlier row (`seen`: the first row's path by
/// indicator and period).
fn not_twice<Id: Copy + Eq + Hash>(
    field: &str,
    indicator: Id,
    period: Period,
    seen: &mut HashMap<(Id, NaiveDate), String>,
    problems: &mut Vec<BatchProblem>,
) {
    if let Some(first) = seen.insert((indicator, period.start()), field.to_owned()) {
        problems.push((field.to_owned(), Problem::SamePeriodTwice { first }));
    }
}

/// Checks every row against the product's indicators (`index`: key → id and periodicity) and
/// the domain's rules, reporting every problem at once (unknown indicator, period in the
/// future, value not finite, comment too long, the same indicator and period twice), or a
/// batch over [`MAX_BATCH_ROWS`]. The inputs keep the rows' order.
pub fn check_batch<Id: Copy + Eq + Hash>(
    rows: Vec<RawRow>,
    index: &HashMap<String, (Id, Periodicity)>,
    today: NaiveDate,
) -> Result<CheckedBatch<Id>, Vec<BatchProblem>> {
    too_many(rows.len())?;
    let mut problems = Vec::new();
    let mut inputs = Vec::with_capacity(rows.len());
    let mut seen = HashMap::new();
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
        not_future(&row.field, period, today, &mut problems);
        let value = MeasureValue::new(row.value)
            .map_err(|e| problems.push((format!("{}.value", row.field), problem_of(e))));
        let comment = normalize_comment(row.comment.as_deref())
            .map_err(|e| problems.push((format!("{}.comment", row.field), problem_of(e))));
        not_twice(&row.field, id, period, &mut seen, &mut problems);
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
        Ok(CheckedBatch(inputs))
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

    #[test]
    fn values_a_program_built_are_checked_against_the_indicators_by_id() {
        let periodicities = HashMap::from([(1, Periodicity::Week), (2, Periodicity::Month)]);
        let input = |indicator, periodicity, day: &str| MeasureInput {
            indicator,
            period: Period::containing(periodicity, date(day)),
            value: MeasureValue::new(1.0).expect("finite"),
            comment: None,
        };
        let good = vec![
            input(1, Periodicity::Week, "2026-11-16"),
            input(2, Periodicity::Month, "2026-10-01"),
        ];
        let checked = CheckedBatch::check(good.clone(), &periodicities, date(TODAY));
        assert_eq!(checked.map(CheckedBatch::into_inputs), Ok(good));
        let problems = CheckedBatch::check(
            vec![
                input(9, Periodicity::Week, "2026-11-16"),
                input(1, Periodicity::Month, "2026-10-01"),
                input(1, Periodicity::Week, "2026-12-07"),
                input(2, Periodicity::Month, "2026-09-01"),
                input(2, Periodicity::Month, "2026-09-15"),
            ],
            &periodicities,
            date(TODAY),
        )
        .expect_err("refused");
        let paths: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            paths,
            [
                "measures[0].indicator",
                "measures[1].period",
                "measures[2].period",
                "measures[4]"
            ]
        );
        assert_eq!(
            problems[1].1.to_string(),
            "the indicator is reported by week"
        );
        assert_eq!(problems[2].1, Problem::InFuture);
    }
}
