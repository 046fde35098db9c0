//! Repositories: one module per aggregate. Functions take `&mut DbConnection`, return domain
//! types, and never commit: the caller opens the transaction (see [`crate::transaction`]).

pub mod aggregates;
pub mod applications;
pub mod audit;
pub mod auth_version;
pub mod campaigns;
pub mod commitments;
pub mod committees;
pub mod contract_status;
pub mod contracts;
pub mod digest;
pub mod identities;
pub mod import;
pub mod incubators;
pub mod indicators;
pub mod irritants;
pub mod latest;
pub mod login_attempts;
pub mod matrix;
pub mod matrix_certification;
pub mod matrix_portfolio;
pub mod matrix_publication;
pub mod measures;
pub mod objectives;
pub mod one_time_tokens;
pub mod opendata;
pub mod phases;
pub mod products;
pub mod pulse;
pub mod reviews;
pub mod sheets;
pub mod sources;
pub mod spend;
pub mod sync;
pub mod tokens;
pub mod users;
