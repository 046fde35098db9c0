//! `/api/v1/products/{slug}/indicators`: what a product measures.

use actix_web::{HttpResponse, get, patch, post, web};
use pilote_domain::{
    Aggregation, Direction, Indicator, MatrixRole, Periodicity, Principle, Slug, access::Action,
};
use pilote_store::{Database, repo::indicators};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    access,
    auth::Principal,
    db,
    error::{ApiError, ErrorEnvelope, responses::*},
    json::{Json, present},
    list::{List, PageQuery},
    openapi,
    service::{
        indicators as edit,
        scope::{self, scope_of},
    },
};

/// An indicator as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorItem {
    pub key: String,
    pub label: String,
    pub unit: String,
    #[schema(value_type = openapi::Direction)]
    pub direction: Direction,
    #[schema(value_type = openapi::Principle)]
    pub principle: Principle,
    #[schema(value_type = openapi::Periodicity)]
    pub periodicity: Periodicity,
    #[schema(value_type = openapi::Aggregation)]
    pub aggregation: Aggregation,
    #[schema(value_type = Option<openapi::MatrixRole>)]
    pub matrix_role: Option<MatrixRole>,
    pub north_star: bool,
    pub description: Option<String>,
}

impl From<Indicator> for IndicatorItem {
    fn from(i: Indicator) -> Self {
        IndicatorItem {
            key: i.key.to_string(),
            label: i.label,
            unit: i.unit,
            direction: i.direction,
            principle: i.principle,
            periodicity: i.periodicity,
            aggregation: i.aggregation,
            matrix_role: i.matrix_role,
            north_star: i.north_star,
            description: i.description,
        }
    }
}

/// A product's indicators, north star first: any person with a role, or the product's own API
/// token (a script discovers there the keys it posts measures to).
#[utoipa::path(
    operation_id = "indicators_list",
    tag = "indicators",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        PageQuery,
    ),
    responses(
        (status = 200, description = "A page of indicators", body = List<IndicatorItem>),
        (status = 403, description = "Another product's token, or no role", body = ErrorEnvelope),
        Unauthorized, UnknownProduct, InvalidPaging, DatabaseDown,
    ),
)]
#[get("/products/{slug}/indicators")]
pub async fn list(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    page: web::Query<PageQuery>,
) -> Result<web::Json<List<IndicatorItem>>, ApiError> {
    // A person without a role is refused before the product is looked up, as on every list
    // of a product's rows; a token is compared with the product it names.
    if let Principal::User(user) = &principal {
        access::require(user, Action::Read)?;
    }
    let page = page.into_inner().page()?;
    let scope = scope_of(&db, &path).await?;
    access::measures_reader(&principal, &scope)?;
    let all = db::read(&db, move |c| indicators::list(c, scope.id)).await?;
    let items = all.into_iter().map(|(_, i)| i.into()).collect();
    Ok(web::Json(List::paginate(items, page)))
}

/// One indicator.
#[utoipa::path(
    operation_id = "indicators_get",
    tag = "indicators",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        ("key" = String, Path, description = "The indicator's key"),
    ),
    responses(
        (status = 200, description = "The indicator", body = IndicatorItem),
        (status = 404, description = "Unknown product or indicator", body = ErrorEnvelope),
        Unauthorized, PersonsOnly, DatabaseDown,
    ),
)]
#[get("/products/{slug}/indicators/{key}")]
pub async fn get(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<IndicatorItem>, ApiError> {
    access::person_allowed(&principal, Action::Read)?;
    let (slug, key) = path.into_inner();
    let scope = scope_of(&db, &slug).await?;
    let key = scope::slug(&key, "indicator")?;
    let (_, indicator) = db::read(&db, move |c| indicators::find(c, scope.id, &key)).await?;
    Ok(web::Json(indicator.into()))
}

/// The body of `POST /indicators`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIndicator {
    pub key: String,
    pub label: String,
    pub unit: String,
    #[schema(value_type = openapi::Direction)]
    pub direction: Direction,
    #[schema(value_type = openapi::Principle)]
    pub principle: Principle,
    #[schema(value_type = openapi::Periodicity)]
    pub periodicity: Periodicity,
    #[schema(value_type = Option<openapi::Aggregation>)]
    pub aggregation: Option<Aggregation>,
    #[schema(value_type = Option<openapi::MatrixRole>)]
    pub matrix_role: Option<MatrixRole>,
    pub north_star: Option<bool>,
    pub description: Option<String>,
}

/// Adds an indicator (the product's team and its incubator's managers). 409 for a second
/// north star or a second indicator in one matrix role.
#[utoipa::path(
    operation_id = "indicators_create",
    tag = "indicators",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
    ),
    responses(
        (status = 201, description = "The indicator created", body = IndicatorItem),
        (status = 403, description = "Not in the team nor a manager", body = ErrorEnvelope),
        (status = 409, description = "The key is taken, a second north star, or a matrix role already filled", body = ErrorEnvelope),
        JsonBody, Unauthorized, UnknownProduct, InvalidFields, DatabaseDown,
    ),
)]
#[post("/products/{slug}/indicators")]
pub async fn create(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    body: Json<NewIndicator>,
) -> Result<HttpResponse, ApiError> {
    let scope = scope_of(&db, &path).await?;
    access::person_allowed(&principal, scope.contribute())?;
    let body = body.0;
    let indicator = Indicator {
        key: Slug::parse(&body.key).map_err(|e| e.with_field("key"))?,
        label: body.label.trim().to_owned(),
        unit: body.unit.trim().to_owned(),
        direction: body.direction,
        principle: body.principle,
        periodicity: body.periodicity,
        aggregation: body.aggregation.unwrap_or_default(),
        matrix_role: body.matrix_role,
        north_star: body.north_star.unwrap_or(false),
        description: body.description,
    };
    edit::create(&db, &principal, &scope, indicator.clone()).await?;
    Ok(HttpResponse::Created().json(IndicatorItem::from(indicator)))
}

/// The body of `PATCH /indicators/{key}`: only the keys present change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorPatch {
    pub label: Option<String>,
    pub unit: Option<String>,
    #[schema(value_type = Option<openapi::Direction>)]
    pub direction: Option<Direction>,
    #[schema(value_type = Option<openapi::Principle>)]
    pub principle: Option<Principle>,
    #[schema(value_type = Option<openapi::Periodicity>)]
    pub periodicity: Option<Periodicity>,
    #[schema(value_type = Option<openapi::Aggregation>)]
    pub aggregation: Option<Aggregation>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<openapi::MatrixRole>)]
    pub matrix_role: Option<Option<MatrixRole>>,
    pub north_star: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    pub description: Option<Option<String>>,
}

/// Edits an indicator (its key stays; its periodicity only while it has no measure).
#[utoipa::path(
    operation_id = "indicators_update",
    tag = "indicators",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        ("key" = String, Path, description = "The indicator's key"),
    ),
    responses(
        (status = 200, description = "The indicator as edited", body = IndicatorItem),
        (status = 403, description = "Not in the team nor a manager", body = ErrorEnvelope),
        (status = 404, description = "Unknown product or indicator", body = ErrorEnvelope),
        (status = 409, description = "A second north star or matrix role, or a new periodicity once measured", body = ErrorEnvelope),
        JsonBody, Unauthorized, InvalidFields, DatabaseDown,
    ),
)]
#[patch("/products/{slug}/indicators/{key}")]
pub async fn update(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<(String, String)>,
    body: Json<IndicatorPatch>,
) -> Result<web::Json<IndicatorItem>, ApiError> {
    let (slug, key) = path.into_inner();
    let scope = scope_of(&db, &slug).await?;
    access::person_allowed(&principal, scope.contribute())?;
    let patch = body.0;
    let changes = edit::IndicatorChanges {
        label: patch.label,
        unit: patch.unit,
        direction: patch.direction,
        principle: patch.principle,
        periodicity: patch.periodicity,
        aggregation: patch.aggregation,
        matrix_role: patch.matrix_role,
        north_star: patch.north_star,
        description: patch.description,
    };
    let updated = edit::update(&db, &principal, &scope, &key, changes).await?;
    Ok(web::Json(updated.into()))
}
