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
    /// Signing of login tokens.
    pub jwt: JwtSettings,
    /// Seconds a stopping server (SIGTERM, SIGINT) gives requests in flight before dropping
    /// them: a rolling restart behind the load balancer then loses no request.
    pub shutdown_timeout_secs: u64,
    /// Reverse proxies (IP addresses, comma-separated) whose `X-Forwarded-For` is believed
    /// when counting failed logins per address; empty: the TCP peer is the client.
    #[serde(default)]
    pub trusted_proxies: String,
    /// The web pages' look.
    #[serde(default)]
    pub web: WebSettings,
    /// How long a pages' session lasts.
    #[serde(default)]
    pub session: SessionSettings,
    /// The address people reach Pilote at (`PILOTE_PUBLIC_URL`), without a trailing slash:
    /// the base of the links Pilote gives out (ProConnect's redirect URIs).
    #[serde(default = "default_public_url")]
    pub public_url: String,
    /// Whether people may sign in with a password; false where ProConnect is mandatory.
    #[serde(default = "default_true")]
    pub password_login: bool,
    /// Sign-in with ProConnect; off while `issuer` is empty.
    #[serde(default)]
    pub proconnect: ProConnectSettings,
    /// Indicators' sources and the job runner (docs/connectors.md).
    #[serde(default)]
    pub connectors: ConnectorSettings,
    /// The Tchap (Matrix) account `pilote digest --matrix-room` posts as.
    #[serde(default)]
    pub matrix: MatrixSettings,
    /// Outgoing e-mail (invitations, password resets); off while `host` is empty.
    #[serde(default)]
    pub smtp: SmtpSettings,
}

/// The key compiled into `config/default.toml` for sources' tokens. Public knowledge:
/// accepted in development only, like [`DEV_JWT_SECRET`].
pub const DEV_CONNECTORS_KEY: &str =
    "00000000000000000000000000000000000000000000000000000000000000aa";

/// Sources and the job runner.
#[derive(Clone, Deserialize)]
#[serde(default)]
pub struct ConnectorSettings {
    /// 64 hex digits (32 bytes): the key sources' tokens are encrypted with at rest
    /// (`PILOTE_CONNECTORS__SECRET_KEY`). Changing it makes stored tokens unreadable: their
    /// sources fail until the token is typed again.
    pub secret_key: String,
    /// Whether `pilote serve` runs the job runner (sources, scheduled sync).
    pub runner: bool,
    /// Seconds between two looks of the runner for due jobs.
    pub tick_secs: u64,
    /// Seconds one HTTP request of a source may take in all.
    pub timeout_secs: u64,
    /// Hours between two runs of `pilote sync betagouv` by the runner; 0: never.
    pub sync_betagouv_hours: u32,
    /// Where the scheduled sync reads the catalogue.
    pub sync_betagouv_url: String,
}

impl Default for ConnectorSettings {
    fn default() -> ConnectorSettings {
        ConnectorSettings {
            secret_key: DEV_CONNECTORS_KEY.to_owned(),
            runner: true,
            tick_secs: 60,
            timeout_secs: 30,
            sync_betagouv_hours: 0,
            sync_betagouv_url: "https://beta.gouv.fr/api/v2.7/startups.json".to_owned(),
        }
    }
}

impl std::fmt::Debug for ConnectorSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Settings get logged; the key must not be.
        f.debug_struct("ConnectorSettings")
            .field("secret_key", &"[redacted]")
            .field("runner", &self.runner)
            .field("tick_secs", &self.tick_secs)
            .field("timeout_secs", &self.timeout_secs)
            .field("sync_betagouv_hours", &self.sync_betagouv_hours)
            .field("sync_betagouv_url", &self.sync_betagouv_url)
            .finish()
    }
}

impl ConnectorSettings {
    /// The 32-byte key, or why the setting is not one.
    pub fn key(&self) -> Result<[u8; 32], String> {
        let mut key = [0_u8; 32];
        hex::decode_to_slice(self.secret_key.trim(), &mut key)
            .map_err(|_| "connectors.secret_key must be 64 hexadecimal digits".to_owned())?;
        Ok(key)
    }
}

/// A Matrix (Tchap) account's access to its homeserver.
#[derive(Clone, Default, Deserialize)]
#[serde(default)]
pub struct MatrixSettings {
    /// The homeserver's base URL, e.g. `https://matrix.agent.dinum.tchap.gouv.fr`.
    pub homeserver: String,
    /// The bot account's access token (`PILOTE_MATRIX__ACCESS_TOKEN`).
    pub access_token: String,
}

impl std::fmt::Debug for MatrixSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MatrixSettings")
            .field("homeserver", &self.homeserver)
            .field("access_token", &"[redacted]")
            .finish()
    }
}

fn default_public_url() -> String {
    "http://127.0.0.1:8080".to_owned()
}

fn default_true() -> bool {
    true
}

/// The ProConnect (OpenID Connect) client's registration.
#[derive(Clone, Default, Deserialize)]
pub struct ProConnectSettings {
    /// The issuer, whose `/.well-known/openid-configuration` is read, e.g.
    /// `https://auth.agentconnect.gouv.fr/api/v2`; empty: ProConnect is off.
    #[serde(default)]
    pub issuer: String,
    /// The client id ProConnect gave.
    #[serde(default)]
    pub client_id: String,
    /// The client secret ProConnect gave (`PILOTE_PROCONNECT__CLIENT_SECRET`).
    #[serde(default)]
    pub client_secret: String,
}

impl std::fmt::Debug for ProConnectSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Settings get logged; the secret must not be.
        f.debug_struct("ProConnectSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .finish()
    }
}

/// The SMTP relay invitations and password-reset links are sent through.
#[derive(Clone, Deserialize)]
pub struct SmtpSettings {
    /// The relay's host name; empty: no e-mail is sent.
    #[serde(default)]
    pub host: String,
    /// Its port: 587 for STARTTLS, 465 for TLS, 25 for none, usually.
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    /// How the connection is protected.
    #[serde(default)]
    pub tls: SmtpTls,
    /// The user to authenticate as; empty: no authentication.
    #[serde(default)]
    pub user: String,
    /// Its password (`PILOTE_SMTP__PASSWORD`).
    #[serde(default)]
    pub password: String,
    /// The `From` of every message, e.g. `Pilote <pilote@incubateur.example.gouv.fr>`.
    #[serde(default)]
    pub sender: String,
}

fn default_smtp_port() -> u16 {
    587
}

impl Default for SmtpSettings {
    fn default() -> SmtpSettings {
        SmtpSettings {
            host: String::new(),
            port: default_smtp_port(),
            tls: SmtpTls::default(),
            user: String::new(),
            password: String::new(),
            sender: String::new(),
        }
    }
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Settings get logged; the password must not be.
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("password", &"[redacted]")
            .field("sender", &self.sender)
            .finish()
    }
}

/// How the SMTP connection is protected.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text: only for a relay on the same machine or a trusted network.
    None,
    /// Plain connection upgraded with STARTTLS (required, never skipped).
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
}

/// The web pages' settings.
#[derive(Clone, Debug, Deserialize)]
pub struct WebSettings {
    /// Whether the header shows the « République Française » brand block. Its use is reserved
    /// to State services: deployments outside the State set it to false.
    pub state_brand: bool,
}

impl Default for WebSettings {
    fn default() -> WebSettings {
        WebSettings { state_brand: true }
    }
}

/// The pages' session: sliding expiry, with an absolute maximum.
#[derive(Clone, Debug, Deserialize)]
pub struct SessionSettings {
    /// Minutes without any page seen after which the session ends; each page seen renews it.
    pub idle_minutes: u64,
    /// Hours after signing in beyond which no renewal is given: the person signs in again.
    pub max_hours: u64,
}

impl Default for SessionSettings {
    fn default() -> SessionSettings {
        SessionSettings {
            idle_minutes: 60,
            max_hours: 12,
        }
    }
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

/// The signing secret compiled into `config/default.toml`. Public knowledge, so anyone could
/// forge tokens with it: accepted in development only.
pub const DEV_JWT_SECRET: &str = "pilote-development-secret-not-for-production";

/// The shortest secret production accepts: HS256 keys should be at least as long as the hash.
pub const MIN_JWT_SECRET_LENGTH: usize = 32;

/// How login tokens (JWT, HS256) are signed and checked.
#[derive(Clone, Deserialize)]
pub struct JwtSettings {
    /// The HMAC key (`PILOTE_JWT__SECRET`); at least 32 bytes in production.
    pub secret: String,
    /// The `iss` claim written and required.
    pub issuer: String,
    /// The `aud` claim written and required.
    pub audience: String,
    /// How long a login token is valid.
    pub ttl_minutes: u64,
}

impl std::fmt::Debug for JwtSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Settings get logged; the secret must not be.
        f.debug_struct("JwtSettings")
            .field("secret", &"[redacted]")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("ttl_minutes", &self.ttl_minutes)
            .finish()
    }
}

impl JwtSettings {
    /// Why this secret must not sign production tokens, if it must not.
    fn weakness(&self) -> Option<String> {
        if self.secret == DEV_JWT_SECRET {
            Some("jwt.secret is the well-known development default".to_owned())
        } else if self.secret.len() < MIN_JWT_SECRET_LENGTH {
            Some(format!(
                "jwt.secret is {} bytes long, fewer than {MIN_JWT_SECRET_LENGTH}",
                self.secret.len()
            ))
        } else {
            None
        }
    }
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

    /// Refuses settings that are unsafe in production (a default or short JWT secret, a token
    /// lifetime of zero); in development, logs a warning and accepts them. The binary calls it
    /// before serving.
    pub fn check(&self, bind: &str) -> Result<(), String> {
        if self.jwt.ttl_minutes == 0 {
            return Err("jwt.ttl_minutes must be at least 1".to_owned());
        }
        if self.session.idle_minutes == 0 || self.session.max_hours == 0 {
            return Err("session.idle_minutes and session.max_hours must be at least 1".to_owned());
        }
        let proconnect = !self.proconnect.issuer.trim().is_empty();
        if proconnect && self.proconnect.client_id.trim().is_empty() {
            return Err("proconnect.issuer is set but proconnect.client_id is empty".to_owned());
        }
        if !self.password_login && !proconnect {
            return Err(
                "password_login = false leaves no way to sign in: set proconnect.issuer".to_owned(),
            );
        }
        crate::mail::Mailer::from_settings(self)?;
        let Some(weakness) = self.jwt.weakness() else {
            return self.check_connectors();
        };
        // Fail closed: a server reachable from elsewhere with a public key would let anyone
        // forge an admin's token, whatever `environment` says.
        if self.environment == RunMode::Production || !is_loopback(bind) {
            return Err(format!(
                "{weakness}: set PILOTE_JWT__SECRET to a random string of at least \
                 {MIN_JWT_SECRET_LENGTH} bytes (required in production and whenever the server \
                 listens beyond the loopback address)"
            ));
        }
        log::warn!("{weakness}; acceptable only on the loopback address, in development");
        self.check_connectors()
    }

    /// Refuses a connectors key that is not 32 bytes, and the public development key in
    /// production (anyone could decrypt the stored Matomo tokens with it).
    fn check_connectors(&self) -> Result<(), String> {
        self.connectors.key()?;
        if self.environment == RunMode::Production
            && self.connectors.secret_key.trim() == DEV_CONNECTORS_KEY
        {
            return Err("connectors.secret_key is the public development key: set \
                 PILOTE_CONNECTORS__SECRET_KEY to 64 random hex digits (openssl rand -hex 32)"
                .to_owned());
        }
        Ok(())
    }
}

/// Whether `bind` (`host:port`) only listens on this machine.
pub(crate) fn is_loopback(bind: &str) -> bool {
    let host = bind
        .rsplit_once(':')
        .map_or(bind, |(host, _)| host)
        .trim_matches(['[', ']']);
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
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
    fn jwt_defaults_load_and_pass_in_development_only() {
        let mut settings = Settings::load(None).expect("defaults");
        assert_eq!(settings.jwt.secret, DEV_JWT_SECRET);
        assert_eq!(
            (settings.jwt.issuer.as_str(), settings.jwt.audience.as_str()),
            ("pilote", "pilote-api")
        );
        assert_eq!(settings.jwt.ttl_minutes, 60);
        assert_eq!(
            (settings.session.idle_minutes, settings.session.max_hours),
            (60, 12)
        );
        assert!(!format!("{settings:?}").contains(DEV_JWT_SECRET));
        assert_eq!(settings.check("127.0.0.1:8080"), Ok(()));
        assert_eq!(settings.check("localhost:8080"), Ok(()));
        assert_eq!(settings.check("[::1]:8080"), Ok(()));
        let error = settings
            .check("0.0.0.0:8080")
            .expect_err("reachable from elsewhere");
        assert!(error.contains("loopback"), "{error}");

        settings.environment = RunMode::Production;
        let error = settings
            .check("127.0.0.1:8080")
            .expect_err("default secret in production");
        assert!(error.contains("development default"), "{error}");
        settings.jwt.secret = "x".repeat(MIN_JWT_SECRET_LENGTH - 1);
        let error = settings
            .check("127.0.0.1:8080")
            .expect_err("short secret in production");
        assert!(error.contains("fewer than 32"), "{error}");
        settings.jwt.secret = "x".repeat(MIN_JWT_SECRET_LENGTH);
        let error = settings
            .check("0.0.0.0:8080")
            .expect_err("the development connectors key in production");
        assert!(error.contains("connectors.secret_key"), "{error}");
        settings.connectors.secret_key = "ab".repeat(32);
        assert_eq!(settings.check("0.0.0.0:8080"), Ok(()));
        settings.session.max_hours = 0;
        assert!(settings.check("127.0.0.1:8080").is_err());
        settings.session.max_hours = 12;
        assert!(!format!("{settings:?}").contains(&"ab".repeat(32)));
        settings.jwt.ttl_minutes = 0;
        assert!(settings.check("127.0.0.1:8080").is_err());
    }

    #[test]
    fn proconnect_settings_are_checked() {
        let mut settings = Settings::load(None).expect("defaults");
        assert!(settings.password_login);
        assert_eq!(settings.public_url, "http://127.0.0.1:8080");
        assert!(settings.proconnect.issuer.is_empty());
        settings.password_login = false;
        let error = settings
            .check("127.0.0.1:8080")
            .expect_err("no way to sign in");
        assert!(error.contains("proconnect.issuer"), "{error}");
        settings.proconnect.issuer = "https://auth.agentconnect.gouv.fr/api/v2".to_owned();
        let error = settings.check("127.0.0.1:8080").expect_err("no client id");
        assert!(error.contains("client_id"), "{error}");
        settings.proconnect.client_id = "pilote".to_owned();
        settings.proconnect.client_secret = "hush".to_owned();
        assert_eq!(settings.check("127.0.0.1:8080"), Ok(()));
        assert!(!format!("{settings:?}").contains("hush"));
    }

    #[test]
    fn smtp_settings_come_from_the_environment_and_hide_the_password() {
        let mut settings = Settings::load(None).expect("defaults");
        assert!(settings.smtp.host.is_empty());
        assert_eq!(
            (settings.smtp.port, settings.smtp.tls),
            (587, SmtpTls::Starttls)
        );
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("pilote.toml");
        std::fs::write(
            &path,
            "[smtp]\nhost = \"smtp.example\"\nport = 2525\ntls = \"none\"\n\
             password = \"hush\"\nsender = \"Pilote <p@example.gouv.fr>\"\n",
        )
        .expect("write");
        let from_file = Settings::load(path.to_str()).expect("file");
        assert_eq!(
            (from_file.smtp.port, from_file.smtp.tls),
            (2525, SmtpTls::None)
        );
        assert!(!format!("{from_file:?}").contains("hush"));
        assert_eq!(from_file.check("127.0.0.1:8080"), Ok(()));
        settings.smtp.host = "smtp.example".to_owned();
        let error = settings.check("127.0.0.1:8080").expect_err("no sender");
        assert!(error.contains("smtp.sender"), "{error}");
    }

    #[test]
    fn a_missing_file_is_an_error() {
        assert!(Settings::load(Some("/nonexistent/pilote.toml")).is_err());
    }
}
