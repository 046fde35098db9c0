//! `/api/v1/products/{slug}/tokens`: API tokens for a product's scripts. The secret is shown
//! once, at creation; only its hash is stored.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::NaiveDateTime;
use pilote_store::{
    Database, TokenId,
    repo::tokens::{self, TokenInfo},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::scope::scope_of;
use crate::{
    access,
    auth::Principal,
    db,
    error::{ApiError, ErrorEnvelope, responses::*},
    json::Json,
    list::{List, PageQuery},
};

/// The body of `POST /tokens`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for, e.g. "script hebdomadaire".
    pub name: String,
}

/// A new token: `token` is the secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    pub id: i64,
    pub name: String,
    /// The secret, `pil_...`: shown this once, only its hash is kept.
    #[schema(example = "pil_3f9c...")]
    pub token: String,
}

/// A token as lists show it: never its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenItem {
    pub id: i64,
    pub name: String,
    /// The first characters of the secret, to tell tokens apart.
    pub prefix: String,
    #[serde(serialize_with = "crate::json::utc::serialize")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::json::utc::serialize_option")]
    pub last_used_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::json::utc::serialize_option")]
    pub revoked_at: Option<NaiveDateTime>,
}

impl From<TokenInfo> for TokenItem {
    fn from(t: TokenInfo) -> Self {
        TokenItem {
            id: t.id.0,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// Creates a token for the product (its team and its incubator's managers; not a token).
#[utoipa::path(
    operation_id = "tokens_create",
    tag = "tokens",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
    ),
    responses(
        (status = 201, description = "The token, with its secret shown this once", body = CreatedToken),
        (status = 403, description = "A token, or not in the team nor a manager", body = ErrorEnvelope),
        JsonBody, Unauthorized, UnknownProduct, InvalidFields, DatabaseDown,
    ),
)]
#[post("/products/{slug}/tokens")]
pub async fn create(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    body: Json<NewToken>,
) -> Result<HttpResponse, ApiError> {
    let scope = scope_of(&db, &path).await?;
    access::person_allowed(&principal, scope.contribute())?;
    let actor = access::actor(&principal);
    let name = body.0.name.trim().to_owned();
    let stored = name.clone();
    let (id, token) = db::write(&db, move |c| tokens::create(c, scope.id, &stored, actor)).await?;
    Ok(HttpResponse::Created().json(CreatedToken {
        id: id.0,
        name,
        token,
    }))
}

/// The product's tokens, revoked ones included.
#[utoipa::path(
    operation_id = "tokens_list",
    tag = "tokens",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        PageQuery,
    ),
    responses(
        (status = 200, description = "A page of tokens, never their secret", body = List<TokenItem>),
        (status = 403, description = "A token, or not in the team nor a manager", body = ErrorEnvelope),
        Unauthorized, UnknownProduct, InvalidPaging, DatabaseDown,
    ),
)]
#[get("/products/{slug}/tokens")]
pub async fn list(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    page: web::Query<PageQuery>,
) -> Result<web::Json<List<TokenItem>>, ApiError> {
    let scope = scope_of(&db, &path).await?;
    access::person_allowed(&principal, scope.contribute())?;
    let page = page.into_inner().page()?;
    let all = db::read(&db, move |c| tokens::list(c, scope.id)).await?;
    let items = all.into_iter().map(TokenItem::from).collect();
    Ok(web::Json(List::paginate(items, page)))
}

/// Revokes a token: it stops working at once.
#[utoipa::path(
    operation_id = "tokens_revoke",
    tag = "tokens",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        ("id" = i64, Path, description = "The token's id"),
    ),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "A token, or not in the team nor a manager", body = ErrorEnvelope),
        (status = 404, description = "Unknown product or token", body = ErrorEnvelope),
        Unauthorized, DatabaseDown,
    ),
)]
#[delete("/products/{slug}/tokens/{id}")]
pub async fn revoke(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    let scope = scope_of(&db, &slug).await?;
    access::person_allowed(&principal, scope.contribute())?;
    let actor = access::actor(&principal);
    db::write(&db, move |c| {
        tokens::revoke(c, scope.id, TokenId(id), actor)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
