//! The store's one error type. It knows nothing of HTTP: `api` maps it to status codes.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use pilote_domain::DomainError;

/// Everything a repository call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist (`what` names it: "product", "indicator", ...).
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// The write conflicts with what is stored (a unique or foreign key constraint).
    #[error("conflict with stored data: {0}")]
    Conflict(String),
    /// A domain rule refused the change.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// A whole-database copy or restore refused: the target already holds rows (`table`
    /// has some), and it only fills an empty database.
    #[error("the target database is not empty (table {table} has rows)")]
    NotEmpty { table: String },
    /// The database cannot be reached (pool exhausted, connection lost, server down).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A stored row does not satisfy the domain's rules any more: a bug or a manual edit.
    #[error("stored {table} row {key} is invalid: {problem}")]
    Corrupt {
        table: &'static str,
        key: String,
        problem: String,
    },
    /// The database URL names no supported backend.
    #[error("unsupported database url {0:?}: expected sqlite://PATH or postgres://...")]
    InvalidUrl(String),
    /// Running the embedded migrations failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// Any other database error; logged, never shown to users.
    #[error("database error: {0}")]
    Database(#[source] DieselError),
}

/// Shorthand for results of store calls.
pub type StoreResult<T> = Result<T, StoreError>;

impl From<DieselError> for StoreError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => StoreError::NotFound { what: "row" },
            DieselError::DatabaseError(kind, info) => match kind {
                DatabaseErrorKind::UniqueViolation
                | DatabaseErrorKind::ForeignKeyViolation
                | DatabaseErrorKind::CheckViolation => StoreError::Conflict(
                    info.constraint_name()
                        .map(str::to_owned)
                        .unwrap_or_else(|| info.message().to_owned()),
                ),
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand => {
                    // Every pooled connection is tested at its next checkout.
                    crate::connection::connection_lost();
                    StoreError::Unavailable(info.message().to_owned())
                }
                _ => StoreError::Database(DieselError::DatabaseError(kind, info)),
            },
            other => StoreError::Database(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        StoreError::Unavailable(error.to_string())
    }
}

impl From<diesel::ConnectionError> for StoreError {
    fn from(error: diesel::ConnectionError) -> Self {
        StoreError::Unavailable(error.to_string())
    }
}

impl StoreError {
    /// Turns a generic "row not found" into one that names what was looked for.
    pub(crate) fn or_not_found(self, what: &'static str) -> StoreError {
        match self {
            StoreError::NotFound { .. } => StoreError::NotFound { what },
            other => other,
        }
    }

    /// Whether the failure is the database being out of reach (HTTP 503), not the request.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }
}

/// `.not_found("product")` on any diesel result.
pub(crate) trait NotFoundExt<T> {
    fn not_found(self, what: &'static str) -> StoreResult<T>;
}

impl<T> NotFoundExt<T> for Result<T, DieselError> {
    fn not_found(self, what: &'static str) -> StoreResult<T> {
        self.map_err(|e| StoreError::from(e).or_not_found(what))
    }
}

/// Builds the error for a stored value the domain refuses.
pub(crate) fn corrupt(table: &'static str, key: impl ToString, error: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table,
        key: key.to_string(),
        problem: error.to_string(),
    }
}
