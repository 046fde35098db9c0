//! A contract's objectives: an indicator of the product, from a baseline to a target.

use chrono::NaiveDate;
use diesel::prelude::*;
use pilote_domain::{
    DomainError, Objective, Point, ReviewSnapshot, Slug, Tolerance, may_remove_objective,
};

use crate::{
    clock,
    connection::DbConnection,
    error::{StoreError, StoreResult, corrupt},
    ids::{Actor, IndicatorId, ObjectiveId, ProductId},
    repo::{audit, contracts, indicators, products, reviews},
    schema::{contracts as contract_table, indicators as indicator_table, objectives},
};

/// A stored objective and the indicator it is about.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectiveRecord {
    pub id: ObjectiveId,
    pub indicator_id: IndicatorId,
    /// The indicator's key.
    pub indicator: Slug,
    pub objective: Objective,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = objectives)]
struct ObjectiveRow {
    id: i64,
    indicator_id: i64,
    baseline_value: f64,
    baseline_on: NaiveDate,
    target_value: f64,
    target_by: NaiveDate,
    tolerance: f64,
}

impl ObjectiveRow {
    fn into_record(self, key: &str) -> StoreResult<ObjectiveRecord> {
        let bad = |e: DomainError| corrupt("objectives", self.id, e);
        let objective = Objective::new(
            Point {
                value: self.baseline_value,
                on: self.baseline_on,
            },
            Point {
                value: self.target_value,
                on: self.target_by,
            },
            Tolerance::new(self.tolerance).map_err(bad)?,
        )
        .map_err(bad)?;
        Ok(ObjectiveRecord {
            id: ObjectiveId(self.id),
            indicator_id: IndicatorId(self.indicator_id),
            indicator: Slug::parse(key).map_err(bad)?,
            objective,
        })
    }
}

/// Adds an objective on one of the product's indicators to its contract. An unknown indicator
/// is `Invalid` on field "indicator"; no contract is `NotFound("contract")`.
pub fn create(
    conn: &mut DbConnection,
    product: ProductId,
    indicator: &Slug,
    objective: &Objective,
    actor: Actor,
) -> StoreResult<ObjectiveRecord> {
    let (contract, _) = contracts::get(conn, product)?;
    let (indicator_id, _) = indicators::find(conn, product, indicator).map_err(|e| match e {
        StoreError::NotFound { .. } => DomainError::rule(
            "indicator",
            "is not an indicator of this product",
            "Cet indicateur n'existe pas pour ce produit.",
        )
        .into(),
        other => other,
    })?;
    let id = diesel::insert_into(objectives::table)
        .values((
            objectives::contract_id.eq(contract.0),
            objectives::indicator_id.eq(indicator_id.0),
            objectives::baseline_value.eq(objective.baseline.value),
            objectives::baseline_on.eq(objective.baseline.on),
            objectives::target_value.eq(objective.target.value),
            objectives::target_by.eq(objective.target.on),
            objectives::tolerance.eq(objective.tolerance.get()),
            objectives::created_at.eq(clock::now()),
        ))
        .returning(objectives::id)
        .get_result(conn)
        .map(ObjectiveId)?;
    let record = ObjectiveRecord {
        id,
        indicator_id,
        indicator: indicator.clone(),
        objective: *objective,
    };
    log(
        conn,
        (actor, product),
        "objective.create",
        id,
        None,
        Some(&record),
    )?;
    Ok(record)
}

/// The objectives of the product's contract, oldest first (none without a contract).
pub fn list(conn: &mut DbConnection, product: ProductId) -> StoreResult<Vec<ObjectiveRecord>> {
    objectives::table
        .inner_join(contract_table::table)
        .inner_join(indicator_table::table)
        .filter(contract_table::product_id.eq(product.0))
        .order(objectives::id)
        .select((ObjectiveRow::as_select(), indicator_table::key))
        .load::<(ObjectiveRow, String)>(conn)?
        .into_iter()
        .map(|(row, key)| row.into_record(&key))
        .collect()
}

/// One objective of the product's contract; `NotFound("objective")` otherwise.
pub fn get(
    conn: &mut DbConnection,
    product: ProductId,
    id: ObjectiveId,
) -> StoreResult<ObjectiveRecord> {
    list(conn, product)?
        .into_iter()
        .find(|o| o.id == id)
        .ok_or(StoreError::NotFound { what: "objective" })
}

/// Replaces an objective's baseline, target and tolerance (its indicator stays).
pub fn update(
    conn: &mut DbConnection,
    product: ProductId,
    id: ObjectiveId,
    objective: &Objective,
    actor: Actor,
) -> StoreResult<ObjectiveRecord> {
    let before = get(conn, product, id)?;
    diesel::update(objectives::table.find(id.0))
        .set((
            objectives::baseline_value.eq(objective.baseline.value),
            objectives::baseline_on.eq(objective.baseline.on),
            objectives::target_value.eq(objective.target.value),
            objectives::target_by.eq(objective.target.on),
            objectives::tolerance.eq(objective.tolerance.get()),
        ))
        .execute(conn)?;
    let after = ObjectiveRecord {
        objective: *objective,
        ..before.clone()
    };
    log(
        conn,
        (actor, product),
        "objective.update",
        id,
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

/// Removes an objective from the contract, audited with what it was; a `Conflict` when a
/// signed review froze it ([`may_remove_objective`]). Draft reviews keep it in their
/// snapshots until they are taken again.
pub fn delete(
    conn: &mut DbConnection,
    product: ProductId,
    id: ObjectiveId,
    actor: Actor,
) -> StoreResult<()> {
    let before = get(conn, product, id)?;
    let mut signed = Vec::new();
    for review in reviews::list(conn, product)? {
        if review.signed_at.is_some() {
            let snapshot: ReviewSnapshot = serde_json::from_str(&review.snapshot)
                .map_err(|e| corrupt("reviews", review.id.0, e))?;
            signed.push((review.review.reviewed_on, snapshot));
        }
    }
    may_remove_objective(id.0, signed.iter().map(|(on, s)| (*on, s)))?;
    diesel::delete(objectives::table.find(id.0)).execute(conn)?;
    log(
        conn,
        (actor, product),
        "objective.delete",
        id,
        Some(&before),
        None,
    )
}

fn log(
    conn: &mut DbConnection,
    (actor, product): (Actor, ProductId),
    action: &str,
    id: ObjectiveId,
    before: Option<&ObjectiveRecord>,
    after: Option<&ObjectiveRecord>,
) -> StoreResult<()> {
    // The product's slug, so that its journal finds the entry once the objective is gone.
    let slug = products::get(conn, product)?.slug;
    let describe = |r: &ObjectiveRecord| {
        serde_json::json!({
            "product": slug.as_ref(),
            "indicator": r.indicator.as_ref(),
            "baseline": r.objective.baseline,
            "target": r.objective.target,
            "tolerance": r.objective.tolerance.get(),
        })
        .to_string()
    };
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action,
            entity: "objective",
            entity_key: id.to_string(),
            before: before.map(describe),
            after: after.map(describe),
        },
    )
}
