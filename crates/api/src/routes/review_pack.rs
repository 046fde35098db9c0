//! `GET /products/{slug}/reviews/{id}`: the review pack as a French HTML page to print. A web
//! page, not part of `/api/v1`, so it is deliberately left out of the OpenAPI document.
//! Errors come as a French HTML page too, or as the JSON envelope to a client that asks for
//! `application/json`.

use actix_web::{
    FromRequest, HttpRequest, HttpResponse, ResponseError,
    body::BoxBody,
    dev::Payload,
    get,
    http::header::{self, ContentType},
    web,
};
use askama::Template;
use pilote_domain::access::Action;
use pilote_store::{Database, ReviewId};

use super::scope;
use crate::{
    access,
    auth::{Principal, session::MaybePageUser},
    error::ApiError,
    review_pack::{self, ErrorPage},
};

/// The pack of one review: any signed-in person may read it, like the review's JSON, with a
/// Bearer token or the pages' session cookie.
#[get("/products/{slug}/reviews/{id}")]
pub async fn page(req: HttpRequest, path: web::Path<(String, i64)>) -> HttpResponse {
    let (slug, id) = path.into_inner();
    match pack(&req, &slug, ReviewId(id)).await {
        Ok(html) => HttpResponse::Ok()
            .content_type(ContentType::html())
            // A review's figures are not for shared caches.
            .insert_header((header::CACHE_CONTROL, "private, no-cache"))
            .body(html),
        Err(error) if wants_json(&req) => error.error_response(),
        Err(error) => error_page(error),
    }
}

async fn pack(req: &HttpRequest, slug: &str, id: ReviewId) -> Result<String, ApiError> {
    // A script sends its Bearer token; a browser, following a link of the pages, its
    // session cookie (a GET that changes nothing, so no CSRF token is needed).
    let principal = if req.headers().contains_key(header::AUTHORIZATION) {
        Principal::from_request(req, &mut Payload::None).await?
    } else {
        match MaybePageUser::from_request(req, &mut Payload::None).await? {
            MaybePageUser(Some(visitor)) => Principal::User(visitor.user),
            MaybePageUser(None) => Principal::from_request(req, &mut Payload::None).await?,
        }
    };
    access::person_allowed(&principal, Action::Read)?;
    let slug = scope::slug(slug, "product")?;
    let db = req
        .app_data::<web::Data<Database>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal("Database missing from app data".into()))?;
    // Reading in one transaction; drawing the charts and the page after, off the connection.
    let data = web::block(move || db.read(|c| review_pack::load(c, &slug, id))).await??;
    web::block(move || review_pack::render(data)).await?
}

/// Whether the client prefers JSON (a script) to a page (a browser).
fn wants_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json") && !v.contains("text/html"))
}

/// The error as a French page, with the status (and `WWW-Authenticate`) of the JSON answer.
/// The error stays attached to the response so that a 5xx cause is still logged.
fn error_page(error: ApiError) -> HttpResponse {
    let status = error.status_code();
    let (title, message) = match status.as_u16() {
        401 => (
            "Connexion requise",
            "Ce dossier de revue n'est accessible qu'aux personnes connectées à Pilote. \
             Connectez-vous, puis rouvrez ce lien.",
        ),
        403 => (
            "Accès refusé",
            "Votre compte ne permet pas de consulter ce dossier de revue.",
        ),
        404 => (
            "Revue introuvable",
            "Aucune revue ne correspond à cette adresse pour ce produit.",
        ),
        503 => (
            "Service momentanément indisponible",
            "La base de données ne répond pas. Réessayez dans quelques instants.",
        ),
        _ => (
            "Erreur interne",
            "Le dossier de revue n'a pas pu être produit. L'incident est consigné.",
        ),
    };
    let error_page = ErrorPage {
        status: status.as_u16(),
        title,
        message,
    };
    // The template has no failing part; should it fail, the status still says it all.
    let body = error_page.render().unwrap_or_default();
    // From the error, so that it stays attached (a 5xx cause is logged with the request id)
    // and the headers are the JSON answer's (`WWW-Authenticate` on 401); only the body and
    // its type change.
    let mut response = HttpResponse::from_error(error).set_body(BoxBody::new(body));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}
