//! The contrat de réussite end to end: a contract with two objectives (one increasing, one
//! decreasing), 12 weeks of measures, a review taken and signed, more measures: the signed
//! snapshot stays, the live status moves, editing the signed review is 409. Then every new
//! route as anonymous (401), with the wrong role (403) and the right one (2xx), on SQLite and
//! on PostgreSQL.

use chrono::{Datelike, Days, NaiveDate, Utc};
use pilote_store::Backend;
use serde_json::{Value, json};

use crate::world::{Who, World};

/// Monday of the week `weeks` before the current one.
fn monday(weeks: u64) -> NaiveDate {
    let today = Utc::now().date_naive();
    let this = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    this - Days::new(7 * weeks)
}

fn contract() -> Value {
    let year = Utc::now().year();
    json!({
        "signed_on": "2025-01-02", "starts_on": "2025-01-06", "ends_on": format!("{}-12-31", year + 1),
        "review_cadence_months": 3,
        "budget_per_year": {"2025": 600000, year.to_string(): 800000, (year + 1).to_string(): 800000},
        "milestones": [{"phase": "construction", "planned_on": "2025-07-07"},
                       {"phase": "acceleration", "planned_on": format!("{}-06-01", year + 1)}]
    })
}

fn measures(week: u64, demarches: f64, delai: f64) -> Value {
    json!({"measures": [
        {"indicator": "demarches", "period": monday(week), "value": demarches},
        {"indicator": "delai", "period": monday(week), "value": delai},
    ]})
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
    w.weekly_indicators(&[("demarches", "increase"), ("delai", "decrease")]);
    w.expect(404, "GET", &format!("{p}/contract"), viewer, None);
    w.expect(
        200,
        "PUT",
        &format!("{p}/contract"),
        manager,
        Some(&contract()),
    );
    let stored = w.expect(200, "GET", &format!("{p}/contract"), viewer, None);
    assert_eq!(stored["review_cadence_months"], 3);

    // Two objectives over 24 weeks, from 12 weeks ago: halfway today.
    let o = format!("{p}/contract/objectives");
    let (from, by) = (monday(12), monday(0) + Days::new(7 * 12));
    let up = json!({"indicator": "demarches", "baseline": {"value": 100, "on": from}, "target": {"value": 1000, "by": by}});
    let down = json!({"indicator": "delai", "baseline": {"value": 30, "on": from}, "target": {"value": 10, "by": by}, "tolerance": 0.2});
    let up_id = w.expect(201, "POST", &o, manager, Some(&up))["id"]
        .as_i64()
        .expect("id");
    w.expect(201, "POST", &o, manager, Some(&down));
    assert_eq!(w.expect(200, "GET", &o, viewer, None)["total"], 2);
    let commitment = json!({"area": "accessibility", "expected": "RGAA 100 %", "current": "RGAA 74 %", "evidence_url": null});
    w.expect(
        201,
        "POST",
        &format!("{p}/contract/commitments"),
        manager,
        Some(&commitment),
    );
    w.expect(
        201,
        "POST",
        &format!("{p}/spend"),
        member,
        Some(&json!({"month": "2025-03-01", "amount": 120000})),
    );
    w.expect(
        200,
        "POST",
        &format!("{p}/spend"),
        manager,
        Some(&json!({"month": "2025-03-15", "amount": 130000})),
    );
    assert_eq!(
        w.expect(200, "GET", &format!("{p}/spend"), viewer, None)["items"][0]["amount"],
        130000
    );

    // Twelve weeks of measures, both on track.
    for week in (1..=12).rev() {
        let k = (12 - week) as f64;
        w.expect(
            200,
            "POST",
            &format!("{p}/measures"),
            member,
            Some(&measures(week, 100.0 + 50.0 * k, 30.0 - 1.2 * k)),
        );
    }
    let status = w.expect(200, "GET", &format!("{p}/contract/status"), viewer, None);
    let statuses: Vec<&str> = (0..2)
        .map(|i| status["objectives"][i]["status"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(statuses, ["on_track", "on_track"], "{status}");
    assert!(
        status["budget_drift"]["drift"].is_number()
            && status["schedule_drift"][0]["days"].is_number()
    );

    // A review with an `advance` decision, signed: the product moves to construction.
    let review = json!({"reviewed_on": Utc::now().date_naive(), "reviewers": ["Camille Martin"],
        "verdict": "green", "decision": {"kind": "advance", "rationale": "Objectifs tenus"}, "notes": "RAS"});
    let taken = w.expect(201, "POST", &format!("{p}/reviews"), manager, Some(&review));
    let id = taken["id"].as_i64().expect("review id");
    let snapshot = taken["snapshot"].clone();
    assert_eq!(snapshot["objectives"][0]["latest"]["value"], 650.0);
    assert_eq!(snapshot["verdict"], "green");
    let r = format!("/api/v1/reviews/{id}");
    w.expect(200, "PATCH", &r, manager, Some(&json!({"reviewed_on": Utc::now().date_naive(), "reviewers": ["Camille Martin", "Sacha Bernard"],
        "verdict": "green", "decision": {"kind": "advance", "rationale": "Objectifs tenus"}})));
    let signed = w.expect(200, "POST", &format!("{r}/sign"), manager, None);
    assert_eq!(
        (
            signed["signed"].as_bool(),
            signed["snapshot"]["objectives"].clone()
        ),
        (Some(true), snapshot["objectives"].clone())
    );
    assert_eq!(
        w.expect(200, "GET", p, viewer, None)["phase"],
        "construction"
    );
    // Its pack, at its French address, says who signed and when, and names the phase the
    // advance led to.
    let pack = w.server().get_as(
        &format!("/produits/mon-produit/revues/{id}"),
        viewer.expect("a viewer"),
    );
    assert_eq!(pack.status, 200, "{:?}", pack.body);
    let pack = pack.body.as_str().expect("a page");
    assert!(
        pack.contains("<dt>Signé par</dt><dd>Test, le "),
        "no signer"
    );
    assert!(pack.contains("(heure de Paris)</dd>"), "no time zone");
    assert!(
        pack.contains("Décision : Passage en construction"),
        "phase not named"
    );

    // More measures: the signed snapshot stays, the live status moves.
    w.expect(
        200,
        "POST",
        &format!("{p}/measures"),
        member,
        Some(&measures(1, 150.0, 29.0)),
    );
    w.expect(
        200,
        "POST",
        &format!("{p}/measures"),
        member,
        Some(&measures(0, 160.0, 29.5)),
    );
    assert_eq!(
        w.expect(200, "GET", &r, viewer, None)["snapshot"],
        signed["snapshot"]
    );
    let live = w.expect(200, "GET", &format!("{p}/contract/status"), viewer, None);
    assert_eq!(live["objectives"][0]["latest"]["value"], 160.0);
    assert_eq!(live["objectives"][0]["status"], "off_track");
    assert_eq!(live["last_review"], json!(Utc::now().date_naive()));
    w.expect(409, "PATCH", &r, manager, Some(&review));
    w.expect(409, "POST", &format!("{r}/sign"), manager, None);
    assert_eq!(
        w.expect(200, "GET", &format!("{p}/reviews"), viewer, None)["total"],
        1
    );

    // The portfolio sums the contracts up.
    let portfolio = w.expect(200, "GET", "/api/v1/portfolio", viewer, None);
    assert_eq!(portfolio["contracts"]["products"], 1);
    assert_eq!(
        portfolio["contracts"]["objectives"]["off_track"]
            .as_u64()
            .unwrap_or(0)
            + portfolio["contracts"]["objectives"]["on_track"]
                .as_u64()
                .unwrap_or(0)
            + portfolio["contracts"]["objectives"]["at_risk"]
                .as_u64()
                .unwrap_or(0)
            + portfolio["contracts"]["objectives"]["achieved"]
                .as_u64()
                .unwrap_or(0),
        2
    );

    // Refusals: 422 naming the field, 404, and who may do what.
    let mut bad = contract();
    bad["budget_per_year"]["2031"] = json!(1);
    assert_eq!(
        w.fields(&w.expect(422, "PUT", &format!("{p}/contract"), manager, Some(&bad))),
        ["budget_per_year.2031"]
    );
    let mut bad = contract();
    bad["milestones"][1]["planned_on"] = json!("2024-01-01");
    assert_eq!(
        w.fields(&w.expect(422, "PUT", &format!("{p}/contract"), manager, Some(&bad))),
        ["milestones[1].planned_on"]
    );
    let unknown = json!({"indicator": "inconnu", "baseline": {"value": 1, "on": from}, "target": {"value": 2, "by": by}});
    assert_eq!(
        w.fields(&w.expect(422, "POST", &o, manager, Some(&unknown))),
        ["indicator"]
    );
    assert_eq!(
        w.fields(&w.expect(
            422,
            "POST",
            &format!("{p}/spend"),
            member,
            Some(&json!({"month": "2025-04-01", "amount": -1}))
        )),
        ["amount"]
    );
    w.expect(
        422,
        "PATCH",
        &format!("{o}/{up_id}"),
        manager,
        Some(&json!({"tolerance": 2})),
    );
    w.expect(
        200,
        "PATCH",
        &format!("{o}/{up_id}"),
        manager,
        Some(&json!({"tolerance": 0.2})),
    );
    w.expect(404, "GET", "/api/v1/reviews/999999", viewer, None);
    w.expect(404, "GET", "/api/v1/products/autre/contract", viewer, None);
    w.expect(
        404,
        "POST",
        "/api/v1/products/autre/reviews",
        manager,
        Some(&review),
    );
    check_access(
        &w,
        p,
        &o,
        up_id,
        id,
        [&contract(), &up, &commitment, &review],
    );
    // The signed review froze `up_id`: it stays (409); an objective added since may go, once.
    let frozen = w.expect(409, "DELETE", &format!("{o}/{up_id}"), manager, None);
    assert_eq!(frozen["error"]["code"], "conflict");
    let later = w.expect(201, "POST", &o, manager, Some(&up))["id"]
        .as_i64()
        .expect("id");
    w.expect(204, "DELETE", &format!("{o}/{later}"), manager, None);
    w.expect(404, "DELETE", &format!("{o}/{later}"), manager, None);
    assert_eq!(w.expect(200, "GET", &o, viewer, None)["total"], 2);
}

/// Every new route: 401 anonymous; reads for any role, 403 for API tokens; writes 403 for
/// viewers and tokens, and for members where only managers may write. `bodies` are valid
/// bodies for the contract, an objective, a commitment and a review, so that the refusal
/// is about who asks, not what is sent.
fn check_access(
    w: &World,
    p: &str,
    objectives: &str,
    objective: i64,
    review: i64,
    bodies: [&Value; 4],
) {
    let [contract, new_objective, commitment, review_body] = bodies;
    let patch = json!({"tolerance": 0.2});
    let Who {
        member,
        viewer,
        token,
        ..
    } = w.who();
    let reads = [
        format!("{p}/contract"),
        format!("{p}/contract/status?at=2026-01-05"),
        objectives.to_owned(),
        format!("{p}/contract/commitments"),
        format!("{p}/spend"),
        format!("{p}/reviews"),
        format!("/api/v1/reviews/{review}"),
    ];
    for path in &reads {
        w.expect(401, "GET", path, None, None);
        w.expect(403, "GET", path, token, None);
        w.expect(200, "GET", path, viewer, None);
    }
    w.expect(
        422,
        "GET",
        &format!("{p}/contract/status?at=demain"),
        viewer,
        None,
    );
    let managers_only = [
        ("PUT", format!("{p}/contract"), Some(contract)),
        ("POST", objectives.to_owned(), Some(new_objective)),
        ("PATCH", format!("{objectives}/{objective}"), Some(&patch)),
        ("DELETE", format!("{objectives}/{objective}"), None),
        (
            "POST",
            format!("{p}/contract/commitments"),
            Some(commitment),
        ),
        (
            "PATCH",
            format!("{p}/contract/commitments/1"),
            Some(commitment),
        ),
        ("DELETE", format!("{p}/contract/commitments/1"), None),
        ("POST", format!("{p}/reviews"), Some(review_body)),
        (
            "PATCH",
            format!("/api/v1/reviews/{review}"),
            Some(review_body),
        ),
        ("POST", format!("/api/v1/reviews/{review}/sign"), None),
    ];
    for (method, path, body) in &managers_only {
        w.expect(401, method, path, None, *body);
        for who in [member, viewer, token] {
            w.expect(403, method, path, who, *body);
        }
    }
    let spend = format!("{p}/spend");
    let entry = json!({"month": "2025-05-01", "amount": 1000});
    w.expect(401, "POST", &spend, None, Some(&entry));
    w.expect(403, "POST", &spend, viewer, Some(&entry));
    w.expect(403, "POST", &spend, token, Some(&entry));
    w.expect(201, "POST", &spend, member, Some(&entry));
}

both_backends!(the_contract => scenario);
