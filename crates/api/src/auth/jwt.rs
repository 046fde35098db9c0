//! Login tokens: JWT signed with HS256, and nothing else accepted.
//!
//! Validation pins the algorithm (so neither `alg: none` nor another HMAC size nor an RSA
//! public key used as an HMAC secret can pass), and requires `exp`, `nbf`, `iss`, `aud` and
//! `sub`, with 30 seconds of leeway for clocks that drift between replicas.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use pilote_domain::Email;
use pilote_store::UserId;
use serde::{Deserialize, Serialize};

use crate::settings::{JwtSettings, SessionSettings};

/// Seconds of clock skew tolerated on `exp` and `nbf`.
pub const LEEWAY_SECS: u64 = 30;

/// The claims of a login token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id, as a string (RFC 7519 makes `sub` a string).
    pub sub: String,
    /// The user's email when the token was issued, for logs and clients; not trusted for
    /// authorisation (the user is loaded by id).
    pub email: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    /// Only in the pages' session cookie: the user's session generation when it was issued.
    /// Such a token is refused once the generation has moved on (logout, new password);
    /// tokens of `POST /api/v1/auth/login` have none and stay stateless.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sgen: Option<i64>,
    /// Only in the pages' session cookie: the session's id (random), kept when the cookie is
    /// renewed, so that the CSRF tokens of pages already open stay good.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Only in the pages' session cookie: when the person signed in (seconds since the
    /// epoch). Renewals never take the session beyond this plus the absolute maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
}

impl Claims {
    /// The user the token was issued to.
    pub fn user_id(&self) -> Option<UserId> {
        self.sub.parse().ok().map(UserId)
    }
}

/// A login token just issued.
#[derive(Clone, Debug)]
pub struct IssuedToken {
    /// The encoded JWT.
    pub token: String,
    /// Seconds until it expires.
    pub expires_in: u64,
}

/// Keys and rules for login tokens, built once from the settings and shared by every worker.
pub struct JwtConfig {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl_secs: u64,
    /// A session cookie's life without activity.
    idle_secs: i64,
    /// A session's absolute maximum after signing in.
    max_secs: i64,
}

/// A session cookie's token is renewed once it is this old (seconds): often enough to follow
/// activity, rarely enough not to send a cookie with every page.
pub const RENEW_AFTER_SECS: i64 = 60;

impl std::fmt::Debug for JwtConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The keys are the secret: never in a log.
        f.debug_struct("JwtConfig")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("ttl_secs", &self.ttl_secs)
            .field("idle_secs", &self.idle_secs)
            .field("max_secs", &self.max_secs)
            .finish_non_exhaustive()
    }
}

impl JwtConfig {
    /// The configuration these settings describe.
    pub fn new(settings: &JwtSettings) -> JwtConfig {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        JwtConfig {
            encoding: EncodingKey::from_secret(settings.secret.as_bytes()),
            decoding: DecodingKey::from_secret(settings.secret.as_bytes()),
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            ttl_secs: settings.ttl_minutes.max(1).saturating_mul(60),
            idle_secs: 3600,
            max_secs: 12 * 3600,
        }
    }

    /// The same, with the pages' sessions lasting as `session` says.
    pub fn with_sessions(mut self, session: &SessionSettings) -> JwtConfig {
        let secs =
            |n: u64, unit: u64| i64::try_from(n.max(1).saturating_mul(unit)).unwrap_or(i64::MAX);
        self.idle_secs = secs(session.idle_minutes, 60);
        self.max_secs = secs(session.max_hours, 3600);
        self
    }

    /// Signs a token for this user, valid from now for the configured lifetime.
    pub fn issue(
        &self,
        user: UserId,
        email: &Email,
    ) -> Result<IssuedToken, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp();
        self.encode(self.claims(user, email, now), now)
    }

    /// Signs a new session cookie's token: bound to the user's session `generation`, with a
    /// fresh session id, lasting the idle time (renewed while the person works, see
    /// [`JwtConfig::renew_session`]).
    pub fn issue_session(
        &self,
        user: UserId,
        email: &Email,
        generation: i64,
    ) -> Result<IssuedToken, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp();
        let mut claims = self.claims(user, email, now);
        claims.sgen = Some(generation);
        claims.sid = Some(super::session::nonce());
        claims.auth_time = Some(now);
        claims.exp = now.saturating_add(self.idle_secs.min(self.max_secs));
        self.encode(claims, now)
    }

    /// A session token's successor: the same session (id, generation, sign-in time), valid for
    /// the idle time from now but never past the absolute maximum. `None` when it is not a
    /// session token, is still fresh, or the session has reached its maximum.
    pub fn renew_session(
        &self,
        claims: &Claims,
    ) -> Result<Option<IssuedToken>, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp();
        let (Some(_), Some(auth_time)) = (&claims.sid, claims.auth_time) else {
            return Ok(None);
        };
        let end = auth_time.saturating_add(self.max_secs);
        if now.saturating_sub(claims.iat) < RENEW_AFTER_SECS || end <= now {
            return Ok(None);
        }
        let claims = Claims {
            iat: now,
            nbf: now,
            exp: now.saturating_add(self.idle_secs).min(end),
            ..claims.clone()
        };
        self.encode(claims, now).map(Some)
    }

    /// A session's absolute maximum, in seconds.
    pub fn session_max_secs(&self) -> u64 {
        u64::try_from(self.max_secs).unwrap_or(0)
    }

    /// Whether a session that began at `auth_time` is past its absolute maximum.
    pub fn session_over(&self, auth_time: i64) -> bool {
        auth_time.saturating_add(self.max_secs) <= chrono::Utc::now().timestamp()
    }

    fn claims(&self, user: UserId, email: &Email, now: i64) -> Claims {
        Claims {
            sub: user.0.to_string(),
            email: email.to_string(),
            iat: now,
            nbf: now,
            exp: now.saturating_add(i64::try_from(self.ttl_secs).unwrap_or(i64::MAX)),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sgen: None,
            sid: None,
            auth_time: None,
        }
    }

    fn encode(&self, claims: Claims, now: i64) -> Result<IssuedToken, jsonwebtoken::errors::Error> {
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok(IssuedToken {
            token,
            expires_in: u64::try_from(claims.exp.saturating_sub(now)).unwrap_or(0),
        })
    }

    /// The claims of a valid token; any defect (signature, algorithm, time, issuer, audience,
    /// shape) is an error, whose detail is for logs only.
    pub fn verify(&self, token: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
    }
}

#[cfg(test)]
mod tests {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    use jsonwebtoken::{encode, get_current_timestamp};

    use super::*;

    const SECRET: &str = "a-test-secret-that-is-long-enough-for-hs256";

    fn settings() -> JwtSettings {
        JwtSettings {
            secret: SECRET.to_owned(),
            issuer: "pilote".to_owned(),
            audience: "pilote-api".to_owned(),
            ttl_minutes: 60,
        }
    }

    fn claims() -> Claims {
        let now = i64::try_from(get_current_timestamp()).expect("now");
        Claims {
            sub: "7".to_owned(),
            email: "a@beta.gouv.fr".to_owned(),
            iat: now,
            nbf: now,
            exp: now + 600,
            iss: "pilote".to_owned(),
            aud: "pilote-api".to_owned(),
            sgen: None,
            sid: None,
            auth_time: None,
        }
    }

    fn sign(alg: Algorithm, claims: &Claims) -> String {
        encode(
            &Header::new(alg),
            claims,
            &EncodingKey::from_secret(SECRET.as_bytes()),
        )
        .expect("sign")
    }

    /// Base64url without padding, as JWT segments are written.
    fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    #[test]
    fn issued_tokens_verify() {
        let config = JwtConfig::new(&settings());
        let email = Email::parse("A@beta.gouv.fr").expect("email");
        let issued = config.issue(UserId(7), &email).expect("issue");
        assert_eq!(issued.expires_in, 3600);
        let claims = config.verify(&issued.token).expect("verify");
        assert_eq!(claims.user_id(), Some(UserId(7)));
        assert_eq!(claims.email, "a@beta.gouv.fr");
        assert_eq!(claims.exp - claims.iat, 3600);
        assert!(
            config
                .verify(&sign(Algorithm::HS256, &self::claims()))
                .is_ok()
        );
        assert!(!format!("{config:?}").contains(SECRET));
    }

    #[test]
    fn sessions_slide_up_to_their_maximum() {
        let config = JwtConfig::new(&settings()).with_sessions(&SessionSettings {
            idle_minutes: 60,
            max_hours: 12,
        });
        let email = Email::parse("a@beta.gouv.fr").expect("email");
        let issued = config.issue_session(UserId(7), &email, 3).expect("issue");
        assert_eq!(issued.expires_in, 3600);
        let claims = config.verify(&issued.token).expect("verify");
        assert_eq!(claims.sgen, Some(3));
        assert!(claims.sid.as_ref().is_some_and(|s| s.len() == 64));
        // Fresh: no renewal yet.
        assert!(config.renew_session(&claims).expect("renew").is_none());
        // Seen two minutes later: an hour more, the same session.
        let now = claims.iat;
        let older = Claims {
            iat: now - 120,
            nbf: now - 120,
            ..claims.clone()
        };
        let renewed = config
            .renew_session(&older)
            .expect("renew")
            .expect("renewed");
        let next = config.verify(&renewed.token).expect("verify");
        assert_eq!(
            (&next.sid, next.sgen, next.auth_time),
            (&claims.sid, claims.sgen, claims.auth_time)
        );
        assert!(next.exp >= now + 3600);
        // Near the maximum, the renewal stops at it; past it, none.
        let late = Claims {
            auth_time: Some(now - 12 * 3600 + 600),
            ..older.clone()
        };
        let capped = config
            .renew_session(&late)
            .expect("renew")
            .expect("renewed");
        let capped = config.verify(&capped.token).expect("verify");
        assert_eq!(capped.exp, now + 600);
        let over = Claims {
            auth_time: Some(now - 12 * 3600),
            ..older
        };
        assert!(config.renew_session(&over).expect("renew").is_none());
        assert!(config.session_over(now - 12 * 3600));
        // API tokens are not sessions.
        let api = config
            .verify(&config.issue(UserId(7), &email).expect("issue").token)
            .expect("verify");
        assert!(config.renew_session(&api).expect("renew").is_none());
    }

    #[test]
    fn alg_none_is_rejected() {
        let config = JwtConfig::new(&settings());
        let payload = serde_json::to_vec(&claims()).expect("json");
        for alg in ["none", "None", "NONE"] {
            let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
            let token = format!("{}.{}.", b64(header.as_bytes()), b64(&payload));
            assert!(config.verify(&token).is_err(), "{alg}");
        }
    }

    #[test]
    fn other_algorithms_are_rejected_even_with_the_right_key() {
        let config = JwtConfig::new(&settings());
        for alg in [Algorithm::HS384, Algorithm::HS512] {
            assert!(config.verify(&sign(alg, &claims())).is_err(), "{alg:?}");
        }
    }

    #[test]
    fn a_tampered_payload_or_another_key_is_rejected() {
        let config = JwtConfig::new(&settings());
        let token = sign(Algorithm::HS256, &claims());
        let parts: Vec<&str> = token.split('.').collect();
        let mut forged = claims();
        forged.sub = "1".to_owned();
        let payload = b64(&serde_json::to_vec(&forged).expect("json"));
        let tampered = format!("{}.{payload}.{}", parts[0], parts[2]);
        assert!(config.verify(&tampered).is_err());

        let other = JwtConfig::new(&JwtSettings {
            secret: "another-secret-just-as-long-as-the-first".to_owned(),
            ..settings()
        });
        assert!(other.verify(&token).is_err());
        for garbage in ["", "abc", "a.b.c", "pil_0123"] {
            assert!(config.verify(garbage).is_err(), "{garbage}");
        }
    }

    #[test]
    fn times_are_checked_with_bounded_leeway() {
        let config = JwtConfig::new(&settings());
        let leeway = i64::try_from(LEEWAY_SECS).expect("leeway");
        let mut expired = claims();
        expired.exp = expired.iat - leeway - 5;
        assert!(config.verify(&sign(Algorithm::HS256, &expired)).is_err());
        let mut not_yet = claims();
        not_yet.nbf = not_yet.iat + leeway + 60;
        assert!(config.verify(&sign(Algorithm::HS256, &not_yet)).is_err());
        // Within the leeway, a few seconds of clock skew between replicas is tolerated.
        let mut skewed = claims();
        skewed.nbf = skewed.iat + 5;
        assert!(config.verify(&sign(Algorithm::HS256, &skewed)).is_ok());
    }

    #[test]
    fn issuer_audience_and_required_claims_are_checked() {
        let config = JwtConfig::new(&settings());
        let mut wrong_iss = claims();
        wrong_iss.iss = "someone-else".to_owned();
        assert!(config.verify(&sign(Algorithm::HS256, &wrong_iss)).is_err());
        let mut wrong_aud = claims();
        wrong_aud.aud = "another-api".to_owned();
        assert!(config.verify(&sign(Algorithm::HS256, &wrong_aud)).is_err());

        let mut no_exp = serde_json::to_value(claims()).expect("json");
        no_exp.as_object_mut().expect("object").remove("exp");
        let token = encode(
            &Header::new(Algorithm::HS256),
            &no_exp,
            &EncodingKey::from_secret(SECRET.as_bytes()),
        )
        .expect("sign");
        assert!(config.verify(&token).is_err());
    }
}
