//! The contract's forms and the matrix pages over HTTP with the session cookie, on SQLite and
//! PostgreSQL: `/produits/{slug}/contrat/modifier`, the objective forms, the spend table and
//! paste, the commitments, `/produits/{slug}/matrice` and `/matrice`. For each form: the roles
//! that may not use it get the 403 page, a post without (or with a forged) CSRF token writes
//! nothing, a refusal comes back on its field in French (422), and the write is seen through
//! the API and in the audit log.

use chrono::{Datelike, Months, Utc};
use pilote_store::{Backend, Database, repo::audit};
use serde_json::Value;

use super::{
    client::{call, csrf_field, encode, text},
    forms::sign_in_as,
};
use crate::world::{PRODUCT, World};

const PAGE: &str = "/produits/mon-produit";

/// The actions the audit log holds for an entity.
fn audited(w: &World, entity: &str, key: &str) -> Vec<String> {
    let db = Database::open(w.db_url(), &Default::default()).expect("open");
    let mut conn = db.get().expect("connection");
    audit::for_entity(&mut conn, entity, key)
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect()
}

/// The items of an API list.
fn items(w: &World, path: &str) -> Vec<Value> {
    let list = w.expect(
        200,
        "GET",
        &format!("{PRODUCT}/{path}"),
        Some(&w.admin),
        None,
    );
    list["items"].as_array().expect("items").clone()
}

/// A form post as `who`, with `csrf` (none when empty).
fn post(w: &World, path: &str, who: &str, csrf: &str, fields: &str) -> crate::helpers::Reply {
    let body = if csrf.is_empty() {
        fields.to_owned()
    } else {
        format!("csrf={csrf}&{fields}")
    };
    call(w.server(), "POST", path, who, Some(&body))
}

/// The page's CSRF token for `who` (from a page they may see).
fn csrf_of(w: &World, who: &str) -> String {
    csrf_field(text(&call(w.server(), "GET", "/", who, None)))
}

fn contract_form(w: &World, manager: &str, refused: &[&str]) {
    let path = format!("{PAGE}/contrat/modifier");
    assert_eq!(call(w.server(), "GET", &path, "", None).status, 303);
    for who in refused {
        assert_eq!(call(w.server(), "GET", &path, who, None).status, 403);
        let theirs = post(w, &path, who, &csrf_of(w, who), "signed_on=2025-01-02");
        assert_eq!(theirs.status, 403);
    }
    let form = call(w.server(), "GET", &path, manager, None);
    assert_eq!(form.status, 200, "{:?}", form.body);
    let html = text(&form);
    assert!(html.contains("<h1>Nouveau contrat</h1>"), "{html}");
    let year = Utc::now().year();
    assert!(html.contains(&format!("name=\"budget_per_year.{year}\"")));
    let csrf = csrf_field(html);
    let fields = |ends: &str, construction: &str| {
        format!(
            "signed_on=2025-01-02&starts_on=2025-01-06&ends_on={ends}&review_cadence_months=3\
             &budget_per_year.2025={}&budget_per_year.{year}=800000&budget_per_year.{}=\
             &milestone.investigation=&milestone.construction={construction}\
             &milestone.acceleration={}-06-01&milestone.perennisation=",
            encode("600 000"),
            year + 1,
            year + 1
        )
    };
    let good = fields(&format!("{}-12-31", year + 1), "2025-07-07");
    for forged in ["", "00"] {
        assert_eq!(post(w, &path, manager, forged, &good).status, 403);
    }
    w.expect(
        404,
        "GET",
        &format!("{PRODUCT}/contract"),
        Some(&w.admin),
        None,
    );

    // Refusals on their fields: the end before the start; a milestone out of order.
    let bad = post(
        w,
        &path,
        manager,
        &csrf,
        &fields("2024-12-31", "2025-07-07"),
    );
    assert_eq!(bad.status, 422, "{:?}", bad.body);
    assert!(text(&bad).contains("La date de fin doit être après la date de début."));
    assert!(text(&bad).contains("aria-describedby=\"erreur-ends_on "));
    let late = format!("{}-09-01", year + 1);
    let order = post(
        w,
        &path,
        manager,
        &csrf,
        &fields(&format!("{}-12-31", year + 1), &late),
    );
    assert_eq!(order.status, 422);
    assert!(
        text(&order).contains("dans le désordre"),
        "{}",
        text(&order)
    );
    assert!(text(&order).contains("aria-describedby=\"erreur-milestone.acceleration\""));
    assert!(text(&order).contains("href=\"#milestone.acceleration\""));
    w.expect(
        404,
        "GET",
        &format!("{PRODUCT}/contract"),
        Some(&w.admin),
        None,
    );

    let saved = post(w, &path, manager, &csrf, &good);
    assert_eq!(saved.status, 303, "{:?}", saved.body);
    assert_eq!(
        saved.header("location"),
        Some("/produits/mon-produit/contrat")
    );
    let stored = w.expect(
        200,
        "GET",
        &format!("{PRODUCT}/contract"),
        Some(&w.admin),
        None,
    );
    assert_eq!(stored["budget_per_year"]["2025"], 600_000);
    assert_eq!(stored["milestones"][0]["phase"], "construction");
    assert_eq!(stored["milestones"].as_array().map(Vec::len), Some(2));
    assert_eq!(audited(w, "contract", "mon-produit"), ["contract.create"]);
    let again = call(w.server(), "GET", &path, manager, None);
    assert!(text(&again).contains("<h1>Modifier le contrat</h1>"));
    assert!(text(&again).contains("value=\"600000\""));
}

fn objective_forms(w: &World, manager: &str, refused: &[&str]) {
    w.weekly_indicators(&[("demarches", "increase")]);
    let new = format!("{PAGE}/contrat/objectifs/nouveau");
    let fields = |baseline_on: &str, target: &str| {
        format!(
            "indicator=demarches&baseline.value={}&baseline.on={baseline_on}&target.value={target}\
             &target.by=2026-06-30&tolerance=0%2C1",
            encode("100,5")
        )
    };
    for who in refused {
        assert_eq!(call(w.server(), "GET", &new, who, None).status, 403);
        let theirs = post(w, &new, who, &csrf_of(w, who), &fields("2025-01-06", "200"));
        assert_eq!(theirs.status, 403);
    }
    let form = call(w.server(), "GET", &new, manager, None);
    assert_eq!(form.status, 200);
    assert!(text(&form).contains("<option value=\"demarches\""));
    let csrf = csrf_field(text(&form));
    for forged in ["", "00"] {
        let status = post(w, &new, manager, forged, &fields("2025-01-06", "200")).status;
        assert_eq!(status, 403);
    }
    let bad = post(w, &new, manager, &csrf, &fields("2026-07-01", "deux cents"));
    assert_eq!(bad.status, 422);
    assert!(text(&bad).contains("aria-describedby=\"erreur-target.value"));
    assert!(items(w, "contract/objectives").is_empty());
    let late = post(w, &new, manager, &csrf, &fields("2026-07-01", "200"));
    assert_eq!(late.status, 422);
    assert!(
        text(&late).contains("L&#39;échéance doit être après")
            || text(&late).contains("L'échéance doit être après")
    );
    assert!(items(w, "contract/objectives").is_empty());

    let created = post(w, &new, manager, &csrf, &fields("2025-01-06", "200"));
    assert_eq!(created.status, 303, "{:?}", created.body);
    let objectives = items(w, "contract/objectives");
    assert_eq!(objectives.len(), 1);
    assert_eq!(objectives[0]["baseline"]["value"], 100.5);
    let id = objectives[0]["id"].as_i64().expect("id");
    assert_eq!(
        audited(w, "objective", &id.to_string()),
        ["objective.create"]
    );

    // Editing: the stored values typed back, French style; the indicator stays.
    let edit = format!("{PAGE}/contrat/objectifs/{id}/modifier");
    let contract = call(w.server(), "GET", &format!("{PAGE}/contrat"), manager, None);
    assert!(text(&contract).contains(&format!("href=\"{edit}\"")));
    for who in refused {
        assert_eq!(call(w.server(), "GET", &edit, who, None).status, 403);
    }
    let missing = format!("{PAGE}/contrat/objectifs/{}/modifier", id + 1000);
    assert_eq!(call(w.server(), "GET", &missing, manager, None).status, 404);
    let form = call(w.server(), "GET", &edit, manager, None);
    assert_eq!(form.status, 200);
    assert!(text(&form).contains("value=\"100,5\""));
    assert_eq!(
        post(w, &edit, manager, "00", &fields("2025-01-06", "300")).status,
        403
    );
    assert_eq!(
        post(
            w,
            &edit,
            refused[0],
            &csrf_of(w, refused[0]),
            &fields("2025-01-06", "300")
        )
        .status,
        403
    );
    assert_eq!(items(w, "contract/objectives")[0]["target"]["value"], 200.0);
    let updated = post(w, &edit, manager, &csrf, &fields("2025-01-06", "300"));
    assert_eq!(updated.status, 303);
    assert_eq!(items(w, "contract/objectives")[0]["target"]["value"], 300.0);
    assert_eq!(
        audited(w, "objective", &id.to_string()),
        ["objective.create", "objective.update"]
    );
}

fn spend_forms(w: &World, member: &str, refused: &[&str]) {
    let path = format!("{PAGE}/depenses");
    let paste = format!("{PAGE}/depenses/coller");
    let last = Utc::now().date_naive().with_day(1).expect("1st") - Months::new(1);
    let id = format!("mois-{}", last.format("%Y-%m"));
    for who in refused {
        assert_eq!(call(w.server(), "GET", &path, who, None).status, 403);
        let csrf = csrf_of(w, who);
        assert_eq!(post(w, &path, who, &csrf, &format!("{id}=5")).status, 403);
        assert_eq!(post(w, &paste, who, &csrf, "csv=2025-03%3B5").status, 403);
    }
    let form = call(w.server(), "GET", &path, member, None);
    assert_eq!(form.status, 200, "{:?}", form.body);
    assert!(text(&form).contains(&format!("name=\"{id}\"")));
    let csrf = csrf_field(text(&form));
    for forged in ["", "00"] {
        assert_eq!(
            post(w, &path, member, forged, &format!("{id}=5")).status,
            403
        );
        assert_eq!(
            post(w, &paste, member, forged, "csv=2025-03%3B5").status,
            403
        );
    }
    let bad = post(
        w,
        &path,
        member,
        &csrf,
        &format!("{id}=douze&mois-2099-01=5"),
    );
    assert_eq!(bad.status, 422);
    assert!(text(&bad).contains("euros entiers"));
    assert!(text(&bad).contains("dans le futur"));
    assert!(text(&bad).contains(&format!("aria-describedby=\"erreur-{id}\"")));
    let pasted_badly = post(
        w,
        &paste,
        member,
        &csrf,
        &format!("csv={}", encode("mois;montant\n2025-03;5000\nmars;6000")),
    );
    assert_eq!(pasted_badly.status, 422);
    assert!(text(&pasted_badly).contains("ligne 3 : mois illisible"));
    assert!(items(w, "spend").is_empty());

    let saved = post(
        w,
        &path,
        member,
        &csrf,
        &format!("{id}={}", encode("12 000")),
    );
    assert_eq!(saved.status, 303);
    let location = saved.header("location").expect("location").to_owned();
    assert!(location.contains("crees=1"), "{location}");
    let after = call(w.server(), "GET", &location, member, None);
    assert!(text(&after).contains("Enregistré : 1 mois créé"));
    assert!(text(&after).contains("value=\"12000\""));
    let pasted = post(
        w,
        &paste,
        member,
        &csrf,
        &format!(
            "csv={}",
            encode("mois\tmontant\n2025-03\t5000\n04/2025\t6 000\n")
        ),
    );
    assert_eq!(pasted.status, 303, "{:?}", pasted.body);
    let spend: Vec<(String, i64)> = items(w, "spend")
        .iter()
        .map(|s| {
            (
                s["month"].as_str().unwrap_or("").to_owned(),
                s["amount"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    assert_eq!(
        spend,
        [
            ("2025-03-01".to_owned(), 5000),
            ("2025-04-01".to_owned(), 6000),
            (last.to_string(), 12_000)
        ]
    );
    assert_eq!(
        audited(w, "spend", &format!("mon-produit/{last}")),
        ["spend.put"]
    );
}

fn commitment_form(w: &World, manager: &str, refused: &[&str]) {
    let path = format!("{PAGE}/engagements");
    let fields = |current: &str, url: &str, security: &str| {
        format!(
            "accessibility.expected={}&accessibility.current={}&accessibility.evidence_url={}\
             &security.expected={}&security.current=&security.evidence_url=",
            encode("RGAA 100 %"),
            encode(current),
            encode(url),
            encode(security)
        )
    };
    let good = fields(
        "RGAA 74 %",
        "https://example.gouv.fr/accessibilite",
        "Homologation",
    );
    for who in refused {
        assert_eq!(call(w.server(), "GET", &path, who, None).status, 403);
        assert_eq!(post(w, &path, who, &csrf_of(w, who), &good).status, 403);
    }
    let form = call(w.server(), "GET", &path, manager, None);
    assert_eq!(form.status, 200);
    assert!(text(&form).contains("Écoconception"));
    let csrf = csrf_field(text(&form));
    for forged in ["", "00"] {
        assert_eq!(post(w, &path, manager, forged, &good).status, 403);
    }
    let bad = post(
        w,
        &path,
        manager,
        &csrf,
        &fields("RGAA 74 %", "example.gouv.fr", "Homologation"),
    );
    assert_eq!(bad.status, 422);
    assert!(text(&bad).contains("aria-describedby=\"erreur-accessibility.evidence_url"));
    assert!(items(w, "contract/commitments").is_empty());

    assert_eq!(post(w, &path, manager, &csrf, &good).status, 303);
    let stored = items(w, "contract/commitments");
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0]["current"], "RGAA 74 %");
    let (accessibility, security) = (stored[0]["id"].to_string(), stored[1]["id"].to_string());
    // Saved again: the accessibility line replaced, security emptied (removed); both audited.
    let changed = fields("RGAA 80 %", "https://example.gouv.fr/accessibilite", "");
    assert_eq!(post(w, &path, manager, &csrf, &changed).status, 303);
    let stored = items(w, "contract/commitments");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["current"], "RGAA 80 %");
    assert_eq!(
        audited(w, "commitment", &accessibility),
        ["commitment.create", "commitment.update"]
    );
    assert_eq!(
        audited(w, "commitment", &security),
        ["commitment.create", "commitment.delete"]
    );
}

fn matrix_pages(w: &World, viewer: &str) {
    let product = format!("{PAGE}/matrice");
    assert_eq!(call(w.server(), "GET", &product, "", None).status, 303);
    assert_eq!(call(w.server(), "GET", "/matrice", "", None).status, 303);
    let page = call(w.server(), "GET", &product, viewer, None);
    assert_eq!(page.status, 200);
    let html = text(&page);
    for words in [
        "Utilisable",
        "Impactant",
        "Coût par usager actif",
        "Manquant",
        "Aucune",
    ] {
        assert!(html.contains(words), "{words}: {html}");
    }
    // The spend entered above is the budget of the last 12 complete months.
    assert!(
        html.contains("12\u{A0}000\u{A0}€") || html.contains("12 000"),
        "{html}"
    );
    let all = call(w.server(), "GET", "/matrice", viewer, None);
    assert_eq!(all.status, 200);
    assert!(text(&all).contains("href=\"/produits/mon-produit/matrice\""));
    assert!(text(&all).contains("role=\"img\""));
    let sorted = call(
        w.server(),
        "GET",
        "/matrice?tri=name&ordre=desc&incubateur=dinum",
        viewer,
        None,
    );
    assert_eq!(sorted.status, 200);
    assert!(text(&sorted).contains("aria-sort=\"descending\""));
    let elsewhere = call(w.server(), "GET", "/matrice?incubateur=mtes", viewer, None);
    assert!(!text(&elsewhere).contains("href=\"/produits/mon-produit/matrice\""));
    assert_eq!(
        call(w.server(), "GET", "/matrice?phase=lune", viewer, None).status,
        422
    );
    let home = call(w.server(), "GET", PAGE, viewer, None);
    assert!(text(&home).contains("href=\"/produits/mon-produit/matrice\""));
    assert!(text(&home).contains("href=\"/matrice\""));
}

fn scenario(backend: Backend) {
    let w = World::on(backend).with_second_incubator().start();
    let manager = sign_in_as(w.server(), "manager@test.gouv.fr");
    let member = sign_in_as(w.server(), "member@test.gouv.fr");
    let viewer = sign_in_as(w.server(), "viewer@test.gouv.fr");
    let other = sign_in_as(w.server(), "other@test.gouv.fr");
    contract_form(&w, &manager, &[&member, &viewer, &other]);
    objective_forms(&w, &manager, &[&member, &viewer]);
    spend_forms(&w, &member, &[&viewer, &other]);
    commitment_form(&w, &manager, &[&member, &viewer]);
    matrix_pages(&w, &viewer);
}

both_backends!(contract_forms_and_matrix_pages => scenario);
