//! The year's results (« bilan ») end to end, with figures a person checks by hand, on the
//! 2025 of three products: « Mon Produit » opened in January 2025 with a cost per active user
//! of 120 € (12 × 10 000 € ÷ 1 000 users) and its one objective due in 2025 achieved;
//! « Zèbre » opened in February and launched in June, its matrix validated as a service of
//! national impact in September; « Éole » opened in 2024 and stopped in investigation in
//! March. Then the incubator filter, the page, and 401, 403, 404 and 422. On SQLite and on
//! PostgreSQL.

use pilote_store::Backend;
use serde_json::{Value, json};

use crate::{
    pages::{client, forms::sign_in_as},
    world::{Who, World},
};

fn product(slug: &str, name: &str, started_on: &str) -> Value {
    json!({"slug": slug, "name": name, "pitch": "Un produit", "incubator": "dinum",
           "sponsor": "DINUM", "started_on": started_on})
}

fn decide(w: &World, slug: &str, kind: &str, on: &str) {
    let decision = json!({"kind": kind, "decided_on": on, "rationale": "Comité"});
    let path = format!("/api/v1/products/{slug}/decisions");
    w.expect(201, "POST", &path, Some(&w.manager), Some(&decision));
}

fn slugs(figure: &Value) -> Vec<&str> {
    figure["products"]
        .as_array()
        .expect("products")
        .iter()
        .map(|p| p["slug"].as_str().expect("slug"))
        .collect()
}

fn scenario(backend: Backend) {
    let w = World::on(backend)
        .with_second_incubator()
        .with_product_token()
        .start();
    let Who {
        admin,
        manager,
        member,
        viewer,
        token,
        ..
    } = w.who();
    let p = "/api/v1/products/mon-produit";
    // Mon Produit: monthly active users 1 000 and spend 10 000 € each month of 2025.
    let users = json!({"key": "utilisateurs", "label": "Utilisateurs", "unit": "",
        "direction": "increase", "principle": "used", "periodicity": "month",
        "matrix_role": "monthly_active_users"});
    w.expect(
        201,
        "POST",
        &format!("{p}/indicators"),
        member,
        Some(&users),
    );
    let mut measures = Vec::new();
    for month in 1..=12 {
        let first = format!("2025-{month:02}-01");
        measures.push(json!({"indicator": "utilisateurs", "period": first, "value": 1000}));
        let spend = json!({"month": first, "amount": 10000});
        w.expect(201, "POST", &format!("{p}/spend"), member, Some(&spend));
    }
    let batch = json!({ "measures": measures });
    w.expect(200, "POST", &format!("{p}/measures"), member, Some(&batch));
    let contract = json!({"signed_on": "2025-01-06", "starts_on": "2025-01-06",
        "ends_on": "2026-12-31", "review_cadence_months": 6, "budget_per_year": {},
        "milestones": []});
    w.expect(
        200,
        "PUT",
        &format!("{p}/contract"),
        manager,
        Some(&contract),
    );
    let objectives = format!("{p}/contract/objectives");
    // Due in October 2025, met by the 1 000 users: achieved.
    let met = json!({"indicator": "utilisateurs", "baseline": {"value": 500, "on": "2025-01-01"},
        "target": {"value": 900, "by": "2025-10-01"}});
    w.expect(201, "POST", &objectives, manager, Some(&met));
    // Due in 2026: not counted in 2025.
    let later = json!({"indicator": "utilisateurs", "baseline": {"value": 500, "on": "2025-01-01"},
        "target": {"value": 5000, "by": "2026-06-01"}});
    w.expect(201, "POST", &objectives, manager, Some(&later));

    let zebre = product("zebre", "Zèbre", "2025-02-03");
    w.expect(201, "POST", "/api/v1/products", manager, Some(&zebre));
    decide(&w, "zebre", "advance", "2025-06-02");
    let validated = json!({"level": "validated", "on": "2025-09-15"});
    let certification = "/api/v1/products/zebre/matrix/certification";
    w.expect(200, "PUT", certification, admin, Some(&validated));
    let eole = product("eole", "Éole", "2024-10-07");
    w.expect(201, "POST", "/api/v1/products", manager, Some(&eole));
    decide(&w, "eole", "stop", "2025-03-10");

    let b = w.expect(
        200,
        "GET",
        "/api/v1/portfolio/bilan?year=2025",
        viewer,
        None,
    );
    assert_eq!(b["year"], 2025);
    assert_eq!(b["at"], "2025-12-31");
    assert_eq!(b["incubator"], Value::Null);
    assert_eq!(b["investigations_opened"]["count"], 2, "{b}");
    assert_eq!(slugs(&b["investigations_opened"]), ["mon-produit", "zebre"]);
    assert_eq!(
        b["investigations_opened"]["products"][1]["on"],
        "2025-02-03"
    );
    assert_eq!(slugs(&b["investigations_stopped"]), ["eole"]);
    assert_eq!(
        b["investigations_stopped"]["products"][0]["on"],
        "2025-03-10"
    );
    assert_eq!(slugs(&b["launched"]), ["zebre"]);
    let o = &b["objectives"];
    assert_eq!(o["threshold"], 0.8);
    assert_eq!(o["products_with_objectives_due"], 1, "{o}");
    assert_eq!(o["products_reaching"], 1);
    assert_eq!(o["share"], 1.0);
    assert_eq!(o["products"][0]["achieved"], 1);
    assert_eq!(o["products"][0]["due"], 1);
    assert_eq!(o["products"][0]["reached"], true);
    assert_eq!(slugs(&b["national_impact"]), ["zebre"]);
    let cost = &b["cost_per_active_user"];
    assert_eq!(cost["median"], 120.0, "{cost}");
    assert_eq!(slugs(cost), ["mon-produit"]);

    // 2024: only Éole opened; nothing else.
    let b = w.expect(
        200,
        "GET",
        "/api/v1/portfolio/bilan?year=2024",
        member,
        None,
    );
    assert_eq!(slugs(&b["investigations_opened"]), ["eole"]);
    assert_eq!(b["launched"]["count"], 0);
    assert_eq!(b["objectives"]["share"], Value::Null);
    assert_eq!(b["cost_per_active_user"]["median"], Value::Null);
    // Another incubator's bilan counts none of these products.
    let b = w.expect(
        200,
        "GET",
        "/api/v1/portfolio/bilan?year=2025&incubator=mtes",
        manager,
        None,
    );
    assert_eq!(b["incubator"], "mtes");
    assert_eq!(b["investigations_opened"]["count"], 0);
    // Without a year: the current one.
    w.expect(200, "GET", "/api/v1/portfolio/bilan", viewer, None);

    let path = "/api/v1/portfolio/bilan";
    w.expect(401, "GET", path, None, None);
    w.expect(403, "GET", path, token, None);
    w.expect(
        404,
        "GET",
        &format!("{path}?incubator=inconnu"),
        viewer,
        None,
    );
    for bad in ["year=2012", "year=3000", "year=deux-mille"] {
        let reply = w.call("GET", &format!("{path}?{bad}"), viewer, None);
        assert!(
            (400..500).contains(&reply.status),
            "{bad}: {} {:?}",
            reply.status,
            reply.body
        );
        assert!(reply.body["error"].is_object(), "{bad}: {:?}", reply.body);
    }
    let e = w.expect(422, "GET", &format!("{path}?year=2012"), viewer, None);
    assert_eq!(e["error"]["details"][0]["field"], "year", "{e}");

    // The page: the same figures, each with its products, in French.
    let cookie = sign_in_as(&w.server, "viewer@test.gouv.fr");
    let page = client::call(&w.server, "GET", "/bilan?annee=2025", &cookie, None);
    assert_eq!(page.status, 200);
    let html = client::text(&page);
    for expected in [
        "Bilan 2025 — tout le portefeuille",
        "Investigations ouvertes : <strong>2</strong>",
        "Investigations arrêtées : <strong>1</strong>",
        "Produits lancés : <strong>1</strong>",
        "Produits atteignant leurs objectifs : <strong>100",
        "Services à impact national : <strong>1</strong>",
        "Coût médian par usager actif : <strong>120,00",
        "href=\"/produits/zebre\">Zèbre</a>",
        "1 sur 1",
        "10 mars 2025",
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
    let page = client::call(
        &w.server,
        "GET",
        "/bilan?annee=2025&incubateur=mtes",
        &cookie,
        None,
    );
    assert!(client::text(&page).contains("Bilan 2025 — Fabrique numérique"));
    // A year out of range is a filter: the current year is shown instead of an error.
    let page = client::call(&w.server, "GET", "/bilan?annee=1900", &cookie, None);
    assert_eq!(page.status, 200);
    let anonymous = client::call(&w.server, "GET", "/bilan", "", None);
    assert_eq!(anonymous.status, 303);
}

both_backends!(the_year_results => scenario);
