//! Committee cadence end to end: the portfolio lists the committees to schedule and the
//! overdue ones; the incubator's cadence is set by its managers and admins only. On SQLite and
//! on PostgreSQL.

use chrono::{Days, NaiveDate, Utc};
use pilote_store::Backend;
use serde_json::{Value, json};

use crate::world::{Who, World};

fn committee(portfolio: &Value) -> Option<&Value> {
    portfolio["committees"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["slug"] == "mon-produit"))
}

fn scenario(backend: Backend) {
    let w = World::on(backend).with_product_token().start();
    let Who {
        admin,
        manager,
        member,
        viewer,
        token,
        ..
    } = w.who();
    // mon-produit entered investigation on 2025-01-06 and no committee met since: overdue
    // since 2025-07-06 under the default six months.
    let p = w.expect(200, "GET", "/api/v1/portfolio", viewer, None);
    let c = committee(&p).expect("listed");
    assert_eq!(c["last_on"], "2025-01-06");
    assert_eq!(c["due_on"], "2025-07-06");
    assert_eq!(c["state"], "overdue");
    let cookie = crate::betagouv::sign_in(&w, "viewer@test.gouv.fr");
    let page = crate::pages::client::call(w.server(), "GET", "/", &cookie, None);
    let html = crate::pages::client::text(&page);
    assert!(
        html.contains("<h2>Comités à planifier ou en retard</h2>"),
        "{html}"
    );
    assert!(
        html.contains("Mon Produit</a> — comité en retard, dû le "),
        "{html}"
    );

    let path = "/api/v1/incubators/dinum/committee-cadence";
    let yearly = json!({"committee_months": 24});
    w.expect(401, "PUT", path, None, Some(&yearly));
    for who in [member, viewer, token] {
        w.expect(403, "PUT", path, who, Some(&yearly));
    }
    for bad in [0, 25] {
        let body = w.expect(
            422,
            "PUT",
            path,
            manager,
            Some(&json!({"committee_months": bad})),
        );
        assert_eq!(w.fields(&body), ["committee_months"]);
    }
    w.expect(
        404,
        "PUT",
        "/api/v1/incubators/inconnu/committee-cadence",
        admin,
        Some(&yearly),
    );
    let set = w.expect(200, "PUT", path, manager, Some(&yearly));
    assert_eq!(set, yearly);

    // 24 months after 2025-01-06: listed only when due within 30 days, or overdue.
    let due = NaiveDate::from_ymd_opt(2027, 1, 6).expect("date");
    let today = Utc::now().date_naive();
    let p = w.expect(200, "GET", "/api/v1/portfolio", viewer, None);
    match committee(&p) {
        Some(c) => {
            assert_eq!(c["due_on"], due.to_string());
            let state = if due < today {
                "overdue"
            } else {
                "to_schedule"
            };
            assert_eq!(c["state"], state);
        }
        None => assert!(due > today.checked_add_days(Days::new(30)).expect("date")),
    }
}

both_backends!(committees => scenario);
