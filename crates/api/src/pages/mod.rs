//! The web pages, in French: server-rendered askama templates, no script. Registered outside
//! `/api/v1` and outside the OpenAPI document; see `docs/web.md`.
//!
//! Pages read the session cookie ([`MaybePageUser`]); the API never does.

use actix_web::{
    HttpRequest, HttpResponse, ResponseError,
    body::BoxBody,
    http::{StatusCode, header},
    web,
};
use std::sync::atomic::{AtomicBool, Ordering};

use askama::Template;

use crate::{
    auth::session::{PageUser, SessionConfig},
    error::ApiError,
    review_pack::ErrorPage,
};

mod account;
mod charts;
mod contract;
mod decision;
mod forms;
mod legal;
mod measures;
mod measures_csv;
mod portfolio;
mod product;
mod session;
mod stats;
mod suspect;

/// What every page's layout needs: who is signed in, and the logout form's CSRF token.
#[derive(Clone, Debug, Default)]
pub struct Nav {
    /// The signed-in person's name, if any.
    pub user: Option<String>,
    /// The CSRF token of the logout form (empty when anonymous).
    pub csrf: String,
}

/// Whether pages show the « République Française » brand block (`web.state_brand`). A
/// process-wide switch set once at start-up: every page, error pages included, renders the
/// layout, and most of them are built where no settings are at hand.
static STATE_BRAND: AtomicBool = AtomicBool::new(true);

/// Sets the brand switch (from `web.state_brand`), before the server starts.
pub fn set_state_brand(on: bool) {
    STATE_BRAND.store(on, Ordering::Relaxed);
}

impl Nav {
    /// Whether the layout shows the « République Française » brand block.
    pub fn state_brand(&self) -> bool {
        STATE_BRAND.load(Ordering::Relaxed)
    }

    /// The layout of a signed-in person's page.
    pub fn of(user: &PageUser, config: &SessionConfig) -> Nav {
        Nav {
            user: Some(user.user.name.clone()),
            csrf: config.csrf("session", &user.jwt),
        }
    }
}

/// Registers the pages and what they need. Call outside the server factory, like
/// `auth::configure`, and pass a clone to `App::configure`.
pub fn configure(
    config: SessionConfig,
) -> impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static {
    let config = web::Data::new(config);
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(config.clone())
            // Only pages take forms; a malformed one gets the French page, not plain text.
            // 256 KiB: the weekly form carries a value and a comment (up to 2,000 characters,
            // percent-encoded) per indicator. The CSV forms read their own body (10 MiB).
            .app_data(
                web::FormConfig::default()
                    .limit(256 * 1024)
                    .error_handler(|error, _| {
                        let page = error_page(ApiError::BadRequest(error.to_string()));
                        actix_web::error::InternalError::from_response(error, page).into()
                    }),
            )
            .service(crate::assets::dsfr)
            .service(legal::accessibility)
            .service(legal::legal_notice)
            .service(legal::personal_data)
            .service(session::login_form)
            .service(session::login)
            .service(session::logout)
            .service(portfolio::portfolio_page)
            .service(stats::stats)
            .service(product::product_page)
            .service(contract::contract_page)
            .service(measures::show)
            .service(measures::save)
            .service(measures_csv::upload)
            .service(measures_csv::confirm)
            .service(suspect::clear)
            .service(decision::show)
            .service(decision::create)
            .service(account::show)
            .service(account::change_password)
            .service(account::create_token)
            .service(account::revoke_token);
    }
}

/// A rendered page: HTML, private (pages may show what only a signed-in person may see).
pub fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .body(body)
}

/// A template rendered, or a 500 page.
pub fn render(template: &impl Template) -> HttpResponse {
    match template.render() {
        Ok(body) => html(body),
        Err(e) => error_page(ApiError::Internal(Box::new(e))),
    }
}

/// A 303 to `location` (after a form, or to the login page).
pub fn redirect(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// The error as a French page with the error's status. The error stays attached to the
/// response, so that the request-id middleware logs a 5xx cause.
pub fn error_page(error: ApiError) -> HttpResponse {
    let status = error.status_code();
    let (title, message) = texts(status);
    let page = ErrorPage {
        status: status.as_u16(),
        title,
        message,
    };
    // The template has no failing part; should it fail, the status still says it all.
    let body = page.render().unwrap_or_default();
    let mut response = HttpResponse::from_error(error).set_body(BoxBody::new(body));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

fn texts(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 | 422 => (
            "Demande invalide",
            "Le formulaire envoyé est incomplet ou mal formé.",
        ),
        401 => (
            "Connexion requise",
            "Cette page n'est accessible qu'aux personnes connectées à Pilote.",
        ),
        403 => (
            "Accès refusé",
            "Votre compte ne permet pas cette action, ou le formulaire a expiré : \
             rechargez la page, puis réessayez.",
        ),
        404 => (
            "Page introuvable",
            "L'adresse demandée ne correspond à aucune page de Pilote. Vérifiez-la, ou \
             repartez de l'accueil.",
        ),
        429 => (
            "Trop de tentatives",
            "Trop de tentatives de connexion ont échoué. Patientez quelques minutes, puis \
             réessayez.",
        ),
        503 => (
            "Service momentanément indisponible",
            "La base de données ne répond pas. Réessayez dans quelques instants.",
        ),
        _ => (
            "Erreur interne",
            "La page n'a pas pu être produite. L'incident est consigné.",
        ),
    }
}

/// Whether an unknown path should be answered with a French page: outside the API and the
/// charts, to a client that accepts HTML (a browser). Scripts keep the JSON envelope.
pub fn wants_page(req: &HttpRequest) -> bool {
    let path = req.path();
    let machine = path.starts_with("/api/") || path.starts_with("/charts/");
    let accepts_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    !machine && accepts_html
}
