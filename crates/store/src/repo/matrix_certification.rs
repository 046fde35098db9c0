//! The certification level of a product's impact matrix: set by administrators (the handler
//! checks), one row per product, every change audited.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use pilote_domain::{Certification, CertificationLevel};

use crate::{
    clock,
    connection::DbConnection,
    error::{StoreResult, corrupt},
    ids::{Actor, ProductId},
    repo::{audit, products},
    schema::matrix_certifications as mc,
};

fn parse(product: i64, level: &str, on: NaiveDate) -> StoreResult<Certification> {
    let level = CertificationLevel::parse(level)
        .map_err(|e| corrupt("matrix_certifications", product, e))?;
    // Stored levels were checked against the day they were set: only their shape is read back.
    Certification::new(level, on, NaiveDate::MAX)
        .map_err(|e| corrupt("matrix_certifications", product, e))
}

/// The product's certification; `None` when it was never set (level `none`).
pub fn get(conn: &mut DbConnection, product: ProductId) -> StoreResult<Option<Certification>> {
    let row: Option<(String, NaiveDate)> = mc::table
        .find(product.0)
        .select((mc::level, mc::certified_on))
        .first(conn)
        .optional()?;
    row.map(|(level, on)| parse(product.0, &level, on))
        .transpose()
}

/// Every product's certification, in one query for lists.
pub fn all(conn: &mut DbConnection) -> StoreResult<HashMap<ProductId, Certification>> {
    let rows: Vec<(i64, String, NaiveDate)> = mc::table
        .select((mc::product_id, mc::level, mc::certified_on))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, level, on)| Ok((ProductId(id), parse(id, &level, on)?)))
        .collect()
}

/// Sets the product's certification, with an audit entry holding before and after; setting
/// the same level and date again writes nothing.
pub fn set(
    conn: &mut DbConnection,
    product: ProductId,
    certification: Certification,
    actor: Actor,
) -> StoreResult<()> {
    let slug = products::get(conn, product)?.slug;
    let before = get(conn, product)?;
    if before == Some(certification) {
        return Ok(());
    }
    let values = (
        mc::level.eq(certification.level().as_str()),
        mc::certified_on.eq(certification.on()),
        mc::set_by.eq(actor.user_id()),
        mc::set_at.eq(clock::now()),
    );
    if before.is_some() {
        diesel::update(mc::table.find(product.0))
            .set(values)
            .execute(conn)?;
    } else {
        diesel::insert_into(mc::table)
            .values((mc::product_id.eq(product.0), values))
            .execute(conn)?;
    }
    let state = |c: Option<Certification>| {
        c.map(|c| serde_json::json!({ "level": c.level().as_str(), "on": c.on() }).to_string())
    };
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: "matrix.certification",
            entity: "product",
            entity_key: slug.to_string(),
            before: state(before),
            after: state(Some(certification)),
        },
    )
}
