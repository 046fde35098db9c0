//! `GET /produits/{slug}/revues/{id}`: the review pack as a French HTML page to print, among
//! the product's other French pages; its first address, `/products/{slug}/reviews/{id}`, still
//! found in mails and bookmarks, redirects there (308). A web page, not part of `/api/v1`, so
//! it is deliberately left out of the OpenAPI document.
//! Errors come as a French HTML page too, or as the JSON envelope to a client that asks for
//! `application/json`.

use actix_web::{
    FromRequest, HttpRequest, HttpResponse, ResponseError,
    dev::Payload,
    get,
    http::header::{self, ContentType},
    web,
};
use pilote_domain::access::Action;
use pilote_store::{Database, ReviewId};

use super::error::{Subject, page_for};
use crate::{
    access,
    auth::{Principal, session::MaybePageUser},
    error::ApiError,
    service::{review_pack, scope},
};

/// The pack's first, English address: a permanent redirect (308, which keeps the method and
/// its headers) to the French one, query string included.
#[get("/products/{slug}/reviews/{id}")]
pub async fn old_address(req: HttpRequest, path: web::Path<(String, i64)>) -> HttpResponse {
    let (slug, id) = path.into_inner();
    let mut to = review_pack::href(&slug, ReviewId(id));
    if !req.query_string().is_empty() {
        to = format!("{to}?{}", req.query_string());
    }
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, to))
        .finish()
}

/// The pack of one review: any signed-in person may read it, like the review's JSON, with a
/// Bearer token or the pages' session cookie.
#[get("/produits/{slug}/revues/{id}")]
pub async fn page(req: HttpRequest, path: web::Path<(String, i64)>) -> HttpResponse {
    let (slug, id) = path.into_inner();
    match pack(&req, &slug, ReviewId(id)).await {
        Ok(html) => HttpResponse::Ok()
            .content_type(ContentType::html())
            // A review's figures are not for shared caches.
            .insert_header((header::CACHE_CONTROL, "private, no-cache"))
            .body(html),
        Err(error) if wants_json(&req) => error.error_response(),
        Err(error) => page_for(error, Subject::ReviewPack),
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
