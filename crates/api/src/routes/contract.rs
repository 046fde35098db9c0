//! `/api/v1/products/{slug}/contract` and its `status`: the contrat de réussite.

use actix_web::{get, put, web};
use chrono::{NaiveDate, Utc};
use pilote_domain::access::Action;
use pilote_store::{
    Database,
    repo::{contract_status, contracts},
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::contract_dto::{ContractBody, StatusItem};
use crate::{
    access,
    auth::Principal,
    db,
    error::{ApiError, ErrorEnvelope, responses::*},
    json::Json,
    service::{self, scope::scope_of},
};

/// The product's contract: period, review cadence, budget per year, planned milestones.
#[utoipa::path(
    operation_id = "contract_get",
    tag = "contract",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The product's slug")),
    responses(
        (status = 200, description = "The contract", body = ContractBody),
        (status = 404, description = "Unknown product, or no contract yet", body = ErrorEnvelope),
        Unauthorized, PersonsOnly, DatabaseDown,
    ),
)]
#[get("/products/{slug}/contract")]
pub async fn get(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
) -> Result<web::Json<ContractBody>, ApiError> {
    access::person_allowed(&principal, Action::Read)?;
    let scope = scope_of(&db, &path).await?;
    let (_, contract) = db::read(&db, move |c| contracts::get(c, scope.id)).await?;
    Ok(web::Json(contract.into()))
}

/// Creates or replaces the product's contract as a whole (the incubator's managers). Its
/// objectives, commitments and reviews stay.
#[utoipa::path(
    operation_id = "contract_put",
    tag = "contract",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The product's slug")),
    request_body = ContractBody,
    responses(
        (status = 200, description = "The contract as stored", body = ContractBody),
        (status = 422, description = "Invalid, naming the field: `ends_on`, `budget_per_year.2027`, `milestones[1].planned_on`", body = ErrorEnvelope),
        JsonBody, Unauthorized, ManagersOnly, UnknownProduct, DatabaseDown,
    ),
)]
#[put("/products/{slug}/contract")]
pub async fn put(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    body: Json<ContractBody>,
) -> Result<web::Json<ContractBody>, ApiError> {
    let scope = scope_of(&db, &path).await?;
    // Permission first: a viewer learns nothing from the body's problems.
    access::person_allowed(&principal, scope.manage())?;
    let contract = body.0.into_domain()?;
    let stored = service::contract::put(&db, &principal, &scope, contract).await?;
    Ok(web::Json(stored.into()))
}

/// `?at=DATE`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// The status date (default: today).
    pub at: Option<NaiveDate>,
}

/// The contract's status at a date: each objective's expected value, latest value and status;
/// budget drift; schedule drift per milestone; commitments; the next review and whether it is
/// overdue. See `docs/contract.md` for the computations.
#[utoipa::path(
    operation_id = "contract_status",
    tag = "contract",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The product's slug"), StatusQuery),
    responses(
        (status = 200, description = "The status", body = StatusItem),
        (status = 404, description = "Unknown product, or no contract yet", body = ErrorEnvelope),
        (status = 422, description = "`at` is not a date", body = ErrorEnvelope),
        Unauthorized, PersonsOnly, DatabaseDown,
    ),
)]
#[get("/products/{slug}/contract/status")]
pub async fn status(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    query: web::Query<StatusQuery>,
) -> Result<web::Json<StatusItem>, ApiError> {
    access::person_allowed(&principal, Action::Read)?;
    let scope = scope_of(&db, &path).await?;
    let at = query.at.unwrap_or_else(|| Utc::now().date_naive());
    let status = db::read(&db, move |c| contract_status::at(c, scope.id, at)).await?;
    Ok(web::Json(status.into()))
}
