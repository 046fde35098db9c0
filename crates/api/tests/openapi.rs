//! The OpenAPI document against the route table and the HTTP contract.
//!
//! `utoipa-actix-web` builds the document from the handlers registered with `.service(...)`, so
//! a documented route is registered by construction. What can still drift: a handler registered
//! another way (`.route(...)`, `.map(...)`), a route of the contract that was never added, an
//! operation that forgets its errors. These tests check each, the routing one against the very
//! app the server builds.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::{App, http::Method, test as actix_test};
use serde_json::Value;
use utoipa_actix_web::AppExt;

/// The document as served.
fn document() -> Value {
    serde_json::to_value(pilote_api::openapi::document()).expect("the document is JSON")
}

/// Every (METHOD, path) the document describes.
fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect()
}

fn operation<'a>(doc: &'a Value, method: &str, path: &str) -> &'a Value {
    &doc["paths"][path][method.to_lowercase()]
}

/// The routes of `shared/design/api.md` that the server has so far, and its own.
const CONTRACT: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/charts/products/{slug}/indicators/{file}"),
    ("GET", "/charts/products/{slug}/{file}"),
    ("GET", "/charts/portfolio/{file}"),
    ("GET", "/api/v1/openapi.json"),
    ("POST", "/api/v1/auth/login"),
    ("GET", "/api/v1/me"),
    ("POST", "/api/v1/invitations"),
    ("GET", "/api/v1/incubators"),
    ("POST", "/api/v1/incubators"),
    ("PUT", "/api/v1/incubators/{slug}/committee-cadence"),
    ("POST", "/api/v1/incubators/{slug}/irritants"),
    ("GET", "/api/v1/incubators/{slug}/irritants"),
    ("GET", "/api/v1/irritants/{id}"),
    ("POST", "/api/v1/irritants/{id}/votes"),
    ("DELETE", "/api/v1/irritants/{id}/votes"),
    ("POST", "/api/v1/irritants/{id}/link"),
    ("POST", "/api/v1/irritants/{id}/close"),
    ("GET", "/api/v1/portfolio"),
    ("GET", "/api/v1/portfolio/matrix"),
    ("GET", "/api/v1/portfolio/bilan"),
    ("GET", "/api/v1/opendata/{file}"),
    ("GET", "/api/v1/products"),
    ("POST", "/api/v1/products"),
    ("GET", "/api/v1/products/{slug}"),
    ("PATCH", "/api/v1/products/{slug}"),
    ("PUT", "/api/v1/products/{slug}/sheet"),
    ("GET", "/api/v1/products/{slug}/phases"),
    ("GET", "/api/v1/products/{slug}/decisions"),
    ("POST", "/api/v1/products/{slug}/decisions"),
    ("GET", "/api/v1/products/{slug}/indicators"),
    ("POST", "/api/v1/products/{slug}/indicators"),
    ("GET", "/api/v1/products/{slug}/indicators/{key}"),
    ("PATCH", "/api/v1/products/{slug}/indicators/{key}"),
    ("GET", "/api/v1/products/{slug}/indicators/{key}/source"),
    ("PUT", "/api/v1/products/{slug}/indicators/{key}/source"),
    ("DELETE", "/api/v1/products/{slug}/indicators/{key}/source"),
    (
        "POST",
        "/api/v1/products/{slug}/indicators/{key}/source/run",
    ),
    ("POST", "/api/v1/products/{slug}/measures"),
    ("GET", "/api/v1/products/{slug}/indicators/{key}/measures"),
    (
        "GET",
        "/api/v1/products/{slug}/indicators/{key}/measures/{period}/history",
    ),
    (
        "POST",
        "/api/v1/products/{slug}/indicators/{key}/measures/{period}/clear-suspect",
    ),
    ("GET", "/api/v1/products/{slug}/matrix"),
    ("PUT", "/api/v1/products/{slug}/matrix/certification"),
    ("POST", "/api/v1/products/{slug}/measures.csv"),
    ("GET", "/api/v1/products/{slug}/measures.csv"),
    ("POST", "/api/v1/products/{slug}/tokens"),
    ("GET", "/api/v1/products/{slug}/tokens"),
    ("DELETE", "/api/v1/products/{slug}/tokens/{id}"),
    ("GET", "/api/v1/products/{slug}/contract"),
    ("PUT", "/api/v1/products/{slug}/contract"),
    ("GET", "/api/v1/products/{slug}/contract/status"),
    ("GET", "/api/v1/products/{slug}/contract/objectives"),
    ("POST", "/api/v1/products/{slug}/contract/objectives"),
    ("PATCH", "/api/v1/products/{slug}/contract/objectives/{id}"),
    ("DELETE", "/api/v1/products/{slug}/contract/objectives/{id}"),
    ("GET", "/api/v1/products/{slug}/contract/commitments"),
    ("POST", "/api/v1/products/{slug}/contract/commitments"),
    ("PATCH", "/api/v1/products/{slug}/contract/commitments/{id}"),
    (
        "DELETE",
        "/api/v1/products/{slug}/contract/commitments/{id}",
    ),
    ("GET", "/api/v1/products/{slug}/spend"),
    ("POST", "/api/v1/products/{slug}/spend"),
    ("POST", "/api/v1/products/{slug}/reviews"),
    ("GET", "/api/v1/products/{slug}/reviews"),
    ("GET", "/api/v1/reviews/{id}"),
    ("PATCH", "/api/v1/reviews/{id}"),
    ("POST", "/api/v1/reviews/{id}/sign"),
    // Appels à candidatures (issue 24). Reading an open campaign and applying to a public
    // one need no credentials, but both take a bearer token (a campaign not open, an
    // `agents` campaign): documented with both security requirements, 401 included.
    ("POST", "/api/v1/incubators/{slug}/campaigns"),
    ("GET", "/api/v1/campaigns/{slug}"),
    ("POST", "/api/v1/campaigns/{slug}/applications"),
    ("GET", "/api/v1/campaigns/{slug}/applications"),
    ("GET", "/api/v1/campaigns/{slug}/ranking"),
    ("GET", "/api/v1/applications/{id}"),
    ("POST", "/api/v1/applications/{id}/status"),
    ("PUT", "/api/v1/applications/{id}/scores"),
    ("POST", "/api/v1/applications/{id}/launch"),
];

/// HTML pages: routed, and deliberately left out of the document, which describes the JSON
/// API only.
const PAGES: &[(&str, &str)] = &[
    ("GET", "/produits/{slug}/revues/{id}"),
    ("GET", "/products/{slug}/reviews/{id}"),
];

/// Routes served without credentials.
const PUBLIC: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/api/v1/openapi.json"),
    ("POST", "/api/v1/auth/login"),
    ("GET", "/api/v1/opendata/{file}"),
];

#[test]
fn the_document_describes_exactly_the_routes_of_the_contract() {
    let doc = document();
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{}",
        doc["openapi"]
    );
    let expected: BTreeSet<(String, String)> = CONTRACT
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let documented = operations(&doc);
    let missing: Vec<_> = expected.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing from the document: {missing:?}; not in the contract list: {extra:?}"
    );
}

#[test]
fn every_operation_is_complete() {
    let doc = document();
    let mut ids = BTreeMap::new();
    for (method, path) in operations(&doc) {
        let op = operation(&doc, &method, &path);
        let at = format!("{method} {path}");
        let id = op["operationId"].as_str().expect("operationId");
        if let Some(other) = ids.insert(id.to_owned(), at.clone()) {
            panic!("{at} and {other} share the operationId {id}");
        }
        assert!(
            op["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "{at}: no tag"
        );
        assert!(op["summary"].is_string(), "{at}: no doc comment");
        let responses = op["responses"].as_object().expect("responses");
        assert!(
            responses.keys().any(|s| s.starts_with('2')),
            "{at}: no success response"
        );
        // Every error response carries the envelope.
        for (status, response) in responses
            .iter()
            .filter(|(s, _)| s.starts_with('4') || s.starts_with('5'))
        {
            assert_eq!(
                response["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorEnvelope",
                "{at} {status}"
            );
        }
        // Path parameters are all described, with the names of the path.
        let declared: BTreeSet<&str> = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter(|p| p["in"] == "path")
                    .filter_map(|p| p["name"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        let in_path: BTreeSet<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        assert_eq!(declared, in_path, "{at}: path parameters");

        let public = PUBLIC.iter().any(|(m, p)| *m == method && *p == path);
        let secured = op["security"]
            .as_array()
            .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
        if public {
            assert!(!secured, "{at}: public, yet asks for a bearer token");
        } else {
            assert!(secured, "{at}: no bearer security");
            assert!(responses.contains_key("401"), "{at}: no 401");
            assert!(responses.contains_key("503"), "{at}: no 503");
        }
        // The liveness probe, the metrics and the document itself answer nothing but success.
        let needs_errors = !matches!(
            path.as_str(),
            "/healthz" | "/metrics" | "/api/v1/openapi.json"
        );
        if needs_errors {
            assert!(
                responses
                    .keys()
                    .any(|s| s.starts_with('4') || s.starts_with('5')),
                "{at}: no error response"
            );
        }
        if !public {
            assert!(
                responses.keys().any(|s| s.starts_with('4')),
                "{at}: no 4xx response"
            );
        }
        // A JSON body can fail in the three ways `crate::json::Json` tells apart.
        let json_body = op["requestBody"]["content"]
            .get("application/json")
            .is_some();
        if json_body && path != "/api/v1/auth/login" {
            for status in ["400", "413", "422"] {
                assert!(responses.contains_key(status), "{at}: no {status}");
            }
        }
    }
}

#[test]
fn every_reference_resolves_and_the_bearer_scheme_is_declared() {
    let doc = document();
    fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.push(r);
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected reference {r}"));
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "{r} is not in the components"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

#[test]
fn domain_enums_list_their_values() {
    let doc = document();
    let values = |name: &str| -> Vec<String> {
        doc["components"]["schemas"][name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} has no enum"))
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(values("Direction"), ["increase", "decrease"]);
    assert_eq!(
        values("Principle"),
        ["usable", "used", "useful", "impactful", "efficient"]
    );
    assert_eq!(values("Periodicity"), ["week", "month"]);
    assert!(values("ProductStatus").contains(&"stopped".to_owned()));
    assert_eq!(
        values("CertificationLevel"),
        ["none", "published", "certified", "validated"]
    );
    assert_eq!(
        values("Outcome"),
        ["consolidation", "opere", "transfere", "abandon"]
    );
    assert!(values("ErrorCode").contains(&"validation_failed".to_owned()));
    let indicator = &doc["components"]["schemas"]["IndicatorItem"]["properties"];
    assert_eq!(
        indicator["direction"]["$ref"],
        "#/components/schemas/Direction"
    );
}

/// A concrete path for a documented template.
fn concrete(template: &str) -> String {
    template
        .replace("{slug}", "demo")
        .replace("{key}", "demarches")
        .replace("{id}", "1")
        .replace("{period}", "2026-11-16")
}

#[actix_web::test]
async fn the_document_and_the_route_table_agree() {
    let doc = document();
    let documented = operations(&doc);
    let app =
        actix_test::init_service(pilote_api::openapi::mount(App::new().into_utoipa_app())).await;
    // Whether the app routes `method path` to a handler rather than to its default service
    // (404 `route not found`). No database is needed: routing comes before any handler work.
    let is_routed = async |method: &str, path: &str| -> bool {
        let request = actix_test::TestRequest::default()
            .method(Method::from_bytes(method.as_bytes()).expect("method"))
            .uri(&concrete(path))
            .to_request();
        let response = actix_test::call_service(&app, request).await;
        if response.status().as_u16() != 404 {
            return true;
        }
        let body: Value =
            serde_json::from_slice(&actix_test::read_body(response).await).unwrap_or_default();
        body["error"]["message"] != "route not found"
    };
    for (method, path) in &documented {
        assert!(
            is_routed(method, path).await,
            "{method} {path} is documented but not routed"
        );
    }
    // On every documented path, the methods not documented reach the default 404: nothing is
    // registered there that the document does not say.
    let paths: BTreeSet<&String> = documented.iter().map(|(_, p)| p).collect();
    for path in paths {
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            if documented.contains(&(method.to_owned(), path.clone())) {
                continue;
            }
            assert!(
                !is_routed(method, path).await,
                "{method} {path} is routed but not documented"
            );
        }
    }
    // Pages are registered by `pages::configure`, not by this API mount: the end-to-end tests
    // (`tests/e2e/review_pack.rs`) reach them through the real server. Here: they stay out of
    // the document, and the API mount does not answer them either.
    for (method, path) in PAGES {
        assert!(
            !is_routed(method, path).await,
            "{method} {path} is a page, yet the API routes it"
        );
        assert!(
            !documented.contains(&((*method).to_owned(), (*path).to_owned())),
            "{method} {path} is a page, yet in the document"
        );
    }
    assert!(!is_routed("GET", "/api/v1/nope").await);
}

#[test]
fn the_measures_upload_documents_csv_and_xlsx() {
    let doc = document();
    let upload = operation(&doc, "POST", "/api/v1/products/{slug}/measures.csv");
    let content = upload["requestBody"]["content"]
        .as_object()
        .expect("content types");
    let types: Vec<&str> = content.keys().map(String::as_str).collect();
    assert_eq!(
        types,
        [
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "text/csv"
        ]
    );
    assert_eq!(
        pilote_api::service::sheet::XLSX_TYPE,
        types[0],
        "the reader's constant is the documented type"
    );
    let described = upload["requestBody"]["description"].as_str().unwrap_or("");
    assert!(described.contains("Windows-1252"), "{described}");
}
