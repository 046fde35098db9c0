//! `POST /api/v1/auth/login`: an email and a password for a login token.

use actix_web::{HttpRequest, HttpResponse, error::JsonPayloadError, post, web};
use pilote_store::Database;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    auth::{
        JwtConfig, SignInOptions,
        login::{Outcome, attempt},
    },
    error::{ApiError, ErrorEnvelope, responses::*},
};

/// Login bodies are two short strings; anything bigger is not a login.
const MAX_BODY_BYTES: usize = 4096;

/// The credentials.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "claire@beta.gouv.fr")]
    pub email: String,
    #[schema(format = Password)]
    pub password: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("email", &self.email)
            .field("password", &"[redacted]")
            .finish()
    }
}

/// A login token and how long it lasts.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// A JWT, to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the token expires.
    #[schema(example = 3600)]
    pub expires_in: u64,
}

/// How login bodies are read: small, and refused in the JSON error envelope (400).
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(MAX_BODY_BYTES)
        .error_handler(|error, _req| {
            let message = match &error {
                JsonPayloadError::ContentType => "expected Content-Type: application/json".into(),
                JsonPayloadError::Overflow { .. }
                | JsonPayloadError::OverflowKnownLength { .. } => {
                    format!("body larger than {MAX_BODY_BYTES} bytes")
                }
                JsonPayloadError::Deserialize(e) => e.to_string(),
                other => other.to_string(),
            };
            ApiError::BadRequest(message).into()
        })
}

/// Exchanges an email and a password for a login token (JWT, Bearer).
///
/// Unknown email, wrong password and disabled account get the same 401, after the same work.
/// Too many recent failures for the email or the client address get 429 with `Retry-After`,
/// before the password is even checked.
#[utoipa::path(
    operation_id = "login",
    tag = "auth",
    responses(
        (status = 200, description = "A login token (`Cache-Control: no-store`)",
         body = LoginResponse),
        (status = 400, description = "Not JSON, malformed, the wrong shape, or over 4 KiB",
         body = ErrorEnvelope),
        (status = 401, description = "Unknown email, wrong password or disabled account",
         body = ErrorEnvelope),
        (status = 403, description = "Password sign-in is off (`password_login = false`)",
         body = ErrorEnvelope),
        (status = 429, description = "Too many recent failures; `Retry-After` says when to retry",
         body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "Seconds to wait"))),
        DatabaseDown,
    ),
)]
#[post("/login")]
pub async fn login(
    req: HttpRequest,
    db: web::Data<Database>,
    jwt: web::Data<JwtConfig>,
    options: web::Data<SignInOptions>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    if !options.password {
        return Err(ApiError::Forbidden(
            "password sign-in is off on this server: sign in with ProConnect".to_owned(),
        ));
    }
    let LoginRequest { email, password } = body.into_inner();
    // The TCP peer, or the client a trusted reverse proxy names (see `client_ip`).
    let ip = crate::client_ip::client_ip(&req);
    let outcome = web::block(move || attempt(&db, &email, &password, &ip)).await??;
    match outcome {
        Outcome::Accepted(user) => {
            let issued = jwt
                .issue(user.id, &user.email)
                .map_err(|e| ApiError::Internal(Box::new(e)))?;
            log::info!("user {} logged in", user.id);
            Ok(HttpResponse::Ok()
                .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
                .json(LoginResponse {
                    access_token: issued.token,
                    token_type: "Bearer",
                    expires_in: issued.expires_in,
                }))
        }
        Outcome::Rejected => Err(ApiError::Unauthorized("invalid email or password")),
        Outcome::Limited { retry_after_secs } => {
            Err(ApiError::TooManyRequests { retry_after_secs })
        }
    }
}
