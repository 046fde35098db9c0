//! Contract reviews: drafting, rewriting and signing one. The JSON routes
//! (`/api/v1/products/{slug}/reviews`, `/api/v1/reviews/{id}`) and the review pages
//! (`/produits/{slug}/revues/…`) share these functions, so the permission (the incubator's
//! managers, admins), the rules and the audit entries are the same.

use actix_web::web;
use chrono::Utc;
use pilote_domain::NewReview;
use pilote_store::{
    Database, ReviewId,
    repo::{
        products,
        reviews::{self, ReviewRecord},
    },
};

use crate::{
    access::{self, ProductScope},
    auth::Principal,
    db,
    error::ApiError,
};

/// Drafts a review of the product's contract, as of today, if `principal` manages the product
/// (403 otherwise); the contract's status at `reviewed_on` is frozen in its snapshot.
pub async fn create(
    db: &web::Data<Database>,
    principal: &Principal,
    scope: &ProductScope,
    review: NewReview,
) -> Result<ReviewRecord, ApiError> {
    access::person_allowed(principal, scope.manage())?;
    let today = Utc::now().date_naive();
    let product = scope.id;
    db::write_as(db, principal, move |c, actor| {
        reviews::create(c, product, &review, actor, today)
    })
    .await
}

/// Rewrites an unsigned review (the product's managers; a `Conflict` once signed).
pub async fn update(
    db: &web::Data<Database>,
    principal: &Principal,
    id: ReviewId,
    review: NewReview,
) -> Result<ReviewRecord, ApiError> {
    let scope = scope_of(db, id).await?;
    access::person_allowed(principal, scope.manage())?;
    let today = Utc::now().date_naive();
    db::write_as(db, principal, move |c, actor| {
        reviews::update(c, id, &review, actor, today)
    })
    .await
}

/// Signs a review, which freezes it (the product's managers); an `advance` or `stop` decision
/// goes through the phase rule, and a refusal signs nothing.
pub async fn sign(
    db: &web::Data<Database>,
    principal: &Principal,
    id: ReviewId,
) -> Result<ReviewRecord, ApiError> {
    let scope = scope_of(db, id).await?;
    access::person_allowed(principal, scope.manage())?;
    let today = Utc::now().date_naive();
    db::write_as(db, principal, move |c, actor| {
        reviews::sign(c, id, actor, today)
    })
    .await
}

/// The product a review belongs to, for permission checks (404 for an unknown review).
pub async fn scope_of(db: &web::Data<Database>, id: ReviewId) -> Result<ProductScope, ApiError> {
    db::read(db, move |c| {
        let product_id = reviews::get(c, id)?.product;
        let product = products::get(c, product_id)?;
        super::scope::of(c, product_id, product)
    })
    .await
}
