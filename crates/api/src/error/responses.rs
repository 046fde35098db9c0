//! The error responses routes share, for their `#[utoipa::path(responses(...))]`: each type is
//! one or two rows of the document, written once. A route writes its success rows, then a row
//! of its own wherever the wording says something about that route (`Unknown product or
//! indicator`, the fields its 422 names), then the shared ones it can give on one last line:
//! `Unauthorized, PersonsOnly, UnknownProduct, DatabaseDown`. Routes bring them in with
//! `use crate::error::responses::*`, a module that holds nothing else. Every body is the
//! [`ErrorEnvelope`].
//!
//! utoipa adds these rows (`IntoResponses`) to the route's own, keyed by status code: a route
//! names each status once, here or in a row of its own, or the later one silently wins.

use utoipa::IntoResponses;

use super::ErrorEnvelope;

/// 401 with `WWW-Authenticate: Bearer`: every route behind the bearer scheme.
#[derive(IntoResponses)]
#[response(
    status = 401,
    description = "Missing or invalid bearer token",
    headers(("WWW-Authenticate" = String, description = "`Bearer`"))
)]
pub struct Unauthorized(pub ErrorEnvelope);

/// 503: every route that reads or writes the database.
#[derive(IntoResponses)]
#[response(status = 503, description = "The database is out of reach")]
pub struct DatabaseDown(pub ErrorEnvelope);

/// 400 and 413: what `crate::json::Json` refuses before the handler runs. The 422 of a JSON body
/// names the route's own fields, so each route writes it.
#[derive(IntoResponses)]
pub enum JsonBody {
    #[response(status = 400, description = "Not JSON, or malformed JSON")]
    Malformed(ErrorEnvelope),
    #[response(status = 413, description = "The body is over 1 MiB")]
    TooLarge(ErrorEnvelope),
}

/// 403 for a product API token on a route that only people use (any role may read).
#[derive(IntoResponses)]
#[response(status = 403, description = "An API token")]
pub struct PersonsOnly(pub ErrorEnvelope);

/// 403 on a write that only the incubator's managers (and admins) may make.
#[derive(IntoResponses)]
#[response(status = 403, description = "Not a manager of the incubator")]
pub struct ManagersOnly(pub ErrorEnvelope);

/// 404 when the path's `{slug}` names no product.
#[derive(IntoResponses)]
#[response(status = 404, description = "Unknown product")]
pub struct UnknownProduct(pub ErrorEnvelope);

/// 422 for `page` or `per_page` out of range on a list.
#[derive(IntoResponses)]
#[response(status = 422, description = "Invalid paging")]
pub struct InvalidPaging(pub ErrorEnvelope);

/// 422 for a body whose fields the domain refuses, each named in `details`.
#[derive(IntoResponses)]
#[response(
    status = 422,
    description = "Well-formed but invalid: every field at fault in `details`"
)]
pub struct InvalidFields(pub ErrorEnvelope);
