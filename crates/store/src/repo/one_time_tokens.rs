//! One-time links sent by e-mail: invitations (7 days) and password resets (1 hour). Only the
//! SHA-256 of a link's secret is stored (the caller hashes it), so that a copy of the
//! database opens no account. A token serves its one purpose, once, before it expires; using
//! one retires the user's other unused tokens of the same purpose, so that an older link sent
//! to the same address cannot be used afterwards.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    clock,
    connection::DbConnection,
    error::StoreResult,
    ids::{Actor, UserId},
    repo::{audit, users},
    schema::one_time_tokens as t,
};

/// What a token is for: a token of one purpose never serves the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Activate an invited account (set a password, or link a ProConnect identity).
    Invitation,
    /// Choose a new password.
    PasswordReset,
}

impl Purpose {
    /// The value stored in `one_time_tokens.purpose`.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::PasswordReset => "password_reset",
        }
    }
}

/// Why a token opens nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unusable {
    /// No token of this purpose has this hash.
    Unknown,
    /// Used already (or retired by the use of a newer one).
    Used,
    /// Past its expiry.
    Expired,
}

/// Stores a new token for `user`, expiring at `expires_at`, and writes it in the audit log.
pub fn insert(
    conn: &mut DbConnection,
    purpose: Purpose,
    token_hash: &str,
    user: UserId,
    expires_at: NaiveDateTime,
    actor: Actor,
) -> StoreResult<()> {
    diesel::insert_into(t::table)
        .values((
            t::purpose.eq(purpose.as_str()),
            t::token_hash.eq(token_hash),
            t::user_id.eq(user.0),
            t::created_by.eq(actor.user_id()),
            t::created_at.eq(clock::now()),
            t::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    let email = users::get(conn, user)?.email;
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: match purpose {
                Purpose::Invitation => "user.invite",
                Purpose::PasswordReset => "user.password_reset.request",
            },
            entity: "user",
            entity_key: email.to_string(),
            before: None,
            // Never the hash: only until when the link serves.
            after: Some(serde_json::json!({ "expires_at": expires_at.to_string() }).to_string()),
        },
    )
}

/// The user of the token with this hash, if it may still be used at `now` (nothing changes).
pub fn find(
    conn: &mut DbConnection,
    purpose: Purpose,
    token_hash: &str,
    now: NaiveDateTime,
) -> StoreResult<Result<UserId, Unusable>> {
    let row: Option<(i64, NaiveDateTime, Option<NaiveDateTime>)> = t::table
        .filter(t::purpose.eq(purpose.as_str()))
        .filter(t::token_hash.eq(token_hash))
        .select((t::user_id, t::expires_at, t::used_at))
        .first(conn)
        .optional()?;
    Ok(match row {
        None => Err(Unusable::Unknown),
        Some((_, _, Some(_))) => Err(Unusable::Used),
        Some((_, expires_at, None)) if expires_at <= now => Err(Unusable::Expired),
        Some((user, _, None)) => Ok(UserId(user)),
    })
}

/// Uses the token at `now`, in the caller's transaction: its user, or why it opens nothing.
/// The update's own condition is the check, so two concurrent uses cannot both succeed. The
/// user's other unused tokens of this purpose are retired with it.
pub fn consume(
    conn: &mut DbConnection,
    purpose: Purpose,
    token_hash: &str,
    now: NaiveDateTime,
) -> StoreResult<Result<UserId, Unusable>> {
    let used: Option<i64> = diesel::update(
        t::table
            .filter(t::purpose.eq(purpose.as_str()))
            .filter(t::token_hash.eq(token_hash))
            .filter(t::used_at.is_null())
            .filter(t::expires_at.gt(now)),
    )
    .set(t::used_at.eq(now))
    .returning(t::user_id)
    .get_result(conn)
    .optional()?;
    let Some(user) = used else {
        return find(conn, purpose, token_hash, now);
    };
    diesel::update(
        t::table
            .filter(t::purpose.eq(purpose.as_str()))
            .filter(t::user_id.eq(user))
            .filter(t::used_at.is_null()),
    )
    .set(t::used_at.eq(now))
    .execute(conn)?;
    Ok(Ok(UserId(user)))
}
