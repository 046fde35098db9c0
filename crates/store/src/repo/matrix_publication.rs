//! Whether a product shows its efficiency figures (budget, cost per active user) on its public
//! stats page: its own choice, off by default, kept apart from the product's description so
//! that publishing spend is always a deliberate, audited act.

use std::collections::HashSet;

use diesel::prelude::*;

use crate::{
    clock,
    connection::DbConnection,
    error::{NotFoundExt, StoreResult},
    ids::{Actor, ProductId},
    repo::audit,
    schema::products,
};

/// Whether the product publishes its efficiency figures.
pub fn publishes_efficiency(conn: &mut DbConnection, product: ProductId) -> StoreResult<bool> {
    products::table
        .find(product.0)
        .select(products::publish_efficiency)
        .first(conn)
        .not_found("product")
}

/// The products that publish their efficiency figures, in one query for lists.
pub fn publishing_efficiency(conn: &mut DbConnection) -> StoreResult<HashSet<ProductId>> {
    Ok(products::table
        .filter(products::publish_efficiency.eq(true))
        .select(products::id)
        .load::<i64>(conn)?
        .into_iter()
        .map(ProductId)
        .collect())
}

/// Sets the choice, with an audit entry when it changes.
pub fn set_publish_efficiency(
    conn: &mut DbConnection,
    product: ProductId,
    publish: bool,
    actor: Actor,
) -> StoreResult<()> {
    let (slug, before): (String, bool) = products::table
        .find(product.0)
        .select((products::slug, products::publish_efficiency))
        .first(conn)
        .not_found("product")?;
    if before == publish {
        return Ok(());
    }
    diesel::update(products::table.find(product.0))
        .set((
            products::publish_efficiency.eq(publish),
            products::updated_at.eq(clock::now()),
        ))
        .execute(conn)?;
    let state = |p: bool| Some(serde_json::json!({ "publish_efficiency": p }).to_string());
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: "product.publish_efficiency",
            entity: "product",
            entity_key: slug,
            before: state(before),
            after: state(publish),
        },
    )
}
