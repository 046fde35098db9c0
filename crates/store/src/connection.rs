//! Connections to either backend, chosen from the URL scheme, and the pool over them.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use diesel::{
    connection::SimpleConnection,
    prelude::*,
    r2d2::{self, ManageConnection, Pool, PooledConnection},
};

use crate::{
    error::{StoreError, StoreResult},
    repo::matrix_portfolio::MatrixCache,
    writer::Writer,
};

/// One connection to SQLite or PostgreSQL. Repositories take `&mut DbConnection` and run the
/// same diesel queries on both; the few backend-specific statements go through [`with_backend!`].
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which database server a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend's name in logs and test names.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A parsed database URL. The scheme is checked explicitly: diesel's own `establish` on a
/// multi-connection tries each backend in turn, and SQLite accepts any string as a file name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    /// For SQLite, the file path; for PostgreSQL, the whole URL as libpq takes it.
    target: String,
}

impl DatabaseUrl {
    /// Accepts `sqlite://PATH` (or `sqlite:PATH`) and `postgres://...` / `postgresql://...`.
    pub fn parse(url: &str) -> StoreResult<DatabaseUrl> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl {
                backend: Backend::Postgres,
                target: url.to_owned(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| StoreError::InvalidUrl(url.to_owned()))?;
        // An in-memory database would be a different one on every pooled connection.
        if path.is_empty() || path.contains(":memory:") {
            return Err(StoreError::InvalidUrl(url.to_owned()));
        }
        Ok(DatabaseUrl {
            backend: Backend::Sqlite,
            target: path.to_owned(),
        })
    }

    /// The backend this URL names.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Opens one connection, set up for Pilote (SQLite: WAL, foreign keys, busy timeout).
    pub fn establish(&self) -> StoreResult<DbConnection> {
        match self.backend {
            Backend::Postgres => Ok(DbConnection::Pg(PgConnection::establish(&self.target)?)),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)?;
                // WAL lets readers work while one writer writes. synchronous=NORMAL keeps every
                // committed transaction through a process crash (kill -9); only an OS crash or
                // power loss may lose the last commits, see docs/operations.md.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA foreign_keys = ON;
                     PRAGMA busy_timeout = 10000;",
                )
                .map_err(StoreError::from)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

/// Pool sizing and timeouts.
#[derive(Clone, Debug)]
pub struct PoolOptions {
    pub max_size: u32,
    pub connection_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_size: 8,
            connection_timeout: Duration::from_secs(5),
        }
    }
}

/// r2d2 manager that opens connections of the backend the URL names, never another.
#[derive(Clone, Debug)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        self.url.establish().map_err(|e| match e {
            StoreError::Unavailable(message) => {
                r2d2::Error::ConnectionError(diesel::ConnectionError::BadConnection(message))
            }
            other => r2d2::Error::ConnectionError(diesel::ConnectionError::BadConnection(
                other.to_string(),
            )),
        })
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        // A connection given back mid-transaction (its user panicked) or with a failed
        // rollback must never serve again: the next "transaction" would be a savepoint that
        // nothing commits, and on SQLite it would hold the write lock. Lost connections are
        // caught on checkout ([`Database::get`]), and marked so that they end here.
        std::thread::panicking() || diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// A PostgreSQL connection used this recently is trusted at checkout without a round trip
/// (HikariCP's default "alive bypass window" is the same half-second). Under load a pooled
/// connection comes back every few milliseconds, and testing it each time was two of the
/// single post's eight statements (issue 23).
const TRUSTED_FOR: Duration = Duration::from_millis(500);

/// How many PostgreSQL connections this process has seen lost (a statement failed with the
/// connection closed). When it moves, every pooled connection is tested at its next checkout,
/// however recently it served: a server restart drops them all at once.
static LOST_CONNECTIONS: AtomicU64 = AtomicU64::new(0);

/// Called where a statement's error says its connection is gone.
pub(crate) fn connection_lost() {
    LOST_CONNECTIONS.fetch_add(1, Ordering::Relaxed);
}

/// Kept with each pooled PostgreSQL connection (r2d2's per-connection extensions): when it was
/// last known good, and the count of lost connections then.
#[derive(Clone, Copy, Debug)]
struct LastChecked {
    at: Instant,
    lost: u64,
}

/// Whether a pooled PostgreSQL connection must be tested before it serves: one never tested
/// (opened in the background, maybe long ago), one idle past [`TRUSTED_FOR`], and all of them
/// once a connection has been seen lost.
fn needs_test(last: Option<&LastChecked>, lost: u64) -> bool {
    last.is_none_or(|last| last.lost != lost || last.at.elapsed() >= TRUSTED_FOR)
}

/// Makes a connection that failed its test end at check-in ([`ConnectionManager::has_broken`]
/// sees its transaction manager in error) instead of going back to the pool.
fn discard(conn: &mut DbConnection) {
    if let DbConnection::Pg(pg) = conn {
        use diesel::connection::{AnsiTransactionManager, TransactionManager};
        AnsiTransactionManager::transaction_manager_status_mut(pg).set_in_error();
    }
}

/// A connection checked out of the pool.
pub type PooledDbConnection = PooledConnection<ConnectionManager>;

/// The pool of connections to Pilote's database.
#[derive(Clone)]
pub struct Database {
    url: DatabaseUrl,
    pool: Pool<ConnectionManager>,
    /// SQLite only: the thread every write of this process goes through (see
    /// [`Database::write`] and [`crate::writer`]).
    writer: Option<Writer>,
    /// The products' matrices computed so far (see [`MatrixCache`]).
    matrices: Arc<MatrixCache>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: show the backend only.
        f.debug_struct("Database")
            .field("backend", &self.url.backend())
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Builds the pool without connecting: a server can start, and answer `/readyz` 503, while
    /// its database is still down.
    pub fn open(url: &str, options: &PoolOptions) -> StoreResult<Database> {
        let url = DatabaseUrl::parse(url)?;
        let pool = Pool::builder()
            .max_size(options.max_size)
            .min_idle(Some(0))
            .connection_timeout(options.connection_timeout)
            // A PostgreSQL connection can be lost (server restart, network): `get` tests the
            // ones that have been idle (or all, after a loss) and replaces those that fail. A
            // SQLite connection is a file handle in this process: nothing to test.
            .test_on_check_out(false)
            .error_handler(Box::new(r2d2::LoggingErrorHandler))
            .build_unchecked(ConnectionManager { url: url.clone() });
        let writer = match url.backend() {
            Backend::Sqlite => Some(Writer::start(url.clone())?),
            Backend::Postgres => None,
        };
        Ok(Database {
            url,
            pool,
            writer,
            matrices: Arc::default(),
        })
    }

    /// The products' matrices this process computed, to be trusted while their version holds
    /// (`repo::matrix_portfolio::of_products_cached`).
    pub fn matrix_cache(&self) -> Arc<MatrixCache> {
        Arc::clone(&self.matrices)
    }

    /// The backend behind this pool.
    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    /// Checks a connection out of the pool. On PostgreSQL, one idle for a while, or any after
    /// a connection was seen lost, is tested first (`SELECT 1`), and one that fails is
    /// discarded and another taken: a server restart costs no request on an idle server and
    /// at most one per connection that served in the last half-second.
    pub fn get(&self) -> StoreResult<PooledDbConnection> {
        if self.backend() == Backend::Sqlite {
            return Ok(self.pool.get()?);
        }
        // Each failed test discards a connection; past the pool's size, the server is down.
        for _ in 0..=self.pool.max_size() {
            let mut conn = self.pool.get()?;
            let lost = LOST_CONNECTIONS.load(Ordering::Relaxed);
            let last = PooledConnection::extensions(&conn).get::<LastChecked>();
            if !needs_test(last, lost) || conn.batch_execute("SELECT 1").is_ok() {
                PooledConnection::extensions_mut(&mut conn).insert(LastChecked {
                    at: Instant::now(),
                    lost,
                });
                return Ok(conn);
            }
            connection_lost();
            discard(&mut conn);
        }
        Err(StoreError::Unavailable(
            "every PostgreSQL connection failed its test".to_owned(),
        ))
    }

    /// Runs `f` in a write transaction ([`crate::transaction::write`]): everything it wrote
    /// is committed when this returns `Ok`, and nothing when it returns an error.
    ///
    /// On PostgreSQL, on a pooled connection: the server runs writers side by side and
    /// [`crate::transaction::lock_product`] orders those that touch the same product.
    ///
    /// On SQLite, on the process's one writer thread ([`crate::writer`]), which runs writes
    /// one after the other, in its own savepoint each, and commits them in groups. SQLite lets
    /// a single writer in anyway; readers keep the pool, and other processes (the CLI) wait on
    /// the busy timeout. `f` runs on that thread, hence `Send + 'static`; it must not call
    /// `write` itself (it would wait for its own group).
    pub fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        F: FnOnce(&mut DbConnection) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        match &self.writer {
            Some(writer) => writer.write(f),
            None => {
                let mut conn = self.get()?;
                crate::transaction::write(&mut conn, f)
            }
        }
    }

    /// SQLite only: queues `f` on the writer thread as [`Database::write`] would, and returns
    /// at once; `reply` gets its result (or its panic) on that thread once its group has
    /// committed. An async caller awaits it without holding a thread of its own: on SQLite
    /// the blocking pool's thread would only wait on the writer. On PostgreSQL the write does
    /// its I/O on the calling thread, so there is no writer: `Unavailable`, and `reply` is
    /// never called.
    pub fn queue_write<T, F>(
        &self,
        f: F,
        reply: impl FnOnce(crate::writer::Reply<T>) + Send + 'static,
    ) -> StoreResult<()>
    where
        F: FnOnce(&mut DbConnection) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        match &self.writer {
            Some(writer) => writer.queue(f, reply),
            None => Err(StoreError::Unavailable(
                "no writer thread: PostgreSQL writes run on the caller's thread".to_owned(),
            )),
        }
    }

    /// Runs `f` on a pooled connection outside any transaction: for one statement, which is
    /// atomic by itself (a transaction would add `BEGIN` and `COMMIT`, two round trips on
    /// PostgreSQL).
    pub fn query<T>(&self, f: impl FnOnce(&mut DbConnection) -> StoreResult<T>) -> StoreResult<T> {
        let mut conn = self.get()?;
        f(&mut conn)
    }

    /// SQLite only: runs `f` at once on an idle pooled connection, without waiting for one
    /// and without a transaction (one statement). Gives `f` back, unrun, on PostgreSQL (a
    /// statement there is a network round trip) and when no connection is idle.
    pub fn query_if_idle<T, F>(&self, f: F) -> Result<StoreResult<T>, F>
    where
        F: FnOnce(&mut DbConnection) -> StoreResult<T>,
    {
        if self.backend() != Backend::Sqlite {
            return Err(f);
        }
        match self.pool.try_get() {
            Some(mut conn) => Ok(f(&mut conn)),
            None => Err(f),
        }
    }

    /// Runs `f` in a read transaction ([`crate::transaction::read`]) on a pooled connection.
    pub fn read<T>(&self, f: impl FnOnce(&mut DbConnection) -> StoreResult<T>) -> StoreResult<T> {
        let mut conn = self.get()?;
        crate::transaction::read(&mut conn, f)
    }

    /// Runs `SELECT 1`: the readiness probe.
    pub fn ping(&self) -> StoreResult<()> {
        let mut conn = self.get()?;
        conn.batch_execute("SELECT 1").map_err(StoreError::from)
    }
}

/// Runs `$body` with `$c` bound to the inner connection of either backend, for the few queries
/// diesel cannot build for the multi-backend (multi-row inserts, `ON CONFLICT`, locks).
#[macro_export]
macro_rules! with_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::connection::DbConnection::Sqlite($c) => $body,
            $crate::connection::DbConnection::Pg($c) => $body,
        }
    };
}
