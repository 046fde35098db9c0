//! Each product's matrix version: a counter that moves whenever something its « matrice
//! d'impact » is computed from changes, so that a server may keep computed matrices and
//! recompute only the products whose version moved (issue 23, docs/benchmarks.md).
//!
//! Triggers (migration `2026-12-07-140002_matrix_versions`) move it when the product's
//! indicators or spend change; [`crate::repo::aggregates`] moves it with the monthly figures,
//! in the transaction of every write of measures (a trigger on `measures` would fire once per
//! row of a batch). A product without a row is at version 0; versions only grow.

use std::collections::{BTreeSet, HashMap};

use diesel::prelude::*;

use crate::{
    connection::DbConnection, error::StoreResult, ids::ProductId, schema::matrix_versions,
    sqlite_statements::BumpMatrixVersion, with_backend,
};

/// Every product's version (the products without a row are at 0): one read of a small table.
pub fn all(conn: &mut DbConnection) -> StoreResult<HashMap<ProductId, i64>> {
    Ok(matrix_versions::table
        .select((matrix_versions::product_id, matrix_versions::version))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .map(|(product, version)| (ProductId(product), version))
        .collect())
}

/// Moves the version of the products these indicators belong to: one statement, the write
/// path's only extra round trip.
pub fn bump_for_indicators(conn: &mut DbConnection, ids: &BTreeSet<i64>) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    // One indicator on SQLite (a single-value post, the common case): a statement of one
    // text, which SQLite keeps prepared; parsing a new one on every post showed in the
    // writer thread's profile.
    if let (DbConnection::Sqlite(sqlite), [id]) = (&mut *conn, &ids.iter().collect::<Vec<_>>()[..])
    {
        BumpMatrixVersion { indicator_id: **id }.execute(sqlite)?;
        return Ok(());
    }
    // Integers written out: nothing to escape, and one statement whatever their number.
    let list = ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    bump_owners_of(
        conn,
        &format!("indicators WHERE id IN ({list})"),
        "product_id",
    )
}

/// Moves every product's version: after the derived data was rebuilt.
pub fn bump_all(conn: &mut DbConnection) -> StoreResult<()> {
    // `WHERE true`: SQLite would read `ON CONFLICT` after a bare `FROM products` as a join.
    bump_owners_of(conn, "products WHERE true", "id")
}

/// An upsert, as the triggers do (a trigger of another transaction may create a row at the
/// same moment), of the products `column` names in `from`.
fn bump_owners_of(conn: &mut DbConnection, from: &str, column: &str) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO matrix_versions (product_id, version) \
         SELECT DISTINCT {column}, 1 FROM {from} \
         ON CONFLICT (product_id) DO UPDATE SET version = matrix_versions.version + 1"
    );
    with_backend!(conn, |c| diesel::sql_query(&sql).execute(c))?;
    Ok(())
}
