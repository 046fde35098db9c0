//! Running store calls from async handlers: diesel is synchronous, so every call goes to
//! actix's blocking thread pool with a pooled connection, inside a transaction.

use actix_web::web;
use pilote_store::{Actor, Database, DbConnection, StoreResult};

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

/// Runs `f` in a write transaction: all of it is committed, or none.
pub async fn write<T, F>(db: &web::Data<Database>, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> StoreResult<T> + Send + 'static,
{
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
