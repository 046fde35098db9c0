//! Issue 11 end to end, besides the product's matrix (`matrix.rs`): the portfolio's matrix
//! (completeness, cost per active user, sorting, filters, rights), the efficiency chart, the
//! public stats page by principle with efficiency shown only when published, and the open
//! data files, served and exported, validated by `frictionless validate`. On SQLite and on
//! PostgreSQL.

use std::{path::Path, process::Command};

use chrono::{Datelike, Months, NaiveDate, Utc};
use pilote_store::Backend;
use serde_json::{Value, json};

use crate::{
    commands::shown,
    helpers::{Request, pilote},
    world::{Who, World},
};

/// The 1st of the month `back` months before the current one.
fn month(back: u32) -> NaiveDate {
    let first = Utc::now().date_naive().with_day(1).expect("a 1st");
    first.checked_sub_months(Months::new(back)).expect("month")
}

fn indicator(key: &str, principle: &str, role: Option<&str>, north_star: bool) -> Value {
    json!({"key": key, "label": format!("Indicateur {key}"), "unit": "", "direction": "increase",
           "principle": principle, "periodicity": "month", "matrix_role": role,
           "north_star": north_star})
}

fn text(body: &Value) -> &str {
    body.as_str().unwrap_or_else(|| panic!("not text: {body}"))
}

/// `mon-produit`: the four mandatory slots filled, 24 months of users (500 then 1 000) and of
/// spend (10 000 €): 120 € per active user, down 50 %, use up 100 %. `usagers-co` (named with
/// markup): no indicator with a role, one value, no spend.
fn fill(w: &World) {
    let (manager, member) = (Some(w.manager.as_str()), Some(w.member.as_str()));
    let p = "/api/v1/products/mon-produit";
    for body in [
        indicator("utilisateurs", "used", Some("monthly_active_users"), true),
        indicator("facilite", "usable", Some("ease_of_use"), false),
        indicator("penetration", "used", Some("market_penetration"), false),
        indicator("valeur", "useful", Some("value_generated"), false),
        indicator("emplois", "impactful", None, false),
    ] {
        w.expect(201, "POST", &format!("{p}/indicators"), member, Some(&body));
    }
    let mut measures = Vec::new();
    for back in 1..=24 {
        let users = if back <= 12 { 1000 } else { 500 };
        measures.push(json!({"indicator": "utilisateurs", "period": month(back), "value": users}));
        let spend = json!({"month": month(back), "amount": 10000});
        w.expect(201, "POST", &format!("{p}/spend"), member, Some(&spend));
    }
    for key in ["facilite", "penetration", "valeur", "emplois"] {
        for back in [1, 2] {
            measures.push(json!({"indicator": key, "period": month(back), "value": 5}));
        }
    }
    w.expect(
        200,
        "POST",
        &format!("{p}/measures"),
        member,
        Some(&json!({"measures": measures})),
    );

    let other = json!({"slug": "usagers-co", "name": "Usagers & <Co>", "pitch": "Rien",
        "incubator": "dinum", "sponsor": "DINUM", "started_on": "2025-01-06"});
    w.expect(201, "POST", "/api/v1/products", manager, Some(&other));
    let q = "/api/v1/products/usagers-co";
    let secret = indicator("secret", "useful", None, false);
    w.expect(
        201,
        "POST",
        &format!("{q}/indicators"),
        manager,
        Some(&secret),
    );
    let value = json!({"measures": [{"indicator": "secret", "period": month(1), "value": 424242}]});
    w.expect(200, "POST", &format!("{q}/measures"), manager, Some(&value));
    // A stopped product: no matrix to keep up to date, no row.
    let stopped = json!({"slug": "arrete", "name": "Arrêté", "pitch": "Fini",
        "incubator": "dinum", "sponsor": "DINUM", "started_on": "2025-01-06"});
    w.expect(201, "POST", "/api/v1/products", manager, Some(&stopped));
    let stop = json!({"kind": "stop", "decided_on": month(1), "rationale": "Pas d'usage"});
    w.expect(
        201,
        "POST",
        "/api/v1/products/arrete/decisions",
        manager,
        Some(&stop),
    );
}

fn slugs(matrix: &Value) -> Vec<&str> {
    matrix["products"]
        .as_array()
        .map(|rows| rows.iter().filter_map(|r| r["slug"].as_str()).collect())
        .unwrap_or_default()
}

fn portfolio_matrix(w: &World) {
    let viewer = Some(w.viewer.as_str());
    let m = w.expect(200, "GET", "/api/v1/portfolio/matrix", viewer, None);
    assert_eq!(
        (m["complete"].as_u64(), m["incomplete"].as_u64()),
        (Some(1), Some(1)),
        "{m}"
    );
    assert_eq!(
        (m["sort"].as_str(), m["order"].as_str()),
        (Some("completeness"), Some("asc"))
    );
    // Least complete first by default; the stopped product has no row.
    assert_eq!(slugs(&m), ["usagers-co", "mon-produit"]);
    let row = &m["products"][1];
    assert_eq!(row["completeness"], 4);
    assert_eq!(row["complete"], true);
    assert_eq!(row["phase"], "investigation");
    assert_eq!(row["cost_per_active_user"], 120.0);
    assert_eq!(row["cost_per_active_user_evolution_pct"], -50.0);
    assert_eq!(row["users_evolution_pct"], 100.0);
    assert_eq!(row["cost_grew_slower_than_use"], true);
    assert_eq!(row["north_star"], "utilisateurs");
    assert_eq!(row["north_star_evolution_pct"], 100.0);
    let empty = &m["products"][0];
    assert_eq!(empty["completeness"], 0);
    assert_eq!(empty["cost_per_active_user"], Value::Null);
    assert_eq!(empty["slots"][1]["state"], "missing");

    // Sorted by cost, either way: the product without a cost comes last both times.
    for order in ["asc", "desc"] {
        let path = format!("/api/v1/portfolio/matrix?sort=cost_per_active_user&order={order}");
        let m = w.expect(200, "GET", &path, viewer, None);
        assert_eq!(slugs(&m), ["mon-produit", "usagers-co"], "{order}");
    }
    let m = w.expect(
        200,
        "GET",
        "/api/v1/portfolio/matrix?sort=name&order=desc",
        viewer,
        None,
    );
    assert_eq!(slugs(&m), ["usagers-co", "mon-produit"]);
    // Filters like the portfolio's.
    let m = w.expect(
        200,
        "GET",
        "/api/v1/portfolio/matrix?phase=acceleration",
        viewer,
        None,
    );
    assert_eq!((slugs(&m).len(), m["complete"].as_u64()), (0, Some(0)));
    let m = w.expect(
        200,
        "GET",
        "/api/v1/portfolio/matrix?incubator=dinum&phase=investigation",
        viewer,
        None,
    );
    assert_eq!(slugs(&m).len(), 2);

    // Bad input names the field (and the unknown key).
    for (query, field) in [
        ("sort=popularite", "sort"),
        ("order=haut", "order"),
        ("phase=stopped", "phase"),
    ] {
        let e = w.expect(
            422,
            "GET",
            &format!("/api/v1/portfolio/matrix?{query}"),
            viewer,
            None,
        );
        assert_eq!(w.fields(&e), [field], "{e}");
    }
    let e = w.expect(
        422,
        "GET",
        "/api/v1/portfolio/matrix?sort=popularite",
        viewer,
        None,
    );
    assert!(e.to_string().contains("popularite"), "{e}");
    w.expect(
        422,
        "GET",
        "/api/v1/portfolio/matrix?at=demain",
        viewer,
        None,
    );
    // Rights: signed-in people only, never an API token.
    w.expect(401, "GET", "/api/v1/portfolio/matrix", None, None);
    w.expect(
        403,
        "GET",
        "/api/v1/portfolio/matrix",
        Some(w.token()),
        None,
    );
}

fn efficiency_chart(w: &World) {
    let viewer = Some(w.viewer.as_str());
    let path = "/charts/portfolio/efficiency.svg";
    let reply = w.send(
        "GET",
        path,
        Request {
            bearer: viewer,
            ..Request::default()
        },
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("image/svg+xml"));
    let svg = text(&reply.body);
    assert!(svg.contains("Coût par usager actif"), "French labels");
    assert!(svg.contains("Mon Produit"), "a labelled dot");
    // The product without figures is named in the text alternative, escaped.
    assert!(svg.contains("Usagers &amp; &lt;Co&gt;"), "{svg}");
    assert!(!svg.contains("<Co>"));
    let tag = reply.header("etag").expect("an ETag").to_owned();
    let again = w.send(
        "GET",
        path,
        Request {
            bearer: viewer,
            headers: &[("If-None-Match", &tag)],
            ..Request::default()
        },
    );
    assert_eq!(again.status, 304);
    let png = w.send(
        "GET",
        "/charts/portfolio/efficiency.png",
        Request {
            bearer: viewer,
            ..Request::default()
        },
    );
    assert_eq!(png.status, 200);
    assert_eq!(png.header("content-type"), Some("image/png"));
    w.expect(
        422,
        "GET",
        "/charts/portfolio/efficiency.svg?width=10",
        viewer,
        None,
    );
    w.expect(401, "GET", path, None, None);
    w.expect(403, "GET", path, Some(w.token()), None);
}

fn stats_page(w: &World) {
    let Who {
        manager,
        member,
        viewer,
        ..
    } = w.who();
    let p = "/api/v1/products/mon-produit";
    let published = w.expect(200, "PATCH", p, manager, Some(&json!({"published": true})));
    assert_eq!(published["publish_efficiency"], false, "off by default");
    let page = w.expect(200, "GET", "/produits/mon-produit/stats", None, None);
    let html = text(&page);
    let mut at = 0;
    for heading in ["Utilisable", "Utilisé", "Utile", "Impactant", "Efficient"] {
        let found = html[at..]
            .find(&format!(">{heading}</h3>"))
            .unwrap_or_else(|| panic!("{heading} missing or out of order"));
        at += found + 1;
    }
    assert!(html.contains("Indicateur emplois"));
    assert!(!html.contains("Coût par usager actif"), "not published yet");
    assert!(html.contains("ne publie pas ses chiffres d'efficience"));

    // Whoever may edit the product chooses; a viewer may not.
    w.expect(
        403,
        "PATCH",
        p,
        viewer,
        Some(&json!({"publish_efficiency": true})),
    );
    let item = w.expect(
        200,
        "PATCH",
        p,
        member,
        Some(&json!({"publish_efficiency": true})),
    );
    assert_eq!(item["publish_efficiency"], true);
    assert_eq!(
        w.expect(200, "GET", p, viewer, None)["publish_efficiency"],
        true
    );
    let e = w.expect(
        422,
        "PATCH",
        p,
        member,
        Some(&json!({"publish_efficiency": "oui"})),
    );
    assert!(e.to_string().contains("publish_efficiency"), "{e}");
    let html = w.expect(200, "GET", "/produits/mon-produit/stats", None, None);
    let html = text(&html);
    assert!(html.contains("Coût par usager actif"));
    assert!(html.contains("120\u{a0}€"), "120 € per active user");
    assert!(
        html.contains("120\u{a0}000\u{a0}€") || html.contains("120\u{202f}000\u{a0}€"),
        "the budget"
    );
}

/// The venv's `frictionless`, installed by `scripts/ensure-venv`: the test fails, never skips,
/// when it cannot run.
fn frictionless() -> std::path::PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(root.join("scripts/ensure-venv"))
        .output()
        .expect("scripts/ensure-venv runs");
    assert!(
        out.status.success(),
        "ensure-venv: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bin = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    Path::new(&bin).join("frictionless")
}

fn open_data(w: &World) {
    // Served without credentials.
    let csv = w.expect(200, "GET", "/api/v1/opendata/measures.csv", None, None);
    let csv = text(&csv);
    assert!(
        csv.starts_with("product,product_name,incubator,indicator,"),
        "{csv}"
    );
    assert!(
        csv.contains("mon-produit,Mon Produit,dinum,utilisateurs"),
        "{csv}"
    );
    let json_rows = w.expect(200, "GET", "/api/v1/opendata/measures.json", None, None);
    assert_eq!(json_rows.as_array().map(Vec::len), Some(24 + 4 * 2));
    let schema = w.expect(200, "GET", "/api/v1/opendata/schema.json", None, None);
    assert_eq!(
        schema["primaryKey"],
        json!(["product", "indicator", "period"])
    );
    let package = w.expect(200, "GET", "/api/v1/opendata/datapackage.json", None, None);
    assert_eq!(package["licenses"][0]["name"], "etalab-2.0");
    w.expect(404, "GET", "/api/v1/opendata/spend.csv", None, None);
    for served in [csv.to_owned(), json_rows.to_string()] {
        assert!(
            !served.contains("usagers-co") && !served.contains("424242"),
            "unpublished"
        );
    }

    // The export: the same files, valid for frictionless, nothing of the unpublished product,
    // no spend, no author.
    let out_dir = w.dir().join("opendata");
    let out = pilote(w.dir())
        .args(["export", "opendata", "--database-url", w.db_url()])
        .arg(&out_dir)
        .output()
        .expect("pilote export");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Licence Ouverte"));
    for name in [
        "measures.csv",
        "measures.json",
        "schema.json",
        "datapackage.json",
    ] {
        let content = std::fs::read_to_string(out_dir.join(name)).expect(name);
        for absent in ["usagers-co", "424242", "@", "amount", "10000"] {
            assert!(!content.contains(absent), "{name} holds {absent:?}");
        }
    }
    assert_eq!(
        std::fs::read_to_string(out_dir.join("measures.csv")).expect("csv"),
        csv
    );
    let check = Command::new(frictionless())
        .arg("validate")
        .arg(out_dir.join("datapackage.json"))
        .output()
        .expect("frictionless runs");
    assert!(
        check.status.success(),
        "frictionless validate: {}",
        shown(&check)
    );
}

fn scenario(backend: Backend) {
    let w = World::on(backend).with_product_token().start();
    fill(&w);
    portfolio_matrix(&w);
    efficiency_chart(&w);
    stats_page(&w);
    open_data(&w);
}

both_backends!(impact => scenario);
