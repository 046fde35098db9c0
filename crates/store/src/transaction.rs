//! Transactions as the calling service opens them. Repository functions never commit.

use diesel::{
    Connection, QueryResult, SqliteConnection,
    connection::{AnsiTransactionManager, TransactionManager},
    prelude::*,
};

use crate::{
    connection::DbConnection,
    error::{NotFoundExt, StoreResult},
    ids::ProductId,
    schema::products,
};

/// Runs `f` in a transaction meant to write: committed if `f` returns `Ok`, rolled back otherwise.
///
/// On SQLite it begins with `BEGIN IMMEDIATE`, taking the write lock up front: a deferred
/// transaction that reads and then writes fails at once with `SQLITE_BUSY` when another writer
/// got there first, whatever the busy timeout, whereas an immediate one waits its turn.
pub fn write<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> StoreResult<T>,
) -> StoreResult<T> {
    let DbConnection::Sqlite(inner) = conn else {
        return conn.transaction(f);
    };
    // Nested calls become savepoints, as diesel's own `transaction` would make them.
    if AnsiTransactionManager::transaction_manager_status_mut(inner)
        .transaction_depth()?
        .is_some()
    {
        return conn.transaction(f);
    }
    begin_immediate(inner)?;
    let result = f(conn);
    let DbConnection::Sqlite(inner) = conn else {
        // `f` cannot change which backend the connection is.
        return result;
    };
    match result {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(inner)?;
            Ok(value)
        }
        Err(error) => {
            if let Err(rollback) = AnsiTransactionManager::rollback_transaction(inner) {
                log::error!("rollback failed after {error}: {rollback}");
            }
            Err(error)
        }
    }
}

/// Begins a SQLite transaction that takes the write lock up front (see [`write`]); SQLite's
/// writer thread begins its groups so too.
pub(crate) fn begin_immediate(conn: &mut SqliteConnection) -> QueryResult<()> {
    AnsiTransactionManager::begin_transaction_sql(conn, "BEGIN IMMEDIATE")
}

/// Runs `f` in a read-only transaction, so that every query sees one snapshot.
pub fn read<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> StoreResult<T>,
) -> StoreResult<T> {
    conn.transaction(f)
}

/// Serialises writers of one product until the caller's transaction ends: measures, decisions
/// and description changes read, decide, then write, and two of them interleaving would lose
/// a replaced value or corrupt the phase history. On PostgreSQL this locks the product's row
/// (`SELECT ... FOR UPDATE`); SQLite writers are serialised already by [`write`]'s
/// `BEGIN IMMEDIATE`.
pub fn lock_product(conn: &mut DbConnection, product: ProductId) -> StoreResult<()> {
    if let DbConnection::Pg(pg) = conn {
        products::table
            .find(product.0)
            .select(products::id)
            .for_update()
            .first::<i64>(pg)?;
    }
    Ok(())
}

/// [`lock_product`], reading the product's slug on the way: one statement on both backends.
pub fn lock_product_slug(conn: &mut DbConnection, product: ProductId) -> StoreResult<String> {
    let query = products::table.find(product.0).select(products::slug);
    match conn {
        DbConnection::Pg(pg) => query.for_update().first::<String>(pg),
        DbConnection::Sqlite(lite) => query.first::<String>(lite),
    }
    .not_found("product")
}

/// [`lock_product`] by slug, reading the product's id and its incubator's slug on the way:
/// one statement on both backends. On PostgreSQL only the product's row is locked
/// (`FOR UPDATE OF products`), not its incubator's, which every product of the incubator
/// shares. NotFound ("product") for an unknown slug.
pub fn lock_product_by_slug(
    conn: &mut DbConnection,
    slug: &str,
) -> StoreResult<(ProductId, String)> {
    use diesel::sql_types::{BigInt, Text};

    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        incubator: String,
    }
    let found = match conn {
        DbConnection::Pg(pg) => diesel::sql_query(
            "SELECT p.id, i.slug AS incubator FROM products p \
             JOIN incubators i ON i.id = p.incubator_id \
             WHERE p.slug = $1 FOR UPDATE OF p",
        )
        .bind::<Text, _>(slug)
        .get_result::<Found>(pg),
        DbConnection::Sqlite(lite) => products::table
            .inner_join(crate::schema::incubators::table)
            .filter(products::slug.eq(slug))
            .select((products::id, crate::schema::incubators::slug))
            .first::<(i64, String)>(lite)
            .map(|(id, incubator)| Found { id, incubator }),
    }
    .not_found("product")?;
    Ok((ProductId(found.id), found.incubator))
}

/// Runs `f` as [`write`] would, then rolls everything back: what `f` would have done, with
/// nothing written (`--dry-run`).
pub fn dry_run<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> StoreResult<T>,
) -> StoreResult<T> {
    let mut outcome = None;
    let rolled_back = write(conn, |c| {
        outcome = Some(f(c)?);
        // An error is the only way to make `write` roll back.
        Err::<(), _>(crate::StoreError::Conflict("dry run".to_owned()))
    });
    match (outcome, rolled_back) {
        (Some(value), Err(_)) => Ok(value),
        (None, Err(error)) => Err(error),
        (_, Ok(())) => Err(crate::StoreError::Conflict(
            "dry run was committed".to_owned(),
        )),
    }
}
