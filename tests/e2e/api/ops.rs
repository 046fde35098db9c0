//! Operations, charts, size limits, and the anonymous sweep of the OpenAPI document.

use serde_json::json;

use super::{Who, World};
use crate::helpers::Request;

/// Runs this part of the scenario.
pub fn run(w: &World) {
    let Who { member, viewer, .. } = w.who();

    // Operations: Prometheus text with requests by route pattern and the measures ingested.
    let metrics = w.call("GET", "/metrics", None, None);
    assert_eq!(metrics.status, 200);
    let text = metrics.body.as_str().expect("metrics text");
    assert!(
        text.contains(r#"route="/api/v1/products/{slug}/measures",status="200"} "#),
        "{text}"
    );
    let created: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix(r#"pilote_measures_ingested_total{result="created"} "#))
        .and_then(|n| n.parse().ok())
        .expect("measures counter");
    assert!(created >= 6, "{text}");

    // Charts: a published product's are public, with an ETag and 304; others need rights.
    let chart = "/charts/products/mon-produit/indicators/demarches.svg";
    let svg = w.call("GET", chart, None, None);
    assert_eq!(svg.status, 200, "{:?}", svg.body);
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
    let text = svg.body.as_str().expect("svg text");
    assert!(text.contains("<svg") && text.contains("<title>"), "{text}");
    let etag = svg.header("etag").expect("etag").to_owned();
    let again = w.server.send(
        "GET",
        chart,
        Request {
            headers: &[("If-None-Match", &etag)],
            ..Request::default()
        },
    );
    assert_eq!(again.status, 304);
    let png = w.call(
        "GET",
        "/charts/products/mon-produit/indicators/demarches.png?width=400&height=200",
        None,
        None,
    );
    assert_eq!(
        (png.status, png.header("content-type")),
        (200, Some("image/png"))
    );
    assert!(png.body.as_str().is_some_and(|b| b.contains("PNG")));
    assert_ne!(
        png.header("etag"),
        Some(etag.as_str()),
        "the size and format are in the ETag"
    );
    w.expect(422, "GET", &format!("{chart}?width=10"), None, None);
    w.expect(
        404,
        "GET",
        "/charts/products/mon-produit/indicators/demarches.gif",
        None,
        None,
    );
    w.expect(
        404,
        "GET",
        "/charts/products/mon-produit/indicators/inconnu.svg",
        None,
        None,
    );
    w.expect(
        401,
        "GET",
        "/charts/products/autre/dashboard.svg",
        None,
        None,
    );
    assert_eq!(
        w.call("GET", "/charts/products/autre/dashboard.svg", viewer, None)
            .status,
        200
    );
    assert_eq!(
        w.call(
            "GET",
            "/charts/products/mon-produit/dashboard.png",
            None,
            None
        )
        .status,
        200
    );
    w.expect(
        404,
        "GET",
        "/charts/products/mon-produit/tableau.svg",
        None,
        None,
    );
    w.expect(401, "GET", "/charts/portfolio/timeline.svg", None, None);
    for path in [
        "/charts/portfolio/timeline.svg",
        "/charts/portfolio/phases.png",
        "/charts/portfolio/phases.svg?incubator=dinum",
        "/charts/portfolio/drift.svg",
    ] {
        assert_eq!(w.call("GET", path, viewer, None).status, 200, "{path}");
    }

    // A CSV over 10 MiB is refused before it is parsed.
    let big_csv = format!(
        "indicator,period,value,comment\n{}",
        "demarches,2026-10-05,1,x\n".repeat(450_000)
    );
    assert_eq!(w.post_csv(member, &big_csv).status, 413);

    // Every route the OpenAPI document says needs credentials refuses an anonymous caller.
    let doc = w.expect(200, "GET", "/api/v1/openapi.json", None, None);
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            // No security, or an optional one (`{}`: published products' charts), is public.
            let security = op["security"].as_array().cloned().unwrap_or_default();
            if security.is_empty()
                || security
                    .iter()
                    .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
            {
                continue;
            }
            let concrete = path
                .replace("{slug}", "mon-produit")
                .replace("{key}", "demarches")
                .replace("{period}", "2026-11-02")
                .replace("{id}", "1")
                .replace("{file}", "timeline.svg");
            let method = method.to_uppercase();
            let body = (method != "GET" && method != "DELETE").then(|| json!({}));
            let reply = w.call(&method, &concrete, None, body.as_ref());
            assert_eq!(
                reply.status, 401,
                "{method} {path} without credentials: {:?}",
                reply.body
            );
            assert_eq!(
                reply.header("www-authenticate"),
                Some("Bearer"),
                "{method} {path}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 23, "only {checked} secured operations");

    // Every answer carries a request id.
    assert!(
        w.call("GET", "/api/v1/portfolio", viewer, None)
            .header("x-request-id")
            .is_some()
    );
}
