//! The web pages' session: the login JWT in a cookie, and CSRF tokens for their forms.
//!
//! Only pages read the cookie ([`MaybePageUser`]); `/api/v1` keeps `Authorization: Bearer`
//! alone, so that a browser's ambient credentials never reach the API and CSRF stays a
//! concern of the pages only.
//!
//! The cookie follows activity: a page seen with a session token older than a minute gets a
//! renewed token (same session id, idle time from now, never past the absolute maximum), set
//! on the way out by [`renew_cookie`].
//!
//! CSRF tokens are HMAC-SHA256 values keyed with a key derived from the JWT secret:
//! - signed in, `<session id>.<HMAC of the user id and session id>`: good for every renewal
//!   of the session's cookie (pages opened before a renewal keep working), useless without
//!   the cookie, and — after the session expired — still proof that a pending form came from
//!   a page shown to this same person (see `pages::session`);
//! - on the login form, over a random nonce kept in the `pilote_csrf` cookie (a signed
//!   double-submit: a forged form cannot know the nonce, nor sign another one).

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, http::header, web};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use pilote_store::Database;
use sha2::{Digest, Sha256};

use crate::{
    auth::{CurrentUser, IdentityCache, JwtConfig, extract},
    error::ApiError,
    settings::{RunMode, Settings},
};

/// The cookie holding the login JWT.
pub const SESSION_COOKIE: &str = "pilote_session";
/// The cookie holding the login form's CSRF nonce.
pub const NONCE_COOKIE: &str = "pilote_csrf";

/// How session cookies are written and CSRF tokens signed, built once from the settings.
#[derive(Clone)]
pub struct SessionConfig {
    /// Whether cookies carry `Secure`.
    secure: bool,
    /// The CSRF HMAC key: SHA-256 of a label and the JWT secret, so that a CSRF token is
    /// never a valid signature of anything else.
    key: [u8; 32],
    /// The address people reach Pilote at, without a trailing slash (the account page's
    /// `curl` examples).
    public_url: String,
}

impl std::fmt::Debug for SessionConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionConfig")
            .field("secure", &self.secure)
            .finish_non_exhaustive()
    }
}

impl SessionConfig {
    /// `Secure` cookies unless in development on the loopback address, where the server is
    /// reached over plain `http://127.0.0.1` (browsers and test clients would drop them).
    pub fn new(settings: &Settings, bind: &str) -> SessionConfig {
        let dev_loopback =
            settings.environment == RunMode::Development && crate::settings::is_loopback(bind);
        let mut hasher = Sha256::new();
        hasher.update(b"pilote-csrf-v1\0");
        hasher.update(settings.jwt.secret.as_bytes());
        SessionConfig {
            secure: !dev_loopback,
            key: hasher.finalize().into(),
            public_url: settings.public_url.trim_end_matches('/').to_owned(),
        }
    }

    /// The address people reach Pilote at, without a trailing slash.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    fn attributes(&self) -> &'static str {
        if self.secure {
            "HttpOnly; SameSite=Strict; Path=/; Secure"
        } else {
            "HttpOnly; SameSite=Strict; Path=/"
        }
    }

    /// `Set-Cookie` for a new session lasting `max_age` seconds.
    pub fn session_cookie(&self, jwt: &str, max_age: u64) -> String {
        format!(
            "{SESSION_COOKIE}={jwt}; Max-Age={max_age}; {}",
            self.attributes()
        )
    }

    /// `Set-Cookie` that removes `name`.
    pub fn cleared(&self, name: &str) -> String {
        format!("{name}=; Max-Age=0; {}", self.attributes())
    }

    /// `Set-Cookie` for a login form's nonce (a browser session cookie).
    pub fn nonce_cookie(&self, nonce: &str) -> String {
        format!("{NONCE_COOKIE}={nonce}; {}", self.attributes())
    }

    /// `Set-Cookie` for a ProConnect flow (see `auth::proconnect`): its payload and an HMAC
    /// of it, `SameSite=Lax` so that it comes back with the provider's cross-site redirect,
    /// sent to the callback's path only, gone after `max_age` seconds.
    pub fn flow_cookie(&self, name: &str, payload: &str, path: &str, max_age: i64) -> String {
        let mac = self.csrf("proconnect-flow", payload);
        let secure = if self.secure { "; Secure" } else { "" };
        format!(
            "{name}={payload}.{mac}; Max-Age={max_age}; HttpOnly; SameSite=Lax; Path={path}{secure}"
        )
    }

    /// `Set-Cookie` that removes a flow cookie written at `path`.
    pub fn cleared_flow(&self, name: &str, path: &str) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!("{name}=; Max-Age=0; HttpOnly; SameSite=Lax; Path={path}{secure}")
    }

    /// A flow cookie's payload, if its HMAC is this server's.
    pub fn flow_payload(&self, value: &str) -> Option<String> {
        let (payload, mac) = value.rsplit_once('.')?;
        self.check_csrf("proconnect-flow", payload, mac)
            .then(|| payload.to_owned())
    }

    /// `Set-Cookie` for a value kept as long as the session (the ProConnect ID token).
    pub fn session_scoped_cookie(&self, name: &str, value: &str, max_age: u64) -> String {
        format!("{name}={value}; Max-Age={max_age}; {}", self.attributes())
    }

    /// For an anonymous form of `purpose` (the login, a password-reset request, a link's
    /// password form): its CSRF token over the visitor's nonce (the `pilote_csrf` cookie's,
    /// or a fresh one), and the `Set-Cookie` that keeps the nonce.
    pub fn anonymous_csrf(&self, req: &HttpRequest, purpose: &str) -> (String, String) {
        let nonce = cookie(req, NONCE_COOKIE).unwrap_or_else(nonce);
        (self.csrf(purpose, &nonce), self.nonce_cookie(&nonce))
    }

    /// Whether `token` is the CSRF token of an anonymous form of `purpose`, over the nonce
    /// cookie the request carries (false without one).
    pub fn check_anonymous_csrf(&self, req: &HttpRequest, purpose: &str, token: &str) -> bool {
        cookie(req, NONCE_COOKIE).is_some_and(|nonce| self.check_csrf(purpose, &nonce, token))
    }

    /// The CSRF token of `purpose` ("session" or "login") over `value`.
    pub fn csrf(&self, purpose: &str, value: &str) -> String {
        to_hex(&hmac_sha256(
            &self.key,
            format!("{purpose}\0{value}").as_bytes(),
        ))
    }

    /// Whether `token` is the CSRF token of `purpose` over `value`, compared in constant time.
    pub fn check_csrf(&self, purpose: &str, value: &str, token: &str) -> bool {
        same(&self.csrf(purpose, value), token)
    }

    /// The CSRF token of a signed-in visitor's forms: the session's id and an HMAC of it with
    /// the user's id.
    pub fn session_csrf(&self, user: &PageUser) -> String {
        self.session_csrf_for(user.user.id.0, &user.sid)
    }

    /// The CSRF token of the session `sid` of `user` (a session just issued).
    pub fn session_csrf_for(&self, user: i64, sid: &str) -> String {
        format!("{sid}.{}", self.csrf("session", &format!("{user}\0{sid}")))
    }

    /// Whether `token` is the CSRF token of this visitor's session (constant time).
    pub fn check_session_csrf(&self, user: &PageUser, token: &str) -> bool {
        same(&self.session_csrf(user), token)
    }

    /// Whether `token` is the CSRF token of some session of `user`, current or ended: a form
    /// posted after its session expired was shown to this person (not forged elsewhere).
    pub fn was_users_csrf(&self, user: i64, token: &str) -> bool {
        token
            .split_once('.')
            .is_some_and(|(sid, _)| same(&self.session_csrf_for(user, sid), token))
    }
}

/// Whether two strings are equal, in time that depends on their length only.
fn same(expected: &str, token: &str) -> bool {
    expected.len() == token.len()
        && expected
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// A fresh random nonce (256 bits, hex).
pub fn nonce() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    to_hex(&bytes)
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// HMAC-SHA256 (RFC 2104), over the `sha2` the crate already has.
fn hmac_sha256(key: &[u8; 32], message: &[u8]) -> [u8; 32] {
    let mut inner_pad = [0x36u8; 64];
    let mut outer_pad = [0x5cu8; 64];
    for (i, k) in key.iter().enumerate() {
        inner_pad[i] ^= k;
        outer_pad[i] ^= k;
    }
    let inner = Sha256::new()
        .chain_update(inner_pad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(outer_pad)
        .chain_update(inner)
        .finalize()
        .into()
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// A signed-in page visitor: the user and the session's id (for its CSRF token).
#[derive(Clone, Debug)]
pub struct PageUser {
    pub user: CurrentUser,
    /// The session's id; for a cookie issued before sessions had one, its JWT.
    pub sid: String,
}

/// A renewed session cookie (`Set-Cookie` value) waiting in the request's extensions for
/// [`renew_cookie`] to send.
#[derive(Clone, Debug)]
struct Renewed(String);

/// Middleware: sends the renewed session cookie a page's visitor earned (see
/// [`MaybePageUser`]), unless the response sets the session cookie itself (sign-in, sign-out,
/// a new password).
pub async fn renew_cookie(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let mut response = next.call(req).await?;
    let renewed = response.request().extensions().get::<Renewed>().cloned();
    if let Some(Renewed(cookie)) = renewed {
        let sets_its_own = response
            .headers()
            .get_all(header::SET_COOKIE)
            .any(|v| v.as_bytes().starts_with(SESSION_COOKIE.as_bytes()));
        if !sets_its_own && let Ok(value) = header::HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    Ok(response)
}

/// A page visitor, signed in or not. An absent, expired or otherwise invalid cookie is
/// anonymous (pages then offer the login form); only a database failure is an error.
#[derive(Clone, Debug)]
pub struct MaybePageUser(pub Option<PageUser>);

impl FromRequest for MaybePageUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let jwt = cookie(req, SESSION_COOKIE);
        let db = req.app_data::<web::Data<Database>>().cloned();
        let config = req.app_data::<web::Data<JwtConfig>>().cloned();
        let cache = req.app_data::<web::Data<IdentityCache>>().cloned();
        let cookies = req.app_data::<web::Data<SessionConfig>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let (Some(jwt), Some(db), Some(config), Some(cache)) = (jwt, db, config, cache) else {
                return Ok(MaybePageUser(None));
            };
            let (user, claims) = match extract::session_from_jwt(db, cache, &config, &jwt).await {
                Ok(found) => found,
                Err(ApiError::Unauthorized(_)) => return Ok(MaybePageUser(None)),
                Err(other) => return Err(other),
            };
            // The person is at work: the session goes on for the idle time from now.
            match (config.renew_session(&claims), cookies) {
                (Ok(Some(renewed)), Some(cookies)) => {
                    let cookie = cookies.session_cookie(&renewed.token, renewed.expires_in);
                    req.extensions_mut().insert(Renewed(cookie));
                }
                (Err(e), _) => log::warn!("session not renewed: {e}"),
                _ => {}
            }
            let sid = claims.sid.unwrap_or(jwt);
            Ok(MaybePageUser(Some(PageUser { user, sid })))
        })
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_style_vectors() {
        // HMAC-SHA256 with a 32-byte key of 0x0b, message "Hi There": checked against
        // `openssl dgst -sha256 -mac HMAC -macopt hexkey:0b…0b`.
        let mac = hmac_sha256(&[0x0b; 32], b"Hi There");
        assert_eq!(
            to_hex(&mac),
            "198a607eb44bfbc69903a0f1cf2bbdc5ba0aa3f3d9ae3c1c7a3b1696a0b68cf7"
        );
    }

    #[test]
    fn csrf_tokens_are_bound_to_their_value_and_purpose() {
        let settings = Settings::load(None).expect("defaults");
        let config = SessionConfig::new(&settings, "127.0.0.1:0");
        let token = config.csrf("session", "jwt-a");
        assert!(config.check_csrf("session", "jwt-a", &token));
        assert!(!config.check_csrf("session", "jwt-b", &token));
        assert!(!config.check_csrf("login", "jwt-a", &token));
        assert!(!config.check_csrf("session", "jwt-a", ""));
        assert!(!config.session_cookie("x", 60).contains("Secure"));
        assert!(
            SessionConfig::new(&settings, "0.0.0.0:80")
                .attributes()
                .contains("Secure")
        );
    }

    #[test]
    fn cookies_are_read_by_name() {
        let req = TestRequest::default()
            .insert_header((header::COOKIE, "a=1; pilote_session=abc.def; b="))
            .to_http_request();
        assert_eq!(cookie(&req, SESSION_COOKIE).as_deref(), Some("abc.def"));
        assert_eq!(cookie(&req, "b"), None);
        assert_eq!(cookie(&req, "c"), None);
    }
}
