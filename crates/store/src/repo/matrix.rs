//! Loads what a product's « matrice d'impact » is computed from and hands it to the domain's
//! rule (`pilote_domain::matrix`): the computation itself does no I/O.

use std::collections::HashMap;

use chrono::{Months, NaiveDate};
use diesel::prelude::*;
use pilote_domain::{
    DateRange, Matrix, MatrixIndicator, ObjectiveStatus, Period, Periodicity, matrix,
};

use crate::{
    connection::DbConnection,
    error::{StoreResult, corrupt},
    ids::{IndicatorId, ProductId},
    repo::{contract_status, contracts, indicators, measures, objectives, spend},
    schema::measures as measure_table,
};

/// The product's matrix at `at`.
pub fn at(conn: &mut DbConnection, product: ProductId, at: NaiveDate) -> StoreResult<Matrix> {
    compute(conn, product, at, true)
}

/// The matrix as the public stats page may show it: without reading the spend unless the
/// product publishes its efficiency figures (its efficiency block then has no budget).
pub fn public_at(
    conn: &mut DbConnection,
    product: ProductId,
    at: NaiveDate,
    with_spend: bool,
) -> StoreResult<Matrix> {
    compute(conn, product, at, with_spend)
}

fn compute(
    conn: &mut DbConnection,
    product: ProductId,
    at: NaiveDate,
    with_spend: bool,
) -> StoreResult<Matrix> {
    let statuses = objective_statuses(conn, product, at)?;
    // The efficiency figures need the 24 complete months before the month of `at`.
    let this_month = Period::containing(Periodicity::Month, at).start();
    let window_start = this_month
        .checked_sub_months(Months::new(24))
        .unwrap_or(this_month);
    let mut inputs = Vec::new();
    for (id, indicator) in indicators::list(conn, product)? {
        let from = match latest_start(conn, id, at)? {
            // The year-on-year evolution also needs the year before the latest value, which may
            // be older than the window when the team stopped posting.
            Some(latest) => latest
                .checked_sub_months(Months::new(13))
                .map_or(window_start, |d| d.min(window_start)),
            None => window_start,
        };
        let range = DateRange::new(from, at.max(from))?;
        let series = measures::series(conn, id, Some(&range))?
            .into_iter()
            .map(|m| {
                let period = Period::from_start(indicator.periodicity, m.period)
                    .map_err(|e| corrupt("measures", id, e))?;
                Ok((period, m.value))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        inputs.push(MatrixIndicator {
            objective: statuses.get(&indicator.key.to_string()).copied(),
            indicator,
            measures: series,
        });
    }
    let spend = if with_spend {
        spend::list(conn, product)?
    } else {
        Vec::new()
    };
    Ok(matrix(&inputs, &spend, at))
}

/// Each indicator's objective status at `at`, by indicator key: the first objective of an
/// indicator when it has several. Empty without a contract, as objectives belong to one.
fn objective_statuses(
    conn: &mut DbConnection,
    product: ProductId,
    at: NaiveDate,
) -> StoreResult<HashMap<String, ObjectiveStatus>> {
    let mut statuses = HashMap::new();
    if contracts::find(conn, product)?.is_none() || objectives::list(conn, product)?.is_empty() {
        return Ok(statuses);
    }
    for line in contract_status::at(conn, product, at)?.objectives {
        statuses.entry(line.indicator).or_insert(line.status);
    }
    Ok(statuses)
}

/// The start of the latest period with a value that starts on or before `at`.
fn latest_start(
    conn: &mut DbConnection,
    indicator: IndicatorId,
    at: NaiveDate,
) -> StoreResult<Option<NaiveDate>> {
    Ok(measure_table::table
        .filter(measure_table::indicator_id.eq(indicator.0))
        .filter(measure_table::period.le(at))
        .select(diesel::dsl::max(measure_table::period))
        .first::<Option<NaiveDate>>(conn)?)
}
