//! Checking a login: rate limits first, then the password, then the record of the attempt.
//!
//! Limits live in the database (`login_attempts`), so they hold across replicas: more than
//! [`MAX_FAILURES_PER_EMAIL`] failures for one email, or [`MAX_FAILURES_PER_IP`] from one
//! address, within [`WINDOW`] refuse further attempts until the oldest counted failure ages out.
//! Counting and recording happen in one transaction under a per-email and per-address lock, so
//! concurrent attempts, on one replica or several, cannot slip past the limit together.

use std::sync::LazyLock;

use chrono::{NaiveDateTime, TimeDelta};
use pilote_domain::Email;
use pilote_store::{
    Database, StoreError, StoreResult, clock,
    repo::{
        login_attempts::{self, Key, Kind},
        users::{self, User},
    },
};

use crate::auth::password;

/// Failed attempts allowed per email within [`WINDOW`]; the next one is refused.
pub const MAX_FAILURES_PER_EMAIL: i64 = 5;
/// Failed attempts allowed per client address within [`WINDOW`]; the next one is refused.
pub const MAX_FAILURES_PER_IP: i64 = 20;
/// How far back failures count.
pub const WINDOW: TimeDelta = TimeDelta::minutes(15);
/// How long attempts are kept: well past the window, for whoever investigates an attack.
const KEEP: TimeDelta = TimeDelta::days(7);
/// One attempt in this many purges the attempts older than [`KEEP`].
const PURGE_EVERY: i64 = 100;

/// An argon2 hash of nothing anyone knows, checked when the email is unknown so that such a
/// login costs the same time as a wrong password and timing does not reveal who has an account.
static DUMMY_HASH: LazyLock<Option<String>> = LazyLock::new(|| {
    password::hash("pilote-dummy-password-for-unknown-emails")
        .map_err(|e| log::error!("cannot build the dummy password hash: {e}"))
        .ok()
});

/// Computes the dummy hash now rather than on the first unknown email, whose answer would
/// otherwise be slower than the others.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

/// How a login attempt ended.
#[derive(Debug)]
pub enum Outcome {
    /// The password matches an enabled user.
    Accepted(User),
    /// Unknown email, wrong password or disabled user: deliberately not told apart.
    Rejected,
    /// Too many recent failures: retry after this many seconds.
    Limited { retry_after_secs: u64 },
}

/// The key failures are counted under: the email as typed, trimmed and lower-cased, so that
/// `A@x.fr` and `a@x.fr ` share one budget.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// How many attempts of one kind are allowed, per e-mail and per client, within a window.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub kind: Kind,
    pub per_email: i64,
    pub per_ip: i64,
    pub window: TimeDelta,
}

/// Sign-ins: failures only count (a success is marked as such).
pub const LOGIN: Limits = Limits {
    kind: Kind::Login,
    per_email: MAX_FAILURES_PER_EMAIL,
    per_ip: MAX_FAILURES_PER_IP,
    window: WINDOW,
};

/// Requests for a password-reset link: every request counts, whether the address has an
/// account or not (the answer must not tell). Three links an hour are plenty for one person;
/// twenty addresses an hour from one client is more than an office behind one address needs.
pub const PASSWORD_RESET: Limits = Limits {
    kind: Kind::PasswordReset,
    per_email: 3,
    per_ip: 20,
    window: TimeDelta::hours(1),
};

/// Applications to a campaign (issue 24): every submission counts, under the intrapreneur's
/// e-mail and the client's address. Three an hour for one person, ten from one address (an
/// office behind one address, a team applying with several projects).
pub const APPLICATION: Limits = Limits {
    kind: Kind::Application,
    per_email: 3,
    per_ip: 10,
    window: TimeDelta::hours(1),
};

/// When the attempts counted under `key` may resume, if a limit is reached.
fn blocked_until(
    conn: &mut pilote_store::DbConnection,
    limits: &Limits,
    key: Key<'_>,
    limit: i64,
    now: NaiveDateTime,
) -> StoreResult<Option<NaiveDateTime>> {
    let failures =
        login_attempts::recent_failures(conn, limits.kind, key, now - limits.window, limit)?;
    // Newest first: once `limit` failures are in the window, the oldest of them (the last)
    // must age out before one more attempt is allowed.
    let nth = usize::try_from(limit - 1).unwrap_or(usize::MAX);
    Ok(failures
        .get(nth)
        .map(|oldest_counted| *oldest_counted + limits.window))
}

/// In the caller's write transaction: counts the attempts of `limits.kind` under the e-mail
/// `key` and the client `ip` (under a per-email and per-address lock) and, below both limits,
/// records this one as a failure. The attempt's id, or the seconds to wait.
pub fn admit(
    c: &mut pilote_store::DbConnection,
    limits: &Limits,
    key: &str,
    ip: &str,
    now: NaiveDateTime,
) -> StoreResult<Result<i64, u64>> {
    login_attempts::lock(c, key, ip)?;
    let until = [
        blocked_until(c, limits, Key::Email(key), limits.per_email, now)?,
        blocked_until(c, limits, Key::Ip(ip), limits.per_ip, now)?,
    ]
    .into_iter()
    .flatten()
    .max();
    if let Some(until) = until {
        let secs = (until - now).num_seconds().max(1);
        return Ok(Err(u64::try_from(secs).unwrap_or(1)));
    }
    let attempt = login_attempts::record(c, limits.kind, key, ip, false)?;
    // Attempts older than the window count for nothing: every hundredth attempt clears
    // them, so the table stays small without a background job.
    if attempt % PURGE_EVERY == 0 {
        login_attempts::purge_before(c, now - KEEP)?;
    }
    Ok(Ok(attempt))
}

/// The enabled or disabled user with the e-mail typed, if any.
pub fn user_of(c: &mut pilote_store::DbConnection, key: &str) -> StoreResult<Option<User>> {
    let Ok(email) = Email::parse(key) else {
        return Ok(None);
    };
    match users::find_by_email(c, &email) {
        Ok(user) => Ok(Some(user)),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Runs a whole login attempt. Blocking (database and argon2): call it from `web::block`.
///
/// The attempt is recorded as a failure *before* the password is checked, in the same
/// transaction as the count (under a per-email and per-address lock), so that concurrent
/// attempts see each other; a match then marks it successful.
pub fn attempt(db: &Database, email: &str, password: &str, ip: &str) -> StoreResult<Outcome> {
    let key = email_key(email);
    let now = clock::now();
    let admitted = {
        // The write ends before the slow password check.
        let (key, ip) = (key.clone(), ip.to_owned());
        db.write(move |c| {
            Ok(match admit(c, &LOGIN, &key, &ip, now)? {
                Ok(attempt) => Ok((attempt, user_of(c, &key)?)),
                Err(wait) => Err(wait),
            })
        })?
    };
    let (attempt, user) = match admitted {
        Ok(admitted) => admitted,
        Err(retry_after_secs) => return Ok(Outcome::Limited { retry_after_secs }),
    };
    // An account without a password (invited, or ProConnect only) is checked against the
    // dummy hash too, so that it answers like a wrong password, in the same time.
    let matches = match user.as_ref().and_then(|u| u.password_hash.as_deref()) {
        Some(hash) => password::verify(password, hash),
        None => {
            if let Some(dummy) = DUMMY_HASH.as_deref() {
                password::verify(password, dummy);
            }
            false
        }
    };
    match user.filter(|u| matches && !u.disabled) {
        Some(user) => {
            db.write(move |c| login_attempts::mark_succeeded(c, attempt))?;
            Ok(Outcome::Accepted(user))
        }
        None => Ok(Outcome::Rejected),
    }
}
