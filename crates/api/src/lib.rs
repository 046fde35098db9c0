//! Pilote's HTTP layer on actix-web: the application layer ([`service`]) that the JSON routes
//! ([`routes`]), the web pages ([`pages`]) and the command line share; JSON errors,
//! authentication and settings. Handlers stay thin: they extract, call the service layer or
//! the store, and render.

pub mod access;
pub mod assets;
pub mod auth;
pub mod client_ip;
pub mod db;
pub mod demo_accounts;
pub mod error;
pub mod json;
pub mod list;
pub mod mail;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod request_id;
pub mod routes;
pub mod security_headers;
pub mod service;
pub mod settings;
pub mod startup;

pub use error::ApiError;
pub use settings::Settings;
pub use startup::Application;
