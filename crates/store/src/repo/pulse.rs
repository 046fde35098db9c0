//! How each product is doing right now: is its team up to date, and what is its north star's
//! latest value. Computed for the whole portfolio in three queries, for lists and summaries.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::{dsl::max, prelude::*};
use pilote_domain::{Period, Periodicity, Slug, is_late};

use crate::{
    connection::DbConnection,
    error::{StoreResult, corrupt},
    ids::{IndicatorId, ProductId},
    schema::{indicators, measures},
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
    let mut latest_query = measures::table
        .inner_join(indicators::table)
        .group_by(measures::indicator_id)
        .select((measures::indicator_id, max(measures::period)))
        .into_boxed();
    let mut rows_query = indicators::table.into_boxed();
    if let Some(id) = product {
        latest_query = latest_query.filter(indicators::product_id.eq(id.0));
        rows_query = rows_query.filter(indicators::product_id.eq(id.0));
    }
    let latest: HashMap<i64, NaiveDate> = latest_query
        .load::<(i64, Option<NaiveDate>)>(conn)?
        .into_iter()
        .filter_map(|(id, period)| period.map(|p| (id, p)))
        .collect();
    let rows: Vec<(i64, i64, String, bool, String, String, String)> = rows_query
        .select((
            indicators::id,
            indicators::product_id,
            indicators::periodicity,
            indicators::north_star,
            indicators::key,
            indicators::label,
            indicators::unit,
        ))
        .load(conn)?;
    let mut pulses: HashMap<ProductId, Pulse> = HashMap::new();
    let mut stars = Vec::new();
    for (id, product, periodicity, north_star, key, label, unit) in rows {
        let periodicity =
            Periodicity::parse(&periodicity).map_err(|e| corrupt("indicators", id, e))?;
        let last = latest.get(&id).copied();
        let pulse = pulses.entry(ProductId(product)).or_default();
        if periodicity == Periodicity::Week {
            let period = last.map(|d| Period::containing(periodicity, d));
            pulse.late |= is_late(periodicity, period, today);
        }
        pulse.last_posted = pulse.last_posted.max(last);
        if let (true, Some(period)) = (north_star, last) {
            let key = Slug::parse(&key).map_err(|e| corrupt("indicators", id, e))?;
            stars.push((
                ProductId(product),
                IndicatorId(id),
                key,
                label,
                unit,
                period,
            ));
        }
    }
    for (product, indicator, key, label, unit, period) in stars {
        let value: f64 = measures::table
            .filter(measures::indicator_id.eq(indicator.0))
            .filter(measures::period.eq(period))
            .select(measures::value)
            .first(conn)?;
        if let Some(pulse) = pulses.get_mut(&product) {
            pulse.north_star = Some(NorthStar {
                key,
                label,
                unit,
                period,
                value,
            });
        }
    }
    Ok(pulses)
}
