//! Phase history and committee decisions. A phase only changes through a decision, applied by
//! the domain's rule; this module stores what the rule decided, in the caller's transaction.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use pilote_domain::{
    DecisionKind, NewDecision, Phase, PhaseHistory, PhaseRecord, ProductStatus, Rationale,
    Transition,
};

use crate::{
    clock,
    connection::DbConnection,
    error::{StoreError, StoreResult, corrupt},
    ids::{Actor, DecisionId, ProductId, UserId},
    repo::{audit, products},
    schema::{decisions, phases},
};

#[derive(Queryable, Selectable)]
#[diesel(table_name = phases)]
struct PhaseRow {
    product_id: i64,
    phase: String,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    is_return: bool,
}

/// A recorded committee decision.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionRecord {
    pub id: DecisionId,
    pub decision: NewDecision,
    pub decided_by: Option<UserId>,
    pub recorded_at: chrono::NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = decisions)]
struct DecisionRow {
    id: i64,
    kind: String,
    decided_on: NaiveDate,
    rationale: String,
    decided_by: Option<i64>,
    recorded_at: chrono::NaiveDateTime,
}

/// Writes a whole phase history for a product that has none yet.
pub(crate) fn insert_history(
    conn: &mut DbConnection,
    product: ProductId,
    history: &PhaseHistory,
) -> StoreResult<()> {
    for record in history.records() {
        insert_record(conn, product, record, None, history.is_return(record))?;
    }
    Ok(())
}

fn insert_record(
    conn: &mut DbConnection,
    product: ProductId,
    record: &PhaseRecord,
    decision: Option<DecisionId>,
    is_return: bool,
) -> StoreResult<()> {
    diesel::insert_into(phases::table)
        .values((
            phases::product_id.eq(product.0),
            phases::phase.eq(record.phase.as_str()),
            phases::started_on.eq(record.started_on),
            phases::ended_on.eq(record.ended_on),
            phases::decision_id.eq(decision.map(|d| d.0)),
            phases::is_return.eq(is_return),
        ))
        .execute(conn)?;
    Ok(())
}

/// A product's phase history, checked against every domain invariant.
pub fn history(conn: &mut DbConnection, product: ProductId) -> StoreResult<PhaseHistory> {
    histories(conn, [product])?
        .remove(&product)
        .ok_or_else(|| corrupt("products", product, "has no phase history"))
}

/// The phase histories of several products, in one query.
pub fn histories(
    conn: &mut DbConnection,
    products: impl IntoIterator<Item = ProductId>,
) -> StoreResult<HashMap<ProductId, PhaseHistory>> {
    let ids: Vec<i64> = products.into_iter().map(|p| p.0).collect();
    let mut rows: Vec<PhaseRow> = Vec::new();
    // Bounded IN lists keep under both backends' bound-parameter limits.
    for chunk in ids.chunks(10_000) {
        rows.extend(
            phases::table
                .filter(phases::product_id.eq_any(chunk))
                .order((phases::product_id, phases::started_on, phases::id))
                .select(PhaseRow::as_select())
                .load(conn)?,
        );
    }
    type Loaded = (Vec<PhaseRecord>, Vec<(NaiveDate, Phase)>);
    let mut grouped: HashMap<ProductId, Loaded> = HashMap::new();
    for row in rows {
        let phase = Phase::parse(&row.phase).map_err(|e| corrupt("phases", row.product_id, e))?;
        let (records, returns) = grouped.entry(ProductId(row.product_id)).or_default();
        records.push(PhaseRecord {
            phase,
            started_on: row.started_on,
            ended_on: row.ended_on,
        });
        if row.is_return {
            returns.push((row.started_on, phase));
        }
    }
    grouped
        .into_iter()
        .map(|(id, (mut records, returns))| {
            records.sort_by_key(pilote_domain::chronological);
            let stopped_on = match records.last() {
                Some(last) => last.ended_on,
                None => None,
            };
            let history = PhaseHistory::with_returns(records, stopped_on, &returns)
                .map_err(|e| corrupt("phases", id, e))?;
            Ok((id, history))
        })
        .collect()
}

/// Records a committee decision and the phase change it brings, if any.
///
/// The domain rule decides (advance one step only, stop from anywhere, no date in the future or
/// before the current phase began); this stores the decision, closes and opens phase records
/// and appends an audit entry.
pub fn record_decision(
    conn: &mut DbConnection,
    product: ProductId,
    decision: &NewDecision,
    actor: Actor,
    today: NaiveDate,
) -> StoreResult<(DecisionId, Transition)> {
    crate::transaction::lock_product(conn, product)?;
    let mut history = history(conn, product)?;
    let before = history.status();
    let transition = history.apply(decision, today)?;
    let id = diesel::insert_into(decisions::table)
        .values((
            decisions::product_id.eq(product.0),
            decisions::kind.eq(decision.kind.as_str()),
            decisions::decided_on.eq(decision.decided_on),
            decisions::rationale.eq(decision.rationale.as_ref()),
            decisions::decided_by.eq(actor.user_id()),
            decisions::recorded_at.eq(clock::now()),
        ))
        .returning(decisions::id)
        .get_result(conn)
        .map(DecisionId)?;
    if let Some(closed) = &transition.closed {
        let closed_rows = diesel::update(
            phases::table
                .filter(phases::product_id.eq(product.0))
                .filter(phases::phase.eq(closed.phase.as_str()))
                .filter(phases::ended_on.is_null()),
        )
        .set(phases::ended_on.eq(closed.ended_on))
        .execute(conn)?;
        // The history was read under the product lock: anything but one row means another
        // writer got around it, and writing on would corrupt the history.
        if closed_rows != 1 {
            return Err(StoreError::Conflict(
                "the phase history changed while the decision was recorded".to_owned(),
            ));
        }
    }
    if let Some(opened) = &transition.opened {
        // A decision only ever advances: the record it opens is never a return.
        insert_record(conn, product, opened, Some(id), false)?;
    }
    let slug = products::get(conn, product)?.slug;
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: "decision.record",
            entity: "product",
            entity_key: slug.to_string(),
            before: Some(status_json(before)),
            after: Some(
                serde_json::json!({
                    "phase": transition.status.as_str(),
                    "decision": {
                        "id": id.0,
                        "kind": decision.kind.as_str(),
                        "decided_on": decision.decided_on,
                        "rationale": decision.rationale.as_ref(),
                    },
                })
                .to_string(),
            ),
        },
    )?;
    Ok((id, transition))
}

fn status_json(status: ProductStatus) -> String {
    serde_json::json!({ "phase": status.as_str() }).to_string()
}

/// A product's decisions, oldest first.
pub fn decisions(conn: &mut DbConnection, product: ProductId) -> StoreResult<Vec<DecisionRecord>> {
    decisions::table
        .filter(decisions::product_id.eq(product.0))
        .order((decisions::decided_on, decisions::id))
        .select(DecisionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| {
            let kind =
                DecisionKind::parse(&row.kind).map_err(|e| corrupt("decisions", row.id, e))?;
            let rationale =
                Rationale::parse(&row.rationale).map_err(|e| corrupt("decisions", row.id, e))?;
            Ok(DecisionRecord {
                id: DecisionId(row.id),
                decision: NewDecision {
                    kind,
                    decided_on: row.decided_on,
                    rationale,
                },
                decided_by: row.decided_by.map(UserId),
                recorded_at: row.recorded_at,
            })
        })
        .collect()
}
