//! Pilote's HTTP layer on actix-web: the route table, JSON errors, authentication and settings.
//! Handlers stay thin: they extract, call the store, and render.

pub mod access;
pub mod assets;
pub mod auth;
pub mod chart_data;
pub mod client_ip;
pub mod db;
pub mod demo_accounts;
pub mod error;
pub mod json;
pub mod list;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod request_id;
pub mod review_pack;
pub mod routes;
pub mod security_headers;
pub mod settings;
pub mod startup;

pub use error::ApiError;
pub use settings::Settings;
pub use startup::Application;
