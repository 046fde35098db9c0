//! French details, on both backends: one search (name, slug, pitch; accents and case ignored)
//! and French alphabetical order for the portfolio page and `GET /api/v1/products`; periods
//! named the French way (« semaine du 16 novembre 2026 ») on the product page and in the CSV
//! preview; times said to be Paris times on the journal.

use pilote_store::Backend;
use serde_json::{Value, json};

use super::{
    client::{call, csrf_field, post_multipart, text},
    forms::sign_in_as,
};
use crate::world::{PRODUCT, World};

/// The product names of an API list, in its order.
fn names(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect()
}

/// The portfolio page's products table, between its heading and the charts.
fn table(html: &str) -> &str {
    let start = html.find("<h2>Produits</h2>").expect("the products table");
    let end = html.find("<h2>Graphiques</h2>").unwrap_or(html.len());
    &html[start..end]
}

fn scenario(backend: Backend) {
    let w = World::on(backend).start();
    let manager = w.who().manager;
    for (slug, name) in [
        ("zz-zero", "Zéro déchet"),
        ("zz-egalite", "Égalité des chances"),
        ("zz-douane", "Douane facile"),
        ("zz-demarches", "Démarches Facilitées"),
    ] {
        let product = json!({"slug": slug, "name": name, "pitch": "Un produit de Zanzibar",
            "incubator": "dinum", "sponsor": "DINUM", "started_on": "2025-01-06"});
        w.expect(201, "POST", "/api/v1/products", manager, Some(&product));
    }

    // The API: accents and case ignored; French order, « Égalité » among the e's.
    let found = w.expect(200, "GET", "/api/v1/products?q=demarches", manager, None);
    assert_eq!(names(&found), ["Démarches Facilitées"]);
    let all = w.expect(200, "GET", "/api/v1/products?q=ZANZIBAR", manager, None);
    let french = [
        "Démarches Facilitées",
        "Douane facile",
        "Égalité des chances",
        "Zéro déchet",
    ];
    assert_eq!(names(&all), french);

    // The page: the same search, the same order.
    let cookie = sign_in_as(w.server(), "manager@test.gouv.fr");
    let page = call(w.server(), "GET", "/?q=demarches", &cookie, None);
    assert_eq!(page.status, 200);
    let rows = table(text(&page));
    assert!(rows.contains("Démarches Facilitées"), "{rows}");
    assert!(!rows.contains("Douane facile") && !rows.contains("Mon Produit"));
    let page = call(w.server(), "GET", "/?q=zanzibar", &cookie, None);
    let rows = table(text(&page));
    let at = |name: &str| rows.find(name).unwrap_or_else(|| panic!("{name} missing"));
    assert!(french.windows(2).all(|p| at(p[0]) < at(p[1])), "{rows}");

    // Periods: a week is « semaine du … » on the product page and in the CSV preview.
    w.weekly_indicators(&[("demarches", "increase")]);
    let week =
        json!({"measures": [{"indicator": "demarches", "period": "2026-11-16", "value": 10}]});
    let m = format!("{PRODUCT}/measures");
    w.expect(200, "POST", &m, w.who().member, Some(&week));
    let product = call(w.server(), "GET", "/produits/mon-produit", &cookie, None);
    assert!(text(&product).contains("semaine du 16 novembre 2026"));
    let form = call(
        w.server(),
        "GET",
        "/produits/mon-produit/mesures",
        &cookie,
        None,
    );
    let csrf = csrf_field(text(&form));
    let file = "indicator,period,value\ndemarches,2026-11-16,12\n";
    let preview = post_multipart(
        w.server(),
        "/produits/mon-produit/mesures/csv",
        &cookie,
        &[("csrf", None, &csrf), ("fichier", Some("m.csv"), file)],
    );
    assert_eq!(preview.status, 200, "{:?}", preview.body);
    assert!(text(&preview).contains("semaine du 16 novembre 2026"));

    // The journal says its times are Paris times.
    let journal = call(
        w.server(),
        "GET",
        "/produits/mon-produit/journal",
        &cookie,
        None,
    );
    assert!(text(&journal).contains("Quand (heure de Paris)"));
}

both_backends!(french_search_order_and_periods => scenario);
