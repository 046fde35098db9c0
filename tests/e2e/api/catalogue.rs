//! Reading, incubators, products and indicators: who may create and edit what.

use serde_json::json;

use super::{PRODUCT, Who, World};

/// Runs this part of the scenario.
pub fn run(w: &World) {
    let Who {
        admin,
        manager,
        other,
        member,
        viewer,
        ..
    } = w.who();
    let p = PRODUCT;

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
        w.fields(&w.expect(422, "POST", "/api/v1/products", manager, Some(&bad))),
        ["slug"]
    );
    let extra = json!({"slug": "x", "name": "x", "pitch": "p", "incubator": "dinum", "sponsor": "DINUM", "colour": "bleu"});
    assert_eq!(
        w.fields(&w.expect(422, "POST", "/api/v1/products", manager, Some(&extra))),
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
        w.fields(&w.expect(422, "POST", &ind, member, Some(&wrong))),
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
}
