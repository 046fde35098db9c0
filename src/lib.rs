//! The `pilote` command: its subcommands and the demo portfolio.

pub mod cli;
pub mod demo;
pub mod import;
pub mod memory;
pub mod refusal;
pub mod runner;
