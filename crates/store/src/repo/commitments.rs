//! A contract's doctrine commitments: accessibility, security, eco-design, open source, data.

use diesel::prelude::*;
use pilote_domain::{Commitment, CommitmentArea};

use crate::{
    clock,
    connection::DbConnection,
    error::{StoreError, StoreResult, corrupt},
    ids::{Actor, CommitmentId, ProductId},
    repo::{audit, contracts, products},
    schema::{commitments, contracts as contract_table},
};

#[derive(Queryable, Selectable)]
#[diesel(table_name = commitments)]
struct CommitmentRow {
    id: i64,
    area: String,
    expected: String,
    current: String,
    evidence_url: Option<String>,
}

impl CommitmentRow {
    fn into_domain(self) -> StoreResult<(CommitmentId, Commitment)> {
        let area =
            CommitmentArea::parse(&self.area).map_err(|e| corrupt("commitments", self.id, e))?;
        Ok((
            CommitmentId(self.id),
            Commitment {
                area,
                expected: self.expected,
                current: self.current,
                evidence_url: self.evidence_url,
            },
        ))
    }
}

/// Adds a commitment to the product's contract (`NotFound("contract")` without one).
pub fn create(
    conn: &mut DbConnection,
    product: ProductId,
    commitment: &Commitment,
    actor: Actor,
) -> StoreResult<CommitmentId> {
    commitment.validate()?;
    let (contract, _) = contracts::get(conn, product)?;
    let id = diesel::insert_into(commitments::table)
        .values((
            commitments::contract_id.eq(contract.0),
            commitments::area.eq(commitment.area.as_str()),
            commitments::expected.eq(&commitment.expected),
            commitments::current.eq(&commitment.current),
            commitments::evidence_url.eq(&commitment.evidence_url),
            commitments::updated_at.eq(clock::now()),
        ))
        .returning(commitments::id)
        .get_result(conn)
        .map(CommitmentId)?;
    log(
        conn,
        (actor, product),
        "commitment.create",
        id,
        None,
        Some(commitment),
    )?;
    Ok(id)
}

/// The commitments of the product's contract, oldest first (none without a contract).
pub fn list(
    conn: &mut DbConnection,
    product: ProductId,
) -> StoreResult<Vec<(CommitmentId, Commitment)>> {
    commitments::table
        .inner_join(contract_table::table)
        .filter(contract_table::product_id.eq(product.0))
        .order(commitments::id)
        .select(CommitmentRow::as_select())
        .load(conn)?
        .into_iter()
        .map(CommitmentRow::into_domain)
        .collect()
}

fn get(conn: &mut DbConnection, product: ProductId, id: CommitmentId) -> StoreResult<Commitment> {
    list(conn, product)?
        .into_iter()
        .find(|(i, _)| *i == id)
        .map(|(_, c)| c)
        .ok_or(StoreError::NotFound { what: "commitment" })
}

/// Replaces a commitment of the product's contract.
pub fn update(
    conn: &mut DbConnection,
    product: ProductId,
    id: CommitmentId,
    commitment: &Commitment,
    actor: Actor,
) -> StoreResult<()> {
    commitment.validate()?;
    let before = get(conn, product, id)?;
    diesel::update(commitments::table.find(id.0))
        .set((
            commitments::area.eq(commitment.area.as_str()),
            commitments::expected.eq(&commitment.expected),
            commitments::current.eq(&commitment.current),
            commitments::evidence_url.eq(&commitment.evidence_url),
            commitments::updated_at.eq(clock::now()),
        ))
        .execute(conn)?;
    log(
        conn,
        (actor, product),
        "commitment.update",
        id,
        Some(&before),
        Some(commitment),
    )
}

/// Removes a commitment from the product's contract.
pub fn delete(
    conn: &mut DbConnection,
    product: ProductId,
    id: CommitmentId,
    actor: Actor,
) -> StoreResult<()> {
    let before = get(conn, product, id)?;
    diesel::delete(commitments::table.find(id.0)).execute(conn)?;
    log(
        conn,
        (actor, product),
        "commitment.delete",
        id,
        Some(&before),
        None,
    )
}

fn log(
    conn: &mut DbConnection,
    (actor, product): (Actor, ProductId),
    action: &str,
    id: CommitmentId,
    before: Option<&Commitment>,
    after: Option<&Commitment>,
) -> StoreResult<()> {
    // The product's slug, so that its journal finds the entry once the commitment is gone.
    let slug = products::get(conn, product)?.slug;
    let describe = |c: &Commitment| {
        let mut value = serde_json::to_value(c).map_err(contracts::json_error)?;
        if let Some(fields) = value.as_object_mut() {
            fields.insert("product".to_owned(), slug.as_ref().into());
        }
        Ok::<_, StoreError>(value.to_string())
    };
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action,
            entity: "commitment",
            entity_key: id.to_string(),
            before: before.map(describe).transpose()?,
            after: after.map(describe).transpose()?,
        },
    )
}
