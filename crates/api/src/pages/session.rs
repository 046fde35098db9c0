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
    email: String,
    error: Option<&'static str>,
    /// The demo accounts, on a loopback `serve --demo` only.
    demo: Vec<DemoAccount>,
    /// Whether the password form is offered.
    password: bool,
    /// Whether « S'identifier avec ProConnect » is offered.
    proconnect: bool,
}

/// The login form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    csrf: String,
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
) -> HttpResponse {
    if visitor.0.is_some() {
        return redirect("/");
    }
    let nonce = session::cookie(&req, NONCE_COOKIE).unwrap_or_else(session::nonce);
    login_page(
        &config,
        &demo,
        &options,
        &nonce,
        String::new(),
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
    email: String,
    error: Option<&'static str>,
    status: StatusCode,
) -> HttpResponse {
    let page = LoginPage {
        nav: Nav::default(),
        csrf: config.csrf("login", nonce),
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
    } = form.into_inner();
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
            HttpResponse::SeeOther()
                .insert_header((actix_web::http::header::LOCATION, "/"))
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
            email,
            Some("Adresse électronique ou mot de passe incorrect."),
            StatusCode::UNAUTHORIZED,
        ),
        Outcome::Limited { .. } => login_page(
            &config,
            &demo,
            &options,
            &nonce,
            email,
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
