//! Identities from an OpenID Connect provider (ProConnect) linked to users: one account per
//! (issuer, subject), several identities per account allowed (another provider, a new one).

use diesel::prelude::*;

use crate::{
    clock,
    connection::DbConnection,
    error::StoreResult,
    ids::{Actor, UserId},
    repo::{audit, users},
    schema::user_identities,
};

/// The user this provider's subject is linked to, if any.
pub fn find(conn: &mut DbConnection, issuer: &str, subject: &str) -> StoreResult<Option<UserId>> {
    Ok(user_identities::table
        .filter(user_identities::issuer.eq(issuer))
        .filter(user_identities::subject.eq(subject))
        .select(user_identities::user_id)
        .first::<i64>(conn)
        .optional()?
        .map(UserId))
}

/// Links the provider's subject to `user`; `Conflict` when that subject is linked already.
pub fn link(
    conn: &mut DbConnection,
    issuer: &str,
    subject: &str,
    user: UserId,
    actor: Actor,
) -> StoreResult<()> {
    diesel::insert_into(user_identities::table)
        .values((
            user_identities::issuer.eq(issuer),
            user_identities::subject.eq(subject),
            user_identities::user_id.eq(user.0),
            user_identities::created_at.eq(clock::now()),
        ))
        .execute(conn)?;
    let email = users::get(conn, user)?.email;
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: "user.identity.link",
            entity: "user",
            entity_key: email.to_string(),
            before: None,
            after: Some(serde_json::json!({ "issuer": issuer, "subject": subject }).to_string()),
        },
    )
}
