//! `/api/v1/products/{slug}/phases` and `/decisions`: the phase history and the committee
//! decisions that shape it.

use actix_web::{HttpResponse, get, post, web};
use chrono::{NaiveDate, NaiveDateTime};
use pilote_domain::{DecisionKind, NewDecision, PhaseHistory, Rationale};
use pilote_store::{
    Database,
    repo::phases::{self, DecisionRecord},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    access,
    auth::Principal,
    error::{ApiError, ErrorEnvelope, responses::*},
    json::Json,
    list::{List, PageQuery},
    openapi,
    service::{decisions, scope::scope_of},
};

/// One phase record; `ended_on` is the day the next began (or the product stopped).
#[derive(Debug, Serialize, ToSchema)]
pub struct PhaseItem {
    #[schema(value_type = openapi::Phase)]
    pub phase: &'static str,
    /// The phase's French label.
    #[schema(example = "Construction")]
    pub label: &'static str,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    /// The phase began with a return to an earlier phase (history imported from the
    /// beta.gouv.fr catalogue; a decision never goes back).
    pub is_return: bool,
}

fn phase_items(history: &PhaseHistory) -> Vec<PhaseItem> {
    history
        .records()
        .iter()
        .map(|r| PhaseItem {
            phase: r.phase.as_str(),
            label: r.phase.label_fr(),
            started_on: r.started_on,
            ended_on: r.ended_on,
            is_return: history.is_return(r),
        })
        .collect()
}

product_list! {
    /// The product's phases, oldest first.
    fn phase_history = "phases_list", tag "decisions", get "/products/{slug}/phases",
    200 "A page of the phase history" PhaseItem,
    load |c, product| Ok(phase_items(&phases::history(c, product)?)),
    each Ok,
}

/// A recorded decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionItem {
    pub id: i64,
    #[schema(value_type = openapi::DecisionKind)]
    pub kind: &'static str,
    pub decided_on: NaiveDate,
    pub rationale: String,
    pub decided_by: Option<i64>,
    #[serde(serialize_with = "crate::json::utc::serialize")]
    pub recorded_at: NaiveDateTime,
}

impl From<DecisionRecord> for DecisionItem {
    fn from(r: DecisionRecord) -> Self {
        DecisionItem {
            id: r.id.0,
            kind: r.decision.kind.as_str(),
            decided_on: r.decision.decided_on,
            rationale: r.decision.rationale.to_string(),
            decided_by: r.decided_by.map(|u| u.0),
            recorded_at: r.recorded_at,
        }
    }
}

product_list! {
    /// The product's decisions, oldest first.
    fn list = "decisions_list", tag "decisions", get "/products/{slug}/decisions",
    200 "A page of decisions" DecisionItem,
    load phases::decisions,
    each |r| Ok(DecisionItem::from(r)),
}

/// The body of `POST /decisions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDecisionBody {
    #[schema(value_type = openapi::DecisionKind)]
    pub kind: String,
    pub decided_on: NaiveDate,
    pub rationale: String,
}

/// What a decision did.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionOutcome {
    pub decision: DecisionItem,
    /// The phase after the decision, or `stopped`.
    #[schema(value_type = openapi::ProductStatus)]
    pub phase: &'static str,
    pub phases: Vec<PhaseItem>,
}

/// Records a committee decision (the incubator's managers). `advance` moves to the next phase
/// only, `stop` ends the product; 409 when the rule refuses (already stopped, dated before the
/// current phase began, nothing after pérennisation), 422 when dated in the future.
#[utoipa::path(
    operation_id = "decisions_create",
    tag = "decisions",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
    ),
    responses(
        (status = 201, description = "The decision and the resulting phases", body = DecisionOutcome),
        (status = 409, description = "The phase rules refuse the decision", body = ErrorEnvelope),
        (status = 422, description = "Invalid kind or rationale, or dated in the future", body = ErrorEnvelope),
        JsonBody, Unauthorized, ManagersOnly, UnknownProduct, DatabaseDown,
    ),
)]
#[post("/products/{slug}/decisions")]
pub async fn create(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    body: Json<NewDecisionBody>,
) -> Result<HttpResponse, ApiError> {
    let scope = scope_of(&db, &path).await?;
    // Permission first: a viewer learns nothing from the body's problems.
    access::person_allowed(&principal, scope.manage())?;
    let body = body.0;
    let decision = NewDecision {
        kind: DecisionKind::parse(&body.kind)?,
        decided_on: body.decided_on,
        rationale: Rationale::parse(&body.rationale)?,
    };
    let (record, history) = decisions::record(&db, &principal, &scope, decision).await?;
    Ok(HttpResponse::Created().json(DecisionOutcome {
        decision: record.into(),
        phase: history.status().as_str(),
        phases: phase_items(&history),
    }))
}
