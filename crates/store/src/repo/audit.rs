//! The append-only audit log: who, when, what, before and after. The database refuses updates
//! and deletes on it (triggers in both migrations).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    clock,
    connection::DbConnection,
    error::StoreResult,
    ids::{Actor, ProductId},
    repo::{commitments, objectives, products, reviews},
    schema::audit_log,
};

/// One change to record.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEntry<'a> {
    pub actor: Actor,
    /// What was done, e.g. `decision.record`, `measure.replace`, `role.grant`.
    pub action: &'a str,
    /// The kind of thing changed, e.g. `product`, `measure`, `user`.
    pub entity: &'a str,
    /// Which one: a slug, an id, `indicator/period`.
    pub entity_key: String,
    /// JSON of the state before, if there was one.
    pub before: Option<String>,
    /// JSON of the state after, unless it was removed.
    pub after: Option<String>,
}

/// A recorded entry.
#[derive(Clone, Debug, PartialEq, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct Entry {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_key: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Appends an entry, in the caller's transaction.
pub fn append(conn: &mut DbConnection, entry: NewEntry<'_>) -> StoreResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(clock::now()),
            audit_log::actor.eq(entry.actor.to_string()),
            audit_log::action.eq(entry.action),
            audit_log::entity.eq(entry.entity),
            audit_log::entity_key.eq(&entry.entity_key),
            audit_log::before.eq(&entry.before),
            audit_log::after.eq(&entry.after),
        ))
        .execute(conn)?;
    Ok(())
}

/// The entries about one thing, oldest first.
pub fn for_entity(conn: &mut DbConnection, entity: &str, key: &str) -> StoreResult<Vec<Entry>> {
    Ok(audit_log::table
        .filter(audit_log::entity.eq(entity))
        .filter(audit_log::entity_key.eq(key))
        .order(audit_log::id)
        .select(Entry::as_select())
        .load(conn)?)
}

/// A product's journal, oldest first: the entries about the product and its contract (keyed
/// by its slug), its months of spend (`slug/month`), its objectives, commitments and reviews
/// (keyed by id: those still stored, and any whose state names the product, so that a
/// removed objective stays in it), and the roles given or taken back on it (`user` entries
/// whose role names the product).
pub fn for_product(conn: &mut DbConnection, product: ProductId) -> StoreResult<Vec<Entry>> {
    let slug = products::get(conn, product)?.slug.to_string();
    let mut entries = for_entity(conn, "product", &slug)?;
    entries.extend(for_entity(conn, "contract", &slug)?);
    entries.extend(
        audit_log::table
            .filter(audit_log::entity.eq("spend"))
            .filter(audit_log::entity_key.like(format!("{slug}/%")))
            .select(Entry::as_select())
            .load(conn)?,
    );
    // A slug is lowercase letters, digits and dashes: nothing LIKE would read as a wildcard.
    let names = format!("%\"product\":\"{slug}\"%");
    entries.extend(
        audit_log::table
            .filter(audit_log::entity.eq_any(["objective", "commitment", "user"]))
            .filter(
                audit_log::before
                    .like(&names)
                    .or(audit_log::after.like(&names)),
            )
            .select(Entry::as_select())
            .load(conn)?,
    );
    let held = [
        (
            "objective",
            ids(objectives::list(conn, product)?.iter().map(|o| o.id.0)),
        ),
        (
            "commitment",
            ids(commitments::list(conn, product)?.iter().map(|c| c.0.0)),
        ),
        (
            "review",
            ids(reviews::list(conn, product)?.iter().map(|r| r.id.0)),
        ),
    ];
    for (entity, keys) in held {
        entries.extend(
            audit_log::table
                .filter(audit_log::entity.eq(entity))
                .filter(audit_log::entity_key.eq_any(keys))
                .select(Entry::as_select())
                .load(conn)?,
        );
    }
    entries.sort_by_key(|e| e.id);
    entries.dedup_by_key(|e| e.id);
    Ok(entries)
}

fn ids(ids: impl Iterator<Item = i64>) -> Vec<String> {
    ids.map(|id| id.to_string()).collect()
}
