//! The pages of the links sent by e-mail, and of asking for one:
//! - `/invitation/{secret}`: an invited person chooses a password (or signs in with
//!   ProConnect, which links the identity), then is signed in;
//! - `/mot-de-passe-oublie`: asking for a password-reset link, with the same answer whether
//!   the address has an account or not;
//! - `/mot-de-passe/{secret}`: choosing a new password with that link, then signed in.
//!
//! Their visitors are not signed in: the forms' CSRF tokens are made over the nonce cookie,
//! as the login form's are.

use actix_web::{
    HttpRequest, HttpResponse, get,
    http::{StatusCode, header},
    post, web,
};
use askama::Template;
use pilote_store::{
    Database,
    repo::{one_time_tokens::Purpose, users::User},
};
use serde::Deserialize;

use super::{Nav, error_page, forms::FieldErrors, proconnect::message, session::issue_session};
use crate::{
    auth::{
        JwtConfig, SignInOptions,
        session::{NONCE_COOKIE, SessionConfig},
    },
    client_ip::client_ip,
    error::ApiError,
    mail::Outbox,
    service::account_links::{self, Requested},
};

/// The page's answer with the nonce cookie its form's CSRF token is made over.
fn with_cookie(mut response: HttpResponse, cookie: &str) -> HttpResponse {
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The form of a link: choose a password.
#[derive(Template)]
#[template(path = "set_password.html")]
struct PasswordPage {
    nav: Nav,
    title: &'static str,
    intro: String,
    action: String,
    csrf: String,
    /// The ProConnect link carrying the invitation, when ProConnect is offered.
    proconnect: Option<String>,
    errors: FieldErrors,
}

/// The password form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    csrf: String,
    nouveau: String,
    confirmation: String,
}

/// What differs between an invitation and a reset.
struct Kind {
    purpose: Purpose,
    /// The path before the secret.
    path: &'static str,
    title: &'static str,
    /// The CSRF purpose of its form.
    csrf: &'static str,
}

const INVITATION: Kind = Kind {
    purpose: Purpose::Invitation,
    path: "/invitation/",
    title: "Activer votre compte Pilote",
    csrf: "invitation",
};

const RESET: Kind = Kind {
    purpose: Purpose::PasswordReset,
    path: "/mot-de-passe/",
    title: "Choisir un nouveau mot de passe",
    csrf: "password-reset",
};

fn refused(kind: &Kind, unusable: pilote_store::repo::one_time_tokens::Unusable) -> HttpResponse {
    let title = match kind.purpose {
        Purpose::Invitation => "Invitation inutilisable",
        Purpose::PasswordReset => "Lien inutilisable",
    };
    // 410: the link existed or may have; it serves no more.
    message(
        StatusCode::GONE,
        title,
        account_links::unusable_fr(unusable).to_owned(),
    )
}

fn password_page(
    req: &HttpRequest,
    config: &SessionConfig,
    options: &SignInOptions,
    (kind, secret, user): (&Kind, &str, &User),
    errors: FieldErrors,
) -> HttpResponse {
    let (csrf, cookie) = config.anonymous_csrf(req, kind.csrf);
    let intro = match kind.purpose {
        Purpose::Invitation => format!(
            "Bienvenue, {}. Choisissez le mot de passe de votre compte ({}).",
            user.name, user.email
        ),
        Purpose::PasswordReset => format!(
            "Choisissez le nouveau mot de passe du compte {}. Vos sessions ouvertes seront \
             fermées.",
            user.email
        ),
    };
    let proconnect = (kind.purpose == Purpose::Invitation && options.proconnect.is_some())
        .then(|| format!("/connexion/proconnect?invitation={secret}"));
    let page = PasswordPage {
        nav: Nav::default(),
        title: kind.title,
        intro,
        action: format!("{}{secret}", kind.path),
        csrf,
        proconnect,
        errors,
    };
    with_cookie(super::forms::form_page(&page, &page.errors), &cookie)
}

async fn show(
    req: HttpRequest,
    kind: &Kind,
    secret: &str,
    db: &web::Data<Database>,
    config: &SessionConfig,
    options: &SignInOptions,
) -> HttpResponse {
    match account_links::check(db, kind.purpose, secret).await {
        Ok(Ok(user)) => password_page(
            &req,
            config,
            options,
            (kind, secret, &user),
            FieldErrors::default(),
        ),
        Ok(Err(unusable)) => refused(kind, unusable),
        Err(e) => error_page(e),
    }
}

/// Everything the form's answer needs from the app.
struct App<'a> {
    db: &'a web::Data<Database>,
    jwt: &'a JwtConfig,
    config: &'a SessionConfig,
    options: &'a SignInOptions,
}

async fn save(
    req: HttpRequest,
    kind: &Kind,
    secret: &str,
    app: App<'_>,
    form: PasswordForm,
) -> HttpResponse {
    if !app.config.check_anonymous_csrf(&req, kind.csrf, &form.csrf) {
        return error_page(ApiError::Forbidden("invalid CSRF token".to_owned()));
    }
    let user = match account_links::check(app.db, kind.purpose, secret).await {
        Ok(Ok(user)) => user,
        Ok(Err(unusable)) => return refused(kind, unusable),
        Err(e) => return error_page(e),
    };
    let mut errors = FieldErrors::default();
    let label = "Mot de passe";
    let strong = crate::auth::password::check_strength(&form.nouveau);
    if errors.check("nouveau", label, strong).is_some() && form.confirmation != form.nouveau {
        let problem = "La confirmation ne correspond pas au mot de passe.";
        errors.add("confirmation", "Confirmation", problem);
    }
    if !errors.is_empty() {
        return password_page(&req, app.config, app.options, (kind, secret, &user), errors);
    }
    let user = match account_links::set_password(app.db, kind.purpose, secret, &form.nouveau).await
    {
        Ok(Ok(user)) => user,
        Ok(Err(unusable)) => return refused(kind, unusable),
        Err(e) => return error_page(e),
    };
    log::info!(
        "user {} chose a password through a one-time link",
        user.id.0
    );
    // Signed in at once: the person has just proved they read the address's mail.
    let issued = match issue_session(app.db, app.jwt, user.id, &user.email).await {
        Ok(issued) => issued,
        Err(e) => return error_page(e),
    };
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/"))
        .append_header((
            header::SET_COOKIE,
            app.config.session_cookie(&issued.token, issued.expires_in),
        ))
        .append_header((header::SET_COOKIE, app.config.cleared(NONCE_COOKIE)))
        .finish()
}

/// The kind of link a path names: `invitation` or `mot-de-passe`.
fn kind_of(segment: &str) -> &'static Kind {
    if segment == "invitation" {
        &INVITATION
    } else {
        &RESET
    }
}

/// A link's page: the password form (and ProConnect for an invitation, when offered).
#[get("/{kind:invitation|mot-de-passe}/{secret}")]
pub async fn link_form(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    db: web::Data<Database>,
    config: web::Data<SessionConfig>,
    options: web::Data<SignInOptions>,
) -> HttpResponse {
    let (kind, secret) = path.into_inner();
    show(req, kind_of(&kind), &secret, &db, &config, &options).await
}

/// Sets the password through the link (activating an invited account, or replacing a
/// forgotten password and ending the other sessions), and signs the person in.
#[post("/{kind:invitation|mot-de-passe}/{secret}")]
pub async fn set_password(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    db: web::Data<Database>,
    jwt: web::Data<JwtConfig>,
    config: web::Data<SessionConfig>,
    options: web::Data<SignInOptions>,
    form: web::Form<PasswordForm>,
) -> HttpResponse {
    let (kind, secret) = path.into_inner();
    let app = App {
        db: &db,
        jwt: &jwt,
        config: &config,
        options: &options,
    };
    save(req, kind_of(&kind), &secret, app, form.into_inner()).await
}

/// « Mot de passe oublié ? ».
#[derive(Template)]
#[template(path = "forgot_password.html")]
struct ForgotPage {
    nav: Nav,
    csrf: String,
    email: String,
    /// The address a request was taken for: the page then says what happens next.
    sent: Option<String>,
    errors: FieldErrors,
}

/// The request form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ForgotForm {
    csrf: String,
    email: String,
}

/// The CSRF purpose of the request form.
const FORGOT_CSRF: &str = "reset-request";

/// Offered only where a link can be sent: SMTP configured, and passwords accepted.
fn offered(outbox: &Outbox, options: &SignInOptions) -> bool {
    outbox.mailer.is_some() && options.password_reset
}

fn forgot_page(
    req: &HttpRequest,
    config: &SessionConfig,
    (email, sent): (String, Option<String>),
    errors: FieldErrors,
    status: StatusCode,
) -> HttpResponse {
    let (csrf, cookie) = config.anonymous_csrf(req, FORGOT_CSRF);
    let page = ForgotPage {
        nav: Nav::default(),
        csrf,
        email,
        sent,
        errors,
    };
    let mut response = super::render(&page);
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    with_cookie(response, &cookie)
}

/// The request form.
#[get("/mot-de-passe-oublie")]
pub async fn forgot_form(
    req: HttpRequest,
    config: web::Data<SessionConfig>,
    outbox: web::Data<Outbox>,
    options: web::Data<SignInOptions>,
) -> HttpResponse {
    if !offered(&outbox, &options) {
        return error_page(ApiError::NotFound("page"));
    }
    let empty = (String::new(), None);
    forgot_page(&req, &config, empty, FieldErrors::default(), StatusCode::OK)
}

/// Takes the request: the same answer whether the address has an account or not.
#[post("/mot-de-passe-oublie")]
pub async fn forgot(
    req: HttpRequest,
    config: web::Data<SessionConfig>,
    outbox: web::Data<Outbox>,
    options: web::Data<SignInOptions>,
    db: web::Data<Database>,
    form: web::Form<ForgotForm>,
) -> HttpResponse {
    if !offered(&outbox, &options) {
        return error_page(ApiError::NotFound("page"));
    }
    let ForgotForm { csrf, email } = form.into_inner();
    if !config.check_anonymous_csrf(&req, FORGOT_CSRF, &csrf) {
        return error_page(ApiError::Forbidden("invalid CSRF token".to_owned()));
    }
    let mut errors = FieldErrors::default();
    if email.trim().is_empty() {
        let problem = "Saisissez l'adresse électronique de votre compte.";
        errors.add("email", "Adresse électronique", problem);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return forgot_page(&req, &config, (email, None), errors, status);
    }
    let ip = client_ip(&req);
    match account_links::request_reset(&db, &outbox, &email, &ip).await {
        Ok(Requested::Taken) => {
            let sent = Some(email.trim().to_owned());
            forgot_page(&req, &config, (String::new(), sent), errors, StatusCode::OK)
        }
        Ok(Requested::Limited { retry_after_secs }) => {
            let minutes = retry_after_secs.div_ceil(60);
            message(
                StatusCode::TOO_MANY_REQUESTS,
                "Trop de demandes",
                format!(
                    "Trop de liens ont été demandés pour cette adresse ou depuis votre réseau\u{a0}: \
                     réessayez dans {minutes}\u{a0}minute{}.",
                    if minutes > 1 { "s" } else { "" }
                ),
            )
        }
        Err(e) => error_page(e),
    }
}
