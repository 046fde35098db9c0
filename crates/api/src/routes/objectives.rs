//! `/api/v1/products/{slug}/contract/objectives`: what the contract commits the product to reach.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::NaiveDate;
use pilote_domain::{DomainResult, Objective, Point, Tolerance};
use pilote_store::{
    Database,
    repo::objectives::{self, ObjectiveRecord},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    access,
    auth::Principal,
    error::{ApiError, ErrorEnvelope, responses::*},
    json::Json,
    list::{List, PageQuery},
    service::{
        contract::{self, ObjectiveChanges},
        scope::scope_of,
    },
};

/// Where an indicator stood (`on`).
#[derive(Clone, Copy, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BaselineBody {
    pub value: f64,
    pub on: NaiveDate,
}

/// Where it should be, and by when (`by`).
#[derive(Clone, Copy, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetBody {
    pub value: f64,
    pub by: NaiveDate,
}

/// An objective as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectiveItem {
    pub id: i64,
    /// The indicator's key.
    pub indicator: String,
    pub baseline: BaselineBody,
    pub target: TargetBody,
    /// Share of |target − baseline| still "at risk" (default 0.1).
    pub tolerance: f64,
}

impl From<ObjectiveRecord> for ObjectiveItem {
    fn from(r: ObjectiveRecord) -> Self {
        let o = r.objective;
        ObjectiveItem {
            id: r.id.0,
            indicator: r.indicator.to_string(),
            baseline: BaselineBody {
                value: o.baseline.value,
                on: o.baseline.on,
            },
            target: TargetBody {
                value: o.target.value,
                by: o.target.on,
            },
            tolerance: o.tolerance.get(),
        }
    }
}

/// The body of `POST /contract/objectives`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewObjective {
    /// The key of one of the product's indicators.
    pub indicator: String,
    pub baseline: BaselineBody,
    pub target: TargetBody,
    /// Default 0.1.
    pub tolerance: Option<f64>,
}

/// The body of `PATCH /contract/objectives/{id}`: only the keys present change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectivePatch {
    pub baseline: Option<BaselineBody>,
    pub target: Option<TargetBody>,
    pub tolerance: Option<f64>,
}

/// The domain's objective (its checks name `baseline.value`, `target.by`, `tolerance`).
fn objective(
    baseline: BaselineBody,
    target: TargetBody,
    tolerance: f64,
) -> DomainResult<Objective> {
    Objective::new(
        Point {
            value: baseline.value,
            on: baseline.on,
        },
        Point {
            value: target.value,
            on: target.by,
        },
        Tolerance::new(tolerance)?,
    )
}

product_list! {
    /// The objectives of the product's contract, oldest first.
    fn list = "objectives_list", tag "contract", get "/products/{slug}/contract/objectives",
    200 "A page of objectives" ObjectiveItem,
    load objectives::list,
    each |r| Ok(ObjectiveItem::from(r)),
}

/// Adds an objective on one of the product's indicators (the incubator's managers).
#[utoipa::path(
    operation_id = "objectives_create",
    tag = "contract",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The product's slug")),
    responses(
        (status = 201, description = "The objective", body = ObjectiveItem),
        (status = 404, description = "Unknown product, or no contract yet", body = ErrorEnvelope),
        (status = 422, description = "Invalid: `indicator`, `baseline.value`, `target.by`, `tolerance`", body = ErrorEnvelope),
        JsonBody, Unauthorized, ManagersOnly, DatabaseDown,
    ),
)]
#[post("/products/{slug}/contract/objectives")]
pub async fn create(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    body: Json<NewObjective>,
) -> Result<HttpResponse, ApiError> {
    let scope = scope_of(&db, &path).await?;
    // Permission first: a viewer learns nothing from the body's problems.
    access::person_allowed(&principal, scope.manage())?;
    let body = body.0;
    let objective = objective(body.baseline, body.target, body.tolerance.unwrap_or(0.1))?;
    let record =
        contract::create_objective(&db, &principal, &scope, &body.indicator, objective).await?;
    Ok(HttpResponse::Created().json(ObjectiveItem::from(record)))
}

/// Changes an objective's baseline, target or tolerance (the incubator's managers).
#[utoipa::path(
    operation_id = "objectives_update",
    tag = "contract",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        ("id" = i64, Path, description = "The objective's id"),
    ),
    responses(
        (status = 200, description = "The objective as changed", body = ObjectiveItem),
        (status = 404, description = "Unknown product or objective", body = ErrorEnvelope),
        (status = 422, description = "Invalid: `baseline.value`, `target.by`, `tolerance`", body = ErrorEnvelope),
        JsonBody, Unauthorized, ManagersOnly, DatabaseDown,
    ),
)]
#[patch("/products/{slug}/contract/objectives/{id}")]
pub async fn update(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<(String, i64)>,
    body: Json<ObjectivePatch>,
) -> Result<web::Json<ObjectiveItem>, ApiError> {
    let (slug, id) = path.into_inner();
    let scope = scope_of(&db, &slug).await?;
    let patch = body.0;
    let changes = ObjectiveChanges {
        baseline: patch.baseline.map(|b| Point {
            value: b.value,
            on: b.on,
        }),
        target: patch.target.map(|t| Point {
            value: t.value,
            on: t.by,
        }),
        tolerance: patch.tolerance,
    };
    let record = contract::update_objective(&db, &principal, &scope, id, changes).await?;
    Ok(web::Json(record.into()))
}

/// Removes an objective from the contract (the incubator's managers), audited with what it
/// was; refused (409) when a signed review froze it.
#[utoipa::path(
    operation_id = "objectives_delete",
    tag = "contract",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        ("id" = i64, Path, description = "The objective's id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "Unknown product or objective", body = ErrorEnvelope),
        (status = 409, description = "A signed review froze the objective: it stays in the contract", body = ErrorEnvelope),
        Unauthorized, ManagersOnly, DatabaseDown,
    ),
)]
#[delete("/products/{slug}/contract/objectives/{id}")]
pub async fn remove(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    let scope = scope_of(&db, &slug).await?;
    contract::remove_objective(&db, &principal, &scope, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
