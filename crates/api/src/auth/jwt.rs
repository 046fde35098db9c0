//! Login tokens: JWT signed with HS256, and nothing else accepted.
//!
//! Validation pins the algorithm (so neither `alg: none` nor another HMAC size nor an RSA
//! public key used as an HMAC secret can pass), and requires `exp`, `nbf`, `iss`, `aud` and
//! `sub`, with 30 seconds of leeway for clocks that drift between replicas.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use pilote_domain::Email;
use pilote_store::UserId;
use serde::{Deserialize, Serialize};

use crate::settings::JwtSettings;

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
}

impl std::fmt::Debug for JwtConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The keys are the secret: never in a log.
        f.debug_struct("JwtConfig")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("ttl_secs", &self.ttl_secs)
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
        }
    }

    /// Signs a token for this user, valid from now for the configured lifetime.
    pub fn issue(
        &self,
        user: UserId,
        email: &Email,
    ) -> Result<IssuedToken, jsonwebtoken::errors::Error> {
        self.sign(user, email, None)
    }

    /// Signs a session cookie's token: [`JwtConfig::issue`]'s, bound to the user's session
    /// `generation`.
    pub fn issue_session(
        &self,
        user: UserId,
        email: &Email,
        generation: i64,
    ) -> Result<IssuedToken, jsonwebtoken::errors::Error> {
        self.sign(user, email, Some(generation))
    }

    fn sign(
        &self,
        user: UserId,
        email: &Email,
        sgen: Option<i64>,
    ) -> Result<IssuedToken, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user.0.to_string(),
            email: email.to_string(),
            iat: now,
            nbf: now,
            exp: now.saturating_add(i64::try_from(self.ttl_secs).unwrap_or(i64::MAX)),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sgen,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok(IssuedToken {
            token,
            expires_in: self.ttl_secs,
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

    fn b64(bytes: &[u8]) -> String {
        // Base64url without padding, by hand: the tests need no extra crate for it.
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            }
        }
        out
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
