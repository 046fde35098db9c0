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
use pilote_store::{Backend, Database, ProductId, TokenId, UserId, repo::tokens};

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
    let claims = checked_claims(jwt, token)?;
    let id = claims.user_id().ok_or(ApiError::Unauthorized(INVALID))?;
    match cache.user(&db, id, claims.sgen).await? {
        Some(user) => Ok((user, claims)),
        None => Err(ApiError::Unauthorized(INVALID)),
    }
}

/// A login JWT's claims, checked (signature, expiry, issuer, audience) and refused when the
/// session is past its absolute maximum even if the token has not expired.
fn checked_claims(jwt: &JwtConfig, token: &str) -> Result<Claims, ApiError> {
    let claims = jwt.verify(token).map_err(|e| {
        log::debug!("rejected login token: {e}");
        ApiError::Unauthorized(INVALID)
    })?;
    if claims.auth_time.is_some_and(|t| jwt.session_over(t)) {
        return Err(ApiError::Unauthorized(INVALID));
    }
    Ok(claims)
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

    /// A person (login JWT) or a product's API token (`pil_...`).
    async fn principal(self) -> Result<Principal, ApiError> {
        match self.token {
            Some(token) if token.starts_with(tokens::TOKEN_PREFIX) => {
                token_principal(self.db?, self.cache?, token).await
            }
            _ => Ok(Principal::User(self.user().await?)),
        }
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
        Box::pin(Bearer::of(req).principal())
    }
}

/// The caller of a write that checks the identity itself, inside its own transaction: on
/// PostgreSQL a cached identity is taken without reading the authorisation version (a round
/// trip and a checkout), and the write reads that version in its first statement
/// ([`pilote_store::repo::measures::Target::lock_slug`]); if it has moved, the write does
/// nothing and [`Provisional::verify`] gives the identity as of now. The credentials' own
/// checks (the JWT's signature, expiry, issuer and audience; the session's age) are made here
/// as for [`Principal`]. On SQLite, and when nothing is cached, this is [`Principal`] itself,
/// checked: there the version is read in place, at no cost to the one writer.
pub struct Provisional {
    pub principal: Principal,
    /// The authorisation version the identity was cached at, when it has not been checked.
    pub unchecked_at: Option<i64>,
    /// The credentials, kept to check them again when the identity was not checked.
    bearer: Option<Bearer>,
}

impl Provisional {
    /// The identity as of the database's current authorisation version (as [`Principal`]).
    pub async fn verify(self) -> Result<Principal, ApiError> {
        match self.bearer {
            Some(bearer) => bearer.principal().await,
            None => Ok(self.principal),
        }
    }

    /// A cached identity for these credentials, and the version it was read at.
    fn cached(bearer: &Bearer) -> Result<Option<(Principal, i64)>, ApiError> {
        let (Some(token), Ok(cache)) = (&bearer.token, &bearer.cache) else {
            return Ok(None);
        };
        if token.starts_with(tokens::TOKEN_PREFIX) {
            return Ok(cache
                .provisional_token(token)
                .map(|((id, product), version)| (Principal::Token { id, product }, version)));
        }
        // Missing app state is a wiring bug: the checked path says so.
        let Ok(jwt) = &bearer.jwt else {
            return Ok(None);
        };
        let claims = checked_claims(jwt, token)?;
        let id = claims.user_id().ok_or(ApiError::Unauthorized(INVALID))?;
        Ok(cache
            .provisional_user(id, claims.sgen)
            .map(|(user, version)| (Principal::User(user), version)))
    }
}

impl FromRequest for Provisional {
    type Error = ApiError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let bearer = Bearer::of(req);
        Box::pin(async move {
            let postgres = bearer
                .db
                .as_ref()
                .is_ok_and(|db| db.backend() == Backend::Postgres);
            if postgres && let Some((principal, version)) = Provisional::cached(&bearer)? {
                return Ok(Provisional {
                    principal,
                    unchecked_at: Some(version),
                    bearer: Some(bearer),
                });
            }
            Ok(Provisional {
                principal: bearer.principal().await?,
                unchecked_at: None,
                bearer: None,
            })
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
