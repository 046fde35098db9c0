//! API tokens, committee decisions, and lists.

use serde_json::json;

use super::{PRODUCT, Who, World};

/// Runs this part of the scenario.
pub fn run(w: &World) {
    let Who {
        manager,
        other,
        member,
        viewer,
        ..
    } = w.who();
    let p = PRODUCT;
    let ind = format!("{p}/indicators");
    let m = format!("{p}/measures");

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
    // A token lists its own product's indicators (a script discovers their keys there), not
    // another product's, and reads no single indicator's settings.
    let keys = w.expect(200, "GET", &ind, tok, None);
    assert!(
        keys["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["key"] == "demarches"),
        "{keys}"
    );
    w.expect(403, "GET", "/api/v1/products/autre/indicators", tok, None);
    w.expect(404, "GET", "/api/v1/products/nope/indicators", tok, None);
    w.expect(401, "GET", &ind, None, None);
    w.expect(403, "GET", &format!("{ind}/demarches"), tok, None);
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
        w.fields(&w.expect(422, "POST", &d, manager, Some(&future))),
        ["decided_on"]
    );
    let empty = json!({"kind": "continue", "decided_on": "2025-07-01", "rationale": "  "});
    assert_eq!(
        w.fields(&w.expect(422, "POST", &d, manager, Some(&empty))),
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
}
