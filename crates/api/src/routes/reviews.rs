//! Contract reviews: `POST|GET /api/v1/products/{slug}/reviews`, `GET|PATCH
//! /api/v1/reviews/{id}` and `POST /api/v1/reviews/{id}/sign`.

use actix_web::{HttpResponse, get, patch, post, web};
use pilote_domain::access::Action;
use pilote_store::{Database, ReviewId, repo::reviews};

use super::review_dto::{ReviewBody, ReviewItem};
use crate::{
    access,
    auth::Principal,
    db,
    error::{ApiError, ErrorEnvelope, responses::*},
    json::Json,
    list::{List, PageQuery},
    service::{self, scope::scope_of},
};

/// Takes a review of the product's contract (the incubator's managers): the contract's status
/// at `reviewed_on` is frozen in `snapshot` with the verdict and the decision.
#[utoipa::path(
    operation_id = "reviews_create",
    tag = "reviews",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The product's slug")),
    responses(
        (status = 201, description = "The review and its frozen snapshot", body = ReviewItem),
        (status = 404, description = "Unknown product, or no contract yet", body = ErrorEnvelope),
        (status = 422, description = "Invalid: `reviewed_on` in the future, `reviewers[1]`, `decision.rationale`", body = ErrorEnvelope),
        JsonBody, Unauthorized, ManagersOnly, DatabaseDown,
    ),
)]
#[post("/products/{slug}/reviews")]
pub async fn create(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    body: Json<ReviewBody>,
) -> Result<HttpResponse, ApiError> {
    let scope = scope_of(&db, &path).await?;
    // The permission before the body: a refused caller learns nothing about the fields.
    access::person_allowed(&principal, scope.manage())?;
    let review = body.0.into_domain()?;
    let record = service::reviews::create(&db, &principal, &scope, review).await?;
    Ok(HttpResponse::Created().json(ReviewItem::try_from(record)?))
}

product_list! {
    /// The reviews of the product's contract, oldest first.
    fn list = "reviews_list", tag "reviews", get "/products/{slug}/reviews",
    200 "A page of reviews" ReviewItem,
    load reviews::list,
    each ReviewItem::try_from,
}

/// One review, with its frozen snapshot.
#[utoipa::path(
    operation_id = "reviews_get",
    tag = "reviews",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The review's id")),
    responses(
        (status = 200, description = "The review", body = ReviewItem),
        (status = 404, description = "Unknown review", body = ErrorEnvelope),
        Unauthorized, PersonsOnly, DatabaseDown,
    ),
)]
#[get("/reviews/{id}")]
pub async fn get(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<i64>,
) -> Result<web::Json<ReviewItem>, ApiError> {
    access::person_allowed(&principal, Action::Read)?;
    let id = ReviewId(path.into_inner());
    let record = db::read(&db, move |c| reviews::get(c, id)).await?;
    Ok(web::Json(record.try_into()?))
}

/// Rewrites an unsigned review (the incubator's managers); 409 once signed. The status in the
/// snapshot is taken again only if `reviewed_on` changes.
#[utoipa::path(
    operation_id = "reviews_update",
    tag = "reviews",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The review's id")),
    responses(
        (status = 200, description = "The review as rewritten", body = ReviewItem),
        (status = 404, description = "Unknown review", body = ErrorEnvelope),
        (status = 409, description = "The review is signed", body = ErrorEnvelope),
        (status = 422, description = "Invalid, naming the field", body = ErrorEnvelope),
        JsonBody, Unauthorized, ManagersOnly, DatabaseDown,
    ),
)]
#[patch("/reviews/{id}")]
pub async fn update(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<i64>,
    body: Json<ReviewBody>,
) -> Result<web::Json<ReviewItem>, ApiError> {
    let id = ReviewId(path.into_inner());
    let scope = service::reviews::scope_of(&db, id).await?;
    access::person_allowed(&principal, scope.manage())?;
    let review = body.0.into_domain()?;
    let record = service::reviews::update(&db, &principal, id, review).await?;
    Ok(web::Json(record.try_into()?))
}

/// Signs a review (the incubator's managers): it becomes immutable, and an `advance` or `stop`
/// decision changes the product's phase, dated on the review day, by the same rule as
/// committee decisions. 409 if already signed or if the phase rules refuse the decision (then
/// nothing is signed).
#[utoipa::path(
    operation_id = "reviews_sign",
    tag = "reviews",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The review's id")),
    responses(
        (status = 200, description = "The signed review", body = ReviewItem),
        (status = 404, description = "Unknown review", body = ErrorEnvelope),
        (status = 409, description = "Already signed, or the phase rules refuse the decision", body = ErrorEnvelope),
        Unauthorized, ManagersOnly, DatabaseDown,
    ),
)]
#[post("/reviews/{id}/sign")]
pub async fn sign(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<i64>,
) -> Result<web::Json<ReviewItem>, ApiError> {
    let id = ReviewId(path.into_inner());
    let record = service::reviews::sign(&db, &principal, id).await?;
    Ok(web::Json(record.try_into()?))
}
