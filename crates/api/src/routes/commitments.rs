//! `/api/v1/products/{slug}/contract/commitments`: accessibility, security, eco-design, open
//! source and data commitments of the contract.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use pilote_store::{CommitmentId, Database, repo::commitments};

use super::contract_dto::{CommitmentBody, CommitmentItem};
use crate::{
    access,
    auth::Principal,
    error::{ApiError, ErrorEnvelope, responses::*},
    json::Json,
    list::{List, PageQuery},
    service::{
        commitments::{self as service, CommitmentChange},
        scope::scope_of,
    },
};

product_list! {
    /// The commitments of the product's contract, oldest first.
    fn list = "commitments_list", tag "contract", get "/products/{slug}/contract/commitments",
    200 "A page of commitments" CommitmentItem,
    load commitments::list,
    each |(id, c)| Ok(CommitmentItem::new(id.0, c)),
}

/// Adds a commitment to the contract (the incubator's managers).
#[utoipa::path(
    operation_id = "commitments_create",
    tag = "contract",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The product's slug")),
    request_body = CommitmentBody,
    responses(
        (status = 201, description = "The commitment, with its id", body = CommitmentItem),
        (status = 404, description = "Unknown product, or no contract yet", body = ErrorEnvelope),
        (status = 422, description = "Invalid: `area`, `expected`, `current`, `evidence_url`", body = ErrorEnvelope),
        JsonBody, Unauthorized, ManagersOnly, DatabaseDown,
    ),
)]
#[post("/products/{slug}/contract/commitments")]
pub async fn create(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    body: Json<CommitmentBody>,
) -> Result<HttpResponse, ApiError> {
    let scope = scope_of(&db, &path).await?;
    // Permission first: a viewer learns nothing from the body's problems.
    access::person_allowed(&principal, scope.manage())?;
    let commitment = body.0.into_domain();
    commitment.validate()?;
    let create = CommitmentChange::Create(commitment.clone());
    let id = service::change(&db, &principal, &scope, create)
        .await?
        .ok_or_else(|| ApiError::Internal("a commitment created without an id".into()))?;
    Ok(HttpResponse::Created().json(CommitmentItem::new(id.0, commitment)))
}

/// Replaces a commitment (the incubator's managers).
#[utoipa::path(
    operation_id = "commitments_update",
    tag = "contract",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        ("id" = i64, Path, description = "The commitment's id"),
    ),
    request_body = CommitmentBody,
    responses(
        (status = 200, description = "The commitment as stored", body = CommitmentItem),
        (status = 404, description = "Unknown product or commitment", body = ErrorEnvelope),
        (status = 422, description = "Invalid: `area`, `expected`, `current`, `evidence_url`", body = ErrorEnvelope),
        JsonBody, Unauthorized, ManagersOnly, DatabaseDown,
    ),
)]
#[patch("/products/{slug}/contract/commitments/{id}")]
pub async fn update(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<(String, i64)>,
    body: Json<CommitmentBody>,
) -> Result<web::Json<CommitmentItem>, ApiError> {
    let (slug, id) = path.into_inner();
    let scope = scope_of(&db, &slug).await?;
    access::person_allowed(&principal, scope.manage())?;
    let commitment = body.0.into_domain();
    commitment.validate()?;
    let update = CommitmentChange::Update(CommitmentId(id), commitment.clone());
    service::change(&db, &principal, &scope, update).await?;
    Ok(web::Json(CommitmentItem::new(id, commitment)))
}

/// Removes a commitment (the incubator's managers).
#[utoipa::path(
    operation_id = "commitments_delete",
    tag = "contract",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        ("id" = i64, Path, description = "The commitment's id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "Unknown product or commitment", body = ErrorEnvelope),
        Unauthorized, ManagersOnly, DatabaseDown,
    ),
)]
#[delete("/products/{slug}/contract/commitments/{id}")]
pub async fn remove(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    let scope = scope_of(&db, &slug).await?;
    let delete = CommitmentChange::Delete(CommitmentId(id));
    service::change(&db, &principal, &scope, delete).await?;
    Ok(HttpResponse::NoContent().finish())
}
