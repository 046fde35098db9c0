//! `PUT /api/v1/products/{slug}/matrix/certification`: the certification level of a product's
//! « matrice d'impact » (beta.gouv.fr's four levels), set by administrators only.

use actix_web::{put, web};
use chrono::{NaiveDate, Utc};
use pilote_domain::{Certification, CertificationLevel, access::Action};
use pilote_store::{Database, repo::matrix_certification};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::scope::scope_of;
use crate::{
    access,
    auth::Principal,
    db,
    error::{ApiError, ErrorEnvelope, responses::*},
    json::Json,
    openapi,
};

/// The body of the `PUT`: a level and the day it was granted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificationBody {
    #[schema(value_type = openapi::CertificationLevel)]
    pub level: String,
    /// The day it was granted; not after today.
    #[schema(example = "2026-11-30")]
    pub on: NaiveDate,
}

/// A matrix's certification, as the matrix answer and the `PUT` show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CertificationItem {
    #[schema(value_type = openapi::CertificationLevel)]
    pub level: &'static str,
    /// Its French name.
    #[schema(example = "Certifiée par les coachs de la DINUM")]
    pub label: &'static str,
    /// The day it was granted; null while it was never set (level `none`).
    pub on: Option<NaiveDate>,
}

impl CertificationItem {
    /// The item of a stored certification, or level `none` when there is none.
    pub fn of(certification: Option<Certification>) -> Self {
        let level = certification.map_or(CertificationLevel::None, |c| c.level());
        CertificationItem {
            level: level.as_str(),
            label: level.label_fr(),
            on: certification.map(|c| c.on()),
        }
    }
}

/// Sets the certification level of the product's impact matrix (administrators only);
/// audited as `matrix.certification`. The same level and day again changes nothing.
#[utoipa::path(
    operation_id = "matrix_certification_put",
    tag = "indicators",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The product's slug")),
    request_body = CertificationBody,
    responses(
        (status = 200, description = "The certification now", body = CertificationItem),
        (status = 403, description = "Not an administrator; an API token", body = ErrorEnvelope),
        (status = 422, description = "An unknown `level`, an `on` in the future", body = ErrorEnvelope),
        JsonBody, Unauthorized, UnknownProduct, DatabaseDown,
    ),
)]
#[put("/products/{slug}/matrix/certification")]
pub async fn put(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    body: Json<CertificationBody>,
) -> Result<web::Json<CertificationItem>, ApiError> {
    access::person_allowed(&principal, Action::Administer)?;
    let scope = scope_of(&db, &path).await?;
    let level = CertificationLevel::parse(&body.0.level)?;
    let certification = Certification::new(level, body.0.on, Utc::now().date_naive())?;
    db::write_as(&db, &principal, move |c, actor| {
        matrix_certification::set(c, scope.id, certification, actor)
    })
    .await?;
    Ok(web::Json(CertificationItem::of(Some(certification))))
}
