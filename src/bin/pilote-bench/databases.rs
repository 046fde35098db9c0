//! Fresh, migrated databases for one measurement each: a SQLite file in the work directory, or
//! a PostgreSQL schema of its own (dropped afterwards), so that runs never see each other.

use std::path::{Path, PathBuf};

use anyhow::Context;
use diesel::connection::SimpleConnection;
use pilote_store::{Backend, Database, DatabaseUrl, PoolOptions};

/// A database the bench created and removes.
pub struct BenchDb {
    /// The URL the server process is given.
    pub url: String,
    pub db: Database,
    file: Option<PathBuf>,
    schema: Option<(String, String)>,
}

impl BenchDb {
    /// A new database named `name` on `backend`.
    pub fn create(
        backend: Backend,
        name: &str,
        workdir: &Path,
        postgres_url: &str,
    ) -> anyhow::Result<BenchDb> {
        let (url, file, schema) = match backend {
            Backend::Sqlite => {
                let path = workdir.join(format!("{name}.db"));
                remove_sqlite(&path);
                (format!("sqlite://{}", path.display()), Some(path), None)
            }
            Backend::Postgres => {
                let schema = format!("pilote_bench_{}_{name}", std::process::id());
                let mut admin = DatabaseUrl::parse(postgres_url)?
                    .establish()
                    .with_context(|| format!("PostgreSQL is not reachable at {postgres_url}"))?;
                admin.batch_execute(&format!(
                    "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
                ))?;
                let separator = if postgres_url.contains('?') { '&' } else { '?' };
                let url = format!("{postgres_url}{separator}options=-csearch_path%3D{schema}");
                (url, None, Some((schema, postgres_url.to_owned())))
            }
        };
        let db = Database::open(&url, &PoolOptions::default())?;
        db.migrate().context("cannot migrate the bench database")?;
        Ok(BenchDb {
            url,
            db,
            file,
            schema,
        })
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        // For profiling a query against the bench's portfolio afterwards.
        if std::env::var_os("PILOTE_BENCH_KEEP").is_some() {
            eprintln!("kept: {}", self.url);
            return;
        }
        if let Some(path) = &self.file {
            remove_sqlite(path);
        }
        if let Some((schema, base)) = &self.schema
            && let Ok(mut admin) = DatabaseUrl::parse(base).and_then(|u| u.establish())
        {
            // Best effort: a schema left behind only costs disk.
            let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        }
    }
}

/// Removes a SQLite file and its WAL companions.
fn remove_sqlite(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}
