//! Request ids: every response carries `X-Request-Id`, and every log line about a request names
//! it, so that a user's report of a 5xx can be found in the logs.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::{SystemTime, UNIX_EPOCH},
};

use actix_web::{
    Error, HttpMessage,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
};

/// The header, in both directions.
pub const HEADER: &str = "x-request-id";

/// The id of the request being served, in the request's extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(pub String);

/// Keeps a caller's id if it is short and plain (a load balancer's, say), else makes one.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_plain(v))
        .map_or_else(generate, str::to_owned);
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.call(req).await?;
    // The cause of a 5xx goes to the log with the id the client got; the body stays opaque.
    if response.status().is_server_error()
        && let Some(error) = response.response().error()
    {
        log::error!("request {id} failed: {error:?}");
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(HEADER), value);
    }
    Ok(response)
}

fn is_plain(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Unique across replicas in practice: time in nanoseconds, process id and a counter.
fn generate() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "{:x}-{:x}-{count:x}",
        nanos & 0xffff_ffff_ffff_ffff,
        std::process::id()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_plain() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert!(is_plain(&a));
    }

    #[actix_web::test]
    async fn responses_echo_a_plain_id_or_carry_a_new_one() {
        use actix_web::{App, HttpResponse, middleware::from_fn, test, web};
        let app = test::init_service(
            App::new()
                .wrap(from_fn(middleware))
                .route("/", web::get().to(HttpResponse::Ok)),
        )
        .await;
        let request = test::TestRequest::get()
            .uri("/")
            .insert_header((HEADER, "lb-42"))
            .to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(
            response.headers().get(HEADER).map(|v| v.as_bytes()),
            Some(&b"lb-42"[..])
        );
        let request = test::TestRequest::get()
            .uri("/")
            .insert_header((HEADER, "<bad id>"))
            .to_request();
        let response = test::call_service(&app, request).await;
        let id = response.headers().get(HEADER).and_then(|v| v.to_str().ok());
        assert!(
            id.is_some_and(|id| id != "<bad id>" && is_plain(id)),
            "{id:?}"
        );
    }

    #[test]
    fn odd_incoming_ids_are_replaced() {
        assert!(is_plain("abc-123_x.y"));
        assert!(!is_plain(""));
        assert!(!is_plain("a b"));
        assert!(!is_plain("<script>"));
        assert!(!is_plain(&"x".repeat(65)));
    }
}
