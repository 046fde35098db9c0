//! `GET /api/v1/me`: the signed-in user and their roles.

use actix_web::{get, web};
use pilote_domain::Grant;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    auth::Principal,
    error::{ApiError, ErrorEnvelope, responses::*},
    openapi::GrantSchema,
};

/// The user as `/me` shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub name: String,
    /// Each role with its scope: `{"role":"manager","incubator":"dinum"}`.
    #[schema(value_type = Vec<GrantSchema>)]
    pub roles: Vec<Grant>,
}

/// The signed-in user and their roles. API tokens get 403: they can only post and read
/// measures.
#[utoipa::path(
    operation_id = "me",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user and their roles", body = Me),
        (status = 403, description = "An API token, not a person", body = ErrorEnvelope),
        Unauthorized, DatabaseDown,
    ),
)]
#[get("/me")]
pub async fn me(principal: Principal) -> Result<web::Json<Me>, ApiError> {
    match principal {
        Principal::User(user) => Ok(web::Json(Me {
            id: user.id.0,
            email: user.email.to_string(),
            name: user.name,
            roles: user.grants,
        })),
        Principal::Token { .. } => Err(ApiError::Forbidden(
            "API tokens can only post and read measures".to_owned(),
        )),
    }
}
