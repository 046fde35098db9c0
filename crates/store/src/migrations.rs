//! The embedded migrations of both backends, run at start-up and by `pilote migrate`.

use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::{
    connection::{Database, DbConnection},
    error::{StoreError, StoreResult},
    repo::aggregates,
    transaction,
};

const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Arbitrary constant naming Pilote's migration lock on PostgreSQL.
const MIGRATION_LOCK: i64 = 0x5049_4C4F_5445;

/// The migration that adds `measure_months`: derived data that `run_pending` fills from the
/// measures, in Rust, once applied (`repo::aggregates::rebuild`).
const MEASURE_MONTHS: &str = "20261206150001";

/// Applies every pending migration and returns the versions applied; fills the derived tables
/// a migration just created.
///
/// On PostgreSQL a session advisory lock serialises replicas that start at the same time: the
/// second waits, then finds nothing left to do.
pub fn run_pending(conn: &mut DbConnection) -> StoreResult<Vec<String>> {
    let applied = apply(conn)?;
    if applied.iter().any(|v| v == MEASURE_MONTHS) {
        transaction::write(conn, aggregates::rebuild)?;
    }
    Ok(applied)
}

fn apply(conn: &mut DbConnection) -> StoreResult<Vec<String>> {
    match conn {
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE)
            .map(|v| v.iter().map(ToString::to_string).collect())
            .map_err(|e| StoreError::Migration(e.to_string())),
        DbConnection::Pg(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
            let result = c
                .run_pending_migrations(POSTGRES)
                .map(|v| v.iter().map(ToString::to_string).collect())
                .map_err(|e| StoreError::Migration(e.to_string()));
            c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
            result
        }
    }
}

impl Database {
    /// Applies every pending migration on one pooled connection.
    pub fn migrate(&self) -> StoreResult<Vec<String>> {
        let mut conn = self.get()?;
        run_pending(&mut conn)
    }

    /// Recomputes the derived tables (`measure_latest`, `measure_months`) from `measures`, in
    /// one write transaction: after rows were written around the store, or to check them.
    pub fn rebuild_derived(&self) -> StoreResult<()> {
        let mut conn = self.get()?;
        transaction::write(&mut conn, |c| {
            crate::repo::latest::rebuild(c)?;
            aggregates::rebuild(c)
        })
    }
}
