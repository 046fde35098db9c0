//! Measures: batches posted by scripts and forms, series, and the history of corrections.
//!
//! A batch is all or nothing: every row is checked first and every problem reported with its
//! row (`measures[3].value`); only a clean batch reaches the store, in one transaction.

use actix_web::{get, post, web};
use chrono::{NaiveDate, NaiveDateTime};
use pilote_domain::{DateRange, MeasureSource, Period};
use pilote_store::{
    Database,
    repo::{
        indicators,
        measures::{self, MeasureVersion},
    },
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    access,
    auth::{Principal, Provisional},
    db,
    error::{ApiError, ErrorEnvelope, responses::*},
    json::Json,
    list::{List, PageQuery},
    openapi,
    service::{
        measures::{BatchOutcome, MeasureRow, RawRow, post_rows_to},
        scope::{self, scope_of},
    },
};

/// The body of `POST /measures`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureBatch {
    pub measures: Vec<MeasureRow>,
}

/// Posts a batch of values (a product's API token, its team, its incubator's managers). All
/// or nothing; a period that has a value is replaced and the old value kept in history; the
/// same value again is `unchanged`. A value far from its recent series is stored, flagged as
/// suspect and named in `warnings`.
#[utoipa::path(
    operation_id = "measures_create",
    tag = "measures",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
    ),
    responses(
        (status = 200, description = "What the batch did, with a warning per suspect value", body = BatchOutcome),
        (status = 403, description = "Another product's token, or a person not in the team nor a manager", body = ErrorEnvelope),
        (status = 422, description = "Rows at fault, each named in `details` (`measures[3].value`); nothing stored", body = ErrorEnvelope),
        JsonBody, Unauthorized, UnknownProduct, DatabaseDown,
    ),
)]
#[post("/products/{slug}/measures")]
pub async fn create(
    caller: Provisional,
    db: web::Data<Database>,
    path: web::Path<String>,
    body: Json<MeasureBatch>,
) -> Result<web::Json<BatchOutcome>, ApiError> {
    let rows = body
        .0
        .measures
        .into_iter()
        .enumerate()
        .map(|(i, m)| RawRow {
            field: format!("measures[{i}]"),
            indicator: m.indicator,
            period: m.period,
            value: m.value,
            comment: m.comment,
        })
        .collect();
    let outcome = post_rows_to(&db, caller, &path, rows, MeasureSource::Api).await?;
    Ok(web::Json(outcome))
}

/// One value of a series.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasureItem {
    pub period: NaiveDate,
    pub value: f64,
    pub comment: Option<String>,
    #[schema(value_type = openapi::MeasureSource)]
    pub source: MeasureSource,
    /// `user:ID`, `token:ID` or `system`.
    #[schema(example = "token:1")]
    pub author: String,
    #[serde(serialize_with = "crate::json::utc::serialize")]
    pub recorded_at: NaiveDateTime,
    /// For a replaced version: when it was replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::json::utc::serialize_option")]
    pub replaced_at: Option<NaiveDateTime>,
    /// Far from its recent series when posted, and not cleared since.
    pub suspect: bool,
}

impl From<MeasureVersion> for MeasureItem {
    fn from(m: MeasureVersion) -> Self {
        MeasureItem {
            period: m.period,
            value: m.value,
            comment: m.comment,
            source: m.source,
            author: m.author.to_string(),
            recorded_at: m.recorded_at,
            replaced_at: m.replaced_at,
            suspect: m.suspect,
        }
    }
}

const EARLIEST: NaiveDate = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date");
const LATEST: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).expect("valid date");

/// `?from=&to=` and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeriesQuery {
    /// The first period wanted (inclusive).
    pub from: Option<NaiveDate>,
    /// The last period wanted (inclusive).
    pub to: Option<NaiveDate>,
    /// The page, from 1 (default 1).
    #[param(minimum = 1)]
    pub page: Option<u32>,
    /// Rows per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u32>,
}

/// An indicator's values, oldest period first, between `from` and `to` (inclusive).
#[utoipa::path(
    operation_id = "measures_series",
    tag = "measures",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        ("key" = String, Path, description = "The indicator's key"),
        SeriesQuery,
    ),
    responses(
        (status = 200, description = "A page of the series", body = List<MeasureItem>),
        (status = 403, description = "Another product's token, or no role", body = ErrorEnvelope),
        (status = 404, description = "Unknown product or indicator", body = ErrorEnvelope),
        (status = 422, description = "Invalid dates, range or paging", body = ErrorEnvelope),
        Unauthorized, DatabaseDown,
    ),
)]
#[get("/products/{slug}/indicators/{key}/measures")]
pub async fn series(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<(String, String)>,
    query: web::Query<SeriesQuery>,
) -> Result<web::Json<List<MeasureItem>>, ApiError> {
    let (slug, key) = path.into_inner();
    let scope = scope_of(&db, &slug).await?;
    access::measures_reader(&principal, &scope)?;
    let query = query.into_inner();
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .page()?;
    let range = match (query.from, query.to) {
        (None, None) => None,
        // Open ends become dates both backends store and compare as plain ISO text.
        (from, to) => Some(DateRange::new(
            from.unwrap_or(EARLIEST),
            to.unwrap_or(LATEST),
        )?),
    };
    let key = scope::slug(&key, "indicator")?;
    let values = db::read(&db, move |c| {
        let (id, _) = indicators::find(c, scope.id, &key)?;
        measures::series(c, id, range.as_ref())
    })
    .await?;
    let items = values.into_iter().map(MeasureItem::from).collect();
    Ok(web::Json(List::paginate(items, page)))
}

/// Every version of one period's value: the current one first, then those it replaced, with
/// who posted each and when.
#[utoipa::path(
    operation_id = "measures_history",
    tag = "measures",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        ("key" = String, Path, description = "The indicator's key"),
        ("period" = String, Path, format = Date, description = "Any date inside the period"),
        PageQuery,
    ),
    responses(
        (status = 200, description = "A page of versions, current first", body = List<MeasureItem>),
        (status = 403, description = "Another product's token, or no role", body = ErrorEnvelope),
        (status = 404, description = "Unknown product or indicator", body = ErrorEnvelope),
        (status = 422, description = "`period` is not a date, or invalid paging", body = ErrorEnvelope),
        Unauthorized, DatabaseDown,
    ),
)]
#[get("/products/{slug}/indicators/{key}/measures/{period}/history")]
pub async fn history(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<(String, String, String)>,
    page: web::Query<PageQuery>,
) -> Result<web::Json<List<MeasureItem>>, ApiError> {
    let (slug, key, period) = path.into_inner();
    let scope = scope_of(&db, &slug).await?;
    access::measures_reader(&principal, &scope)?;
    let page = page.into_inner().page()?;
    let date = scope::period_date(&period)?;
    let key = scope::slug(&key, "indicator")?;
    let versions = db::read(&db, move |c| {
        let (id, indicator) = indicators::find(c, scope.id, &key)?;
        measures::history(c, id, Period::containing(indicator.periodicity, date))
    })
    .await?;
    let items = versions.into_iter().map(MeasureItem::from).collect();
    Ok(web::Json(List::paginate(items, page)))
}

/// Clears the suspect flag of one period's value: a person of the team (or a manager of its
/// incubator) looked at it and vouches for it. Recorded in the audit log; clearing a value
/// that is not flagged changes nothing. API tokens may not: the script that posted a value
/// cannot vouch for it.
#[utoipa::path(
    operation_id = "measures_clear_suspect",
    tag = "measures",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        ("key" = String, Path, description = "The indicator's key"),
        ("period" = String, Path, format = Date, description = "Any date inside the period"),
    ),
    responses(
        (status = 200, description = "The current value, no longer suspect", body = MeasureItem),
        (status = 403, description = "An API token, or a person not in the team nor a manager", body = ErrorEnvelope),
        (status = 404, description = "Unknown product or indicator, or no value for that period", body = ErrorEnvelope),
        (status = 422, description = "`period` is not a date", body = ErrorEnvelope),
        Unauthorized, DatabaseDown,
    ),
)]
#[post("/products/{slug}/indicators/{key}/measures/{period}/clear-suspect")]
pub async fn clear_suspect(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<(String, String, String)>,
) -> Result<web::Json<MeasureItem>, ApiError> {
    let (slug, key, period) = path.into_inner();
    let scope = scope_of(&db, &slug).await?;
    access::person_allowed(&principal, scope.contribute())?;
    let actor = access::actor(&principal);
    let date = scope::period_date(&period)?;
    let key = scope::slug(&key, "indicator")?;
    let current = db::write(&db, move |c| {
        let (id, indicator) = indicators::find(c, scope.id, &key)?;
        let period = Period::containing(indicator.periodicity, date);
        measures::clear_suspect(c, scope.id, id, period, actor)?;
        Ok(measures::history(c, id, period)?.into_iter().next())
    })
    .await?;
    current
        .map(|m| web::Json(MeasureItem::from(m)))
        .ok_or(ApiError::NotFound("measure"))
}
