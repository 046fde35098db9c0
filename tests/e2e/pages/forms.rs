//! The pages' forms over HTTP, signed in with the session cookie: the weekly measures form
//! (seen through the API afterwards; a bad row writes nothing), the CSV import's preview
//! (writes nothing) and confirmation (writes), the committee decision form, CSRF and roles.

use super::{
    PASSWORD,
    client::{
        call, cookie_pair, cookie_proxy, csrf_field, encode, input_value, post_multipart, text,
    },
    sign_in, start,
};
use crate::helpers::Server;

const ADMIN: &str = "admin-pages@test.gouv.fr";

/// Signs `email` in through the login form: the session cookie's `name=value`.
pub(crate) fn sign_in_as(server: &Server, email: &str) -> String {
    let form = call(server, "GET", "/connexion", "", None);
    let nonce = cookie_pair(&form, "pilote_csrf").expect("a CSRF nonce cookie");
    let body = format!(
        "email={}&password={}&csrf={}",
        encode(email),
        encode(PASSWORD),
        csrf_field(text(&form))
    );
    let signed = call(server, "POST", "/connexion", &nonce, Some(&body));
    assert_eq!(signed.status, 303, "{:?}", signed.body);
    cookie_pair(&signed, "pilote_session").expect("session")
}

/// The product's measures as the API's CSV export gives them.
fn exported(server: &Server, token: &str, slug: &str) -> String {
    let reply = server.get_as(&format!("/api/v1/products/{slug}/measures.csv"), token);
    assert_eq!(reply.status, 200);
    reply.body.as_str().expect("CSV text").to_owned()
}

/// The keys of the form's indicators, in order.
fn keys(html: &str) -> Vec<String> {
    html.split("name=\"valeur-")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect()
}

#[test]
fn forms_write_through_the_api_code_with_csrf_and_roles() {
    let dir = tempfile::tempdir().expect("dir");
    let (server, slug) = start(dir.path());
    super::add_admin(dir.path(), ADMIN, "Alix");
    let admin = sign_in_as(&server, ADMIN);
    let viewer = sign_in(&server);
    let token = server.login(ADMIN, PASSWORD);
    let form_path = format!("/produits/{slug}/mesures");

    // Anonymous: to the login page; a viewer: 403 pages and no links to the forms.
    let anonymous = call(&server, "GET", &form_path, "", None);
    assert_eq!(anonymous.status, 303);
    // The login page comes back to the form once signed in.
    assert_eq!(
        anonymous.header("location").map(str::to_owned),
        Some(format!("/connexion?suite={form_path}"))
    );
    for path in [
        form_path.clone(),
        format!("/produits/{slug}/decisions/nouvelle"),
    ] {
        let refused = call(&server, "GET", &path, &viewer, None);
        assert_eq!(refused.status, 403, "{path}");
        assert!(text(&refused).contains("Accès refusé"));
    }
    let seen = call(&server, "GET", &format!("/produits/{slug}"), &viewer, None);
    assert!(!text(&seen).contains("Saisir les mesures"));
    let product = call(&server, "GET", &format!("/produits/{slug}"), &admin, None);
    assert!(text(&product).contains(&format!("href=\"{form_path}\"")));
    assert!(text(&product).contains("decisions/nouvelle"));

    // The weekly form: one row per indicator, CSRF-protected.
    let form = call(&server, "GET", &form_path, &admin, None);
    assert_eq!(form.status, 200, "{:?}", form.body);
    let html = text(&form).to_owned();
    assert!(html.contains("<h1>Saisie des mesures</h1>"));
    let keys = keys(&html);
    assert!(keys.len() >= 2, "the demo product has indicators: {keys:?}");
    let csrf = csrf_field(&html);
    let week = input_value(&html, "semaine");
    let month = input_value(&html, "mois");
    let fields = |extra: &str| format!("semaine={week}&mois={month}&{extra}");
    let post = |body: &str| call(&server, "POST", &form_path, &admin, Some(body));
    for body in [fields(&format!("valeur-{}=1", keys[0])), fields("csrf=00&")] {
        let forged = post(&body);
        assert_eq!(forged.status, 403);
        assert!(text(&forged).contains("Accès refusé"));
    }

    // A value far from the recent series (here of the other sign): the form comes back with
    // the warning and a box to tick; nothing is written until it is ticked.
    let suspect = post(&fields(&format!(
        "csrf={csrf}&valeur-{}=-98765432",
        keys[0]
    )));
    assert_eq!(suspect.status, 200, "{:?}", suspect.body);
    let page = text(&suspect);
    assert!(page.contains("semble suspecte"), "{page}");
    assert!(page.contains("name=\"confirmer\""));
    assert!(
        page.contains("value=\"-98765432\""),
        "what was typed is kept"
    );
    assert!(!exported(&server, &token, &slug).contains("-98765432"));

    // A good post, decimal comma, confirmed (12 345,5 may be far from the demo's values too):
    // saved as the API would, seen through the API.
    let saved = post(&fields(&format!(
        "csrf={csrf}&valeur-{}=12345%2C5&confirmer=oui",
        keys[0]
    )));
    assert_eq!(saved.status, 303, "{:?}", saved.body);
    let location = saved.header("location").expect("location").to_owned();
    assert!(location.contains("cree="), "{location}");
    assert!(location.contains("suspecte="), "{location}");
    let after = call(&server, "GET", &location, &admin, None);
    assert!(text(&after).contains("Enregistré : "), "{:?}", after.body);
    assert!(text(&after).contains("value=\"12345,5\""));
    let csv = exported(&server, &token, &slug);
    let line = csv
        .lines()
        .find(|l| l.starts_with(&format!("{},", keys[0])) && l.contains(",12345.5"))
        .expect("the posted value, through the API")
        .to_owned();
    let period = line.split(',').nth(1).expect("period").to_owned();

    // A bad row: the error next to its field and in the summary; nothing written.
    let bad = post(&fields(&format!(
        "csrf={csrf}&valeur-{}=7777%2C25&valeur-{}=douze",
        keys[0], keys[1]
    )));
    assert_eq!(bad.status, 422);
    let page = text(&bad);
    assert!(page.contains("rien n'a été enregistré"));
    assert!(page.contains(&format!("href=\"#valeur-{}\"", keys[1])));
    assert!(page.contains(&format!("aria-describedby=\"erreur-valeur-{}\"", keys[1])));
    assert!(page.contains("Saisissez un nombre"));
    assert!(page.contains("value=\"douze\""), "what was typed is kept");
    assert!(!exported(&server, &token, &slug).contains("7777.25"));

    // CSV: the preview writes nothing, the confirmation writes.
    let file = format!(
        "indicator,period,value,comment\n{},{period},424242,\n",
        keys[0]
    );
    let upload = format!("/produits/{slug}/mesures/csv");
    let forged = post_multipart(
        &server,
        &upload,
        &admin,
        &[("fichier", Some("m.csv"), &file)],
    );
    assert_eq!(forged.status, 403);
    let preview = post_multipart(
        &server,
        &upload,
        &admin,
        &[("csrf", None, &csrf), ("fichier", Some("m.csv"), &file)],
    );
    assert_eq!(preview.status, 200, "{:?}", preview.body);
    let shown = text(&preview);
    assert!(shown.contains("Aperçu de l'import CSV"));
    assert!(shown.contains("Modifiée"), "{shown}");
    assert!(shown.contains("12345,5"), "the old value");
    assert!(!exported(&server, &token, &slug).contains("424242"));
    let carried = input_value(shown, "csv");
    let confirmed = post_multipart(
        &server,
        &format!("{upload}/confirmer"),
        &admin,
        &[("csrf", None, &csrf), ("csv", None, &carried)],
    );
    assert_eq!(confirmed.status, 303, "{:?}", confirmed.body);
    assert!(exported(&server, &token, &slug).contains("424242"));
    let wrong = format!(
        "indicator,period,value\n{},2026-13-01,1\ninconnu,{period},2\n",
        keys[0]
    );
    let report = post_multipart(
        &server,
        &upload,
        &admin,
        &[("csrf", None, &csrf), ("fichier", Some("m.csv"), &wrong)],
    );
    assert_eq!(report.status, 422);
    assert!(text(&report).contains("ligne 2"));
    assert!(!text(&report).contains("Confirmer l'import"));

    // The decision form: illegal dates refused with the rule's reason, then a phase advanced.
    let decide = "/produits/balise-script/decisions/nouvelle";
    let decision_form = call(&server, "GET", decide, &admin, None);
    assert_eq!(decision_form.status, 200);
    // The advance names the phase it leads to.
    assert!(text(&decision_form).contains(">Passage en construction</option>"));
    let phases = || {
        server
            .get_as("/api/v1/products/balise-script/phases", &token)
            .body["items"]
            .as_array()
            .expect("phases")
            .len()
    };
    let before = phases();
    let send = |body: &str| call(&server, "POST", decide, &admin, Some(body));
    let forged = send("kind=advance&decided_on=2026-01-01&rationale=x");
    assert_eq!(forged.status, 403);
    let early = send(&format!(
        "csrf={csrf}&kind=advance&decided_on=2000-01-01&rationale=Trop+t%C3%B4t"
    ));
    assert_eq!(early.status, 422);
    assert!(text(&early).contains("avant le début de la phase en cours"));
    assert!(text(&early).contains("aria-describedby=\"erreur-decided_on\""));
    let today = chrono::Utc::now().date_naive();
    let advanced = send(&format!(
        "csrf={csrf}&kind=advance&decided_on={today}&rationale=Objectifs+atteints"
    ));
    assert_eq!(advanced.status, 303, "{:?}", advanced.body);
    assert_eq!(advanced.header("location"), Some("/produits/balise-script"));
    assert_eq!(phases(), before + 1);
    let product = call(&server, "GET", "/produits/balise-script", &admin, None);
    assert!(text(&product).contains("Passage en construction"));
    let stopped = send(&format!(
        "csrf={csrf}&kind=stop&decided_on={today}&rationale=Fin"
    ));
    assert_eq!(stopped.status, 303);
    let after_stop = send(&format!(
        "csrf={csrf}&kind=continue&decided_on={today}&rationale=Encore"
    ));
    assert_eq!(after_stop.status, 422);
    assert!(text(&after_stop).contains("Le produit est arrêté"));
}

#[test]
fn a_real_browser_shows_the_measures_form_signed_in() {
    if !super::browser_available(false) {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let (server, slug) = start(dir.path());
    super::add_admin(dir.path(), ADMIN, "Alix");
    // Chromium's command line cannot set a cookie: a local proxy adds the session's.
    let proxy = cookie_proxy(&server, &sign_in_as(&server, ADMIN));
    let page = format!("{proxy}/produits/{slug}/mesures");
    let dom = super::chromium(&["--dump-dom"], &page);
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("<h1>Saisie des mesures</h1>"), "{dom}");
    assert!(dom.contains("Prévisualiser l'import"));
    for (device, size) in [("ordinateur", "1280,1400"), ("telephone", "375,1400")] {
        let file = dir.path().join(format!("mesures-{device}.png"));
        let shot = super::chromium(
            &[
                &format!("--window-size={size}"),
                &format!("--screenshot={}", file.display()),
            ],
            &page,
        );
        assert!(
            shot.status.success(),
            "{}",
            String::from_utf8_lossy(&shot.stderr)
        );
        let bytes = std::fs::read(&file).expect("a screenshot");
        assert!(bytes.starts_with(b"\x89PNG"), "{device}: not a PNG");
        if let Some(out) = std::env::var_os("PILOTE_SCREENSHOTS") {
            let target = std::path::Path::new(&out).join(file.file_name().expect("name"));
            std::fs::copy(&file, target).expect("copy the screenshot");
        }
    }
}
