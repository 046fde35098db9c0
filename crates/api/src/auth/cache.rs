//! Who is calling, remembered: each caller's identity and grants, read once and trusted while
//! the database's authorisation version has not moved.
//!
//! Every request still reads that version ([`pilote_store::repo::auth_version`]: one row by
//! primary key, no transaction), so a change made anywhere — this process, another replica on
//! the same PostgreSQL, the CLI — is seen by the very next request: a revoked token, a removed
//! role, a disabled account or an ended session stop working at once. What the cache saves is
//! the rest: the user, their session generation and their grants (a read transaction of three
//! queries), and for an API token the lookup and the write of its last use.
//!
//! A token's use is recorded when it is first seen and then at most once a minute
//! ([`TOKEN_RECORD_EVERY`]): `last_used_at` is precise to the minute, and a token's requests
//! do not each queue a write.
//!
//! Only successes are cached: an unknown or refused credential is looked up every time.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use actix_web::web;
use pilote_domain::Grant;
use pilote_store::{
    Database, DbConnection, ProductId, StoreError, StoreResult, TokenId, UserId,
    repo::{auth_version, tokens, users},
};

use crate::{auth::CurrentUser, db, error::ApiError};

/// How often a cached token's use is written down again.
pub const TOKEN_RECORD_EVERY: Duration = Duration::from_secs(60);

/// Past this many entries the cache starts again empty (a bound on memory, not an eviction
/// policy: the State's few thousand users fit many times over).
const MAX_ENTRIES: usize = 10_000;

/// The cache (app data, one per process, shared by every worker).
#[derive(Debug, Default)]
pub struct IdentityCache {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// The authorisation version every entry was read at.
    version: i64,
    /// By user and session generation (`None` for a token without one).
    users: HashMap<(UserId, Option<i64>), CurrentUser>,
    /// By the token's stored hash: the token and its product, and when its use was recorded.
    tokens: HashMap<String, (TokenId, ProductId, Instant)>,
}

impl Inner {
    /// Forgets everything read before `version`; false if `version` is older than the
    /// cache's (a read that raced a newer one: not to be cached).
    fn at(&mut self, version: i64) -> bool {
        if version > self.version || self.users.len() + self.tokens.len() >= MAX_ENTRIES {
            self.users.clear();
            self.tokens.clear();
            self.version = self.version.max(version);
        }
        version == self.version
    }
}

impl IdentityCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves at worst a stale map; the version check
        // still guards every use.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// An enabled user with their grants, as of now; `None` if the account is gone, disabled,
    /// or the session `generation` (when given) is not the user's current one.
    pub async fn user(
        &self,
        db: &web::Data<Database>,
        id: UserId,
        generation: Option<i64>,
    ) -> Result<Option<CurrentUser>, ApiError> {
        let version = db::query_row(db, auth_version::current).await?;
        if let Some(user) = self.cached_user(version, id, generation) {
            return Ok(Some(user));
        }
        let (version, user) = db::read(db, move |c| {
            Ok((auth_version::current(c)?, load_user(c, id, generation)?))
        })
        .await?;
        if let Some(user) = &user {
            let mut inner = self.lock();
            if inner.at(version) {
                inner.users.insert((id, generation), user.clone());
            }
        }
        Ok(user)
    }

    /// The cached user, with the authorisation version it was read at, without reading the
    /// current one: the caller must check that version inside its own transaction before it
    /// acts on the identity ([`crate::auth::Provisional`]), and ask [`Self::user`] if it has
    /// moved. `None` when nothing is cached.
    pub fn provisional_user(
        &self,
        id: UserId,
        generation: Option<i64>,
    ) -> Option<(CurrentUser, i64)> {
        let inner = self.lock();
        let user = inner.users.get(&(id, generation))?.clone();
        Some((user, inner.version))
    }

    /// [`Self::provisional_user`] for an API token's secret; `None` as well when the token's
    /// use is due to be recorded again (that takes [`Self::token`]'s write).
    pub fn provisional_token(&self, secret: &str) -> Option<((TokenId, ProductId), i64)> {
        let key = tokens::stored_hash(secret);
        let inner = self.lock();
        match inner.tokens.get(&key) {
            Some(&(token, product, recorded)) if recorded.elapsed() < TOKEN_RECORD_EVERY => {
                Some(((token, product), inner.version))
            }
            _ => None,
        }
    }

    fn cached_user(
        &self,
        version: i64,
        id: UserId,
        generation: Option<i64>,
    ) -> Option<CurrentUser> {
        let mut inner = self.lock();
        if !inner.at(version) {
            return None;
        }
        inner.users.get(&(id, generation)).cloned()
    }

    /// The token a secret is, and its product, if it is valid and not revoked.
    pub async fn token(
        &self,
        db: &web::Data<Database>,
        secret: String,
    ) -> Result<Option<(TokenId, ProductId)>, ApiError> {
        let key = tokens::stored_hash(&secret);
        let version = db::query_row(db, auth_version::current).await?;
        if let Some(found) = self.cached_token(version, &key) {
            return Ok(Some(found));
        }
        // Recording the use is a write: the version is read in the same transaction.
        let (version, found) = db::write(db, move |c| {
            Ok((auth_version::current(c)?, tokens::authenticate(c, &secret)?))
        })
        .await?;
        if let Some((token, product)) = found {
            let mut inner = self.lock();
            if inner.at(version) {
                inner.tokens.insert(key, (token, product, Instant::now()));
            }
        }
        Ok(found)
    }

    fn cached_token(&self, version: i64, key: &str) -> Option<(TokenId, ProductId)> {
        let mut inner = self.lock();
        if !inner.at(version) {
            return None;
        }
        match inner.tokens.get(key) {
            Some(&(token, product, recorded)) if recorded.elapsed() < TOKEN_RECORD_EVERY => {
                Some((token, product))
            }
            _ => None,
        }
    }
}

/// The user, their session generation and their grants, in the caller's read transaction.
fn load_user(
    c: &mut DbConnection,
    id: UserId,
    generation: Option<i64>,
) -> StoreResult<Option<CurrentUser>> {
    let user = match users::get(c, id) {
        Ok(user) => user,
        Err(StoreError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    // A session cookie's token (wherever it is sent: cookie or Bearer) dies with its
    // session: after a logout or a new password, the generation has moved on.
    if user.disabled {
        return Ok(None);
    }
    if let Some(generation) = generation
        && users::session_generation(c, id)? != generation
    {
        return Ok(None);
    }
    let grants: Vec<Grant> = users::grants(c, id)?;
    Ok(Some(CurrentUser {
        id: user.id,
        email: user.email,
        name: user.name,
        grants,
    }))
}
