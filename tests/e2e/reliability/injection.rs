//! Markup and SQL in every text field a person can write: stored and answered verbatim as JSON
//! data, escaped in the HTML pages and SVG charts, and the database intact afterwards.

use chrono::{Datelike, Utc};
use serde_json::{Value, json};

use pilote_store::{Backend, repo::products};

use super::{ADMIN, PASSWORD, site, week};
use crate::helpers::Server;

/// Script, an event handler, a quote that would end an SQL string, and a statement after it.
const HOSTILE: &str =
    r#"<script>alert(1)</script><img src=x onerror=alert(2)>'; DROP TABLE products; -- " OR 1=1"#;
/// The same within the 40 characters of an indicator's unit.
const SHORT: &str = r#"<b onclick=alert(3)>u</b>' OR '1'='1"#;
/// What must never appear raw in HTML or SVG.
const RAW: [&str; 3] = ["<script>alert(1)", "<img src=x", "<b onclick"];

const SLUG: &str = "injection";

fn ok(server: &Server, token: &str, method: &str, path: &str, body: &Value) -> Value {
    let reply = server.json_as(method, path, Some(token), body);
    assert!(
        (200..300).contains(&reply.status),
        "{method} {path}: {} {:?}",
        reply.status,
        reply.body
    );
    reply.body
}

/// A page fetched as a browser would: with the session cookie, redirects not followed.
fn page(server: &Server, cookie: &str, path: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut request = agent
        .get(&format!("{}{path}", server.base))
        .header("Accept", "text/html");
    if !cookie.is_empty() {
        request = request.header("Cookie", cookie);
    }
    let mut response = request.call().expect("HTTP request");
    let status = response.status().as_u16();
    (
        status,
        response.body_mut().read_to_string().unwrap_or_default(),
    )
}

/// `name=value` of a cookie a response sets.
fn cookie(response: &ureq::http::Response<ureq::Body>, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie"))
        .to_owned()
}

/// Signs in through the login form (CSRF nonce cookie and field); the session cookie.
fn sign_in(server: &Server) -> String {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let url = format!("{}/connexion", server.base);
    let mut form = agent.get(&url).call().expect("login form");
    let nonce = cookie(&form, "pilote_csrf");
    let html = form.body_mut().read_to_string().expect("html");
    let start = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    let csrf = html[start..].split('"').next().expect("value");
    let body = format!(
        "email={}&password={}&csrf={csrf}",
        ADMIN.replace('@', "%40"),
        PASSWORD.replace(' ', "+")
    );
    let signed = agent
        .post(&url)
        .header("Cookie", &nonce)
        .content_type("application/x-www-form-urlencoded")
        .send(body)
        .expect("sign in");
    assert_eq!(signed.status().as_u16(), 303, "sign in");
    cookie(&signed, "pilote_session")
}

fn get(server: &Server, token: &str, path: &str) -> (u16, String, Value) {
    let reply = server.get_as(path, token);
    let text = match &reply.body {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    (reply.status, text, reply.body)
}

/// Shown escaped: the text is there, its markup is not.
fn escaped(what: &str, text: &str) {
    for raw in RAW {
        assert!(!text.contains(raw), "{what}: unescaped {raw:?}");
    }
    assert!(
        text.contains("alert(1)") || text.contains("alert(3)"),
        "{what}: the hostile text is not shown at all"
    );
}

fn hostile_text_everywhere(backend: Backend) {
    let site = site(backend);
    let server = site.start(&[]);
    let admin = server.login(ADMIN, PASSWORD);
    let year = Utc::now().year();
    let p = format!("/api/v1/products/{SLUG}");

    ok(
        &server,
        &admin,
        "POST",
        "/api/v1/incubators",
        &json!({"slug": "inj", "name": HOSTILE, "administration": HOSTILE}),
    );
    let product = ok(
        &server,
        &admin,
        "POST",
        "/api/v1/products",
        &json!({"slug": SLUG, "name": HOSTILE, "pitch": HOSTILE, "problem": HOSTILE,
            "sponsor": HOSTILE, "incubator": "inj", "started_on": "2025-01-06", "published": true}),
    );
    for field in ["name", "pitch", "problem", "sponsor", "incubator_name"] {
        assert_eq!(product[field], HOSTILE, "product {field}");
    }
    let indicator = ok(
        &server,
        &admin,
        "POST",
        &format!("{p}/indicators"),
        &json!({"key": "visites", "label": HOSTILE, "unit": SHORT, "description": HOSTILE,
            "direction": "increase", "principle": "used", "periodicity": "week", "north_star": true}),
    );
    for (field, text) in [
        ("label", HOSTILE),
        ("unit", SHORT),
        ("description", HOSTILE),
    ] {
        assert_eq!(indicator[field], text, "indicator {field}");
    }
    let rows: Vec<Value> = (1..=6)
        .map(|w| json!({"indicator": "visites", "period": week(w), "value": 10 * w, "comment": HOSTILE}))
        .collect();
    ok(
        &server,
        &admin,
        "POST",
        &format!("{p}/measures"),
        &json!({ "measures": rows }),
    );
    ok(
        &server,
        &admin,
        "PUT",
        &format!("{p}/contract"),
        &json!({"signed_on": "2025-01-02", "starts_on": "2025-01-06",
            "ends_on": format!("{}-12-31", year + 1), "review_cadence_months": 3,
            "budget_per_year": {"2025": 600000, year.to_string(): 800000, (year + 1).to_string(): 800000},
            "milestones": [{"phase": "construction", "planned_on": "2025-07-07"}]}),
    );
    let commitment = ok(
        &server,
        &admin,
        "POST",
        &format!("{p}/contract/commitments"),
        &json!({"area": "accessibility", "expected": HOSTILE, "current": HOSTILE, "evidence_url": null}),
    );
    assert_eq!(
        (&commitment["expected"], &commitment["current"]),
        (&json!(HOSTILE), &json!(HOSTILE))
    );
    let decision = ok(
        &server,
        &admin,
        "POST",
        &format!("{p}/decisions"),
        &json!({"kind": "advance", "decided_on": "2025-06-02", "rationale": HOSTILE}),
    );
    assert_eq!(decision["decision"]["rationale"], HOSTILE);
    let review = ok(
        &server,
        &admin,
        "POST",
        &format!("{p}/reviews"),
        &json!({"reviewed_on": Utc::now().date_naive(), "reviewers": [HOSTILE], "verdict": "green",
            "decision": {"kind": "continue", "rationale": HOSTILE}, "notes": HOSTILE}),
    );
    assert_eq!(review["reviewers"], json!([HOSTILE]));
    assert_eq!(review["notes"], HOSTILE);
    assert_eq!(review["decision"]["rationale"], HOSTILE);
    let review_id = review["id"].as_i64().expect("review id");
    ok(
        &server,
        &admin,
        "POST",
        &format!("/api/v1/reviews/{review_id}/sign"),
        &json!({}),
    );
    let token = ok(
        &server,
        &admin,
        "POST",
        &format!("{p}/tokens"),
        &json!({"name": HOSTILE}),
    );
    assert_eq!(token["name"], HOSTILE);

    // Read back as JSON data, verbatim.
    let (_, _, series) = get(&server, &admin, &format!("{p}/indicators/visites/measures"));
    assert!(
        series["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|m| m["comment"] == HOSTILE),
        "{series}"
    );
    let (_, _, decisions) = get(&server, &admin, &format!("{p}/decisions"));
    assert_eq!(decisions["items"][0]["rationale"], HOSTILE);
    let (_, _, listed) = get(&server, &admin, "/api/v1/products?q=injection");
    assert_eq!(listed["items"][0]["name"], HOSTILE, "{listed}");
    let (_, _, one) = get(&server, &admin, &p);
    assert_eq!(one["pitch"], HOSTILE);
    let (_, csv, _) = get(&server, &admin, &format!("{p}/measures.csv"));
    assert!(csv.contains("DROP TABLE products"), "{csv}");

    // Escaped in every page that shows them, signed in as a browser is.
    let session = sign_in(&server);
    for path in [
        "/".to_owned(),
        format!("/produits/{SLUG}"),
        format!("/produits/{SLUG}/mesures"),
        format!("/produits/{SLUG}/decisions/nouvelle"),
        format!("/produits/{SLUG}/stats"),
    ] {
        let (status, text) = page(&server, &session, &path);
        assert_eq!(status, 200, "{path}: {text}");
        escaped(&path, &text);
    }
    // And in the review pack and the charts, fetched with the token.
    for path in [
        format!("/produits/{SLUG}/revues/{review_id}"),
        format!("/charts/products/{SLUG}/dashboard.svg"),
        format!("/charts/products/{SLUG}/indicators/visites.svg"),
        "/charts/portfolio/timeline.svg".to_owned(),
        "/charts/portfolio/phases.svg".to_owned(),
    ] {
        let (status, text, _) = get(&server, &admin, &path);
        assert_eq!(status, 200, "{path}: {text}");
        for raw in RAW {
            assert!(!text.contains(raw), "{path}: unescaped {raw:?}");
        }
        if !path.ends_with("phases.svg") {
            escaped(&path, &text);
        }
    }

    // The statements were never run: every table still answers, with what was written.
    let mut conn = site.db.conn();
    assert_eq!(products::count(&mut conn).expect("products table"), 1);
    drop(conn);
    let (status, _, incubators) = get(&server, &admin, "/api/v1/incubators");
    assert_eq!(status, 200);
    assert_eq!(incubators["items"][0]["name"], HOSTILE);
    assert_eq!(series["total"], 6);
}

both_backends!(hostile_text_is_data => hostile_text_everywhere);
