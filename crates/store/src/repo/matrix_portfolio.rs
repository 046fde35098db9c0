//! Every running product's « matrice d'impact » at once, for the portfolio: a few queries
//! whatever the number of products and the length of their history, then the domain's rule
//! per product in memory. Objective statuses are left out: the portfolio's rows do not show
//! them.
//!
//! [`of_products`] reads what the writes keep (issue 23): each indicator's latest value
//! (`measure_latest`), the one value a year before it, the monthly figures of the indicators
//! the efficiency column reads over its 24 months (`measure_months`), and the spend (one row
//! per month already). [`of_products_from_measures`] computes the same matrices from 37
//! months of measures: the reference the tests compare with. [`of_products_cached`] keeps
//! what [`of_products`] computed and recomputes only the products whose matrix version
//! (`repo::matrix_versions`) moved since.

use std::{
    collections::{BTreeSet, HashMap, HashSet},
    sync::Mutex,
};

use chrono::{Months, NaiveDate};
use diesel::prelude::*;
use pilote_domain::{
    Indicator, IndicatorFigures, Matrix, MatrixIndicator, Period, Periodicity, Spend,
    efficiency_months, feeds_efficiency, matrix, matrix_of_figures, year_before,
};

use crate::{
    connection::DbConnection,
    error::{StoreResult, corrupt},
    ids::{IndicatorId, ProductId},
    repo::{aggregates, indicators, matrix_versions},
    schema::{indicators as indicator_table, measure_latest, measures, spend},
};

/// How far back values are read: the 24 complete months of the efficiency figures, and 13
/// more so that a latest value anywhere in them still finds its value a year before.
const MONTHS_BACK: u32 = 24 + 13;

/// The matrix at `at` of each of `products` (every one of them gets a matrix, empty or not),
/// computed from the measures of the 37 months before `at`.
pub fn of_products_from_measures(
    conn: &mut DbConnection,
    products: &[ProductId],
    at: NaiveDate,
) -> StoreResult<HashMap<ProductId, Matrix>> {
    let ids: Vec<i64> = products.iter().map(|p| p.0).collect();
    let from = first_month(at);
    let mut values = values_between(conn, ValuesOf::Products(&ids), from, at)?;
    let mut spends = spends_between(conn, &ids, from, at)?;
    let mut inputs: HashMap<ProductId, Vec<MatrixIndicator>> = HashMap::new();
    for (product, id, indicator) in indicators::of_products(conn, products)? {
        let measures = values.remove(&id).unwrap_or_default();
        let input = with_periods(id, indicator, measures)?;
        inputs.entry(product).or_default().push(input);
    }
    Ok(products
        .iter()
        .map(|&product| {
            let indicators = inputs.remove(&product).unwrap_or_default();
            let spend = spends.remove(&product).unwrap_or_default();
            (product, matrix(&indicators, &spend, at))
        })
        .collect())
}

/// The matrix at `at` of each of `products` (every one of them gets a matrix, empty or not),
/// from the figures the writes keep: the same matrices as [`of_products_from_measures`], in
/// a number of rows that does not grow with the history.
///
/// An indicator whose latest value is after `at` (a matrix of the past: the yearly report's)
/// has its latest value before `at` nowhere but in the measures: those indicators are read
/// from their measures, as [`of_products_from_measures`] does.
pub fn of_products(
    conn: &mut DbConnection,
    products: &[ProductId],
    at: NaiveDate,
) -> StoreResult<HashMap<ProductId, Matrix>> {
    let ids: Vec<i64> = products.iter().map(|p| p.0).collect();
    let from = first_month(at);
    let indicators = indicators::of_products(conn, products)?;
    let indicator_ids: Vec<i64> = indicators.iter().map(|(_, id, _)| id.0).collect();
    let latest: HashMap<i64, (NaiveDate, f64)> = if indicator_ids.is_empty() {
        HashMap::new()
    } else {
        measure_latest::table
            .filter(measure_latest::indicator_id.eq_any(&indicator_ids))
            .select((
                measure_latest::indicator_id,
                measure_latest::period,
                measure_latest::value,
            ))
            .load::<(i64, NaiveDate, f64)>(conn)?
            .into_iter()
            .map(|(id, period, value)| (id, (period, value)))
            .collect()
    };
    let behind: HashSet<i64> = latest
        .iter()
        .filter(|(_, (period, _))| *period > at)
        .map(|(id, _)| *id)
        .collect();
    let behind_ids: Vec<i64> = behind.iter().copied().collect();
    let mut values = values_between(conn, ValuesOf::Indicators(&behind_ids), from, at)?;

    // The latest values (read in the window only, as the measures are) and the periods a year
    // before them.
    let mut latest_of: HashMap<IndicatorId, (Period, f64)> = HashMap::new();
    let mut wanted: HashMap<IndicatorId, NaiveDate> = HashMap::new();
    let mut month_ids = Vec::new();
    for (_, id, indicator) in &indicators {
        if values.contains_key(id) || behind.contains(&id.0) {
            continue;
        }
        if feeds_efficiency(indicator) {
            month_ids.push(*id);
        }
        let Some(&(start, value)) = latest.get(&id.0).filter(|(p, _)| *p >= from) else {
            continue;
        };
        let period = Period::from_start(indicator.periodicity, start)
            .map_err(|e| corrupt("measure_latest", id, e))?;
        latest_of.insert(*id, (period, value));
        if let Some(before) = year_before(period).filter(|d| *d >= from) {
            wanted.insert(*id, before);
        }
    }
    let year_before_of = values_at(conn, &wanted)?;
    let mut months = aggregates::between(conn, &month_ids, efficiency_months(at))?;
    let mut spends = spends_between(conn, &ids, from, at)?;

    let mut inputs: HashMap<ProductId, Vec<IndicatorFigures>> = HashMap::new();
    for (product, id, indicator) in indicators {
        let figures = if let Some(measures) = values.remove(&id) {
            IndicatorFigures::of(&with_periods(id, indicator, measures)?, at)
        } else if behind.contains(&id.0) {
            IndicatorFigures::of(&with_periods(id, indicator, Vec::new())?, at)
        } else {
            let year_before = match year_before_of.get(&id) {
                Some(&(start, value)) => Some((
                    Period::from_start(indicator.periodicity, start)
                        .map_err(|e| corrupt("measures", id, e))?,
                    value,
                )),
                None => None,
            };
            let months = months
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|(month, figures)| (month, indicator.aggregation.of_month(&figures)))
                .collect();
            IndicatorFigures {
                latest: latest_of.get(&id).copied(),
                year_before,
                months,
                objective: None,
                indicator,
            }
        };
        inputs.entry(product).or_default().push(figures);
    }
    Ok(products
        .iter()
        .map(|&product| {
            let indicators = inputs.remove(&product).unwrap_or_default();
            let spend = spends.remove(&product).unwrap_or_default();
            (product, matrix_of_figures(&indicators, &spend, at))
        })
        .collect())
}

/// The matrices this process computed, each with the product's matrix version and the date
/// it was computed at (one per [`crate::Database`], shared by its connections). An entry is
/// trusted only while its product's version in `matrix_versions` has not moved, so a change
/// made anywhere — this process, another replica, the CLI — is seen by the next read.
#[derive(Debug, Default)]
pub struct MatrixCache {
    entries: Mutex<HashMap<ProductId, (i64, NaiveDate, Matrix)>>,
}

impl MatrixCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ProductId, (i64, NaiveDate, Matrix)>> {
        // A panic while holding the lock leaves whole entries or none: still usable.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// [`of_products`], computing only the products whose matrix at `at` is not in `cache` at
/// their current version: the portfolio's matrix and efficiency chart, read far more often
/// than a product's figures change, cost one read of the versions and the products that
/// moved (issue 23).
///
/// The versions are read before the figures: a write between the two leaves an entry
/// computed from newer figures under the older version, recomputed at the next read, never
/// the other way round.
pub fn of_products_cached(
    conn: &mut DbConnection,
    cache: &MatrixCache,
    products: &[ProductId],
    at: NaiveDate,
) -> StoreResult<HashMap<ProductId, Matrix>> {
    let versions = matrix_versions::all(conn)?;
    let version_of = |id: &ProductId| versions.get(id).copied().unwrap_or(0);
    let mut found = HashMap::new();
    let mut missing = Vec::new();
    {
        let entries = cache.lock();
        for id in products {
            match entries.get(id) {
                Some((version, on, matrix)) if *version == version_of(id) && *on == at => {
                    found.insert(*id, matrix.clone());
                }
                _ => missing.push(*id),
            }
        }
    }
    if missing.is_empty() {
        return Ok(found);
    }
    let computed = of_products(conn, &missing, at)?;
    let mut entries = cache.lock();
    for (id, matrix) in computed {
        entries.insert(id, (version_of(&id), at, matrix.clone()));
        found.insert(id, matrix);
    }
    Ok(found)
}

/// The 1st of the first month read.
fn first_month(at: NaiveDate) -> NaiveDate {
    let this_month = Period::containing(Periodicity::Month, at).start();
    this_month
        .checked_sub_months(Months::new(MONTHS_BACK))
        .unwrap_or(this_month)
}

/// Whose measures to read.
enum ValuesOf<'a> {
    /// Every indicator of these products.
    Products(&'a [i64]),
    /// These indicators.
    Indicators(&'a [i64]),
}

/// Values whose period starts from `from` to `at`, by indicator.
fn values_between(
    conn: &mut DbConnection,
    of: ValuesOf<'_>,
    from: NaiveDate,
    at: NaiveDate,
) -> StoreResult<HashMap<IndicatorId, Vec<(NaiveDate, f64)>>> {
    let query = measures::table
        .inner_join(indicator_table::table)
        .filter(measures::period.ge(from))
        .filter(measures::period.le(at))
        .select((measures::indicator_id, measures::period, measures::value))
        .into_boxed();
    let rows: Vec<(i64, NaiveDate, f64)> = match of {
        ValuesOf::Indicators([]) => Vec::new(),
        ValuesOf::Products(ids) => query
            .filter(indicator_table::product_id.eq_any(ids))
            .load(conn)?,
        ValuesOf::Indicators(ids) => query
            .filter(measures::indicator_id.eq_any(ids))
            .load(conn)?,
    };
    let mut values: HashMap<IndicatorId, Vec<(NaiveDate, f64)>> = HashMap::new();
    for (indicator, period, value) in rows {
        values
            .entry(IndicatorId(indicator))
            .or_default()
            .push((period, value));
    }
    Ok(values)
}

/// The value of each indicator at the period starting on the date given, when it has one:
/// one query for all (the dates are few, most indicators being up to date).
fn values_at(
    conn: &mut DbConnection,
    wanted: &HashMap<IndicatorId, NaiveDate>,
) -> StoreResult<HashMap<IndicatorId, (NaiveDate, f64)>> {
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<i64> = wanted.keys().map(|i| i.0).collect();
    let dates: Vec<NaiveDate> = wanted
        .values()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rows: Vec<(i64, NaiveDate, f64)> = measures::table
        .filter(measures::indicator_id.eq_any(&ids))
        .filter(measures::period.eq_any(&dates))
        .select((measures::indicator_id, measures::period, measures::value))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(id, period, value)| {
            wanted.get(&IndicatorId(*id)) == Some(period) && value.is_finite()
        })
        .map(|(id, period, value)| (IndicatorId(id), (period, value)))
        .collect())
}

/// The products' spend of the months from `from` to `at`, in month order.
fn spends_between(
    conn: &mut DbConnection,
    ids: &[i64],
    from: NaiveDate,
    at: NaiveDate,
) -> StoreResult<HashMap<ProductId, Vec<Spend>>> {
    let mut spends: HashMap<ProductId, Vec<Spend>> = HashMap::new();
    let rows: Vec<(i64, NaiveDate, i64)> = spend::table
        .filter(spend::product_id.eq_any(ids))
        .filter(spend::month.ge(from))
        .filter(spend::month.le(at))
        // The order of the (product, month) index: no sort, each product's months in order.
        .order((spend::product_id, spend::month))
        .select((spend::product_id, spend::month, spend::amount))
        .load(conn)?;
    for (product, month, amount) in rows {
        spends
            .entry(ProductId(product))
            .or_default()
            .push(Spend { month, amount });
    }
    Ok(spends)
}

/// An indicator with its values as periods of its periodicity.
fn with_periods(
    id: IndicatorId,
    indicator: Indicator,
    values: Vec<(NaiveDate, f64)>,
) -> StoreResult<MatrixIndicator> {
    let measures = values
        .into_iter()
        .map(|(start, value)| {
            let period = Period::from_start(indicator.periodicity, start)
                .map_err(|e| corrupt("measures", id, e))?;
            Ok((period, value))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(MatrixIndicator {
        indicator,
        measures,
        objective: None,
    })
}
