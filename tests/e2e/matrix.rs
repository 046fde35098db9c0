//! The « matrice d'impact » end to end, with figures a person checks by hand: 24 months of
//! spend of 10 000 € and a monthly-active-users indicator at 500 then 1 000 give a budget of
//! 120 000 € a year and a cost per active user falling from 240 € to 120 €. An ease-of-use
//! indicator without recent values is `stale`, a product without users is `missing` with a
//! null cost; then 401, 403, 404 and 422. On SQLite and on PostgreSQL.

use chrono::{Datelike, Months, NaiveDate, Utc};
use pilote_store::Backend;
use serde_json::{Value, json};

use crate::world::{Who, World};

/// The 1st of the month `back` months before the current one.
fn month(back: u32) -> NaiveDate {
    let today = Utc::now().date_naive();
    let first = today.with_day(1).expect("a 1st");
    first.checked_sub_months(Months::new(back)).expect("month")
}

fn indicator(key: &str, principle: &str, role: &str) -> Value {
    json!({"key": key, "label": key, "unit": "", "direction": "increase",
           "principle": principle, "periodicity": "month", "matrix_role": role})
}

fn slot<'a>(matrix: &'a Value, role: &str) -> &'a Value {
    matrix["slots"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["role"] == role))
        .unwrap_or_else(|| panic!("no slot {role}: {matrix}"))
}

fn scenario(backend: Backend) {
    let w = World::on(backend).with_product_token().start();
    let Who {
        manager,
        member,
        viewer,
        ..
    } = w.who();
    let p = "/api/v1/products/mon-produit";
    let indicators = format!("{p}/indicators");
    let users = indicator("utilisateurs", "used", "monthly_active_users");
    w.expect(201, "POST", &indicators, member, Some(&users));
    let ease = indicator("facilite", "usable", "ease_of_use");
    w.expect(201, "POST", &indicators, member, Some(&ease));

    // Months 24 to 13 back: 500 users; 12 to 1 back: 1 000. Spend 10 000 € every month.
    let mut measures = Vec::new();
    for back in 1..=24 {
        let value = if back <= 12 { 1000 } else { 500 };
        measures.push(json!({"indicator": "utilisateurs", "period": month(back), "value": value}));
        let spend = json!({"month": month(back), "amount": 10000});
        w.expect(201, "POST", &format!("{p}/spend"), member, Some(&spend));
    }
    // Ease of use: 5 fifteen months back, 6 three months back, nothing since: stale.
    measures.push(json!({"indicator": "facilite", "period": month(15), "value": 5}));
    measures.push(json!({"indicator": "facilite", "period": month(3), "value": 6}));
    let batch = json!({"measures": measures});
    w.expect(200, "POST", &format!("{p}/measures"), member, Some(&batch));

    // An objective on the users: from 500 to 2 000 over 36 months, two thirds of the way on
    // the matrix date (about 1 500 expected), at 1 000: off track.
    let contract = json!({"signed_on": month(24), "starts_on": month(24),
        "ends_on": month(0).checked_add_months(Months::new(12)).expect("month"),
        "review_cadence_months": 3, "budget_per_year": {}, "milestones": []});
    w.expect(
        200,
        "PUT",
        &format!("{p}/contract"),
        manager,
        Some(&contract),
    );
    let objective = json!({"indicator": "utilisateurs",
        "baseline": {"value": 500, "on": month(24)},
        "target": {"value": 2000, "by": month(0).checked_add_months(Months::new(12)).expect("month")}});
    let objectives = format!("{p}/contract/objectives");
    w.expect(201, "POST", &objectives, manager, Some(&objective));

    let at = month(0);
    let m = w.expect(200, "GET", &format!("{p}/matrix?at={at}"), viewer, None);
    assert_eq!(m["at"], at.to_string());
    let principles: Vec<&str> = (0..5)
        .map(|i| m["principles"][i]["principle"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        principles,
        ["usable", "used", "useful", "impactful", "efficient"]
    );
    assert_eq!(m["principles"][0]["label"], "Utilisable");
    let used = &m["principles"][1]["indicators"][0];
    assert_eq!(used["indicator"]["key"], "utilisateurs");
    assert_eq!(used["latest"]["period"], month(1).to_string());
    assert_eq!(used["latest"]["value"], 1000.0);
    assert_eq!(used["year_before"]["value"], 500.0);
    assert_eq!(used["evolution_pct"], 100.0);
    assert_eq!(used["objective_status"], "off_track", "{m}");
    let usable = &m["principles"][0]["indicators"][0];
    assert_eq!(usable["evolution_pct"], 20.0, "6 against 5: {usable}");
    assert_eq!(usable["objective_status"], Value::Null);

    assert_eq!(slot(&m, "monthly_active_users")["state"], "ok");
    assert_eq!(slot(&m, "ease_of_use")["state"], "stale");
    assert_eq!(slot(&m, "ease_of_use")["indicator"], "facilite");
    assert_eq!(slot(&m, "market_penetration")["state"], "missing");
    assert_eq!(slot(&m, "value_generated")["state"], "missing");

    // 12 × 10 000 € = 120 000 €; ÷ 1 000 users = 120 €; the year before ÷ 500 = 240 €.
    let e = &m["efficiency"];
    assert_eq!(e["current"]["from"], month(12).to_string());
    assert_eq!(e["current"]["to"], month(1).to_string());
    assert_eq!(e["current"]["budget"], 120000);
    assert_eq!(e["current"]["spend_months"], 12);
    assert_eq!(e["current"]["mean_monthly_active_users"], 1000.0);
    assert_eq!(e["current"]["cost_per_active_user"], 120.0);
    assert_eq!(e["previous"]["budget"], 120000);
    assert_eq!(e["previous"]["cost_per_active_user"], 240.0);
    assert_eq!(e["cost_per_active_user_evolution_pct"], -50.0);
    assert_eq!(e["users_evolution_pct"], 100.0);
    assert_eq!(e["budget_evolution_pct"], 0.0);
    assert_eq!(e["cost_grew_slower_than_use"], true);
    // Without `at`, today: any signed-in role reads it.
    for who in [member, manager] {
        w.expect(200, "GET", &format!("{p}/matrix"), who, None);
    }

    // A product without a monthly-active-users indicator: the slot is missing, the cost null.
    let other = json!({"slug": "sans-usagers", "name": "Sans usagers", "pitch": "Rien",
        "incubator": "dinum", "sponsor": "DINUM", "started_on": "2025-01-06"});
    w.expect(201, "POST", "/api/v1/products", manager, Some(&other));
    let q = "/api/v1/products/sans-usagers";
    let spend = json!({"month": month(2), "amount": 30000});
    w.expect(201, "POST", &format!("{q}/spend"), manager, Some(&spend));
    let m = w.expect(200, "GET", &format!("{q}/matrix?at={at}"), viewer, None);
    assert_eq!(slot(&m, "monthly_active_users")["state"], "missing");
    let e = &m["efficiency"];
    assert_eq!(e["current"]["budget"], 30000);
    assert_eq!(e["current"]["spend_months"], 1);
    assert_eq!(e["current"]["cost_per_active_user"], Value::Null);
    assert_eq!(e["previous"]["budget"], Value::Null);
    assert_eq!(e["cost_grew_slower_than_use"], Value::Null);

    certification(&w, p);

    let path = format!("{p}/matrix");
    w.expect(401, "GET", &path, None, None);
    w.expect(403, "GET", &path, Some(w.token()), None);
    w.expect(404, "GET", "/api/v1/products/inconnu/matrix", viewer, None);
    w.expect(422, "GET", &format!("{path}?at=demain"), viewer, None);
}

/// The certification level: administrators only, shown in the matrix, the portfolio's matrix
/// and the public stats page.
fn certification(w: &World, p: &str) {
    let Who {
        admin,
        manager,
        member,
        viewer,
        token,
        ..
    } = w.who();
    let path = format!("{p}/matrix/certification");
    let m = w.expect(200, "GET", &format!("{p}/matrix"), viewer, None);
    assert_eq!(
        m["certification"],
        json!({"level": "none", "label": "Aucune", "on": null})
    );
    let body = json!({"level": "certified", "on": month(1)});
    w.expect(401, "PUT", &path, None, Some(&body));
    for who in [manager, member, viewer, token] {
        w.expect(403, "PUT", &path, who, Some(&body));
    }
    let bad = w.expect(
        422,
        "PUT",
        &path,
        admin,
        Some(&json!({"level": "gold", "on": month(1)})),
    );
    assert_eq!(w.fields(&bad), ["level"]);
    let tomorrow = Utc::now().date_naive().succ_opt().expect("tomorrow");
    let bad = w.expect(
        422,
        "PUT",
        &path,
        admin,
        Some(&json!({"level": "certified", "on": tomorrow})),
    );
    assert_eq!(w.fields(&bad), ["on"]);
    w.expect(
        404,
        "PUT",
        "/api/v1/products/inconnu/matrix/certification",
        admin,
        Some(&body),
    );
    // Nothing was written by the refused calls.
    let m = w.expect(200, "GET", &format!("{p}/matrix"), viewer, None);
    assert_eq!(m["certification"]["level"], "none");

    let set = w.expect(200, "PUT", &path, admin, Some(&body));
    assert_eq!(set["level"], "certified");
    assert_eq!(set["label"], "Certifiée par les coachs de la DINUM");
    assert_eq!(set["on"], month(1).to_string());
    let m = w.expect(200, "GET", &format!("{p}/matrix"), viewer, None);
    assert_eq!(m["certification"], set);
    let portfolio = w.expect(200, "GET", "/api/v1/portfolio/matrix", viewer, None);
    let row = portfolio["products"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["slug"] == "mon-produit"))
        .expect("row");
    assert_eq!(row["certification"]["level"], "certified");

    // The public stats page says it, once the product is published.
    w.expect(200, "PATCH", p, manager, Some(&json!({"published": true})));
    let stats =
        crate::pages::client::call(w.server(), "GET", "/produits/mon-produit/stats", "", None);
    assert_eq!(stats.status, 200);
    let html = crate::pages::client::text(&stats);
    assert!(
        html.contains("Certifiée par les coachs de la DINUM (le "),
        "{html}"
    );
}

both_backends!(the_matrix => scenario);
