//! Applications to a campaign (issue 24): submitting one, the managers' list and reading,
//! statuses, the jury's scores and ranking, and launching an investigation.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{NaiveDate, NaiveDateTime};
use pilote_domain::{Consents, Tally};
use pilote_store::{Database, repo::applications::StoredApplication};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    auth::{MaybePrincipal, Principal},
    error::{ApiError, ErrorEnvelope, responses::*},
    json::{Json, SmallJson},
    mail::Outbox,
    service::applications::{self as service, ApplicationInput, ApplicationView},
};

/// The largest application body accepted (16 KiB): the answers' own limits fit well within.
pub const APPLICATION_MAX_BYTES: usize = 16 * 1024;

/// Who would carry the product.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntrapreneurBody {
    pub name: String,
    pub email: String,
    /// 1 to 100.
    #[schema(example = 50)]
    pub availability_percent: i64,
}

/// What the applicant agrees to.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentsBody {
    /// That the answers are processed to run the call: must be `true`.
    pub processing: bool,
    /// That the incubator may contact them about later calls.
    #[serde(default)]
    pub contact: bool,
}

/// The body of `POST /campaigns/{slug}/applications`, beta.gouv.fr's call template.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationBody {
    /// 1 to 200 characters.
    pub title: String,
    /// Quantified, at most 10 lines and 1 200 characters.
    pub problem: String,
    /// Up to 1 000 characters.
    pub who_suffers: String,
    #[serde(default)]
    pub current_workaround: String,
    #[serde(default)]
    pub first_users: String,
    pub intrapreneur: IntrapreneurBody,
    pub sponsor: String,
    pub consents: ConsentsBody,
}

/// The id of what was created.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Applies to a campaign open today: anyone for a `public` campaign (rate-limited per
/// address and per e-mail: 429), signed in for an `agents` one. The intrapreneur gets a
/// confirmation by e-mail when SMTP is set. Audited as `application.submit`.
#[utoipa::path(
    operation_id = "applications_submit",
    tag = "campaigns",
    security((), ("bearer" = [])),
    params(("slug" = String, Path, description = "The campaign's slug")),
    request_body = ApplicationBody,
    responses(
        (status = 201, description = "The application's id", body = Created),
        (status = 400, description = "Not JSON, or malformed JSON", body = ErrorEnvelope),
        (status = 401, description = "An `agents` campaign, not signed in", body = ErrorEnvelope),
        (status = 403, description = "An API token", body = ErrorEnvelope),
        (status = 404, description = "Unknown campaign", body = ErrorEnvelope),
        (status = 409, description = "The campaign is not open today", body = ErrorEnvelope),
        (status = 413, description = "The body is over 16 KiB", body = ErrorEnvelope),
        (status = 422, description = "A field refused (`problem`, `intrapreneur.email`, `consents.processing`, ...)", body = ErrorEnvelope),
        (status = 429, description = "Too many applications from this address or e-mail", body = ErrorEnvelope),
        DatabaseDown,
    ),
)]
#[post("/campaigns/{slug}/applications")]
pub async fn submit(
    req: HttpRequest,
    principal: MaybePrincipal,
    db: web::Data<Database>,
    outbox: web::Data<Outbox>,
    path: web::Path<String>,
    body: SmallJson<ApplicationBody, APPLICATION_MAX_BYTES>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let input = ApplicationInput {
        title: b.title,
        problem: b.problem,
        who_suffers: b.who_suffers,
        current_workaround: b.current_workaround,
        first_users: b.first_users,
        intrapreneur_name: b.intrapreneur.name,
        intrapreneur_email: b.intrapreneur.email,
        availability_percent: b.intrapreneur.availability_percent,
        sponsor: b.sponsor,
        consents: Consents {
            processing: b.consents.processing,
            contact: b.consents.contact,
        },
    };
    let ip = crate::client_ip::client_ip(&req);
    let id = service::submit(&db, &outbox, principal.0.as_ref(), &path, input, &ip).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/applications/{id}"),
        ))
        .json(Created { id: id.0 }))
}

/// An application as its managers read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationItem {
    pub id: i64,
    pub campaign: String,
    /// `received`, `preselected`, `auditioned`, `selected` or `rejected`.
    pub status: String,
    pub title: String,
    pub problem: String,
    pub who_suffers: String,
    pub current_workaround: String,
    pub first_users: String,
    pub intrapreneur: IntrapreneurBody,
    pub sponsor: String,
    pub consents: ConsentsBody,
    /// Whether someone signed in submitted it.
    pub signed_in: bool,
    #[serde(serialize_with = "crate::json::utc::serialize")]
    pub submitted_at: NaiveDateTime,
    /// The product launched from it.
    pub product: Option<String>,
}

impl From<StoredApplication> for ApplicationItem {
    fn from(s: StoredApplication) -> Self {
        let a = s.application;
        ApplicationItem {
            id: s.id.0,
            campaign: s.campaign.to_string(),
            status: s.status.as_str().to_owned(),
            title: a.title,
            problem: a.problem,
            who_suffers: a.who_suffers,
            current_workaround: a.current_workaround,
            first_users: a.first_users,
            intrapreneur: IntrapreneurBody {
                name: a.intrapreneur.name,
                email: a.intrapreneur.email.to_string(),
                availability_percent: a.intrapreneur.availability_percent.into(),
            },
            sponsor: a.sponsor,
            consents: ConsentsBody {
                processing: a.consents.processing,
                contact: a.consents.contact,
            },
            signed_in: s.submitted_by.is_some(),
            submitted_at: s.submitted_at,
            product: s.product.map(|p| p.to_string()),
        }
    }
}

/// One status the application took.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusItem {
    pub status: String,
    pub reason: Option<String>,
    /// The user who set it (none for the submission of someone without an account).
    pub by: Option<i64>,
    #[serde(serialize_with = "crate::json::utc::serialize")]
    pub at: NaiveDateTime,
}

/// One criterion's result.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriterionResult {
    pub key: String,
    pub weight: u32,
    /// The mean of the scores that count; `null` when none does.
    pub mean: Option<f64>,
    /// How many scores count.
    pub jurors: u32,
}

/// The jury's result for one application.
#[derive(Debug, Serialize, ToSchema)]
pub struct TallyItem {
    /// Σ weight × criterion mean ÷ Σ weight; `null` before any counted score.
    pub weighted_mean: Option<f64>,
    pub criteria: Vec<CriterionResult>,
    /// Jurors whose scores count.
    pub jurors: u32,
    /// Jurors who declared a conflict of interest: not counted.
    pub conflicted: u32,
}

impl From<Tally> for TallyItem {
    fn from(t: Tally) -> Self {
        TallyItem {
            weighted_mean: t.weighted_mean,
            criteria: t
                .criteria
                .into_iter()
                .map(|c| CriterionResult {
                    key: c.key,
                    weight: c.weight,
                    mean: c.mean,
                    jurors: c.jurors,
                })
                .collect(),
            jurors: t.jurors,
            conflicted: t.conflicted,
        }
    }
}

/// One application with its history and the jury's result.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationDetail {
    #[serde(flatten)]
    pub application: ApplicationItem,
    pub history: Vec<StatusItem>,
    pub tally: TallyItem,
    /// The caller's own sheet, if they scored it.
    pub my_scores: Option<ScoresBody>,
    /// The irritants it answers, the most voted first.
    pub irritants: Vec<crate::routes::products::AnsweredIrritant>,
}

impl From<ApplicationView> for ApplicationDetail {
    fn from(v: ApplicationView) -> Self {
        ApplicationDetail {
            application: v.stored.into(),
            history: v
                .history
                .into_iter()
                .map(|h| StatusItem {
                    status: h.status.as_str().to_owned(),
                    reason: h.reason,
                    by: h.actor.map(|u| u.0),
                    at: h.at,
                })
                .collect(),
            tally: v.tally.into(),
            my_scores: v.mine.map(|s| ScoresBody {
                scores: s.scores.into_iter().map(|(k, v)| (k, v.into())).collect(),
                conflict_of_interest: s.conflict_of_interest,
            }),
            irritants: v.irritants.into_iter().map(Into::into).collect(),
        }
    }
}

/// A campaign's applications, in the order they came: its incubator's managers.
#[utoipa::path(
    operation_id = "applications_list",
    tag = "campaigns",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The campaign's slug")),
    responses(
        (status = 200, description = "Its applications", body = Vec<ApplicationItem>),
        (status = 404, description = "Unknown campaign", body = ErrorEnvelope),
        Unauthorized, ManagersOnly, DatabaseDown,
    ),
)]
#[get("/campaigns/{slug}/applications")]
pub async fn list(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
) -> Result<web::Json<Vec<ApplicationItem>>, ApiError> {
    let (_, all) = service::list(&db, &principal, &path).await?;
    Ok(web::Json(all.into_iter().map(Into::into).collect()))
}

/// One application, its status history and the jury's result: its incubator's managers.
#[utoipa::path(
    operation_id = "applications_get",
    tag = "campaigns",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The application's id")),
    responses(
        (status = 200, description = "The application", body = ApplicationDetail),
        (status = 404, description = "Unknown application", body = ErrorEnvelope),
        Unauthorized, ManagersOnly, DatabaseDown,
    ),
)]
#[get("/applications/{id}")]
pub async fn get(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<i64>,
) -> Result<web::Json<ApplicationDetail>, ApiError> {
    let view = service::get(&db, &principal, path.into_inner()).await?;
    Ok(web::Json(view.into()))
}

/// The body of `POST /applications/{id}/status`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    /// One step forward (`received → preselected → auditioned → selected`) or `rejected`.
    #[schema(example = "preselected")]
    pub status: String,
    /// Required for `rejected`; at most 2 000 characters.
    #[serde(default)]
    pub reason: String,
}

/// Moves an application one step forward, or rejects it with a reason; never back, never
/// from `selected` or `rejected` (409). Its incubator's managers; audited.
#[utoipa::path(
    operation_id = "applications_status",
    tag = "campaigns",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The application's id")),
    request_body = StatusBody,
    responses(
        (status = 200, description = "The application now", body = ApplicationDetail),
        (status = 404, description = "Unknown application", body = ErrorEnvelope),
        (status = 409, description = "Not a move allowed from its status", body = ErrorEnvelope),
        (status = 422, description = "`status` unknown, `reason` missing for a rejection", body = ErrorEnvelope),
        JsonBody, Unauthorized, ManagersOnly, DatabaseDown,
    ),
)]
#[post("/applications/{id}/status")]
pub async fn status(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<i64>,
    body: Json<StatusBody>,
) -> Result<web::Json<ApplicationDetail>, ApiError> {
    let id = path.into_inner();
    service::set_status(&db, &principal, id, &body.0.status, &body.0.reason).await?;
    Ok(web::Json(service::get(&db, &principal, id).await?.into()))
}

/// A juror's sheet.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoresBody {
    /// Criterion key → 0 to 5; every criterion unless a conflict of interest is declared.
    #[schema(example = json!({"impact": 4, "faisabilite": 3}))]
    pub scores: BTreeMap<String, i64>,
    /// Declared: nothing this juror gives counts.
    #[serde(default)]
    pub conflict_of_interest: bool,
}

/// Saves the caller's scores of an application, replacing their earlier sheet: each manager
/// of the incubator is a juror. Audited as `application.score`.
#[utoipa::path(
    operation_id = "applications_scores",
    tag = "campaigns",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The application's id")),
    request_body = ScoresBody,
    responses(
        (status = 200, description = "The sheet saved", body = ScoresBody),
        (status = 404, description = "Unknown application", body = ErrorEnvelope),
        (status = 422, description = "`scores.KEY` unknown, missing or not 0 to 5", body = ErrorEnvelope),
        JsonBody, Unauthorized, ManagersOnly, DatabaseDown,
    ),
)]
#[put("/applications/{id}/scores")]
pub async fn scores(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<i64>,
    body: Json<ScoresBody>,
) -> Result<web::Json<ScoresBody>, ApiError> {
    let b = body.0;
    let sheet = service::put_scores(
        &db,
        &principal,
        path.into_inner(),
        &b.scores,
        b.conflict_of_interest,
    )
    .await?;
    Ok(web::Json(ScoresBody {
        scores: sheet
            .scores
            .into_iter()
            .map(|(k, v)| (k, v.into()))
            .collect(),
        conflict_of_interest: sheet.conflict_of_interest,
    }))
}

/// One row of the ranking.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankedItem {
    /// 1 for the first.
    pub rank: usize,
    pub id: i64,
    pub title: String,
    pub status: String,
    #[serde(flatten)]
    pub tally: TallyItem,
}

/// The campaign's applications by the weighted mean of the scores that count (a conflicted
/// juror's do not), highest first, those not scored last; each criterion's mean and the
/// number of jurors. Its incubator's managers.
#[utoipa::path(
    operation_id = "campaigns_ranking",
    tag = "campaigns",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The campaign's slug")),
    responses(
        (status = 200, description = "The ranking", body = Vec<RankedItem>),
        (status = 404, description = "Unknown campaign", body = ErrorEnvelope),
        Unauthorized, ManagersOnly, DatabaseDown,
    ),
)]
#[get("/campaigns/{slug}/ranking")]
pub async fn ranking(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
) -> Result<web::Json<Vec<RankedItem>>, ApiError> {
    let (_, ranked) = service::ranking(&db, &principal, &path).await?;
    Ok(web::Json(
        ranked
            .into_iter()
            .enumerate()
            .map(|(i, (a, t))| RankedItem {
                rank: i + 1,
                id: a.id.0,
                title: a.application.title,
                status: a.status.as_str().to_owned(),
                tally: t.into(),
            })
            .collect(),
    ))
}

/// The body of `POST /applications/{id}/launch`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LaunchBody {
    #[schema(example = "guichet-sans-attente")]
    pub product_slug: String,
    /// The investigation's first day; default today.
    pub started_on: Option<NaiveDate>,
}

/// Launches an investigation from a selected application: the product is created in the
/// campaign's incubator, named after the application, its pitch and sponsor taken from it,
/// and linked both ways (`GET /products/{slug}` names its `application`). Its incubator's
/// managers; audited (`product.create`, `application.launch`).
#[utoipa::path(
    operation_id = "applications_launch",
    tag = "campaigns",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The application's id")),
    request_body = LaunchBody,
    responses(
        (status = 201, description = "The application, now linked (`Location` names the product)", body = ApplicationDetail,
         headers(("Location" = String, description = "`/api/v1/products/{slug}`"))),
        (status = 404, description = "Unknown application", body = ErrorEnvelope),
        (status = 409, description = "Not selected, launched already, or the slug is taken", body = ErrorEnvelope),
        (status = 422, description = "`product_slug` or `started_on` refused", body = ErrorEnvelope),
        JsonBody, Unauthorized, ManagersOnly, DatabaseDown,
    ),
)]
#[post("/applications/{id}/launch")]
pub async fn launch(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<i64>,
    body: Json<LaunchBody>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let b = body.0;
    let slug = service::launch(&db, &principal, id, &b.product_slug, b.started_on).await?;
    let detail: ApplicationDetail = service::get(&db, &principal, id).await?.into();
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/products/{slug}"),
        ))
        .json(detail))
}
