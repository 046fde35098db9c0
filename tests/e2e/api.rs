//! The JSON API end to end: every route as anonymous (401), with the wrong role (403) and the
//! right one (2xx), and its refusals (404, 409, 413, 422), on SQLite and on PostgreSQL.

use serde_json::{Value, json};

use pilote_store::{Backend, testing::TestDb};

use crate::helpers::{Reply, Request, Server, add_user};

const PASSWORD: &str = "un mot de passe assez long";

/// A server over a fresh database, with one user per role.
struct World {
    _db: TestDb,
    _dir: tempfile::TempDir,
    server: Server,
    admin: String,
    manager: String,
    other_manager: String,
    member: String,
    viewer: String,
}

impl World {
    fn new(backend: Backend) -> World {
        let db = TestDb::new(backend);
        let dir = tempfile::tempdir().expect("dir");
        let user = |email: &str, args: &[&str]| {
            let mut all = vec!["--email", email, "--name", "Test"];
            all.extend_from_slice(args);
            let out = add_user(dir.path(), db.url(), &all, PASSWORD);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        user("admin@test.gouv.fr", &["--role", "admin"]);
        user("viewer@test.gouv.fr", &["--role", "viewer"]);
        let server = Server::start(dir.path(), &["--database-url", db.url()]);
        let admin = server.login("admin@test.gouv.fr", PASSWORD);
        for (slug, name) in [("dinum", "DINUM"), ("mtes", "Fabrique numérique")] {
            let reply = server.json_as(
                "POST",
                "/api/v1/incubators",
                Some(&admin),
                &json!({"slug": slug, "name": name, "administration": "État"}),
            );
            assert_eq!(reply.status, 201, "{:?}", reply.body);
        }
        user(
            "manager@test.gouv.fr",
            &["--role", "manager", "--incubator", "dinum"],
        );
        user(
            "other@test.gouv.fr",
            &["--role", "manager", "--incubator", "mtes"],
        );
        let manager = server.login("manager@test.gouv.fr", PASSWORD);
        let created = server.json_as(
            "POST",
            "/api/v1/products",
            Some(&manager),
            &json!({
                "slug": "mon-produit", "name": "Mon Produit", "pitch": "Simplifier une démarche",
                "incubator": "dinum", "sponsor": "DINUM", "started_on": "2025-01-06"
            }),
        );
        assert_eq!(created.status, 201, "{:?}", created.body);
        user(
            "member@test.gouv.fr",
            &["--role", "member", "--product", "mon-produit"],
        );
        World {
            admin,
            manager,
            other_manager: server.login("other@test.gouv.fr", PASSWORD),
            member: server.login("member@test.gouv.fr", PASSWORD),
            viewer: server.login("viewer@test.gouv.fr", PASSWORD),
            server,
            _db: db,
            _dir: dir,
        }
    }

    fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> Reply {
        match body {
            Some(body) => self.server.json_as(method, path, token, body),
            None => self.server.send(
                method,
                path,
                Request {
                    bearer: token,
                    body: None,
                    ..Request::default()
                },
            ),
        }
    }

    /// Asserts the status, with the body in the message.
    fn expect(
        &self,
        status: u16,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Value {
        let reply = self.call(method, path, token, body);
        assert_eq!(reply.status, status, "{method} {path}: {:?}", reply.body);
        if status >= 400 {
            assert!(
                reply.body["error"]["code"].is_string(),
                "{method} {path}: not the error envelope: {:?}",
                reply.body
            );
        }
        reply.body
    }
}

fn error_fields(body: &Value) -> Vec<String> {
    body["error"]["details"]
        .as_array()
        .map(|d| {
            d.iter()
                .map(|x| x["field"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn scenario(backend: Backend) {
    let w = World::new(backend);
    let (admin, manager, other, member, viewer) = (
        Some(w.admin.as_str()),
        Some(w.manager.as_str()),
        Some(w.other_manager.as_str()),
        Some(w.member.as_str()),
        Some(w.viewer.as_str()),
    );
    let p = "/api/v1/products/mon-produit";

    // Reading: anyone signed in; nobody anonymous.
    for path in [
        "/api/v1/incubators",
        "/api/v1/products",
        "/api/v1/portfolio",
        p,
        &format!("{p}/phases"),
        &format!("{p}/decisions"),
        &format!("{p}/indicators"),
    ] {
        w.expect(401, "GET", path, None, None);
        w.expect(200, "GET", path, viewer, None);
    }
    w.expect(404, "GET", "/api/v1/products/inconnu", viewer, None);

    // Incubators: admins create them.
    let incubator =
        json!({"slug": "culture", "name": "Culture", "administration": "Ministère de la Culture"});
    w.expect(401, "POST", "/api/v1/incubators", None, Some(&incubator));
    w.expect(403, "POST", "/api/v1/incubators", manager, Some(&incubator));
    w.expect(201, "POST", "/api/v1/incubators", admin, Some(&incubator));
    w.expect(409, "POST", "/api/v1/incubators", admin, Some(&incubator));

    // Products: the incubator's managers create them.
    let product = json!({"slug": "autre", "name": "Autre", "pitch": "p", "incubator": "dinum", "sponsor": "DINUM"});
    w.expect(401, "POST", "/api/v1/products", None, Some(&product));
    w.expect(403, "POST", "/api/v1/products", other, Some(&product));
    w.expect(403, "POST", "/api/v1/products", member, Some(&product));
    let created = w.expect(201, "POST", "/api/v1/products", manager, Some(&product));
    assert_eq!(
        (created["phase"].as_str(), created["published"].as_bool()),
        (Some("investigation"), Some(false))
    );
    w.expect(409, "POST", "/api/v1/products", manager, Some(&product));
    let bad = json!({"slug": "Pas Un Slug", "name": "x", "pitch": "p", "incubator": "dinum", "sponsor": "DINUM"});
    assert_eq!(
        error_fields(&w.expect(422, "POST", "/api/v1/products", manager, Some(&bad))),
        ["slug"]
    );
    let extra = json!({"slug": "x", "name": "x", "pitch": "p", "incubator": "dinum", "sponsor": "DINUM", "colour": "bleu"});
    assert_eq!(
        error_fields(&w.expect(422, "POST", "/api/v1/products", manager, Some(&extra))),
        ["colour"]
    );

    // Editing: the team edits, publishing is the manager's call.
    w.expect(401, "PATCH", p, None, Some(&json!({"pitch": "x"})));
    w.expect(403, "PATCH", p, viewer, Some(&json!({"pitch": "x"})));
    w.expect(403, "PATCH", p, other, Some(&json!({"pitch": "x"})));
    let edited = w.expect(
        200,
        "PATCH",
        p,
        member,
        Some(&json!({"pitch": "Une démarche simple", "website": null})),
    );
    assert_eq!(edited["pitch"], "Une démarche simple");
    w.expect(403, "PATCH", p, member, Some(&json!({"published": true})));
    assert_eq!(
        w.expect(200, "PATCH", p, manager, Some(&json!({"published": true})))["published"],
        true
    );

    // Indicators: the team defines them; one north star.
    let demarches = json!({"key": "demarches", "label": "Démarches déposées", "unit": "démarches",
        "direction": "increase", "principle": "used", "periodicity": "week", "north_star": true, "aggregation": "sum"});
    let ind = format!("{p}/indicators");
    w.expect(401, "POST", &ind, None, Some(&demarches));
    w.expect(403, "POST", &ind, viewer, Some(&demarches));
    w.expect(403, "POST", &ind, other, Some(&demarches));
    w.expect(201, "POST", &ind, member, Some(&demarches));
    let second_star = json!({"key": "delai", "label": "Délai", "unit": "jours", "direction": "decrease",
        "principle": "useful", "periodicity": "month", "north_star": true});
    w.expect(409, "POST", &ind, member, Some(&second_star));
    let wrong = json!({"key": "delai", "label": "Délai", "unit": "jours", "direction": "sideways", "principle": "useful", "periodicity": "month"});
    assert_eq!(
        error_fields(&w.expect(422, "POST", &ind, member, Some(&wrong))),
        ["direction"]
    );
    let delai = json!({"key": "delai", "label": "Délai", "unit": "jours", "direction": "decrease", "principle": "useful", "periodicity": "month"});
    w.expect(201, "POST", &ind, manager, Some(&delai));
    w.expect(200, "GET", &format!("{ind}/demarches"), viewer, None);
    w.expect(404, "GET", &format!("{ind}/inconnu"), viewer, None);
    w.expect(
        403,
        "PATCH",
        &format!("{ind}/delai"),
        viewer,
        Some(&json!({"label": "x"})),
    );
    assert_eq!(
        w.expect(
            200,
            "PATCH",
            &format!("{ind}/delai"),
            member,
            Some(&json!({"label": "Délai moyen"}))
        )["label"],
        "Délai moyen"
    );

    // Measures: all or nothing, corrections kept.
    let m = format!("{p}/measures");
    let batch = json!({"measures": [
        {"indicator": "demarches", "period": "2026-11-02", "value": 100},
        {"indicator": "demarches", "period": "2026-11-11", "value": 120, "comment": "semaine calme"},
        {"indicator": "delai", "period": "2026-10-15", "value": 12.5}
    ]});
    w.expect(401, "POST", &m, None, Some(&batch));
    w.expect(403, "POST", &m, viewer, Some(&batch));
    w.expect(403, "POST", &m, other, Some(&batch));
    assert_eq!(
        w.expect(200, "POST", &m, member, Some(&batch)),
        json!({"created": 3, "updated": 0, "unchanged": 0})
    );
    assert_eq!(
        w.expect(200, "POST", &m, member, Some(&batch)),
        json!({"created": 0, "updated": 0, "unchanged": 3})
    );
    let correction = json!({"measures": [{"indicator": "demarches", "period": "2026-11-04", "value": 110, "comment": "correction"}]});
    assert_eq!(
        w.expect(200, "POST", &m, manager, Some(&correction)),
        json!({"created": 0, "updated": 1, "unchanged": 0})
    );
    let history = w.expect(
        200,
        "GET",
        &format!("{ind}/demarches/measures/2026-11-02/history"),
        viewer,
        None,
    );
    let values: Vec<_> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|v| {
            (
                v["value"].as_f64(),
                v["author"].as_str().map(str::to_owned),
                v["recorded_at"].is_string(),
            )
        })
        .collect();
    assert_eq!(values.len(), 2);
    assert_eq!(values[0].0, Some(110.0));
    assert_eq!(values[1].0, Some(100.0));
    assert!(
        values
            .iter()
            .all(|v| v.1.as_deref().is_some_and(|a| a.starts_with("user:")) && v.2)
    );

    let bad_rows = json!({"measures": [
        {"indicator": "demarches", "period": "2026-10-05", "value": 1},
        {"indicator": "demarches", "period": "2026-10-12", "value": "beaucoup"}
    ]});
    assert_eq!(
        error_fields(&w.expect(422, "POST", &m, member, Some(&bad_rows))),
        ["measures[1].value"]
    );
    let bad_rows = json!({"measures": [
        {"indicator": "demarches", "period": "2026-10-05", "value": 1},
        {"indicator": "inconnu", "period": "2026-10-12", "value": 2},
        {"indicator": "demarches", "period": "2999-01-04", "value": 3},
        {"indicator": "demarches", "period": "2026-10-06", "value": 4}
    ]});
    assert_eq!(
        error_fields(&w.expect(422, "POST", &m, member, Some(&bad_rows))),
        ["measures[1].indicator", "measures[2].period", "measures[3]"]
    );
    let nan = w.server.send(
        "POST",
        &m,
        Request {
            bearer: member,
            body: Some((
                "application/json",
                r#"{"measures":[{"indicator":"demarches","period":"2026-10-05","value":NaN}]}"#,
            )),
            ..Request::default()
        },
    );
    assert_eq!(nan.status, 400, "{:?}", nan.body);
    let huge = format!(
        r#"{{"measures":[{{"indicator":"demarches","period":"2026-10-05","value":1,"comment":"{}"}}]}}"#,
        "x".repeat(1_100_000)
    );
    let too_big = w.server.send(
        "POST",
        &m,
        Request {
            bearer: member,
            body: Some(("application/json", &huge)),
            ..Request::default()
        },
    );
    assert_eq!(too_big.status, 413, "{:?}", too_big.body);
    let series = w.expect(
        200,
        "GET",
        &format!("{ind}/demarches/measures?from=2026-10-01&per_page=500"),
        viewer,
        None,
    );
    assert_eq!(
        series["total"], 2,
        "nothing of the refused batches was written: {series:?}"
    );

    // CSV in and out.
    let csv = |token: Option<&str>, text: &str| {
        w.server.send(
            "POST",
            &format!("{p}/measures.csv"),
            Request {
                bearer: token,
                body: Some(("text/csv", text)),
                ..Request::default()
            },
        )
    };
    assert_eq!(csv(None, "indicator,period,value\n").status, 401);
    assert_eq!(csv(viewer, "indicator,period,value\n").status, 403);
    let ok = csv(
        member,
        "indicator,period,value,comment\ndemarches,2026-10-26,90,\"virgule, dans le commentaire\"\ndelai,2026-09-01,\"13,5\",\n",
    );
    assert_eq!(
        (ok.status, ok.body.clone()),
        (200, json!({"created": 2, "updated": 0, "unchanged": 0}))
    );
    let bad = csv(
        member,
        "indicator,period,value,comment\ndemarches,2026-10-19,1,\ndemarches,hier,2,\ndemarches,2026-10-12,abc,\n",
    );
    assert_eq!(bad.status, 422);
    assert_eq!(
        error_fields(&bad.body),
        ["lines[3].period", "lines[4].value"]
    );
    let semicolons = csv(
        member,
        "indicator;period;value;comment\ndemarches;2026-09-28;12,5;point-virgule\n",
    );
    assert_eq!(
        (semicolons.status, semicolons.body.clone()),
        (200, json!({"created": 1, "updated": 0, "unchanged": 0}))
    );
    let multiline = csv(
        member,
        "indicator,period,value,comment\ndemarches,2026-09-21,1,\"deux\nlignes\"\ndemarches,2026-09-14,x,\n",
    );
    assert_eq!(
        error_fields(&multiline.body),
        ["lines[4].value"],
        "line numbers count the lines of a quoted comment"
    );
    let download = w.call("GET", &format!("{p}/measures.csv"), viewer, None);
    assert_eq!(download.status, 200);
    assert!(
        download
            .header("content-type")
            .is_some_and(|c| c.starts_with("text/csv"))
    );
    let text = download.body.as_str().expect("csv text");
    assert!(
        text.starts_with("indicator,period,value,comment\n"),
        "{text}"
    );
    assert!(
        text.contains("demarches,2026-10-26,90,\"virgule, dans le commentaire\""),
        "{text}"
    );

    // API tokens: created by the team, shown once, scoped to their product, revocable.
    let t = format!("{p}/tokens");
    w.expect(401, "POST", &t, None, Some(&json!({"name": "script"})));
    w.expect(403, "POST", &t, viewer, Some(&json!({"name": "script"})));
    let created = w.expect(
        201,
        "POST",
        &t,
        member,
        Some(&json!({"name": "script hebdomadaire"})),
    );
    let token = created["token"].as_str().expect("token").to_owned();
    assert!(token.starts_with("pil_"));
    let listed = w.expect(200, "GET", &t, member, None);
    assert!(
        !listed.to_string().contains(&token[4..]),
        "the secret is never listed"
    );
    w.expect(403, "GET", &t, viewer, None);
    let tok = Some(token.as_str());
    let weekly =
        json!({"measures": [{"indicator": "demarches", "period": "2026-11-16", "value": 130}]});
    assert_eq!(w.expect(200, "POST", &m, tok, Some(&weekly))["created"], 1);
    w.expect(200, "GET", &format!("{ind}/demarches/measures"), tok, None);
    w.expect(403, "GET", "/api/v1/products", tok, None);
    w.expect(403, "POST", &t, tok, Some(&json!({"name": "x"})));
    w.expect(
        403,
        "POST",
        "/api/v1/products/autre/measures",
        tok,
        Some(&weekly),
    );
    let id = created["id"].as_i64().expect("id");
    w.expect(403, "DELETE", &format!("{t}/{id}"), viewer, None);
    let revoked = w.call("DELETE", &format!("{t}/{id}"), member, None);
    assert_eq!(revoked.status, 204);
    w.expect(401, "POST", &m, tok, Some(&weekly));

    // Decisions: the incubator's managers; the phase rule decides.
    let d = format!("{p}/decisions");
    let advance = json!({"kind": "advance", "decided_on": "2025-06-02", "rationale": "Comité : passage en construction"});
    w.expect(401, "POST", &d, None, Some(&advance));
    w.expect(403, "POST", &d, member, Some(&advance));
    w.expect(403, "POST", &d, other, Some(&advance));
    let outcome = w.expect(201, "POST", &d, manager, Some(&advance));
    assert_eq!(outcome["phase"], "construction");
    let early = json!({"kind": "continue", "decided_on": "2025-01-10", "rationale": "Trop tôt"});
    w.expect(409, "POST", &d, manager, Some(&early));
    let future = json!({"kind": "continue", "decided_on": "2999-01-01", "rationale": "Plus tard"});
    assert_eq!(
        error_fields(&w.expect(422, "POST", &d, manager, Some(&future))),
        ["decided_on"]
    );
    let empty = json!({"kind": "continue", "decided_on": "2025-07-01", "rationale": "  "});
    assert_eq!(
        error_fields(&w.expect(422, "POST", &d, manager, Some(&empty))),
        ["rationale"]
    );
    let phases = w.expect(200, "GET", &format!("{p}/phases"), viewer, None);
    assert_eq!(phases["total"], 2);
    assert_eq!(w.expect(200, "GET", &d, viewer, None)["total"], 1);

    // Lists filter and page.
    let construction = w.expect(
        200,
        "GET",
        "/api/v1/products?phase=construction",
        viewer,
        None,
    );
    assert_eq!(construction["total"], 1);
    assert_eq!(construction["items"][0]["north_star"]["value"], 130.0);
    assert_eq!(
        w.expect(200, "GET", "/api/v1/products?q=AUTRE", viewer, None)["total"],
        1
    );
    let paged = w.expect(
        200,
        "GET",
        "/api/v1/products?per_page=1&page=2",
        viewer,
        None,
    );
    assert_eq!(
        (
            paged["total"].as_u64(),
            paged["items"].as_array().map(Vec::len),
            paged["page"].as_u64()
        ),
        (Some(2), Some(1), Some(2))
    );
    w.expect(422, "GET", "/api/v1/products?per_page=501", viewer, None);
    w.expect(422, "GET", "/api/v1/products?phase=finie", viewer, None);
    let portfolio = w.expect(200, "GET", "/api/v1/portfolio", viewer, None);
    assert_eq!(
        (
            portfolio["products"].as_u64(),
            portfolio["phases"]["construction"].as_u64()
        ),
        (Some(2), Some(1))
    );

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
    assert_eq!(csv(member, &big_csv).status, 413);

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

#[test]
fn the_api_on_sqlite() {
    scenario(Backend::Sqlite);
}

#[test]
fn the_api_on_postgres() {
    scenario(Backend::Postgres);
}
