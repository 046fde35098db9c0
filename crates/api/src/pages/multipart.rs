//! A small `multipart/form-data` reader, for the file upload: the crate has no multipart
//! dependency and the form needs only two text parts. [`CsrfParts`] is the form kit's
//! extractor for such forms, as [`super::forms::CsrfForm`] is for the others.

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};

use super::forms::{PageError, SignedIn, check_csrf};
use crate::{
    auth::session::SessionConfig,
    error::ApiError,
    service::sheet::{LIMIT, read_limited},
};

/// The parts of a `multipart/form-data` form posted by the signed-in visitor (at most
/// [`LIMIT`] bytes), its `csrf` part checked against the session (403 otherwise).
pub struct CsrfParts {
    pub user: SignedIn,
    pub parts: Vec<(String, Vec<u8>)>,
}

impl FromRequest for CsrfParts {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = SignedIn::from_request(req, payload);
        let body = web::Payload::from_request(req, payload).into_inner();
        let config = req.app_data::<web::Data<SessionConfig>>().cloned();
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        Box::pin(async move {
            let user = user.await?;
            let body = body.map_err(|e| ApiError::BadRequest(e.to_string()))?;
            let body = read_limited(body, LIMIT).await?;
            // A body that is not multipart has no CSRF token either: refused like a forged
            // form.
            let parts = multipart(&content_type, &body).unwrap_or_default();
            let token = part_text(&parts, "csrf").unwrap_or_default();
            let config =
                config.ok_or_else(|| ApiError::Internal("SessionConfig missing".into()))?;
            check_csrf(&config, &user.user, &token)?;
            Ok(CsrfParts { user, parts })
        })
    }
}

/// The parts of a `multipart/form-data` body, by name, in order; `None` if the body is not
/// one. Parts hold bytes: a file is not necessarily UTF-8.
pub fn multipart(content_type: &str, body: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))?
        .trim_matches('"');
    if boundary.is_empty() {
        return None;
    }
    // With a line end in front, the first delimiter looks like every other one.
    let mut text = b"\r\n".to_vec();
    text.extend_from_slice(body);
    let delimiter = format!("\r\n--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let mut rest = &text[find(&text, &delimiter)? + delimiter.len()..];
    loop {
        if rest.starts_with(b"--") {
            return Some(parts);
        }
        let end = find(rest, &delimiter)?;
        let part = rest[..end].strip_prefix(b"\r\n")?;
        let split = find(part, b"\r\n\r\n")?;
        let headers = String::from_utf8_lossy(&part[..split]);
        let name = headers
            .split(';')
            .map(str::trim)
            .find_map(|p| p.strip_prefix("name=\""))
            .and_then(|p| p.split('"').next())?
            .to_owned();
        parts.push((name, part[split + 4..].to_vec()));
        rest = &rest[end + delimiter.len()..];
    }
}

/// The first position of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The text of the part `name`, if any (invalid UTF-8 replaced).
pub fn part_text(parts: &[(String, Vec<u8>)], name: &str) -> Option<String> {
    parts
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_bodies_are_split_by_name() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"m.csv\"\r\n\
            Content-Type: text/csv\r\n\r\nindicator,period\r\nx,2026-01-05\r\n--XyZ--\r\n";
        let parts = multipart("multipart/form-data; boundary=XyZ", body).expect("multipart");
        assert_eq!(part_text(&parts, "csrf").as_deref(), Some("abc"));
        assert_eq!(
            part_text(&parts, "fichier").as_deref(),
            Some("indicator,period\r\nx,2026-01-05")
        );
        assert!(multipart("text/plain", body).is_none());
    }
}
