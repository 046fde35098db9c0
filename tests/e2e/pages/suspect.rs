//! The product page shows a latest value flagged as suspect (« valeur à vérifier ») and lets
//! the team, managers and admins clear the flag with a CSRF-protected form; a viewer sees
//! the flag but no form, and posting it anyway gets the French 403 page.

use chrono::Utc;
use pilote_domain::{MeasureSource, MeasureValue, Period, Slug};
use pilote_store::{
    Actor, Database,
    repo::{audit, contract_status, indicators, measures, products},
    transaction,
};

use super::{
    account::product_with_reviews,
    client::{call, csrf_field, text},
    forms::sign_in_as,
    sign_in, start,
};

const ADMIN: &str = "admin-suspect@test.gouv.fr";

/// A demo product whose latest value is flagged (the demo slips a decimal point in a few):
/// its slug, the indicator's key and the period's first day.
fn flagged(db: &Database) -> (String, String, String) {
    let mut c = db.get().expect("connection");
    let today = Utc::now().date_naive();
    for o in products::overviews(&mut c, None, today).expect("overviews") {
        for (id, indicator) in indicators::list(&mut c, o.id).expect("indicators") {
            let Some((date, _)) = measures::latest(&mut c, id).expect("latest") else {
                continue;
            };
            let period = Period::containing(indicator.periodicity, date);
            let history = measures::history(&mut c, id, period).expect("history");
            if history.first().is_some_and(|m| m.suspect) {
                return (
                    o.product.slug.to_string(),
                    indicator.key.to_string(),
                    period.start().to_string(),
                );
            }
        }
    }
    panic!("the demo has suspect latest values");
}

#[test]
fn the_product_page_shows_a_suspect_value_and_the_team_clears_it() {
    let dir = tempfile::tempdir().expect("dir");
    let (server, _) = start(dir.path());
    let url = super::add_admin(dir.path(), ADMIN, "Alix");
    let db = Database::open(&url, &Default::default()).expect("open");
    let (slug, key, period) = flagged(&db);
    let page = format!("/produits/{slug}");
    let action = format!("/produits/{slug}/indicateurs/{key}/mesures/{period}/verifiee");

    // A viewer sees the flag, no form; posting it anyway (with a valid CSRF token) is refused.
    let viewer = sign_in(&server);
    let seen = call(&server, "GET", &page, &viewer, None);
    assert_eq!(seen.status, 200);
    assert!(text(&seen).contains("valeur à vérifier"));
    assert!(!text(&seen).contains(&action));
    let body = format!("csrf={}", csrf_field(text(&seen)));
    let refused = call(&server, "POST", &action, &viewer, Some(&body));
    assert_eq!(refused.status, 403);
    assert!(text(&refused).contains("Accès refusé"));

    // An admin sees the form; a forged token is refused, the right one clears the flag.
    let admin = sign_in_as(&server, ADMIN);
    let shown = call(&server, "GET", &page, &admin, None);
    assert!(text(&shown).contains(&action), "the form posts to {action}");
    let forged = call(&server, "POST", &action, &admin, Some("csrf=faux"));
    assert_eq!(forged.status, 403);
    let body = format!("csrf={}", csrf_field(text(&shown)));
    let cleared = call(&server, "POST", &action, &admin, Some(&body));
    assert_eq!(cleared.status, 303, "{:?}", cleared.body);
    assert_eq!(cleared.header("location"), Some(page.as_str()));
    let after = call(&server, "GET", &page, &admin, None);
    assert!(!text(&after).contains(&action));

    // Audited, like the API route.
    let mut c = db.get().expect("connection");
    let entries = audit::for_entity(&mut c, "product", &slug).expect("audit");
    assert!(
        entries.iter().any(|e| e.action == "measures.clear_suspect"),
        "clearing is audited"
    );
}

/// Slips a decimal point in the latest value of one of the contract's objectives (the first
/// the suspicion rule can judge): flagged as suspect, as a form would.
fn flag_an_objective(db: &Database, slug: &str) {
    let mut c = db.get().expect("connection");
    let today = Utc::now().date_naive();
    let (product, _) = products::find(&mut c, &Slug::parse(slug).expect("slug")).expect("product");
    let status = contract_status::at(&mut c, product, today).expect("status");
    for o in &status.objectives {
        let Some(latest) = o.latest else { continue };
        let key = Slug::parse(&o.indicator).expect("key");
        let (id, indicator) = indicators::find(&mut c, product, &key).expect("indicator");
        let slipped = measures::MeasureInput {
            indicator: id,
            period: Period::containing(indicator.periodicity, latest.period),
            value: MeasureValue::new(latest.value * 10.0 + 10.0).expect("value"),
            comment: None,
        };
        let posted = transaction::write(&mut c, |c| {
            measures::post(
                c,
                product,
                &[slipped],
                MeasureSource::Form,
                Actor::System,
                today,
            )
        })
        .expect("post");
        if posted.suspects.len() == 1 {
            return;
        }
    }
    panic!("the demo contract has an objective with enough history");
}

#[test]
fn the_contract_page_flags_an_objective_with_a_suspect_value() {
    let dir = tempfile::tempdir().expect("dir");
    let (server, _) = start(dir.path());
    let url = format!("sqlite://{}", dir.path().join("pages.db").display());
    let db = Database::open(&url, &Default::default()).expect("open");
    let slug = product_with_reviews(&db);
    let viewer = sign_in(&server);
    let contrat = format!("/produits/{slug}/contrat");
    let before = call(&server, "GET", &contrat, &viewer, None);
    assert_eq!(before.status, 200);
    let flags_before = text(&before).matches("valeur à vérifier").count();
    flag_an_objective(&db, &slug);
    let after = call(&server, "GET", &contrat, &viewer, None);
    assert_eq!(
        text(&after).matches("valeur à vérifier").count(),
        flags_before + 1,
        "the objective's latest value is flagged"
    );
}
