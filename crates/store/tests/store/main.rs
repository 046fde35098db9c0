//! Store tests. Every test runs twice, on a fresh SQLite file and on a fresh PostgreSQL schema
//! over TCP, through [`both_backends!`]: test names end in `::sqlite` and `::postgres`.

#[macro_use]
mod common;

mod aggregates;
mod audit;
mod auth_version;
mod campaigns;
mod catalogue;
mod committees;
mod contracts;
mod copy;
mod identities;
mod irritants;
mod login_attempts;
mod matrix;
mod measures;
mod one_time_tokens;
mod phases;
mod pool;
mod pulse;
mod sheets;
mod suspect;
mod tokens;
mod users;
mod writes;
