//! The contract page and the review pack with the session cookie, the account page (password,
//! API tokens), and sessions that really end: a cookie replayed after logout or after a
//! password change is refused, as a cookie and as a Bearer token.

use chrono::Utc;
use pilote_domain::Email;
use pilote_store::{
    Actor, Database,
    repo::{contracts, indicators, products, reviews, users},
};

use super::{
    EMAIL, PASSWORD,
    client::{call, cookie_pair, csrf_field, encode, text},
    forms::sign_in_as,
    start,
};
use crate::helpers::Request;

const ADMIN: &str = "admin-compte@test.gouv.fr";
const NOBODY: &str = "sans-role@test.gouv.fr";
const NEW_PASSWORD: &str = "un nouveau mot de passe bien long";

/// A demo product with a contract and at least one review: its slug.
pub(super) fn product_with_reviews(db: &Database) -> String {
    let mut conn = db.get().expect("connection");
    let today = Utc::now().date_naive();
    for o in products::overviews(&mut conn, None, today).expect("overviews") {
        let has_contract = contracts::find(&mut conn, o.id)
            .expect("contract")
            .is_some();
        if has_contract && !reviews::list(&mut conn, o.id).expect("reviews").is_empty() {
            return o.product.slug.to_string();
        }
    }
    panic!("the demo has contracts with reviews");
}

/// The value of the first `<input name="id" value="...">` of the page.
fn first_token_id(html: &str) -> String {
    let start = html.find("name=\"id\" value=\"").expect("a revoke form") + 17;
    html[start..].split('"').next().expect("id").to_owned()
}

#[test]
fn contract_account_and_sessions_that_end() {
    let dir = tempfile::tempdir().expect("dir");
    let (server, _) = start(dir.path());
    let url = super::add_admin(dir.path(), ADMIN, "Alix");
    let db = Database::open(&url, &Default::default()).expect("open");
    {
        // Someone with an account but no role at all.
        let mut conn = db.get().expect("connection");
        let hash = pilote_api::auth::password::hash(PASSWORD).expect("hash");
        let email = Email::parse(NOBODY).expect("email");
        users::insert(&mut conn, &email, "Sans rôle", Some(&hash), Actor::System).expect("user");
    }
    let slug = product_with_reviews(&db);
    let contrat = format!("/produits/{slug}/contrat");

    // The contract page: anonymous → login, no role → 403, any role → the page.
    let anonymous = call(&server, "GET", &contrat, "", None);
    assert_eq!(anonymous.status, 303);
    assert_eq!(
        anonymous.header("location").map(str::to_owned),
        Some(format!("/connexion?suite={contrat}"))
    );
    let nobody = sign_in_as(&server, NOBODY);
    let refused = call(&server, "GET", &contrat, &nobody, None);
    assert_eq!(refused.status, 403);
    assert!(text(&refused).contains("Accès refusé"));
    // Nor the product's journal, which any role may read.
    let journal = format!("/produits/{slug}/journal");
    assert_eq!(call(&server, "GET", &journal, &nobody, None).status, 403);
    let admin = sign_in_as(&server, ADMIN);
    let page = call(&server, "GET", &contrat, &admin, None);
    assert_eq!(page.status, 200, "{:?}", page.body);
    let html = text(&page).to_owned();
    for expected in [
        "<h2>Objectifs</h2>",
        "Cible et échéance",
        "Dérive budgétaire",
        "<h2>Calendrier</h2>",
        "<h2>Engagements</h2>",
        "<h2>Revues</h2>",
        "Verdict",
    ] {
        assert!(
            html.contains(expected),
            "{expected} missing from the contract page"
        );
    }
    // Each objective's forecast, as the contract status computes it.
    let bearer = server.login(ADMIN, PASSWORD);
    let status = server.get_as(&format!("/api/v1/products/{slug}/contract/status"), &bearer);
    assert_eq!(status.status, 200);
    let status: pilote_domain::ContractStatus =
        serde_json::from_value(status.body.clone()).expect("contract status");
    assert!(html.contains("Prévisions à l'échéance"));
    for expected in crate::review_pack::forecast_texts(&status.objectives) {
        assert!(
            html.contains(&expected),
            "{expected} missing from the contract page"
        );
    }
    let product_page = call(&server, "GET", &format!("/produits/{slug}"), &admin, None);
    assert!(text(&product_page).contains(&format!("href=\"{contrat}\"")));

    // The review pack, from the contract page's link, with the cookie alone.
    // A pack's address ends with the review's number (the tabs also link to /revues/nouvelle).
    let marker = format!("href=\"/produits/{slug}/revues/");
    let href = html
        .match_indices(&marker)
        .map(|(at, _)| html[at + 6..].split('"').next().expect("href"))
        .find(|h| {
            h.rsplit('/')
                .next()
                .is_some_and(|id| id.parse::<u64>().is_ok())
        })
        .expect("a link to a review pack")
        .to_owned();
    let pack = call(&server, "GET", &href, &admin, None);
    assert_eq!(pack.status, 200, "{:?}", pack.body);
    assert!(text(&pack).contains("Verdict et décision"));
    assert_eq!(call(&server, "GET", &href, "", None).status, 401);
    // The pack's first, English address redirects there for good, query string kept.
    let old = href
        .replace("/produits/", "/products/")
        .replace("/revues/", "/reviews/");
    let moved = call(&server, "GET", &format!("{old}?imprimer=1"), &admin, None);
    assert_eq!(moved.status, 308);
    assert_eq!(
        moved.header("location"),
        Some(format!("{href}?imprimer=1").as_str())
    );
    assert_eq!(
        server.get_as(&href, &bearer).status,
        200,
        "Bearer still works"
    );

    // The account page; a wrong current password or a short new one are shown next to
    // their field and summarised, nothing changes; a missing CSRF token is 403.
    let account = call(&server, "GET", "/compte", &admin, None);
    assert_eq!(account.status, 200, "{:?}", account.body);
    assert!(text(&account).contains("<h1>Mon compte</h1>"));
    let csrf = csrf_field(text(&account));
    let change = |cookie: &str, csrf: &str, current: &str, new: &str, confirm: &str| {
        call(
            &server,
            "POST",
            "/compte/mot-de-passe",
            cookie,
            Some(&format!(
                "csrf={csrf}&actuel={}&nouveau={}&confirmation={}",
                encode(current),
                encode(new),
                encode(confirm)
            )),
        )
    };
    let wrong = change(
        &admin,
        &csrf,
        "pas le bon mot de passe",
        NEW_PASSWORD,
        NEW_PASSWORD,
    );
    assert_eq!(wrong.status, 422);
    assert!(text(&wrong).contains("Le mot de passe actuel est incorrect."));
    assert!(text(&wrong).contains("aria-describedby=\"erreur-actuel\""));
    assert!(text(&wrong).contains("href=\"#actuel\""));
    let short = change(&admin, &csrf, PASSWORD, "court", "court");
    assert_eq!(short.status, 422);
    assert!(text(&short).contains("au moins 12 caractères"));
    let mismatch = change(&admin, &csrf, PASSWORD, NEW_PASSWORD, "autre chose encore");
    assert_eq!(mismatch.status, 422);
    assert!(text(&mismatch).contains("La confirmation ne correspond pas"));
    assert_eq!(
        change(&admin, "00", PASSWORD, NEW_PASSWORD, NEW_PASSWORD).status,
        403
    );

    // API tokens of a product: created (the secret shown once, and it works), revoked.
    let tokens_page = call(
        &server,
        "GET",
        &format!("/compte?produit={slug}"),
        &admin,
        None,
    );
    assert!(text(&tokens_page).contains("Nouveau jeton pour"));
    // How a script uses a token: the product's indicator keys and `curl` examples.
    let keys: Vec<String> = {
        let mut conn = db.get().expect("connection");
        let id = products::id_of(&mut conn, &pilote_domain::Slug::parse(&slug).expect("slug"))
            .expect("product");
        indicators::list(&mut conn, id)
            .expect("indicators")
            .into_iter()
            .map(|(_, i)| i.key.to_string())
            .collect()
    };
    let usage = text(&tokens_page);
    assert!(
        usage.contains(&format!("/api/v1/products/{slug}/indicators")),
        "no curl example listing the indicators"
    );
    assert!(
        usage.contains("curl -X POST"),
        "no curl example posting a value"
    );
    for key in &keys {
        assert!(
            usage.contains(&format!("<code>{key}</code>")),
            "{key} not shown"
        );
    }
    let empty = call(
        &server,
        "POST",
        "/compte/jetons",
        &admin,
        Some(&format!("csrf={csrf}&produit={slug}&nom=")),
    );
    assert_eq!(empty.status, 422);
    assert!(text(&empty).contains("Donnez un nom au jeton"));
    let created = call(
        &server,
        "POST",
        "/compte/jetons",
        &admin,
        Some(&format!(
            "csrf={csrf}&produit={slug}&nom=script+hebdomadaire"
        )),
    );
    assert_eq!(created.status, 200, "{:?}", created.body);
    assert_eq!(created.header("cache-control"), Some("no-store"));
    let created_html = text(&created);
    let secret_at = created_html
        .find("<code class=\"secret\">")
        .expect("the secret")
        + 21;
    let secret = created_html[secret_at..]
        .split('<')
        .next()
        .expect("secret")
        .to_owned();
    assert!(secret.starts_with("pil_"), "{secret}");
    let csv = format!("/api/v1/products/{slug}/measures.csv");
    assert_eq!(server.get_as(&csv, &secret).status, 200);
    // The example's first command works with the new token, and shows the same keys.
    let listed = server.get_as(&format!("/api/v1/products/{slug}/indicators"), &secret);
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    assert_eq!(listed.body["total"], keys.len());
    assert!(created_html.contains("Créé le (heure de Paris)"));
    let id = first_token_id(created_html);
    let revoked = call(
        &server,
        "POST",
        "/compte/jetons/revoquer",
        &admin,
        Some(&format!("csrf={csrf}&produit={slug}&id={id}")),
    );
    assert_eq!(revoked.status, 303);
    assert_eq!(server.get_as(&csv, &secret).status, 401);
    let after = call(
        &server,
        "GET",
        &format!("/compte?produit={slug}"),
        &admin,
        None,
    );
    assert!(text(&after).contains("révoqué le"));
    // A viewer manages no token: nothing offered, and a forged form is 403.
    let viewer = sign_in_as(&server, EMAIL);
    let viewer_page = call(&server, "GET", "/compte", &viewer, None);
    assert!(text(&viewer_page).contains("ne gère les jetons d'API d'aucun produit"));
    let viewer_csrf = csrf_field(text(&viewer_page));
    let forged = call(
        &server,
        "POST",
        "/compte/jetons",
        &viewer,
        Some(&format!("csrf={viewer_csrf}&produit={slug}&nom=intrus")),
    );
    assert_eq!(forged.status, 403);
    let forged = call(
        &server,
        "POST",
        "/compte/jetons/revoquer",
        &viewer,
        Some(&format!("csrf={viewer_csrf}&produit={slug}&id={id}")),
    );
    assert_eq!(forged.status, 403);

    // Two sessions; changing the password in one ends the other, and its cookie as a
    // Bearer token too.
    let other = sign_in_as(&server, ADMIN);
    assert_eq!(call(&server, "GET", "/", &other, None).status, 200);
    let changed = change(&admin, &csrf, PASSWORD, NEW_PASSWORD, NEW_PASSWORD);
    assert_eq!(changed.status, 303, "{:?}", changed.body);
    assert_eq!(
        changed.header("location"),
        Some("/compte?fait=mot-de-passe")
    );
    let renewed = cookie_pair(&changed, "pilote_session").expect("a new session cookie");
    let replayed = call(&server, "GET", "/", &other, None);
    assert_eq!(replayed.status, 303);
    assert_eq!(replayed.header("location"), Some("/connexion"));
    let jwt = other.trim_start_matches("pilote_session=");
    let as_bearer = server.send(
        "GET",
        "/api/v1/me",
        Request {
            bearer: Some(jwt),
            ..Default::default()
        },
    );
    assert_eq!(as_bearer.status, 401);
    let notice = call(&server, "GET", "/compte?fait=mot-de-passe", &renewed, None);
    assert_eq!(notice.status, 200);
    assert!(text(&notice).contains("Votre mot de passe a été modifié"));
    server.login(ADMIN, NEW_PASSWORD);

    // Logout ends the session on the server: the old cookie, replayed, gets the login page.
    let csrf = csrf_field(text(&notice));
    let out = call(
        &server,
        "POST",
        "/deconnexion",
        &renewed,
        Some(&format!("csrf={csrf}")),
    );
    assert_eq!(out.status, 303);
    let replayed = call(&server, "GET", "/compte", &renewed, None);
    assert_eq!(replayed.status, 303);
    assert_eq!(
        replayed.header("location"),
        Some("/connexion?suite=/compte")
    );
    assert_eq!(call(&server, "GET", &href, &renewed, None).status, 401);
}
