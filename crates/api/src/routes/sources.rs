//! `/api/v1/products/{slug}/indicators/{key}/source`: where an indicator's values come from by
//! themselves (Matomo, a JSON or CSV URL), and `…/source/run` to fetch now. The team and its
//! incubator's managers only: a source's address may be a private link. docs/connectors.md.

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::NaiveDate;
use pilote_store::Database;
use serde::Deserialize;
use utoipa::{IntoParams, IntoResponses};

use crate::{
    access,
    auth::Principal,
    error::{ApiError, ErrorEnvelope, responses::*},
    json::Json,
    service::{
        scope::scope_of,
        sources::{self, Runner, SourceBody, SourceView},
    },
};

/// 403 on every source route: only the product's team and its incubator's managers.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "An API token, or not in the team nor a manager"
)]
pub struct TeamOnly(pub ErrorEnvelope);

/// Who may see and change a product's sources.
async fn allowed(
    principal: &Principal,
    db: &web::Data<Database>,
    slug: &str,
) -> Result<access::ProductScope, ApiError> {
    // A token or a person without any role is refused before the product is looked up.
    access::person(principal)?;
    let scope = scope_of(db, slug).await?;
    access::person_allowed(principal, scope.contribute())?;
    Ok(scope)
}

/// The indicator's source (never its token).
#[utoipa::path(
    operation_id = "sources_get",
    tag = "indicators",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        ("key" = String, Path, description = "The indicator's key"),
    ),
    responses(
        (status = 200, description = "The source and its last run", body = SourceView),
        (status = 404, description = "Unknown product or indicator, or no source", body = ErrorEnvelope),
        TeamOnly, Unauthorized, DatabaseDown,
    ),
)]
#[get("/products/{slug}/indicators/{key}/source")]
pub async fn get(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<SourceView>, ApiError> {
    let (slug, key) = path.into_inner();
    let scope = allowed(&principal, &db, &slug).await?;
    Ok(web::Json(sources::get(&db, &scope, &key).await?))
}

/// Sets the indicator's source, replacing any (due at once). The Matomo token is stored
/// encrypted and never returned; leave it out to keep the stored one.
#[utoipa::path(
    operation_id = "sources_put",
    tag = "indicators",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        ("key" = String, Path, description = "The indicator's key"),
    ),
    request_body = SourceBody,
    responses(
        (status = 200, description = "The source replaced", body = SourceView),
        (status = 201, description = "The source created", body = SourceView),
        (status = 404, description = "Unknown product or indicator", body = ErrorEnvelope),
        TeamOnly, JsonBody, Unauthorized, InvalidFields, DatabaseDown,
    ),
)]
#[put("/products/{slug}/indicators/{key}/source")]
pub async fn put(
    principal: Principal,
    db: web::Data<Database>,
    runner: web::Data<Runner>,
    path: web::Path<(String, String)>,
    body: Json<SourceBody>,
) -> Result<HttpResponse, ApiError> {
    let (slug, key) = path.into_inner();
    let scope = allowed(&principal, &db, &slug).await?;
    let (created, view) = sources::put(&db, runner.key, &scope, &key, body.0).await?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// Removes the indicator's source; the values it brought stay.
#[utoipa::path(
    operation_id = "sources_delete",
    tag = "indicators",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        ("key" = String, Path, description = "The indicator's key"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "Unknown product or indicator, or no source", body = ErrorEnvelope),
        TeamOnly, Unauthorized, DatabaseDown,
    ),
)]
#[delete("/products/{slug}/indicators/{key}/source")]
pub async fn remove(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (slug, key) = path.into_inner();
    let scope = allowed(&principal, &db, &slug).await?;
    sources::delete(&db, &scope, &key).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `?from=`: fetch from this date on (a backfill).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RunQuery {
    /// The first period to fetch (any date in it); default: the source's usual window.
    pub from: Option<NaiveDate>,
}

/// Fetches the source now and posts what it read through the measures' write path. A failed
/// fetch is an outcome, not an error of this request: 200 with `last_run.ok = false` and its
/// reason in French.
#[utoipa::path(
    operation_id = "sources_run",
    tag = "indicators",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        ("key" = String, Path, description = "The indicator's key"),
        RunQuery,
    ),
    responses(
        (status = 200, description = "The source after its run: `last_run` says what it wrote or why it failed", body = SourceView),
        (status = 404, description = "Unknown product or indicator, or no source", body = ErrorEnvelope),
        (status = 409, description = "A run of this source is under way", body = ErrorEnvelope),
        (status = 422, description = "`from` is not a date", body = ErrorEnvelope),
        TeamOnly, Unauthorized, DatabaseDown,
    ),
)]
#[post("/products/{slug}/indicators/{key}/source/run")]
pub async fn run(
    principal: Principal,
    db: web::Data<Database>,
    runner: web::Data<Runner>,
    path: web::Path<(String, String)>,
    query: web::Query<RunQuery>,
) -> Result<web::Json<SourceView>, ApiError> {
    let (slug, key) = path.into_inner();
    let scope = allowed(&principal, &db, &slug).await?;
    let runner = runner.get_ref().clone();
    let view = sources::run_now(&db, runner, &scope, &key, query.from).await?;
    Ok(web::Json(view))
}
