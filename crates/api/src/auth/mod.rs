//! Authentication: passwords, login tokens (JWT), product API tokens, and the extractors that
//! tell handlers who is calling.

use actix_web::web;

use crate::settings::Settings;

pub mod cache;
pub mod extract;
pub mod jwt;
pub mod login;
pub mod one_time;
pub mod password;
pub mod proconnect;
pub mod session;

pub use cache::IdentityCache;
pub use extract::{CurrentUser, MaybePrincipal, Principal, Provisional};
pub use jwt::JwtConfig;

/// The ways to sign in this deployment offers (app data).
#[derive(Clone, Debug)]
pub struct SignInOptions {
    /// Whether passwords are accepted (`password_login`).
    pub password: bool,
    /// The ProConnect client, if `proconnect.issuer` is set.
    pub proconnect: Option<proconnect::ProConnect>,
    /// Whether « Mot de passe oublié ? » is offered: passwords accepted and SMTP configured.
    pub password_reset: bool,
}

/// Registers what authentication needs in the app data (the JWT keys, built once here and
/// shared by every worker). Call it outside the `HttpServer::new` factory and pass a clone to
/// `App::configure` inside it.
pub fn configure(settings: &Settings) -> impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static {
    let jwt = web::Data::new(JwtConfig::new(&settings.jwt).with_sessions(&settings.session));
    let options = web::Data::new(SignInOptions {
        password: settings.password_login,
        proconnect: proconnect::ProConnect::from_settings(settings),
        password_reset: settings.password_login && !settings.smtp.host.trim().is_empty(),
    });
    // One cache per process, shared by every worker (see `cache`).
    let identities = web::Data::new(IdentityCache::default());
    login::warm_up();
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(jwt.clone())
            .app_data(options.clone())
            .app_data(identities.clone());
    }
}
