//! Login attempts and password-reset requests, for rate limiting. Kept in the database rather
//! than in memory so that the limits hold across replicas and restarts. The policy (how many,
//! over how long) is the caller's: this module only records and counts, each [`Kind`] apart.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{clock, connection::DbConnection, error::StoreResult, schema::login_attempts};

/// The longest email or address stored: anything longer is cut, so that a caller cannot fill
/// the table with megabyte-long keys.
const MAX_KEY_LENGTH: usize = 320;

/// What is counted: sign-ins, or requests for a password-reset link. Each has its own budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Login,
    PasswordReset,
    /// Applications to a public campaign (issue 24), counted per address.
    Application,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Login => "login",
            Kind::PasswordReset => "password_reset",
            Kind::Application => "application",
        }
    }
}

/// What failed attempts are counted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key<'a> {
    /// The email submitted (whether or not a user has it).
    Email(&'a str),
    /// The client's address.
    Ip(&'a str),
}

fn bounded(text: &str) -> &str {
    match text.char_indices().nth(MAX_KEY_LENGTH) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// Records one attempt of `kind` at the current time.
pub fn record(
    conn: &mut DbConnection,
    kind: Kind,
    email: &str,
    ip: &str,
    succeeded: bool,
) -> StoreResult<i64> {
    Ok(diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::kind.eq(kind.as_str()),
            login_attempts::email.eq(bounded(email)),
            login_attempts::ip.eq(bounded(ip)),
            login_attempts::attempted_at.eq(clock::now()),
            login_attempts::succeeded.eq(succeeded),
        ))
        .returning(login_attempts::id)
        .get_result(conn)?)
}

/// Marks a recorded attempt as successful (it was recorded as a failure before the password
/// was checked, so that concurrent attempts count it).
pub fn mark_succeeded(conn: &mut DbConnection, id: i64) -> StoreResult<()> {
    diesel::update(login_attempts::table.find(id))
        .set(login_attempts::succeeded.eq(true))
        .execute(conn)?;
    Ok(())
}

/// Serialises attempts on one email and one address until the caller's transaction ends, so
/// that concurrent attempts cannot all pass the count before any is recorded. SQLite writers
/// are serialised already (`BEGIN IMMEDIATE`); PostgreSQL takes two advisory locks, always in
/// the same order (email, then address), so two attempts cannot wait on each other.
pub fn lock(conn: &mut DbConnection, email: &str, ip: &str) -> StoreResult<()> {
    if let DbConnection::Pg(pg) = conn {
        for key in [format!("login-email:{email}"), format!("login-ip:{ip}")] {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind::<diesel::sql_types::Text, _>(key)
                .execute(pg)?;
        }
    }
    Ok(())
}

/// The times of the most recent failed attempts of `kind` for `key` after `since`, newest
/// first, at most `limit` of them: enough for the caller to tell whether a limit is reached
/// and when the oldest attempt that counts will expire.
pub fn recent_failures(
    conn: &mut DbConnection,
    kind: Kind,
    key: Key<'_>,
    since: NaiveDateTime,
    limit: i64,
) -> StoreResult<Vec<NaiveDateTime>> {
    let mut query = login_attempts::table
        .filter(login_attempts::kind.eq(kind.as_str()))
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::attempted_at.gt(since))
        .select(login_attempts::attempted_at)
        .order(login_attempts::attempted_at.desc())
        .limit(limit)
        .into_boxed();
    query = match key {
        Key::Email(email) => query.filter(login_attempts::email.eq(bounded(email))),
        Key::Ip(ip) => query.filter(login_attempts::ip.eq(bounded(ip))),
    };
    Ok(query.load(conn)?)
}

/// Deletes the attempts older than `before`, which no limit looks at any more; returns how many.
pub fn purge_before(conn: &mut DbConnection, before: NaiveDateTime) -> StoreResult<usize> {
    Ok(
        diesel::delete(login_attempts::table.filter(login_attempts::attempted_at.lt(before)))
            .execute(conn)?,
    )
}
