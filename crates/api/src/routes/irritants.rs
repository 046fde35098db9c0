//! Irritants: `/api/v1/incubators/{slug}/irritants` (submit, list) and `/api/v1/irritants/{id}`
//! (read, vote, withdraw, link to a product or to a campaign's application, close). Any person signed in submits, reads and
//! votes (one vote per person, the author's submission counting as theirs; voting or
//! withdrawing twice is harmless, 200); the incubator's managers and admins link and close.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::NaiveDateTime;
use pilote_domain::{IrritantStatus, NewIrritant};
use pilote_store::{
    Database,
    repo::irritants::{Irritant, LinkedApplication, LinkedProduct},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    access,
    auth::Principal,
    error::{ApiError, ErrorEnvelope, responses::*},
    json::Json,
    list::{List, PageQuery},
    service::irritants as service,
};

/// A new irritant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IrritantBody {
    /// 1 to 200 characters.
    #[schema(example = "Ressaisir chaque mois les mêmes pièces")]
    pub title: String,
    /// At most 4,000 characters.
    #[serde(default)]
    pub description: String,
}

/// What answers an irritant: exactly one of a product and an application.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    /// A product of the irritant's incubator.
    pub product_slug: Option<String>,
    /// An application to a campaign of the irritant's incubator.
    pub application_id: Option<i64>,
}

/// The answer an irritant is closed with.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseBody {
    /// 1 to 4,000 characters.
    pub answer: String,
}

/// `?status=open|closed` and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IrritantQuery {
    /// Only the open or the closed ones.
    #[param(value_type = Option<String>, example = "open")]
    pub status: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// A product linked to an irritant.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductLink {
    pub slug: String,
    pub name: String,
}

/// A campaign's application linked to an irritant.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationLink {
    pub id: i64,
    pub title: String,
    /// `received`, `preselected`, `auditioned`, `selected` or `rejected`.
    pub status: String,
}

/// An irritant, its votes and where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct IrritantItem {
    pub id: i64,
    /// The incubator's slug.
    pub incubator: String,
    pub title: String,
    pub description: String,
    /// `open` or `closed`.
    pub status: String,
    /// The author's name.
    pub author: String,
    #[serde(serialize_with = "crate::json::utc::serialize")]
    pub created_at: NaiveDateTime,
    /// One per person; the author's submission is their vote.
    pub votes: i64,
    pub voted_by_me: bool,
    /// The product that answers it.
    pub product: Option<ProductLink>,
    /// The campaign's application that answers it.
    pub application: Option<ApplicationLink>,
    pub answer: Option<String>,
    /// Who closed it.
    pub closed_by: Option<String>,
    #[serde(serialize_with = "crate::json::utc::serialize_option")]
    pub closed_at: Option<NaiveDateTime>,
}

impl From<Irritant> for IrritantItem {
    fn from(i: Irritant) -> Self {
        IrritantItem {
            id: i.id.0,
            incubator: i.incubator.to_string(),
            title: i.title,
            description: i.description,
            status: i.status.as_str().to_owned(),
            author: i.author,
            created_at: i.created_at,
            votes: i.votes,
            voted_by_me: i.voted_by_me,
            product: i.product.map(|LinkedProduct { slug, name }| ProductLink {
                slug: slug.to_string(),
                name,
            }),
            application: i
                .application
                .map(|LinkedApplication { id, title, status }| ApplicationLink {
                    id: id.0,
                    title,
                    status: status.as_str().to_owned(),
                }),
            answer: i.answer,
            closed_by: i.closed_by,
            closed_at: i.closed_at,
        }
    }
}

/// Submits an irritant to the incubator; the author's vote comes with it.
#[utoipa::path(
    operation_id = "irritants_create",
    tag = "irritants",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The incubator's slug")),
    request_body = IrritantBody,
    responses(
        (status = 201, description = "The irritant, with its id and one vote", body = IrritantItem),
        (status = 404, description = "Unknown incubator", body = ErrorEnvelope),
        (status = 422, description = "Invalid: `title`, `description`", body = ErrorEnvelope),
        JsonBody, Unauthorized, PersonsOnly, DatabaseDown,
    ),
)]
#[post("/incubators/{slug}/irritants")]
pub async fn create(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    body: Json<IrritantBody>,
) -> Result<HttpResponse, ApiError> {
    let user = access::person(&principal)?;
    let new = NewIrritant::parse(&body.0.title, &body.0.description).map_err(service::refused)?;
    let created = service::submit(&db, user, &path, new).await?;
    Ok(HttpResponse::Created().json(IrritantItem::from(created)))
}

/// The incubator's irritants, the most voted first.
#[utoipa::path(
    operation_id = "irritants_list",
    tag = "irritants",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The incubator's slug"), IrritantQuery),
    responses(
        (status = 200, description = "A page of irritants", body = List<IrritantItem>),
        (status = 404, description = "Unknown incubator", body = ErrorEnvelope),
        (status = 422, description = "Invalid `status` or paging", body = ErrorEnvelope),
        Unauthorized, PersonsOnly, DatabaseDown,
    ),
)]
#[get("/incubators/{slug}/irritants")]
pub async fn list(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    query: web::Query<IrritantQuery>,
) -> Result<web::Json<List<IrritantItem>>, ApiError> {
    let user = access::person(&principal)?;
    let query = query.into_inner();
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .page()?;
    let status = query
        .status
        .as_deref()
        .map(IrritantStatus::parse)
        .transpose()?;
    let all = service::list(&db, user, &path, status).await?;
    let items = all.into_iter().map(IrritantItem::from).collect();
    Ok(web::Json(List::paginate(items, page)))
}

/// One irritant, with its votes and whether the caller voted.
#[utoipa::path(
    operation_id = "irritants_get",
    tag = "irritants",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The irritant's id")),
    responses(
        (status = 200, description = "The irritant", body = IrritantItem),
        (status = 404, description = "Unknown irritant", body = ErrorEnvelope),
        Unauthorized, PersonsOnly, DatabaseDown,
    ),
)]
#[get("/irritants/{id}")]
pub async fn get(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<i64>,
) -> Result<web::Json<IrritantItem>, ApiError> {
    let user = access::person(&principal)?;
    Ok(web::Json(service::get(&db, user, *path).await?.into()))
}

/// Votes for the irritant: one vote per person, a second changes nothing (200 again).
#[utoipa::path(
    operation_id = "irritants_vote",
    tag = "irritants",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The irritant's id")),
    responses(
        (status = 200, description = "The irritant, with the caller's vote", body = IrritantItem),
        (status = 404, description = "Unknown irritant", body = ErrorEnvelope),
        (status = 409, description = "The irritant is closed", body = ErrorEnvelope),
        Unauthorized, PersonsOnly, DatabaseDown,
    ),
)]
#[post("/irritants/{id}/votes")]
pub async fn vote(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<i64>,
) -> Result<web::Json<IrritantItem>, ApiError> {
    let user = access::person(&principal)?;
    Ok(web::Json(
        service::vote(&db, user, *path, true).await?.into(),
    ))
}

/// Withdraws the caller's vote (200 even without one).
#[utoipa::path(
    operation_id = "irritants_withdraw_vote",
    tag = "irritants",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The irritant's id")),
    responses(
        (status = 200, description = "The irritant, without the caller's vote", body = IrritantItem),
        (status = 404, description = "Unknown irritant", body = ErrorEnvelope),
        (status = 409, description = "The irritant is closed", body = ErrorEnvelope),
        Unauthorized, PersonsOnly, DatabaseDown,
    ),
)]
#[delete("/irritants/{id}/votes")]
pub async fn withdraw(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<i64>,
) -> Result<web::Json<IrritantItem>, ApiError> {
    let user = access::person(&principal)?;
    Ok(web::Json(
        service::vote(&db, user, *path, false).await?.into(),
    ))
}

/// Links the irritant to what answers it (its managers): a product of its incubator
/// (`product_slug`) or an application to one of its campaigns (`application_id`), one of the
/// two. Audited.
#[utoipa::path(
    operation_id = "irritants_link",
    tag = "irritants",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The irritant's id")),
    request_body = LinkBody,
    responses(
        (status = 200, description = "The irritant, linked", body = IrritantItem),
        (status = 403, description = "Not a manager of the irritant's incubator; an API token", body = ErrorEnvelope),
        (status = 404, description = "Unknown irritant", body = ErrorEnvelope),
        (status = 422, description = "Neither or both of `product_slug` and `application_id`; `product_slug` names no product of the incubator; `application_id` no application to its campaigns", body = ErrorEnvelope),
        JsonBody, Unauthorized, DatabaseDown,
    ),
)]
#[post("/irritants/{id}/link")]
pub async fn link(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<i64>,
    body: Json<LinkBody>,
) -> Result<web::Json<IrritantItem>, ApiError> {
    let user = access::person(&principal)?;
    let LinkBody {
        product_slug,
        application_id,
    } = body.0;
    let linked = service::link(&db, user, *path, product_slug.as_deref(), application_id).await?;
    Ok(web::Json(linked.into()))
}

/// Closes the irritant with an answer (its incubator's managers).
#[utoipa::path(
    operation_id = "irritants_close",
    tag = "irritants",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The irritant's id")),
    request_body = CloseBody,
    responses(
        (status = 200, description = "The irritant, closed", body = IrritantItem),
        (status = 403, description = "Not a manager of the irritant's incubator; an API token", body = ErrorEnvelope),
        (status = 404, description = "Unknown irritant", body = ErrorEnvelope),
        (status = 409, description = "Already closed", body = ErrorEnvelope),
        (status = 422, description = "Invalid: `answer`", body = ErrorEnvelope),
        JsonBody, Unauthorized, DatabaseDown,
    ),
)]
#[post("/irritants/{id}/close")]
pub async fn close(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<i64>,
    body: Json<CloseBody>,
) -> Result<web::Json<IrritantItem>, ApiError> {
    let user = access::person(&principal)?;
    let closed = service::close(&db, user, *path, &body.0.answer).await?;
    Ok(web::Json(closed.into()))
}
