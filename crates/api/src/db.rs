//! Running store calls from async handlers: diesel is synchronous, so every call that does
//! I/O on its thread goes to actix's blocking thread pool with a pooled connection, inside a
//! transaction. SQLite's writes run on the store's writer thread and are awaited without a
//! thread of the blocking pool, which would only wait.

use actix_web::web;
use pilote_store::{Actor, Backend, Database, DbConnection, StoreError, StoreResult, WriteReply};

use crate::{access, auth::Principal, error::ApiError};

/// Runs `f` in a read transaction (one consistent snapshot).
pub async fn read<T, F>(db: &web::Data<Database>, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> StoreResult<T> + Send + 'static,
{
    let db = db.clone();
    Ok(web::block(move || db.read(f)).await??)
}

/// Runs `f` on a pooled connection without a transaction: one statement.
pub async fn query<T, F>(db: &web::Data<Database>, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> StoreResult<T> + Send + 'static,
{
    let db = db.clone();
    Ok(web::block(move || db.query(f)).await??)
}

/// [`query`] for a read of one row by its key, which every request makes (the authorisation
/// version): on SQLite it runs at once on the calling thread when a pooled connection is idle.
/// There it is an in-process B-tree lookup of a few microseconds, where the hop to the blocking
/// pool and back cost the request thread and the pool's thread ten times that (issue 23's
/// profile); a slow read cannot hide here, since the statement is one page or two.
pub async fn query_row<T, F>(db: &web::Data<Database>, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> StoreResult<T> + Send + 'static,
{
    match db.query_if_idle(f) {
        Ok(result) => Ok(result?),
        Err(f) => query(db, f).await,
    }
}

/// Runs `f` in a write transaction: all of it is committed, or none.
pub async fn write<T, F>(db: &web::Data<Database>, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> StoreResult<T> + Send + 'static,
{
    if db.backend() == Backend::Sqlite {
        let (tx, rx) = tokio::sync::oneshot::channel();
        db.queue_write(f, move |reply| {
            // The handler may be gone (its client hung up): the write stands all the same.
            let _ = tx.send(reply);
        })?;
        return match rx.await {
            Ok(WriteReply::Done(result)) => Ok(result?),
            Ok(WriteReply::Panicked(_)) => Err(ApiError::Internal("a write panicked".into())),
            Err(_) => Err(StoreError::Unavailable(
                "the SQLite writer stopped before answering".to_owned(),
            )
            .into()),
        };
    }
    let db = db.clone();
    Ok(web::block(move || db.write(f)).await??)
}

/// Runs `f` in a write transaction on behalf of `principal`: `f` gets the actor the store
/// records, and audits, the change under.
pub async fn write_as<T, F>(
    db: &web::Data<Database>,
    principal: &Principal,
    f: F,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, Actor) -> StoreResult<T> + Send + 'static,
{
    let actor = access::actor(principal);
    write(db, move |c| f(c, actor)).await
}
