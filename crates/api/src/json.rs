//! JSON bodies: size-limited, parsed with the path of the field at fault, unknown fields refused
//! by the target types (`#[serde(deny_unknown_fields)]`).

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The largest JSON body accepted (1 MiB); beyond it, 413.
pub const LIMIT: usize = 1024 * 1024;

/// A JSON body of type `T`. Malformed JSON is 400; JSON of the wrong shape (a wrong type, a
/// missing or unknown field) is 422 naming the field, e.g. `measures[3].value`.
#[derive(Debug)]
pub struct Json<T>(pub T);

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"))
}

const NOT_JSON: &str = "the body must be JSON (Content-Type: application/json)";

/// A JSON body of at most `N` bytes (413 beyond), read as [`Json`] reads its own: for routes
/// open to anyone, whose bodies are small (an application to a public campaign).
#[derive(Debug)]
pub struct SmallJson<T, const N: usize>(pub T);

impl<T: DeserializeOwned + 'static, const N: usize> FromRequest for SmallJson<T, N> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = is_json(req);
        let body = web::Payload::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::BadRequest(NOT_JSON.to_owned()));
            }
            let body = body
                .await
                .map_err(|_| ApiError::BadRequest("the body could not be read".to_owned()))?;
            match body.to_bytes_limited(N).await {
                Ok(Ok(bytes)) => parse(&bytes).map(SmallJson),
                Ok(Err(_)) => Err(ApiError::BadRequest(
                    "the body could not be read".to_owned(),
                )),
                Err(_) => Err(ApiError::PayloadTooLarge(N)),
            }
        })
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = is_json(req);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::BadRequest(NOT_JSON.to_owned()));
            }
            let bytes = body.await.map_err(|e| {
                if e.as_response_error().status_code().as_u16() == 413 {
                    ApiError::PayloadTooLarge(LIMIT)
                } else {
                    ApiError::BadRequest("the body could not be read".to_owned())
                }
            })?;
            parse(&bytes).map(Json)
        })
    }
}

/// Parses JSON text into `T`, telling malformed JSON (400) from a wrong shape (422 + path).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => ApiError::Invalid {
                field: if path == "." { "body".to_owned() } else { path },
                problem: problem(&inner),
            },
            _ => ApiError::BadRequest(format!("malformed JSON: {inner}")),
        }
    })?;
    deserializer
        .end()
        .map_err(|e| ApiError::BadRequest(format!("malformed JSON: {e}")))?;
    Ok(value)
}

/// serde's message without its " at line 1 column 42" suffix: the field path says where.
fn problem(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Batch {
        measures: Vec<Row>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Row {
        value: f64,
    }

    fn field(body: &str) -> (String, String) {
        match parse::<Batch>(body.as_bytes()) {
            Err(ApiError::Invalid { field, problem }) => (field, problem),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn wrong_shapes_name_the_field() {
        let (f, p) = field(r#"{"measures":[{"value":1},{"value":"x"}]}"#);
        assert_eq!(f, "measures[1].value");
        assert!(p.contains("invalid type"), "{p}");
        let (f, p) = field(r#"{"measures":[{"value":1,"colour":2}]}"#);
        assert_eq!(f, "measures[0].colour");
        assert!(p.contains("unknown field `colour`"), "{p}");
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        for body in ["{", "", "{\"measures\": []} trailing", "NaN"] {
            assert!(
                matches!(
                    parse::<Batch>(body.as_bytes()),
                    Err(ApiError::BadRequest(_))
                ),
                "{body:?}"
            );
        }
    }
}

/// Timestamps as RFC 3339 in UTC (`2026-11-23T05:27:21.058815Z`), as the OpenAPI `date-time`
/// format says: the store keeps naive UTC times, and without the `Z` a client could not tell
/// their time zone (schemathesis found the mismatch).
pub mod utc {
    use chrono::{NaiveDateTime, SecondsFormat};
    use serde::Serializer;

    /// `#[serde(serialize_with = "crate::json::utc::serialize")]`
    pub fn serialize<S: Serializer>(at: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&at.and_utc().to_rfc3339_opts(SecondsFormat::Micros, true))
    }

    /// The same for an optional timestamp.
    pub fn serialize_option<S: Serializer>(
        at: &Option<NaiveDateTime>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => serialize(at, s),
            None => s.serialize_none(),
        }
    }
}

/// `Some(x)` for a present key, even when its value is `null`: PATCH tells "set to null"
/// (`Some(None)`) from "leave alone" (`None`).
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}
