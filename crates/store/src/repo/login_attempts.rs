//! Login attempts, for rate limiting. Kept in the database rather than in memory so that the
//! limits hold across replicas and restarts. The policy (how many, over how long) is the
//! caller's: this module only records and counts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{clock, connection::DbConnection, error::StoreResult, schema::login_attempts};

/// The longest email or address stored: anything longer is cut, so that a caller cannot fill
/// the table with megabyte-long keys.
const MAX_KEY_LENGTH: usize = 320;

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

/// Records one attempt at the current time.
pub fn record(conn: &mut DbConnection, email: &str, ip: &str, succeeded: bool) -> StoreResult<()> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::email.eq(bounded(email)),
            login_attempts::ip.eq(bounded(ip)),
            login_attempts::attempted_at.eq(clock::now()),
            login_attempts::succeeded.eq(succeeded),
        ))
        .execute(conn)?;
    Ok(())
}

/// The times of the most recent failed attempts for `key` after `since`, newest first, at most
/// `limit` of them: enough for the caller to tell whether a limit is reached and when the
/// oldest attempt that counts will expire.
pub fn recent_failures(
    conn: &mut DbConnection,
    key: Key<'_>,
    since: NaiveDateTime,
    limit: i64,
) -> StoreResult<Vec<NaiveDateTime>> {
    let mut query = login_attempts::table
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
