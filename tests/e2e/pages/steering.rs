//! Steering signals, value histories and suspect values on the pages, on SQLite and on
//! PostgreSQL: a product with an old suspect value (not the latest), a corrected value, a late
//! weekly indicator, an overdue phase and an overdue contract review. The portfolio and the
//! product page show what `pilote digest` lists (the same gathering); the value's history
//! page says who posted each version, when, from where, and what it replaced; the team clears
//! the old suspect value from the product page, viewers may not, anonymous visitors sign in.

use chrono::{Datelike, Days, NaiveDate, Utc};
use pilote_domain::Email;
use pilote_store::{Actor, Backend, Database, repo::users};
use serde_json::{Value, json};

use super::{
    client::{call, csrf_field, text},
    forms::sign_in_as,
};
use crate::{
    helpers::pilote,
    world::{PASSWORD, Who, World},
};

const NOBODY: &str = "sans-role@test.gouv.fr";

/// Monday of the week `weeks` before the current one.
fn monday(weeks: u64) -> NaiveDate {
    let today = Utc::now().date_naive();
    let this = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    this - Days::new(7 * weeks)
}

/// What `pilote digest --format json` says of the world's portfolio.
fn digest(w: &World) -> Value {
    let dir = tempfile::tempdir().expect("dir");
    let out = pilote(dir.path())
        .args(["digest", "--format", "json", "--database-url", w.db_url()])
        .output()
        .expect("pilote digest");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// A person with an account but no role at all.
fn nobody(w: &World) {
    let db = Database::open(w.db_url(), &Default::default()).expect("open");
    let mut conn = db.get().expect("connection");
    let hash = pilote_api::auth::password::hash(PASSWORD).expect("hash");
    let email = Email::parse(NOBODY).expect("email");
    users::insert(&mut conn, &email, "Sans rôle", Some(&hash), Actor::System).expect("user");
}

fn scenario(backend: Backend) {
    let w = World::on(backend).with_product_token().start();
    let Who {
        manager,
        member,
        token,
        ..
    } = w.who();
    let p = "/api/v1/products/mon-produit";
    // « delai » never gets a value: the team is late with its weekly numbers.
    w.weekly_indicators(&[("demarches", "increase"), ("delai", "decrease")]);

    // Seven flat weeks, then 1 000 three weeks ago (flagged), then two ordinary weeks: the
    // suspect value is not the latest one. Posted by the product's API token.
    let mut rows: Vec<Value> = (4..=10)
        .rev()
        .map(|week| json!({"indicator": "demarches", "period": monday(week), "value": 100}))
        .collect();
    for (week, value) in [(3, 1000), (2, 100), (1, 100)] {
        rows.push(json!({"indicator": "demarches", "period": monday(week), "value": value}));
    }
    let posted = w.expect(
        200,
        "POST",
        &format!("{p}/measures"),
        token,
        Some(&json!({"measures": rows})),
    );
    assert_eq!(
        posted["warnings"].as_array().map(Vec::len),
        Some(1),
        "{posted}"
    );
    // The member corrects last week's number through the API: 100 → 104.
    let correction = json!({"measures": [{"indicator": "demarches", "period": monday(1), "value": 104, "comment": "recompté"}]});
    w.expect(
        200,
        "POST",
        &format!("{p}/measures"),
        member,
        Some(&correction),
    );
    // A contract whose first review (three months after its start) is long past.
    let year = Utc::now().year();
    let contract = json!({
        "signed_on": "2025-01-02", "starts_on": "2025-01-06", "ends_on": format!("{}-12-31", year + 1),
        "review_cadence_months": 3,
        "budget_per_year": {"2025": 600000},
        "milestones": [{"phase": "construction", "planned_on": "2025-07-07"}]
    });
    w.expect(
        200,
        "PUT",
        &format!("{p}/contract"),
        manager,
        Some(&contract),
    );
    nobody(&w);

    // The digest's view, which the pages must share.
    let json = digest(&w);
    assert_eq!(json["late_teams"][0]["slug"], "mon-produit", "{json}");
    assert_eq!(
        json["overdue_products"][0]["product"]["slug"],
        "mon-produit"
    );
    assert_eq!(json["reviews_due"][0]["due_on"], "2025-04-06", "{json}");
    assert_eq!(json["reviews_due"][0]["overdue"], true);
    assert_eq!(json["suspect_values"][0]["key"], "demarches");
    assert_eq!(
        json["suspect_values"][0]["period"],
        monday(3).to_string(),
        "{json}"
    );
    assert_eq!(json["incomplete_matrices"][0]["ok"], 0);

    let server = w.server();
    let viewer = sign_in_as(server, "viewer@test.gouv.fr");
    let member = sign_in_as(server, "member@test.gouv.fr");
    let nobody = sign_in_as(server, NOBODY);

    // The portfolio: reviews due or overdue, suspect values, incomplete matrices.
    let portfolio = call(server, "GET", "/", &viewer, None);
    assert_eq!(portfolio.status, 200);
    let html = text(&portfolio);
    let section = |title: &str| {
        html.split(&format!("<h2>{title}</h2>"))
            .nth(1)
            .and_then(|rest| rest.split("<h2>").next())
            .unwrap_or_else(|| panic!("a section « {title} »"))
            .to_owned()
    };
    let reviews = section("Revues de contrat dans les 30 jours ou en retard");
    assert!(reviews.contains("Mon Produit"), "{reviews}");
    assert!(
        reviews.contains("en retard, due le 6 avril 2025"),
        "{reviews}"
    );
    let suspects = section("Valeurs suspectes à vérifier");
    assert!(
        suspects.contains("/produits/mon-produit#valeurs-a-verifier"),
        "{suspects}"
    );
    assert!(suspects.contains("1 valeur(s) à vérifier : demarches, période du"));
    let matrices = section("Matrices d'impact incomplètes");
    assert!(matrices.contains("0/4 cases renseignées"), "{matrices}");
    assert!(!section("Comités à planifier ou en retard").is_empty());

    // The product page: its own signals, every suspect value with its form (team only).
    let page = "/produits/mon-produit";
    let old = monday(3).to_string();
    let clear = format!("{page}/indicateurs/demarches/mesures/{old}/verifiee");
    let history = format!("{page}/indicateurs/demarches/mesures/{old}/historique");
    let seen = call(server, "GET", page, &viewer, None);
    assert_eq!(seen.status, 200);
    let html = text(&seen);
    assert!(html.contains("Signaux de pilotage"));
    assert!(
        html.contains("phase dépassée"),
        "the phase is over its limit"
    );
    assert!(html.contains("saisie en retard"), "« delai » has no value");
    assert!(
        html.contains("en retard, due le 6 avril 2025"),
        "next review"
    );
    assert!(html.contains("id=\"valeurs-a-verifier\""));
    assert!(html.contains(&history), "a link to the value's history");
    assert!(!html.contains(&clear), "a viewer gets no form");
    let shown = call(server, "GET", page, &member, None);
    assert!(text(&shown).contains(&clear), "the team gets the form");
    // The latest value links to its own history.
    let latest = format!(
        "{page}/indicateurs/demarches/mesures/{}/historique",
        monday(1)
    );
    assert!(text(&shown).contains(&latest));
    // So does the measures form, for each stored value.
    let form = call(
        server,
        "GET",
        &format!("{page}/mesures?semaine={}", monday(1)),
        &member,
        None,
    );
    assert_eq!(form.status, 200);
    assert!(text(&form).contains(&latest), "the form links the history");

    // The history of last week's value: the correction, then the token's first number.
    let versions = call(server, "GET", &latest, &viewer, None);
    assert_eq!(versions.status, 200);
    let html = text(&versions);
    assert!(html.contains("Historique de la valeur"));
    let rows: Vec<&str> = html
        .split("<tbody>")
        .nth(1)
        .expect("a table")
        .split("</tr>")
        .filter(|r| r.contains("<td>"))
        .collect();
    assert_eq!(rows.len(), 2, "{html}");
    assert!(rows[0].contains("104") && rows[0].contains("valeur actuelle"));
    assert!(
        rows[0].contains("Test"),
        "posted by the member: {}",
        rows[0]
    );
    assert!(rows[0].contains("recompté") && rows[0].contains("API"));
    assert!(
        rows[0].contains("<td class=\"nombre\">100\u{a0}u</td>"),
        "the value it replaced: {}",
        rows[0]
    );
    assert!(
        rows[1].contains("API n°"),
        "posted by the token: {}",
        rows[1]
    );
    assert!(rows[1].contains("remplacée le"));
    // Anonymous: to the login page, coming back here; no role: 403.
    let anonymous = call(server, "GET", &latest, "", None);
    assert_eq!(anonymous.status, 303);
    assert_eq!(
        anonymous.header("location").map(str::to_owned),
        Some(format!("/connexion?suite={latest}"))
    );
    assert_eq!(call(server, "GET", &latest, &nobody, None).status, 403);
    assert_eq!(
        call(
            server,
            "GET",
            &format!("{page}/indicateurs/inconnu/mesures/{old}/historique"),
            &viewer,
            None
        )
        .status,
        404
    );

    // Clearing the old suspect value: a viewer, a forged token and anonymous are refused.
    let viewer_csrf = format!("csrf={}", csrf_field(text(&seen)));
    assert_eq!(
        call(server, "POST", &clear, &viewer, Some(&viewer_csrf)).status,
        403
    );
    assert_eq!(
        call(server, "POST", &clear, &member, Some("csrf=faux")).status,
        403
    );
    assert_eq!(
        call(server, "POST", &clear, &nobody, Some(&viewer_csrf)).status,
        403
    );
    let anonymous = call(server, "POST", &clear, "", Some("csrf=faux"));
    assert!(
        anonymous.status == 303 || anonymous.status == 401,
        "anonymous: {}",
        anonymous.status
    );
    // From the history page, the form comes back to it.
    let old_history = call(server, "GET", &history, &member, None);
    assert!(text(&old_history).contains("Confirmer la valeur"));
    let body = format!(
        "csrf={}&retour={}",
        csrf_field(text(&old_history)),
        super::client::encode(&history)
    );
    let cleared = call(server, "POST", &clear, &member, Some(&body));
    assert_eq!(cleared.status, 303, "{:?}", cleared.body);
    assert_eq!(cleared.header("location"), Some(history.as_str()));
    let after = call(server, "GET", page, &member, None);
    assert!(
        !text(&after).contains(&clear),
        "the value is no longer listed"
    );
    let series = w.expect(
        200,
        "GET",
        &format!("{p}/indicators/demarches/measures"),
        Some(&w.viewer),
        None,
    );
    assert!(
        series["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|m| m["suspect"] == false),
        "{series}"
    );
    let json = digest(&w);
    assert_eq!(json["suspect_values"], json!([]), "the digest agrees");
    let portfolio = call(server, "GET", "/", &viewer, None);
    assert!(text(&portfolio).contains("Aucune valeur n'est signalée comme suspecte."));
}

both_backends!(steering_signals_and_histories => scenario);
