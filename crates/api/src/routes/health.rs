//! Probes for load balancers and orchestrators.

use actix_web::{HttpResponse, get, web};
use pilote_store::Database;
use serde_json::json;

use crate::error::ApiError;

/// The process is up.
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// The database answers: 200, or 503 in the error envelope.
#[get("/readyz")]
pub async fn readyz(db: web::Data<Database>) -> Result<HttpResponse, ApiError> {
    let backend = db.backend().as_str();
    let pool = db.clone();
    web::block(move || pool.ping()).await??;
    Ok(HttpResponse::Ok().json(json!({ "status": "ready", "database": backend })))
}
