//! The review pages (`/produits/{slug}/revues/…`) over HTTP with the session cookie, on both
//! backends: a manager drafts a review (the live status previewed), edits it, confirms and
//! signs it (frozen: a later edit is refused), then finds its pack; a member gets 403 pages;
//! a post without the CSRF token writes nothing.

use chrono::{Datelike, Days, Utc};
use pilote_store::Backend;
use serde_json::{Value, json};

use super::{
    client::{call, csrf_field, text},
    forms::sign_in_as,
};
use crate::world::{PRODUCT, World};

fn contract() -> Value {
    let year = Utc::now().year();
    json!({
        "signed_on": "2025-01-02", "starts_on": "2025-01-06", "ends_on": format!("{}-12-31", year + 1),
        "review_cadence_months": 3,
        "budget_per_year": {"2025": 600000, year.to_string(): 800000},
        "milestones": [{"phase": "construction", "planned_on": "2025-07-07"}]
    })
}

fn fields(on: &str, verdict: &str, reviewers: &str) -> String {
    format!(
        "reviewed_on={on}&reviewers={reviewers}&verdict={verdict}&kind=continue&rationale=Usage+en+hausse&notes="
    )
}

fn scenario(backend: Backend) {
    let w = World::on(backend).start();
    let s = w.server();
    let reviews = || {
        w.expect(
            200,
            "GET",
            &format!("{PRODUCT}/reviews"),
            Some(&w.viewer),
            None,
        )
    };
    let new = "/produits/mon-produit/revues/nouvelle";
    let manager = sign_in_as(s, "manager@test.gouv.fr");
    let member = sign_in_as(s, "member@test.gouv.fr");

    // No contract yet: the page says so and offers no form.
    let bare = call(s, "GET", new, &manager, None);
    assert_eq!(bare.status, 200);
    assert!(text(&bare).contains("Aucun contrat n'est enregistré"));
    let contract_path = format!("{PRODUCT}/contract");
    w.expect(
        200,
        "PUT",
        &contract_path,
        Some(&w.manager),
        Some(&contract()),
    );

    // A member may not review: 403 pages, even with a valid token of their own.
    assert_eq!(
        call(s, "GET", "/produits/mon-produit/revues/nouvelle", "", None).status,
        303
    );
    assert_eq!(call(s, "GET", new, &member, None).status, 403);
    let member_csrf = csrf_field(text(&call(s, "GET", "/", &member, None)));
    let today = Utc::now().date_naive().to_string();
    let body = fields(&today, "amber", "Camille+Martin%0AD.+Leroy");
    let by_member = call(
        s,
        "POST",
        new,
        &member,
        Some(&format!("csrf={member_csrf}&{body}")),
    );
    assert_eq!(by_member.status, 403);

    // The form previews the live status; no token, or a wrong one: 403 and nothing written.
    let form = call(s, "GET", new, &manager, None);
    assert_eq!(form.status, 200);
    assert!(text(&form).contains("Situation du contrat au"));
    assert!(text(&form).contains("aria-current=\"page\">Nouvelle revue</a>"));
    assert!(text(&form).contains("class=\"fr-breadcrumb "));
    let csrf = csrf_field(text(&form));
    assert_eq!(call(s, "POST", new, &manager, Some(&body)).status, 403);
    let forged = format!("csrf=faux&{body}");
    assert_eq!(call(s, "POST", new, &manager, Some(&forged)).status, 403);
    assert_eq!(reviews()["total"], 0);

    // Refusals on their fields: a date after today, nobody named.
    let tomorrow = (Utc::now().date_naive() + Days::new(1)).to_string();
    let late = call(
        s,
        "POST",
        new,
        &manager,
        Some(&format!(
            "csrf={csrf}&{}",
            fields(&tomorrow, "amber", "Camille")
        )),
    );
    assert_eq!(late.status, 422);
    assert!(text(&late).contains("aria-describedby=\"erreur-reviewed_on\""));
    let nobody = call(
        s,
        "POST",
        new,
        &manager,
        Some(&format!("csrf={csrf}&{}", fields(&today, "amber", "+"))),
    );
    assert_eq!(nobody.status, 422);
    assert!(text(&nobody).contains("aria-describedby=\"erreur-reviewers"));
    assert_eq!(reviews()["total"], 0);

    // Drafted, then edited.
    let drafted = call(
        s,
        "POST",
        new,
        &manager,
        Some(&format!("csrf={csrf}&{body}")),
    );
    assert_eq!(drafted.status, 303, "{:?}", drafted.body);
    let edit = drafted.header("location").expect("location").to_owned();
    let item = &reviews()["items"][0];
    let id = item["id"].as_i64().expect("id");
    assert_eq!(edit, format!("/produits/mon-produit/revues/{id}/modifier"));
    assert_eq!(item["reviewers"], json!(["Camille Martin", "D. Leroy"]));
    assert_eq!(call(s, "GET", &edit, &member, None).status, 403);
    let draft = call(s, "GET", &edit, &manager, None);
    assert_eq!(draft.status, 200);
    assert!(text(&draft).contains("Projet de revue du contrat"));
    let red = fields(&today, "red", "Camille+Martin");
    assert_eq!(call(s, "POST", &edit, &manager, Some(&red)).status, 403);
    let edited = call(
        s,
        "POST",
        &edit,
        &manager,
        Some(&format!("csrf={csrf}&{red}")),
    );
    assert_eq!(edited.status, 303, "{:?}", edited.body);
    let item = &reviews()["items"][0];
    assert_eq!(
        (item["verdict"].as_str(), item["signed"].as_bool()),
        (Some("red"), Some(false))
    );

    // Signed after the confirmation step: frozen, with its pack.
    let sign = format!("/produits/mon-produit/revues/{id}/signer");
    assert_eq!(call(s, "GET", &sign, &member, None).status, 403);
    let confirm = call(s, "GET", &sign, &manager, None);
    assert_eq!(confirm.status, 200);
    assert!(text(&confirm).contains("Signer définitivement"));
    assert_eq!(
        call(s, "POST", &sign, &manager, Some("csrf=faux")).status,
        403
    );
    let by_member = call(
        s,
        "POST",
        &sign,
        &member,
        Some(&format!("csrf={member_csrf}")),
    );
    assert_eq!(by_member.status, 403);
    assert_eq!(reviews()["items"][0]["signed"], false);
    let signed = call(s, "POST", &sign, &manager, Some(&format!("csrf={csrf}")));
    assert_eq!(signed.status, 303, "{:?}", signed.body);
    assert_eq!(reviews()["items"][0]["signed"], true);
    let frozen = call(s, "GET", &edit, &manager, None);
    assert!(text(&frozen).contains(&format!("href=\"/produits/mon-produit/revues/{id}\"")));
    let refused = call(
        s,
        "POST",
        &edit,
        &manager,
        Some(&format!("csrf={csrf}&{body}")),
    );
    assert_eq!(refused.status, 422);
    assert!(text(&refused).contains("La revue est signée"));
    assert_eq!(reviews()["items"][0]["verdict"], "red");
    let pack = call(
        s,
        "GET",
        &format!("/produits/mon-produit/revues/{id}"),
        &manager,
        None,
    );
    assert_eq!(pack.status, 200);
}

both_backends!(reviews_are_drafted_edited_and_signed_in_the_browser => scenario);
