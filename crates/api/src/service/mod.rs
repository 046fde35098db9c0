//! The application layer: what the JSON routes, the web pages and the command line share —
//! finding the product a path names, posting and checking measures, reading measure files
//! (CSV, `.xlsx`), loading chart inputs and review packs, building the open data files,
//! writing contracts, objectives, spend and commitments, reading the « matrice d'impact ».
//!
//! Routes, pages and the CLI call this layer and never each other: a rule or a read written
//! here is written once. It speaks in domain and store types and in [`crate::ApiError`],
//! whose problems stay typed so that each caller words them in its own language.

pub mod account_links;
pub mod applications;
pub mod bilan;
pub mod campaigns;
pub mod chart_data;
pub mod commitments;
pub mod contract;
pub mod decisions;
pub mod indicators;
pub mod invitations;
pub mod irritants;
pub mod matrix;
pub mod measures;
pub mod opendata;
pub mod people;
pub mod product_sheet;
pub mod products;
pub mod review_pack;
pub mod reviews;
pub mod scope;
pub mod sheet;
pub mod sources;
pub mod spend;
