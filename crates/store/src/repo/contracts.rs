//! A product's « contrat de réussite »: period, review cadence, budget per year and planned
//! milestones. A PUT replaces it as a whole; its objectives, commitments and reviews stay.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use pilote_domain::{Contract, Milestone, Phase};

use crate::{
    clock,
    connection::DbConnection,
    error::{StoreError, StoreResult, corrupt},
    ids::{Actor, ContractId, ProductId},
    repo::{audit, products},
    schema::{contract_budgets, contract_milestones, contracts},
};

#[derive(Queryable, Selectable)]
#[diesel(table_name = contracts)]
struct ContractRow {
    id: i64,
    signed_on: NaiveDate,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    review_cadence_months: i32,
}

/// Stores the product's contract, replacing the one it had (budgets and milestones included).
/// Returns the contract's id, which stays the same across replacements.
pub fn put(
    conn: &mut DbConnection,
    product: ProductId,
    contract: &Contract,
    actor: Actor,
) -> StoreResult<ContractId> {
    contract.validate()?;
    let cadence = i32::try_from(contract.review_cadence_months).map_err(|_| {
        pilote_domain::DomainError::rule(
            "review_cadence_months",
            "too large",
            "La fréquence des revues est trop grande.",
        )
    })?;
    let before = find(conn, product)?;
    let now = clock::now();
    let id = match &before {
        Some((id, _)) => {
            diesel::update(contracts::table.find(id.0))
                .set((
                    contracts::signed_on.eq(contract.signed_on),
                    contracts::starts_on.eq(contract.starts_on),
                    contracts::ends_on.eq(contract.ends_on),
                    contracts::review_cadence_months.eq(cadence),
                    contracts::updated_at.eq(now),
                ))
                .execute(conn)?;
            diesel::delete(contract_budgets::table.filter(contract_budgets::contract_id.eq(id.0)))
                .execute(conn)?;
            diesel::delete(
                contract_milestones::table.filter(contract_milestones::contract_id.eq(id.0)),
            )
            .execute(conn)?;
            *id
        }
        None => diesel::insert_into(contracts::table)
            .values((
                contracts::product_id.eq(product.0),
                contracts::signed_on.eq(contract.signed_on),
                contracts::starts_on.eq(contract.starts_on),
                contracts::ends_on.eq(contract.ends_on),
                contracts::review_cadence_months.eq(cadence),
                contracts::updated_at.eq(now),
            ))
            .returning(contracts::id)
            .get_result(conn)
            .map(ContractId)?,
    };
    // One row at a time: the multi-connection cannot batch, and a contract has a handful.
    for (&year, &amount) in &contract.budget_per_year {
        diesel::insert_into(contract_budgets::table)
            .values((
                contract_budgets::contract_id.eq(id.0),
                contract_budgets::year.eq(year),
                contract_budgets::amount.eq(amount),
            ))
            .execute(conn)?;
    }
    for m in &contract.milestones {
        diesel::insert_into(contract_milestones::table)
            .values((
                contract_milestones::contract_id.eq(id.0),
                contract_milestones::phase.eq(m.phase.as_str()),
                contract_milestones::planned_on.eq(m.planned_on),
            ))
            .execute(conn)?;
    }
    let slug = products::get(conn, product)?.slug;
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: if before.is_some() {
                "contract.replace"
            } else {
                "contract.create"
            },
            entity: "contract",
            entity_key: slug.to_string(),
            before: before
                .map(|(_, c)| serde_json::to_string(&c).map_err(json_error))
                .transpose()?,
            after: Some(serde_json::to_string(contract).map_err(json_error)?),
        },
    )?;
    Ok(id)
}

/// The product's contract, if it has one.
pub fn find(
    conn: &mut DbConnection,
    product: ProductId,
) -> StoreResult<Option<(ContractId, Contract)>> {
    let row: Option<ContractRow> = contracts::table
        .filter(contracts::product_id.eq(product.0))
        .select(ContractRow::as_select())
        .first(conn)
        .optional()?;
    let Some(row) = row else {
        return Ok(None);
    };
    let budget_per_year: BTreeMap<i32, i64> = contract_budgets::table
        .filter(contract_budgets::contract_id.eq(row.id))
        .select((contract_budgets::year, contract_budgets::amount))
        .load::<(i32, i64)>(conn)?
        .into_iter()
        .collect();
    let milestones = contract_milestones::table
        .filter(contract_milestones::contract_id.eq(row.id))
        .order(contract_milestones::planned_on)
        .select((contract_milestones::phase, contract_milestones::planned_on))
        .load::<(String, NaiveDate)>(conn)?
        .into_iter()
        .map(|(phase, planned_on)| {
            let phase =
                Phase::parse(&phase).map_err(|e| corrupt("contract_milestones", row.id, e))?;
            Ok(Milestone { phase, planned_on })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let contract = Contract {
        signed_on: row.signed_on,
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        review_cadence_months: u32::try_from(row.review_cadence_months)
            .map_err(|e| corrupt("contracts", row.id, e))?,
        budget_per_year,
        milestones,
    };
    Ok(Some((ContractId(row.id), contract)))
}

/// The product's contract; `NotFound("contract")` when it has none.
pub fn get(conn: &mut DbConnection, product: ProductId) -> StoreResult<(ContractId, Contract)> {
    find(conn, product)?.ok_or(StoreError::NotFound { what: "contract" })
}

/// A value of the domain's that would not serialise (for the audit log or a snapshot): a bug,
/// reported as corrupt data rather than a panic.
pub(crate) fn json_error(error: serde_json::Error) -> StoreError {
    corrupt("audit_log", "json", error)
}
