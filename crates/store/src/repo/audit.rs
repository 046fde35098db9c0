//! The append-only audit log: who, when, what, before and after. The database refuses updates
//! and deletes on it (triggers in both migrations).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{clock, connection::DbConnection, error::StoreResult, ids::Actor, schema::audit_log};

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
