#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

#[macro_use]
mod macros;

pub mod access;
mod batch;
mod betagouv;
mod certification;
mod commitment;
mod contract;
mod contract_status;
mod contract_summary;
mod decision;
mod digest;
mod email;
mod error;
mod forecast;
mod freshness;
mod indicator;
mod matrix;
mod matrix_portfolio;
mod measure;
mod objective;
mod overdue;
mod period;
mod phase;
mod phase_history;
mod portfolio;
mod review;
mod role;
mod schedule;
mod slug;
mod suspect;
mod sync;
mod text;
mod token_name;

pub use batch::*;
pub use betagouv::*;
pub use certification::*;
pub use commitment::*;
pub use contract::*;
pub use contract_status::*;
pub use contract_summary::*;
pub use decision::*;
pub use digest::*;
pub use email::*;
pub use error::*;
pub use forecast::*;
pub use freshness::*;
pub use indicator::*;
pub use matrix::*;
pub use matrix_portfolio::*;
pub use measure::*;
pub use objective::*;
pub use overdue::*;
pub use period::*;
pub use phase::*;
pub use phase_history::*;
pub use portfolio::*;
pub use review::*;
pub use role::*;
pub use schedule::*;
pub use slug::*;
pub use suspect::*;
pub use sync::*;
pub use token_name::*;
