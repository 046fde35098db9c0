//! Every running product's « matrice d'impact » at once, for the portfolio: three queries
//! (indicators, measures, spend) whatever the number of products, then the domain's rule per
//! product in memory. Objective statuses are left out: the portfolio's rows do not show them.

use std::collections::HashMap;

use chrono::{Months, NaiveDate};
use diesel::prelude::*;
use pilote_domain::{Matrix, MatrixIndicator, Period, Periodicity, Spend, matrix};

use crate::{
    connection::DbConnection,
    error::{StoreResult, corrupt},
    ids::{IndicatorId, ProductId},
    repo::indicators,
    schema::{indicators as indicator_table, measures, spend},
};

/// How far back values are read: the 24 complete months of the efficiency figures, and 13
/// more so that a latest value anywhere in them still finds its value a year before.
const MONTHS_BACK: u32 = 24 + 13;

/// The matrix at `at` of each of `products` (every one of them gets a matrix, empty or not).
pub fn of_products(
    conn: &mut DbConnection,
    products: &[ProductId],
    at: NaiveDate,
) -> StoreResult<HashMap<ProductId, Matrix>> {
    let ids: Vec<i64> = products.iter().map(|p| p.0).collect();
    let this_month = Period::containing(Periodicity::Month, at).start();
    let from = this_month
        .checked_sub_months(Months::new(MONTHS_BACK))
        .unwrap_or(this_month);
    let mut values: HashMap<IndicatorId, Vec<(NaiveDate, f64)>> = HashMap::new();
    let rows: Vec<(i64, NaiveDate, f64)> = measures::table
        .inner_join(indicator_table::table)
        .filter(indicator_table::product_id.eq_any(&ids))
        .filter(measures::period.ge(from))
        .filter(measures::period.le(at))
        .select((measures::indicator_id, measures::period, measures::value))
        .load(conn)?;
    for (indicator, period, value) in rows {
        values
            .entry(IndicatorId(indicator))
            .or_default()
            .push((period, value));
    }
    let mut spends: HashMap<ProductId, Vec<Spend>> = HashMap::new();
    let rows: Vec<(i64, NaiveDate, i64)> = spend::table
        .filter(spend::product_id.eq_any(&ids))
        .filter(spend::month.ge(from))
        .filter(spend::month.le(at))
        .order(spend::month)
        .select((spend::product_id, spend::month, spend::amount))
        .load(conn)?;
    for (product, month, amount) in rows {
        spends
            .entry(ProductId(product))
            .or_default()
            .push(Spend { month, amount });
    }
    let mut inputs: HashMap<ProductId, Vec<MatrixIndicator>> = HashMap::new();
    for (product, id, indicator) in indicators::of_products(conn, products)? {
        let measures = values
            .remove(&id)
            .unwrap_or_default()
            .into_iter()
            .map(|(start, value)| {
                let period = Period::from_start(indicator.periodicity, start)
                    .map_err(|e| corrupt("measures", id, e))?;
                Ok((period, value))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        inputs.entry(product).or_default().push(MatrixIndicator {
            indicator,
            measures,
            objective: None,
        });
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
