//! Every page of a product over HTTP, on both backends: each has the breadcrumb back to the
//! portfolio and the product, and the product's tabs; an objective is removed through its
//! confirmation page (403 for a member, nothing written without the CSRF token, 409 with the
//! French reason when a signed review froze it); the journal tells, in French, the contract,
//! objectives, commitments, spend, reviews and team changes.

use chrono::{Datelike, Months, Utc};
use pilote_store::Backend;
use serde_json::{Value, json};

use super::{
    client::{call, csrf_field, encode, text},
    forms::sign_in_as,
};
use crate::world::{PRODUCT, World};

const PAGE: &str = "/produits/mon-produit";

fn contract() -> Value {
    let year = Utc::now().year();
    json!({
        "signed_on": "2025-01-02", "starts_on": "2025-01-06", "ends_on": format!("{}-12-31", year + 1),
        "review_cadence_months": 3,
        "budget_per_year": {"2025": 600000, year.to_string(): 800000},
        "milestones": [{"phase": "construction", "planned_on": "2025-07-07"}]
    })
}

fn objective() -> Value {
    json!({"indicator": "demarches", "baseline": {"value": 100.5, "on": "2025-01-06"},
           "target": {"value": 200, "by": "2026-06-30"}})
}

/// The product with a contract, an objective, a commitment, a month of spend, a signed review
/// and a new team member: the objective's and review's ids.
fn furnish(w: &World) -> (i64, i64) {
    let manager = Some(w.manager.as_str());
    w.weekly_indicators(&[("demarches", "increase")]);
    w.expect(
        200,
        "PUT",
        &format!("{PRODUCT}/contract"),
        manager,
        Some(&contract()),
    );
    let objectives = format!("{PRODUCT}/contract/objectives");
    let frozen = w.expect(201, "POST", &objectives, manager, Some(&objective()))["id"]
        .as_i64()
        .expect("id");
    let commitment = json!({"area": "accessibility", "expected": "RGAA 100 %", "current": "RGAA 74 %", "evidence_url": null});
    w.expect(
        201,
        "POST",
        &format!("{PRODUCT}/contract/commitments"),
        manager,
        Some(&commitment),
    );
    let month = Utc::now().date_naive().with_day(1).expect("1st") - Months::new(1);
    let spend = json!({"month": month, "amount": 12000});
    w.expect(
        201,
        "POST",
        &format!("{PRODUCT}/spend"),
        Some(&w.member),
        Some(&spend),
    );
    let review = json!({"reviewed_on": Utc::now().date_naive(), "reviewers": ["Camille"],
                        "verdict": "green", "decision": {"kind": "continue", "rationale": "Usage en hausse"}});
    let review = w.expect(
        201,
        "POST",
        &format!("{PRODUCT}/reviews"),
        manager,
        Some(&review),
    )["id"]
        .as_i64()
        .expect("id");
    w.expect(
        200,
        "POST",
        &format!("/api/v1/reviews/{review}/sign"),
        manager,
        None,
    );
    (frozen, review)
}

/// Every page of the product has the breadcrumb (portfolio, product) and its tabs, with the
/// current one marked.
fn navigation(w: &World, manager: &str, (objective, review): (i64, i64)) {
    let period = Utc::now().date_naive() - chrono::Days::new(14);
    let pages = [
        (String::new(), "Fiche"),
        ("/modifier".to_owned(), "Fiche"),
        ("/indicateurs/nouveau".to_owned(), "Fiche"),
        ("/indicateurs/demarches/modifier".to_owned(), "Fiche"),
        ("/indicateurs/demarches/source".to_owned(), "Fiche"),
        (
            format!("/indicateurs/demarches/mesures/{period}/historique"),
            "Fiche",
        ),
        ("/decisions/nouvelle".to_owned(), "Fiche"),
        ("/mesures".to_owned(), "Mesures"),
        ("/matrice".to_owned(), "Matrice d&#39;impact"),
        ("/contrat".to_owned(), "Contrat"),
        ("/contrat/modifier".to_owned(), "Contrat"),
        ("/contrat/objectifs/nouveau".to_owned(), "Contrat"),
        (
            format!("/contrat/objectifs/{objective}/modifier"),
            "Contrat",
        ),
        (
            format!("/contrat/objectifs/{objective}/supprimer"),
            "Contrat",
        ),
        ("/depenses".to_owned(), "Contrat"),
        ("/engagements".to_owned(), "Contrat"),
        ("/revues/nouvelle".to_owned(), "Nouvelle revue"),
        (format!("/revues/{review}/modifier"), "Nouvelle revue"),
        ("/equipe".to_owned(), "Équipe"),
        ("/journal".to_owned(), "Journal"),
    ];
    for (path, tab) in pages {
        let url = format!("{PAGE}{path}");
        let page = call(w.server(), "GET", &url, manager, None);
        assert_eq!(page.status, 200, "{url}: {:?}", page.body);
        let html = text(&page);
        assert!(
            html.contains("class=\"fr-breadcrumb "),
            "{url}: no breadcrumb"
        );
        assert!(
            html.contains("<li><a class=\"fr-breadcrumb__link\" href=\"/\">Portefeuille</a></li>"),
            "{url}"
        );
        if !path.is_empty() {
            assert!(
                html.contains(&format!(
                    "<a class=\"fr-breadcrumb__link\" href=\"{PAGE}\">Mon Produit</a>"
                )),
                "{url}: the product is not in the breadcrumb"
            );
        }
        assert!(
            html.contains("aria-label=\"Pages du produit\""),
            "{url}: no tabs"
        );
        assert!(
            html.contains(&format!("aria-current=\"page\">{tab}</a>")),
            "{url}: tab {tab} is not the current one"
        );
        for other in [
            "/mesures\"",
            "/matrice\"",
            "/contrat\"",
            "/equipe\"",
            "/journal\"",
        ] {
            assert!(
                html.contains(&format!("href=\"{PAGE}{other}")),
                "{url}: no tab to {other}"
            );
        }
    }
}

fn objective_deletion(w: &World, (manager, member): (&str, &str), frozen: i64) {
    let objectives = || {
        w.expect(
            200,
            "GET",
            &format!("{PRODUCT}/contract/objectives"),
            Some(&w.viewer),
            None,
        )["total"]
            .as_i64()
            .expect("total")
    };
    let later = w.expect(
        201,
        "POST",
        &format!("{PRODUCT}/contract/objectives"),
        Some(&w.manager),
        Some(&objective()),
    )["id"]
        .as_i64()
        .expect("id");
    let path = |id: i64| format!("{PAGE}/contrat/objectifs/{id}/supprimer");
    let edit = call(
        w.server(),
        "GET",
        &format!("{PAGE}/contrat/objectifs/{later}/modifier"),
        manager,
        None,
    );
    assert!(
        text(&edit).contains(&format!("href=\"{}\"", path(later))),
        "the edit page links to the deletion"
    );

    // A member: 403 pages; no token or a forged one: 403; nothing removed.
    assert_eq!(
        call(w.server(), "GET", &path(later), member, None).status,
        403
    );
    let member_csrf = csrf_field(text(&call(w.server(), "GET", "/", member, None)));
    let theirs = call(
        w.server(),
        "POST",
        &path(later),
        member,
        Some(&format!("csrf={member_csrf}")),
    );
    assert_eq!(theirs.status, 403);
    let confirm = call(w.server(), "GET", &path(later), manager, None);
    assert_eq!(confirm.status, 200);
    assert!(
        text(&confirm).contains("Supprimer définitivement l'objectif"),
        "{}",
        text(&confirm)
    );
    let csrf = csrf_field(text(&confirm));
    for forged in ["", "csrf=00"] {
        assert_eq!(
            call(w.server(), "POST", &path(later), manager, Some(forged)).status,
            403
        );
    }
    assert_eq!(objectives(), 2);
    let missing = call(w.server(), "GET", &path(later + 1000), manager, None);
    assert_eq!(missing.status, 404);

    // The signed review froze the first: 409 and why, in French; the later one goes.
    let refused = call(
        w.server(),
        "POST",
        &path(frozen),
        manager,
        Some(&format!("csrf={csrf}")),
    );
    assert_eq!(refused.status, 409);
    assert!(
        text(&refused).contains("est signée avec cet objectif : il reste au contrat."),
        "{}",
        text(&refused)
    );
    assert_eq!(objectives(), 2);
    let removed = call(
        w.server(),
        "POST",
        &path(later),
        manager,
        Some(&format!("csrf={csrf}")),
    );
    assert_eq!(removed.status, 303);
    assert_eq!(
        removed.header("location"),
        Some("/produits/mon-produit/contrat")
    );
    assert_eq!(objectives(), 1);
}

fn journal(w: &World, manager: &str) {
    let team = format!("{PAGE}/equipe");
    let csrf = csrf_field(text(&call(w.server(), "GET", &team, manager, None)));
    let body = format!("csrf={csrf}&email={}", encode("viewer@test.gouv.fr"));
    assert_eq!(
        call(w.server(), "POST", &team, manager, Some(&body)).status,
        303
    );
    let page = call(
        w.server(),
        "GET",
        &format!("{PAGE}/journal"),
        &w_viewer(w),
        None,
    );
    assert_eq!(page.status, 200);
    let html = text(&page);
    for expected in [
        "Contrat de réussite créé",
        "Objectif ajouté au contrat",
        "Objectif retiré du contrat",
        "indicateur « demarches » : de 100,5 le 6 janvier 2025 à 200 au 30 juin 2026, tolérance 10 %",
        "Engagement ajouté au contrat",
        "Accessibilité : attendu « RGAA 100 % », constaté « RGAA 74 % »",
        "Dépense du mois saisie",
        "12\u{a0}000\u{a0}€",
        "Revue du contrat signée",
        "Rôle donné",
        "viewer@test.gouv.fr : membre d&#39;équipe du produit mon-produit",
    ] {
        assert!(
            html.contains(expected),
            "{expected} missing from the journal:\n{html}"
        );
    }
    assert!(
        !html.contains("\"indicator\":"),
        "an objective shown as JSON"
    );
}

fn w_viewer(w: &World) -> String {
    sign_in_as(w.server(), "viewer@test.gouv.fr")
}

fn scenario(backend: Backend) {
    let w = World::on(backend).start();
    let manager = sign_in_as(w.server(), "manager@test.gouv.fr");
    let member = sign_in_as(w.server(), "member@test.gouv.fr");
    let (frozen, review) = furnish(&w);
    navigation(&w, &manager, (frozen, review));
    objective_deletion(&w, (&manager, &member), frozen);
    journal(&w, &manager);
}

#[test]
fn product_pages_navigation_objective_deletion_and_journal_on_sqlite() {
    scenario(Backend::Sqlite);
}

#[test]
fn product_pages_navigation_objective_deletion_and_journal_on_postgres() {
    scenario(Backend::Postgres);
}
