//! The API's one error type, mapped once to HTTP status codes and the contract's JSON envelope:
//! `{"error": {"code", "message", "details": [{"field", "problem"}]}}`.

use actix_web::{
    HttpResponse, ResponseError,
    http::{StatusCode, header},
};
use pilote_domain::{Conflict, DomainError, Problem};
use pilote_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

pub mod responses;

/// What a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body could not be read as what the route takes (400).
    #[error("{0}")]
    BadRequest(String),
    /// The body is over the route's limit, in bytes (413).
    #[error("the body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// Several values are invalid (422): every field at fault, e.g. each bad row of a batch.
    /// Typed, like [`ApiError::Refused`].
    #[error("{} invalid values", .0.len())]
    InvalidMany(Vec<(String, Problem)>),
    /// Missing or invalid credentials (401, with `WWW-Authenticate: Bearer`).
    #[error("{0}")]
    Unauthorized(&'static str),
    /// Authenticated, but not allowed (403).
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts (429, with `Retry-After` in seconds).
    #[error("too many attempts, retry in {retry_after_secs} seconds")]
    TooManyRequests { retry_after_secs: u64 },
    /// A domain rule refused the request: 422 for a value (with its field), 409 for a
    /// conflict with what is stored. The problem stays typed, so that pages and the CLI say it
    /// in French ([`DomainError::french`]) and the API in the contract's English.
    #[error(transparent)]
    Refused(DomainError),
    /// The request's own shape is wrong (422): a path or query value the HTTP layer reads
    /// (a date in a path, paging, a filter), in English for API clients only.
    #[error("{field}: {problem}")]
    Invalid { field: String, problem: String },
    /// Unknown resource (404).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The database is out of reach (503).
    #[error("database unavailable")]
    Unavailable(#[source] StoreError),
    /// Anything else (500): logged, never shown.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        ApiError::Refused(error)
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Domain(e) => e.into(),
            StoreError::NotFound { what } => ApiError::NotFound(what),
            StoreError::Conflict(constraint) => {
                // The constraint names the schema: the log gets it, the client a plain sentence.
                log::info!("conflict on {constraint}");
                ApiError::Refused(DomainError::Conflict(Conflict::Taken))
            }
            e @ StoreError::Unavailable(_) => ApiError::Unavailable(e),
            other => ApiError::Internal(Box::new(other)),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        ApiError::Internal(Box::new(error))
    }
}

/// The error envelope: `{"error": {"code", "message", "details"}}`. Its schema is the one the
/// OpenAPI document gives every error response.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"error": {"code": "validation_failed",
    "message": "measures[3].value: not a finite number",
    "details": [{"field": "measures[3].value", "problem": "not a finite number"}]}}))]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    #[schema(value_type = ErrorCode)]
    pub code: &'static str,
    /// For people; 5xx messages never carry internals.
    pub message: String,
    /// Every field at fault (422 only); absent when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    pub details: Vec<ErrorDetail>,
}

/// One field at fault, e.g. a row of a batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Where, as a path into the body: `measures[3].value`, `lines[4].period`, `query`.
    pub field: String,
    pub problem: String,
}

crate::openapi::string_enum_schema!(
    /// [`ApiError::CODES`] in the document: the schema of [`ErrorBody::code`].
    ErrorCode,
    "The stable, machine-readable error code.",
    ApiError::CODES
);

impl ApiError {
    /// Every code [`ApiError::code`] can return (the document lists them).
    pub const CODES: [&'static str; 10] = [
        "bad_request",
        "payload_too_large",
        "unauthorized",
        "forbidden",
        "too_many_requests",
        "validation_failed",
        "not_found",
        "conflict",
        "database_unavailable",
        "internal_error",
    ];

    /// The stable machine-readable code of the contract.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::Invalid { .. }
            | ApiError::InvalidMany(_)
            | ApiError::Refused(DomainError::Invalid { .. }) => "validation_failed",
            ApiError::Refused(DomainError::Conflict(_)) => "conflict",
            ApiError::NotFound(_) => "not_found",
            ApiError::Unavailable(_) => "database_unavailable",
            ApiError::Internal(_) => "internal_error",
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Invalid { .. }
            | ApiError::InvalidMany(_)
            | ApiError::Refused(DomainError::Invalid { .. }) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Refused(DomainError::Conflict(_)) => StatusCode::CONFLICT,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let details = match self {
            ApiError::Invalid { field, problem } => vec![ErrorDetail {
                field: field.clone(),
                problem: problem.clone(),
            }],
            ApiError::Refused(DomainError::Invalid { field, problem }) => vec![ErrorDetail {
                field: field.clone(),
                problem: problem.to_string(),
            }],
            ApiError::InvalidMany(all) => all
                .iter()
                .map(|(field, problem)| ErrorDetail {
                    field: field.clone(),
                    problem: problem.to_string(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut response = HttpResponse::build(self.status_code());
        match self {
            ApiError::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::TooManyRequests { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            _ => {}
        }
        response.json(ErrorEnvelope {
            error: ErrorBody {
                code: self.code(),
                message: self.to_string(),
                details,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_maps_to_its_status_and_code() {
        let cases: Vec<(ApiError, u16, &str)> = vec![
            (
                DomainError::invalid("slug", Problem::Empty).into(),
                422,
                "validation_failed",
            ),
            (
                DomainError::Conflict(Conflict::Stopped).into(),
                409,
                "conflict",
            ),
            (
                StoreError::NotFound { what: "product" }.into(),
                404,
                "not_found",
            ),
            (
                StoreError::Conflict("products_slug_key".into()).into(),
                409,
                "conflict",
            ),
            (
                StoreError::Unavailable("down".into()).into(),
                503,
                "database_unavailable",
            ),
            (
                StoreError::Migration("boom".into()).into(),
                500,
                "internal_error",
            ),
        ];
        for (error, status, code) in cases {
            assert_eq!(error.status_code().as_u16(), status, "{error:?}");
            assert_eq!(error.code(), code);
        }
    }

    #[test]
    fn every_code_is_listed_for_the_document() {
        let errors = [
            ApiError::BadRequest(String::new()),
            ApiError::PayloadTooLarge(1),
            ApiError::InvalidMany(Vec::new()),
            ApiError::Unauthorized(""),
            ApiError::Forbidden(String::new()),
            ApiError::TooManyRequests {
                retry_after_secs: 1,
            },
            ApiError::Invalid {
                field: String::new(),
                problem: String::new(),
            },
            ApiError::NotFound(""),
            ApiError::Refused(DomainError::Conflict(Conflict::Taken)),
            ApiError::Refused(DomainError::invalid("x", Problem::Empty)),
            ApiError::Unavailable(StoreError::Unavailable("down".into())),
            ApiError::Internal("boom".into()),
        ];
        let codes: std::collections::BTreeSet<&str> = errors.iter().map(ApiError::code).collect();
        let listed: std::collections::BTreeSet<&str> = ApiError::CODES.into_iter().collect();
        assert_eq!(codes, listed);
    }

    #[test]
    fn internal_errors_do_not_leak_their_cause() {
        let error: ApiError = StoreError::Migration("SELECT secret FROM x".into()).into();
        assert_eq!(error.to_string(), "internal error");
    }
}
