//! Sign-in with ProConnect, the State's OpenID Connect federation (authorization code flow
//! with PKCE), through the `openidconnect` crate: no hand-written JOSE here.
//!
//! Between the redirect to the provider and its callback, the state, the nonce and the PKCE
//! verifier travel in a short-lived, HMAC-signed, `HttpOnly; SameSite=Lax` cookie scoped to
//! `/connexion/proconnect` (Lax, not Strict: the callback is a cross-site navigation from the
//! provider, and a Strict cookie would not come back with it). The callback clears it, so a
//! replayed callback finds no flow to finish; the provider refuses a code used twice anyway.
//!
//! The discovery document and the JWKS are read at each sign-in: two small requests, and a
//! key rotation at the provider is seen at once.

use std::time::Duration;

use openidconnect::{
    AuthType, AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    EndSessionUrl, HttpRequest, HttpResponse, IssuerUrl, LogoutRequest, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout,
    RedirectUrl, Scope, SyncHttpClient, TokenResponse,
    core::{CoreClient, CoreResponseType},
};
use serde::{Deserialize, Serialize};

use crate::settings::Settings;

/// The path of the callback (the redirect URI is `public_url` followed by it).
pub const CALLBACK_PATH: &str = "/connexion/proconnect/retour";
/// Where the provider sends people back after logging out.
pub const AFTER_LOGOUT_PATH: &str = "/connexion";
/// The cookie carrying a flow's state, nonce and PKCE verifier.
pub const FLOW_COOKIE: &str = "pilote_proconnect";
/// The cookie carrying the ID token, for the logout's `id_token_hint`.
pub const ID_TOKEN_COOKIE: &str = "pilote_proconnect_id";
/// How long a person has at the provider before the flow cookie expires.
pub const FLOW_SECONDS: i64 = 600;
/// The scopes ProConnect documents for its agents' identity.
pub const SCOPES: [&str; 5] = ["email", "given_name", "usual_name", "siret", "uid"];

/// The userinfo claims Pilote reads (ProConnect's, some standard, some its own).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct UserInfo {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub email_verified: Option<bool>,
    #[serde(default)]
    pub given_name: Option<String>,
    /// The agent's last name (ProConnect's name for `family_name`).
    #[serde(default)]
    pub usual_name: Option<String>,
    /// The SIRET of the agent's organisation.
    #[serde(default)]
    pub siret: Option<String>,
    /// The identity provider's own identifier for the agent.
    #[serde(default)]
    pub uid: Option<String>,
}

/// A person the provider vouched for.
#[derive(Clone, Debug)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    /// `email_verified` when the provider says it; ProConnect's addresses are checked by the
    /// agents' identity providers and it sends no such claim, so absent counts as verified.
    pub email_verified: Option<bool>,
    pub given_name: Option<String>,
    pub usual_name: Option<String>,
    pub siret: Option<String>,
    /// The raw ID token, kept for the logout's `id_token_hint`.
    pub id_token: String,
}

/// Why a sign-in with ProConnect failed. The `String`s are for the log only: the person reads
/// [`Failure::message`].
#[derive(Debug)]
pub enum Failure {
    /// The provider could not be reached or answered nonsense.
    Provider(String),
    /// No flow matches the callback: no cookie, a forged or expired one, another state.
    State(String),
    /// The provider sent an error back (the person cancelled, for instance).
    Refused(String),
    /// The code exchange failed.
    Exchange(String),
    /// The ID token (signature, issuer, audience, expiry, nonce) or the userinfo was invalid.
    Token(String),
}

impl Failure {
    /// What the person reads, in French.
    pub fn message(&self) -> &'static str {
        match self {
            Failure::Provider(_) => {
                "ProConnect ne répond pas pour le moment. Réessayez dans quelques minutes."
            }
            Failure::State(_) => {
                "Cette réponse de ProConnect ne correspond à aucune connexion en cours : le lien a \
                 expiré, a déjà servi ou a été modifié. Recommencez depuis la page de connexion."
            }
            Failure::Refused(_) => {
                "ProConnect n'a pas confirmé votre identité : la connexion a été annulée ou \
                 refusée. Recommencez depuis la page de connexion."
            }
            Failure::Exchange(_) => {
                "ProConnect n'a pas confirmé la connexion. Recommencez depuis la page de connexion."
            }
            Failure::Token(_) => {
                "L'identité transmise par ProConnect n'a pas pu être vérifiée (signature, émetteur \
                 ou jeton à usage unique invalide) : personne n'a été connecté."
            }
        }
    }

    /// The detail, for the log.
    pub fn detail(&self) -> &str {
        match self {
            Failure::Provider(d)
            | Failure::State(d)
            | Failure::Refused(d)
            | Failure::Exchange(d)
            | Failure::Token(d) => d,
        }
    }
}

/// A flow started: where to send the browser, and what the callback will need.
pub struct Started {
    pub authorize_url: String,
    pub flow: Flow,
}

/// What links a callback to the redirect that started it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    pub state: String,
    pub nonce: String,
    pub verifier: String,
    /// Unix seconds when the flow started.
    pub started: i64,
    /// The secret of the invitation this sign-in activates, if it started from one: the
    /// identity is then linked to the invited account.
    pub invitation: Option<String>,
}

impl Flow {
    /// The cookie's payload (every part is base64url or hex: no dot inside); the invitation
    /// is a fifth part when there is one.
    pub fn encode(&self) -> String {
        let flow = format!(
            "{}.{}.{}.{}",
            self.state, self.nonce, self.verifier, self.started
        );
        match &self.invitation {
            Some(secret) => format!("{flow}.{secret}"),
            None => flow,
        }
    }

    /// The payload read back, if well formed.
    pub fn decode(payload: &str) -> Option<Flow> {
        let mut parts = payload.split('.');
        let flow = Flow {
            state: parts.next()?.to_owned(),
            nonce: parts.next()?.to_owned(),
            verifier: parts.next()?.to_owned(),
            started: parts.next()?.parse().ok()?,
            invitation: match parts.next() {
                Some(secret) if super::one_time::well_formed(secret) => Some(secret.to_owned()),
                Some(_) => return None,
                None => None,
            },
        };
        parts.next().is_none().then_some(flow)
    }
}

/// The ProConnect client, built once from the settings.
#[derive(Clone)]
pub struct ProConnect {
    issuer: String,
    client_id: String,
    client_secret: String,
    redirect_url: String,
    after_logout_url: String,
    http: UreqClient,
}

impl std::fmt::Debug for ProConnect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProConnect")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl ProConnect {
    /// The client, if `proconnect.issuer` is set.
    pub fn from_settings(settings: &Settings) -> Option<ProConnect> {
        let config = &settings.proconnect;
        let issuer = config.issuer.trim();
        if issuer.is_empty() {
            return None;
        }
        let base = settings.public_url.trim_end_matches('/');
        Some(ProConnect {
            issuer: issuer.to_owned(),
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            redirect_url: format!("{base}{CALLBACK_PATH}"),
            after_logout_url: format!("{base}{AFTER_LOGOUT_PATH}"),
            http: UreqClient::new(),
        })
    }

    fn discover(&self) -> Result<ProviderMetadataWithLogout, Failure> {
        let issuer = IssuerUrl::new(self.issuer.clone())
            .map_err(|e| Failure::Provider(format!("issuer URL: {e}")))?;
        // Checks that the document's `issuer` is the one configured, and reads the JWKS.
        ProviderMetadataWithLogout::discover(&issuer, &self.http)
            .map_err(|e| Failure::Provider(format!("discovery: {}", error_chain(&e))))
    }

    /// Blocking: reads the discovery document, returns the authorization URL and the flow
    /// (carrying the invitation's secret, if the sign-in activates one).
    pub fn start(&self, now: i64, invitation: Option<String>) -> Result<Started, Failure> {
        let metadata = self.discover()?;
        let redirect = RedirectUrl::new(self.redirect_url.clone())
            .map_err(|e| Failure::Provider(format!("redirect URL: {e}")))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.client_id.clone()),
            None,
        )
        .set_redirect_uri(redirect);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        // 32 random bytes: 43 base64url characters, above the 32 ProConnect requires.
        let state = CsrfToken::new_random_len(32);
        let nonce = Nonce::new_random_len(32);
        let (state_for_url, nonce_for_url) = (state.clone(), nonce.clone());
        let mut request = client
            .authorize_url(
                AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                move || state_for_url,
                move || nonce_for_url,
            )
            .set_pkce_challenge(challenge);
        for scope in SCOPES {
            request = request.add_scope(Scope::new(scope.to_owned()));
        }
        let (url, _, _) = request.url();
        Ok(Started {
            authorize_url: url.to_string(),
            flow: Flow {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                verifier: verifier.secret().clone(),
                started: now,
                invitation,
            },
        })
    }

    /// Blocking: exchanges the code, checks the ID token and reads the signed userinfo. The
    /// caller has checked the state against the flow's.
    pub fn finish(&self, flow: &Flow, code: &str) -> Result<Identity, Failure> {
        let metadata = self.discover()?;
        let issuer = metadata.issuer().to_string();
        let jwks = metadata.jwks().clone();
        let redirect = RedirectUrl::new(self.redirect_url.clone())
            .map_err(|e| Failure::Provider(format!("redirect URL: {e}")))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.client_id.clone()),
            Some(ClientSecret::new(self.client_secret.clone())),
        )
        .set_redirect_uri(redirect)
        // `client_secret_post`, the method ProConnect registers clients with.
        .set_auth_type(AuthType::RequestBody);
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| Failure::Provider(format!("token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(flow.verifier.clone()))
            .request(&self.http)
            .map_err(|e| Failure::Exchange(error_chain(&e)))?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| Failure::Token("no ID token in the token response".to_owned()))?;
        // Signature (JWKS, the algorithms the provider announces), issuer, audience, expiry
        // and nonce.
        let claims = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(flow.nonce.clone()))
            .map_err(|e| Failure::Token(format!("ID token: {}", error_chain(&e))))?;
        let subject = claims.subject().to_string();
        let userinfo_url = client
            .user_info_url()
            .ok_or_else(|| Failure::Provider("no userinfo endpoint".to_owned()))?
            .url()
            .clone();
        let userinfo = self.userinfo(
            userinfo_url.as_str(),
            tokens.access_token().secret(),
            &jwks,
            &issuer,
            &subject,
        )?;
        Ok(Identity {
            issuer,
            subject,
            email: userinfo.email,
            email_verified: userinfo.email_verified,
            given_name: userinfo.given_name,
            usual_name: userinfo.usual_name,
            siret: userinfo.siret,
            id_token: id_token.to_string(),
        })
    }

    /// The userinfo, which ProConnect returns as a JWT signed with a key of its JWKS (RS256
    /// or ES256): an unsigned answer is refused. Checked here with `jsonwebtoken` rather
    /// than `openidconnect`, whose userinfo verifier (4.1) accepts RS256 only and has no
    /// setting for another algorithm.
    fn userinfo(
        &self,
        url: &str,
        access_token: &str,
        jwks: &openidconnect::core::CoreJsonWebKeySet,
        issuer: &str,
        subject: &str,
    ) -> Result<UserInfo, Failure> {
        let request = openidconnect::http::Request::get(url)
            .header("Accept", "application/jwt")
            .header("Authorization", format!("Bearer {access_token}"))
            .body(Vec::new())
            .map_err(|e| Failure::Provider(format!("userinfo request: {e}")))?;
        let response = self
            .http
            .call(request)
            .map_err(|e| Failure::Provider(format!("userinfo endpoint: {e}")))?;
        if !response.status().is_success() {
            return Err(Failure::Provider(format!(
                "userinfo endpoint answered {}",
                response.status()
            )));
        }
        let signed = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/jwt"));
        if !signed {
            return Err(Failure::Token("userinfo is not a signed JWT".to_owned()));
        }
        let token = String::from_utf8(response.into_body())
            .map_err(|_| Failure::Token("userinfo is not text".to_owned()))?;
        let token = token.trim();
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| Failure::Token(format!("userinfo header: {e}")))?;
        let algorithm = match header.alg {
            jsonwebtoken::Algorithm::RS256 => jsonwebtoken::Algorithm::RS256,
            jsonwebtoken::Algorithm::ES256 => jsonwebtoken::Algorithm::ES256,
            other => {
                return Err(Failure::Token(format!(
                    "userinfo signed with {other:?}, neither RS256 nor ES256"
                )));
            }
        };
        // The provider's key with this `kid` (or its only key of the algorithm's type), read
        // as `jsonwebtoken` reads JWKs.
        let keys: Vec<jsonwebtoken::jwk::Jwk> = jwks
            .keys()
            .iter()
            .filter_map(|k| serde_json::to_value(k).ok())
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect();
        let key = keys
            .iter()
            .find(|k| header.kid.is_some() && k.common.key_id == header.kid)
            .or_else(|| (keys.len() == 1).then(|| &keys[0]))
            .ok_or_else(|| Failure::Token("userinfo signed with an unknown key".to_owned()))?;
        let key = jsonwebtoken::DecodingKey::from_jwk(key)
            .map_err(|e| Failure::Token(format!("userinfo key: {e}")))?;
        let mut validation = jsonwebtoken::Validation::new(algorithm);
        validation.set_required_spec_claims(&["sub", "iss", "aud"]);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[&self.client_id]);
        validation.sub = Some(subject.to_owned());
        jsonwebtoken::decode::<UserInfo>(token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|e| Failure::Token(format!("userinfo: {e}")))
    }

    /// Blocking: the provider's end-session URL for this ID token, if it has one.
    pub fn logout_url(&self, id_token: &str) -> Result<Option<String>, Failure> {
        let metadata = self.discover()?;
        let Some(endpoint) = metadata.additional_metadata().end_session_endpoint.clone() else {
            return Ok(None);
        };
        let after = PostLogoutRedirectUrl::new(self.after_logout_url.clone())
            .map_err(|e| Failure::Provider(format!("post-logout URL: {e}")))?;
        let mut url = LogoutRequest::from(EndSessionUrl::from_url(endpoint.url().clone()))
            .set_client_id(ClientId::new(self.client_id.clone()))
            .set_post_logout_redirect_uri(after)
            .http_get_url();
        // `set_id_token_hint` wants a parsed token; the raw one kept in the cookie is exactly
        // what the provider issued, so it goes in as it is.
        url.query_pairs_mut().append_pair("id_token_hint", id_token);
        Ok(Some(url.to_string()))
    }
}

/// `openidconnect`'s HTTP client over the workspace's ureq 3 (its own `ureq` feature is
/// ureq 2). Redirects are not followed (a token endpoint must not bounce a code elsewhere)
/// and statuses are answers, not errors: the crate reads the OAuth error bodies itself.
#[derive(Clone)]
pub struct UreqClient {
    agent: ureq::Agent,
}

impl UreqClient {
    fn new() -> UreqClient {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        UreqClient { agent }
    }
}

/// The largest answer read from the provider (discovery, JWKS, tokens, userinfo are small).
const MAX_BODY: u64 = 1024 * 1024;

impl SyncHttpClient for UreqClient {
    type Error = ureq::Error;

    fn call(&self, request: HttpRequest) -> Result<HttpResponse, ureq::Error> {
        let response = self.agent.run(request)?;
        let (parts, mut body) = response.into_parts();
        let bytes = body.with_config().limit(MAX_BODY).read_to_vec()?;
        Ok(HttpResponse::from_parts(parts, bytes))
    }
}

/// An error and its sources on one line, for the log.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flow_round_trips_through_its_cookie_payload() {
        let flow = Flow {
            state: "s-_1".to_owned(),
            nonce: "n".to_owned(),
            verifier: "v".to_owned(),
            started: 1_700_000_000,
            invitation: None,
        };
        assert_eq!(Flow::decode(&flow.encode()), Some(flow.clone()));
        let invited = Flow {
            invitation: Some("ab".repeat(32)),
            ..flow
        };
        assert_eq!(Flow::decode(&invited.encode()), Some(invited));
        assert_eq!(Flow::decode("a.b.c"), None);
        assert_eq!(Flow::decode("a.b.c.d"), None);
        assert_eq!(Flow::decode("a.b.c.1.e"), None);
        assert_eq!(
            Flow::decode(&format!("a.b.c.1.{}.f", "ab".repeat(32))),
            None
        );
    }
}
