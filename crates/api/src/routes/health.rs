//! Probes for load balancers and orchestrators.

use actix_web::{HttpResponse, get, web};
use pilote_store::Database;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, responses::*};

/// What a probe answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Probe {
    /// `ok` (process up) or `ready` (database reachable).
    #[schema(example = "ready")]
    pub status: &'static str,
    /// The backend, for `/readyz`: `sqlite` or `postgres`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "postgres")]
    pub database: Option<&'static str>,
}

/// The process is up.
#[utoipa::path(
    operation_id = "healthz",
    tag = "operations",
    responses((status = 200, description = "The process is up", body = Probe,
               example = json!({"status": "ok"}))),
)]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Probe {
        status: "ok",
        database: None,
    })
}

/// The database answers: 200, or 503 in the error envelope.
#[utoipa::path(
    operation_id = "readyz",
    tag = "operations",
    responses(
        (status = 200, description = "The database answers", body = Probe,
         example = json!({"status": "ready", "database": "postgres"})),
        DatabaseDown,
    ),
)]
#[get("/readyz")]
pub async fn readyz(db: web::Data<Database>) -> Result<HttpResponse, ApiError> {
    let backend = db.backend().as_str();
    let pool = db.clone();
    web::block(move || pool.ping()).await??;
    Ok(HttpResponse::Ok().json(Probe {
        status: "ready",
        database: Some(backend),
    }))
}
