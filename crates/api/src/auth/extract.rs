//! Who is calling: extractors that put the permission in the handler's signature.
//!
//! - [`CurrentUser`]: a signed-in person (a valid login JWT), loaded with their roles.
//! - [`Principal`]: a person or a product's API token (`Bearer pil_...`).
//!
//! Both answer 401 with `WWW-Authenticate: Bearer` when the credentials are missing or invalid,
//! and never say which part was wrong.

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use pilote_domain::{Email, Grant};
use pilote_store::{Database, ProductId, TokenId, UserId, repo::tokens};

use crate::{
    auth::{
        cache::IdentityCache,
        jwt::{Claims, JwtConfig},
    },
    error::ApiError,
};

const INVALID: &str = "missing or invalid bearer token";

/// A signed-in, enabled user and the roles they hold.
#[derive(Clone, Debug, PartialEq)]
pub struct CurrentUser {
    pub id: UserId,
    pub email: Email,
    pub name: String,
    pub grants: Vec<Grant>,
}

/// Whoever a request is authenticated as.
#[derive(Clone, Debug, PartialEq)]
pub enum Principal {
    /// A person, with a login JWT.
    User(CurrentUser),
    /// A script with one product's API token.
    Token { id: TokenId, product: ProductId },
}

/// The token of an `Authorization: Bearer <token>` header (the scheme is case-insensitive).
fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

pub(crate) fn app_data<T: 'static>(req: &HttpRequest) -> Result<web::Data<T>, ApiError> {
    req.app_data::<web::Data<T>>().cloned().ok_or_else(|| {
        // A wiring bug, not the client's fault: 500, logged by the error's renderer.
        ApiError::Internal(format!("{} missing from app data", std::any::type_name::<T>()).into())
    })
}

/// Checks a login JWT and loads its user with their roles; disabled or deleted users fail.
pub(crate) async fn user_from_jwt(
    db: web::Data<Database>,
    cache: web::Data<IdentityCache>,
    jwt: &JwtConfig,
    token: &str,
) -> Result<CurrentUser, ApiError> {
    Ok(session_from_jwt(db, cache, jwt, token).await?.0)
}

/// [`user_from_jwt`], with the token's claims (a session cookie's id and times). A session
/// past its absolute maximum is refused even if its token has not expired. The user and
/// their grants come from the [`IdentityCache`], as of the database's current authorisation
/// version.
pub(crate) async fn session_from_jwt(
    db: web::Data<Database>,
    cache: web::Data<IdentityCache>,
    jwt: &JwtConfig,
    token: &str,
) -> Result<(CurrentUser, Claims), ApiError> {
    let claims = jwt.verify(token).map_err(|e| {
        log::debug!("rejected login token: {e}");
        ApiError::Unauthorized(INVALID)
    })?;
    if claims.auth_time.is_some_and(|t| jwt.session_over(t)) {
        return Err(ApiError::Unauthorized(INVALID));
    }
    let id = claims.user_id().ok_or(ApiError::Unauthorized(INVALID))?;
    match cache.user(&db, id, claims.sgen).await? {
        Some(user) => Ok((user, claims)),
        None => Err(ApiError::Unauthorized(INVALID)),
    }
}

/// Checks an API token (through the [`IdentityCache`], which records its use).
async fn token_principal(
    db: web::Data<Database>,
    cache: web::Data<IdentityCache>,
    token: String,
) -> Result<Principal, ApiError> {
    let found = cache.token(&db, token).await?;
    let (id, product) = found.ok_or(ApiError::Unauthorized(INVALID))?;
    Ok(Principal::Token { id, product })
}

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

/// What a bearer extractor takes from the request before awaiting: the token and the app
/// state it is checked against (a missing piece of state is a wiring bug, said once needed).
struct Bearer {
    token: Option<String>,
    db: Result<web::Data<Database>, ApiError>,
    cache: Result<web::Data<IdentityCache>, ApiError>,
    jwt: Result<web::Data<JwtConfig>, ApiError>,
}

impl Bearer {
    fn of(req: &HttpRequest) -> Self {
        Bearer {
            token: bearer(req),
            db: app_data(req),
            cache: app_data(req),
            jwt: app_data(req),
        }
    }

    /// The signed-in user a session token names (401 without a token or with a bad one).
    async fn user(self) -> Result<CurrentUser, ApiError> {
        let token = self.token.ok_or(ApiError::Unauthorized(INVALID))?;
        user_from_jwt(self.db?, self.cache?, &*self.jwt?, &token).await
    }
}

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(Bearer::of(req).user())
    }
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parts = Bearer::of(req);
        Box::pin(async move {
            match parts.token {
                Some(token) if token.starts_with(tokens::TOKEN_PREFIX) => {
                    token_principal(parts.db?, parts.cache?, token).await
                }
                _ => Ok(Principal::User(parts.user().await?)),
            }
        })
    }
}

/// A caller who may be anonymous: `None` without an `Authorization` header; credentials that
/// are present but invalid are still a 401, never silently anonymous.
#[derive(Clone, Debug, PartialEq)]
pub struct MaybePrincipal(pub Option<Principal>);

impl FromRequest for MaybePrincipal {
    type Error = ApiError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if req.headers().contains_key(header::AUTHORIZATION) {
            let principal = Principal::from_request(req, payload);
            Box::pin(async move { Ok(MaybePrincipal(Some(principal.await?))) })
        } else {
            Box::pin(async { Ok(MaybePrincipal(None)) })
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn bearer_tokens_are_read_from_the_authorization_header() {
        let cases = [
            ("Bearer abc", Some("abc")),
            ("bearer  abc ", Some("abc")),
            ("BEARER pil_x", Some("pil_x")),
            ("Basic abc", None),
            ("Bearer", None),
            ("Bearer ", None),
            ("abc", None),
        ];
        for (value, expected) in cases {
            let req = TestRequest::default()
                .insert_header((header::AUTHORIZATION, value))
                .to_http_request();
            assert_eq!(bearer(&req).as_deref(), expected, "{value:?}");
        }
        assert_eq!(bearer(&TestRequest::default().to_http_request()), None);
    }
}
