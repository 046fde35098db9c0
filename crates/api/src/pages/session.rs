//! `/connexion` and `/deconnexion`: signing in through the same code as
//! `POST /api/v1/auth/login` (same rate limits, same answers for every kind of failure), the
//! JWT then kept in the `pilote_session` cookie.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use pilote_domain::Email;
use pilote_store::{Database, UserId, repo::users};
use serde::Deserialize;

use super::{Nav, error_page, redirect};
use crate::{
    auth::{
        JwtConfig, SignInOptions,
        jwt::IssuedToken,
        login::{Outcome, attempt},
        proconnect::ID_TOKEN_COOKIE,
        session::{self, MaybePageUser, NONCE_COOKIE, SESSION_COOKIE, SessionConfig},
    },
    db,
    demo_accounts::{DemoAccount, DemoAccounts},
    error::ApiError,
};

/// The login page.
#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Nav,
    csrf: String,
    /// Where to come back once signed in (already checked), or empty.
    suite: String,
    email: String,
    error: Option<&'static str>,
    /// The demo accounts, on a loopback `serve --demo` only.
    demo: Vec<DemoAccount>,
    /// Whether the password form is offered.
    password: bool,
    /// Whether « S'identifier avec ProConnect » is offered.
    proconnect: bool,
    /// Whether « Mot de passe oublié ? » is offered (SMTP is configured).
    reset: bool,
}

/// The login form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    csrf: String,
    /// Where to go once signed in (a relative path; anything else goes to `/`).
    #[serde(default)]
    suite: String,
}

/// `?suite=` of the login page.
#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    suite: String,
}

/// `next` if it is a path of this site: one leading `/`, no scheme, host or backslash, no
/// control character, at most 2 000 characters. Anything else would let a link send a person
/// elsewhere right after signing in (an open redirect).
pub fn return_path(next: &str) -> Option<&str> {
    let safe = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && next.len() <= 2000
        && !next.chars().any(char::is_control)
        && !next.starts_with("/connexion");
    safe.then_some(next)
}

/// The login page's address, coming back to `next` afterwards (the portfolio needs no
/// mention: it is where a sign-in goes anyway).
pub fn login_url(next: Option<&str>) -> String {
    match next.and_then(return_path).filter(|n| *n != "/") {
        Some(next) => format!("/connexion?suite={}", encode(next)),
        None => "/connexion".to_owned(),
    }
}

/// Percent-encodes a query value (RFC 3986: unreserved characters kept).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// A form with only its CSRF token (logout).
#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// The login form; a signed-in visitor goes straight to the portfolio. Sets the CSRF nonce
/// cookie the form's token is made from.
#[get("/connexion")]
pub async fn login_form(
    req: HttpRequest,
    visitor: MaybePageUser,
    config: web::Data<SessionConfig>,
    demo: web::Data<DemoAccounts>,
    options: web::Data<SignInOptions>,
    query: web::Query<LoginQuery>,
) -> HttpResponse {
    let suite = return_path(&query.suite).unwrap_or_default().to_owned();
    if visitor.0.is_some() {
        return redirect(if suite.is_empty() { "/" } else { &suite });
    }
    let nonce = session::cookie(&req, NONCE_COOKIE).unwrap_or_else(session::nonce);
    login_page(
        &config,
        &demo,
        &options,
        &nonce,
        (String::new(), suite),
        None,
        StatusCode::OK,
    )
}

#[allow(clippy::too_many_arguments)]
fn login_page(
    config: &SessionConfig,
    demo: &DemoAccounts,
    options: &SignInOptions,
    nonce: &str,
    (email, suite): (String, String),
    error: Option<&'static str>,
    status: StatusCode,
) -> HttpResponse {
    let page = LoginPage {
        nav: Nav::default(),
        csrf: config.csrf("login", nonce),
        suite,
        email,
        error,
        // Demo passwords are no use where passwords are refused.
        demo: if options.password {
            demo.0.clone()
        } else {
            Vec::new()
        },
        password: options.password,
        proconnect: options.proconnect.is_some(),
        reset: options.password_reset,
    };
    let mut response = super::render(&page);
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    if let Ok(value) = config.nonce_cookie(nonce).parse() {
        response
            .headers_mut()
            .append(actix_web::http::header::SET_COOKIE, value);
    }
    response
}

/// Checks the credentials; on success sets the session cookie and goes to the portfolio.
#[post("/connexion")]
pub async fn login(
    req: HttpRequest,
    db: web::Data<Database>,
    jwt: web::Data<JwtConfig>,
    config: web::Data<SessionConfig>,
    demo: web::Data<DemoAccounts>,
    options: web::Data<SignInOptions>,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    if !options.password {
        return error_page(ApiError::Forbidden("password sign-in is off".to_owned()));
    }
    let LoginForm {
        email,
        password,
        csrf,
        suite,
    } = form.into_inner();
    let suite = return_path(&suite).unwrap_or_default().to_owned();
    let Some(nonce) = session::cookie(&req, NONCE_COOKIE) else {
        return error_page(ApiError::Forbidden("missing CSRF nonce".to_owned()));
    };
    if !config.check_csrf("login", &nonce, &csrf) {
        return error_page(ApiError::Forbidden("invalid CSRF token".to_owned()));
    }
    // The TCP peer, or the client a trusted reverse proxy names (see `client_ip`).
    let ip = crate::client_ip::client_ip(&req);
    let typed = email.clone();
    let db_for_session = db.clone();
    let outcome = match web::block(move || attempt(&db, &typed, &password, &ip)).await {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(e)) => return error_page(e.into()),
        Err(e) => return error_page(e.into()),
    };
    match outcome {
        Outcome::Accepted(user) => {
            let issued = match issue_session(&db_for_session, &jwt, user.id, &user.email).await {
                Ok(issued) => issued,
                Err(e) => return error_page(e),
            };
            log::info!("user {} signed in to the pages", user.id);
            let to = if suite.is_empty() {
                "/"
            } else {
                suite.as_str()
            };
            HttpResponse::SeeOther()
                .insert_header((actix_web::http::header::LOCATION, to))
                .append_header((
                    actix_web::http::header::SET_COOKIE,
                    config.session_cookie(&issued.token, issued.expires_in),
                ))
                .append_header((
                    actix_web::http::header::SET_COOKIE,
                    config.cleared(NONCE_COOKIE),
                ))
                .finish()
        }
        Outcome::Rejected => login_page(
            &config,
            &demo,
            &options,
            &nonce,
            (email, suite.clone()),
            Some("Adresse électronique ou mot de passe incorrect."),
            StatusCode::UNAUTHORIZED,
        ),
        Outcome::Limited { .. } => login_page(
            &config,
            &demo,
            &options,
            &nonce,
            (email, suite),
            Some("Trop de tentatives ont échoué : patientez quelques minutes, puis réessayez."),
            StatusCode::TOO_MANY_REQUESTS,
        ),
    }
}

/// Signs a session cookie's JWT, bound to the user's current session generation.
pub(super) async fn issue_session(
    db: &web::Data<Database>,
    jwt: &JwtConfig,
    user: UserId,
    email: &Email,
) -> Result<IssuedToken, ApiError> {
    let generation = db::read(db, move |c| users::session_generation(c, user)).await?;
    jwt.issue_session(user, email, generation)
        .map_err(|e| ApiError::Internal(Box::new(e)))
}

/// Ends the session, given its CSRF token (403 without it): the user's session generation
/// moves on, so that the cookie's JWT is refused from now on even if a copy of it survives,
/// and the browser is told to forget it. The user's other browsers are signed out too: one
/// generation per user is what keeps this stateless check to a single column.
#[post("/deconnexion")]
pub async fn logout(
    req: HttpRequest,
    options: web::Data<SignInOptions>,
    visitor: MaybePageUser,
    db: web::Data<Database>,
    config: web::Data<SessionConfig>,
    form: Option<web::Form<CsrfForm>>,
) -> HttpResponse {
    let user = match (&visitor.0, &form) {
        (Some(user), Some(form)) if config.check_csrf("session", &user.jwt, &form.csrf) => {
            user.user.id
        }
        _ => return error_page(ApiError::Forbidden("invalid CSRF token".to_owned())),
    };
    if let Err(e) = db::write(&db, move |c| users::end_sessions(c, user)).await {
        return error_page(e);
    }
    log::info!("user {} signed out of the pages", user.0);
    // Signed in with ProConnect: its session ends too, or the next « S'identifier avec
    // ProConnect » would sign the same person in without asking. Should the provider be out
    // of reach, Pilote's own session is ended all the same.
    let mut location = "/connexion".to_owned();
    if let (Some(client), Some(id_token)) = (
        options.proconnect.clone(),
        session::cookie(&req, ID_TOKEN_COOKIE),
    ) {
        match web::block(move || client.logout_url(&id_token)).await {
            Ok(Ok(Some(url))) => location = url,
            Ok(Ok(None)) => {}
            Ok(Err(e)) => log::warn!("ProConnect logout skipped: {}", e.detail()),
            Err(e) => log::warn!("ProConnect logout skipped: {e}"),
        }
    }
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location))
        .append_header((
            actix_web::http::header::SET_COOKIE,
            config.cleared(SESSION_COOKIE),
        ))
        .append_header((
            actix_web::http::header::SET_COOKIE,
            config.cleared(ID_TOKEN_COOKIE),
        ))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site_come_back_after_signing_in() {
        assert_eq!(
            return_path("/produits/aides?x=1"),
            Some("/produits/aides?x=1")
        );
        for elsewhere in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "",
            "/connexion?suite=/x",
            "/a\nb",
        ] {
            assert_eq!(return_path(elsewhere), None, "{elsewhere:?}");
        }
        assert_eq!(login_url(Some("/")), "/connexion");
        assert_eq!(
            login_url(Some("/produits/a b")),
            "/connexion?suite=/produits/a%20b"
        );
        assert_eq!(login_url(Some("//evil.example")), "/connexion");
    }
}
