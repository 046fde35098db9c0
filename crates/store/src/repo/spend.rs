//! A product's monthly spend, in whole euros: one amount per month, replaced when posted again.

use chrono::NaiveDate;
use diesel::prelude::*;
use pilote_domain::{DomainError, Period, Periodicity, Spend};

use crate::{
    clock,
    connection::DbConnection,
    error::{StoreResult, corrupt},
    ids::{Actor, ProductId},
    repo::{audit, products},
    schema::spend,
};

/// What posting a month's spend did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpendChange {
    /// The month had no amount.
    Created,
    /// The month's amount was replaced (the old one is in the audit log).
    Updated,
    /// The same amount again: nothing written.
    Unchanged,
}

/// Records a month's spend. Any day files into its month; the amount must not be negative
/// (field "amount") and the month must have begun by `today` (field "month").
pub fn upsert(
    conn: &mut DbConnection,
    product: ProductId,
    entry: Spend,
    actor: Actor,
    today: NaiveDate,
) -> StoreResult<(Spend, SpendChange)> {
    if entry.amount < 0 {
        return Err(DomainError::invalid("amount", pilote_domain::Problem::Negative).into());
    }
    let month = Period::containing(Periodicity::Month, entry.month).start();
    pilote_domain::not_in_future("month", month, today)?;
    let entry = Spend {
        month,
        amount: entry.amount,
    };
    let before: Option<(i64, i64)> = spend::table
        .filter(spend::product_id.eq(product.0))
        .filter(spend::month.eq(month))
        .select((spend::id, spend::amount))
        .first(conn)
        .optional()?;
    let change = match before {
        Some((_, amount)) if amount == entry.amount => return Ok((entry, SpendChange::Unchanged)),
        Some((id, _)) => {
            diesel::update(spend::table.find(id))
                .set((
                    spend::amount.eq(entry.amount),
                    spend::recorded_at.eq(clock::now()),
                ))
                .execute(conn)?;
            SpendChange::Updated
        }
        None => {
            diesel::insert_into(spend::table)
                .values((
                    spend::product_id.eq(product.0),
                    spend::month.eq(month),
                    spend::amount.eq(entry.amount),
                    spend::recorded_at.eq(clock::now()),
                ))
                .execute(conn)?;
            SpendChange::Created
        }
    };
    let slug = products::get(conn, product)?.slug;
    let describe =
        |amount: i64| serde_json::json!({ "month": month, "amount": amount }).to_string();
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: "spend.put",
            entity: "spend",
            entity_key: format!("{slug}/{month}"),
            before: before.map(|(_, amount)| describe(amount)),
            after: Some(describe(entry.amount)),
        },
    )?;
    Ok((entry, change))
}

/// The product's spend, oldest month first.
pub fn list(conn: &mut DbConnection, product: ProductId) -> StoreResult<Vec<Spend>> {
    spend::table
        .filter(spend::product_id.eq(product.0))
        .order(spend::month)
        .select((spend::id, spend::month, spend::amount))
        .load::<(i64, NaiveDate, i64)>(conn)?
        .into_iter()
        .map(|(id, month, amount)| {
            Period::from_start(Periodicity::Month, month).map_err(|e| corrupt("spend", id, e))?;
            Ok(Spend { month, amount })
        })
        .collect()
}
