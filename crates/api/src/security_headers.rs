//! Security headers on every response: a strict Content-Security-Policy (scripts only from
//! the server's own files — the vendored DSFR's —, never inline;
//! styles from the page's own `<style>`, images from the server or inline), no MIME sniffing,
//! no referrer outside the site, and no framing. Cheap on JSON too, so every response gets
//! them rather than a list of page paths that could drift.

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{self, HeaderValue},
    middleware::Next,
};

/// The pages' policy. Scripts: the server's own files only (the DSFR's module, for the
/// header's menu on a phone), never an inline one. `'unsafe-inline'` for styles only:
/// Pilote's additions are a `<style>` in each page and the charts' SVG carries style
/// attributes.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; \
     form-action 'self'; base-uri 'none'; object-src 'none'";

/// Adds the headers, keeping any a handler set itself.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    Ok(response)
}
