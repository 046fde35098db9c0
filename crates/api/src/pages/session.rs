//! `/connexion` and `/deconnexion`: signing in through the same code as
//! `POST /api/v1/auth/login` (same rate limits, same answers for every kind of failure), the
//! JWT then kept in the `pilote_session` cookie.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use pilote_domain::Email;
use pilote_store::{Database, UserId, repo::users};
use serde::Deserialize;

use super::{
    Nav, error_page,
    forms::{PageError, Rendered},
    redirect,
};
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
    /// A form posted after its session expired, carried through signing in.
    pending: Option<Pending>,
    /// Whether « Mot de passe oublié ? » is offered (SMTP is configured).
    reset: bool,
}

impl LoginPage {
    fn new(
        config: &SessionConfig,
        demo: &DemoAccounts,
        options: &SignInOptions,
        nonce: &str,
        (email, suite): (String, String),
        error: Option<&'static str>,
        pending: Option<Pending>,
    ) -> LoginPage {
        LoginPage {
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
            // Only the password form carries a pending form.
            pending: pending.filter(|_| options.password),
        }
    }
}

/// A form posted after its session expired: where it was posted, its fields but the CSRF
/// token (`application/x-www-form-urlencoded`, as posted) and that token. Kept in the login
/// page's hidden fields — nothing is stored on the server, as for the CSV preview.
#[derive(Clone, Debug, Default)]
pub struct Pending {
    action: String,
    fields: String,
    token: String,
}

/// The page that gives a pending form back once signed in again.
#[derive(Template)]
#[template(path = "resume.html")]
struct ResumePage {
    nav: Nav,
    action: String,
    /// Every field, to post again as it was.
    fields: Vec<(String, String)>,
    /// The fields that hold something, to show.
    shown: Vec<(String, String)>,
    /// The page to go to instead.
    back: String,
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
    /// A pending form's action, fields and CSRF token (see [`Pending`]).
    #[serde(default)]
    reprise_action: String,
    #[serde(default)]
    reprise: String,
    #[serde(default)]
    reprise_jeton: String,
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
pub(super) fn encode(value: &str) -> String {
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
    let page = LoginPage::new(
        &config,
        &demo,
        &options,
        &nonce,
        (String::new(), suite),
        None,
        None,
    );
    login_page(&page, &config, &nonce, StatusCode::OK)
}

/// The login page answered with `status`, and the nonce cookie its CSRF token is made from.
fn login_page(
    page: &LoginPage,
    config: &SessionConfig,
    nonce: &str,
    status: StatusCode,
) -> HttpResponse {
    let mut response = super::render(page);
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
        reprise_action,
        reprise,
        reprise_jeton,
    } = form.into_inner();
    let suite = return_path(&suite).unwrap_or_default().to_owned();
    let pending = return_path(&reprise_action)
        .filter(|action| carried(action))
        .map(|action| Pending {
            action: action.to_owned(),
            fields: reprise,
            token: reprise_jeton,
        });
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
            // A form posted after the session expired, shown to this same person: given back.
            let resumed = pending
                .filter(|p| config.was_users_csrf(user.id.0, &p.token))
                .and_then(|p| {
                    let sid = jwt.verify(&issued.token).ok()?.sid?;
                    Some(resume_page(&config, &user, &sid, p, to))
                });
            let mut response = match resumed {
                Some(page) => page,
                None => redirect(to),
            };
            for cookie in [
                config.session_cookie(&issued.token, issued.expires_in),
                config.cleared(NONCE_COOKIE),
            ] {
                if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&cookie) {
                    response
                        .headers_mut()
                        .append(actix_web::http::header::SET_COOKIE, value);
                }
            }
            response
        }
        Outcome::Rejected | Outcome::Limited { .. } => {
            let (error, status) = if matches!(outcome, Outcome::Rejected) {
                (
                    "Adresse électronique ou mot de passe incorrect.",
                    StatusCode::UNAUTHORIZED,
                )
            } else {
                (
                    "Trop de tentatives ont échoué : patientez quelques minutes, puis réessayez.",
                    StatusCode::TOO_MANY_REQUESTS,
                )
            };
            let page = LoginPage::new(
                &config,
                &demo,
                &options,
                &nonce,
                (email, suite),
                Some(error),
                pending,
            );
            login_page(&page, &config, &nonce, status)
        }
    }
}

/// Whether a form posted to `action` may be carried through the login page: not the account's
/// forms, whose fields are passwords (never written back into a page) or tokens.
fn carried(action: &str) -> bool {
    !action.starts_with("/compte")
}

/// The answer to a form posted without a valid session (it expired while the person typed):
/// the login page carrying the form, to come back to the page it was on. A form that cannot
/// be carried goes to the login page as any page does.
pub(super) fn pending_sign_in(req: &HttpRequest, body: &[u8]) -> PageError {
    // The page the form was on (this site's only), else the form's own address.
    let back = req
        .headers()
        .get(actix_web::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|url| url.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
        .filter(|path| return_path(path).is_some())
        .unwrap_or_else(|| req.path().to_owned());
    let action = req.path();
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body) else {
        return PageError::SignIn(Some(back));
    };
    if return_path(action).is_none() || !carried(action) {
        return PageError::SignIn(Some(back));
    }
    let token = pairs
        .iter()
        .find(|(name, _)| name == "csrf")
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    let rest: Vec<&(String, String)> = pairs.iter().filter(|(name, _)| name != "csrf").collect();
    let pending = Pending {
        action: action.to_owned(),
        fields: serde_urlencoded::to_string(rest).unwrap_or_default(),
        token,
    };
    let (Some(config), Some(demo), Some(options)) = (
        req.app_data::<web::Data<SessionConfig>>(),
        req.app_data::<web::Data<DemoAccounts>>(),
        req.app_data::<web::Data<SignInOptions>>(),
    ) else {
        return PageError::SignIn(Some(back));
    };
    let nonce = session::cookie(req, NONCE_COOKIE).unwrap_or_else(session::nonce);
    let suite = return_path(&back).unwrap_or_default().to_owned();
    let page = LoginPage::new(
        config,
        demo,
        options,
        &nonce,
        (String::new(), suite),
        Some(
            "Votre session a expiré : rien n'a encore été enregistré. Ce que vous aviez saisi \
             est conservé : connectez-vous de nouveau pour le retrouver et l'envoyer.",
        ),
        Some(pending),
    );
    match page.render() {
        Ok(html) => PageError::Rendered(Rendered {
            status: StatusCode::UNAUTHORIZED,
            html,
            cookies: vec![config.nonce_cookie(&nonce)],
        }),
        Err(e) => PageError::Error(ApiError::Internal(Box::new(e))),
    }
}

/// The pending form given back: what was typed, to send with the new session's CSRF token.
fn resume_page(
    config: &SessionConfig,
    user: &users::User,
    sid: &str,
    pending: Pending,
    back: &str,
) -> HttpResponse {
    let fields: Vec<(String, String)> =
        serde_urlencoded::from_str(&pending.fields).unwrap_or_default();
    let page = ResumePage {
        nav: Nav {
            user: Some(user.name.clone()),
            csrf: config.session_csrf_for(user.id.0, sid),
            // A step between two pages, not a place to go on from: the grants are not read
            // for it, and the administrators' menu links are left out.
            admin: false,
            manager: false,
        },
        action: pending.action,
        shown: fields
            .iter()
            .filter(|(_, value)| !value.trim().is_empty())
            .cloned()
            .collect(),
        fields,
        back: back.to_owned(),
    };
    super::render(&page)
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
        (Some(user), Some(form)) if config.check_session_csrf(user, &form.csrf) => user.user.id,
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
