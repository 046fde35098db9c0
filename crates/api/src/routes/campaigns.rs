//! Appels à candidatures (issue 24): `POST /api/v1/incubators/{slug}/campaigns` (its
//! managers) and `GET /api/v1/campaigns/{slug}` (anyone while it is open), with its funnel.

use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use pilote_domain::Funnel;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    auth::{MaybePrincipal, Principal},
    error::{ApiError, ErrorEnvelope, responses::*},
    json::Json,
    service::campaigns::{self, CampaignView, NewCampaign, NewCriterion},
};

/// One criterion the jury scores.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionBody {
    /// `[a-z0-9_]`, 1 to 40 characters, unique in the campaign.
    #[schema(example = "impact")]
    pub key: String,
    #[schema(example = "Impact pour les usagers")]
    pub label: String,
    /// 1 to 100.
    #[schema(example = 3)]
    pub weight: i64,
}

/// The body of `POST /incubators/{slug}/campaigns`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignBody {
    #[schema(example = "appel-2027")]
    pub slug: String,
    pub title: String,
    pub opens_on: NaiveDate,
    /// Not before `opens_on`; both days included.
    pub closes_on: NaiveDate,
    /// `public` (anyone, without an account) or `agents` (signed in).
    #[schema(example = "public")]
    pub audience: String,
    #[serde(default)]
    pub description: String,
    /// 1 to 10 criteria.
    pub criteria: Vec<CriterionBody>,
}

/// How far a campaign's applications went: aggregate counts only.
#[derive(Debug, Serialize, ToSchema)]
pub struct FunnelItem {
    pub received: u64,
    /// Preselected at some point, even if rejected later.
    pub preselected: u64,
    pub selected: u64,
    /// Investigations launched from its applications.
    pub investigations: u64,
    /// Of those, the products that reached construction.
    pub construction: u64,
}

impl From<Funnel> for FunnelItem {
    fn from(f: Funnel) -> Self {
        FunnelItem {
            received: f.received,
            preselected: f.preselected,
            selected: f.selected,
            investigations: f.investigations,
            construction: f.construction,
        }
    }
}

/// A campaign.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignItem {
    pub slug: String,
    pub incubator: String,
    pub title: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub audience: String,
    pub description: String,
    pub criteria: Vec<CriterionBody>,
    /// Whether applications are taken today.
    pub open: bool,
    pub funnel: FunnelItem,
}

impl From<CampaignView> for CampaignItem {
    fn from(v: CampaignView) -> Self {
        let c = v.campaign;
        CampaignItem {
            slug: c.slug.to_string(),
            incubator: c.incubator.to_string(),
            title: c.title,
            opens_on: c.opens_on,
            closes_on: c.closes_on,
            audience: c.audience.as_str().to_owned(),
            description: c.description,
            criteria: c
                .criteria
                .into_iter()
                .map(|c| CriterionBody {
                    key: c.key,
                    label: c.label,
                    weight: c.weight.into(),
                })
                .collect(),
            open: v.open,
            funnel: v.funnel.into(),
        }
    }
}

/// Creates an appel à candidatures in the incubator (its managers and admins); audited as
/// `campaign.create`.
#[utoipa::path(
    operation_id = "campaigns_create",
    tag = "campaigns",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The incubator's slug")),
    request_body = CampaignBody,
    responses(
        (status = 201, description = "The campaign (`Location` names it)", body = CampaignItem,
         headers(("Location" = String, description = "`/api/v1/campaigns/{slug}`"))),
        (status = 404, description = "Unknown incubator", body = ErrorEnvelope),
        (status = 409, description = "The slug is taken", body = ErrorEnvelope),
        (status = 422, description = "A field refused (`closes_on`, `criteria[1].key`, ...)", body = ErrorEnvelope),
        JsonBody, Unauthorized, ManagersOnly, DatabaseDown,
    ),
)]
#[post("/incubators/{slug}/campaigns")]
pub async fn create(
    principal: Principal,
    db: web::Data<pilote_store::Database>,
    path: web::Path<String>,
    body: Json<CampaignBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let new = NewCampaign {
        slug: b.slug,
        title: b.title,
        opens_on: b.opens_on,
        closes_on: b.closes_on,
        audience: b.audience,
        description: b.description,
        criteria: b
            .criteria
            .into_iter()
            .map(|c| NewCriterion {
                key: c.key,
                label: c.label,
                weight: c.weight,
            })
            .collect(),
    };
    let slug = campaigns::create(&db, &principal, &path, new).await?;
    let view = campaigns::get(&db, Some(&principal), slug.as_ref()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/campaigns/{slug}"),
        ))
        .json(CampaignItem::from(view)))
}

/// A campaign and its funnel: anyone while it is open; before or after, its incubator's
/// managers only.
#[utoipa::path(
    operation_id = "campaigns_get",
    tag = "campaigns",
    security((), ("bearer" = [])),
    params(("slug" = String, Path, description = "The campaign's slug")),
    responses(
        (status = 200, description = "The campaign", body = CampaignItem),
        (status = 403, description = "Not open, and the caller does not manage its incubator", body = ErrorEnvelope),
        (status = 404, description = "Unknown campaign", body = ErrorEnvelope),
        Unauthorized, DatabaseDown,
    ),
)]
#[get("/campaigns/{slug}")]
pub async fn get(
    principal: MaybePrincipal,
    db: web::Data<pilote_store::Database>,
    path: web::Path<String>,
) -> Result<web::Json<CampaignItem>, ApiError> {
    let view = campaigns::get(&db, principal.0.as_ref(), &path).await?;
    Ok(web::Json(view.into()))
}
