//! Loads what a contract's status is computed from and hands it to the domain's rule
//! (`pilote_domain::contract_status`): the computation itself does no I/O.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use pilote_domain::{
    ContractStatus, FORECAST_WINDOW, ObjectiveInput, Period, StatusInputs, contract_status,
};

use crate::{
    connection::DbConnection,
    error::{StoreResult, corrupt},
    ids::{ContractId, IndicatorId, ProductId},
    repo::{commitments, contracts, indicators, objectives, phases, spend},
    schema::{self, measures, reviews},
};

/// The product's contract status at `at` (`NotFound("contract")` without a contract).
pub fn at(
    conn: &mut DbConnection,
    product: ProductId,
    at: NaiveDate,
) -> StoreResult<ContractStatus> {
    let (contract_id, contract) = contracts::get(conn, product)?;
    let indicators: HashMap<IndicatorId, _> =
        indicators::list(conn, product)?.into_iter().collect();
    let mut inputs = Vec::new();
    for record in objectives::list(conn, product)? {
        let indicator = indicators.get(&record.indicator_id).ok_or_else(|| {
            corrupt(
                "objectives",
                record.id,
                "its indicator is another product's",
            )
        })?;
        let recent = recent_at(conn, record.indicator_id, indicator.periodicity, at)?;
        let latest = recent.last().copied();
        inputs.push(ObjectiveInput {
            id: record.id.0,
            indicator: indicator.key.clone(),
            label: indicator.label.clone(),
            unit: indicator.unit.clone(),
            direction: indicator.direction,
            objective: record.objective,
            latest,
            recent,
        });
    }
    let spend = spend::list(conn, product)?;
    let history = phases::history(conn, product)?;
    let commitments: Vec<_> = commitments::list(conn, product)?
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    let last_review = last_signed_review(conn, contract_id, at)?;
    Ok(contract_status(
        &StatusInputs {
            contract: &contract,
            objectives: &inputs,
            spend: &spend,
            history: &history,
            commitments: &commitments,
            last_review,
        },
        at,
    ))
}

/// The contract statuses at `at` of those of `products` that have a contract.
///
/// Which products have one is a single query: asking product by product cost the portfolio
/// summary one round trip per product for the few that have a contract.
pub fn of_products(
    conn: &mut DbConnection,
    products: &[ProductId],
    at_date: NaiveDate,
) -> StoreResult<Vec<(ProductId, ContractStatus)>> {
    let with_contract: HashSet<i64> = schema::contracts::table
        .select(schema::contracts::product_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let mut result = Vec::new();
    for &product in products {
        if with_contract.contains(&product.0) {
            result.push((product, at(conn, product, at_date)?));
        }
    }
    Ok(result)
}

/// The latest values of an indicator whose periods start on or before `at`, oldest first: at
/// most [`FORECAST_WINDOW`] of them, which covers the forecast's window of that many periods
/// (the last one is the latest value).
fn recent_at(
    conn: &mut DbConnection,
    indicator: IndicatorId,
    periodicity: pilote_domain::Periodicity,
    at: NaiveDate,
) -> StoreResult<Vec<(Period, f64)>> {
    let rows: Vec<(NaiveDate, f64)> = measures::table
        .filter(measures::indicator_id.eq(indicator.0))
        .filter(measures::period.le(at))
        .order(measures::period.desc())
        .select((measures::period, measures::value))
        .limit(FORECAST_WINDOW as i64)
        .load(conn)?;
    rows.into_iter()
        .rev()
        .map(|(start, value)| {
            let period = Period::from_start(periodicity, start)
                .map_err(|e| corrupt("measures", indicator, e))?;
            Ok((period, value))
        })
        .collect()
}

/// The date of the contract's last signed review on or before `at`.
fn last_signed_review(
    conn: &mut DbConnection,
    contract: ContractId,
    at: NaiveDate,
) -> StoreResult<Option<NaiveDate>> {
    Ok(reviews::table
        .filter(reviews::contract_id.eq(contract.0))
        .filter(reviews::signed_at.is_not_null())
        .filter(reviews::reviewed_on.le(at))
        .select(diesel::dsl::max(reviews::reviewed_on))
        .first::<Option<NaiveDate>>(conn)?)
}
