//! The beta.gouv.fr catalogue as the API and the pages show it (issue 21): the sample and
//! `awkward/` imported, every product answer carries its catalogue id and outcome, a phase
//! return is in the phase list and on the product page. On SQLite and on PostgreSQL.

use pilote_store::Backend;
use serde_json::{Value, json};

use crate::{
    commands::{DATA, ok, run},
    pages::client::{call, cookie_pair, csrf_field, encode, text},
    world::{PASSWORD, World},
};

/// `pilote import betagouv PATH` on the world's database.
fn import(w: &World, path: &str) -> String {
    ok(&run(
        w.dir(),
        &["import", "betagouv", path, "--database-url", w.db_url()],
    ))
}

/// Signs `email` in through the login form: the session cookie's `name=value`.
pub(crate) fn sign_in(w: &World, email: &str) -> String {
    let form = call(w.server(), "GET", "/connexion", "", None);
    let nonce = cookie_pair(&form, "pilote_csrf").expect("nonce");
    let body = format!(
        "email={}&password={}&csrf={}",
        encode(email),
        encode(PASSWORD),
        csrf_field(text(&form))
    );
    let signed = call(w.server(), "POST", "/connexion", &nonce, Some(&body));
    assert_eq!(signed.status, 303, "{:?}", signed.body);
    cookie_pair(&signed, "pilote_session").expect("session")
}

fn scenario(backend: Backend) {
    let w = World::on(backend).with_product_token().start();
    let viewer = Some(w.viewer.as_str());
    let report = import(&w, &format!("{DATA}/startups.json"));
    assert!(
        report.contains("retours à une phase antérieure 1"),
        "{report}"
    );
    let report = import(&w, &format!("{DATA}/awkward/startups.json"));
    assert!(report.contains("importés 2"), "{report}");

    let e = w.expect(200, "GET", "/api/v1/products/e-inspe", viewer, None);
    assert_eq!(e["betagouv_id"], "e-inspé");
    assert_eq!(e["outcome"], "abandon");
    assert_eq!(e["phase"], "stopped");
    let transferred = w.expect(200, "GET", "/api/v1/products?per_page=500", viewer, None);
    let items = transferred["items"].as_array().expect("items");
    // 82 imported plus the world's own product, which has neither.
    assert_eq!(items.len(), 83, "{transferred}");
    let own = items
        .iter()
        .find(|p| p["slug"] == "mon-produit")
        .expect("mon-produit");
    assert_eq!(own["betagouv_id"], Value::Null);
    assert_eq!(own["outcome"], Value::Null);
    assert!(items.iter().any(|p| p["outcome"] == "transfere"));

    // The whole sheet, from the v2.7 attributes.
    let agora = w.expect(200, "GET", "/api/v1/products/agora", viewer, None);
    assert_eq!(agora["thematiques"], json!(["Démocratie"]));
    assert_eq!(agora["accessibility_status"], "partially_compliant");
    assert_eq!(agora["contacts"]["product"], "penelope.liot@beta.gouv.fr");
    assert_eq!(agora["incubators"], json!(["dinum"]));
    let mobilic = w.expect(200, "GET", "/api/v1/products/mobilic", viewer, None);
    assert_eq!(mobilic["risk_analysis"], true);
    assert_eq!(mobilic["technos"], json!(["python", "react", "flask"]));
    assert_eq!(
        mobilic["links"]["budget"],
        "https://pad.numerique.gouv.fr/s/WYougVwWu#Mobilic"
    );
    let phases = w.expect(
        200,
        "GET",
        "/api/v1/products/signaux-faibles/phases",
        viewer,
        None,
    );
    let returns: Vec<&Value> = phases["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|p| p["is_return"] == true)
        .collect();
    assert_eq!(returns.len(), 1, "{phases}");
    assert_eq!(returns[0]["phase"], "acceleration");

    let cookie = sign_in(&w, "viewer@test.gouv.fr");
    let page = call(w.server(), "GET", "/produits/e-inspe", &cookie, None);
    assert_eq!(page.status, 200);
    let html = text(&page);
    assert!(html.contains("Catalogue beta.gouv.fr"), "{html}");
    assert!(html.contains("« e-inspé »"), "{html}");
    assert!(html.contains("issue : Abandonné"), "{html}");
    let page = call(
        w.server(),
        "GET",
        "/produits/signaux-faibles",
        &cookie,
        None,
    );
    assert!(text(&page).contains("(retour à une phase antérieure)"));
}

both_backends!(the_catalogue => scenario);
