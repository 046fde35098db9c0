//! The route table: every path the server answers, in one place.

use actix_web::web;

use crate::error::ApiError;

pub mod health;

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .default_service(web::to(unknown_route));
}

/// Any other path: 404 in the contract's JSON envelope, never an empty body.
async fn unknown_route() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound("route"))
}
