//! `PUT /api/v1/incubators/{slug}/committee-cadence`: the longest time between two committees
//! of a running product of the incubator (its managers and administrators).

use actix_web::{put, web};
use pilote_domain::{CommitteeCadence, access::Action};
use pilote_store::{Database, repo::committees};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::scope;
use crate::{
    access,
    auth::Principal,
    db,
    error::{ApiError, ErrorEnvelope, responses::*},
    json::Json,
};

/// The incubator's committee cadence.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CadenceBody {
    /// 1 to 24 months (default 6).
    #[schema(example = 6)]
    pub committee_months: i64,
}

/// Sets the incubator's committee cadence; audited as `incubator.committee_cadence`.
#[utoipa::path(
    operation_id = "committee_cadence_put",
    tag = "incubators",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The incubator's slug")),
    request_body = CadenceBody,
    responses(
        (status = 200, description = "The cadence now", body = CadenceBody),
        (status = 403, description = "Neither a manager of the incubator nor an admin; an API token", body = ErrorEnvelope),
        (status = 404, description = "Unknown incubator", body = ErrorEnvelope),
        (status = 422, description = "`committee_months` not between 1 and 24", body = ErrorEnvelope),
        JsonBody, Unauthorized, DatabaseDown,
    ),
)]
#[put("/incubators/{slug}/committee-cadence")]
pub async fn put(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    body: Json<CadenceBody>,
) -> Result<web::Json<CadenceBody>, ApiError> {
    let incubator = scope::slug(&path, "incubator")?;
    access::person_allowed(
        &principal,
        Action::Manage {
            incubator: &incubator,
        },
    )?;
    let cadence = CommitteeCadence::new(body.0.committee_months)?;
    db::write_as(&db, &principal, move |c, actor| {
        committees::set_cadence(c, &incubator, cadence, actor)
    })
    .await?;
    Ok(web::Json(CadenceBody {
        committee_months: cadence.months().into(),
    }))
}
