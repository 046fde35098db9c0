//! The indicator forms (`/produits/{slug}/indicateurs/nouveau`, `…/{key}/modifier`) over HTTP
//! with the session cookie: roles (403 pages), CSRF (403, nothing written), refusals on their
//! fields in French (422), the writes seen through the API.

use super::{
    PASSWORD,
    client::{call, csrf_field, encode, text},
    forms::sign_in_as,
    sign_in, start,
};
use crate::helpers::must_add_user;

const ADMIN: &str = "admin-indicateurs@test.gouv.fr";
const MEMBER: &str = "equipe-indicateurs@test.gouv.fr";

#[test]
fn indicators_are_defined_and_edited_in_the_browser_with_roles_and_csrf() {
    let dir = tempfile::tempdir().expect("dir");
    let (server, _) = start(dir.path());
    let url = format!("sqlite://{}", dir.path().join("pages.db").display());
    for (email, role) in [
        (ADMIN, vec!["--role", "admin"]),
        (
            MEMBER,
            vec!["--role", "member", "--product", "balise-script"],
        ),
    ] {
        let mut args = vec!["--email", email, "--name", "Sacha"];
        args.extend(role);
        must_add_user(dir.path(), &url, &args, PASSWORD);
    }
    let token = server.login(ADMIN, PASSWORD);
    let keys = || -> Vec<String> {
        let list = server
            .get_as("/api/v1/products/balise-script/indicators", &token)
            .body;
        list["items"]
            .as_array()
            .expect("indicators")
            .iter()
            .filter_map(|i| i["key"].as_str().map(str::to_owned))
            .collect()
    };
    assert!(keys().is_empty());
    let viewer = sign_in(&server);
    let member = sign_in_as(&server, MEMBER);
    let new = "/produits/balise-script/indicateurs/nouveau";

    let refused = call(&server, "GET", new, &viewer, None);
    assert_eq!(refused.status, 403);
    let form = call(&server, "GET", new, &member, None);
    assert_eq!(form.status, 200, "{:?}", form.body);
    assert!(text(&form).contains("<h1>Nouvel indicateur</h1>"));
    let product = call(&server, "GET", "/produits/balise-script", &member, None);
    assert!(text(&product).contains(&format!("href=\"{new}\"")));
    let csrf = csrf_field(text(&form));
    let fields = |key: &str, label: &str, role: &str| {
        format!(
            "key={key}&label={}&unit=d%C3%A9marches&description=&principle=used&matrix_role={role}&direction=increase&periodicity=week&aggregation=sum&north_star=oui",
            encode(label)
        )
    };
    let post = |body: String| call(&server, "POST", new, &member, Some(&body));
    assert_eq!(post(fields("demarches", "Démarches", "")).status, 403);
    let viewer_csrf = csrf_field(text(&call(&server, "GET", "/", &viewer, None)));
    let by_viewer = call(
        &server,
        "POST",
        new,
        &viewer,
        Some(&format!(
            "csrf={viewer_csrf}&{}",
            fields("demarches", "Démarches", "")
        )),
    );
    assert_eq!(by_viewer.status, 403);
    assert!(keys().is_empty());

    // Refusals on their fields: a key that is no slug, no label, a slot of another principle.
    let bad = post(format!("csrf={csrf}&{}", fields("Démarches", "", "")));
    assert_eq!(bad.status, 422);
    assert!(text(&bad).contains("aria-describedby=\"erreur-key"));
    let wrong_slot = post(format!(
        "csrf={csrf}&{}",
        fields("satisfaction", "Satisfaction", "ease_of_use")
    ));
    assert_eq!(wrong_slot.status, 422);
    assert!(text(&wrong_slot).contains("Ce rôle appartient au principe"));
    assert!(text(&wrong_slot).contains("aria-describedby=\"erreur-matrix_role\""));
    assert!(keys().is_empty());

    // Added, then edited: the API shows both.
    let added = post(format!(
        "csrf={csrf}&{}",
        fields("demarches", "Démarches", "monthly_active_users")
    ));
    assert_eq!(added.status, 303, "{:?}", added.body);
    assert_eq!(added.header("location"), Some("/produits/balise-script"));
    assert_eq!(keys(), ["demarches"]);
    let taken = post(format!("csrf={csrf}&{}", fields("demarches", "Encore", "")));
    assert_eq!(taken.status, 422);
    let edit = "/produits/balise-script/indicateurs/demarches/modifier";
    let edit_form = call(&server, "GET", edit, &member, None);
    assert_eq!(edit_form.status, 200);
    assert!(text(&edit_form).contains("value=\"Démarches\""));
    assert_eq!(call(&server, "GET", edit, &viewer, None).status, 403);
    let edited = call(
        &server,
        "POST",
        edit,
        &member,
        Some(&format!(
            "csrf={csrf}&{}",
            fields("", "Démarches abouties", "monthly_active_users")
                .replace("unit=d%C3%A9marches", "unit=dossiers")
        )),
    );
    assert_eq!(edited.status, 303, "{:?}", edited.body);
    let indicator = server
        .get_as(
            "/api/v1/products/balise-script/indicators/demarches",
            &token,
        )
        .body;
    assert_eq!(indicator["label"], "Démarches abouties");
    assert_eq!(indicator["unit"], "dossiers");
    assert_eq!(indicator["north_star"], true);
    assert_eq!(indicator["matrix_role"], "monthly_active_users");
}
