//! `/api/v1/incubators`.

use actix_web::{HttpResponse, get, post, web};
use pilote_domain::{Incubator, PhaseDurations, Slug, access::Action};
use pilote_store::{Database, repo::incubators};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    access,
    auth::Principal,
    db,
    error::{ApiError, ErrorEnvelope, responses::*},
    json::Json,
    list::{List, PageQuery},
};

/// An incubator and its expected maximum phase durations.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncubatorItem {
    pub slug: String,
    pub name: String,
    pub administration: String,
    pub max_months: Durations,
}

/// Months per phase before a product is overdue.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Durations {
    pub investigation: u32,
    pub construction: u32,
    pub acceleration: u32,
}

impl From<Incubator> for IncubatorItem {
    fn from(i: Incubator) -> Self {
        IncubatorItem {
            slug: i.slug.to_string(),
            name: i.name,
            administration: i.administration,
            max_months: Durations {
                investigation: i.durations.investigation_months,
                construction: i.durations.construction_months,
                acceleration: i.durations.acceleration_months,
            },
        }
    }
}

/// Every incubator, by name.
#[utoipa::path(
    operation_id = "incubators_list",
    tag = "incubators",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of incubators", body = List<IncubatorItem>),
        Unauthorized, PersonsOnly, InvalidPaging, DatabaseDown,
    ),
)]
#[get("/incubators")]
pub async fn list(
    principal: Principal,
    db: web::Data<Database>,
    page: web::Query<PageQuery>,
) -> Result<web::Json<List<IncubatorItem>>, ApiError> {
    access::person_allowed(&principal, Action::Read)?;
    let page = page.into_inner().page()?;
    let all = db::read(&db, incubators::list).await?;
    let items = all.into_iter().map(|(_, i)| i.into()).collect();
    Ok(web::Json(List::paginate(items, page)))
}

/// The body of `POST /incubators`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIncubator {
    pub slug: String,
    pub name: String,
    pub administration: String,
    /// Default: 6, 24 and 24 months.
    pub max_months: Option<Durations>,
}

/// Creates an incubator (admins).
#[utoipa::path(
    operation_id = "incubators_create",
    tag = "incubators",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The incubator created", body = IncubatorItem),
        (status = 403, description = "Not an admin", body = ErrorEnvelope),
        (status = 409, description = "The slug is taken", body = ErrorEnvelope),
        JsonBody, Unauthorized, InvalidFields, DatabaseDown,
    ),
)]
#[post("/incubators")]
pub async fn create(
    principal: Principal,
    db: web::Data<Database>,
    body: Json<NewIncubator>,
) -> Result<HttpResponse, ApiError> {
    access::person_allowed(&principal, Action::Administer)?;
    let body = body.0;
    let durations = body
        .max_months
        .map_or_else(PhaseDurations::default, |d| PhaseDurations {
            investigation_months: d.investigation,
            construction_months: d.construction,
            acceleration_months: d.acceleration,
        });
    let incubator = Incubator {
        slug: Slug::parse(&body.slug)?,
        name: body.name.trim().to_owned(),
        administration: body.administration.trim().to_owned(),
        durations,
    };
    let stored = incubator.clone();
    db::write_as(&db, &principal, move |c, actor| {
        incubators::create(c, &stored, actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(IncubatorItem::from(incubator)))
}
