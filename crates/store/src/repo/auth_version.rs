//! The authorisation version: a counter that moves on every change to who may do what.
//!
//! Triggers (migration `2026-12-06-140001_auth_version`) move it whenever a user is changed
//! or removed (name, e-mail, password, session generation, disabled), a role is granted,
//! changed or revoked, a token is revoked or removed, or a product or incubator changes its
//! slug or is removed (grants name them by slug). Whoever writes — the API, the pages, the CLI,
//! another replica — moves it, in the same transaction as the change. A server caches
//! identities and grants read at one version and trusts them only while [`current`] still
//! says that version: one single-row read per request instead of the user, their session and
//! their grants.

use diesel::prelude::*;

use crate::{connection::DbConnection, error::StoreResult, schema::auth_version};

/// The current version (one primary-key read).
pub fn current(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(auth_version::table
        .find(1)
        .select(auth_version::version)
        .first(conn)?)
}
