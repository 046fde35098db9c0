//! The whole product sheet through the API: `PUT /products/{slug}/sheet` (401, 403, 422 with
//! every field's path), product answers carrying it, co-incubation (the manager of a
//! co-incubator may record a decision, a third incubator's manager may not) and the list's
//! `thematique=` and `incubator=` filters. On SQLite and on PostgreSQL.

use pilote_store::Backend;
use serde_json::json;

use crate::{
    helpers::must_add_user,
    pages::{
        client::{call, text},
        forms::sign_in_as,
    },
    world::{PASSWORD, PRODUCT, Who, World},
};

fn scenario(backend: Backend) {
    let w = World::on(backend)
        .with_second_incubator()
        .with_product_token()
        .start();
    let Who {
        admin,
        manager,
        other,
        member,
        viewer,
        ..
    } = w.who();
    // A third incubator, `anct`, and its manager.
    let anct =
        json!({"slug": "anct", "name": "Incubateur des territoires", "administration": "ANCT"});
    w.expect(201, "POST", "/api/v1/incubators", admin, Some(&anct));
    must_add_user(
        w.dir(),
        w.db_url(),
        &[
            "--email",
            "anct@test.gouv.fr",
            "--name",
            "ANCT",
            "--role",
            "manager",
            "--incubator",
            "anct",
        ],
        PASSWORD,
    );
    let anct_manager = w.server().login("anct@test.gouv.fr", PASSWORD);
    let anct_manager = Some(anct_manager.as_str());

    let path = format!("{PRODUCT}/sheet");
    let sheet = json!({
        "thematiques": ["Écologie", " Mer ", "écologie"],
        "user_types": ["etat"],
        "technos": ["rust"],
        "contacts": {"product": "contact@produit.gouv.fr", "dinum": "julie.guyot@beta.gouv.fr"},
        "links": {"stats": "https://produit.gouv.fr/stats", "risk_analysis": "https://docs.gouv.fr/r"},
        "accessibility_status": "partially_compliant",
        "dsfr_status": "full",
        "monservicesecurise": {"registered": true},
        "risk_analysis": true,
    });
    w.expect(401, "PUT", &path, None, Some(&sheet));
    for who in [viewer, other, anct_manager, Some(w.token())] {
        w.expect(403, "PUT", &path, who, Some(&sheet));
    }
    let bad = json!({
        "contacts": {"dinum": "pas une adresse"},
        "links": {"budget": "budget.xls"},
        "accessibility_status": "conforme",
        "co_incubators": ["Pas Un Slug!"],
    });
    let refused = w.expect(422, "PUT", &path, member, Some(&bad));
    assert_eq!(
        w.fields(&refused),
        ["contacts.dinum", "co_incubators[0]", "accessibility_status"]
    );
    let bad_link = json!({"links": {"budget": "budget.xls"}});
    let refused = w.expect(422, "PUT", &path, member, Some(&bad_link));
    assert_eq!(w.fields(&refused), ["links.budget"]);
    let unknown = json!({"co_incubators": ["inconnu"]});
    let refused = w.expect(422, "PUT", &path, manager, Some(&unknown));
    assert_eq!(w.fields(&refused), ["co_incubators"]);
    w.expect(422, "PUT", &path, member, Some(&json!({"colour": "bleu"})));
    w.expect(
        404,
        "PUT",
        "/api/v1/products/inconnu/sheet",
        member,
        Some(&sheet),
    );

    // The team sets the sheet; labels are trimmed and repeats dropped.
    let stored = w.expect(200, "PUT", &path, member, Some(&sheet));
    assert_eq!(stored["thematiques"], json!(["Écologie", "Mer"]));
    let product = w.expect(200, "GET", PRODUCT, viewer, None);
    assert_eq!(product["thematiques"], json!(["Écologie", "Mer"]));
    assert_eq!(product["user_types"], json!(["etat"]));
    assert_eq!(product["incubators"], json!(["dinum"]));
    assert_eq!(product["contacts"]["dinum"], "julie.guyot@beta.gouv.fr");
    assert_eq!(product["links"]["stats"], "https://produit.gouv.fr/stats");
    assert_eq!(product["accessibility_status"], "partially_compliant");
    assert_eq!(product["dsfr_status"], "full");
    assert_eq!(product["monservicesecurise"]["registered"], true);
    assert_eq!(product["risk_analysis"], true);

    // Co-incubation: only a manager of an incubator running it may name co-incubators.
    let mut co = sheet.clone();
    co["co_incubators"] = json!(["anct"]);
    w.expect(403, "PUT", &path, member, Some(&co));
    w.expect(200, "PUT", &path, manager, Some(&co));
    let product = w.expect(200, "GET", PRODUCT, viewer, None);
    assert_eq!(product["incubators"], json!(["dinum", "anct"]));
    assert_eq!(product["incubator"], "dinum");

    // The co-incubator's manager may now act on it; the third incubator's still may not.
    let d = format!("{PRODUCT}/decisions");
    let advance = json!({"kind": "advance", "decided_on": "2025-06-02", "rationale": "Comité : passage en construction"});
    w.expect(403, "POST", &d, other, Some(&advance));
    let outcome = w.expect(201, "POST", &d, anct_manager, Some(&advance));
    assert_eq!(outcome["phase"], "construction");
    w.expect(200, "PUT", &path, anct_manager, Some(&co));
    w.expect(403, "PUT", &path, other, Some(&co));

    // The product page shows the sheet: tags, co-incubators, links, French badges, contacts.
    let viewer_page = sign_in_as(w.server(), "viewer@test.gouv.fr");
    let page = call(
        w.server(),
        "GET",
        "/produits/mon-produit",
        &viewer_page,
        None,
    );
    assert_eq!(page.status, 200);
    let html = text(&page);
    for shown in [
        r#"<p class="fr-tag">Écologie</p>"#,
        "<dt>Co-incubateurs</dt><dd>anct</dd>",
        r#"<a href="https://produit.gouv.fr/stats" rel="noopener">"#,
        r#"fr-badge--warning">Partiellement conforme<"#,
        r#"fr-badge--success">Utilisé partout<"#,
        r#"fr-badge--success">Inscrit<"#,
        "mailto:julie.guyot@beta.gouv.fr",
    ] {
        assert!(html.contains(shown), "{shown} missing from {html}");
    }

    // Filters: `incubator=` matches co-incubation, `thematique=` ignores accents and case.
    let slugs = |query: &str| {
        let list = w.expect(
            200,
            "GET",
            &format!("/api/v1/products{query}"),
            viewer,
            None,
        );
        list["items"]
            .as_array()
            .map(|items| items.iter().map(|i| i["slug"].clone()).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert_eq!(slugs("?incubator=anct"), [json!("mon-produit")]);
    assert!(slugs("?incubator=mtes").is_empty());
    assert_eq!(slugs("?thematique=ecologie"), [json!("mon-produit")]);
    assert!(slugs("?thematique=Justice").is_empty());
}

#[test]
fn the_product_sheet_on_sqlite() {
    scenario(Backend::Sqlite);
}

#[test]
fn the_product_sheet_on_postgres() {
    scenario(Backend::Postgres);
}
