//! Fresh, migrated databases for tests, on both backends (feature `test-support`).
//!
//! SQLite: a file in a temporary directory. PostgreSQL: a schema of its own on the server at
//! `PILOTE_TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`), dropped
//! with the value, so tests run in parallel without seeing each other.

use std::sync::atomic::{AtomicU32, Ordering};

use diesel::connection::SimpleConnection;

use crate::{
    Backend, Database, PoolOptions,
    connection::{DatabaseUrl, PooledDbConnection},
};

/// The PostgreSQL server the tests use; `PILOTE_TEST_DATABASE_URL` overrides it.
pub fn postgres_url() -> String {
    std::env::var("PILOTE_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A migrated database of its own, removed when dropped.
pub struct TestDb {
    pub db: Database,
    url: String,
    _dir: Option<tempfile::TempDir>,
    schema: Option<String>,
}

impl TestDb {
    /// A new SQLite file in a temporary directory.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("pilote.db").display());
        let db = Database::open(&url, &PoolOptions::default()).expect("sqlite pool");
        db.migrate().expect("sqlite migrations");
        TestDb {
            db,
            url,
            _dir: Some(dir),
            schema: None,
        }
    }

    /// A new schema on the test PostgreSQL server. Panics, loudly, if the server is down: a
    /// PostgreSQL test must never pass by skipping.
    pub fn postgres() -> TestDb {
        let test = TestDb::postgres_unmigrated();
        test.db.migrate().expect("postgres migrations");
        test
    }

    /// A new, empty schema on the test PostgreSQL server, not migrated: for tests of the
    /// migrations themselves.
    pub fn postgres_unmigrated() -> TestDb {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let schema = format!(
            "pilote_test_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let base = postgres_url();
        let mut admin = DatabaseUrl::parse(&base)
            .expect("PILOTE_TEST_DATABASE_URL")
            .establish()
            .unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL is required for the store tests and is not reachable at {base}: {e}"
                )
            });
        admin
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
            ))
            .expect("create test schema");
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-csearch_path%3D{schema}");
        let db = Database::open(&url, &PoolOptions::default()).expect("postgres pool");
        TestDb {
            db,
            url,
            _dir: None,
            schema: Some(schema),
        }
    }

    /// A fresh database of the given backend.
    pub fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => TestDb::sqlite(),
            Backend::Postgres => TestDb::postgres(),
        }
    }

    /// The URL a separate process (the `pilote` binary) can use to reach this database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A pooled connection.
    pub fn conn(&self) -> PooledDbConnection {
        self.db.get().expect("connection")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(schema) = &self.schema
            && let Ok(mut admin) = DatabaseUrl::parse(&postgres_url()).and_then(|u| u.establish())
        {
            // Best effort: a schema left behind only costs disk, never a wrong result.
            let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        }
    }
}
