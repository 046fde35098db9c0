//! Typed, layered settings: built-in defaults, an optional file, then `PILOTE_*` variables.

use std::time::Duration;

use config::{Config, Environment as EnvSource, File, FileFormat};
use serde::Deserialize;

/// The defaults, compiled in (see `config/default.toml` for what each setting means).
const DEFAULTS: &str = include_str!("../../../config/default.toml");

/// Everything the server needs to start.
#[derive(Clone, Debug, Deserialize)]
pub struct Settings {
    /// Address the HTTP server listens on.
    pub bind: String,
    /// `sqlite://PATH` or `postgres://...`.
    pub database_url: String,
    /// Development relaxes checks that production enforces.
    pub environment: RunMode,
    /// Pool sizing.
    pub database: DatabaseSettings,
}

/// Development or production.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RunMode {
    Development,
    Production,
}

/// Connection pool settings.
#[derive(Clone, Debug, Deserialize)]
pub struct DatabaseSettings {
    /// Connections per process.
    pub pool_size: u32,
    /// Seconds to wait for a free connection before answering 503.
    pub connect_timeout_secs: u64,
}

impl DatabaseSettings {
    /// The pool options these settings describe.
    pub fn pool_options(&self) -> pilote_store::PoolOptions {
        pilote_store::PoolOptions {
            max_size: self.pool_size.max(1),
            connection_timeout: Duration::from_secs(self.connect_timeout_secs.max(1)),
        }
    }
}

impl Settings {
    /// Loads the defaults, then `file` if given, then the environment.
    pub fn load(file: Option<&str>) -> Result<Settings, config::ConfigError> {
        let mut builder = Config::builder().add_source(File::from_str(DEFAULTS, FileFormat::Toml));
        if let Some(path) = file {
            builder = builder.add_source(File::with_name(path).required(true));
        }
        builder
            .add_source(
                EnvSource::with_prefix("PILOTE")
                    .prefix_separator("_")
                    .separator("__")
                    .try_parsing(true),
            )
            .build()?
            .try_deserialize()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load() {
        let settings = Settings::load(None).expect("defaults");
        assert_eq!(settings.database.pool_size, 8);
        assert_eq!(settings.environment, RunMode::Development);
    }

    #[test]
    fn a_file_overrides_the_defaults() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("pilote.toml");
        std::fs::write(
            &path,
            "bind = \"0.0.0.0:9000\"\n[database]\npool_size = 3\n",
        )
        .expect("write");
        let settings = Settings::load(path.to_str()).expect("file");
        assert_eq!(settings.bind, "0.0.0.0:9000");
        assert_eq!(settings.database.pool_size, 3);
        assert_eq!(settings.database.connect_timeout_secs, 5);
    }

    #[test]
    fn a_missing_file_is_an_error() {
        assert!(Settings::load(Some("/nonexistent/pilote.toml")).is_err());
    }
}
