//! Pilote's storage: diesel over SQLite (the embedded default) and PostgreSQL (production),
//! one set of repository functions for both.
//!
//! - [`connection`]: the two-backend connection, chosen from the URL scheme, and its pool;
//! - [`migrations`]: the embedded migrations of each backend;
//! - [`repo`]: repositories, which return `pilote_domain` types;
//! - [`transaction`]: how callers open transactions (SQLite writers take the lock up front);
//! - `writer`: SQLite's writer thread, which commits writes in groups.

mod bind;
pub mod clock;
pub mod connection;
pub mod copy;
pub mod error;
pub mod ids;
pub mod migrations;
pub mod page;
mod pg_statements;
pub mod repo;
pub mod schema;
mod sqlite_statements;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod transaction;
mod writer;

pub use connection::{Backend, Database, DatabaseUrl, DbConnection, PoolOptions};
pub use error::{StoreError, StoreResult};
pub use ids::*;
pub use page::{Listing, Page};
pub use writer::Reply as WriteReply;
