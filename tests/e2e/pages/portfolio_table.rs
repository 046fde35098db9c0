//! The portfolio's table (`/`): filtered by sponsor, sorted by a column's link (no script),
//! paged by 100 with the DSFR pagination; on both backends.

use pilote_store::Backend;
use serde_json::json;

use super::{
    client::{call, text},
    forms::sign_in_as,
};
use crate::world::World;

/// The slugs of the table's rows, in order.
fn rows(html: &str) -> Vec<String> {
    html.split("<tr><td><a href=\"/produits/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect()
}

fn scenario(backend: Backend) {
    let w = World::on(backend).start();
    let s = w.server();
    for i in 0..=100 {
        let sponsor = if i % 10 == 0 {
            "Ministère B"
        } else {
            "Ministère A"
        };
        let product = json!({
            "slug": format!("p-{i:03}"), "name": format!("Produit {i:03}"), "pitch": "Un produit",
            "incubator": "dinum", "sponsor": sponsor, "started_on": "2025-01-06"
        });
        w.expect(
            201,
            "POST",
            "/api/v1/products",
            Some(&w.manager),
            Some(&product),
        );
    }
    let viewer = sign_in_as(s, "viewer@test.gouv.fr");
    let get = |path: &str| {
        let reply = call(s, "GET", path, &viewer, None);
        assert_eq!(reply.status, 200, "{path}");
        text(&reply).to_owned()
    };

    // 102 products: 100 on the first page, by name, then the pagination.
    let first = get("/");
    let on_first = rows(&first);
    assert_eq!(on_first.len(), 100);
    assert_eq!(
        (on_first[0].as_str(), on_first[99].as_str()),
        ("mon-produit", "p-098")
    );
    assert!(first.contains("aria-label=\"Pagination des produits\""));
    assert!(first.contains("aria-current=\"page\" title=\"Page 1\""));
    assert!(first.contains("aria-sort=\"ascending\"><a href=\"/?tri=nom&#38;ordre=desc\""));
    assert_eq!(rows(&get("/?page=2")), ["p-099", "p-100"]);
    // Sorted the other way by the column's link.
    let reversed = rows(&get("/?tri=nom&ordre=desc"));
    assert_eq!(reversed[0], "p-100");
    // Filtered by sponsor: one page, the filters kept in the sort links.
    let b = get("/?sponsor=Minist%C3%A8re+B");
    assert_eq!(rows(&b).len(), 11);
    assert!(!b.contains("Pagination des produits"));
    assert!(b.contains("<option value=\"Ministère B\" selected>"));
    assert!(b.contains("href=\"/?sponsor=Minist%C3%A8re%20B&#38;tri=phase\""));
    assert_eq!(
        rows(&get("/?sponsor=DINUM&phase=investigation")),
        ["mon-produit"]
    );
}

both_backends!(the_portfolio_table_filters_sorts_and_pages => scenario);
