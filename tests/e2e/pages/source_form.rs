//! The indicator's source page over HTTP with the session cookie, on SQLite and PostgreSQL:
//! `/produits/{slug}/indicateurs/{key}/source`. A viewer and another incubator's manager get
//! the 403 page; a post without (or with a forged) CSRF token writes nothing; a refusal comes
//! back on its field in French (422); the member saves a Matomo source (its token never shown
//! again, the API says it is stored), « Collecter maintenant » against an address that answers
//! nothing shows the French error, and the source is removed.

use pilote_store::Backend;

use super::{
    client::{call, csrf_field, encode, text},
    forms::sign_in_as,
};
use crate::world::{PRODUCT, World};

const PAGE: &str = "/produits/mon-produit/indicateurs/demarches/source";

fn scenario(backend: Backend) {
    let w = World::on(backend).with_second_incubator().start();
    w.weekly_indicators(&[("demarches", "increase")]);
    let api = format!("{PRODUCT}/indicators/demarches/source");
    let member = sign_in_as(w.server(), "member@test.gouv.fr");
    let viewer = sign_in_as(w.server(), "viewer@test.gouv.fr");
    let other = sign_in_as(w.server(), "other@test.gouv.fr");
    let post = |who: &str, path: &str, csrf: &str, fields: &str| {
        let body = if csrf.is_empty() {
            fields.to_owned()
        } else {
            format!("csrf={csrf}&{fields}")
        };
        call(w.server(), "POST", path, who, Some(&body))
    };
    let matomo = format!(
        "kind=matomo&url={}&site_id=12&metric=nb_visits&token=secretjeton42&pointer=&every_hours=24",
        encode("http://127.0.0.1:9/")
    );

    assert_eq!(call(w.server(), "GET", PAGE, "", None).status, 303);
    for who in [&viewer, &other] {
        assert_eq!(call(w.server(), "GET", PAGE, who, None).status, 403);
        let csrf = csrf_field(text(&call(w.server(), "GET", "/", who, None)));
        assert_eq!(post(who, PAGE, &csrf, &matomo).status, 403);
    }
    let form = call(w.server(), "GET", PAGE, &member, None);
    assert_eq!(form.status, 200, "{:?}", form.body);
    let html = text(&form);
    assert!(html.contains("Ajouter une source"), "{html}");
    let csrf = csrf_field(html);
    // Without, or with a forged, CSRF token: 403 and nothing written.
    assert_eq!(post(&member, PAGE, "", &matomo).status, 403);
    assert_eq!(post(&member, PAGE, "forged", &matomo).status, 403);
    w.expect(404, "GET", &api, Some(&w.member), None);
    // A refusal on its field, in French.
    let bad = post(
        &member,
        PAGE,
        &csrf,
        "kind=matomo&url=ftp%3A%2F%2Fx&site_id=douze",
    );
    assert_eq!(bad.status, 422);
    let html = text(&bad);
    assert!(html.contains("Saisissez un nombre entier."), "{html}");
    let bad = post(
        &member,
        PAGE,
        &csrf,
        "kind=json&url=ftp%3A%2F%2Fx&pointer=donnees&metric=nb_visits",
    );
    assert_eq!(bad.status, 422);
    let html = text(&bad);
    assert!(
        html.contains("L&#39;adresse doit commencer par https://"),
        "{html}"
    );
    assert!(
        html.contains("Le chemin JSON doit être vide ou commencer par /"),
        "{html}"
    );
    assert!(html.contains("aria-invalid=\"true\""), "{html}");
    w.expect(404, "GET", &api, Some(&w.member), None);

    let saved = post(&member, PAGE, &csrf, &matomo);
    assert_eq!(saved.status, 303, "{:?}", saved.body);
    let source = w.expect(200, "GET", &api, Some(&w.member), None);
    assert_eq!(source["kind"], "matomo");
    assert_eq!(source["site_id"], 12);
    assert_eq!(source["token_stored"], true);
    let page = text(&call(w.server(), "GET", PAGE, &member, None)).to_owned();
    assert!(page.contains("jeton enregistré"), "{page}");
    assert!(
        !page.contains("secretjeton42"),
        "the token is never shown again"
    );
    assert!(page.contains("Pas encore de collecte."), "{page}");

    // Nothing answers on port 9: the run fails, and the page says why, in French.
    let collect = post(&member, &format!("{PAGE}/collecter"), &csrf, "");
    assert_eq!(collect.status, 303, "{:?}", collect.body);
    let page = text(&call(w.server(), "GET", PAGE, &member, None)).to_owned();
    assert!(page.contains("échec, la source ne répond pas"), "{page}");
    assert_eq!(
        w.expect(200, "GET", &api, Some(&w.member), None)["last_run"]["ok"],
        false
    );

    assert_eq!(
        post(&viewer, &format!("{PAGE}/supprimer"), &csrf, "").status,
        403
    );
    let removed = post(&member, &format!("{PAGE}/supprimer"), &csrf, "");
    assert_eq!(removed.status, 303);
    w.expect(404, "GET", &api, Some(&w.member), None);
}

both_backends!(the_source_page => scenario);
