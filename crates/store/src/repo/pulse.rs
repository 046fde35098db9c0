//! How each product is doing right now: is its team up to date, and what is its north star's
//! latest value. Computed for the whole portfolio in one query, for lists and summaries.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::{
    prelude::*,
    sql_types::{BigInt, Bool, Date, Double, Nullable, Text},
};
use pilote_domain::{Period, Periodicity, Slug, is_late};

use crate::{
    connection::DbConnection,
    error::{StoreResult, corrupt},
    ids::ProductId,
    with_backend,
};

/// A product's freshness and headline figure.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pulse {
    /// Some weekly indicator has no value for the last complete week. A product without weekly
    /// indicators is never late.
    pub late: bool,
    /// The latest period any of its indicators has a value for.
    pub last_posted: Option<NaiveDate>,
    /// Its north star's latest value, if it has one and a value.
    pub north_star: Option<NorthStar>,
}

/// The latest value of a product's north star indicator.
#[derive(Clone, Debug, PartialEq)]
pub struct NorthStar {
    pub key: Slug,
    pub label: String,
    pub unit: String,
    pub period: NaiveDate,
    pub value: f64,
}

/// The pulse of every product that has indicators, at `today`.
pub fn pulses(conn: &mut DbConnection, today: NaiveDate) -> StoreResult<HashMap<ProductId, Pulse>> {
    load_pulses(conn, None, today)
}

/// One product's pulse at `today` (the default one when it has no indicator).
pub fn pulse(conn: &mut DbConnection, product: ProductId, today: NaiveDate) -> StoreResult<Pulse> {
    Ok(load_pulses(conn, Some(product), today)?
        .remove(&product)
        .unwrap_or_default())
}

fn load_pulses(
    conn: &mut DbConnection,
    product: Option<ProductId>,
    today: NaiveDate,
) -> StoreResult<HashMap<ProductId, Pulse>> {
    let mut pulses: HashMap<ProductId, Pulse> = HashMap::new();
    for row in latest_rows(conn, product)? {
        let periodicity =
            Periodicity::parse(&row.periodicity).map_err(|e| corrupt("indicators", row.id, e))?;
        let last = row.period;
        let pulse = pulses.entry(ProductId(row.product_id)).or_default();
        if periodicity == Periodicity::Week {
            let period = last.map(|d| Period::containing(periodicity, d));
            pulse.late |= is_late(periodicity, period, today);
        }
        pulse.last_posted = pulse.last_posted.max(last);
        if let (true, Some(period), Some(value)) = (row.north_star, last, row.value) {
            let key = Slug::parse(&row.key).map_err(|e| corrupt("indicators", row.id, e))?;
            pulse.north_star = Some(NorthStar {
                key,
                label: row.label,
                unit: row.unit,
                period,
                value,
            });
        }
    }
    Ok(pulses)
}

/// One indicator with its latest period and that period's value.
#[derive(QueryableByName)]
struct LatestRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    product_id: i64,
    #[diesel(sql_type = Text)]
    periodicity: String,
    #[diesel(sql_type = Bool)]
    north_star: bool,
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Text)]
    label: String,
    #[diesel(sql_type = Text)]
    unit: String,
    #[diesel(sql_type = Nullable<Date>)]
    period: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Double>)]
    value: Option<f64>,
}

/// Every indicator (of one product, if given) with its latest value: one join with
/// `measure_latest`, which every write keeps (`repo::latest`), so its cost grows with the
/// indicators, not the measures. (A `GROUP BY indicator_id` over `measures` read every measure;
/// one index descent per indicator cost PostgreSQL about 170 ms for 5 000 indicators.)
fn latest_rows(conn: &mut DbConnection, product: Option<ProductId>) -> StoreResult<Vec<LatestRow>> {
    // An integer, formatted: nothing a caller writes reaches the SQL text.
    let only = product
        .map(|id| format!("WHERE i.product_id = {}", id.0))
        .unwrap_or_default();
    let sql = format!(
        "SELECT i.id, i.product_id, i.periodicity, i.north_star, i.key, i.label, i.unit,
                l.period, l.value
         FROM indicators i LEFT JOIN measure_latest l ON l.indicator_id = i.id {only}"
    );
    Ok(with_backend!(conn, |c| diesel::sql_query(&sql).load::<LatestRow>(c))?)
}
